"""`python -m rnn_demo bench`: how fast the presets learn IMDb on this machine, against the course's reference.

The reference is the course's model (Embedding 10000x128 -> LSTM 128 -> Dense 1, no mask) fed
`keras.utils.pad_sequences(maxlen=200)` rows over the same 10,000-word vocabulary and trained by a plain
`model.fit(batch_size=32)`. Every model trains `repeats` times (seeds 0, 1, ... for weights and shuffling; the data
split is always seed 0), interleaved so that machine noise hits all alike. Test-split accuracy is measured every
`probe_seconds` of training; the clock counts training only (measuring pauses it). `rnn_demo.tools.bench_report` does the
medians, the table and the JSON record.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from rnn_demo.core import config as config_module
from rnn_demo.core import data, text
from rnn_demo.core.config import RunConfig
from rnn_demo.model import inspect, training
from rnn_demo.model.models import PRETRAINED_MODELS, averaged_weights
from rnn_demo.tools.bench_report import (
    REFERENCE,
    TARGET_ACCURACY,
    RunRecord,
    first_at_target,
    json_record,
    report_lines,
    run_line,
    schedule,
    summarize,
)

PRETRAINED = PRETRAINED_MODELS / "fast"
MAX_REPEATS = 50


class TimeToAccuracy(keras.callbacks.Callback):
    """Every `probe_seconds` of training, measure test accuracy (outside the clock); stop once both the target is
    reached and `budget_seconds` have passed, or at `limit_seconds`."""

    def __init__(self, x_test, y_test, budget_seconds: float, limit_seconds: float, probe_seconds: float = 1.0,
                 batch_size: int = 32, target_accuracy: float = TARGET_ACCURACY):
        super().__init__()
        self.batch_size, self.batches = batch_size, 0
        self.x_test, self.y_test = x_test, y_test
        self.budget, self.limit, self.probe = budget_seconds, limit_seconds, probe_seconds
        self.target_accuracy = target_accuracy
        self.clock = 0.0
        self.first_batch_seconds = 0.0
        self.points: list[tuple[float, float, int]] = []  # (training seconds, test accuracy, reviews seen)
        self.accuracy_at_budget: float | None = None
        self.reviews_at_budget: int | None = None

    def on_train_begin(self, logs=None):
        self.resumed = time.perf_counter()

    def _measure(self) -> float:
        with averaged_weights(self.model):  # the model the run would hand over if it stopped now
            probabilities = self.model.predict(self.x_test, batch_size=1024, verbose=0)[:, 0]
        accuracy = float(np.mean((probabilities >= 0.5) == (self.y_test >= 0.5)))
        self.points.append((self.clock, accuracy, self.batches * self.batch_size))
        return accuracy

    def _measure_budget(self) -> None:
        self.accuracy_at_budget = self._measure()
        self.reviews_at_budget = self.points[-1][2]

    def on_train_batch_end(self, batch, logs=None):
        self.clock += time.perf_counter() - self.resumed
        self.batches += 1
        if self.batches == 1:
            self.first_batch_seconds = self.clock
        last_probe = self.points[-1][0] if self.points else 0.0
        if self.clock >= self.budget and self.accuracy_at_budget is None:
            self._measure_budget()
        elif self.clock - last_probe >= self.probe:
            self._measure()
        if (self.accuracy_at_budget is not None and self.time_to_target is not None) or self.clock >= self.limit:
            self.model.stop_training = True
        self.resumed = time.perf_counter()

    def on_train_end(self, logs=None):
        if self.accuracy_at_budget is None:  # training ended before the budget: its final accuracy is what it has
            self._measure_budget()

    @property
    def time_to_target(self) -> float | None:
        reached = first_at_target(self.points, self.target_accuracy)
        return None if reached is None else reached[0]

    def record(self, model: str, seed: int) -> RunRecord:
        return RunRecord(model, seed, tuple(self.points), self.accuracy_at_budget, self.reviews_at_budget,
                         self.clock, self.batches * self.batch_size, self.batch_size, self.first_batch_seconds,
                         self.target_accuracy)


class BenchData:
    """The seed-0 split of the bundled reviews, tokenised once, and each text setting's encoding of it, made when a
    run first needs it and shared by the repeats (the split never changes with a run's seed)."""

    def __init__(self, subset: int | None = None):
        self.tokenized = training.tokenize_splits(data.split(data.load_bundled(), seed=0, subset=subset))
        self._encoded: dict = {}
        # A small subset (a smoke run) holds fewer distinct words than a 10,000-word vocabulary needs.
        self.max_vocab_size = len({token for tokens in self.tokenized.train for token in tokens}) + 2

    @property
    def train_reviews(self) -> int:
        return len(self.tokenized.train)

    @property
    def test_reviews(self) -> int:
        return len(self.tokenized.test)

    def reference_rows(self) -> tuple[int, np.ndarray, np.ndarray]:
        """(vocabulary size, x_train, x_test) as the course makes them: ids over the 10,000 most common words,
        pad_sequences(maxlen=200)."""
        if REFERENCE not in self._encoded:
            vocab = text.Vocabulary.build(self.tokenized.train, min(10_000, self.max_vocab_size))
            to_ids = lambda token_lists: [[vocab.id_of(t) for t in tokens] for tokens in token_lists]  # noqa: E731
            self._encoded[REFERENCE] = (vocab.size, keras.utils.pad_sequences(to_ids(self.tokenized.train), maxlen=200),
                                        keras.utils.pad_sequences(to_ids(self.tokenized.test), maxlen=200))
        return self._encoded[REFERENCE]

    def encoded(self, run: RunConfig) -> training.EncodedSplits:
        if run.text not in self._encoded:
            self._encoded[run.text] = training.encode_splits(run, self.tokenized)
        return self._encoded[run.text]


def _reference_model(vocab_size: int, seed: int) -> keras.Model:
    """The course's model with Keras' default initialisers, seeded (the same distributions, reproducible)."""
    uniform = keras.initializers.RandomUniform(-0.05, 0.05, seed=seed)  # the Embedding's default, "uniform"
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        layers.Embedding(vocab_size, 128, embeddings_initializer=uniform),
        layers.LSTM(128, kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1),
                    recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 2)),
        layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 3)),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def bench_reference(bench_data: BenchData, seed: int, budget: float, limit: float) -> TimeToAccuracy:
    vocab_size, x_train, x_test = bench_data.reference_rows()
    y_train = bench_data.tokenized.train_labels.astype(np.float32)
    probe = TimeToAccuracy(x_test, bench_data.tokenized.test_labels, budget, limit, batch_size=32)
    # What fit(x, y, batch_size=32, shuffle=True) does, with the shuffling seeded instead of drawn from the process.
    batches = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(
        len(x_train), seed=seed, reshuffle_each_iteration=True).batch(32)
    _reference_model(vocab_size, seed).fit(batches, epochs=3, callbacks=[probe], verbose=0, shuffle=False)
    return probe


