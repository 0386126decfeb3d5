"""Probes: short reviews with a known answer that test one skill of a sentiment model (negation, contrast, memory
over a long review, unknown words, MaxLen, padding), run on several models side by side with pass or fail.

An expected answer is "positive", "negative" or "unsure" (P(positive) between 0.35 and 0.65: a model should not be
confident about words it has never seen).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import pandas as pd

from rnn_demo.core.text import tokenize
from rnn_demo.model import analysis
from rnn_demo.model.models import Bundle

EXPECTED = ("positive", "negative", "unsure")
UNSURE_BAND = (0.35, 0.65)
MAX_PROBE_CHARACTERS = 5_000

# Neutral plot summary used to make reviews long: it names no opinion, so the verdict must come from elsewhere.
_FILLER = ("The story follows a man who moves with his family to a small town near the coast. He works at the "
           "harbour during the week and visits his sister on Sundays. ")


@dataclass(frozen=True)
class Probe:
    """One probe: the review, the answer a good sentiment model gives, and the skill it tests."""

    name: str
    text: str
    expected: str  # one of EXPECTED
    skill: str
    verdict: str = ""  # the words that carry the answer; a model that never reads them (cut by MaxLen) is not judged

    def __post_init__(self):
        if self.expected not in EXPECTED:
            raise ValueError(f"a probe expects one of {', '.join(EXPECTED)}, got {self.expected!r}.")
        if not self.text.strip():
            raise ValueError("a probe needs a review: type a few words.")
        if len(self.text) > MAX_PROBE_CHARACTERS:
            raise ValueError(f"a probe may hold at most {MAX_PROBE_CHARACTERS:,} characters, got {len(self.text):,}.")
        if not tokenize(self.text):  # e.g. only control characters: every model would refuse it, and the table too
            raise ValueError("a probe needs a word or punctuation mark the model can read; this review has none.")
        if not set(tokenize(self.verdict)) <= set(tokenize(self.text)):
            raise ValueError("a probe's verdict words must be words of its review.")


FIXED_PROBES = (
    Probe("negation: not good", "This movie is not good.", "negative", "negation"),
    Probe("negation: not bad at all", "I expected to hate it, but it was not bad at all.", "positive", "negation"),
    Probe("negation: three in a row", "This film is not good. The story is not interesting and the jokes are not "
          "funny at all.", "negative", "negation"),
    Probe("contrast: but (ends negative)", "The actors try hard, but the film is a boring mess.", "negative",
          "'but' contrast"),
    Probe("contrast: but (ends positive)", "The first hour is slow, but it becomes a moving and beautiful film.",
          "positive", "'but' contrast"),
    Probe("verdict early, long review", "A terrible film, one of the worst I have ever seen. " + _FILLER * 4,
          "negative", "memory: the verdict, then ~130 words of plot without opinion", verdict="terrible worst"),
    Probe("plot summary, no opinion", _FILLER * 2, "unsure", "a plot summary states no sentiment"),
    Probe("the course's long-range example",
          "I really liked the movie but I was disappointed in the service and cleanliness of the cinema. The cinema "
          "should be better maintained in order to provide a better experience for customers.", "positive",
          "long-range dependency: the verdict on the movie comes first"),
    Probe("only unknown words", "Zorbulent flimraxic quondle, vexipharn glorbitude!", "unsure",
          "unknown words carry no sentiment"),
    Probe("verdict cut by MaxLen", "This film is awful, a complete waste of time. " + _FILLER * 12, "negative",
          "truncation: the verdict sits in the words cut by MaxLen (a demonstration: a model never reads it)",
          verdict="awful waste"),
    Probe("verdict kept by MaxLen", _FILLER * 12 + "In the end, this film is awful, a complete waste of time.",
          "negative", "truncation: the last MaxLen words are kept", verdict="awful waste"),
    Probe("padding: one short word", "Brilliant!", "positive", "pre-padding: ~200 padding steps come first"),
    Probe("padding: short and negative", "Awful, just awful.", "negative", "pre-padding"),
)


def passes(probability: float, expected: str) -> bool:
    """Whether P(positive) gives the expected answer."""
    if expected == "unsure":
        return UNSURE_BAND[0] <= probability <= UNSURE_BAND[1]
    return (probability >= 0.5) == (expected == "positive")


class Outcome(enum.Enum):
    """A model's result on one probe, as the table writes it: a symbol and a word, never colour alone."""

    PASS = "✓ pass"
    FAIL = "✗ fail"
    NOT_SEEN = "– verdict cut"  # the words carrying the answer were cut by MaxLen: a demonstration, not counted


