"""Numpy reference cells that replay Keras recurrent layers step by step, in the course's notation.

Three cells live here: the simple RNN (S_t = tanh(X_t W_x + S_prev W_s + b), Y_t = S_t W_y), the LSTM (input,
forget and output gates, candidate, cell state c_t = the course's "current memory", hidden state h_t = its "overall
memory") and the GRU. Each trace returns every intermediate value for every time step, so the dashboard can show
what Keras computes without hooks into the layer. Given a layer's weights, the results equal Keras' own output
within 1e-5 (Keras 3 defaults: tanh activation, exact logistic sigmoid for the gates). That holds for trained or
normally initialised weights; with very large random recurrent weights the recurrence becomes chaotic, and then
rounding differences grow step by step until any two implementations (even Keras in float32 and float64) disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-x)), written so large |x| neither overflows nor warns. With `out` (which may
    be x itself), computed in place there."""
    if out is None:
        return np.exp(-np.logaddexp(0.0, -x))
    np.negative(x, out=out)
    np.logaddexp(0.0, out, out=out)
    np.negative(out, out=out)
    return np.exp(out, out=out)


def _as_sequence(inputs, input_dim: int, name: str = "inputs") -> np.ndarray:
    """Check a single sequence of shape (time, input_dim) with at least one step and return it as float64."""
    sequence = np.asarray(inputs, dtype=np.float64)
    if sequence.ndim != 2:
        raise ValueError(f"{name} must be one sequence of shape (time, {input_dim}), got shape {sequence.shape}.")
    if sequence.shape[0] == 0:
        raise ValueError(f"{name} is empty (0 time steps): give at least one step to run the recurrent cell.")
    if sequence.shape[1] != input_dim:
        raise ValueError(
            f"{name} has {sequence.shape[1]} features per step but the kernel expects {input_dim}, "
            f"got shape {sequence.shape}."
        )
    return sequence


