"""rnn_demo.core.losses against keras.losses, finite differences and tf.GradientTape; the table of which set-up trains
with which loss, checked on the compiled models; the captions' numbers; bad arguments."""

from __future__ import annotations

import importlib
import pkgutil

import keras
import numpy as np
import pytest
import tensorflow as tf

import rnn_demo.lessons.tasks
from rnn_demo.core import config, losses
from rnn_demo.lessons import fluent_models
from rnn_demo.lessons.tasks import (
    long_range,
    one_to_many,
    one_to_one,
    tagging,
    timeseries,
    translation,
)
from rnn_demo.model import models

RNG = np.random.default_rng(0)
TARGETS = RNG.normal(size=6)
PREDICTIONS = RNG.normal(size=6)
LABELS = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
PROBABILITIES = np.array([0.9, 0.2, 0.5, 0.01, 0.97, 0.3])
ONE_HOT = np.eye(4)[[2, 0, 3]]  # three rows, four classes
DISTRIBUTIONS = RNG.dirichlet(np.ones(4), size=3)

CASES = {  # loss name -> (ours, our gradient, keras loss, y_true, y_pred)
    "mse": (losses.mse, losses.mse_gradient, keras.losses.mean_squared_error, TARGETS, PREDICTIONS),
    "mae": (losses.mae, losses.mae_gradient, keras.losses.mean_absolute_error, TARGETS, PREDICTIONS),
    "binary_crossentropy": (losses.binary_crossentropy, losses.binary_crossentropy_gradient,
                            keras.losses.binary_crossentropy, LABELS, PROBABILITIES),
    "categorical_crossentropy": (losses.categorical_crossentropy, losses.categorical_crossentropy_gradient,
                                 keras.losses.categorical_crossentropy, ONE_HOT, DISTRIBUTIONS),
}


def keras_mean(keras_loss, y_true, y_pred) -> float:
    """Keras' loss functions average over the last axis per row; the mean over rows is what a model reports."""
    return float(np.mean(np.asarray(keras_loss(tf.constant(y_true), tf.constant(y_pred)))))


@pytest.mark.parametrize("name", list(CASES))
def test_values_equal_keras(name):
    ours, _, keras_loss, y_true, y_pred = CASES[name]
    assert ours(y_true, y_pred) == pytest.approx(keras_mean(keras_loss, y_true, y_pred), rel=1e-6)
    assert name in losses.LOSSES and losses.LOSSES[name].keras_name == name


