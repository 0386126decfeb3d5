"""A student's kept training runs and the memory they hold, bounded per session and for the whole server.

A run keeps its final weights and one weight snapshot per finished epoch (so Inspect can show epoch k); at the
largest settings one snapshot is 22.6 MB. `RunHistory` keeps a session's last `max_runs` runs within
`session_budget` bytes, oldest out first; `MemoryLedger` adds up every live session's runs against
`server_budget`. A setting that cannot fit is refused before it starts, with a message that says why. Pure Python:
no Streamlit, no TensorFlow.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from dataclasses import dataclass, field

from rnn_demo.core.accuracy import wilson_interval
from rnn_demo.core.config import RunConfig, TrainConfig
from rnn_demo.serving.jobs import Job, JobStatus

BYTES_PER_WEIGHT = 4  # float32
MB = 1_000_000
MAX_RUNS = 3  # runs a session keeps (the running one included)
SESSION_BUDGET = 250 * MB  # e.g. 3 runs of the course model (3 x 17 MB) or 10 epochs at the largest settings
SERVER_BUDGET = 2_000 * MB  # 30 students x 3 course-model runs = 1.5 GB fits; a laptop's RAM is the real limit


def parameter_count(config: RunConfig) -> int:
    """Weights of Embedding -> recurrent layer -> Dense(1), as Keras counts them (equal to model.count_params())."""
    return config.parameter_count()


def snapshot_bytes(config: RunConfig) -> int:
    """Memory of one copy of the weights (one epoch snapshot)."""
    return parameter_count(config) * BYTES_PER_WEIGHT


def run_bytes(config: RunConfig) -> int:
    """Memory a finished run keeps: its final weights plus a snapshot after each epoch (if it keeps snapshots)."""
    snapshots = config.train.epochs if config.train.snapshot_every_epoch else 0
    return snapshot_bytes(config) * (1 + snapshots)


def megabytes(count: int) -> str:
    return f"{count / MB:,.1f} MB"


_run_numbers = itertools.count(1)


@dataclass(eq=False)
class Run:
    """One training run of a session: its settings, its job, and the model the job returns."""

    number: int  # 1, 2, 3... in the order the session started them
    config: RunConfig
    job: Job
    source: str = "bundled"
    version: int = field(default_factory=lambda: next(_run_numbers))  # unique on the server, for cache keys

    @property
    def bundle(self):
        return self.job.result

    @property
    def failed(self) -> bool:
        return self.job.finished and self.job.result is None

    @property
    def bytes(self) -> int:
        """What the run holds: measured once it has a model, estimated from its settings while it trains."""
        if self.bundle is None:
            return 0 if self.failed else run_bytes(self.config)
        weights = sum(array.nbytes for snapshot in self.bundle.snapshots for array in snapshot)
        return weights + snapshot_bytes(self.config)

    @property
    def label(self) -> str:
        """How the pages list the run, e.g. "run 2: fast, 32 units, 86.1% test accuracy (95% interval 84.7%–87.4%)":
        the interval says how far the accuracy can be trusted (60 test reviews leave it some 18 points wide)."""
        base = f"run {self.number}: {self.config.name}, {self.config.model.units} units"
        if self.bundle is None:
            return f"{base} (training)"
        metrics = self.bundle.metrics
        stopped = ", stopped early" if self.job.status is JobStatus.STOPPED else ""
        interval = ""
        if metrics.get("test_reviews"):
            lower, upper = wilson_interval(metrics["test_accuracy"], metrics["test_reviews"])
            interval = f" (95% interval {lower:.1%}–{upper:.1%})"
        return f"{base}, {metrics['test_accuracy']:.1%} test accuracy{interval}{stopped}"


    def row(self) -> dict:
        """The run's settings and results as one row of the Train page's table of runs."""
        config, metrics = self.config, (self.bundle.metrics if self.bundle is not None else {})
        return {
            "run": self.number, "preset": config.name, "test accuracy": metrics.get("test_accuracy"),
            "training time (s)": metrics.get("train_seconds"),
            "epochs done": f"{metrics.get('epochs_completed', 0)} of {config.train.epochs}",
            "LSTM units": config.model.units, "embedding": config.model.embedding_dim,
            "vocabulary": config.text.vocab_size, "MaxLen": config.text.maxlen, "batch": config.train.batch_size,
            "learning rate": config.train.learning_rate,
            "word vectors start": {"word_counts": "word counts"}.get(config.train.embedding_start, "random"),
            "weights handed over": weights_handed_over(config.train),
            "training reviews": metrics.get("train_reviews"),
            "test reviews": metrics.get("test_reviews"), "memory (MB)": round(self.bytes / MB, 1),
            "status": self.job.status.value,
        }


def weights_handed_over(train: TrainConfig) -> str:
    """What a run hands over, in words: the last batch's weights or their running average over its last batches."""
    if train.weight_average_momentum <= 0:
        return "last batch's weights"
    return f"running average of the weights over about the last {train.batches_averaged} batches"


