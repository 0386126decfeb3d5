"""rnn_demo.serving.worker_pool and rnn_demo.serving.training_backends: an IMDb training run by the job path in a real spawned worker
process at low priority reports its progress live and in order, stops on request with a usable model, equals a
training in the server's own thread, and fails with a message (not a hang) when its worker is killed; the app's Train
page and the class benchmark choose where to train in one place."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import types
from pathlib import Path

import numpy as np
import pytest
from conftest import rerun_until
from streamlit.testing.v1 import AppTest

from rnn_demo.core.config import preset
from rnn_demo.core.events import ProgressKind
from rnn_demo.model import training
from rnn_demo.serving import cluster, plain_training, training_backends, worker_pool
from rnn_demo.serving.jobs import Job, JobStatus, TrainingSlots
from rnn_demo.tools import class_bench

APP = str(Path(__file__).resolve().parents[1] / "app.py")
# 200 reviews: 160 to train on in 10 batches of 16, 20 to validate, 20 to test.
CONFIG = preset("fast").with_changes(subset=200, vocab_size=400, maxlen=30, embedding_dim=4, units=4, epochs=1,
                                     batch_size=16, seed=7)
STEPS = 160 // 16


@pytest.fixture(scope="module")
def pool():
    """Two real spawned workers for the whole module (each imports TensorFlow, ~5 s); used by the app's path too."""
    workers = worker_pool.WorkerPool(2)
    previous, training_backends._pool = training_backends._pool, workers
    yield workers
    training_backends._pool = previous
    workers.close()


def pool_work(pool, config):
    return plain_training.relayed_imdb_training(pool.relay, config, "bundled")


def wait_for_a_step(job: Job, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not any(event.kind is ProgressKind.STEP for event in job.events):
        assert not job.finished, job.error
        assert time.monotonic() < deadline, "no progress arrived from the worker"
        time.sleep(0.02)


def test_the_workers_run_at_low_priority(pool):
    own = os.getpriority(os.PRIO_PROCESS, 0)
    reports = pool.workers(timeout=120)
    assert len(reports) == 2 and len({report["pid"] for report in reports}) == 2
    for report in reports:
        assert report["pid"] != os.getpid()
        assert os.getpriority(os.PRIO_PROCESS, report["pid"]) == min(19, own + worker_pool.WORKER_NICENESS) > own


def test_progress_arrives_in_order_and_the_result_equals_a_training_in_the_server(pool):
    arrivals = []  # (when it reached this process, event)
    job = Job(pool_work(pool, CONFIG), TrainingSlots(1), name="IMDb sentiment training")
    job.events = _Recorder(arrivals)
    job.start().join(300)
    assert job.status is JobStatus.DONE, job.error
    events = [event for _, event in arrivals]
    assert [event.step for event in events if event.kind is ProgressKind.STEP] == list(range(1, STEPS + 1))
    assert [event.kind for event in events[-2:]] == [ProgressKind.EPOCH, ProgressKind.DONE]
    assert "val_accuracy" in events[-2].metrics
    assert len({when for when, _ in arrivals}) > 1  # sent as the training went, not in one piece at its end

    in_thread = training.train(CONFIG, plain_training.reviews("bundled").splits(CONFIG.train.seed, CONFIG.train.subset))
    in_worker = job.result
    assert in_worker.config == in_thread.config and in_worker.vocab == in_thread.vocab
    for worker_weights, thread_weights in zip(in_worker.model.get_weights(), in_thread.model.get_weights()):
        np.testing.assert_allclose(worker_weights, thread_weights, atol=1e-5)
    assert in_worker.metrics["test_accuracy"] == in_thread.metrics["test_accuracy"]
    assert len(in_worker.snapshots) == 1


def test_stop_reaches_the_worker_and_keeps_the_partial_model(pool):
    config = CONFIG.with_changes(subset=400, epochs=40)  # 800 steps if nobody stopped it
    job = Job(pool_work(pool, config), TrainingSlots(1)).start()
    wait_for_a_step(job)
    job.request_stop()
    job.join(120)
    assert job.status is JobStatus.STOPPED, job.error
    steps = [event.step for event in job.events if event.kind is ProgressKind.STEP]
    assert steps[-1] < 800 and job.events[-1].kind is ProgressKind.STOPPED
    bundle = job.result
    assert bundle.metrics["stopped_early"] and bundle.metrics["test_reviews"] == 40
    probabilities = bundle.model.predict_on_batch(np.arange(60, dtype=np.int32).reshape(2, 30) % 400)
    assert probabilities.shape == (2, 1) and np.all((probabilities > 0) & (probabilities < 1))


def test_bad_settings_in_a_worker_fail_the_job_with_the_reason(pool):
    too_large = CONFIG.with_changes(vocab_size=50_000)  # more words than 160 short reviews hold
    job = Job(pool_work(pool, too_large), TrainingSlots(1)).start()
    job.join(120)
    splits = plain_training.reviews("bundled").splits(CONFIG.train.seed, CONFIG.train.subset)
    in_thread = Job(lambda on_event, should_stop: training.train(too_large, splits, on_event, should_stop),
                    TrainingSlots(1)).start()
    in_thread.join(120)
    assert in_thread.status is JobStatus.FAILED and job.status is JobStatus.FAILED
    assert job.error == in_thread.error


def test_the_app_and_the_class_bench_train_where_the_settings_say(pool, monkeypatch):
    monkeypatch.delenv(cluster.SCHEDULER_VARIABLE, raising=False)
    monkeypatch.setenv(training_backends.PROCESSES_VARIABLE, "1")
    submitted = pool.submitted
    job = Job(training_backends.imdb_training_work(CONFIG), TrainingSlots(1)).start()
    job.join(300)
    assert job.status is JobStatus.DONE and pool.submitted == submitted + 1  # it ran in a worker

    monkeypatch.setattr(class_bench, "preset", lambda name: CONFIG)
    summary = class_bench.run_class(2, slots=2)
    assert summary["failed"] == 0 and pool.submitted == submitted + 3

    monkeypatch.setenv(training_backends.PROCESSES_VARIABLE, "0")
    job = Job(training_backends.imdb_training_work(CONFIG), TrainingSlots(1)).start()
    job.join(300)
    assert job.status is JobStatus.DONE and pool.submitted == submitted + 3  # in this process's thread

    monkeypatch.setenv(cluster.SCHEDULER_VARIABLE, "tcp://10.0.0.5:8786")
    monkeypatch.setattr(cluster, "remote_imdb_training", lambda address, config, source: ("dask", address))
    assert training_backends.imdb_training_work(CONFIG) == ("dask", "tcp://10.0.0.5:8786")


@pytest.mark.parametrize("variable, value", [("RNN_DEMO_TRAINING_PROCESSES", "yes"),
                                             ("RNN_DEMO_TRAINING_PROCESSES", "2"),
                                             ("RNN_DEMO_MAX_TRAININGS", "0"), ("RNN_DEMO_MAX_TRAININGS", "two")])
def test_a_bad_setting_is_named(monkeypatch, variable, value):
    monkeypatch.delenv(cluster.SCHEDULER_VARIABLE, raising=False)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"{variable} must be .*got '{value}'"):
        training_backends.in_worker_processes()
        training_backends.training_slot_count()


