"""rnn_demo.serving.jobs: the one job path. Jobs queue first come, first served for the server-wide slots, stop on request
keeping their partial result, and outlive a short disconnect of their owner but not a long one."""

from __future__ import annotations

import ast
import threading
import time
from pathlib import Path

import pytest

from rnn_demo.core import data
from rnn_demo.core.config import preset
from rnn_demo.core.events import Progress, ProgressKind
from rnn_demo.model import training
from rnn_demo.serving import jobs
from rnn_demo.serving.jobs import Job, JobStatus, TrainingSlots

# 200 reviews (160 train), 5 batches per epoch of a 4-unit LSTM over 20 words: a training takes a second or two.
CONFIG = preset("fast").with_changes(subset=200, vocab_size=500, maxlen=20, embedding_dim=4, units=4, epochs=1,
                                     batch_size=32, seed=3)


@pytest.fixture(scope="module")
def tokenized() -> training.TokenizedSplits:
    return training.tokenize_splits(data.split(data.load_bundled(), seed=CONFIG.train.seed, subset=200))


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not reached within {timeout:.0f} s")
        time.sleep(0.02)


def counting_work(steps: int, gate: threading.Event | None = None, pause: float = 0.0):
    """A work function with `steps` steps that reports each and returns how many it did."""

    def work(on_event, should_stop):
        if gate is not None:
            gate.wait(30)
        done = 0
        for done in range(1, steps + 1):
            time.sleep(pause)
            on_event(Progress(ProgressKind.STEP, done, steps, 1, 1, 0.0, 0.0, None, {"loss": 1.0 / done}))
            if should_stop():
                break
        return done

    return work


