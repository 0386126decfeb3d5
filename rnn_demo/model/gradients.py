"""Backpropagation through time, measured: how strongly the loss at the end of a sequence reaches back to each time
step's input. For a SimpleRNN the gradient shrinks by a roughly constant factor per step back (the vanishing
gradient); the LSTM's cell state and the GRU's update gate give it a path that shrinks far less."""

from __future__ import annotations

from typing import Mapping

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


VANISHED_SHARE = 0.01  # the first step "barely moves the weights" when it gets under 1% of the last step's gradient


def join_names(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"


def describe(norms: dict[tuple[str, str], np.ndarray], learned: Mapping[str, bool]) -> str:
    """Sentences on how far back each cell's gradient reaches after training, from `norms` keyed by (cell name,
    stage) as drawn by figures.memory.gradient_norms_figure, and a verdict that also reads `learned` (cell name ->
    whether it learned the task): a vanishing gradient is named only for a cell that did not learn and whose first
    step gets under VANISHED_SHARE of the last step's gradient."""
    parts, verdicts = [], {"learned": [], "vanished": [], "reached": []}
    for (name, stage), values in norms.items():
        values = np.asarray(values, dtype="float64")  # time order: values[0] is the first step
        if stage != "after training" or len(values) < 2 or values[-1] <= 0:
            continue
        factor = decay_per_step(values)
        share = values[0] / values[-1]
        if values[0] > 0:
            reach = f"the first step gets {share:.1e} of the last step's gradient"
        else:
            steps_back = len(values) - 1 - int(np.flatnonzero(values > 0)[0])
            reach = f"the gradient underflows to exactly 0 beyond {steps_back} steps back"
        parts.append(f"{name}: {reach} (×{factor:.3f} per step back)")
        verdicts["learned" if learned[name] else "vanished" if share < VANISHED_SHARE else "reached"].append(name)
    if not parts:
        return "No trained cell has a non-zero gradient at its last step to compare with."
    length = len(next(iter(norms.values())))
    sentences = []
    if verdicts["learned"]:
        sentences.append(f"{join_names(verdicts['learned'])} learned the task, so over these {length} steps the first "
                         "symbol's gradient did reach the weights, whatever its factor per step.")
    if verdicts["vanished"]:
        sentences.append(f"{join_names(verdicts['vanished'])} did not learn it, and the first step gets under "
                         f"{VANISHED_SHARE:.0%} of the last step's gradient: this is the vanishing gradient, the "
                         "first symbol barely moves the weights.")
    if verdicts["reached"]:
        sentences.append(f"{join_names(verdicts['reached'])} did not learn it although the first step still gets at "
                         f"least {VANISHED_SHARE:.0%} of the last step's gradient: the gradient alone does not "
                         "explain the failure here.")
    return f"After training, across the {length} steps: " + "; ".join(parts) + ". " + " ".join(sentences)
