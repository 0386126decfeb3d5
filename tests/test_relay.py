"""rnn_demo.serving.relay, the one relay between a training in another process and its Job, run through each
backend's two ends: a fake one (a thread and a queue, where the batches can be seen), the worker processes' pipe
(`worker_pool`, the worker played by a thread) and Dask's queue and event (`cluster`, on an in-process cluster).
Events arrive in order and in batches, Stop reaches the training, its result or its error comes back, and a worker
that dies is reported rather than waited for."""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from rnn_demo.core.events import Progress, ProgressKind
from rnn_demo.serving import relay, worker_pool

STEP, EPOCH, DONE, STOPPED = ProgressKind.STEP, ProgressKind.EPOCH, ProgressKind.DONE, ProgressKind.STOPPED


def progress(kind: ProgressKind, step: int) -> Progress:
    return Progress(kind, step, steps_per_epoch=20, epoch=1 + (step - 1) // 20, epochs=2, elapsed=0.0,
                    samples_per_second=1.0, eta=None)


def two_epochs(step_seconds: float, on_event, should_stop) -> dict:
    """A training's events without a model: 20 steps and an epoch's end, twice, then done."""
    for step in range(1, 41):
        time.sleep(step_seconds)
        on_event(progress(STEP, step))
        if step % 20 == 0:
            on_event(progress(EPOCH, step))
    on_event(progress(DONE, 40))
    return {"steps": 40}


def until_stopped(limit_seconds: float, on_event, should_stop) -> dict:
    """Steps until Stop arrives (or the limit passes); counts how often it asked."""
    step, asked, started = 0, 0, time.monotonic()
    while time.monotonic() - started < limit_seconds:
        step += 1
        on_event(progress(STEP, step))
        time.sleep(0.001)
        asked += 1
        if should_stop():
            on_event(progress(STOPPED, step))
            return {"stopped": True, "steps": step, "asked": asked}
    return {"stopped": False, "steps": step, "asked": asked}


def refuses(reason: str, on_event, should_stop):
    on_event(progress(STEP, 1))  # sent at once
    on_event(progress(STEP, 2))  # still waiting for its batch when the training fails
    raise ValueError(reason)


# ----------------------------------------------------------------------------------------- the backends' ends
class QueueBackend:
    """Both ends of a fake backend in one process: the training runs in a thread, batches go through a queue."""

    def __init__(self, task, args):
        self.batches: queue.Queue = queue.Queue()
        self.sent: list[list[Progress]] = []
        self.stop, self.looks, self.stops_sent = threading.Event(), 0, 0
        self.future: Future = ThreadPoolExecutor(1).submit(relay.run_reporting, task, args, self)

    def send(self, events):  # the worker's end
        self.sent.append(list(events))
        self.batches.put(events)

    def stop_requested(self):
        self.looks += 1
        return self.stop.is_set()

    def close(self):
        self.batches.put(None)

    def receive(self, timeout):  # the server's end
        try:
            batch = self.batches.get(timeout=timeout)
        except queue.Empty:
            return [], False
        return ([], True) if batch is None else (batch, False)

    def send_stop(self):
        self.stops_sent += 1
        self.stop.set()

    def result(self):
        return self.future.result(timeout=30)


def run_fake(task, *args):
    def work(on_event, should_stop):
        return relay.follow(QueueBackend(task, args), on_event, should_stop)

    return work


def run_in_pipe_worker(task, *args):
    """worker_pool's two ends over a real pipe; the worker's `_run` runs in a thread instead of a spawned process."""

    def work(on_event, should_stop):
        server_channel, worker_channel = multiprocessing.Pipe(duplex=True)
        run_id = "run-1"
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(worker_pool, "_channel", worker_channel)
            future = ThreadPoolExecutor(1).submit(worker_pool._run, run_id, task, args)
            return relay.follow(worker_pool._PipeServerEnd(server_channel, run_id, future), on_event, should_stop)

    return work


@pytest.fixture(scope="module")
def dask_address():
    distributed = pytest.importorskip("distributed")
    from rnn_demo.serving import cluster

    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as local:
        yield local.scheduler_address
        cluster.close_clients()


