"""Backpropagation through time, measured: how strongly the loss at the end of a sequence reaches back to each time
step's input. For a SimpleRNN the gradient shrinks by a roughly constant factor per step back (the vanishing
gradient); the LSTM's cell state and the GRU's update gate give it a path that shrinks far less."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def input_gradient_norms(model: keras.Model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """For each time step t, the mean over examples of ||d loss_i / d X_t||, shape (time,).

    x: (batch, time, features) inputs; y: (batch, 1) 0/1 labels; loss_i is example i's binary crossentropy on the
    model's output P(label 1). The norm is taken over the input features of one step of one example."""
    x = tf.convert_to_tensor(x, dtype=model.inputs[0].dtype)
    y = tf.convert_to_tensor(y, dtype=x.dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(keras.losses.binary_crossentropy(y, model(x, training=False)))  # sum of loss_i
    gradient = tape.gradient(loss, x)  # (batch, time, features): example i's rows depend on loss_i alone
    return np.asarray(tf.reduce_mean(tf.norm(gradient, axis=-1), axis=0), dtype="float64")


def by_distance_from_end(norms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distances 0..T-1, norms) with distance 0 the last step read, so curves of any length line up at the end."""
    norms = np.asarray(norms)
    return np.arange(len(norms)), norms[::-1]


def decay_per_step(norms: np.ndarray) -> float:
    """The factor by which the gradient norm shrinks per step back in time: exp(slope) of a straight-line fit to
    log(norm) against distance from the end (1.0 = no decay). Steps whose norm underflowed to 0 are left out."""
    distances, values = by_distance_from_end(norms)
    usable = values > 0
    if usable.sum() < 2:
        raise ValueError("at least two time steps with a non-zero gradient are needed to fit a decay rate.")
    slope = np.polyfit(distances[usable], np.log(values[usable]), 1)[0]
    return float(np.exp(slope))


def describe(norms: dict[tuple[str, str], np.ndarray]) -> str:
    """Sentences comparing how far back each cell's gradient reaches, from `norms` keyed by (cell name, stage) as
    drawn by figures.memory.gradient_norms_figure."""
    parts = []
    for (name, stage), values in norms.items():
        values = np.asarray(values, dtype="float64")
        if stage != "after training" or len(values) < 2 or values[-1] <= 0:
            continue
        ratio = values[0] / values[-1]  # the first step's norm relative to the last step's
        parts.append(f"{name}: the first step gets {ratio:.1e} of the last step's gradient "
                     f"(×{decay_per_step(values):.3f} per step back)")
    length = len(next(iter(norms.values())))
    return (f"After training, across the {length} steps: " + "; ".join(parts) + ". A factor far below 1 per step "
            "compounds: this is the vanishing gradient, and it means the first symbol barely moves the weights.")
