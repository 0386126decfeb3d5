"""Training the sentiment classifier with live progress events and a stop flag; no Streamlit here.

`train(config, splits, on_event, should_stop)` builds the vocabulary from the training reviews, fits the model and
emits `rnn_demo.core.events.Progress` events after every batch and epoch (through the app's one Keras callback). A stop request ends training after the current batch and
still returns a usable bundle, evaluated on the test split.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable

import keras
import numpy as np
import tensorflow as tf

from rnn_demo.core import data as data_module
from rnn_demo.core import text
from rnn_demo.core.config import RunConfig
from rnn_demo.core.data import Splits
from rnn_demo.core.events import Progress
from rnn_demo.model.models import Bundle, build_classifier, compile_classifier
from rnn_demo.model.progress import KerasProgress
from rnn_demo.model.word_counts import StartEmbeddingFromCounts, strongest_words


@dataclass(frozen=True)
class TokenizedSplits:
    """Each split's reviews as token lists, made once and shared read-only (tokenising is the slow part)."""

    train: list[list[str]]
    validation: list[list[str]]
    test: list[list[str]]
    train_labels: np.ndarray
    validation_labels: np.ndarray
    test_labels: np.ndarray


def tokenize_texts(texts) -> list[list[str]]:
    """Token lists with every word stored once (interned): 25,000 reviews take ~60 MB instead of ~430 MB."""
    return [[sys.intern(token) for token in text.tokenize(review)] for review in texts]


def tokenize_splits(splits: Splits) -> TokenizedSplits:
    return TokenizedSplits(tokenize_texts(splits.train.texts), tokenize_texts(splits.validation.texts),
                           tokenize_texts(splits.test.texts), splits.train.labels, splits.validation.labels,
                           splits.test.labels)


class TokenizedReviews:
    """A whole data set whose reviews are each tokenised at most once, when a split first needs them; `splits(seed,
    subset)` takes any subset by position, so a new "reviews used" value costs only its not yet tokenised reviews
    and never a second copy. Thread-safe; what it returns never changes, so it may be shared by every session."""

    def __init__(self, reviews: data_module.Reviews):
        self.texts, self.labels = reviews.texts, reviews.labels
        self._tokens: list[list[str] | None] = [None] * len(reviews)
        self._lock = threading.Lock()

    def tokens(self, indices) -> list[list[str]]:
        missing = [i for i in indices if self._tokens[i] is None]
        if missing:
            tokenized = tokenize_texts(self.texts[i] for i in missing)
            with self._lock:
                for i, tokens in zip(missing, tokenized):
                    if self._tokens[i] is None:
                        self._tokens[i] = tokens
        return [self._tokens[i] for i in indices]

    @property
    def tokenized_count(self) -> int:
        return sum(tokens is not None for tokens in self._tokens)

    def splits(self, seed: int = 0, subset: int | None = None) -> TokenizedSplits:
        """The same stratified split as `data.split(reviews, seed, subset)`, as token lists shared with this set."""
        train, validation, test = data_module.split_indices(self.labels, seed, subset)
        return TokenizedSplits(self.tokens(train), self.tokens(validation), self.tokens(test), self.labels[train],
                               self.labels[validation], self.labels[test])


def encode_tokens(tokenized: list[list[str]], vocab: text.Vocabulary, config: RunConfig) -> np.ndarray:
    """Token lists -> (n, maxlen) ids, pre-padded. Only the words MaxLen keeps are looked up."""
    maxlen = config.text.maxlen
    if config.text.truncating == "pre":
        rows = [vocab.ids_of(tokens[-maxlen:]) for tokens in tokenized]
    else:
        rows = [vocab.ids_of(tokens[:maxlen]) for tokens in tokenized]
    return text.pad_rows(rows, maxlen, config.text.truncating)


def evaluate(model: keras.Model, x: np.ndarray, y: np.ndarray) -> dict:
    """Accuracy, loss and the confusion matrix [[true neg, false pos], [false neg, true pos]] of a classifier."""
    probabilities = model.predict(x, batch_size=512, verbose=0)[:, 0].astype(np.float64)
    predicted = (probabilities >= 0.5).astype(int)
    clipped = np.clip(probabilities, 1e-7, 1 - 1e-7)
    loss = -np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    confusion = [[int(np.sum((y == t) & (predicted == p))) for p in (0, 1)] for t in (0, 1)]
    return {"accuracy": float(np.mean(predicted == y)), "loss": float(loss), "confusion": confusion,
            "reviews": int(len(y))}


