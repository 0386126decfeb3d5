"""Word vectors that start from word counts: what a word says about sentiment, counted before training begins.

With `TrainConfig.embedding_start == "word_counts"`, one number of every word's vector (dimension 0 of the
embedding) does not start at random but at the word's *log-count ratio* on the training reviews:

    r(word) = log( P(word | positive review) / P(word | negative review) )

counted over the training split only (each review counts a word once; add-one smoothing), times `SCALE`. "great"
starts positive, "worst" negative, "the" near zero. The other dimensions start at random as before, the architecture
and the parameter count do not change, and every weight (these numbers too) is still learned by Adam. The LSTM still
has to learn to read these numbers word by word and keep a running verdict in its cell state; what the counts save
it is discovering, from a few thousand reviews, which words matter.

Measured on the validation split (2 cores, `python -m rnn_demo bench` for the test split): the `fast` preset
after one epoch 87.4-88.0% (seeds 0-2) against 83.6% from random word vectors (seed 0); a scale of 1.0
gave 83.8% and 0.25 gave 87.8% (seed 0 each).
"""

from __future__ import annotations

import keras
import numpy as np

from rnn_demo.core.text import PAD_ID, UNKNOWN_ID

SCALE = 0.5  # r spreads over about -3.6..3.6 on IMDb (sd 0.74); half of it, next to random values in +-0.05
DIMENSION = 0  # which number of each word vector starts from the counts


def sentiment_ratios(word_ids: np.ndarray, labels: np.ndarray, vocab_size: int, smoothing: float = 1.0) -> np.ndarray:
    """log P(word | positive) / P(word | negative) for every id, from (reviews, time) ids and 0/1 labels.

    A word counts once per review it appears in. Padding and unknown words get 0 (they say nothing)."""
    word_ids = np.sort(np.asarray(word_ids, dtype=np.int64).reshape(len(word_ids), -1), axis=1)
    first_in_review = np.ones(word_ids.shape, dtype=bool)  # sorted: a word's first place in its row counts
    first_in_review[:, 1:] = word_ids[:, 1:] != word_ids[:, :-1]
    positive = np.broadcast_to((np.asarray(labels) >= 0.5)[:, None], word_ids.shape)
    in_positive = np.bincount(word_ids[first_in_review & positive], minlength=vocab_size).astype(np.float64)
    in_negative = np.bincount(word_ids[first_in_review & ~positive], minlength=vocab_size).astype(np.float64)
    in_positive[[PAD_ID, UNKNOWN_ID]] = in_negative[[PAD_ID, UNKNOWN_ID]] = 0
    p = (in_positive + smoothing) / (in_positive.sum() + smoothing * vocab_size)
    q = (in_negative + smoothing) / (in_negative.sum() + smoothing * vocab_size)
    ratios = np.log(p / q)
    ratios[[PAD_ID, UNKNOWN_ID]] = 0.0
    return ratios


class StartEmbeddingFromCounts(keras.callbacks.Callback):
    """At the start of training, set dimension 0 of every word vector to SCALE x its log-count ratio.

    Done as the first thing training does (a callback, after the progress clock starts), so the counting is part of
    the training time every clock in the app shows."""

    def __init__(self, word_ids: np.ndarray, labels: np.ndarray):
        super().__init__()
        self.word_ids, self.labels = word_ids, labels
        self.ratios: np.ndarray | None = None

    def on_train_begin(self, logs=None):
        embedding = self.model.get_layer("embedding")
        vectors = np.array(embedding.get_weights()[0])
        self.ratios = sentiment_ratios(self.word_ids, self.labels, len(vectors))
        vectors[:, DIMENSION] = SCALE * self.ratios
        embedding.set_weights([vectors])


def strongest_words(ratios: np.ndarray, words: tuple[str, ...], among: int = 1_000, count: int = 5) -> dict:
    """The `count` most positive and most negative starting values among the `among` most common words (ids 2..),
    as {"positive": [[word, start value], ...], "negative": [...]} for the Train page."""
    common = np.asarray(ratios[2:2 + min(among, len(words))]) * SCALE
    order = np.argsort(common, kind="stable")
    pick = lambda indices: [[words[i], round(float(common[i]), 2)] for i in indices]  # noqa: E731
    return {"positive": pick(order[::-1][:count]), "negative": pick(order[:count])}
