"""Fair shares of the server's training slots: one student who starts every training they can does not hold the
class up (the next student's first training gets the next free slot), one session has at most
MAX_JOBS_PER_SESSION trainings going, and the expected start moves as the queue does."""

from __future__ import annotations

import threading
import time

from streamlit.testing.v1 import AppTest

from rnn_demo.serving.jobs import Job, JobStatus, TrainingSlots


def _blocking_work(release: threading.Event):
    def work(on_event, should_stop):
        while not release.is_set() and not should_stop():
            time.sleep(0.01)
        return "done"

    return work


def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_next_students_first_training_goes_before_a_students_third():
    slots = TrainingSlots(2)
    releases = [threading.Event() for _ in range(8)]
    greedy = [Job(_blocking_work(releases[i]), slots, owner="greedy").start() for i in range(7)]
    _wait_for(lambda: slots.running == 2 and slots.waiting == 5)
    other = Job(_blocking_work(releases[7]), slots, owner="other").start()
    _wait_for(lambda: other.queue_position is not None)
    assert other.queue_position == 1  # ahead of the five greedy jobs that came first
    assert [job.queue_position for job in greedy if job.status is JobStatus.WAITING] == [2, 3, 4, 5, 6]
    first_running = next(job for job in greedy if job.status is JobStatus.RUNNING)
    releases[greedy.index(first_running)].set()
    _wait_for(lambda: other.status is JobStatus.RUNNING)
    assert slots.held_by("greedy") == 1 and slots.held_by("other") == 1
    for release in releases:
        release.set()
    for job in [*greedy, other]:
        job.join(10)
    assert all(job.status is JobStatus.DONE for job in [*greedy, other])


def test_the_order_within_one_owner_and_between_equals_is_first_come_first_served():
    slots = TrainingSlots(1)
    gate = threading.Event()
    first = Job(_blocking_work(gate), slots, owner="a").start()
    _wait_for(lambda: first.status is JobStatus.RUNNING)
    queued = [Job(_blocking_work(gate), slots, owner=owner).start() for owner in ("a", "b", "c", "a", "b")]
    _wait_for(lambda: slots.waiting == 5)
    # a holds the slot: b and c go first, then a's and b's second ones in the order they came.
    assert [job.queue_position for job in queued] == [3, 1, 2, 5, 4]
    gate.set()
    for job in [first, *queued]:
        job.join(10)


def test_the_expected_start_follows_the_running_trainings_and_never_sticks_at_zero():
    slots = TrainingSlots(1)
    left = {"eta": 30.0}
    assert slots.acquire(1, give_up=lambda: False, owner="a", eta=lambda: left["eta"])
    waiting = threading.Thread(target=slots.acquire, args=(2, lambda: left.get("stop", False), "b"), daemon=True)
    waiting.start()
    _wait_for(lambda: slots.position(2) == 1)
    assert slots.expected_wait(2) == 30.0
    left["eta"] = 12.0
    assert slots.expected_wait(2) == 12.0  # moves as the running training goes
    # Without the job's own estimate: the typical time less its time so far, but never less than a quarter of it.
    slots._eta.clear()
    slots._durations = [8.0]
    slots._started[1] = time.monotonic() - 100.0
    assert slots.expected_wait(2) == 2.0
    left["stop"] = True
    waiting.join(5)
    slots.release(1)


def _many_jobs_script():
    import threading

    import streamlit as st

    from rnn_demo.web import training_panel

    release = st.session_state.setdefault("release", threading.Event())

    def work(on_event, should_stop):
        while not release.is_set() and not should_stop():
            release.wait(0.01)

    if st.button("start seven", key="start"):
        started = [training_panel.start_job(f"job_{i}", work, name=f"job {i}") for i in range(7)]
        st.session_state["started"] = [job is not None for job in started]


def test_one_session_has_at_most_its_share_of_trainings_going():
    from rnn_demo.web.training_panel import MAX_JOBS_PER_SESSION

    at = AppTest.from_function(_many_jobs_script, default_timeout=60)
    at.run()
    at.button(key="start").click().run()
    assert not at.exception
    assert at.session_state["started"] == [True] * MAX_JOBS_PER_SESSION + [False] * (7 - MAX_JOBS_PER_SESSION)
    warnings = [warning.value for warning in at.warning]
    assert len(warnings) == 7 - MAX_JOBS_PER_SESSION and all("at most" in warning for warning in warnings)
    at.session_state["release"].set()
    for job in at.session_state["jobs"].values():
        job.join(10)
