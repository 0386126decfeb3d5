"""The course's losses (MSE for regression, binary and categorical crossentropy for classification) and MAE, which
the traffic forecast uses, each with its gradient with respect to the prediction; and which set-up in this app
trains with which loss. Pure numpy; values equal keras.losses (Keras clips probabilities to [1e-7, 1 - 1e-7] too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPSILON = 1e-7  # keras.backend.epsilon(): probabilities are clipped to [EPSILON, 1 - EPSILON] before the log


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}.")
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty: a loss needs at least one prediction.")
    return y_true, y_pred


def mse(y_true, y_pred) -> float:
    """Mean squared error: mean of (y_pred - y_true)^2 over all entries."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean((y_pred - y_true) ** 2))


def mse_gradient(y_true, y_pred) -> np.ndarray:
    """dMSE / dy_pred = 2 (y_pred - y_true) / n: grows with the error."""
    y_true, y_pred = _pair(y_true, y_pred)
    return 2.0 * (y_pred - y_true) / y_pred.size


def mae(y_true, y_pred) -> float:
    """Mean absolute error: mean of |y_pred - y_true| over all entries."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_pred - y_true)))


def mae_gradient(y_true, y_pred) -> np.ndarray:
    """dMAE / dy_pred = sign(y_pred - y_true) / n: the same size however large the error (0 where it is exact)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return np.sign(y_pred - y_true) / y_pred.size


def _probabilities(y_pred: np.ndarray) -> np.ndarray:
    if np.any(y_pred < 0) or np.any(y_pred > 1):
        raise ValueError("predictions for a crossentropy must be probabilities from 0 to 1.")
    return np.clip(y_pred, EPSILON, 1.0 - EPSILON)


def binary_crossentropy(y_true, y_pred) -> float:
    """Mean of -(y log p + (1 - y) log(1 - p)); y_true labels 0 or 1 (or in between), y_pred probabilities p."""
    y_true, y_pred = _pair(y_true, y_pred)
    p = _probabilities(y_pred)
    return float(np.mean(-(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))))


def binary_crossentropy_gradient(y_true, y_pred) -> np.ndarray:
    """dBCE / dp = (p - y) / (p (1 - p)) / n: steep when a confident prediction is wrong."""
    y_true, y_pred = _pair(y_true, y_pred)
    p = _probabilities(y_pred)
    return (p - y_true) / (p * (1.0 - p)) / p.size