def bench_preset(run: RunConfig, bench_data: BenchData, budget: float, limit: float) -> TimeToAccuracy:
    encoded = bench_data.encoded(run)
    probe = TimeToAccuracy(encoded.x_test, encoded.y_test, budget, limit, batch_size=run.train.batch_size)
    training.train(run, encoded, extra_callbacks=[probe])  # trained exactly as a student's run of the preset
    return probe


def bench_run(name: str, seed: int, bench_data: BenchData | None = None, budget_seconds: float = 15.0,
              limit_seconds: float = 180.0, config: RunConfig | None = None) -> RunRecord:
    """Train one model once and measure it: `name` is "reference" or a preset, `seed` its weights and shuffling.
    For experiments, `config` trains that RunConfig instead of the preset (labelled `name`, its seed replaced)."""
    bench_data = bench_data or BenchData()
    if name == REFERENCE and config is None:
        return bench_reference(bench_data, seed, budget_seconds, limit_seconds).record(name, seed)
    run = (config or config_module.preset(name)).with_changes(seed=seed)
    if run.text.vocab_size > bench_data.max_vocab_size:
        run = run.with_changes(vocab_size=bench_data.max_vocab_size)
    return bench_preset(run, bench_data, budget_seconds, limit_seconds).record(name, seed)