# Cell backgrounds of the table, colour-blind safe (Okabe-Ito blue vs vermilion, lightened so dark text keeps over
# 7:1 contrast), the same blue = good / orange = bad language as the rest of the app.
OUTCOME_COLORS = {Outcome.PASS: "#CCE3F0", Outcome.FAIL: "#F7D4BF", Outcome.NOT_SEEN: "#E6E6E6"}


@dataclass(frozen=True)
class ProbeResult:
    probe: Probe
    probability: float  # P(positive) of the model
    words_seen: int  # words that reached the model (after cutting to MaxLen)
    words_cut: int
    verdict_seen: bool = True  # whether every word of the probe's verdict reached the model

    @property
    def passed(self) -> bool:
        return passes(self.probability, self.probe.expected)

    @property
    def outcome(self) -> Outcome:
        if not self.verdict_seen:
            return Outcome.NOT_SEEN
        return Outcome.PASS if self.passed else Outcome.FAIL


def run_probes(bundle: Bundle, probes) -> list[ProbeResult]:
    """Every probe through the model in one compiled predict call; ValueError if a probe has no readable word."""
    encoded = [analysis.encode(bundle, probe.text) for probe in probes]
    probabilities = analysis.predict_rows(bundle, [review.ids.tolist() for review in encoded]) if encoded else []
    return [ProbeResult(probe, float(probability), len(review.ids), len(review.cut_tokens),
                        set(tokenize(probe.verdict)) <= set(review.tokens))
            for probe, review, probability in zip(probes, encoded, probabilities)]


def table(results_by_model: dict[str, list[ProbeResult]]) -> list[dict]:
    """One row per probe: its name, the expected answer, then one cell per model: its outcome and P(positive)
    ("✓ pass · 0.912"). Narrow on purpose: every chosen model's column fits a 1280 px wide screen."""
    models = list(results_by_model)
    if not models:
        return []
    rows = []
    for position, first in enumerate(results_by_model[models[0]]):
        row = {"probe": first.probe.name, "expected": first.probe.expected}
        for model in models:
            result = results_by_model[model][position]
            row[model] = f"{result.outcome.value} · {result.probability:.3f}"
        rows.append(row)
    return rows


def styled_table(results_by_model: dict[str, list[ProbeResult]]):
    """`table` as a pandas Styler whose model cells have their outcome's background (OUTCOME_COLORS)."""
    frame = pd.DataFrame(table(results_by_model))
    colours = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for model, results in results_by_model.items():
        colours[model] = [f"background-color: {OUTCOME_COLORS[result.outcome]}; color: #111111"
                          for result in results]
    return frame.style.apply(lambda _: colours, axis=None)


def summary(results: list[ProbeResult]) -> str:
    """One model's score: how many of the probes it was judged on pass, which fail, and which were not judged."""
    judged = [result for result in results if result.outcome is not Outcome.NOT_SEEN]
    failed = [result.probe.name for result in judged if not result.passed]
    unseen = [result for result in results if result.outcome is Outcome.NOT_SEEN]
    text = f"{len(judged) - len(failed)} of {len(judged)} probes pass" + (f"; fails: {'; '.join(failed)}." if failed
                                                                           else ".")
    if unseen:
        text += (f" Not counted: {'; '.join(result.probe.name for result in unseen)} (a demonstration: the words "
                 f"carrying the answer were cut by MaxLen, so the model never read them; it kept "
                 f"{unseen[0].words_seen} of {unseen[0].words_seen + unseen[0].words_cut} words).")
    return text
