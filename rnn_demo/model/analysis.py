"""The analysis lab's tools for one review: occlusion (which words decided it), what-if interventions in the LSTM,
and the LSTM's equations with this model's numbers for one word and unit.

Occlusion asks the Keras model itself (all variants in one compiled predict call); what-if and the equations replay
the LSTM in numpy (`lstm_math`, equal to Keras within 1e-5) so that a gate or state can be changed mid-review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rnn_demo.core import lstm_math, text
from rnn_demo.model.models import Bundle

GATE_NAMES = ("input i", "forget f", "candidate g", "output o")  # Keras' kernel order i, f, c (= g), o
_SENTENCE_END = re.compile(r"^[.!?…]+$")


@dataclass(frozen=True)
class Weights:
    """The classifier's weights as numpy arrays, in Keras' layout."""

    embeddings: np.ndarray  # (vocab_size, embedding_dim)
    kernel: np.ndarray  # W: (embedding_dim, 4*units), blocks i, f, g, o
    recurrent_kernel: np.ndarray  # U: (units, 4*units)
    bias: np.ndarray  # b: (4*units,)
    dense_kernel: np.ndarray  # (units,)
    dense_bias: float

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]


def weights_of(bundle: Bundle) -> Weights:
    """The weights of an LSTM classifier bundle; ValueError for a GRU or SimpleRNN model."""
    if bundle.config.model.cell != "lstm":
        raise ValueError(f"the lab replays LSTM models only; this one uses a {bundle.config.model.cell} layer.")
    lstm = bundle.model.get_layer("lstm")
    lstm_math._check_default_activations(lstm, "LSTM")
    kernel, recurrent_kernel, bias = lstm.get_weights()
    dense_kernel, dense_bias = bundle.model.get_layer("dense").get_weights()
    return Weights(bundle.model.get_layer("embedding").get_weights()[0], kernel, recurrent_kernel, bias,
                   dense_kernel[:, 0], float(dense_bias[0]))


def encode(bundle: Bundle, review_text: str) -> text.EncodedReview:
    """The review as this model reads it (cut to MaxLen); ValueError for an empty or unreadable review."""
    return text.encode(review_text, bundle.vocab, bundle.config.text.maxlen, bundle.config.text.truncating)


def predict_rows(bundle: Bundle, rows: list[list[int]]) -> np.ndarray:
    """P(positive) of many id lists, pre-padded to MaxLen and run through the model's compiled predict at once."""
    padded = text.pad_rows(rows, bundle.config.text.maxlen)  # (n, maxlen)
    return np.asarray(bundle.model.predict_on_batch(padded), dtype=np.float64)[:, 0]


# ------------------------------------------------------------------------------------------------------ occlusion


@dataclass(frozen=True)
class Occlusion:
    """P(positive) of the review with each part dropped in turn. Parts are [start, end) spans of word positions."""

    review: text.EncodedReview
    prediction: float  # P(positive) of the whole review (the words the model saw)
    spans: list[tuple[int, int]]
    without: np.ndarray  # (parts,) P(positive) with that part dropped

    @property
    def change(self) -> np.ndarray:
        """(parts,) change in P(positive) when the part is dropped: > 0 means the part pulled towards negative."""
        return self.without - self.prediction

    def part_text(self, index: int) -> str:
        start, end = self.spans[index]
        return " ".join(self.review.tokens[start:end])

    def summary(self, by: str, escape=str) -> str:
        """What the occlusion chart shows, in the app's sign convention: a part's push on P(positive) is P(positive)
        with it minus without it (> 0: towards positive). `by` names the parts ("word", "sentence"); `escape` makes
        the review's words safe where the sentence is shown (e.g. as Markdown)."""
        push = -self.change
        strongest = int(np.argmax(np.abs(push)))
        towards = "positive" if push[strongest] > 0 else "negative"
        return (f"Strongest push on P(positive): '{escape(self.part_text(strongest))}', towards {towards}: "
                f"{push[strongest]:+.3f} ({self.without[strongest]:.3f} without it, {self.prediction:.3f} with it). "
                f"{int(np.sum(push > 0))} of {len(self.spans)} {by}s push towards positive, "
                f"{int(np.sum(push < 0))} towards negative.")