@pytest.fixture(params=["fake", "worker process pipe", "dask"])
def backend(request):
    """A function like `WorkerPool.relay`: backend(task, *args) -> work(on_event, should_stop)."""
    if request.param == "fake":
        return run_fake
    if request.param == "worker process pipe":
        return run_in_pipe_worker
    from rnn_demo.serving import cluster

    address = request.getfixturevalue("dask_address")
    return lambda task, *args: cluster.relay(address, task, *args)


# ----------------------------------------------------------------------------------------- the relay
def test_events_arrive_in_order_and_the_result_comes_back(backend):
    arrivals = []
    result = backend(two_epochs, 0.01)(arrivals.append, lambda: False)
    assert result == {"steps": 40}
    expected = [(STEP, step) for step in range(1, 21)] + [(EPOCH, 20)] + [(STEP, step) for step in range(21, 41)]
    assert [(event.kind, event.step) for event in arrivals] == expected + [(EPOCH, 40), (DONE, 40)]


def test_steps_go_in_batches_and_anything_else_at_once():
    backend = {}

    def work(on_event, should_stop):
        backend["ends"] = QueueBackend(two_epochs, (0.02,))
        return relay.follow(backend["ends"], on_event, should_stop)

    work(lambda event: None, lambda: False)
    batches = backend["ends"].sent
    assert len(batches[0]) == 1  # the first step goes at once: the training has begun
    assert 4 <= len(batches) < 30  # 43 events over ~0.8 s: a batch about every RELAY_SECONDS, not one per event
    for batch in batches:
        assert all(event.kind is STEP for event in batch[:-1])  # an epoch's end or the last event closes its batch
    assert batches[-1][-1].kind is DONE and sum(map(len, batches)) == 43


def test_stop_reaches_the_training_once_and_it_looks_for_it_sparingly():
    ends = {}
    arrivals = []

    def work(on_event, should_stop):
        ends["backend"] = QueueBackend(until_stopped, (30.0,))
        return relay.follow(ends["backend"], on_event, should_stop)

    started = time.monotonic()
    result = work(arrivals.append, lambda: len(arrivals) >= 3)
    assert result["stopped"] and time.monotonic() - started < 5
    assert arrivals[-1].kind is STOPPED and ends["backend"].stops_sent == 1
    # should_stop() was asked after every step, the backend (a round trip on Dask) about every RELAY_SECONDS.
    assert ends["backend"].looks <= 2 + (time.monotonic() - started) / relay.RELAY_SECONDS < result["asked"]


def test_stop_reaches_the_training(backend):
    arrivals = []
    result = backend(until_stopped, 60.0)(arrivals.append, lambda: any(event.kind is STEP for event in arrivals))
    assert result["stopped"], "Stop never reached the training"
    assert arrivals[-1].kind is STOPPED
    assert [event.step for event in arrivals] == list(range(1, result["steps"] + 1)) + [result["steps"]]


def test_the_trainings_error_comes_back(backend):
    arrivals = []
    with pytest.raises(ValueError, match="vocab_size 50000 is more"):
        backend(refuses, "vocab_size 50000 is more than the reviews hold")(arrivals.append, lambda: False)
    assert [event.step for event in arrivals] == [1, 2]  # what it reported before it failed still arrives


@pytest.mark.parametrize("pipe_closes", [True, False], ids=["its pipe closes", "its pipe stays open"])
def test_a_worker_that_dies_is_reported_not_waited_for(pipe_closes):
    """A killed worker process: its events so far arrive, then the executor's BrokenProcessPool (which
    WorkerPool.relay turns into WorkerLost, tests/test_worker_pool.py), whether its pipe closed first or not."""
    server_channel, worker_channel = multiprocessing.Pipe(duplex=True)
    future: Future = Future()
    worker_end = worker_pool._PipeWorkerEnd(worker_channel, "run-1")
    worker_end.send([progress(STEP, 1), progress(STEP, 2)])
    if pipe_closes:
        worker_channel.close()
    future.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
    arrivals = []
    started = time.monotonic()
    with pytest.raises(BrokenProcessPool):
        relay.follow(worker_pool._PipeServerEnd(server_channel, "run-1", future), arrivals.append, lambda: False)
    assert [event.step for event in arrivals] == [1, 2] and time.monotonic() - started < 5
