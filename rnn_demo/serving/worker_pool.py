"""IMDb trainings in a few local worker processes at low priority, so the server's page reruns get the CPU first.

Measured (issue 9): with two trainings running in threads of the Streamlit server, 30 students opening Inspect waited
p95 7.3 s, because the trainings took the two cores and, for their Python parts (Keras' step loop, callbacks,
tf.data), the server's interpreter lock. Here each training runs in a worker process of its own, which has its own
interpreter lock, at nice 10: under Linux's scheduler a nice-10 process weighs 110 against a normal process's 1024,
so while the server has a page to rerun it gets about 90% of a busy core, and the trainings use whatever the class
leaves idle.

The Job's work function (`WorkerPool.relay`) runs in the server as a thin relay: it submits the training to a free
worker and follows it with `rnn_demo.serving.relay`, the relay Dask's trainings use too, over the worker's pipe; the
result comes back as plain values (`rnn_demo.serving.plain_training`): no model object crosses the process boundary.

One worker is one `ProcessPoolExecutor(max_workers=1)` with the "spawn" start method (a forked copy of a process
that has TensorFlow loaded can deadlock in TensorFlow's threads), with a duplex pipe of its own for events and Stop.
Several single-worker executors rather than one with several workers: when a worker of a shared executor dies, the
executor terminates all its workers and fails every training in it; here a killed worker (out of memory, `kill`) fails
only its own student's training, with a message, and is replaced by a fresh one. Pure Python, no Streamlit.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import queue
import sys
import threading
import time
import types
import uuid
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Callable

from rnn_demo.serving.relay import follow, run_reporting

WORKER_NICENESS = 10  # added to the server's niceness in each worker (see the module's docstring)


class WorkerLost(RuntimeError):
    """The worker process running a training ended before the training did (killed, or out of memory)."""


@dataclass(frozen=True)
class WarmUp:
    """What a new worker prepares before its first training: the tokenised reviews of this split (subset None: all
    of them, so that any subset and seed is then ready), and with `text` (a TextConfig) these reviews encoded for
    it, as the class's first trainings of the default preset will need them."""

    source: str = "bundled"
    seed: int = 0
    subset: int | None = None
    text: object | None = None


# ------------------------------------------------------------------------------------------- in a worker process
_channel = None  # this worker's end of its pipe to the server


def _start_worker(channel, inter_op_threads: int) -> None:
    """Each worker's initializer: lower its priority, take the app's TensorFlow thread pools, import TensorFlow and
    Keras now rather than in the first student's training (about 5 s)."""
    global _channel
    _channel = channel
    os.nice(WORKER_NICENESS)
    from rnn_demo.model import runtime

    runtime.configure_threads(inter_op=inter_op_threads)
    import keras  # noqa: F401

    from rnn_demo.model import training  # noqa: F401
    from rnn_demo.serving import plain_training  # noqa: F401


def _memory_mb(pid: int) -> dict:
    """Resident memory of a process (RSS, which counts shared libraries in full) and its proportional share (PSS)."""
    sizes = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss"):
                    sizes[name.lower() + "_mb"] = round(int(rest.split()[0]) / 1024, 1)
    except OSError:  # not Linux
        pass
    return sizes


def _warm(warm_up: WarmUp | None) -> dict:
    """A worker's first task: read and tokenise the reviews (when asked); report who and where it is."""
    started = time.perf_counter()
    if warm_up is not None:
        from rnn_demo.serving import plain_training

        plain_training.reviews(warm_up.source).splits(warm_up.seed, warm_up.subset)
        if warm_up.text is not None:
            plain_training.encoded_splits(warm_up.source, warm_up.seed, warm_up.subset, warm_up.text)
    return {"pid": os.getpid(), "niceness": os.getpriority(os.PRIO_PROCESS, 0),
            "warm_up_seconds": time.perf_counter() - started}