def sentence_spans(tokens: list[str]) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences: each ends after a '.', '!', '?' or '…' token, or at the last word."""
    spans, start = [], 0
    for position, token in enumerate(tokens):
        if _SENTENCE_END.match(token):
            spans.append((start, position + 1))
            start = position + 1
    if start < len(tokens):
        spans.append((start, len(tokens)))
    return spans


def occlude(bundle: Bundle, review_text: str, by: str = "word") -> Occlusion:
    """Drop each word (by="word") or each sentence (by="sentence") of the words the model saw and predict again.

    Dropping a word of a review cut at MaxLen does not let a cut word back in: the parts are the words seen.
    """
    if by not in ("word", "sentence"):
        raise ValueError(f"occlusion works by 'word' or 'sentence', got {by!r}.")
    review = encode(bundle, review_text)
    ids = review.ids.tolist()
    spans = [(k, k + 1) for k in range(len(ids))] if by == "word" else sentence_spans(review.tokens)
    rows = [ids] + [ids[:start] + ids[end:] for start, end in spans]
    predictions = predict_rows(bundle, rows)
    return Occlusion(review, float(predictions[0]), spans, predictions[1:])


# -------------------------------------------------------------------------------------------- replay and what-if


@dataclass(frozen=True)
class Replay:
    """The numpy replay of one review: the trace covers the padding too, the running prediction only real words."""

    review: text.EncodedReview
    padding: int  # padding steps before the first word
    inputs: np.ndarray  # (maxlen, embedding_dim) the embedding rows the LSTM read
    trace: lstm_math.LSTMTrace  # every array (maxlen, units)
    running_prediction: np.ndarray  # (words,) P(positive) if the review ended after each word


def replay(bundle: Bundle, review_text: str, intervention: lstm_math.Intervention | None = None) -> Replay:
    """Replay the pre-padded review through the LSTM in numpy (with an optional intervention) and the Dense head."""
    weights = weights_of(bundle)
    review = encode(bundle, review_text)
    padded = text.pad_rows([review.ids.tolist()], bundle.config.text.maxlen)[0]  # (maxlen,)
    padding = len(padded) - len(review.ids)
    inputs = weights.embeddings[padded]  # (maxlen, embedding_dim)
    trace = lstm_math.lstm_trace(inputs, weights.kernel, weights.recurrent_kernel, weights.bias,
                                 intervention=intervention)
    running = lstm_math.sigmoid(trace.hidden[padding:] @ weights.dense_kernel + weights.dense_bias)
    return Replay(review, padding, inputs, trace, running)


@dataclass(frozen=True)
class WhatIf:
    """The running prediction of a review as the model computes it and with an intervention applied."""

    original: Replay
    changed: Replay
    intervention: lstm_math.Intervention

    @property
    def prediction_change(self) -> float:
        return float(self.changed.running_prediction[-1] - self.original.running_prediction[-1])


def what_if(bundle: Bundle, review_text: str, zero_units=(), forget_value: float | None = None,
            forget_units=None, shut_input_words=()) -> WhatIf:
    """Replay the review unchanged and with the changes: zero these units' h and c, clamp the forget gate of
    `forget_units` (None = all) to `forget_value`, shut every input gate at these word positions (0-based)."""
    original = replay(bundle, review_text)
    words = len(original.review.ids)
    for word in shut_input_words:
        if not 0 <= word < words:
            raise ValueError(f"word position {word} is outside the review (0 to {words - 1}).")
    intervention = lstm_math.Intervention(
        zero_units=tuple(int(unit) for unit in zero_units), forget_value=forget_value,
        forget_units=None if forget_units is None else tuple(int(unit) for unit in forget_units),
        shut_input_steps=frozenset(original.padding + int(word) for word in shut_input_words),
        from_step=original.padding)
    return WhatIf(original, replay(bundle, review_text, intervention), intervention)


# ----------------------------------------------------------------------------------------------------- equations


@dataclass(frozen=True)
class Equations:
    """The LSTM step of one word and unit with this model's numbers, and whether recomputing it matches the trace."""

    word: str
    step: int  # position of the word in the review (0-based)
    unit: int
    input_part: np.ndarray  # (4,) W·x_t for i, f, g, o of this unit
    recurrent_part: np.ndarray  # (4,) U·h_(t-1)
    bias: np.ndarray  # (4,) b
    pre_activation: np.ndarray  # (4,) z = W·x_t + U·h_(t-1) + b
    gate: np.ndarray  # (4,) sigmoid(z) for i, f, o and tanh(z) for g
    c_prev: float
    c_t: float  # recomputed f·c_(t-1) + i·g
    h_t: float  # recomputed o·tanh(c_t)
    traced_c_t: float
    traced_h_t: float

    @property
    def largest_error(self) -> float:
        """Largest gap between the recomputed and the traced c_t and h_t."""
        return max(abs(self.c_t - self.traced_c_t), abs(self.h_t - self.traced_h_t))

    def rows(self) -> list[dict]:
        """A table: one row per gate, its three terms, pre-activation and value."""
        return [{"gate": name, "W·x_t": float(self.input_part[k]), "U·h_(t-1)": float(self.recurrent_part[k]),
                 "b": float(self.bias[k]), "z": float(self.pre_activation[k]),
                 "value": float(self.gate[k]), "activation": "tanh" if k == 2 else "sigmoid"}
                for k, name in enumerate(GATE_NAMES)]


def equations(bundle: Bundle, review_text: str, step: int, unit: int) -> Equations:
    """Recompute the LSTM step at word `step` for `unit` from the weights and the traced h_(t-1), c_(t-1).

    The first word's h_(t-1), c_(t-1) are the states after the padding steps, which the model reads too.
    """
    weights = weights_of(bundle)
    result = replay(bundle, review_text)
    if not 0 <= step < len(result.review.ids):
        raise ValueError(f"word position {step} is outside the review (0 to {len(result.review.ids) - 1}).")
    if not 0 <= unit < weights.units:
        raise ValueError(f"unit {unit} does not exist: this LSTM has units 0 to {weights.units - 1}.")
    t = result.padding + step
    units = weights.units
    h_prev = result.trace.hidden[t - 1] if t > 0 else np.zeros(units)  # (units,)
    c_prev = float(result.trace.cell[t - 1, unit]) if t > 0 else 0.0
    columns = [k * units + unit for k in range(4)]  # this unit's column in each of the blocks i, f, g, o
    input_part = result.inputs[t] @ weights.kernel[:, columns]
    recurrent_part = h_prev @ weights.recurrent_kernel[:, columns]
    bias = weights.bias[columns]
    z = input_part + recurrent_part + bias
    gate = lstm_math.sigmoid(z)
    gate[2] = np.tanh(z[2])
    c_t = gate[1] * c_prev + gate[0] * gate[2]
    h_t = gate[3] * np.tanh(c_t)
    return Equations(result.review.tokens[step], step, unit, input_part, recurrent_part, bias, z, gate, c_prev,
                     float(c_t), float(h_t), float(result.trace.cell[t, unit]), float(result.trace.hidden[t, unit]))
