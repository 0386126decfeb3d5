"""The course's activation functions (sigmoid, tanh, ReLU, softmax) with their derivatives, where each derivative
vanishes, where each one works in an LSTM and in this app's models, and what a chain of tanh slopes does to a
gradient that travels back through a simple RNN. Pure numpy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from rnn_demo.core.lstm_math import (
    sigmoid,  # the very function the numpy LSTM uses for its gates
)

VANISHING_SLOPE = 0.01  # a slope below this "vanishes": a gradient passing back through it keeps less than 1%
SOFTMAX_MAX_ENTRIES = 10  # the editable softmax vector: at most this many numbers...
SOFTMAX_MAX_ABS = 100.0  # ...each within +-this, so exp() stays meaningful and the bars readable


def sigmoid_derivative(x):
    """sigmoid'(x) = sigmoid(x) (1 - sigmoid(x)), at most 0.25 (at x = 0)."""
    s = sigmoid(np.asarray(x, dtype=np.float64))
    return s * (1.0 - s)


def tanh(x):
    return np.tanh(np.asarray(x, dtype=np.float64))


def tanh_derivative(x):
    """tanh'(x) = 1 - tanh(x)^2, at most 1 (at x = 0)."""
    return 1.0 - np.tanh(np.asarray(x, dtype=np.float64)) ** 2


def relu(x):
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


def relu_derivative(x):
    """1 for x > 0, else 0 (TensorFlow also takes 0 at x = 0, where ReLU has a kink)."""
    return (np.asarray(x, dtype=np.float64) > 0).astype(np.float64)


def softmax(z, temperature: float = 1.0) -> np.ndarray:
    """exp(z_i / T) / sum_j exp(z_j / T) over a 1-D vector z; the max is subtracted first so exp never overflows."""
    if not temperature > 0:
        raise ValueError(f"temperature must be above 0, got {temperature!r}.")
    scaled = np.asarray(z, dtype=np.float64) / temperature
    exps = np.exp(scaled - scaled.max())
    return exps / exps.sum()


def softmax_jacobian(z, temperature: float = 1.0) -> np.ndarray:
    """J[i, j] = dp_i / dz_j = p_i (delta_ij - p_j) / T, shape (n, n): softmax's derivative is a matrix."""
    p = softmax(z, temperature)
    return (np.diag(p) - np.outer(p, p)) / temperature


@dataclass(frozen=True)
class Activation:
    """One activation of the course with its derivative and where it works."""

    name: str
    function: Callable
    derivative: Callable
    peak_slope: float  # the largest value the derivative takes
    peak_where: str  # where it takes it, in words
    in_lstm: str  # its job in an LSTM cell (rnn_demo.core.lstm_math replays exactly this)


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, 0.25, "x = 0",
                          "the input, forget and output gates i_t, f_t, o_t: a share from 0 (closed) to 1 (open)"),
    "tanh": Activation("tanh", tanh, tanh_derivative, 1.0, "x = 0",
                       "the candidate g_t and the squashing of the cell state in h_t = o_t * tanh(c_t)"),
    "ReLU": Activation("ReLU", relu, relu_derivative, 1.0, "any x > 0",
                       "not used inside an LSTM cell (its output is unbounded, so states could grow without limit)"),
}


@dataclass(frozen=True)
class AppUse:
    """One place in this app's models where an activation works (tests/test_activations.py checks each one)."""

    activation: str  # a key of ACTIVATIONS, or "softmax"
    model: str  # the model as the app names it
    layer: str  # the Keras layer's name in that model
    attribute: str  # "activation", or "recurrent_activation" for an LSTM's gates
    role: str  # what it computes there


APP_USES = (
    AppUse("sigmoid", "IMDb sentiment LSTM", "lstm", "recurrent_activation", "the LSTM's gates"),
    AppUse("tanh", "IMDb sentiment LSTM", "lstm", "activation", "the LSTM's candidate and output"),
    AppUse("sigmoid", "IMDb sentiment LSTM", "dense", "activation", "the verdict P(positive)"),
    AppUse("ReLU", "One-to-one: inside the circle", "hidden_1", "activation", "first hidden layer"),
    AppUse("ReLU", "One-to-one: inside the circle", "hidden_2", "activation", "second hidden layer"),
    AppUse("sigmoid", "One-to-one: inside the circle", "p_inside", "activation", "the answer P(inside)"),
    AppUse("softmax", "Many-to-many: tagging", "tag", "activation", "P(O), P(PER), P(LOC) for each word"),
    AppUse("softmax", "Encoder-decoder: number to digits", "next_token", "activation", "P(next token)"),
)