def inspect_latency(bundle_folder, words: int = 200, repeats: int = 20) -> float:
    """Median seconds for inspect() of a `words`-word review with the pretrained bundle."""
    from rnn_demo.model.models import load_bundle

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


def _check_json_path(json_path) -> Path | None:
    if json_path is None:
        return None
    path = Path(json_path)
    if path.is_dir():
        raise ValueError(f"--json {path} is a folder; give a file name for the raw points.")
    if not path.absolute().parent.is_dir():
        raise ValueError(f"--json {path}: the folder {path.absolute().parent} does not exist.")
    if path.exists() and not path.is_file():  # a FIFO or a device would block the bench or write who knows where
        raise ValueError(f"--json {path} exists and is not a regular file; give a file name for the raw points.")
    return path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def preset_runs(presets, epochs: int | None = None) -> dict[str, RunConfig | None]:
    """{label: config} of the models a bench trains besides the reference: each preset as it is (labelled with its
    name, config None), or with `epochs` epochs instead of its own (labelled "fast, 2 epochs"; the issue's targets
    are not checked for it, as it is not the preset)."""
    runs = {}
    for name in presets:  # unknown names and bad epochs fail now, not after the minutes of the reference run
        config = config_module.preset(name)
        if epochs is None:
            runs[name] = None
        else:
            runs[f"{name}, {epochs} epoch{'s' if epochs != 1 else ''}"] = config.with_changes(epochs=epochs)
    return runs


def run(budget_seconds: float = 15.0, presets=("fast", "course"), repeats: int = 3, limit_seconds: float = 180.0,
        subset: int | None = None, json_path=None, epochs: int | None = None) -> dict:
    """Train the reference and the presets `repeats` times each, interleaved; print every run, the table of medians
    and the issue's targets; write every raw point to `json_path` (after each run, so a stopped bench keeps them).
    `epochs`: train the presets for that many epochs instead of their own (the reference keeps its fit)."""
    configs = preset_runs(presets, epochs)
    if not 0 < budget_seconds <= limit_seconds:
        raise ValueError(f"budget must be more than 0 and at most {limit_seconds:g} seconds, got {budget_seconds:g}.")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or not 1 <= repeats <= MAX_REPEATS:
        raise ValueError(f"repeats must be a whole number between 1 and {MAX_REPEATS}, got {repeats!r}.")
    path = _check_json_path(json_path)
    bench_data = BenchData(subset)
    settings = {"budget_seconds": budget_seconds, "limit_seconds": limit_seconds, "repeats": repeats,
                "presets": list(presets), "epochs": epochs, "target_accuracy": TARGET_ACCURACY,
                "subset": subset, "split_seed": 0,
                "train_reviews": bench_data.train_reviews, "test_reviews": bench_data.test_reviews}
    order = schedule(list(configs), repeats)
    runs: list[RunRecord] = []
    for index, (name, seed) in enumerate(order, start=1):
        runs.append(bench_run(name, seed, bench_data, budget_seconds, limit_seconds, config=configs.get(name)))
        print(run_line(index, len(order), runs[-1], budget_seconds), flush=True)
        if path is not None:
            path.write_text(json.dumps(json_record(runs, settings), indent=1))
    print()
    summaries = summarize(runs)
    for line in report_lines(summaries, budget_seconds, bench_data.train_reviews, bench_data.test_reviews):
        print(line)
    latency = inspect_latency(PRETRAINED)
    peak_rss_mb = _peak_rss_mb()
    print(f"inspect, 200-word review, pretrained fast bundle: {latency * 1000:.0f} ms (median of 20)")
    print(f"peak RSS: {peak_rss_mb:,.0f} MB")
    extra = {"inspect_seconds": latency, "peak_rss_mb": peak_rss_mb}
    if path is not None:
        path.write_text(json.dumps(json_record(runs, settings, extra), indent=1))
        print(f"raw points written to {path}")
    return {"runs": runs, "summaries": summaries, **extra}