class _PipeWorkerEnd:
    """The worker's end of the relay (`rnn_demo.serving.relay.WorkerEnd`) for one run: batches go to the server as
    (run id, events), then (run id, None) as the run's end mark; the server's Stop arrives as this run's id."""

    def __init__(self, channel, run_id: str):
        self.channel, self.run_id = channel, run_id

    def send(self, events: list) -> None:
        self.channel.send((self.run_id, events))

    def stop_requested(self) -> bool:
        stop = False
        while self.channel.poll():  # no waiting: only what has arrived (a Stop of an older run that ended before it
            stop = self.channel.recv() == self.run_id or stop  # came is ignored)
        return stop

    def close(self) -> None:
        self.channel.send((self.run_id, None))


def _run(run_id: str, task: Callable, args: tuple):
    """In a worker: `task(*args, on_event, should_stop)`, relayed to the server through this worker's pipe."""
    try:
        return run_reporting(task, args, _PipeWorkerEnd(_channel, run_id))
    finally:
        _return_free_memory()


def _return_free_memory() -> None:
    """Give the heap a finished training freed back to the system (glibc keeps it otherwise): measured, a worker's
    share of memory after a `fast` training went from 613 to 560 MB."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


# ------------------------------------------------------------------------------------------- in the server
_spawning = threading.Lock()


@contextlib.contextmanager
def _without_main_module():
    """Start a worker without the server's __main__ module. A spawned child runs the parent's main script again
    (as __mp_main__) unless it is a package's __main__; under `streamlit run`, Streamlit installs the app's script as
    __main__ during its first run, so each worker would run app.py, whose first line of work starts workers again
    ("An attempt has been made to start a new process before the current process has finished its bootstrapping
    phase"). Workers need nothing from __main__ (their tasks live in rnn_demo), so for the few milliseconds of the
    launch __main__ is a bare module, which spawn leaves alone; a script run that installs its own __main__
    meanwhile keeps it."""
    with _spawning:
        server_main, bare = sys.modules["__main__"], types.ModuleType("__main__")
        sys.modules["__main__"] = bare
        try:
            yield
        finally:
            if sys.modules["__main__"] is bare:
                sys.modules["__main__"] = server_main


class _Worker:
    """One worker process, its executor and its pipe; `ready` is its warm-up (pid, niceness, seconds)."""

    def __init__(self, warm_up: WarmUp | None, inter_op_threads: int):
        context = multiprocessing.get_context("spawn")
        self.channel, worker_end = context.Pipe(duplex=True)
        self.executor = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start_worker,
                                            initargs=(worker_end, inter_op_threads))
        with _without_main_module():
            self.ready: Future = self.executor.submit(_warm, warm_up)  # starts the process now, in the background
        worker_end.close()  # the process has its copy; ours would keep the pipe open after the worker died

    def close(self) -> None:
        """End the worker, also in the middle of a training (which would otherwise keep the server from exiting).
        Python 3.11 has no public way to end a busy executor's process (3.14 adds terminate_workers), so its process
        objects are read before shutdown forgets them; Process.terminate never signals a process already reaped."""
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        self.channel.close()

    @property
    def pid(self) -> int | None:
        """The worker's process id once it has started (None before, or if it died during its start)."""
        if not self.ready.done() or self.ready.exception() is not None:
            return None
        return self.ready.result()["pid"]


class _PipeServerEnd:
    """The server's end of the relay (`rnn_demo.serving.relay.ServerEnd`) for one run in a worker: its events come
    on the worker's pipe, its result on the executor's own queue."""

    def __init__(self, channel, run_id: str, future: Future):
        self.channel, self.run_id, self.future = channel, run_id, future

    def receive(self, timeout: float) -> tuple[list, bool]:
        try:
            if not self.channel.poll(timeout):
                return [], self.future.done()  # done without its end mark: the worker died (BrokenProcessPool)
            got, events = self.channel.recv()
        except (EOFError, OSError):  # the worker's end of the pipe closed: it died; the executor says so soon
            return [], True
        if got != self.run_id:
            return [], False
        return ([], True) if events is None else (events, False)

    def send_stop(self) -> None:
        self.channel.send(self.run_id)

    def result(self):
        return self.future.result(timeout=30)


THREADS_VARIABLE = "RNN_DEMO_WORKER_THREADS"


def worker_threads(workers: int) -> int:
    """TensorFlow's operations run side by side in each worker (inter-op threads): RNN_DEMO_WORKER_THREADS, by
    default the cores shared out among the workers, at least 1. Measured with `python -m rnn_demo bench --class`:
    see README ("A class on one server")."""
    value = os.environ.get(THREADS_VARIABLE, "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"{THREADS_VARIABLE} must be a whole number of at least 1, got {value!r}.")
        return int(value)
    return max(1, (os.cpu_count() or 1) // workers)


class WorkerPool:
    """`size` worker processes; `relay(task, *args)` is a work function for `rnn_demo.serving.jobs.Job`."""

    def __init__(self, size: int, warm_up: WarmUp | None = None, inter_op_threads: int | None = None):
        if size < 1:
            raise ValueError(f"a worker pool needs at least 1 worker, got {size}.")
        self.warm_up = warm_up
        self.inter_op_threads = inter_op_threads or worker_threads(size)
        self._free: queue.Queue[_Worker] = queue.Queue()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self._busy: set[_Worker] = set()
        self.submitted = 0  # trainings handed to a worker so far
        self.grow(size)

    @property
    def size(self) -> int:
        return len(self._workers)

    def grow(self, size: int) -> None:
        """Have at least `size` workers (a class bench may ask for more trainings at once than the app)."""
        with self._lock:
            while len(self._workers) < size:
                worker = _Worker(self.warm_up, self.inter_op_threads)
                self._workers.append(worker)
                self._free.put(worker)

    @property
    def starting(self) -> bool:
        """True while a worker is still starting up (importing TensorFlow, reading and tokenising the reviews)."""
        return any(not worker.ready.done() for worker in list(self._workers))

    def workers(self, timeout: float | None = None) -> list[dict]:
        """Each worker's warm-up report (pid, niceness, warm-up seconds) with its memory now; waits for warm-ups."""
        with self._lock:
            workers = list(self._workers)
        return [{**worker.ready.result(timeout), **_memory_mb(worker.ready.result(timeout)["pid"])}
                for worker in workers]

    def busy_pids(self) -> list[int]:
        """Process ids of the workers running a training now."""
        return [pid for worker in list(self._busy) if (pid := worker.pid) is not None]

    def cpu_seconds(self) -> float:
        """CPU time the current workers have used so far (Linux; 0 elsewhere): not in this process's own usage."""
        total = 0.0
        for worker in list(self._workers):
            if (pid := worker.pid) is not None:
                try:
                    with open(f"/proc/{pid}/stat") as stat:
                        fields = stat.read().rpartition(")")[2].split()
                    total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
                except (OSError, ValueError):
                    pass
        return total

    def relay(self, task: Callable, *args) -> Callable:
        """A work function that runs `task(*args, on_event, should_stop)` in a free worker; each job is given a
        training slot before it runs, and the pool has a worker per slot, so a free worker is there at once."""

        def work(on_event, should_stop):
            worker, run_id = self._free.get(), uuid.uuid4().hex
            self._busy.add(worker)
            try:
                future = worker.executor.submit(_run, run_id, task, args)
                self.submitted += 1
                return follow(_PipeServerEnd(worker.channel, run_id, future), on_event, should_stop)
            except BrokenProcessPool as error:
                if self._closed:
                    raise WorkerLost("the server ended its training workers (it is shutting down).") from error
                self._busy.discard(worker)
                worker = self._replace(worker)
                raise WorkerLost("the worker process running this training ended unexpectedly (killed, or out of "
                                 "memory); a fresh worker has been started, press Start to train again.") from error
            finally:
                self._busy.discard(worker)
                if not self._closed:
                    self._free.put(worker)

        return work

    def _replace(self, dead: _Worker) -> _Worker:
        dead.close()
        with self._lock:
            if self._closed or dead not in self._workers:
                return dead
            fresh = self._workers[self._workers.index(dead)] = _Worker(self.warm_up, self.inter_op_threads)
        return fresh

    def close(self) -> None:
        """End every worker (their running trainings with them)."""
        with self._lock:
            self._closed, workers, self._workers = True, self._workers, []
        for worker in workers:
            worker.close()
