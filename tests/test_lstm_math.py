"""The numpy cells in rnn_demo.core.lstm_math against Keras' own LSTM, GRU and SimpleRNN layers, and against paper."""

import math

import keras
import numpy as np
import pytest

from rnn_demo.core.lstm_math import (
    GRUTrace,
    LSTMTrace,
    gru_trace,
    lstm_trace,
    lstm_trace_from_layer,
    simple_rnn_outputs,
    simple_rnn_step,
    simple_rnn_trace,
)

TIME, INPUT_DIM, UNITS = 7, 5, 4
TOLERANCE = 1e-5


def random_weights(layer, seed):
    """Give a built layer random weights large enough (scale 1.5) that several gates saturate near 0 or 1."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, 1.5, size=w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def random_sequence(seed, time=TIME):
    return np.random.default_rng(seed).normal(0.0, 1.0, size=(time, INPUT_DIM)).astype("float32")


def max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def built(layer):
    layer.build((1, TIME, INPUT_DIM))
    return layer


# ----------------------------------------------------------------------------------------------------------- LSTM


@pytest.mark.parametrize("with_initial_state", [False, True])
def test_lstm_trace_equals_keras(with_initial_state):
    layer = built(keras.layers.LSTM(UNITS, return_sequences=True, return_state=True))
    kernel, recurrent_kernel, bias = random_weights(layer, seed=1)
    inputs = random_sequence(seed=2)
    rng = np.random.default_rng(3)
    h0, c0 = (rng.normal(size=UNITS).astype("float32") for _ in range(2)) if with_initial_state else (None, None)

    if with_initial_state:
        sequence, h_last, c_last = layer(inputs[None], initial_state=[h0[None], c0[None]])
    else:
        sequence, h_last, c_last = layer(inputs[None])
    trace = lstm_trace(inputs, kernel, recurrent_kernel, bias, h0=h0, c0=c0)

    assert max_diff(trace.hidden, np.asarray(sequence)[0]) <= TOLERANCE
    assert max_diff(trace.hidden[-1], np.asarray(h_last)[0]) <= TOLERANCE
    assert max_diff(trace.cell[-1], np.asarray(c_last)[0]) <= TOLERANCE
    # The weights must really push gates into saturation, or this test would not cover that regime.
    all_gates = np.concatenate([trace.input_gate, trace.forget_gate, trace.output_gate])
    assert (all_gates > 0.99).any() and (all_gates < 0.01).any()


def test_lstm_trace_fields_follow_the_lstm_equations():
    rng = np.random.default_rng(4)
    kernel, recurrent_kernel = rng.normal(size=(INPUT_DIM, 4 * UNITS)), rng.normal(size=(UNITS, 4 * UNITS))
    bias, c0 = rng.normal(size=4 * UNITS), rng.normal(size=UNITS)
    trace = lstm_trace(random_sequence(seed=5), kernel, recurrent_kernel, bias, c0=c0)

    c_prev = np.vstack([c0, trace.cell[:-1]])  # (time, units)
    np.testing.assert_allclose(trace.cell, trace.forget_gate * c_prev + trace.input_gate * trace.candidate)
    np.testing.assert_allclose(trace.hidden, trace.output_gate * np.tanh(trace.cell))
    for gate in (trace.input_gate, trace.forget_gate, trace.output_gate):
        assert ((gate > 0) & (gate < 1)).all()
    assert (np.abs(trace.candidate) < 1).all()


def test_lstm_gate_order_matches_keras():
    """Bias blocks i, f, c, o = (-30, +30, 0, 0): the forget gate keeps c0 and the input gate lets nothing in."""
    layer = built(keras.layers.LSTM(UNITS, return_state=True))
    kernel, recurrent_kernel, _ = random_weights(layer, seed=6)
    kernel, recurrent_kernel = kernel * 0.01, recurrent_kernel * 0.01
    bias = np.concatenate([np.full(UNITS, -30.0), np.full(UNITS, 30.0), np.zeros(2 * UNITS)]).astype("float32")
    layer.set_weights([kernel, recurrent_kernel, bias])
    c0 = np.linspace(-2.0, 2.0, UNITS).astype("float32")
    inputs = random_sequence(seed=7)

    _, _, c_last = layer(inputs[None], initial_state=[np.zeros((1, UNITS), "float32"), c0[None]])
    trace = lstm_trace(inputs, kernel, recurrent_kernel, bias, c0=c0)

    np.testing.assert_allclose(np.asarray(c_last)[0], c0, atol=1e-4)
    assert max_diff(trace.cell[-1], np.asarray(c_last)[0]) <= TOLERANCE
    assert np.all(trace.forget_gate > 0.999) and np.all(trace.input_gate < 0.001)


def test_lstm_trace_from_layer_reads_the_layer_weights():
    layer = built(keras.layers.LSTM(UNITS, return_sequences=True))
    random_weights(layer, seed=8)
    inputs = random_sequence(seed=9)

    trace = lstm_trace_from_layer(layer, inputs)

    assert isinstance(trace, LSTMTrace)
    assert max_diff(trace.hidden, np.asarray(layer(inputs[None]))[0]) <= TOLERANCE


def test_lstm_trace_from_layer_refuses_other_activations():
    layer = built(keras.layers.LSTM(UNITS, activation="relu"))
    with pytest.raises(ValueError, match="tanh"):
        lstm_trace_from_layer(layer, random_sequence(seed=10))


def test_lstm_trace_shapes_and_single_step():
    rng = np.random.default_rng(11)
    kernel, recurrent_kernel = rng.normal(size=(INPUT_DIM, 4 * UNITS)), rng.normal(size=(UNITS, 4 * UNITS))
    for time in (1, TIME):
        trace = lstm_trace(random_sequence(seed=12, time=time), kernel, recurrent_kernel, np.zeros(4 * UNITS))
        for name in ("input_gate", "forget_gate", "candidate", "output_gate", "cell", "hidden"):
            assert getattr(trace, name).shape == (time, UNITS), name


# ------------------------------------------------------------------------------------------------------------ GRU


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_trace_equals_keras(reset_after):
    layer = built(keras.layers.GRU(UNITS, return_sequences=True, reset_after=reset_after))
    kernel, recurrent_kernel, bias = random_weights(layer, seed=13)
    assert bias.shape == ((2, 3 * UNITS) if reset_after else (3 * UNITS,))
    inputs = random_sequence(seed=14)
    h0 = np.random.default_rng(15).normal(size=UNITS).astype("float32")

    for initial in (None, h0):
        expected = layer(inputs[None]) if initial is None else layer(inputs[None], initial_state=[h0[None]])
        trace = gru_trace(inputs, kernel, recurrent_kernel, bias, h0=initial, reset_after=reset_after)
        assert max_diff(trace.hidden, np.asarray(expected)[0]) <= TOLERANCE

    assert isinstance(trace, GRUTrace)
    for name in ("update_gate", "reset_gate", "candidate", "hidden"):
        assert getattr(trace, name).shape == (TIME, UNITS), name
    h_prev = np.vstack([h0, trace.hidden[:-1]])
    np.testing.assert_allclose(trace.hidden, trace.update_gate * h_prev + (1 - trace.update_gate) * trace.candidate)
    gates = np.concatenate([trace.update_gate, trace.reset_gate])
    assert (gates > 0.99).any() and (gates < 0.01).any()


def test_gru_update_gate_is_the_first_block():
    """Input bias of z = +30 keeps h0 untouched in Keras and in the replay."""
    layer = built(keras.layers.GRU(UNITS, return_sequences=True))
    kernel, recurrent_kernel, bias = random_weights(layer, seed=16)
    bias[0, :UNITS] = 30.0
    layer.set_weights([kernel, recurrent_kernel, bias])
    h0 = np.linspace(-0.9, 0.9, UNITS).astype("float32")
    inputs = random_sequence(seed=17) * 0.1

    expected = np.asarray(layer(inputs[None], initial_state=[h0[None]]))[0]
    trace = gru_trace(inputs, kernel, recurrent_kernel, bias, h0=h0)

    np.testing.assert_allclose(expected[-1], h0, atol=1e-4)
    assert max_diff(trace.hidden, expected) <= TOLERANCE


def test_gru_bias_shape_must_match_reset_after():
    rng = np.random.default_rng(18)
    kernel, recurrent_kernel = rng.normal(size=(INPUT_DIM, 3 * UNITS)), rng.normal(size=(UNITS, 3 * UNITS))
    with pytest.raises(ValueError, match="reset_after=False"):
        gru_trace(random_sequence(seed=19), kernel, recurrent_kernel, np.zeros((2, 3 * UNITS)), reset_after=False)


# ----------------------------------------------------------------------------------------------------- simple RNN


def test_simple_rnn_trace_and_outputs_equal_keras():
    layer = built(keras.layers.SimpleRNN(UNITS, return_sequences=True))
    W_x, W_s, b = random_weights(layer, seed=20)
    head = keras.layers.Dense(3)
    head.build((None, UNITS))
    W_y, b_y = random_weights(head, seed=21)
    X = random_sequence(seed=22)
    S0 = np.random.default_rng(23).normal(size=UNITS).astype("float32")

    for initial in (None, S0):
        expected = layer(X[None]) if initial is None else layer(X[None], initial_state=[S0[None]])
        S = simple_rnn_trace(X, W_x, W_s, b, S0=initial)
        assert S.shape == (TIME, UNITS)
        assert max_diff(S, np.asarray(expected)[0]) <= TOLERANCE

    Y = simple_rnn_outputs(S, W_y, b_y)
    assert Y.shape == (TIME, 3)
    assert max_diff(Y, np.asarray(head(expected))[0]) <= TOLERANCE
    assert max_diff(simple_rnn_outputs(S, W_y), Y - b_y) <= 1e-12


def test_simple_rnn_one_unit_by_hand():
    """W_x = 0.5, W_s = -1, b = 0.1, W_y = 2, b_y = 0.5, inputs X_1 = 2, X_2 = -1, S_0 = 0."""
    W_x, W_s, b = np.array([[0.5]]), np.array([[-1.0]]), np.array([0.1])
    # S_1 = tanh(0.5*2 + (-1)*0 + 0.1) = tanh(1.1)
    # S_2 = tanh(0.5*(-1) + (-1)*tanh(1.1) + 0.1) = tanh(-0.4 - 0.8004990) = tanh(-1.2004990)
    S_1, S_2 = 0.8004990218, -0.8338067553
    assert math.isclose(simple_rnn_step([2.0], [0.0], W_x, W_s, b)[0], S_1, abs_tol=1e-9)
    # One step from a non-zero state: tanh(0.5*2 + (-1)*0.3 + 0.1) = tanh(0.8)
    assert math.isclose(simple_rnn_step([2.0], [0.3], W_x, W_s, b)[0], 0.6640367703, abs_tol=1e-9)

    S = simple_rnn_trace([[2.0], [-1.0]], W_x, W_s, b)
    np.testing.assert_allclose(S[:, 0], [S_1, S_2], atol=1e-6)
    # Y_t = 2 * S_t + 0.5
    np.testing.assert_allclose(simple_rnn_outputs(S, [[2.0]], [0.5])[:, 0], [2 * S_1 + 0.5, 2 * S_2 + 0.5], atol=1e-6)


# --------------------------------------------------------------------------------------------------------- errors


def lstm_on(inputs):
    return lstm_trace(inputs, np.zeros((INPUT_DIM, 4 * UNITS)), np.zeros((UNITS, 4 * UNITS)), np.zeros(4 * UNITS))


def gru_on(inputs):
    return gru_trace(inputs, np.zeros((INPUT_DIM, 3 * UNITS)), np.zeros((UNITS, 3 * UNITS)), np.zeros((2, 3 * UNITS)))


def simple_rnn_on(inputs):
    return simple_rnn_trace(inputs, np.zeros((INPUT_DIM, UNITS)), np.zeros((UNITS, UNITS)), np.zeros(UNITS))


@pytest.mark.parametrize("run", [lstm_on, gru_on, simple_rnn_on])
def test_empty_input_is_refused(run):
    with pytest.raises(ValueError, match="empty"):
        run(np.zeros((0, INPUT_DIM)))


@pytest.mark.parametrize("run", [lstm_on, gru_on, simple_rnn_on])
def test_wrong_feature_count_is_refused(run):
    with pytest.raises(ValueError, match=f"kernel expects {INPUT_DIM}"):
        run(np.zeros((TIME, INPUT_DIM + 1)))


def test_bad_weights_and_states_are_refused():
    inputs = random_sequence(seed=24)
    kernel, recurrent_kernel, bias = np.zeros((INPUT_DIM, 4 * UNITS)), np.zeros((UNITS, 4 * UNITS)), np.zeros(4 * UNITS)
    with pytest.raises(ValueError, match="c0 must hold 4 values"):
        lstm_trace(inputs, kernel, recurrent_kernel, bias, c0=np.zeros(3))
    with pytest.raises(ValueError, match="recurrent_kernel"):
        lstm_trace(inputs, kernel, recurrent_kernel[:, :-1], bias)
    with pytest.raises(ValueError, match="bias"):
        lstm_trace(inputs, kernel, recurrent_kernel, bias[:-1])
    with pytest.raises(ValueError, match=r"shape \(time, 5\)"):
        lstm_trace(inputs[0], kernel, recurrent_kernel, bias)


def test_sigmoid_in_place_equals_the_plain_call_even_at_extremes():
    from rnn_demo.core.lstm_math import sigmoid

    x = np.array([[-1e4, -30.0, -1.0, 0.0], [1.0, 30.0, 1e4, 0.5]])
    expected = sigmoid(x)
    in_place = x.copy()
    assert sigmoid(in_place, out=in_place) is in_place
    np.testing.assert_array_equal(in_place, expected)
    assert expected[0, 0] == 0.0 and expected[1, 2] == 1.0 and expected[0, 3] == 0.5
