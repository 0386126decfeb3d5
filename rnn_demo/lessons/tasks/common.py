"""Shared pieces of the small set-up tasks: the result object, seeded initialisers, a fit loop that reports through
the app's one Keras callback (rnn_demo.model.progress) and obeys a stop flag, and the steps the unrolled diagrams draw."""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field
from typing import Callable

import keras
import numpy as np

from rnn_demo.core.events import Progress
from rnn_demo.model.progress import KerasProgress

Events = Callable[[Progress], None] | None  # receives each rnn_demo.core.events.Progress event of a training
StopFlag = Callable[[], bool] | None  # True once the training should end (after the current batch)


@dataclass(frozen=True)
class TaskResult:
    """A trained task model with its held-out metrics and how long training took."""

    model: keras.Model  # the trained Keras model; pass it to the task's `answer`
    metrics: dict[str, float] = field(default_factory=dict)  # e.g. {"accuracy": 0.97} on held-out data
    train_seconds: float = 0.0  # wall-clock time spent in `fit`, in seconds
    stopped: bool = False  # training was stopped before its budget ran out; the model is the partial one


@dataclass(frozen=True)
class Fitted:
    """How a `fit` went: seconds spent and whether it was stopped early."""

    seconds: float
    stopped: bool


def check_seed(seed) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise ValueError(f"seed must be a whole number between 0 and 2**31 - 1, got {seed!r}.")


def initializers(seed: int) -> Callable[[], dict]:
    """A factory of keyword arguments with fresh seeded initialisers for one layer (a new seed for every layer)."""
    counter = iter(range(seed * 1000, seed * 1000 + 1000))

    def next_layer_kwargs(recurrent: bool = False) -> dict:
        kwargs = {"kernel_initializer": keras.initializers.GlorotUniform(seed=next(counter))}
        if recurrent:
            kwargs["recurrent_initializer"] = keras.initializers.Orthogonal(seed=next(counter))
        return kwargs

    return next_layer_kwargs


def fit(model: keras.Model, x, y, *, epochs: int, batch_size: int, seed: int,
        on_event: Events = None, should_stop: StopFlag = None) -> Fitted:
    """Train `model` on (x, y) for `epochs` passes in an order fixed by `seed`, reporting through the app's one Keras
    callback and ending after the batch in which `should_stop()` turns True.

    The epochs are laid end to end as one shuffled pass, so the batch order comes from a numpy Generator rather than
    from a process-wide random seed (other users may be training at the same time)."""
    rng = np.random.default_rng(seed)
    n = len(y)
    order = np.concatenate([rng.permutation(n) for _ in range(epochs)])
    x_all = [part[order] for part in x] if isinstance(x, (list, tuple)) else x[order]
    progress = KerasProgress(on_event or (lambda event: None), should_stop or (lambda: False), epochs=1,
                             steps_per_epoch=-(-len(order) // batch_size), batch_size=batch_size)
    model.fit(x_all, y[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[progress])
    return Fitted(time.perf_counter() - progress.started, progress.stopped)


def check_number(name: str, value, low: float, high: float, whole: bool = False) -> None:
    """ValueError unless `value` is a (whole, if asked) number from `low` to `high`."""
    kind = "whole number" if whole else "number"
    if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high
            or (whole and int(value) != value)):
        raise ValueError(f"{name} must be a {kind} from {low} to {high}, got {value!r}.")


def check_choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, got {value!r}.")


