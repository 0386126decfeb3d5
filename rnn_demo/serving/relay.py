"""The one relay between a training in another process and its Job in the server, for every backend (this server's
worker processes, `worker_pool`; a Dask cluster, `cluster`).

In the training's process, `run_reporting(task, args, worker_end)` runs `task(*args, on_event, should_stop)`: it sends
the progress events in batches and looks for Stop, at most every RELAY_SECONDS. In the server, `follow(server_end,
on_event, should_stop)` is the Job's work: it hands each batch to the Job in order, passes the Job's Stop on once, and
returns the run's result or raises its error. A backend only says how its two ends carry a batch, a Stop and the
result (`WorkerEnd`, `ServerEnd`). Pure Python, no TensorFlow.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Protocol

from rnn_demo.core.events import Progress, ProgressKind

# Events go out and Stop is looked at every 0.2 s: more often than the Train page redraws (every 0.5 s), so what it
# shows is at most one redraw late, while a Dask worker asks its scheduler at most five times a second.
RELAY_SECONDS = 0.2


class WorkerEnd(Protocol):
    """A backend's end of the relay in the process that trains."""

    def send(self, events: list[Progress]) -> None:
        """Send a batch of events, in order, to the server."""

    def stop_requested(self) -> bool:
        """Whether the server has passed Stop on for this run (may cost a round trip: asked at most every
        RELAY_SECONDS)."""

    def close(self) -> None:
        """The run's events are all sent (called once, also when the task raised)."""


class ServerEnd(Protocol):
    """A backend's end of the relay in the server, for one run."""

    def receive(self, timeout: float) -> tuple[list[Progress], bool]:
        """The events that arrived within `timeout` seconds (possibly none), and whether the run is over: its events
        are all received and its result is ready, or its process died."""

    def send_stop(self) -> None:
        """Ask the run to stop after its current step (called at most once)."""

    def result(self) -> Any:
        """The run's result, or its error raised (a backend names a process that died)."""


def run_reporting(task: Callable, args: tuple, worker_end: WorkerEnd) -> Any:
    """In the training's process: `task(*args, on_event, should_stop)` with its events batched to `worker_end`. A
    batch goes when RELAY_SECONDS have passed since the last one, and at once for any event but a step (an epoch's
    end, the last event), so the first step, the one that shows the training has begun, goes at once too."""
    pending: list[Progress] = []
    sent = looked = -math.inf
    stopped = False

    def on_event(event: Progress) -> None:
        nonlocal sent
        pending.append(event)
        if event.kind is not ProgressKind.STEP or time.monotonic() - sent >= RELAY_SECONDS:
            worker_end.send(list(pending))
            pending.clear()
            sent = time.monotonic()

    def should_stop() -> bool:
        nonlocal looked, stopped
        if not stopped and time.monotonic() - looked >= RELAY_SECONDS:
            stopped, looked = worker_end.stop_requested(), time.monotonic()
        return stopped

    try:
        return task(*args, on_event, should_stop)
    finally:
        if pending:
            worker_end.send(list(pending))
        worker_end.close()


def follow(server_end: ServerEnd, on_event: Callable[[Progress], None], should_stop: Callable[[], bool]) -> Any:
    """In the server, as a Job's work: hand the run's events on in order until it is over, pass Stop on once the Job
    asks; the run's result (or its error)."""
    stop_sent = False
    while True:
        events, over = server_end.receive(RELAY_SECONDS)
        for event in events:
            on_event(event)
        if over:
            return server_end.result()
        if not stop_sent and should_stop():
            server_end.send_stop()
            stop_sent = True
