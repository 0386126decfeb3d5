"""rnn_demo.core.activations against keras.activations, finite differences and tf.GradientTape; the vanishing regions;
the LSTM's and the app's use of each activation, checked on the real layers; the softmax vector's parsing; the
gradient chain of a simple RNN against TensorFlow."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_demo.core import activations, config
from rnn_demo.core.activations import ACTIVATIONS, APP_USES, VANISHING_SLOPE
from rnn_demo.core.lstm_math import lstm_trace
from rnn_demo.lessons.tasks import one_to_one, tagging, translation
from rnn_demo.model import models

GRID = np.linspace(-12.0, 12.0, 97)  # includes 0 and large |x|, where a sloppy sigmoid overflows
KERAS = {"sigmoid": keras.activations.sigmoid, "tanh": keras.activations.tanh, "ReLU": keras.activations.relu}


def finite_difference(function, x, h=1e-5):
    return (function(x + h) - function(x - h)) / (2 * h)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_values_equal_keras(name):
    expected = np.asarray(KERAS[name](tf.constant(GRID, dtype=tf.float64)))
    np.testing.assert_allclose(ACTIVATIONS[name].function(GRID), expected, atol=1e-12)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivatives_equal_finite_differences_and_gradient_tape(name):
    activation = ACTIVATIONS[name]
    away_from_kink = GRID[np.abs(GRID) > 1e-3]  # ReLU has no derivative at 0
    np.testing.assert_allclose(activation.derivative(away_from_kink),
                               finite_difference(activation.function, away_from_kink), atol=1e-8)
    x = tf.constant(GRID, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = KERAS[name](x)
    np.testing.assert_allclose(activation.derivative(GRID), np.asarray(tape.gradient(y, x)), atol=1e-12)
    assert activation.derivative(GRID).max() == pytest.approx(activation.peak_slope)


@pytest.mark.parametrize("temperature", [0.3, 1.0, 4.0])
def test_softmax_and_its_jacobian_equal_keras_and_finite_differences(temperature):
    z = np.array([2.0, 1.0, 0.1, -3.0])
    p = activations.softmax(z, temperature)
    np.testing.assert_allclose(p, np.asarray(keras.activations.softmax(tf.constant(z[None] / temperature)))[0],
                               atol=1e-12)
    jacobian = activations.softmax_jacobian(z, temperature)
    numeric = np.stack([finite_difference(lambda v: activations.softmax(z + v * e, temperature), 0.0)
                        for e in np.eye(z.size)], axis=1)  # column j = dp / dz_j
    np.testing.assert_allclose(jacobian, numeric, atol=1e-8)
    scores = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(scores)
        probabilities = tf.nn.softmax(scores / temperature)
    np.testing.assert_allclose(jacobian, np.asarray(tape.jacobian(probabilities, scores)), atol=1e-12)


def test_softmax_is_stable_and_temperature_sharpens_or_flattens():
    np.testing.assert_allclose(activations.softmax([1000.0, 999.0]), activations.softmax([1.0, 0.0]))
    assert activations.softmax([3.0, 1.0, 0.0], 0.05)[0] > 0.999
    np.testing.assert_allclose(activations.softmax([3.0, 1.0, 0.0], 1e4), 1 / 3, atol=1e-3)
    with pytest.raises(ValueError, match="temperature"):
        activations.softmax([1.0, 2.0], 0.0)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("threshold", [VANISHING_SLOPE, 0.1])
def test_vanishing_intervals_hold_exactly_where_the_slope_is_below_the_threshold(name, threshold):
    intervals = activations.vanishing_intervals(name, threshold)
    x = np.linspace(-10, 10, 4001)
    inside = np.zeros_like(x, dtype=bool)
    for low, high in intervals:
        inside |= (x > low) & (x < high)
    edges = np.array([edge for interval in intervals for edge in interval if np.isfinite(edge)])
    clear = np.min(np.abs(x[:, None] - edges[None]), axis=1) > 1e-6  # the slope equals the threshold at an edge
    below = ACTIVATIONS[name].derivative(x) < threshold  # ReLU: 0 on x <= 0 (x = 0, an edge, is left out)
    np.testing.assert_array_equal(inside[clear], below[clear])
    if name != "ReLU":  # ReLU's slope jumps from 0 to 1 at its edge
        for edge in edges:
            assert ACTIVATIONS[name].derivative(edge) == pytest.approx(threshold, rel=1e-9)


def test_vanishing_interval_rejects_a_threshold_above_the_peak():
    with pytest.raises(ValueError, match="at most 0.25"):
        activations.vanishing_intervals("sigmoid", 0.3)


def test_slope_sentence_states_the_computed_numbers():
    slope = activations.slope_at("sigmoid", 4.0)
    assert slope.slope == pytest.approx(0.017663, abs=1e-6) and not slope.vanishes
    assert "slope is 0.018: 93% smaller than at x = 0 (0.25)" in slope.sentence()
    tanh = activations.slope_at("tanh", 4.0)
    assert tanh.vanishes and "99.9% smaller" in tanh.sentence() and "it vanishes" in tanh.sentence()
    assert "its largest" in activations.slope_at("ReLU", 2.0).sentence()
    assert "keeps only 25% of a gradient" in activations.slope_at("sigmoid", 0.0).sentence()
    tiny = activations.slope_at("tanh", -9.5).sentence()  # 4 / (e^9.5 + e^-9.5)^2 = 2.24e-8
    assert "slope is 2.2e-08: over 99.9% smaller" in tiny  # neither rounded to 0.000 nor called 100% smaller


def test_lstm_uses_sigmoid_for_gates_and_tanh_for_candidate_and_output():
    """One LSTM step from zero states, replayed with these functions, equals rnn_demo.core.lstm_math and Keras."""
    units, rng = 3, np.random.default_rng(0)
    layer = keras.layers.LSTM(units, return_sequences=True)
    layer.build((1, 1, 2))
    assert layer.activation is keras.activations.tanh and layer.recurrent_activation is keras.activations.sigmoid
    kernel, recurrent_kernel, bias = (rng.normal(0, 1.5, w.shape) for w in layer.get_weights())
    layer.set_weights([kernel, recurrent_kernel, bias])
    x = rng.normal(size=(1, 2))
    z = (x[0] @ kernel + bias).reshape(4, units)  # pre-activations in Keras' order i, f, c, o
    i, f, o = (activations.ACTIVATIONS["sigmoid"].function(z[k]) for k in (0, 1, 3))
    g = activations.ACTIVATIONS["tanh"].function(z[2])
    h = o * activations.ACTIVATIONS["tanh"].function(i * g)
    trace = lstm_trace(x, kernel, recurrent_kernel, bias)
    for ours, theirs in ((i, trace.input_gate), (f, trace.forget_gate), (g, trace.candidate),
                         (o, trace.output_gate), (h, trace.hidden)):
        np.testing.assert_allclose(ours, theirs[0], atol=1e-12)
    np.testing.assert_allclose(h, np.asarray(layer(x[None].astype("float32")))[0, 0], atol=1e-5)
    assert "gates" in ACTIVATIONS["sigmoid"].in_lstm and "candidate" in ACTIVATIONS["tanh"].in_lstm


def test_every_app_use_is_true_of_the_built_model():
    built = {
        "IMDb sentiment LSTM": models.build_classifier(config.preset("fast")),
        "One-to-one: inside the circle": one_to_one.build_model(units=4),
        "Many-to-many: tagging": tagging.build_model(units=4),
        "Encoder-decoder: number to digits": translation.build_model(units=4),
    }
    assert {use.model for use in APP_USES} == set(built)
    names = {"sigmoid": "sigmoid", "tanh": "tanh", "ReLU": "relu", "softmax": "softmax"}
    for use in APP_USES:
        layer = built[use.model].get_layer(use.layer)
        layer = getattr(layer, "layer", layer)  # TimeDistributed wraps the Dense layer
        assert getattr(layer, use.attribute).__name__ == names[use.activation], use


@pytest.mark.parametrize("text, expected", [("2, 1, 0.1", [2, 1, 0.1]), (" -3 ;4e1,  5, ", [-3, 40, 5]),
                                            ("0,0", [0, 0])])
def test_parse_vector_reads_comma_separated_numbers(text, expected):
    np.testing.assert_allclose(activations.parse_vector(text), expected)


@pytest.mark.parametrize("text, message", [
    ("", "Type two or more numbers"), ("   ", "Type two or more numbers"), ("5", "at least two numbers"),
    ("1, two, 3", "Item 2 is not a number"), ("1, <script>alert(1)</script>", "Item 2 is not a number"),
    ("1, nan, inf", "Items 2, 3 are not numbers"), ("1, 1e6", "Item 2 is not a number from -100 to 100"),
    ("😀, 日本, שלום", "Items 1, 2, 3"), (",".join(["1"] * 11), "At most 10 numbers"), ("1,,2", "Item 2"),
])
def test_parse_vector_says_what_is_wrong_without_repeating_the_text(text, message):
    with pytest.raises(ValueError, match=message) as error:
        activations.parse_vector(text)
    assert "<" not in str(error.value) and "😀" not in str(error.value)


def test_softmax_sentence_reports_saturation():
    assert "entry 1 takes 65.9%" in activations.softmax_sentence([2, 1, 0.1], 1.0)
    assert "saturated" in activations.softmax_sentence([60, 0], 1.0)
    hot = activations.softmax_sentence([60, 0], 50.0)  # p = (0.77, 0.23), but every slope is divided by T = 50
    assert "saturated" not in hot and "divides every slope by 50" in hot


@pytest.mark.parametrize("W_x, W_s", [(1.0, 1.0), (0.3, 2.5), (2.0, 0.5)])
def test_gradient_chain_equals_gradient_tape_through_a_keras_simple_rnn(W_x, W_s):
    inputs = np.random.default_rng(1).normal(size=20)
    chain = activations.gradient_chain(W_x, W_s, 0.1, inputs)
    layer = keras.layers.SimpleRNN(1, return_sequences=True)
    layer.build((1, None, 1))
    layer.set_weights([np.array([[W_x]]), np.array([[W_s]]), np.array([0.1])])
    states = np.asarray(layer(inputs[None, :, None]))[0, :, 0]  # S_1..S_T
    for k in (1, 5, 20):
        start = 0.0 if k == inputs.size else states[-k - 1]  # S_(T-k)
        S_start = tf.Variable([[start]], dtype=tf.float32)
        with tf.GradientTape() as tape:
            S_T = layer(inputs[None, -k:, None].astype("float32"), initial_state=[S_start])[0, -1, 0]
        assert abs(float(tape.gradient(S_T, S_start)[0, 0])) == pytest.approx(chain.gradient[k - 1], rel=1e-3)


def test_gradient_chain_vanishes_with_tanh_and_says_where():
    chain = activations.gradient_chain(1.0, 1.0, 0.0, np.random.default_rng(0).normal(size=50))
    first = chain.first_vanishing_step()
    assert first is not None and chain.gradient[first - 1] < VANISHING_SLOPE <= chain.gradient[first - 2]
    assert np.all(np.diff(chain.gradient) <= 0)  # with |W_s| = 1 and tanh' <= 1 it can only shrink
    assert f"vanishes) {first} steps back" in chain.sentence()
    np.testing.assert_allclose(chain.sigmoid_best, 0.25 ** np.arange(1, 51))
    assert np.all(chain.sigmoid_best >= np.cumprod(activations.sigmoid_derivative(np.linspace(-3, 3, 50))))
    exploding = activations.gradient_chain(0.0, 3.0, 0.0, np.zeros(10))  # S stays 0, tanh' = 1: 3^k
    np.testing.assert_allclose(exploding.gradient, 3.0 ** np.arange(1, 11))
    assert "exploding" in exploding.sentence() and exploding.first_vanishing_step() is None


def test_the_slope_in_the_text_is_the_number_in_the_chart_title():
    """At x = 4 tanh's slope is 0.00134: the text said 0.001 while the chart's title said 0.0013 (issue 19)."""
    from rnn_demo.figures.activations import activation_figure

    tanh = activations.slope_at("tanh", 4.0)
    titles = [note.text for note in activation_figure(4.0).layout.annotations]
    assert "tanh: slope 0.0013 at x = 4" in titles
    assert "slope is 0.0013" in tanh.sentence() and "multiplied by 0.0013" in tanh.sentence()
