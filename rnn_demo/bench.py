"""`python -m rnn_demo bench`: how fast the presets learn IMDb on this machine, against the course's reference.

The reference is the course's model (Embedding 10000x128 -> LSTM 128 -> Dense 1, no mask) fed
`keras.utils.pad_sequences(maxlen=200)` rows over the same 10,000-word vocabulary and trained by a plain
`model.fit(batch_size=32)`. Test-split accuracy is measured every `probe_seconds` of training; the clock counts
training only (measuring pauses it).
"""

from __future__ import annotations

import resource
import time

import keras
import numpy as np
from keras import layers

from rnn_demo import config as config_module
from rnn_demo import data, inspect, text, training
from rnn_demo.models import PRETRAINED_MODELS

PRETRAINED = PRETRAINED_MODELS / "fast"

TARGET_ACCURACY = 0.83


class TimeToAccuracy(keras.callbacks.Callback):
    """Every `probe_seconds` of training, measure test accuracy (outside the clock); stop once both the target is
    reached and `budget_seconds` have passed, or at `limit_seconds`."""

    def __init__(self, x_test, y_test, budget_seconds: float, limit_seconds: float, probe_seconds: float = 1.0,
                 batch_size: int = 32):
        super().__init__()
        self.batch_size, self.batches = batch_size, 0
        self.x_test, self.y_test = x_test, y_test
        self.budget, self.limit, self.probe = budget_seconds, limit_seconds, probe_seconds
        self.clock = 0.0
        self.points: list[tuple[float, float, int]] = []  # (training seconds, test accuracy, reviews seen)
        self.accuracy_at_budget: float | None = None

    def on_train_begin(self, logs=None):
        self.resumed = time.perf_counter()

    def _measure(self) -> float:
        probabilities = self.model.predict(self.x_test, batch_size=1024, verbose=0)[:, 0]
        accuracy = float(np.mean((probabilities >= 0.5) == (self.y_test >= 0.5)))
        self.points.append((self.clock, accuracy, self.batches * self.batch_size))
        return accuracy

    def on_train_batch_end(self, batch, logs=None):
        self.clock += time.perf_counter() - self.resumed
        self.batches += 1
        last_probe = self.points[-1][0] if self.points else 0.0
        if self.clock >= self.budget and self.accuracy_at_budget is None:
            self.accuracy_at_budget = self._measure()
        elif self.clock - last_probe >= self.probe:
            self._measure()
        if (self.accuracy_at_budget is not None and self.time_to_target is not None) or self.clock >= self.limit:
            self.model.stop_training = True
        self.resumed = time.perf_counter()

    def on_train_end(self, logs=None):
        if self.accuracy_at_budget is None:  # training ended before the budget: its final accuracy is what it has
            self.accuracy_at_budget = self._measure()

    @property
    def time_to_target(self) -> float | None:
        return next((seconds for seconds, accuracy, _ in self.points if accuracy >= TARGET_ACCURACY), None)

    @property
    def reviews_to_target(self) -> int | None:
        """Training reviews seen when the target was first measured: a count no busy machine can change."""
        return next((seen for _, accuracy, seen in self.points if accuracy >= TARGET_ACCURACY), None)


def _reference_model(vocab_size: int) -> keras.Model:
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        layers.Embedding(vocab_size, 128),
        layers.LSTM(128),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def bench_reference(tokenized: training.TokenizedSplits, budget: float, limit: float) -> TimeToAccuracy:
    vocab = text.Vocabulary.build(tokenized.train, 10_000)
    to_ids = lambda token_lists: [[vocab.id_of(t) for t in tokens] for tokens in token_lists]  # noqa: E731
    x_train = keras.utils.pad_sequences(to_ids(tokenized.train), maxlen=200)
    x_test = keras.utils.pad_sequences(to_ids(tokenized.test), maxlen=200)
    probe = TimeToAccuracy(x_test, tokenized.test_labels, budget, limit, batch_size=32)
    _reference_model(vocab.size).fit(x_train, tokenized.train_labels.astype(np.float32), batch_size=32, epochs=3,
                                     callbacks=[probe], verbose=0)
    return probe


def bench_preset(name: str, tokenized: training.TokenizedSplits, budget: float, limit: float) -> TimeToAccuracy:
    run = config_module.preset(name)  # trained exactly as a student's run of the preset
    encoded = training.encode_splits(run, tokenized)
    probe = TimeToAccuracy(encoded.x_test, encoded.y_test, budget, limit, batch_size=run.train.batch_size)
    training.train(run, encoded, extra_callbacks=[probe])
    return probe


def inspect_latency(bundle_folder, words: int = 200, repeats: int = 20) -> float:
    """Median seconds for inspect() of a `words`-word review with the pretrained bundle."""
    from rnn_demo.models import load_bundle

    bundle = load_bundle(bundle_folder)
    rng = np.random.default_rng(0)
    review = " ".join(rng.choice(list(bundle.vocab.words[:2000]), size=words))
    inspect.inspect(bundle, review)  # warm-up: traces the Keras call once
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        inspect.inspect(bundle, review)
        timings.append(time.perf_counter() - started)
    return float(np.median(timings))


def _fmt(value, pattern: str) -> str:
    return "not reached" if value is None else pattern.format(value)


def run(budget_seconds: float = 15.0, presets=("fast", "course"), limit_seconds: float = 180.0) -> dict:
    for name in presets:  # unknown names fail now, not after the minutes of the reference run
        config_module.preset(name)
    if not 0 < budget_seconds <= limit_seconds:
        raise ValueError(f"budget must be more than 0 and at most {limit_seconds:g} seconds, got {budget_seconds:g}.")
    tokenized = training.tokenize_splits(data.split(data.load_bundled(), seed=0))
    results = {"reference": bench_reference(tokenized, budget_seconds, limit_seconds)}
    for name in presets:
        results[name] = bench_preset(name, tokenized, budget_seconds, limit_seconds)
    reference = results["reference"]
    print(f"\nIMDb, {len(tokenized.train):,} training / {len(tokenized.test):,} test reviews, "
          f"{budget_seconds:.0f} s budget, target {TARGET_ACCURACY:.0%}")
    print(f"{'model':<11}{'time to 83%':>13}{'x reference':>13}{'reviews seen':>14}{f'acc @ {budget_seconds:.0f}s':>11}"
          f"{'x reference':>13}{'best acc':>10}")
    for name, probe in results.items():
        ratio_time = (probe.time_to_target / reference.time_to_target
                      if probe.time_to_target and reference.time_to_target else None)
        ratio_acc = (probe.accuracy_at_budget / reference.accuracy_at_budget
                     if probe.accuracy_at_budget and reference.accuracy_at_budget else None)
        best = max(accuracy for _, accuracy, _ in probe.points) if probe.points else None
        print(f"{name:<11}{_fmt(probe.time_to_target, '{:.1f} s'):>13}{_fmt(ratio_time, '{:.2f}'):>13}"
              f"{_fmt(probe.reviews_to_target, '{:,}'):>14}"
              f"{_fmt(probe.accuracy_at_budget, '{:.3f}'):>11}{_fmt(ratio_acc, '{:.2f}'):>13}"
              f"{_fmt(best, '{:.3f}'):>10}")
    latency = inspect_latency(PRETRAINED)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"inspect, 200-word review, pretrained fast bundle: {latency * 1000:.0f} ms (median of 20)")
    print(f"peak RSS: {peak_rss_mb:,.0f} MB")
    return {"results": results, "inspect_seconds": latency, "peak_rss_mb": peak_rss_mb}
