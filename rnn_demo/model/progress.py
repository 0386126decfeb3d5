"""The one Keras callback of the app: it turns any `model.fit` into `rnn_demo.core.events.Progress` events and obeys a stop
flag, so the IMDb training, the set-ups and every lesson's live model report progress the same way."""

from __future__ import annotations

import time
from typing import Callable

import keras
import numpy as np

from rnn_demo.core.events import Progress, ProgressKind
from rnn_demo.model.models import averaged_weights


class KerasProgress(keras.callbacks.Callback):
    """Reports after every batch and epoch, stops after the batch in which `should_stop()` turns True, and keeps the
    weights after each epoch when asked (`snapshots`).

    Keras logs each metric as a running mean since the start of the epoch, which would draw a sawtooth that restarts
    at every epoch. This callback recovers each batch's own value from those means and reports a smoothed value
    (exponential moving average over about the last `smoothing_batches` batches, carried across epochs)."""

    def __init__(self, on_event: Callable[[Progress], None], should_stop: Callable[[], bool], *, epochs: int,
                 steps_per_epoch: int, batch_size: int, validation: tuple | None = None,
                 keep_snapshots: bool = False, smoothing_batches: int = 20):
        super().__init__()
        self.on_event, self.should_stop = on_event, should_stop
        self.epochs, self.steps_per_epoch, self.batch_size = epochs, max(1, steps_per_epoch), batch_size
        self.validation, self.keep_snapshots = validation, keep_snapshots
        self.decay = 1.0 - 1.0 / max(1, smoothing_batches)
        self.snapshots: list[list[np.ndarray]] = []
        self.history: list[dict[str, float]] = []  # one row per finished epoch
        self.stopped = False
        self.epoch, self.step = 1, 0
        self.started = time.perf_counter()
        self._first_step_done: float | None = None  # the first step also traces the graph: it is left out of rates
        self._validation_seconds: list[float] = []
        self._previous_means: dict[str, float] = {}
        self._smoothed: dict[str, float] = {}
        self._weight_sum = 0.0

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1
        self._previous_means = {}

    def _smooth(self, batch_in_epoch: int, logs: dict) -> dict[str, float]:
        """Each batch's own metric values, recovered from Keras' running means, then averaged with decaying weights
        (bias-corrected, so the first batches are not pulled towards zero)."""
        self._weight_sum = self.decay * self._weight_sum + 1.0
        for name, mean in logs.items():
            mean = float(mean)
            previous = self._previous_means.get(name)
            value = mean if previous is None else batch_in_epoch * mean - (batch_in_epoch - 1) * previous
            self._previous_means[name] = mean
            self._smoothed[name] = self.decay * self._smoothed.get(name, 0.0) + value
        return {name: total / self._weight_sum for name, total in self._smoothed.items()}

    def _eta(self, now: float) -> float | None:
        total = self.epochs * self.steps_per_epoch
        if self._first_step_done is None or self.step < 3:
            return None
        seconds_per_step = (now - self._first_step_done) / (self.step - 1)
        # Validation passes still to come (this epoch's included), timed on the ones already run.
        validation = (np.mean(self._validation_seconds) * (self.epochs - self.epoch + 1)
                      if self._validation_seconds else 0.0)
        return max(0.0, seconds_per_step * (total - self.step) + validation)

    def _emit(self, kind: ProgressKind, metrics: dict[str, float]) -> None:
        now = time.perf_counter()
        elapsed = now - self.started
        self.on_event(Progress(
            kind=kind, step=self.step, steps_per_epoch=self.steps_per_epoch, epoch=self.epoch, epochs=self.epochs,
            elapsed=elapsed, samples_per_second=self.step * self.batch_size / max(elapsed, 1e-9),
            eta=0.0 if kind in (ProgressKind.DONE, ProgressKind.STOPPED) else self._eta(now), metrics=metrics))

    def on_train_batch_end(self, batch, logs=None):
        self.step = (self.epoch - 1) * self.steps_per_epoch + batch + 1
        if self._first_step_done is None:
            self._first_step_done = time.perf_counter()
        self._emit(ProgressKind.STEP, self._smooth(batch + 1, dict(logs or {})))
        if self.should_stop():
            self.stopped = True
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        if self.stopped:
            return  # a stop skips the validation pass, so it takes effect at once
        metrics = {name: float(value) for name, value in (logs or {}).items()}
        with averaged_weights(self.model):  # the model the run would hand over if it ended here
            if self.validation is not None:
                started = time.perf_counter()
                scores = self.model.evaluate(*self.validation, batch_size=512, verbose=0, return_dict=True)
                self._validation_seconds.append(time.perf_counter() - started)
                metrics.update({f"val_{name}": float(value) for name, value in scores.items()})
            if self.keep_snapshots:
                self.snapshots.append(self.model.get_weights())
        self.history.append({"epoch": self.epoch, **metrics})
        self._emit(ProgressKind.EPOCH, metrics)

    def on_train_end(self, logs=None):
        last = dict(self.history[-1]) if self.history else {}
        last.pop("epoch", None)
        self._emit(ProgressKind.STOPPED if self.stopped else ProgressKind.DONE, last)