def test_the_train_page_trains_in_a_worker(pool, monkeypatch):
    monkeypatch.delenv(cluster.SCHEDULER_VARIABLE, raising=False)
    monkeypatch.setenv(training_backends.PROCESSES_VARIABLE, "1")
    submitted = pool.submitted
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/train_lstm.py").run()
    at.selectbox(key="train_preset").set_value("fast").run()
    at.number_input(key="subset_fast").set_value(200)
    at.number_input(key="vocab_size_fast").set_value(1_000)
    at.number_input(key="epochs_fast").set_value(1)
    at.slider(key="maxlen_fast").set_value(30)
    at.select_slider(key="embedding_dim_fast").set_value(8)
    at.select_slider(key="units_fast").set_value(4)
    at.button(key="train_start").click().run()
    rerun_until(at, lambda at: any(metric.label.startswith("Test accuracy") for metric in at.metric), timeout=180)
    assert pool.submitted == submitted + 1
    bundle = at.session_state["jobs"]["training_job"].result
    (shown,) = [metric.value for metric in at.metric if metric.label.startswith("Test accuracy on 20 test reviews")]
    assert shown == f"{bundle.metrics['test_accuracy']:.1%}"


def test_a_training_waiting_for_a_starting_worker_says_so(monkeypatch):
    release = threading.Event()

    def waits_for_a_worker(config, source, in_thread_data=None):
        def work(on_event, should_stop):
            release.wait(60)
            raise ValueError("no worker in this test")

        return work

    monkeypatch.setattr(training_backends, "imdb_training_work", waits_for_a_worker)
    monkeypatch.setattr(training_backends, "workers_starting", lambda: True)
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/train_lstm.py").run()
    at.button(key="train_start").click().run()
    try:
        (preparing,) = [info.value for info in at.info if info.value.startswith("Preparing the training")]
        assert "a training worker of this server is starting up" in preparing and "s so far" in preparing
        monkeypatch.setattr(training_backends, "workers_starting", lambda: False)
        at.run()
        (preparing,) = [info.value for info in at.info if info.value.startswith("Preparing the training")]
        assert "worker" not in preparing and "turning the texts into word ids" in preparing  # what, and how long:
        assert "This takes about 10 s on a free server" in preparing  # it said only "Preparing the training…"
    finally:
        release.set()
    rerun_until(at, lambda at: any("no worker in this test" in error.value for error in at.error))


def test_a_killed_worker_fails_its_training_with_a_message_and_is_replaced(pool):
    config = CONFIG.with_changes(subset=400, epochs=40)
    job = Job(pool_work(pool, config), TrainingSlots(1), name="training").start()
    wait_for_a_step(job)
    (pid,) = pool.busy_pids()
    os.kill(pid, signal.SIGKILL)
    job.join(60)
    assert job.status is JobStatus.FAILED
    assert "ended unexpectedly" in job.error and "press Start to train again" in job.error
    pids = [report["pid"] for report in pool.workers(timeout=120)]
    assert pid not in pids and len(pids) == 2 and pool.busy_pids() == []
    after = Job(pool_work(pool, CONFIG), TrainingSlots(1)).start()  # the fresh worker trains
    after.join(300)
    assert after.status is JobStatus.DONE, after.error


def test_a_worker_started_from_a_streamlit_script_does_not_run_the_script(monkeypatch, tmp_path):
    # `streamlit run app.py` installs the app's script as __main__; a spawned child would run it again (app.py starts
    # the workers: each would start workers of its own and die in its bootstrap).
    marker = tmp_path / "the script ran in a worker"
    script = tmp_path / "app_like.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    streamlit_main = types.ModuleType("__main__")
    streamlit_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", streamlit_main)
    pool = worker_pool.WorkerPool(1)
    try:
        (report,) = pool.workers(timeout=120)
        assert report["pid"] != os.getpid() and not marker.exists()
        assert sys.modules["__main__"] is streamlit_main  # the script's __main__ is back
    finally:
        pool.close()


class _Recorder(list):
    """A list of events that also notes when each one reached this process."""

    def __init__(self, arrivals):
        super().__init__()
        self.arrivals = arrivals

    def append(self, event):
        self.arrivals.append((time.monotonic(), event))
        super().append(event)
