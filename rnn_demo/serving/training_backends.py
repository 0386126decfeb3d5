"""Where an IMDb training runs: the one choice, made the same way for the Train page (`web.training_panel.start_training`) and the
class benchmark (`class_bench.run_class`), so the benchmark measures exactly the app's path.

- `RNN_DEMO_DASK_SCHEDULER=tcp://host:8786`: on that Dask cluster (`rnn_demo.serving.cluster`);
- by default: in this server's own pool of worker processes at low priority, one per training slot
  (`rnn_demo.serving.worker_pool`), so the students' page reruns get the CPU first;
- `RNN_DEMO_TRAINING_PROCESSES=0`: in the job's thread inside the server (the tests do this, for speed).

Own-texts trainings are not chosen here: they always run in the server, so the texts never leave the session.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Callable

from rnn_demo.core.config import preset
from rnn_demo.serving import cluster, plain_training, worker_pool

SLOTS_VARIABLE = "RNN_DEMO_MAX_TRAININGS"
PROCESSES_VARIABLE = "RNN_DEMO_TRAINING_PROCESSES"
# A new worker tokenises every bundled review (subset None) before its first training, so whatever the student
# chooses is ready: about 11 s of (niced) CPU per worker, measured, instead of in the first student's training.
WARM_UP = worker_pool.WarmUp("bundled", preset("fast").train.seed, None, preset("fast").text)

# At exit, Python waits for every process pool's running tasks (concurrent.futures registers that wait with
# threading._register_atexit) before atexit handlers run: a server stopped during a training would hang until it ended.
# Closing the pool in the same (private but long-standing) hook, registered later so called first, ends the workers.
_before_threads_are_joined = getattr(threading, "_register_atexit", atexit.register)
_pool: worker_pool.WorkerPool | None = None
_pool_lock = threading.Lock()


def training_slot_count() -> int:
    """Trainings at once on this server: RNN_DEMO_MAX_TRAININGS, by default the number of CPU cores."""
    value = os.environ.get(SLOTS_VARIABLE, "").strip()
    if not value:
        return os.cpu_count() or 1
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{SLOTS_VARIABLE} must be a whole number of at least 1, got {value!r}.")
    return int(value)


def in_worker_processes() -> bool:
    """True unless RNN_DEMO_TRAINING_PROCESSES=0 (IMDb trainings then run in a thread of the server)."""
    value = os.environ.get(PROCESSES_VARIABLE, "1").strip() or "1"
    if value not in ("0", "1"):
        raise ValueError(f"{PROCESSES_VARIABLE} must be 1 (train in worker processes, the default) or 0 (train in "
                         f"the server's own threads), got {value!r}.")
    return value == "1"


def where() -> str:
    """Where IMDb trainings run now, in words (for reports)."""
    if (address := cluster.scheduler_address()) is not None:
        return f"Dask cluster {address}"
    if in_worker_processes():
        return f"{_pool.size if _pool else training_slot_count()} worker process(es) of this server, niced"
    return "threads of this process"


def shared_pool(workers: int | None = None) -> worker_pool.WorkerPool:
    """This server's pool of training workers, started (and warmed, in the background) on first use, with at least
    `workers` workers (default: one per training slot)."""
    global _pool
    workers = workers or training_slot_count()
    with _pool_lock:
        if _pool is None:
            _pool = worker_pool.WorkerPool(workers, WARM_UP)
            _before_threads_are_joined(_pool.close)
        else:
            _pool.grow(workers)
        return _pool


def start_workers(workers: int | None = None) -> None:
    """Start and warm the worker pool now, in the background, if IMDb trainings will run there: the first student's
    training then does not wait for TensorFlow's import and the reviews' tokenising."""
    if cluster.scheduler_address() is None and in_worker_processes():
        shared_pool(workers)


def workers_starting() -> bool:
    """True while this server's training workers are still starting up: a training started now waits for one."""
    return _pool is not None and _pool.starting


def imdb_training_work(config, source: str = "bundled", in_thread_data: Callable | None = None,
                       workers: int | None = None) -> Callable:
    """The work function (for `rnn_demo.serving.jobs.Job`) of an IMDb training of `config`; its result is a Bundle wherever
    it ran. `in_thread_data()` gives the tokenised splits when it runs in this process (default: tokenised here, once
    per source); it is called now, so a page can show a spinner meanwhile. `workers`: the pool's size, when the
    caller allows more trainings at once than the server's slots (the class benchmark's --slots)."""
    if (address := cluster.scheduler_address()) is not None:  # a department's Dask cluster trains, we relay
        return cluster.remote_imdb_training(address, config, source)
    if in_worker_processes():
        return plain_training.relayed_imdb_training(shared_pool(workers).relay, config, source)
    from rnn_demo.model import training

    tokenized = (in_thread_data() if in_thread_data is not None
                 else plain_training.reviews(source).splits(config.train.seed, config.train.subset))
    return lambda on_event, should_stop: training.train(config, tokenized, on_event, should_stop)