def _as_weights(kernel, recurrent_kernel, bias, gates: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Check kernel (input_dim, gates*units), recurrent kernel (units, gates*units) and bias (..., gates*units)."""
    kernel = np.asarray(kernel, dtype=np.float64)
    recurrent_kernel = np.asarray(recurrent_kernel, dtype=np.float64)
    bias = np.asarray(bias, dtype=np.float64)
    if recurrent_kernel.ndim != 2 or recurrent_kernel.shape[1] != gates * recurrent_kernel.shape[0]:
        raise ValueError(
            f"recurrent_kernel must have shape (units, {gates} * units), got {recurrent_kernel.shape}."
        )
    units = recurrent_kernel.shape[0]
    if kernel.ndim != 2 or kernel.shape[1] != gates * units:
        raise ValueError(f"kernel must have shape (input_dim, {gates * units}) for {units} units, got {kernel.shape}.")
    if bias.shape[-1:] != (gates * units,):
        raise ValueError(f"bias must end in {gates * units} values ({gates} * {units} units), got shape {bias.shape}.")
    return kernel, recurrent_kernel, bias, units


def _initial_state(state, units: int, name: str) -> np.ndarray:
    """Zeros when no state is given, else the given state flattened to (units,)."""
    if state is None:
        return np.zeros(units)
    state = np.asarray(state, dtype=np.float64).reshape(-1)
    if state.shape != (units,):
        raise ValueError(f"{name} must hold {units} values (one per unit), got {state.size}.")
    return state


# ----------------------------------------------------------------------------------------------------- simple RNN


def simple_rnn_step(X_t, S_prev, W_x, W_s, b, activation=np.tanh) -> np.ndarray:
    """One simple RNN step S_t = activation(X_t W_x + S_prev W_s + b); X_t (input_dim,), S_prev and S_t (units,)."""
    return activation(np.asarray(X_t) @ W_x + np.asarray(S_prev) @ W_s + b)


def simple_rnn_trace(X, W_x, W_s, b, S0=None) -> np.ndarray:
    """The states S_1..S_T, shape (time, units), of a tanh simple RNN over X (time, input_dim) from S0 (zeros)."""
    W_x, W_s, b, units = _as_weights(W_x, W_s, b, gates=1)
    X = _as_sequence(X, W_x.shape[0], name="X")
    S_prev = _initial_state(S0, units, "S0")  # (units,)
    S = np.empty((X.shape[0], units))  # (time, units)
    for t, X_t in enumerate(X):
        S_prev = S[t] = simple_rnn_step(X_t, S_prev, W_x, W_s, b)
    return S


def simple_rnn_outputs(S, W_y, b_y=None) -> np.ndarray:
    """The outputs Y_t = S_t W_y (+ b_y) for every step, shape (time, out), from the states S (time, units)."""
    S = np.asarray(S, dtype=np.float64)
    W_y = np.asarray(W_y, dtype=np.float64)
    if S.ndim != 2 or W_y.ndim != 2 or S.shape[1] != W_y.shape[0]:
        raise ValueError(
            f"S must be (time, units) and W_y (units, out) with the same units, got {S.shape} and {W_y.shape}."
        )
    Y = S @ W_y  # (time, out)
    return Y if b_y is None else Y + b_y


# ----------------------------------------------------------------------------------------------------------- LSTM


@dataclass(frozen=True)
class LSTMTrace:
    """Every gate and state of an LSTM for every time step; each array has shape (time, units)."""

    input_gate: np.ndarray  # i_t: how much of the candidate enters the cell state
    forget_gate: np.ndarray  # f_t: how much of the previous cell state is kept
    candidate: np.ndarray  # g_t = tanh(...): the new content on offer (Keras calls it the cell input "c")
    output_gate: np.ndarray  # o_t: how much of tanh(c_t) is shown as the hidden state
    cell: np.ndarray  # c_t = f_t * c_prev + i_t * g_t, the cell state (the course: current memory)
    hidden: np.ndarray  # h_t = o_t * tanh(c_t), the hidden state (the course: overall memory)


@dataclass(frozen=True)
class Intervention:
    """A what-if change applied while replaying an LSTM: the trace then records the changed gates and states.

    Steps count in the replayed sequence (with any padding). Zeroing and clamping act on every step from `from_step`.
    """

    zero_units: tuple[int, ...] = ()  # these units' c_t and h_t are set to 0 after each step (the unit is removed)
    forget_value: float | None = None  # clamp the forget gate f_t to this value (0 = forget all, 1 = keep all)
    forget_units: tuple[int, ...] | None = None  # which units' forget gate is clamped; None = every unit
    shut_input_steps: frozenset[int] = frozenset()  # at these steps every unit's input gate i_t is forced to 0
    from_step: int = 0  # zeroing and clamping start at this step (e.g. the first real word after the padding)

    def check(self, units: int) -> None:
        """ValueError naming the bad setting if a unit is out of range or the clamp is not a gate value."""
        for unit in (*self.zero_units, *(self.forget_units or ())):
            if not 0 <= unit < units:
                raise ValueError(f"unit {unit} does not exist: this LSTM has units 0 to {units - 1}.")
        if self.forget_value is not None and not 0.0 <= self.forget_value <= 1.0:
            raise ValueError(f"a forget gate lies between 0 and 1, cannot clamp it to {self.forget_value}.")

    def gates(self, t: int, i_t: np.ndarray, f_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The input and forget gates of step t after the change."""
        if t in self.shut_input_steps:
            i_t = np.zeros_like(i_t)
        if self.forget_value is not None and t >= self.from_step:
            f_t = f_t.copy()
            f_t[slice(None) if self.forget_units is None else list(self.forget_units)] = self.forget_value
        return i_t, f_t

    def states(self, t: int, c_t: np.ndarray, h_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The cell and hidden states of step t after the change."""
        if self.zero_units and t >= self.from_step:
            c_t, h_t = c_t.copy(), h_t.copy()
            c_t[list(self.zero_units)] = h_t[list(self.zero_units)] = 0.0
        return c_t, h_t


def lstm_trace(inputs, kernel, recurrent_kernel, bias, h0=None, c0=None,
               intervention: Intervention | None = None) -> LSTMTrace:
    """Replay a Keras LSTM over one sequence inputs (time, input_dim) from h0, c0 (units,; zeros by default).

    Weights as Keras stores them: kernel (input_dim, 4*units), recurrent_kernel (units, 4*units), bias (4*units,),
    with the four blocks in Keras' gate order i, f, c, o. With an `intervention`, its changes are applied at every
    step and carried forward (without one, the arithmetic is Keras', within rounding).
    """
    kernel, recurrent_kernel, bias, units = _as_weights(kernel, recurrent_kernel, bias, gates=4)
    inputs = _as_sequence(inputs, kernel.shape[0])
    h_prev = _initial_state(h0, units, "h0")  # (units,)
    c_prev = _initial_state(c0, units, "c0")  # (units,)
    if intervention is not None:
        intervention.check(units)

    # The input part of every gate does not depend on the state, so it is computed for all steps at once. The gate
    # blocks are regrouped as i, f, o, g, and those of the three gates are halved (exactly: a power of two), so one
    # tanh over each step's row gives g_t and tanh(x/2) of the gates, and sigmoid(x) = (1 + tanh(x/2)) / 2 follows
    # in place: fewer numpy calls per step than a separate sigmoid, the same numbers within rounding (1e-16).
    ifog, scale = [0, 1, 3, 2], np.repeat([0.5, 0.5, 0.5, 1.0], units)
    kernel = kernel.reshape(-1, 4, units)[:, ifog].reshape(-1, 4 * units) * scale
    recurrent_kernel = recurrent_kernel.reshape(units, 4, units)[:, ifog].reshape(units, 4 * units) * scale
    x_proj = inputs @ kernel + bias.reshape(4, units)[ifog].reshape(-1) * scale  # (time, 4*units)
    steps = inputs.shape[0]
    gates = np.empty((steps, 4 * units))  # (time, gate * units) in the order i, f, o, g
    cell = np.empty((steps, units))  # (time, units)
    hidden = np.empty((steps, units))  # (time, units)
    # Where each block lies in a step's row: input gate, forget gate, output gate, candidate.
    i_block, f_block, o_block, g_block = (slice(k * units, (k + 1) * units) for k in range(4))
    gate_blocks = slice(0, 3 * units)
    for t in range(steps):
        z = gates[t]  # this step's pre-activations, then (in place) its gates
        np.add(x_proj[t], h_prev @ recurrent_kernel, out=z)
        np.tanh(z, out=z)
        gate_values = z[gate_blocks]
        gate_values *= 0.5
        gate_values += 0.5
        if intervention is not None:
            z[i_block], z[f_block] = intervention.gates(t, z[i_block], z[f_block])
        c_t, h_t = cell[t], hidden[t]
        np.multiply(z[f_block], c_prev, out=c_t)
        c_t += z[i_block] * z[g_block]  # c_t = f_t * c_prev + i_t * g_t
        np.tanh(c_t, out=h_t)
        h_t *= z[o_block]  # h_t = o_t * tanh(c_t)
        if intervention is not None:
            c_t[:], h_t[:] = intervention.states(t, c_t, h_t)
        c_prev, h_prev = c_t, h_t
    gates = gates.reshape(steps, 4, units)
    return LSTMTrace(
        input_gate=gates[:, 0],
        forget_gate=gates[:, 1],
        candidate=gates[:, 3],
        output_gate=gates[:, 2],
        cell=cell,
        hidden=hidden,
    )


def _check_default_activations(layer, kind: str) -> None:
    """The numpy cells assume Keras' defaults; refuse a layer built with other activations rather than mislead."""
    activation = getattr(layer.activation, "__name__", str(layer.activation))
    recurrent_activation = getattr(layer.recurrent_activation, "__name__", str(layer.recurrent_activation))
    if (activation, recurrent_activation) != ("tanh", "sigmoid"):
        raise ValueError(
            f"The numpy {kind} replays only activation='tanh' with recurrent_activation='sigmoid', "
            f"this layer uses {activation!r} and {recurrent_activation!r}."
        )


def lstm_weights(layer, read=None) -> list[np.ndarray]:
    """kernel, recurrent kernel and bias of a built keras.layers.LSTM with the default activations (a zero bias when
    it has none), as lstm_trace takes them. `read(variables)` -> their values, if given, reads them instead of
    layer.get_weights()."""
    _check_default_activations(layer, "LSTM")
    weights = layer.get_weights() if read is None else list(read(layer.weights))
    if len(weights) == 2:  # use_bias=False
        weights.append(np.zeros(weights[1].shape[1]))
    if len(weights) != 3:
        raise ValueError(
            f"Expected a built LSTM layer with kernel, recurrent kernel and bias, got {len(weights)} weight arrays; "
            "call the layer on an input (or build the model) first."
        )
    return weights


def lstm_trace_from_layer(layer, inputs) -> LSTMTrace:
    """Replay a built keras.layers.LSTM over one sequence inputs (time, input_dim), starting from zero states."""
    return lstm_trace(inputs, *lstm_weights(layer))


# ------------------------------------------------------------------------------------------------------------ GRU


@dataclass(frozen=True)
class GRUTrace:
    """Every gate and state of a GRU for every time step; each array has shape (time, units)."""

    update_gate: np.ndarray  # z_t: how much of the previous hidden state is kept
    reset_gate: np.ndarray  # r_t: how much of the previous hidden state feeds the candidate
    candidate: np.ndarray  # hh_t = tanh(...): the proposed new hidden state
    hidden: np.ndarray  # h_t = z_t * h_prev + (1 - z_t) * hh_t


def gru_trace(inputs, kernel, recurrent_kernel, bias, h0=None, reset_after=True) -> GRUTrace:
    """Replay a Keras 3 GRU over one sequence inputs (time, input_dim) from h0 (units,; zeros by default).

    kernel (input_dim, 3*units) and recurrent_kernel (units, 3*units) in Keras' gate order z, r, h. With
    reset_after=True (Keras' default) bias is (2, 3*units): input bias then recurrent bias, and the reset gate
    scales the recurrent term after the matrix product. With reset_after=False bias is (3*units,) and the reset
    gate scales h_prev before it.
    """
    kernel, recurrent_kernel, bias, units = _as_weights(kernel, recurrent_kernel, bias, gates=3)
    expected_bias = (2, 3 * units) if reset_after else (3 * units,)
    if bias.shape != expected_bias:
        raise ValueError(f"With reset_after={reset_after} the GRU bias has shape {expected_bias}, got {bias.shape}.")
    input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * units))
    inputs = _as_sequence(inputs, kernel.shape[0])
    h_prev = _initial_state(h0, units, "h0")  # (units,)

    x_proj = (inputs @ kernel + input_bias).reshape(-1, 3, units)  # (time, 3, units) for z, r, h
    U_zr, U_h = recurrent_kernel[:, : 2 * units], recurrent_kernel[:, 2 * units :]  # (units, 2*units), (units, units)
    b_rec_zr, b_rec_h = recurrent_bias[: 2 * units], recurrent_bias[2 * units :]
    gates = np.empty((inputs.shape[0], 3, units))  # (time, gate, units) in the order z, r, hh
    hidden = np.empty((inputs.shape[0], units))  # (time, units)
    for t in range(inputs.shape[0]):
        rec_zr = (h_prev @ U_zr + b_rec_zr).reshape(2, units)
        z_t = sigmoid(x_proj[t, 0] + rec_zr[0])
        r_t = sigmoid(x_proj[t, 1] + rec_zr[1])
        if reset_after:
            hh_t = np.tanh(x_proj[t, 2] + r_t * (h_prev @ U_h + b_rec_h))
        else:
            hh_t = np.tanh(x_proj[t, 2] + (r_t * h_prev) @ U_h)
        h_prev = hidden[t] = z_t * h_prev + (1.0 - z_t) * hh_t
        gates[t] = z_t, r_t, hh_t
    return GRUTrace(update_gate=gates[:, 0], reset_gate=gates[:, 1], candidate=gates[:, 2], hidden=hidden)