@dataclass(frozen=True)
class EncodedSplits:
    """The splits as (n, maxlen) id matrices over a vocabulary built from the training reviews."""

    vocab: text.Vocabulary
    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def encode_splits(config: RunConfig, data: Splits | TokenizedSplits) -> EncodedSplits:
    tokenized = data if isinstance(data, TokenizedSplits) else tokenize_splits(data)
    vocab = text.Vocabulary.build(tokenized.train, config.text.vocab_size)
    as_float = lambda labels: labels.astype(np.float32)  # noqa: E731
    return EncodedSplits(
        vocab,
        encode_tokens(tokenized.train, vocab, config), as_float(tokenized.train_labels),
        encode_tokens(tokenized.validation, vocab, config), as_float(tokenized.validation_labels),
        encode_tokens(tokenized.test, vocab, config), as_float(tokenized.test_labels),
    )


def train(config: RunConfig, data: Splits | TokenizedSplits | EncodedSplits,
          on_event: Callable[[Progress], None] | None = None,
          should_stop: Callable[[], bool] | None = None,
          extra_callbacks: list[keras.callbacks.Callback] = ()) -> Bundle:
    """Fit a fresh classifier for `config` on the training split; returns a bundle with test-split metrics."""
    config.validate()
    on_event = on_event or (lambda event: None)
    should_stop = should_stop or (lambda: False)
    encoded = data if isinstance(data, EncodedSplits) else encode_splits(config, data)

    batches_per_epoch = max(1, len(encoded.x_train) // config.train.batch_size)
    model = build_classifier(config)  # built once: the run keeps it
    # Fitted through a view of the same layers that alone holds the optimizer, so the kept model has none: Adam's
    # two moment estimates would double the memory a kept run holds.
    trainer = keras.Model(model.inputs, model.outputs, name=model.name)
    compile_classifier(trainer, config.train.learning_rate,
                       decay_steps=config.train.epochs * batches_per_epoch if config.train.decay_learning_rate else None,
                       weight_average_momentum=config.train.weight_average_momentum)
    batches = tf.data.Dataset.from_tensor_slices((encoded.x_train, encoded.y_train)).shuffle(
        len(encoded.x_train), seed=config.train.seed, reshuffle_each_iteration=True)
    # Equal-sized batches: a smaller last batch would make TensorFlow trace the training step a second time.
    drop_remainder = len(encoded.x_train) >= config.train.batch_size
    batches = batches.batch(config.train.batch_size, drop_remainder=drop_remainder)
    progress = KerasProgress(on_event, should_stop, epochs=config.train.epochs, steps_per_epoch=batches_per_epoch,
                             batch_size=config.train.batch_size, validation=(encoded.x_validation, encoded.y_validation),
                             keep_snapshots=config.train.snapshot_every_epoch)
    callbacks = [progress, *extra_callbacks]
    counts = StartEmbeddingFromCounts(encoded.x_train, encoded.y_train)
    if config.train.embedding_start == "word_counts":  # last, so every clock above counts the counting
        callbacks.append(counts)
    trainer.fit(batches, epochs=config.train.epochs, callbacks=callbacks, verbose=0, shuffle=False)
    train_seconds = time.perf_counter() - progress.started

    test_metrics = evaluate(trainer, encoded.x_test, encoded.y_test)
    metrics = {
        "test_accuracy": test_metrics["accuracy"], "test_loss": test_metrics["loss"],
        "confusion": test_metrics["confusion"], "test_reviews": test_metrics["reviews"],
        "train_reviews": int(len(encoded.x_train)), "validation_reviews": int(len(encoded.x_validation)),
        "train_seconds": round(train_seconds, 2), "epochs_completed": len(progress.history),
        "stopped_early": progress.stopped, "history": progress.history,
    }
    if counts.ratios is not None:
        metrics["word_counts_start"] = strongest_words(counts.ratios, encoded.vocab.words)
    return Bundle(config, encoded.vocab, model, metrics, progress.snapshots)
