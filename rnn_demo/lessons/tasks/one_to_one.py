"""One-to-one: a plain feed-forward net for contrast - one input, one output, no state and no time steps. It decides
whether a point (x, y) lies inside the circle of radius 1; the answer depends on this point alone."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from rnn_demo.lessons.tasks.common import (
    Events,
    StopFlag,
    TaskResult,
    check_number,
    check_seed,
    fit,
    initializers,
)

COORDINATE_RANGE = (-2.0, 2.0)  # both coordinates are drawn from, and accepted in, this range
LABELS = ("outside", "inside")


def make_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` random points (n, 2) and labels (n, 1): 1 inside the unit circle, 0 outside."""
    points = np.random.default_rng(seed).uniform(*COORDINATE_RANGE, size=(n, 2)).astype("float32")
    return points, (np.hypot(points[:, 0], points[:, 1]) < 1.0).astype("float32")[:, None]


def build_model(units: int = 32, seed: int = 0) -> keras.Model:
    """Dense -> Dense -> Dense(1, sigmoid): P(inside). No recurrence: each point is judged on its own."""
    init = initializers(seed)
    point = keras.Input((2,), name="point")  # (batch, [x, y])
    hidden = layers.Dense(units, activation="relu", name="hidden_1", **init())(point)
    hidden = layers.Dense(units, activation="relu", name="hidden_2", **init())(hidden)
    inside = layers.Dense(1, activation="sigmoid", name="p_inside", **init())(hidden)
    model = keras.Model(point, inside, name="point_classifier")
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
    return model


def train(epochs: int = 10, n_examples: int = 2000, batch_size: int = 64, units: int = 32, seed: int = 0,
          on_event: Events = None, should_stop: StopFlag = None) -> TaskResult:
    """Train on `n_examples` random points; report accuracy on 1000 fresh ones."""
    check_seed(seed)
    points, labels = make_data(n_examples, seed)
    model = build_model(units=units, seed=seed)
    fitted = fit(model, points, labels, epochs=epochs, batch_size=batch_size, seed=seed, on_event=on_event,
                 should_stop=should_stop)
    test_points, test_labels = make_data(1000, seed + 1)
    predicted = np.asarray(model(test_points, training=False)) > 0.5
    metrics = {"accuracy": float((predicted == test_labels.astype(bool)).mean())}
    return TaskResult(model, metrics, fitted.seconds, fitted.stopped)


def answer(model: keras.Model, x: float, y: float) -> dict:
    """Classify one point: {"label", "probability" (of that label), "truth"}."""
    check_number("x", x, *COORDINATE_RANGE)
    check_number("y", y, *COORDINATE_RANGE)
    p_inside = float(np.asarray(model(np.array([[x, y]], dtype="float32"), training=False))[0, 0])
    label = int(p_inside > 0.5)
    return {"label": LABELS[label], "probability": p_inside if label else 1 - p_inside,
            "truth": LABELS[int(np.hypot(x, y) < 1.0)]}
