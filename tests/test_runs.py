"""rnn_demo.serving.runs: memory estimates equal to Keras' counts, a session's kept runs (oldest out first, within budget),
the server's ledger, and the messages that refuse a run before it starts."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from rnn_demo.core.config import preset
from rnn_demo.model.models import build_classifier
from rnn_demo.serving import runs
from rnn_demo.serving.jobs import JobStatus

FAST = preset("fast")
LARGEST = preset("fast").with_changes(vocab_size=20_000, embedding_dim=256, units=256, epochs=20)


class FakeBundle:
    """A trained run's model as RunHistory sees it: one snapshot per epoch and its metrics."""

    def __init__(self, config=FAST, accuracy=0.861, test_reviews=2_500):
        weights = np.zeros(runs.parameter_count(config), np.float32)
        self.snapshots = [[weights.copy()] for _ in range(config.train.epochs)]
        self.metrics = {"test_accuracy": accuracy, "test_reviews": test_reviews}


class FinishedJob:
    """What RunHistory reads of a Job: its status and result (a model once it finished, None if it failed)."""

    def __init__(self, status=JobStatus.DONE):
        self.status = status
        self.result = FakeBundle() if status in (JobStatus.DONE, JobStatus.STOPPED) else None

    @property
    def finished(self) -> bool:
        return self.status.finished


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn"])
def test_parameter_count_equals_keras(cell):
    config = FAST.with_changes(vocab_size=3_000, embedding_dim=24, units=20, cell=cell)
    assert runs.parameter_count(config) == build_classifier(config).count_params()


def test_the_largest_settings_cost_what_the_issue_measured():
    assert runs.snapshot_bytes(LARGEST) / runs.MB == pytest.approx(22.6, abs=0.05)
    assert runs.run_bytes(LARGEST) == 21 * runs.snapshot_bytes(LARGEST)  # 20 snapshots + the final model


def test_a_run_larger_than_the_session_budget_is_refused_with_the_numbers():
    history = runs.RunHistory()
    with pytest.raises(ValueError) as error:
        history.admit(LARGEST)
    message = str(error.value)
    assert "474.2 MB" in message and "22.6 MB each" in message and "250.0 MB" in message  # 21 x 22.58 MB
    assert "at most 10 at these sizes" in message
    assert runs.run_bytes(LARGEST.with_changes(epochs=10)) <= history.budget  # the advice fits


def test_history_keeps_the_last_runs_oldest_out_first():
    history = runs.RunHistory(max_runs=3)
    added = [history.add(FAST, FinishedJob()) for _ in range(5)]
    assert [run.number for run in history.runs] == [3, 4, 5]
    assert added[-1].label == "run 5: fast, 32 units, 86.1% test accuracy (95% interval 84.7%–87.4%)"
    assert history.find("run 4: fast, 32 units, 86.1% test accuracy (95% interval 84.7%–87.4%)") is added[3]
    assert history.find(added[0].label) is None  # dropped
    assert runs.Run(6, FAST, FinishedJob(JobStatus.RUNNING)).label == "run 6: fast, 32 units (training)"


def test_a_run_label_says_how_uncertain_its_accuracy_is():
    """Issue 19: "run 1: fast, 32 units, 85.0% test accuracy" on 60 test reviews hid that the truth may be 74-92%."""
    job = FinishedJob()
    job.result = FakeBundle(accuracy=0.85, test_reviews=60)
    assert runs.Run(1, FAST, job).label == "run 1: fast, 32 units, 85.0% test accuracy (95% interval 73.9%–91.9%)"
    job.status = JobStatus.STOPPED
    assert runs.Run(1, FAST, job).label.endswith("test accuracy (95% interval 73.9%–91.9%), stopped early")


def test_a_finished_run_holds_what_its_settings_predicted():
    run = runs.Run(1, FAST, FinishedJob())
    assert run.bytes == runs.run_bytes(FAST)


def test_history_drops_old_runs_to_stay_within_its_budget_but_never_a_running_one():
    size = runs.run_bytes(FAST)
    history = runs.RunHistory(max_runs=10, budget=int(2.5 * size))
    running = history.add(FAST, FinishedJob(JobStatus.RUNNING))
    history.add(FAST, FinishedJob())
    history.add(FAST, FinishedJob())
    assert [run.number for run in history.runs] == [1, 3]  # run 2, the oldest finished one, made room
    assert running in history.runs and history.bytes <= history.budget


def test_failed_runs_leave_no_trace():
    history = runs.RunHistory()
    history.add(FAST, FinishedJob(JobStatus.FAILED))
    assert history.runs == [] and history.bytes == 0


def test_the_server_ledger_refuses_beyond_its_budget_and_forgets_closed_sessions():
    size = runs.run_bytes(FAST)
    ledger = runs.MemoryLedger(budget=int(2.5 * size))
    first, second = ledger.register(runs.RunHistory()), ledger.register(runs.RunHistory())
    first.add(FAST, FinishedJob(JobStatus.RUNNING), ledger=ledger)
    second.add(FAST, FinishedJob(JobStatus.RUNNING), ledger=ledger)
    with pytest.raises(ValueError, match=r"the server already holds .* for 2 students"):
        second.add(FAST, FinishedJob(JobStatus.RUNNING), ledger=ledger)
    assert len(second.runs) == 1  # a refused run changes nothing
    del first
    gc.collect()
    assert ledger.sessions == 1 and ledger.bytes == size
    second.add(FAST, FinishedJob(), ledger=ledger)  # the closed session's models no longer count