class RunHistory:
    """A session's runs, oldest first: at most `max_runs`, at most `budget` bytes. A running run is never dropped."""

    def __init__(self, max_runs: int = MAX_RUNS, budget: int = SESSION_BUDGET):
        self.max_runs, self.budget = max_runs, budget
        self._runs: list[Run] = []
        self._next_number = 1

    @property
    def runs(self) -> list[Run]:
        """The runs that have or will have a model (failed and cancelled ones leave no trace)."""
        self._runs = [run for run in self._runs if not run.failed]
        return list(self._runs)

    @property
    def bytes(self) -> int:
        return sum(run.bytes for run in self.runs)

    def _to_drop(self, needed: int) -> list[Run]:
        """The oldest finished runs that must go so that one more run of `needed` bytes fits."""
        kept, dropped = self.runs, []
        while kept and (len(kept) >= self.max_runs or sum(run.bytes for run in kept) + needed > self.budget):
            oldest = next((run for run in kept if run.job.finished), None)
            if oldest is None:
                break
            kept.remove(oldest)
            dropped.append(oldest)
        return dropped

    def admit(self, config: RunConfig, ledger: "MemoryLedger | None" = None) -> list[Run]:
        """Check that a run of `config` fits (ValueError saying why not) and return the runs that would make room."""
        needed, snapshot = run_bytes(config), snapshot_bytes(config)
        if needed > self.budget:
            epochs = config.train.epochs
            raise ValueError(
                f"these settings would keep {megabytes(needed)} ({epochs} epoch snapshot{'s' * (epochs != 1)} + the "
                f"final model, {megabytes(snapshot)} each), more than the {megabytes(self.budget)} each student may "
                f"keep. Use fewer epochs (at most {max(1, self.budget // snapshot - 1)} at these sizes), or a "
                "smaller vocabulary, embedding or LSTM.")
        dropped = self._to_drop(needed)
        if ledger is not None:
            ledger.check(needed - sum(run.bytes for run in dropped))
        return dropped

    def add(self, config: RunConfig, job: Job, source: str = "bundled",
            ledger: "MemoryLedger | None" = None) -> Run:
        """Record a run (after `admit`), dropping the oldest runs it makes room by."""
        for run in self.admit(config, ledger):
            self._runs.remove(run)
        run = Run(self._next_number, config, job, source)
        self._next_number += 1
        self._runs.append(run)
        return run

    def find(self, label: str) -> Run | None:
        return next((run for run in self.runs if run.label == label), None)


class MemoryLedger:
    """Every live session's run history, so the server can say no before students' models exhaust its memory.

    Histories are held weakly: when Streamlit forgets a session (its tab closed long enough), its models leave the
    count together with the session."""

    def __init__(self, budget: int = SERVER_BUDGET):
        self.budget = budget
        self._histories: weakref.WeakSet[RunHistory] = weakref.WeakSet()
        self._lock = threading.Lock()

    def register(self, history: RunHistory) -> RunHistory:
        with self._lock:
            self._histories.add(history)
        return history

    @property
    def bytes(self) -> int:
        with self._lock:
            histories = list(self._histories)
        return sum(history.bytes for history in histories)

    @property
    def sessions(self) -> int:
        with self._lock:
            return len(self._histories)

    def check(self, extra: int) -> None:
        """ValueError unless `extra` more bytes fit in the server's budget."""
        held = self.bytes
        if held + extra > self.budget:
            raise ValueError(
                f"the server already holds {megabytes(held)} of trained models for {self.sessions} students, and "
                f"this run needs {megabytes(extra)} more (server limit {megabytes(self.budget)}). Choose fewer "
                "epochs or a smaller model, or wait until other students have finished.")