def _one_hot_and_distribution(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = _pair(y_true, y_pred)
    if not np.allclose(y_pred.sum(axis=-1), 1.0, atol=1e-6):
        raise ValueError("each row of y_pred must be a probability distribution over the classes (summing to 1).")
    return y_true, _probabilities(y_pred)


def categorical_crossentropy(y_true, y_pred) -> float:
    """Mean over rows of -sum_i y_i log p_i: with a one-hot y_true, -log(probability given to the true class)."""
    y_true, p = _one_hot_and_distribution(y_true, y_pred)
    return float(np.mean(-np.sum(y_true * np.log(p), axis=-1)))


def categorical_crossentropy_gradient(y_true, y_pred) -> np.ndarray:
    """dCCE / dp_i = -y_i / p_i / rows: only the true class's probability is pushed, the harder the smaller it is."""
    y_true, p = _one_hot_and_distribution(y_true, y_pred)
    rows = 1 if p.ndim == 1 else p.shape[0]
    return -y_true / p / rows


@dataclass(frozen=True)
class Loss:
    """One loss of the course, as the page plots it against a single prediction."""

    name: str
    keras_name: str  # what model.compile(loss=...) is given
    kind: str  # "regression", "binary" or "multiclass"
    formula: str


LOSSES = {
    "mse": Loss("mean squared error (MSE)", "mse", "regression", "(ŷ − y)²"),
    "mae": Loss("mean absolute error (MAE)", "mae", "regression", "|ŷ − y|"),
    "binary_crossentropy": Loss("binary crossentropy", "binary_crossentropy", "binary",
                                "−(y·log p + (1 − y)·log(1 − p))"),
    "categorical_crossentropy": Loss("categorical crossentropy", "categorical_crossentropy", "multiclass",
                                     "−log p(true class)"),
}


@dataclass(frozen=True)
class LossUse:
    """Which loss one set-up of this app compiles its model with (tests/test_losses.py builds each model to check)."""

    setup: str  # the set-up as the app names it
    page: str  # the page where it trains
    kind: str  # "regression", "binary" or "multiclass"
    keras_loss: str  # exactly the string the model is compiled with
    output: str  # what the model's last layer gives


LOSS_USES = (
    LossUse("Many-to-one: traffic forecast", "RNN set-ups", "regression", "mae", "a number (tomorrow's visits)"),
    LossUse("One-to-many: wave", "RNN set-ups", "regression", "mse", "a number per step (the wave)"),
    LossUse("IMDb sentiment LSTM", "Train the LSTM", "binary", "binary_crossentropy", "P(positive), a sigmoid"),
    LossUse("One-to-one: inside the circle", "RNN set-ups", "binary", "binary_crossentropy", "P(inside), a sigmoid"),
    LossUse("Many-to-many: tagging", "RNN set-ups", "multiclass", "sparse_categorical_crossentropy",
            "P(O), P(PER), P(LOC) per word, a softmax"),
    LossUse("Encoder-decoder: number to digits", "RNN set-ups", "multiclass", "sparse_categorical_crossentropy",
            "P(next token) per step, a softmax"),
    LossUse("Long-range clue: A or B", "Long memory & vanishing gradients", "binary", "binary_crossentropy",
            "P(B), a sigmoid"),
    LossUse("Next word: \"I speak fluent ___\"", "Why order matters", "multiclass", "sparse_categorical_crossentropy",
            "P(next word) over the vocabulary, a softmax"),
)
SPARSE_NOTE = ("sparse_categorical_crossentropy is categorical crossentropy with the true class given as its index "
               "instead of a one-hot vector: the same number.")


def course_differences() -> list[str]:
    """Where this app departs from the course's rule (MSE for regression), computed from LOSS_USES."""
    reasons = {"mae": ": its gradient has the same size for any error, so a few large misses pull on the weights no "
                      "harder than many small ones (a squared error lets the largest misses dominate)"}
    return [f"{use.setup} compiles with {use.keras_loss.upper()}, not the course's MSE"
            f"{reasons.get(use.keras_loss, '')}."
            for use in LOSS_USES if use.kind == "regression" and use.keras_loss != "mse"]


def _direction(gradient: float, what: str) -> str:
    if gradient == 0:
        return f"The gradient is 0: {what} is where this loss wants it."
    way = "up" if gradient < 0 else "down"
    return f"Gradient descent moves {what} against the gradient: {way}."


def regression_sentence(target: float, prediction: float) -> str:
    """The caption under the regression panel: both losses and their gradients at this prediction."""
    mse_gradient_value = float(mse_gradient([target], [prediction])[0])
    return (f"At ŷ = {prediction:.2f} with target {target:.2f}: MSE {mse([target], [prediction]):.3f} with gradient "
            f"{mse_gradient_value:+.3f}, MAE {mae([target], [prediction]):.3f} with gradient "
            f"{float(mae_gradient([target], [prediction])[0]):+.0f}. {_direction(mse_gradient_value, 'ŷ')}")


def binary_sentence(label: int, p: float) -> str:
    """The caption under the binary panel: the loss is -log of the probability the model gave the true label."""
    gradient = float(binary_crossentropy_gradient([label], [p])[0])
    given = p if label == 1 else 1.0 - p
    return (f"True label {label}, p = {p:.2f}: the model gives the true label {given:.0%}, so the loss is "
            f"−log({given:.2f}) = {binary_crossentropy([label], [p]):.3f}, gradient dL/dp = {gradient:+.2f}. "
            f"{_direction(gradient, 'p')}")


def multiclass_sentence(p_true_class: float, classes: int = 3) -> str:
    """The caption under the multiclass panel (the other classes share the rest equally; only p_true counts)."""
    rest = (1.0 - p_true_class) / (classes - 1)
    one_hot, prediction = [1.0] + [0.0] * (classes - 1), [p_true_class] + [rest] * (classes - 1)
    gradient = float(categorical_crossentropy_gradient(one_hot, prediction)[0])
    return (f"The true class gets p = {p_true_class:.2f} (the other {classes - 1} get {rest:.2f} each): loss "
            f"−log({p_true_class:.2f}) = {categorical_crossentropy(one_hot, prediction):.3f}, gradient "
            f"dL/dp = {gradient:+.2f}. {_direction(gradient, 'p of the true class')}")
