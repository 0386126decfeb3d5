"""The progress events every live training reports, whatever it trains and wherever it runs (a job's thread, a
worker process, a Dask worker): plain frozen records that cross process boundaries. Pure Python."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping


class ProgressKind(enum.Enum):
    STEP = "step"  # after a gradient step (a batch)
    EPOCH = "epoch"  # after a pass over the training data, with validation metrics if there are any
    DONE = "done"  # the last event of a run that ran to its end
    STOPPED = "stopped"  # the last event of a run that was stopped early


@dataclass(frozen=True)
class Progress:
    """One progress report of any training. Steps and epochs count from 1; `step` counts across epochs."""

    kind: ProgressKind
    step: int  # gradient steps done so far, in all epochs
    steps_per_epoch: int
    epoch: int  # the epoch this step belongs to
    epochs: int
    elapsed: float  # seconds since training started (model building and data loading excluded)
    samples_per_second: float
    eta: float | None  # estimated seconds still to go; None until a few steps have been timed
    metrics: Mapping[str, float] = field(default_factory=dict)  # e.g. loss, accuracy, val_loss, val_accuracy

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    @property
    def step_in_epoch(self) -> int:
        return self.step - (self.epoch - 1) * self.steps_per_epoch

    @property
    def fraction_done(self) -> float:
        return min(1.0, self.step / max(1, self.total_steps))
