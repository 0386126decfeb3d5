"""rnn_demo.serving.cluster: with a Dask scheduler configured, an IMDb training runs on a worker process through the same job
path: progress comes back live, Stop reaches the worker, and the result is rebuilt from weights, config and
vocabulary into a bundle that matches a local training with the same seed."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from rnn_demo.core import data
from rnn_demo.core.config import preset
from rnn_demo.core.events import ProgressKind
from rnn_demo.model import training
from rnn_demo.serving import cluster
from rnn_demo.serving.jobs import Job, JobStatus, TrainingSlots

distributed = pytest.importorskip("distributed")

CONFIG = preset("fast").with_changes(subset=400, vocab_size=800, maxlen=30, embedding_dim=8, units=8, epochs=2,
                                     batch_size=32, seed=5)


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  worker_dashboard_address=None) as local:
        yield local.scheduler_address
        cluster.close_clients()


def test_no_scheduler_configured_means_trainings_stay_in_the_server(monkeypatch):
    monkeypatch.delenv(cluster.SCHEDULER_VARIABLE, raising=False)
    assert cluster.scheduler_address() is None
    monkeypatch.setenv(cluster.SCHEDULER_VARIABLE, " tcp://10.0.0.5:8786 ")
    assert cluster.scheduler_address() == "tcp://10.0.0.5:8786"


def test_a_training_on_the_cluster_reports_live_and_equals_a_local_one(scheduler):
    arrivals = []  # (seconds since start, event) as the server receives them
    started = time.monotonic()
    job = Job(cluster.remote_imdb_training(scheduler, CONFIG), TrainingSlots(1),
              name="IMDb sentiment training")
    job.events = _Recorder(arrivals, started)
    job.start()
    job.join(300)
    assert job.status is JobStatus.DONE, job.error
    kinds = [event.kind for _, event in arrivals]
    steps_per_epoch = 320 // 32
    assert kinds.count(ProgressKind.STEP) == 2 * steps_per_epoch and kinds[-1] is ProgressKind.DONE
    assert arrivals[0][0] < arrivals[-1][0]  # events came while it trained, not all at the end

    remote = job.result
    local = training.train(CONFIG, data.split(data.load_bundled(), seed=5, subset=400))
    assert remote.vocab == local.vocab and remote.config == local.config
    assert abs(remote.metrics["test_accuracy"] - local.metrics["test_accuracy"]) <= 0.005
    assert len(remote.snapshots) == 2
    rows = np.zeros((3, 30), dtype=np.int32) + np.arange(30) % 50
    np.testing.assert_allclose(remote.model.predict_on_batch(rows), local.model.predict_on_batch(rows), atol=0.05)


def test_stop_reaches_the_worker_and_keeps_the_partial_model(scheduler):
    config = CONFIG.with_changes(epochs=30)  # 300 steps if nobody stopped it
    job = Job(cluster.remote_imdb_training(scheduler, config), TrainingSlots(1)).start()
    deadline = time.monotonic() + 120
    while not any(event.kind is ProgressKind.STEP for event in job.events) and time.monotonic() < deadline:
        time.sleep(0.05)
    job.request_stop()
    job.join(120)
    assert job.status is JobStatus.STOPPED
    steps = sum(event.kind is ProgressKind.STEP for event in job.events)
    assert steps < 300 and job.events[-1].kind is ProgressKind.STOPPED
    assert job.result.metrics["stopped_early"] and job.result.metrics["test_reviews"] == 40


class _Recorder(list):
    """A list of events that also notes when each one reached the server."""

    def __init__(self, arrivals, started):
        super().__init__()
        self.arrivals, self.started, self.lock = arrivals, started, threading.Lock()

    def append(self, event):
        self.arrivals.append((time.monotonic() - self.started, event))
        super().append(event)


def test_a_scheduler_on_another_machine_needs_tls_or_an_explicit_insecure_flag(monkeypatch):
    """Whoever reaches a plain-TCP Dask scheduler can run code on every worker: the server refuses to use one on
    another machine unless told the network is private; tls:// and the loopback are always fine."""
    monkeypatch.delenv(cluster.INSECURE_VARIABLE, raising=False)
    with pytest.raises(ValueError, match="without TLS"):
        cluster.client_for("tcp://10.0.0.5:8786")
    for fine in ("tls://10.0.0.5:8786", "tcp://127.0.0.1:8786", "tcp://localhost:8786"):
        cluster.check_transport(fine)
    monkeypatch.setenv(cluster.INSECURE_VARIABLE, "1")
    cluster.check_transport("tcp://10.0.0.5:8786")