@pytest.mark.parametrize("name", list(CASES))
def test_gradients_equal_finite_differences(name):
    ours, gradient, _, y_true, y_pred = CASES[name]
    if name == "categorical_crossentropy":  # a nudged row no longer sums to 1, which ours refuses: nudge the formula
        ours = lambda t, p: float(np.mean(-np.sum(t * np.log(p), axis=-1)))  # noqa: E731
    h, numeric = 1e-6, np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        step = np.zeros_like(y_pred)
        step[index] = h
        numeric[index] = (ours(y_true, y_pred + step) - ours(y_true, y_pred - step)) / (2 * h)
    np.testing.assert_allclose(gradient(y_true, y_pred), numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", ["mse", "mae", "binary_crossentropy"])
def test_gradients_equal_gradient_tape_on_keras_losses(name):
    _, gradient, keras_loss, y_true, y_pred = CASES[name]
    prediction = tf.Variable(y_pred)
    with tf.GradientTape() as tape:
        value = keras_loss(tf.constant(y_true), prediction)  # one row: the mean over all entries
    np.testing.assert_allclose(gradient(y_true, y_pred), np.asarray(tape.gradient(value, prediction)), rtol=1e-6)


def test_categorical_crossentropy_gradient_on_the_logits_is_p_minus_y():
    """Through a softmax, -y/p turns into the well-known p - y: the chain rule with softmax's Jacobian."""
    from rnn_demo.core.activations import softmax, softmax_jacobian

    logits, y = np.array([1.5, -0.3, 0.2, 2.0]), ONE_HOT[0]
    p = softmax(logits)
    np.testing.assert_allclose(softmax_jacobian(logits).T @ losses.categorical_crossentropy_gradient(y, p), p - y,
                               atol=1e-12)


def test_sparse_categorical_crossentropy_is_categorical_with_indices():
    sparse = keras.losses.sparse_categorical_crossentropy(tf.constant([2, 0, 3]), tf.constant(DISTRIBUTIONS))
    assert float(np.mean(sparse)) == pytest.approx(losses.categorical_crossentropy(ONE_HOT, DISTRIBUTIONS), rel=1e-6)
    assert "the same number" in losses.SPARSE_NOTE


def test_crossentropy_is_clipped_like_keras_at_certainty():
    assert losses.binary_crossentropy([1.0], [0.0]) == pytest.approx(
        keras_mean(keras.losses.binary_crossentropy, np.array([1.0]), np.array([0.0])), rel=1e-6)
    assert np.isfinite(losses.binary_crossentropy_gradient([1.0], [0.0])).all()


@pytest.mark.parametrize("call, message", [
    (lambda: losses.mse([1, 2], [1]), "same shape"), (lambda: losses.mae([], []), "empty"),
    (lambda: losses.binary_crossentropy([1], [1.2]), "probabilities from 0 to 1"),
    (lambda: losses.categorical_crossentropy([1, 0], [0.5, 0.6]), "summing to 1"),
])
def test_bad_arguments_raise_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _compiled_models():
    imdb = models.build_classifier(config.preset("fast"))
    models.compile_classifier(imdb, learning_rate=1e-3)
    return {
        "Many-to-one: traffic forecast": (timeseries, timeseries.build_model(units=4)),
        "One-to-many: wave": (one_to_many, one_to_many.build_model(units=4)),
        "IMDb sentiment LSTM": (models, imdb),
        "One-to-one: inside the circle": (one_to_one, one_to_one.build_model(units=4)),
        "Many-to-many: tagging": (tagging, tagging.build_model(units=4)),
        "Encoder-decoder: number to digits": (translation, translation.build_model(units=4)),
        "Long-range clue: A or B": (long_range, long_range.build_model("lstm", units=4)),
        'Next word: "I speak fluent ___"': (fluent_models, fluent_models.build_lstm_model(30, 4, 4, 1e-2, 0)),
    }


def test_loss_table_is_what_each_model_compiles_with():
    compiled = _compiled_models()
    assert [use.setup for use in losses.LOSS_USES] == list(compiled)
    for use in losses.LOSS_USES:
        assert compiled[use.setup][1].loss == use.keras_loss, use
    # Every task module that builds a model appears in the table, so a new set-up cannot be left out silently.
    task_modules = {importlib.import_module(f"rnn_demo.lessons.tasks.{info.name}") for info in
                    pkgutil.iter_modules(rnn_demo.lessons.tasks.__path__)}
    with_models = {module for module in task_modules if hasattr(module, "build_model")}
    assert with_models <= {module for module, _ in compiled.values()}


def test_loss_kind_follows_the_model_output():
    compiled = _compiled_models()
    for use in losses.LOSS_USES:
        last = compiled[use.setup][1].layers[-1]
        activation = getattr(getattr(last, "layer", last), "activation").__name__
        expected = {"regression": "linear", "binary": "sigmoid", "multiclass": "softmax"}[use.kind]
        assert activation == expected, use


def test_course_differences_come_from_the_table():
    differences = losses.course_differences()
    regression_not_mse = [use for use in losses.LOSS_USES if use.kind == "regression" and use.keras_loss != "mse"]
    assert len(differences) == len(regression_not_mse) >= 1
    assert "traffic forecast compiles with MAE, not the course's MSE" in differences[0]


def test_captions_state_the_computed_loss_and_gradient():
    sentence = losses.regression_sentence(1.0, 0.3)
    assert "MSE 0.490 with gradient -1.400" in sentence and "MAE 0.700 with gradient -1" in sentence
    assert sentence.endswith("up.") and losses.regression_sentence(0.5, 0.5).count("gradient is 0") == 1
    binary = losses.binary_sentence(0, 0.9)
    assert f"{losses.binary_crossentropy([0], [0.9]):.3f}" in binary and "gives the true label 10%" in binary
    assert f"{float(losses.binary_crossentropy_gradient([0], [0.9])[0]):+.2f}" in binary and binary.endswith("down.")
    multiclass = losses.multiclass_sentence(0.2)
    assert "−log(0.20) = 1.609" in multiclass and "dL/dp = -5.00" in multiclass
