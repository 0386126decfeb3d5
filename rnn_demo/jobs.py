"""Training jobs that run in a background thread, and the server-wide limit on how many run at once.

A `TrainingJob` belongs to one user's session: it waits for a free slot in the shared `TrainingSlots`, trains, and
records every progress event, so a page can redraw the progress at any time. It stops on request, and by itself
when `is_wanted()` turns False (its user closed the tab), so no fit burns CPU for nobody. Pure Python, no Streamlit.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from dataclasses import dataclass, field
from typing import Callable

from rnn_demo.config import RunConfig
from rnn_demo.models import Bundle
from rnn_demo.training import TrainingEvent, train

_job_numbers = itertools.count(1)


class TrainingSlots:
    """At most `capacity` trainings at once on this server; the others wait first come, first served."""

    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}.")
        self.capacity = capacity
        self._condition = threading.Condition()
        self._running: set[int] = set()
        self._waiting: list[int] = []

    def acquire(self, job_id: int, give_up: Callable[[], bool]) -> bool:
        """Block until `job_id` may run (True), or until `give_up()` says to stop waiting (False)."""
        with self._condition:
            self._waiting.append(job_id)
            while not (self._waiting[0] == job_id and len(self._running) < self.capacity):
                if give_up():
                    self._waiting.remove(job_id)
                    self._condition.notify_all()
                    return False
                self._condition.wait(timeout=0.2)
            self._waiting.pop(0)
            self._running.add(job_id)
            self._condition.notify_all()
            return True

    def release(self, job_id: int) -> None:
        with self._condition:
            self._running.discard(job_id)
            self._condition.notify_all()

    def position(self, job_id: int) -> int | None:
        """1-based place in the queue, or None when not waiting."""
        with self._condition:
            return self._waiting.index(job_id) + 1 if job_id in self._waiting else None

    @property
    def running(self) -> int:
        with self._condition:
            return len(self._running)


@dataclass
class TrainingJob:
    """One user's training run. status: waiting -> running -> done | stopped | failed | cancelled."""

    config: RunConfig
    load_data: Callable[[], object]  # returns the (tokenized) splits; called inside the thread
    slots: TrainingSlots
    is_wanted: Callable[[], bool] = lambda: True  # False once the owner's session is gone
    job_id: int = field(default_factory=lambda: next(_job_numbers))
    status: str = "waiting"
    events: list[TrainingEvent] = field(default_factory=list)
    bundle: Bundle | None = None
    error: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> "TrainingJob":
        self._thread = threading.Thread(target=self._run, name=f"training-job-{self.job_id}", daemon=True)
        self._thread.start()
        return self

    def request_stop(self) -> None:
        self._stop.set()

    def _should_stop(self) -> bool:
        return self._stop.is_set() or not self.is_wanted()

    @property
    def finished(self) -> bool:
        return self.status in ("done", "stopped", "failed", "cancelled")

    @property
    def queue_position(self) -> int | None:
        return self.slots.position(self.job_id) if self.status == "waiting" else None

    @property
    def latest(self) -> TrainingEvent | None:
        return self.events[-1] if self.events else None

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        if not self.slots.acquire(self.job_id, give_up=self._should_stop):
            self.status = "cancelled"
            return
        try:
            self.status = "running"
            data = self.load_data()
            self.bundle = train(self.config, data, on_event=self.events.append, should_stop=self._should_stop)
            self.status = "stopped" if self.bundle.metrics["stopped_early"] else "done"
        except ValueError as error:  # bad settings for this data, e.g. a vocabulary larger than the reviews hold
            self.error, self.status = str(error), "failed"
        except Exception as error:  # noqa: BLE001 - the student gets a message, the log gets the traceback
            traceback.print_exc()
            self.error, self.status = f"training failed: {type(error).__name__}: {error}", "failed"
        finally:
            self.slots.release(self.job_id)
