"""One review through a trained classifier, word by word: tokens, prediction, running P(positive), gates and states.

The numbers come from the bundle's own weights: the review is pre-padded to MaxLen exactly as in training, its
embedding rows are replayed through `lstm_math` (equal to Keras within 1e-5), and the Dense head is applied to every
hidden state h_t of the real words, so the running prediction's last value is the model's prediction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_demo import lstm_math, text
from rnn_demo.models import Bundle

# Display names of the recorded quantities, in the order the pictures show them.
LSTM_STATES = {
    "input": "input gate i_t",
    "forget": "forget gate f_t",
    "candidate": "candidate g_t",
    "output": "output gate o_t",
    "cell": "cell state c_t",
    "hidden": "hidden state h_t",
}
GATES = ("input", "forget", "output")


@dataclass(frozen=True)
class Inspection:
    """What the model did with one review. Every array has one row per word the model saw."""

    review: text.EncodedReview
    padding: int  # padding steps the LSTM read before the first word (the review is pre-padded to MaxLen)
    prediction: float  # P(positive) from the Keras model itself
    running_prediction: np.ndarray  # (time,) P(positive) if the review ended after each word
    states: dict[str, np.ndarray]  # name -> (time, units), keys as in LSTM_STATES

    @property
    def tokens(self) -> list[str]:
        return self.review.tokens

    @property
    def label(self) -> str:
        return "positive" if self.prediction >= 0.5 else "negative"

    def saturation(self, low: float = 0.1, high: float = 0.9) -> dict[str, dict[str, float]]:
        """Per gate, the share of values below `low` (closed) and above `high` (open)."""
        return {gate: {"closed": float(np.mean(self.states[gate] < low)),
                       "open": float(np.mean(self.states[gate] > high))} for gate in GATES}

    def to_json_dict(self) -> dict:
        """The CLI's JSON Lines record."""
        rounded = lambda array: np.round(array.astype(float), 6).tolist()  # noqa: E731
        return {
            "tokens": self.tokens,
            "unknown": self.review.unknown.tolist(),
            "cut_tokens": len(self.review.cut_tokens),
            "prediction": round(self.prediction, 6),
            "label": self.label,
            "running_prediction": rounded(self.running_prediction),
            "gates": {name: rounded(self.states[name]) for name in ("input", "forget", "candidate", "output")},
            "cell": rounded(self.states["cell"]),
            "hidden": rounded(self.states["hidden"]),
        }


def _layer(bundle: Bundle, name: str):
    try:
        return bundle.model.get_layer(name)
    except ValueError as error:
        raise ValueError(f"the model has no layer named {name!r}; only the LSTM classifier can be inspected.") from error


def inspect(bundle: Bundle, review_text: str) -> Inspection:
    """Encode `review_text` as the model would (cut to MaxLen), then trace every gate and state over its words."""
    if bundle.config.model.cell != "lstm":
        raise ValueError(f"gate pictures need an LSTM model; this one uses a {bundle.config.model.cell} layer.")
    review = text.encode(review_text, bundle.vocab, bundle.config.text.maxlen, bundle.config.text.truncating)
    padded = text.pad_rows([review.ids.tolist()], bundle.config.text.maxlen)  # (1, maxlen), as in training
    padding = padded.shape[1] - len(review.ids)
    embeddings = _layer(bundle, "embedding").get_weights()[0]  # (vocab_size, embedding_dim)
    # Replay the whole padded row, as the model reads it, then keep the steps of the real words.
    trace = lstm_math.lstm_trace_from_layer(_layer(bundle, "lstm"), embeddings[padded[0]])
    dense_kernel, dense_bias = _layer(bundle, "dense").get_weights()  # (units, 1), (1,)
    running = lstm_math.sigmoid(trace.hidden[padding:] @ dense_kernel[:, 0] + dense_bias[0])  # (time,)
    # The model's own answer, through its compiled predict step (an eager call loops the LSTM in Python: ~10x slower).
    prediction = float(np.asarray(bundle.model.predict_on_batch(padded))[0, 0])
    states = {"input": trace.input_gate, "forget": trace.forget_gate, "candidate": trace.candidate,
              "output": trace.output_gate, "cell": trace.cell, "hidden": trace.hidden}
    states = {name: values[padding:] for name, values in states.items()}
    return Inspection(review, padding, prediction, running, states)


def order_units(inspection: Inspection, state: str, by: str = "index") -> np.ndarray:
    """Unit indices in display order: "index", "variance" (most active first) or "correlation" (with the running
    prediction, most positive first)."""
    values = inspection.states[state]  # (time, units)
    if by == "index":
        return np.arange(values.shape[1])
    if by == "variance":
        return np.argsort(-values.var(axis=0), kind="stable")
    if by == "correlation":
        return np.argsort(-unit_correlations(values, inspection.running_prediction), kind="stable")
    raise ValueError(f"unit order must be 'index', 'variance' or 'correlation', got {by!r}.")


def unit_correlations(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Pearson correlation of each unit's trace (time, units) with a (time,) target; 0 where either is constant."""
    centred = values - values.mean(axis=0)
    target_centred = target - target.mean()
    denominator = np.sqrt((centred**2).sum(axis=0) * (target_centred**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = (centred * target_centred[:, None]).sum(axis=0) / denominator
    return np.nan_to_num(correlation)


def compare(first: Inspection, second: Inspection) -> dict:
    """A minimal pair: difference of predictions, and of each state over the shared word positions (second - first)."""
    steps = min(len(first.tokens), len(second.tokens))
    return {
        "prediction_change": second.prediction - first.prediction,
        "steps": steps,
        "states": {name: second.states[name][:steps] - first.states[name][:steps] for name in first.states},
        "running": second.running_prediction[:steps] - first.running_prediction[:steps],
    }
