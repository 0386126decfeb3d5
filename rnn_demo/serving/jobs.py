"""The one path every live training in the app takes: a `Job` that waits in a visible queue, runs in a background
thread, reports `Progress`, stops on request and belongs to one user's session.

A job runs `work(on_event, should_stop)`: any function that calls `on_event(Progress(...))` as it goes, checks
`should_stop()` between steps, and returns its result (also when stopped early, so a partial model is kept). This
module knows nothing of IMDb, Keras or the app's settings; `rnn_demo.model.progress.KerasProgress` turns a Keras fit into
these events. Pure Python, no Streamlit.
"""

from __future__ import annotations

import enum
import itertools
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from rnn_demo.core.events import Progress

_job_numbers = itertools.count(1)


class JobStatus(enum.Enum):
    WAITING = "waiting"  # queued for a free slot
    RUNNING = "running"
    DONE = "done"  # the work ran to its end
    STOPPED = "stopped"  # stopped on request (or its owner left); the partial result is kept
    FAILED = "failed"  # the work raised; `Job.error` says why
    CANCELLED = "cancelled"  # stopped while still waiting: it never ran

    @property
    def finished(self) -> bool:
        return self not in (JobStatus.WAITING, JobStatus.RUNNING)


class TrainingSlots:
    """At most `capacity` trainings at once on this server, shared fairly between their owners (sessions): a free
    slot goes to the waiting job whose owner holds the fewest slots, first come first served among equals. So a
    student who starts seven trainings gets the slots nobody else asks for, and the next student's first training
    starts as soon as any slot frees."""

    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}.")
        self.capacity = capacity
        self._condition = threading.Condition()
        self._running: set[int] = set()
        self._waiting: list[int] = []  # in arrival order
        self._owner: dict[int, Hashable] = {}  # job id -> its owner, while waiting or running
        self._eta: dict[int, Callable[[], float | None]] = {}  # running job id -> its own estimate of the time left
        self._started: dict[int, float] = {}  # job id -> when it took its slot
        self._durations: list[float] = []  # seconds the latest finished jobs held their slot

    def _queue(self) -> list[int]:
        """The waiting jobs in the order they will get slots: round by round, each owner's next job per round (an
        owner's round starts after the slots it already holds), arrival order within a round."""
        held = {}
        for job_id in self._running:
            held[self._owner.get(job_id)] = held.get(self._owner.get(job_id), 0) + 1
        rounds, seen = {}, {}
        for job_id in self._waiting:
            owner = self._owner.get(job_id)
            rounds[job_id] = held.get(owner, 0) + seen.get(owner, 0)
            seen[owner] = seen.get(owner, 0) + 1
        return sorted(self._waiting, key=lambda job_id: (rounds[job_id], self._waiting.index(job_id)))

    def expected_wait(self, job_id: int, now: float | None = None) -> float | None:
        """Seconds until `job_id` should get a slot: each running job's own estimate of its time left (else the
        measured time the last jobs held their slot, less its time so far), then the jobs ahead in turns. None while
        nothing can be estimated yet or when the job is not waiting."""
        now = time.monotonic() if now is None else now
        with self._condition:
            if job_id not in self._waiting:
                return None
            typical = sorted(self._durations)[len(self._durations) // 2] if self._durations else None
            frees = []
            for running in self._running:
                own = self._eta[running]() if running in self._eta else None
                if own is None and typical is None:
                    return None
                # A job past the typical time is not about to end: count what it says, or a quarter more.
                frees.append(own if own is not None else max(typical - (now - self._started[running]), typical / 4))
            frees += [0.0] * (self.capacity - len(frees))
            frees.sort()
            for _ in range(self._queue().index(job_id)):
                if typical is None:
                    return None
                frees[0] += typical
                frees.sort()
            return frees[0]

    def acquire(self, job_id: int, give_up: Callable[[], bool], owner: Hashable = None,
                eta: Callable[[], float | None] | None = None) -> bool:
        """Block until `job_id` may run (True), or until `give_up()` says to stop waiting (False). `owner` (a
        session) decides its fair place; `eta()` is the job's own estimate of its time left once it runs."""
        with self._condition:
            self._waiting.append(job_id)
            self._owner[job_id] = owner
            # give_up() is asked before every look at the slots, also the first one after a slot frees: a job
            # stopped while waiting never starts, even when its Stop and a free slot arrive together.
            while not give_up():
                if len(self._running) < self.capacity and self._queue()[0] == job_id:
                    break
                self._condition.wait(timeout=0.2)
            else:
                self._waiting.remove(job_id)
                self._owner.pop(job_id, None)
                self._condition.notify_all()
                return False
            self._waiting.remove(job_id)
            self._running.add(job_id)
            self._started[job_id] = time.monotonic()
            if eta is not None:
                self._eta[job_id] = eta
            self._condition.notify_all()
            return True

    def release(self, job_id: int) -> None:
        with self._condition:
            self._running.discard(job_id)
            self._owner.pop(job_id, None)
            self._eta.pop(job_id, None)
            if (started := self._started.pop(job_id, None)) is not None:
                self._durations = (self._durations + [time.monotonic() - started])[-20:]
            self._condition.notify_all()

    def position(self, job_id: int) -> int | None:
        """1-based place in the (fair) queue, or None when not waiting."""
        with self._condition:
            return self._queue().index(job_id) + 1 if job_id in self._waiting else None

    def held_by(self, owner: Hashable) -> int:
        """Slots `owner`'s jobs hold now."""
        with self._condition:
            return sum(1 for job_id in self._running if self._owner.get(job_id) == owner)

    @property
    def running(self) -> int:
        with self._condition:
            return len(self._running)

    @property
    def waiting(self) -> int:
        with self._condition:
            return len(self._waiting)


Work = Callable[[Callable[[Progress], None], Callable[[], bool]], Any]


@dataclass(frozen=True)
class Preparation:
    """What a job does between taking its slot and its first progress report, and about how long that takes on a
    free 2-core machine (the panel shows it, so nobody stares at "Preparing…" without knowing why)."""

    what: str  # in words, for the student
    seconds: float  # about how long, measured
    in_worker: bool = False  # runs in one of the server's training workers, so it also waits for one to start


# A small lesson model: Keras builds it and TensorFlow compiles (traces) its training step before the first batch.
BUILD_AND_COMPILE = Preparation("building the model and letting TensorFlow compile its training step", 3.0)
# A training worker of the server, warming up once (docs/measurements.md, worker processes: ~15 s).
WORKER_START = Preparation("a training worker of this server is starting up: it loads TensorFlow and reads and "
                           "tokenises the 25,000 reviews, once", 15.0)


def preparing_note(name: str, preparation: Preparation, seconds_so_far: float, worker_starting: bool) -> str:
    """The sentence under a running job that has not reported a step yet: what it waits for and for about how long
    (first the worker's start-up, when the job runs in a worker and one is still starting)."""
    stages = [WORKER_START, preparation] if worker_starting and preparation.in_worker else [preparation]
    expected = sum(stage.seconds for stage in stages)
    note = (f"Preparing the {name}: {'; then '.join(stage.what for stage in stages)}. This takes about "
            f"{expected:.0f} s on a free server; {seconds_so_far:.0f} s so far.")
    if seconds_so_far > 1.5 * expected:
        note += " Longer than usual: other trainings and pages share the server's cores."
    return note


@dataclass(eq=False)
class Job:
    """One user's live training: `work(on_event, should_stop)` run in a background thread once a slot is free.

    The job stops when asked (`request_stop`), and by itself when its owner has been gone for longer than
    `grace_seconds` (`is_connected()` False all that time): a Wi-Fi blip or a closed laptop lid that comes back in
    time loses nothing, while a closed tab stops costing CPU."""

    work: Work
    slots: TrainingSlots
    name: str = "training"  # what is trained, for messages ("IMDb sentiment LSTM", "one-to-many wave")
    preparation: Preparation = BUILD_AND_COMPILE  # what it does before its first progress report
    is_connected: Callable[[], bool] = lambda: True  # False while the owner's browser session is disconnected
    grace_seconds: float = 120.0  # how long an owner may be disconnected before the job stops
    clock: Callable[[], float] = time.monotonic
    owner: Hashable = None  # whose job it is (a session id): the slots are shared fairly between owners
    job_id: int = field(default_factory=lambda: next(_job_numbers))
    status: JobStatus = JobStatus.WAITING
    events: list[Progress] = field(default_factory=list)
    result: Any = None
    error: str | None = None
    running_since: float | None = None  # clock() when it took its slot
    _stop: threading.Event = field(default_factory=threading.Event)
    _gone_since: float | None = None
    _thread: threading.Thread | None = None

    def start(self) -> "Job":
        self._thread = threading.Thread(target=self._run, name=f"job-{self.job_id}", daemon=True)
        self._thread.start()
        return self

    def request_stop(self) -> None:
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def should_stop(self) -> bool:
        """True once a stop was requested or the owner has been gone for longer than the grace period."""
        if self._stop.is_set():
            return True
        if self.is_connected():
            self._gone_since = None
        elif self._gone_since is None:
            self._gone_since = self.clock()
        elif self.clock() - self._gone_since > self.grace_seconds:
            self._stop.set()
            return True
        return False

    @property
    def finished(self) -> bool:
        return self.status.finished

    @property
    def queue_position(self) -> int | None:
        return self.slots.position(self.job_id) if self.status is JobStatus.WAITING else None

    @property
    def latest(self) -> Progress | None:
        return self.events[-1] if self.events else None

    def preparing_note(self, worker_starting: bool = False) -> str:
        """`preparing_note` for this job, timed from when it took its slot."""
        since = self.clock() - self.running_since if self.running_since is not None else 0.0
        return preparing_note(self.name, self.preparation, since, worker_starting)

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        if not self.slots.acquire(self.job_id, give_up=self.should_stop, owner=self.owner,
                                  eta=lambda: self.latest.eta if self.latest is not None else None):
            self.status = JobStatus.CANCELLED
            return
        try:
            self.running_since = self.clock()
            self.status = JobStatus.RUNNING
            self.result = self.work(self.events.append, self.should_stop)
            self.status = JobStatus.STOPPED if self._stop.is_set() else JobStatus.DONE
        except ValueError as error:  # bad settings for this data, e.g. a vocabulary larger than the reviews hold
            self.error, self.status = str(error), JobStatus.FAILED
        except Exception as error:  # noqa: BLE001 - the student gets a message, the log gets the traceback
            traceback.print_exc()
            self.error, self.status = f"{self.name} failed: {type(error).__name__}: {error}", JobStatus.FAILED
        finally:
            self.slots.release(self.job_id)