def test_jobs_module_knows_nothing_of_training_models_or_keras():
    tree = ast.parse(Path(jobs.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name and name.split(".")[0] in ("keras", "tensorflow", "rnn_demo")
                and not name.startswith("rnn_demo.core.")}  # the core's plain records (Progress) only


def test_slots_need_a_capacity_of_at_least_one():
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        TrainingSlots(0)


def test_a_second_job_waits_in_the_queue_until_the_first_is_done():
    slots = TrainingSlots(1)
    let_first_go = threading.Event()
    first = Job(counting_work(3, gate=let_first_go), slots).start()
    wait_until(lambda: first.status is JobStatus.RUNNING)
    second = Job(counting_work(2), slots).start()
    wait_until(lambda: second.queue_position == 1)
    time.sleep(0.5)  # the slot stays taken: the second job keeps waiting
    assert (second.status, second.queue_position, slots.running, slots.waiting) == (JobStatus.WAITING, 1, 1, 1)
    assert first.queue_position is None and not second.events

    let_first_go.set()
    first.join(30)
    second.join(30)
    assert (first.status, second.status, first.result, second.result) == (JobStatus.DONE, JobStatus.DONE, 3, 2)
    assert [event.step for event in second.events] == [1, 2]
    assert slots.running == 0 and slots.position(second.job_id) is None


def test_a_stopped_job_keeps_its_partial_result():
    job = Job(counting_work(10_000, pause=0.001), TrainingSlots(1)).start()
    wait_until(lambda: len(job.events) >= 3)
    job.request_stop()
    job.join(30)
    assert job.status is JobStatus.STOPPED and 3 <= job.result < 10_000 and job.result == len(job.events)


def test_an_imdb_training_runs_as_a_job_and_stops_keeping_a_usable_model(tokenized):
    config = CONFIG.with_changes(epochs=5)  # 25 batches if nobody stopped it
    job = Job(lambda on_event, should_stop: training.train(config, tokenized, on_event, should_stop),
              TrainingSlots(1))
    job.start()
    wait_until(lambda: len(job.events) >= 1)
    job.request_stop()
    job.join(60)
    assert job.status is JobStatus.STOPPED
    kinds = [event.kind for event in job.events]
    assert kinds[-1] is ProgressKind.STOPPED and kinds.count(ProgressKind.STEP) < 25
    assert job.result.metrics["stopped_early"] and job.result.metrics["test_reviews"] == 20


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_short_disconnect_does_not_stop_a_job_but_a_long_one_does():
    """A Wi-Fi blip (disconnected for less than the grace period, then back) loses nothing; a closed tab does."""
    clock, connected = FakeClock(), [True]
    job = Job(counting_work(1), TrainingSlots(1), is_connected=lambda: connected[0], grace_seconds=120, clock=clock)
    assert not job.should_stop()
    connected[0] = False
    clock.now = 10.0
    assert not job.should_stop()  # just gone
    clock.now = 100.0
    assert not job.should_stop()  # gone 90 s: still within the grace period
    connected[0] = True
    clock.now = 200.0
    assert not job.should_stop()  # came back: the clock restarts
    connected[0] = False
    clock.now = 210.0
    assert not job.should_stop()
    clock.now = 331.0
    assert job.should_stop()  # gone 121 s
    assert job.should_stop()  # and it stays stopped


def test_a_job_survives_a_blip_of_its_owner_while_running():
    connected = threading.Event()
    connected.set()
    job = Job(counting_work(60, pause=0.005), TrainingSlots(1), is_connected=connected.is_set, grace_seconds=60)
    job.start()
    wait_until(lambda: len(job.events) >= 5)
    connected.clear()  # the laptop lid closes for a moment
    time.sleep(0.05)
    connected.set()
    job.join(30)
    assert job.status is JobStatus.DONE and job.result == 60


def test_a_waiting_job_is_cancelled_when_its_owner_stays_gone():
    slots = TrainingSlots(1)
    assert slots.acquire(-1, give_up=lambda: False)  # someone else's training holds the only slot
    connected = threading.Event()
    connected.set()
    ran = []
    job = Job(lambda on_event, should_stop: ran.append(True), slots, is_connected=connected.is_set,
              grace_seconds=0.2).start()
    wait_until(lambda: job.queue_position == 1)
    connected.clear()
    job.join(10)
    assert job.status is JobStatus.CANCELLED and job.finished and job.result is None and not ran
    assert slots.position(job.job_id) is None and slots.running == 1
    slots.release(-1)
    assert slots.running == 0


def test_a_failing_job_says_why():
    def work(on_event, should_stop):
        raise ValueError("vocab_size 20,000 is larger than the data supports")

    job = Job(work, TrainingSlots(1)).start()
    job.join(10)
    assert job.status is JobStatus.FAILED and "larger than the data supports" in job.error


def test_a_waiting_job_is_told_when_it_should_start_from_the_measured_times():
    slots = TrainingSlots(2)
    assert slots.expected_wait(99) is None  # not waiting
    for job_id in (1, 2):  # two earlier trainings, each held its slot for 10 s
        slots.acquire(job_id, give_up=lambda: False)
        slots._started[job_id] -= 10.0
        slots.release(job_id)
    now = time.monotonic()
    for job_id in (3, 4):  # two trainings running: one for 4 s, one just started
        slots.acquire(job_id, give_up=lambda: False)
    slots._started[3] -= 4.0
    waiting = {}
    for job_id in (5, 6, 7):
        threading.Thread(target=slots.acquire, args=(job_id, lambda: job_id in waiting.get("gone", ())),
                         daemon=True).start()
        wait_until(lambda job_id=job_id: slots.position(job_id) is not None)
    assert slots.expected_wait(5, now) == pytest.approx(6.0, abs=0.5)  # job 3 has about 6 s left
    assert slots.expected_wait(6, now) == pytest.approx(10.0, abs=0.5)  # job 4 has about 10 s left
    assert slots.expected_wait(7, now) == pytest.approx(16.0, abs=0.5)  # after job 5, which starts at 6 s
    waiting["gone"] = (5, 6, 7)
    wait_until(lambda: slots.waiting == 0)


def test_a_preparing_job_says_what_it_waits_for_and_how_long():
    """Issue 19: the first training sat ~10 s on "Preparing the training…" with no word of what or how long."""
    started = threading.Event()
    release = threading.Event()
    now = [100.0]

    def work(on_event, should_stop):
        started.set()
        release.wait(5)

    preparation = jobs.Preparation("reading the reviews", 4.0, in_worker=True)
    job = Job(work, TrainingSlots(1), name="training", preparation=preparation, clock=lambda: now[0]).start()
    assert started.wait(5) and job.status is JobStatus.RUNNING and job.latest is None
    now[0] += 2.0
    note = job.preparing_note(worker_starting=False)
    assert note == "Preparing the training: reading the reviews. This takes about 4 s on a free server; 2 s so far."
    starting = job.preparing_note(worker_starting=True)
    assert "a training worker of this server is starting up: it loads TensorFlow" in starting
    assert f"about {jobs.WORKER_START.seconds + 4:.0f} s" in starting
    now[0] += 30.0
    assert "Longer than usual" in job.preparing_note(worker_starting=False)
    lesson = jobs.preparing_note("small SimpleRNN", jobs.BUILD_AND_COMPILE, 1.0, worker_starting=True)
    assert "worker" not in lesson  # a lesson trains in its own thread: no worker to wait for
    release.set()
    job.join(5)
