"""Find units like LSTMVis: pick a span of words, find the units that fire on it, then the test reviews where they
fire the same way.

The hidden states of a few hundred test reviews are computed once per model (`build_index`, by Keras in one batched
call) and kept as a compact float16 array, so a query is a few vectorised numpy operations (milliseconds).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import keras
import numpy as np

from rnn_demo.core import data, text
from rnn_demo.model import analysis
from rnn_demo.model.models import Bundle

TEST_REVIEWS = 400  # test reviews searched: enough for varied matches, small enough to index in seconds


@dataclass(frozen=True)
class StateIndex:
    """Hidden states of test reviews, read-only: row n holds review n's words (pre-padded to MaxLen)."""

    hidden: np.ndarray  # (reviews, maxlen, units) float16, h_t after each step
    tokens: tuple[tuple[str, ...], ...]  # the words each review shows the model (cut to MaxLen)
    labels: np.ndarray  # (reviews,) 1 = positive, 0 = negative (the data set's label)
    seconds: float  # time it took to compute the states

    @property
    def lengths(self) -> np.ndarray:
        return np.array([len(tokens) for tokens in self.tokens])


def search_reviews(bundle: Bundle, count: int = TEST_REVIEWS) -> data.Reviews:
    """The first `count` reviews of the test split the bundle's settings give on the bundled IMDb reviews."""
    splits = data.split(data.load("bundled"), seed=bundle.config.train.seed, subset=bundle.config.train.subset)
    return splits.test.take(np.arange(min(count, len(splits.test))))


def build_index(bundle: Bundle, reviews: data.Reviews) -> StateIndex:
    """Run the reviews through the model's embedding and a copy of its LSTM that returns every step's h_t."""
    started = time.perf_counter()
    weights = analysis.weights_of(bundle)
    encoded = [analysis.encode(bundle, review) for review in reviews.texts]
    padded = text.pad_rows([review.ids.tolist() for review in encoded], bundle.config.text.maxlen)
    sequences = keras.Sequential([keras.Input(shape=(None, weights.embeddings.shape[1])),
                                  keras.layers.LSTM(weights.units, return_sequences=True)])
    sequences.layers[0].set_weights([weights.kernel, weights.recurrent_kernel, weights.bias])
    # Through the compiled predict step: an eager call would loop over the time steps in Python (~10x slower).
    hidden = np.concatenate([np.asarray(sequences.predict_on_batch(weights.embeddings[padded[start:start + 100]]))
                             for start in range(0, len(padded), 100)]).astype(np.float16)
    hidden.setflags(write=False)
    labels = np.asarray(reviews.labels).copy()
    labels.setflags(write=False)
    return StateIndex(hidden, tuple(tuple(review.tokens) for review in encoded), labels,
                      time.perf_counter() - started)


def unit_scores(hidden: np.ndarray, start: int, end: int) -> np.ndarray:
    """(units,) how selectively each unit fires on words [start, end): mean h_t on the span minus mean h_t on the
    review's other words (0 for the outside when the span is the whole review). hidden: (words, units)."""
    words = hidden.shape[0]
    if not 0 <= start < end <= words:
        raise ValueError(f"the span must lie within the review's {words} words, got words {start} to {end - 1}.")
    inside = hidden[start:end].mean(axis=0)
    outside = np.delete(hidden, np.s_[start:end], axis=0)
    return inside - (outside.mean(axis=0) if len(outside) else 0.0)


def top_units(hidden: np.ndarray, start: int, end: int, count: int = 3) -> list[int]:
    """Up to `count` units with the highest positive `unit_scores` on words [start, end), best first."""
    scores = unit_scores(hidden, start, end)
    return [int(unit) for unit in np.argsort(-scores, kind="stable")[:count] if scores[unit] > 0]


@dataclass(frozen=True)
class Match:
    """A window of a test review where the chosen units fire as on the selected span."""

    review: int  # row in the index
    start: int  # the window's words [start, end) in the review's tokens
    end: int
    score: float  # mean of the units' h_t in the window minus their mean over the review
    tokens: tuple[str, ...]
    label: int  # the data set's label of the review
    activation: np.ndarray  # (words,) mean h_t of the chosen units after each word of the review


def find_matches(index: StateIndex, units, span_length: int, top: int = 5) -> list[Match]:
    """The `top` test reviews whose best window of `span_length` words has the highest window score for `units`
    (the mean of their h_t in the window minus their mean over the review's words); one window per review."""
    units = np.asarray(units, dtype=int)
    if units.size == 0:
        raise ValueError("choose at least one unit to search for.")
    if span_length < 1:
        raise ValueError("the span must hold at least one word.")
    maxlen = index.hidden.shape[1]
    lengths = index.lengths
    activation = index.hidden[:, :, units].astype(np.float32).mean(axis=2)  # (reviews, maxlen)
    real = np.arange(maxlen)[None, :] >= (maxlen - lengths)[:, None]  # (reviews, maxlen) True on real words
    activation = np.where(real, activation, 0.0)
    review_mean = activation.sum(axis=1) / np.maximum(lengths, 1)  # (reviews,)
    sums = np.concatenate([np.zeros((len(lengths), 1)), np.cumsum(activation, axis=1)], axis=1)
    window = (sums[:, span_length:] - sums[:, :-span_length]) / span_length  # (reviews, maxlen - L + 1) by start
    starts = np.arange(window.shape[1])[None, :]
    allowed = (starts >= (maxlen - lengths)[:, None]) & (lengths[:, None] >= span_length)
    score = np.where(allowed, window - review_mean[:, None], -np.inf)
    best_start = score.argmax(axis=1)
    best = score[np.arange(len(lengths)), best_start]
    matches = []
    for review in np.argsort(-best, kind="stable")[:top]:
        if not np.isfinite(best[review]):
            break
        padding = maxlen - lengths[review]
        start = int(best_start[review] - padding)
        matches.append(Match(int(review), start, start + span_length, float(best[review]), index.tokens[review],
                             int(index.labels[review]), activation[review, padding:]))
    return matches
