"""What the model did with one review, as plain data: the `Inspection` record (tokens, prediction, running
P(positive), gates and states), the names the pictures use, the unit orders and the minimal-pair comparison.
Pure Python + numpy: figures and pages read these without loading TensorFlow."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from rnn_demo.core import text

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

# The Inspect page's examples (the course's two reviews first); "Write my own" starts empty.
EXAMPLE_REVIEWS = {
    "The course's example (positive)": "I loved this movie! The action sequences were on point and the acting was "
                                       "terrific. Highly recommended!",
    "The course's long-range example": "I really liked the movie but I was disappointed in the service and "
                                       "cleanliness of the cinema. The cinema should be better maintained in order "
                                       "to provide a better experience for customers.",
    "A negation": "This film is not good. The story is not interesting and the jokes are not funny at all.",
    "A mixed review": "The acting was wonderful and the music is beautiful, but the plot is a boring mess and the "
                      "ending is awful.",
    "Write my own": "",
}


# The Inspect page's key to its pictures (true of every LSTM: the names and equations of the course).
READING_GUIDE = (
    "- **Forget gate f_t** (0 = forget, 1 = keep): how much of the old cell state survives this word.\n"
    "- **Input gate i_t**: how much of the new **candidate g_t** (what this word suggests, −1…1) is "
    "written in.\n- **Cell state c_t = f_t·c_(t−1) + i_t·g_t**: the *current memory*, carried along the "
    "review.\n"
    "- **Output gate o_t** and **hidden state h_t = o_t·tanh(c_t)**: the *overall memory* the LSTM shows; "
    "the Dense layer reads the last h_t. The top line applies it to every h_t: the verdict if the review "
    "ended there.\n- Each heatmap row is one unit (its number on the left), each column one word.")


@dataclass(frozen=True)
class Inspection:
    """What the model did with one review. Every array has one row per word the model saw."""

    review: text.EncodedReview
    padding: int  # padding steps the LSTM read before the first word (the review is pre-padded to MaxLen)
    prediction: float  # P(positive): the model's Dense head on its last hidden state (equal to Keras' predict)
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


def saturation_caption(inspection: Inspection, low: float = 0.1, high: float = 0.9) -> str:
    """What the saturation chart shows for this review, in words computed from its numbers."""
    shares = inspection.saturation(low, high)
    saturated = {gate: shares[gate]["closed"] + shares[gate]["open"] for gate in GATES}
    forget = inspection.states["forget"]
    forget_mean, forget_open = float(forget.mean()), shares["forget"]["open"]
    if forget_open >= 0.5:
        verdict = "this model mostly holds its memory like a switch left open"
    elif forget_mean >= 0.6:
        verdict = "this model keeps memory partly, not as a switch"
    elif forget_mean <= 0.4:
        verdict = "this model forgets most of its memory at every word"
    else:
        verdict = "this model keeps about half of its memory at each word"
    return (f"For this review, {saturated['input']:.1%} of input-gate, {saturated['forget']:.1%} of forget-gate and "
            f"{saturated['output']:.1%} of output-gate values are saturated (below {low} or above {high}); "
            f"{forget_open:.1%} of forget-gate values are above {high}. The forget gate's mean is {forget_mean:.2f}: "
            f"{verdict}.")


# A state counts as changed by a minimal pair when it moves by more than this; smaller differences come only from the
# different amount of padding the LSTM reads before a shorter or longer review (about 1e-6).
CHANGE_TOLERANCE = 1e-3


@dataclass(frozen=True)
class AlignedWord:
    """One column of a minimal pair: a word of A and/or of B (None where the other review inserted a word)."""

    tag: str  # "equal", "replace", "delete" (only in A) or "insert" (only in B)
    first: int | None  # position in A
    second: int | None  # position in B


def align(first_tokens: list[str], second_tokens: list[str]) -> list[AlignedWord]:
    """Align two reviews word by word with difflib: equal and replaced words are paired, inserted and deleted words
    stand alone, so a word added early does not shift every later comparison."""
    matcher = difflib.SequenceMatcher(a=first_tokens, b=second_tokens, autojunk=False)
    columns: list[AlignedWord] = []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            paired = min(a_end - a_start, b_end - b_start)
            columns += [AlignedWord(tag, a_start + k, b_start + k) for k in range(paired)]
            a_start, b_start = a_start + paired, b_start + paired
        columns += [AlignedWord("delete", index, None) for index in range(a_start, a_end)]
        columns += [AlignedWord("insert", None, index) for index in range(b_start, b_end)]
    return columns


def describe_changes(first_tokens: list[str], second_tokens: list[str], limit: int = 3) -> str:
    """Where B differs from A, in words: 'inserted “not” before word 4 (“good”)'; '' if the words are the same."""
    matcher = difflib.SequenceMatcher(a=first_tokens, b=second_tokens, autojunk=False)
    changes = []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        old, new = " ".join(first_tokens[a_start:a_end]), " ".join(second_tokens[b_start:b_end])
        if tag == "insert":
            where = (f"before word {a_start + 1} (“{first_tokens[a_start]}”)" if a_start < len(first_tokens)
                     else "at the end")
            changes.append(f"inserted “{new}” {where}")
        elif tag == "delete":
            changes.append(f"deleted “{old}” (word {a_start + 1})")
        elif tag == "replace":
            changes.append(f"replaced “{old}” (word {a_start + 1}) with “{new}”")
    more = f" and {len(changes) - limit} more changes" if len(changes) > limit else ""
    return "; ".join(changes[:limit]) + more


def compare(first: Inspection, second: Inspection) -> dict:
    """A minimal pair over the aligned words: the change of prediction, and per state the difference B - A at each
    aligned column ((columns, units), NaN where a word exists in only one review)."""
    columns = align(first.tokens, second.tokens)
    paired = [(column.first, column.second) for column in columns if column.first is not None
              and column.second is not None]
    first_rows = np.array([a for a, _ in paired], dtype=int)
    second_rows = np.array([b for _, b in paired], dtype=int)
    where = np.array([column.first is not None and column.second is not None for column in columns])
    states = {}
    for name in first.states:
        difference = np.full((len(columns), first.states[name].shape[1]), np.nan)
        difference[where] = second.states[name][second_rows] - first.states[name][first_rows]
        states[name] = difference
    running = np.full(len(columns), np.nan)
    running[where] = second.running_prediction[second_rows] - first.running_prediction[first_rows]
    largest = {name: float(np.nanmax(np.abs(values))) if where.any() else 0.0 for name, values in states.items()}
    return {"prediction_change": second.prediction - first.prediction, "columns": columns, "states": states,
            "running": running, "largest": largest,
            "changes": describe_changes(first.tokens, second.tokens)}
