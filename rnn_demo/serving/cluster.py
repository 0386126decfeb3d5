"""Trainings on a Dask distributed cluster, for a department that serves several classes from one set of machines.

Set `RNN_DEMO_DASK_SCHEDULER=tcp://host:8786` in the environment of `streamlit run app.py` and every IMDb training job
is sent to that scheduler's workers instead of a thread in the server. The app's job path does not change:
`remote_imdb_training(...)` returns a work function for `rnn_demo.serving.jobs.Job` that runs in the server as a thin relay.
It submits the training to the cluster, hands progress events back as they come (a Dask `Queue`), passes Stop on to
the worker (a Dask `Event`), and rebuilds the result from plain arrays and JSON-able values (weights, config,
vocabulary, metrics): no model object is ever pickled. Without the variable, nothing here is imported.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Callable

from rnn_demo.serving.plain_training import bundle_from_plain, train_imdb_plain

SCHEDULER_VARIABLE = "RNN_DEMO_DASK_SCHEDULER"
RELAY_SECONDS = 0.25  # how often a worker sends its progress events and looks at the stop flag (each is a round trip)

_clients: dict = {}
_clients_lock = threading.Lock()


def scheduler_address() -> str | None:
    """The configured scheduler (tcp://host:port), or None when trainings run in the server itself."""
    address = os.environ.get(SCHEDULER_VARIABLE, "").strip()
    return address or None


def client_for(address: str):
    """One Dask client per scheduler address for the whole server (clients are thread-safe)."""
    from distributed import Client

    with _clients_lock:
        client = _clients.get(address)
        if client is None or client.status not in ("running", "connecting"):
            try:
                client = Client(address, set_as_default=False, timeout=10)
            except OSError as error:
                raise ValueError(f"cannot reach the Dask scheduler at {address} ({SCHEDULER_VARIABLE}): {error}") from error
            _clients[address] = client
        return client


def close_clients() -> None:
    """Close every client this server opened (tests, or a server shutting down)."""
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def _on_worker(task: Callable, args: tuple, run_id: str):
    """Runs on a Dask worker: `task(*args, on_event, should_stop)`, with events batched and the stop flag polled at
    most every RELAY_SECONDS."""
    from distributed import Event, Queue

    events, stop = Queue(f"rnn-demo-events-{run_id}"), Event(f"rnn-demo-stop-{run_id}")
    pending: list = []
    last = {"sent": 0.0, "checked": 0.0, "stop": False}

    def on_event(event) -> None:
        pending.append(event)
        if time.monotonic() - last["sent"] >= RELAY_SECONDS or event.kind.value != "step":
            events.put(list(pending))
            pending.clear()
            last["sent"] = time.monotonic()

    def should_stop() -> bool:
        if not last["stop"] and time.monotonic() - last["checked"] >= RELAY_SECONDS:
            last["stop"], last["checked"] = stop.is_set(), time.monotonic()
        return last["stop"]

    result = task(*args, on_event, should_stop)
    if pending:
        events.put(list(pending))
    return result


def relay(address: str, task: Callable, *args) -> Callable:
    """A work function for rnn_demo.serving.jobs.Job that runs `task(*args, on_event, should_stop)` on the cluster."""

    def work(on_event, should_stop):
        from distributed import Event, Queue

        client = client_for(address)
        run_id = uuid.uuid4().hex
        events = Queue(f"rnn-demo-events-{run_id}", client=client)
        stop = Event(f"rnn-demo-stop-{run_id}", client=client)
        future = client.submit(_on_worker, task, args, run_id, pure=False, key=f"rnn-demo-{run_id}")
        try:
            while not future.done():
                try:
                    for event in events.get(timeout=RELAY_SECONDS):
                        on_event(event)
                except TimeoutError:
                    pass
                if should_stop() and not stop.is_set():
                    stop.set()
            for batch in events.get(batch=True):
                for event in batch:
                    on_event(event)
            return future.result()
        finally:
            future.release()

    return work


def remote_imdb_training(address: str, config, source: str = "bundled") -> Callable:
    """The work function of an IMDb training on the cluster; its result is a Bundle, as a local training's is."""
    relayed = relay(address, train_imdb_plain, config.to_dict(), source)

    def work(on_event, should_stop):
        return bundle_from_plain(relayed(on_event, should_stop))

    return work
