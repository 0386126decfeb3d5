"""Trainings on a Dask distributed cluster, for a department that serves several classes from one set of machines.

Set `RNN_DEMO_DASK_SCHEDULER=tcp://host:8786` in the environment of `streamlit run app.py` and every IMDb training job
is sent to that scheduler's workers instead of a thread in the server. The app's job path does not change:
`remote_imdb_training(...)` returns a work function for `rnn_demo.serving.jobs.Job` that runs in the server as a thin relay.
It submits the training to the cluster and follows it with `rnn_demo.serving.relay`, the relay the server's own worker
processes use too: progress events come back as they come (a Dask `Queue`), Stop goes to the worker (a Dask `Event`),
and the result is rebuilt from plain arrays and JSON-able values (`rnn_demo.serving.plain_training`): no model object
is ever pickled. Without the variable, nothing here is imported.
"""

from __future__ import annotations

import functools
import os
import threading
import uuid
from typing import Callable

from rnn_demo.serving import plain_training
from rnn_demo.serving.relay import follow, run_reporting

SCHEDULER_VARIABLE = "RNN_DEMO_DASK_SCHEDULER"

_clients: dict = {}
_clients_lock = threading.Lock()


def scheduler_address() -> str | None:
    """The configured scheduler (tcp://host:port), or None when trainings run in the server itself."""
    address = os.environ.get(SCHEDULER_VARIABLE, "").strip()
    return address or None


INSECURE_VARIABLE = "RNN_DEMO_DASK_INSECURE"
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


def check_transport(address: str) -> None:
    """Refuse a scheduler reached over plain TCP on another machine: by Dask's design whoever reaches its port can
    run code on every worker. tls:// (Dask's TLS settings, docs/deployment.md) or the loopback are fine; so is plain
    TCP when RNN_DEMO_DASK_INSECURE=1 says the network is one only you control. (inproc:// never leaves the
    process.)"""
    scheme, _, rest = address.partition("://")
    host = rest.rsplit(":", 1)[0] if rest else ""
    if scheme in ("tls", "inproc") or host in _LOOPBACK_HOSTS or os.environ.get(INSECURE_VARIABLE, "").strip() == "1":
        return
    raise ValueError(f"{SCHEDULER_VARIABLE}={address} reaches the Dask scheduler without TLS: anyone who reaches that "
                     f"port can run code on every worker. Use a tls:// address with Dask's TLS settings "
                     f"(docs/deployment.md), or set {INSECURE_VARIABLE}=1 if only you control that network.")


def client_for(address: str):
    """One Dask client per scheduler address for the whole server (clients are thread-safe)."""
    from distributed import Client

    check_transport(address)

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


class _DaskWorkerEnd:
    """The Dask worker's end of the relay (`rnn_demo.serving.relay.WorkerEnd`): batches go on the run's Dask `Queue`,
    Stop is the run's Dask `Event` (each look a round trip to the scheduler)."""

    def __init__(self, run_id: str):
        from distributed import Event, Queue

        self.events, self.stop = Queue(f"rnn-demo-events-{run_id}"), Event(f"rnn-demo-stop-{run_id}")

    def send(self, events: list) -> None:
        self.events.put(events)

    def stop_requested(self) -> bool:
        return self.stop.is_set()

    def close(self) -> None:
        """Nothing to mark: the server knows the run is over when its future is done."""


def _on_worker(task: Callable, args: tuple, run_id: str):
    """Runs on a Dask worker: `task(*args, on_event, should_stop)`, relayed to the server through Dask."""
    return run_reporting(task, args, _DaskWorkerEnd(run_id))


class _DaskServerEnd:
    """The server's end of the relay (`rnn_demo.serving.relay.ServerEnd`): submits one run of `task(*args, on_event,
    should_stop)` to the cluster, with a Dask `Queue` for its events and a Dask `Event` for Stop."""

    def __init__(self, client, task: Callable, args: tuple):
        from distributed import Event, Queue

        run_id = uuid.uuid4().hex
        self.events = Queue(f"rnn-demo-events-{run_id}", client=client)
        self.stop = Event(f"rnn-demo-stop-{run_id}", client=client)
        self.future = client.submit(_on_worker, task, args, run_id, pure=False, key=f"rnn-demo-{run_id}")

    def receive(self, timeout: float) -> tuple[list, bool]:
        if self.future.done():  # the worker put every batch before its task returned: take what is left
            return [event for batch in self.events.get(batch=True) for event in batch], True
        try:
            return self.events.get(timeout=timeout), False
        except TimeoutError:
            return [], False

    def send_stop(self) -> None:
        self.stop.set()

    def result(self):
        return self.future.result()


def relay(address: str, task: Callable, *args) -> Callable:
    """A work function for rnn_demo.serving.jobs.Job that runs `task(*args, on_event, should_stop)` on the cluster."""

    def work(on_event, should_stop):
        server_end = _DaskServerEnd(client_for(address), task, args)
        try:
            return follow(server_end, on_event, should_stop)
        finally:
            server_end.future.release()

    return work


def remote_imdb_training(address: str, config, source: str = "bundled") -> Callable:
    """The work function of an IMDb training on the cluster; its result is a Bundle, as a local training's is."""
    return plain_training.relayed_imdb_training(functools.partial(relay, address), config, source)