def vanishing_intervals(name: str, threshold: float = VANISHING_SLOPE) -> tuple[tuple[float, float], ...]:
    """The intervals of x where the derivative of ACTIVATIONS[name] is below `threshold` (ends may be +-inf).

    Solved in closed form: sigmoid' = s (1 - s) < t where s < s0 = (1 - sqrt(1 - 4t)) / 2 or s > 1 - s0, i.e.
    |x| > log((1 - s0) / s0); tanh' = 1 - y^2 < t where |x| > atanh(sqrt(1 - t)); ReLU' = 0 for x <= 0."""
    activation = ACTIVATIONS[name]
    if not 0 < threshold <= activation.peak_slope:
        raise ValueError(f"threshold must be above 0 and at most {activation.peak_slope} (the {name}'s largest "
                         f"slope), got {threshold!r}.")
    if name == "ReLU":
        return ((-math.inf, 0.0),)
    if name == "sigmoid":
        s0 = (1.0 - math.sqrt(1.0 - 4.0 * threshold)) / 2.0
        edge = math.log((1.0 - s0) / s0)
    else:
        edge = math.atanh(math.sqrt(1.0 - threshold))
    return ((-math.inf, -edge), (edge, math.inf))


def slope_text(value: float) -> str:
    """A slope as the page writes it, in the text and in the chart's titles alike: two significant digits, so
    0.0013 stays 0.0013 (not 0.001) and 2.2e-08 does not read as 0."""
    return f"{value:.2g}"


@dataclass(frozen=True)
class Slope:
    """An activation's value and slope at one input x."""

    name: str
    x: float
    value: float  # f(x)
    slope: float  # f'(x): the factor a gradient is multiplied by when it passes back through f at x
    peak_slope: float
    vanishes: bool  # slope < VANISHING_SLOPE

    @property
    def shrink(self) -> float:
        """How much smaller the slope is than the activation's largest slope, from 0 (not at all) to 1 (zero)."""
        return 1.0 - self.slope / self.peak_slope

    def sentence(self) -> str:
        """The caption under the plot, from these numbers."""
        where = ACTIVATIONS[self.name].peak_where
        start = f"At x = {self.x:.1f} the {self.name}'s slope is {slope_text(self.slope)}"
        if self.shrink < 0.005:
            best = (f" Even at best it keeps only {self.peak_slope:.0%} of a gradient." if self.peak_slope < 1 else "")
            return (f"{start}, its largest (at {where}): a gradient passing back through it is multiplied by "
                    f"{slope_text(self.slope)}.{best}")
        verdict = f" (below {VANISHING_SLOPE}: it vanishes)" if self.vanishes else ""
        if 0.999 < self.shrink < 1:  # a tiny but non-zero slope must not read as 100% smaller
            shrink = "over 99.9%"
        else:
            shrink = f"{self.shrink:.1%}" if 0.99 < self.shrink < 1 else f"{self.shrink:.0%}"
        return (f"{start}: {shrink} smaller than at {where} ({self.peak_slope:g}); a gradient passing "
                f"back through it is multiplied by {slope_text(self.slope)}{verdict}.")


def slope_at(name: str, x: float) -> Slope:
    activation = ACTIVATIONS[name]
    slope = float(activation.derivative(x))
    return Slope(name, float(x), float(activation.function(x)), slope, activation.peak_slope,
                 slope < VANISHING_SLOPE)


def parse_vector(text: str) -> np.ndarray:
    """Comma-separated numbers -> a float vector of 2..SOFTMAX_MAX_ENTRIES entries; ValueError saying what is wrong.

    The message never repeats the user's text (it is shown as Markdown), only the positions of bad items."""
    items = [item.strip() for item in re.split(r"[,;]", (text or "").strip().rstrip(",;"))]  # a trailing comma is ok
    if not any(items):
        raise ValueError("Type two or more numbers separated by commas, e.g. 2, 1, 0.1.")
    if len(items) > SOFTMAX_MAX_ENTRIES:
        raise ValueError(f"At most {SOFTMAX_MAX_ENTRIES} numbers, got {len(items)}.")
    bad, values = [], []
    for position, item in enumerate(items, start=1):
        try:
            value = float(item)
        except ValueError:
            bad.append(position)
            continue
        if not math.isfinite(value) or abs(value) > SOFTMAX_MAX_ABS:
            bad.append(position)
        values.append(value)
    if bad:
        listed = ", ".join(map(str, bad))
        which = f"Item {listed} is not a number" if len(bad) == 1 else f"Items {listed} are not numbers"
        raise ValueError(f"{which} from {-SOFTMAX_MAX_ABS:g} to {SOFTMAX_MAX_ABS:g}: type numbers separated by commas, "
                         "e.g. 2, 1, 0.1.")
    if len(values) < 2:
        raise ValueError("Softmax needs at least two numbers to share the probability between.")
    return np.array(values)


