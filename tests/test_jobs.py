"""rnn_demo.jobs: the server-wide slot limit queues trainings first come, first served, and a job whose owner is gone
(a closed browser tab) stops by itself, while waiting or while training."""

from __future__ import annotations

import threading
import time

import pytest

from rnn_demo import data, training
from rnn_demo.config import preset
from rnn_demo.jobs import TrainingJob, TrainingSlots

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


def test_slots_need_a_capacity_of_at_least_one():
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        TrainingSlots(0)


def test_a_second_job_waits_in_the_queue_until_the_first_is_done(tokenized):
    slots = TrainingSlots(1)
    let_first_go = threading.Event()
    seen_by_second = []

    def first_data():
        let_first_go.wait(30)  # keeps the first job inside its slot until the test has looked at the queue
        return tokenized

    def second_data():
        seen_by_second.append(first.status)
        return tokenized

    first = TrainingJob(CONFIG, first_data, slots).start()
    wait_until(lambda: first.status == "running")
    second = TrainingJob(CONFIG, second_data, slots).start()
    wait_until(lambda: second.queue_position == 1)
    time.sleep(0.5)  # the slot stays taken: the second job keeps waiting
    assert (second.status, second.queue_position, slots.running) == ("waiting", 1, 1)
    assert first.queue_position is None and not seen_by_second and not second.events

    let_first_go.set()
    first.join(60)
    second.join(60)
    assert (first.status, second.status) == ("done", "done")
    assert seen_by_second == ["done"]  # the second job started only after the first had finished
    assert second.events[-1].kind == "done" and second.bundle is not None
    assert slots.running == 0 and slots.position(second.job_id) is None


def test_a_running_job_stops_when_its_owner_is_gone(tokenized):
    config = CONFIG.with_changes(epochs=5)  # 25 batches if nobody stopped it
    slots = TrainingSlots(1)
    job = TrainingJob(config, lambda: tokenized, slots, is_wanted=lambda: not job.events)  # tab closed after batch 1
    job.start()
    job.join(60)
    assert job.status == "stopped"
    assert [event.kind for event in job.events] == ["batch", "stopped"]
    assert job.bundle.metrics["stopped_early"] and job.bundle.metrics["test_reviews"] == 20
    assert slots.running == 0


def test_a_waiting_job_is_cancelled_when_its_owner_is_gone(tokenized):
    slots = TrainingSlots(1)
    assert slots.acquire(-1, give_up=lambda: False)  # someone else's training holds the only slot
    connected = threading.Event()
    connected.set()
    loaded = []
    job = TrainingJob(CONFIG, lambda: loaded.append(True) or tokenized, slots, is_wanted=connected.is_set).start()
    wait_until(lambda: job.queue_position == 1)
    connected.clear()
    job.join(10)
    assert job.status == "cancelled" and job.finished and job.bundle is None and not loaded
    assert slots.position(job.job_id) is None and slots.running == 1
    slots.release(-1)
    assert slots.running == 0