def softmax_sentence(z, temperature: float) -> str:
    """The caption under the softmax bars: the winner's share and how large the Jacobian's entries still are."""
    p, jacobian = softmax(z, temperature), softmax_jacobian(z, temperature)
    top, largest = int(np.argmax(p)), float(np.abs(jacobian).max())
    if largest >= VANISHING_SLOPE:
        verdict = f"out of at most {0.25 / temperature:.3g} (0.25 / T)"
    elif p[top] > 0.99:
        verdict = f"below {VANISHING_SLOPE}: softmax is saturated (one entry takes nearly all) and gradients vanish"
    else:
        verdict = (f"below {VANISHING_SLOPE}: the temperature divides every slope by {temperature:g}, so gradients "
                   "vanish")
    return (f"At temperature T = {temperature:g}, entry {top + 1} takes {p[top]:.1%} of the probability. The "
            f"largest slope |dp_i/dz_j| is {slope_text(largest)}, {verdict}.")


@dataclass(frozen=True)
class GradientChain:
    """How a gradient fades going back through a 1-unit tanh simple RNN, k = 1..T steps back from the last step."""

    steps_back: np.ndarray  # k = 1..T
    tanh_slopes: np.ndarray  # product of tanh'(a_t) over the last k steps
    weight_factor: np.ndarray  # |W_s|^k
    gradient: np.ndarray  # |dS_T / dS_(T-k)| = product of |W_s tanh'(a_t)| over the last k steps

    @property
    def sigmoid_best(self) -> np.ndarray:
        """0.25^k: a product of k sigmoid slopes can never be larger (sigmoid' <= 0.25), whatever the inputs."""
        return ACTIVATIONS["sigmoid"].peak_slope ** self.steps_back.astype(np.float64)

    def first_vanishing_step(self) -> int | None:
        """The smallest k at which the gradient falls below VANISHING_SLOPE, or None within T steps."""
        below = np.flatnonzero(self.gradient < VANISHING_SLOPE)
        return int(self.steps_back[below[0]]) if below.size else None


    def sentence(self) -> str:
        """The caption under the chain plot, from these numbers."""
        T, first = int(self.steps_back[-1]), self.first_vanishing_step()
        text = (f"A gradient at the last state S_T reaches the state {T} steps back multiplied by "
                f"{self.gradient[-1]:.2g}: the {T} tanh slopes multiply to {self.tanh_slopes[-1]:.2g} and the "
                f"weight contributes |W_s|^{T} = {self.weight_factor[-1]:.2g}.")
        if self.gradient.max() > 1:
            grows = int(self.steps_back[np.argmax(self.gradient > 1)])
            text += f" Here it grows above 1 (from {grows} steps back): an exploding gradient."
        if first is None:
            return text + f" It stays above {VANISHING_SLOPE} over all {T} steps."
        return text + f" It falls below {VANISHING_SLOPE} (vanishes) {first} steps back."


def gradient_chain(W_x: float, W_s: float, b: float, inputs) -> GradientChain:
    """Run S_t = tanh(x_t W_x + S_(t-1) W_s + b) from S_0 = 0 over `inputs` (T numbers) and chain the slopes back:
    dS_T / dS_(T-k) = product over the last k steps of W_s * tanh'(a_t), with a_t the step's pre-activation."""
    inputs = np.asarray(inputs, dtype=np.float64).reshape(-1)
    if inputs.size == 0:
        raise ValueError("gradient_chain needs at least one input step.")
    pre_activations, S_prev = np.empty(inputs.size), 0.0
    for t, x_t in enumerate(inputs):
        pre_activations[t] = x_t * W_x + S_prev * W_s + b
        S_prev = math.tanh(pre_activations[t])
    slopes_back = tanh_derivative(pre_activations[::-1])  # the last step first
    tanh_slopes = np.cumprod(slopes_back)
    weight_factor = abs(W_s) ** np.arange(1, inputs.size + 1)
    return GradientChain(np.arange(1, inputs.size + 1), tanh_slopes, weight_factor, weight_factor * tanh_slopes)
