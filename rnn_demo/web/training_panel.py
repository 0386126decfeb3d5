"""Live training on a page: a session's job queued on the server's slots (`start_job`), the panel that shows its
place in the queue, its progress and Stop (`job_panel`), and the Train page's IMDb or own-texts training
(`start_training`), kept as a new run of the session."""

from __future__ import annotations

import uuid
from dataclasses import replace

import streamlit as st

from rnn_demo.core.config import RunConfig
from rnn_demo.core.own_data import OwnData
from rnn_demo.core.own_data import fit_config as fit_own_config
from rnn_demo.model import training
from rnn_demo.serving import training_backends
from rnn_demo.serving.jobs import BUILD_AND_COMPILE, Job, JobStatus, Preparation
from rnn_demo.web import own_texts
from rnn_demo.web.session_models import TRAINING_JOB, run_history, session_job
from rnn_demo.web.shared import memory_ledger, tokenized_imdb, training_slots
from rnn_demo.web.streamlit_hooks import session_connected_check
from rnn_demo.web.widgets import plain


def disconnect_grace_seconds() -> float:
    """How long a training outlives its owner's lost connection: as long as Streamlit keeps a disconnected session
    for it to come back to (server.disconnectedSessionTTL, 120 s by default). A Wi-Fi blip or a laptop lid closed
    for a minute reconnects to the same session and finds its training still running; after that the session itself
    may be gone, and with it anyone to show the result to."""
    return float(st.get_option("server.disconnectedSessionTTL"))


# Trainings one session may have running or waiting at once, all pages together: the Long memory page's three cells
# and two more. The slots are shared fairly whatever this is (serving.jobs.TrainingSlots); the cap keeps one student
# from filling the queue.
MAX_JOBS_PER_SESSION = 5


def session_owner() -> str:
    """This session's name in the server's training queue (a random token, made once per session)."""
    return st.session_state.setdefault("_training_owner", uuid.uuid4().hex)


def _refuse_over_the_cap(key: str) -> None:
    """ValueError when this session already has MAX_JOBS_PER_SESSION trainings going besides the one under `key`
    (which a new start replaces)."""
    going = [other for other_key, other in st.session_state.get("jobs", {}).items()
             if other_key != key and not other.finished and not other.stop_requested]
    if len(going) >= MAX_JOBS_PER_SESSION:
        names = ", ".join(job.name for job in going)
        raise ValueError(f"you already have {len(going)} trainings running or waiting ({names}); the server lets one "
                         f"student have at most {MAX_JOBS_PER_SESSION}, so the class shares its slots. Stop one, or "
                         "wait for one to finish.")


# The Train page's training, after its slot: the words as ids, the LSTM built, its word vectors started from word
# counts, TensorFlow's training step compiled: 11 s with the fast preset on 2 cores shared with tests (2026-12-04),
# as issue 19 saw (~10 s).
TRAINING_PREPARATION = Preparation("turning the texts into word ids, building the LSTM, starting its word vectors "
                                   "from word counts and letting TensorFlow compile its training step", 10.0,
                                   in_worker=True)


def start_job(key: str, work, name: str, preparation: Preparation = BUILD_AND_COMPILE) -> Job | None:
    """Queue `work(on_event, should_stop)` as this session's job under `key` (stopping an earlier one there). When
    the session already has MAX_JOBS_PER_SESSION trainings going, nothing starts: a warning says why (None)."""
    try:
        _refuse_over_the_cap(key)
    except ValueError as refused:
        st.warning(f"Not started: {plain(str(refused))}", icon=":material/block:")
        return None
    jobs = st.session_state.setdefault("jobs", {})
    if (previous := jobs.get(key)) is not None and not previous.finished:
        previous.request_stop()
    job = Job(work, training_slots(), name=name, preparation=preparation, is_connected=session_connected_check(),
              grace_seconds=disconnect_grace_seconds(), owner=session_owner())
    jobs[key] = job.start()
    return job


def _describe_progress(event) -> str:
    eta = "estimating the time left" if event.eta is None else f"about {event.eta:.0f} s to go"
    epoch = f"epoch {event.epoch}/{event.epochs}, " if event.epochs > 1 else ""
    return (f"{epoch}step {event.step_in_epoch}/{event.steps_per_epoch} · {event.samples_per_second:,.0f} examples/s"
            f" · {event.elapsed:.0f} s elapsed · {eta}")


def job_panel(key: str, idle_message: str, draw=None) -> Job | None:
    """This session's job under `key`: its place in the queue, a progress bar, Stop, and `draw(job)` (e.g. live
    curves), redrawn twice a second while it runs; the whole page reruns once when it finishes. Before the job
    exists, `idle_message` (if any) says what to press."""

    def panel() -> None:
        job = session_job(key)
        if job is None:
            if idle_message:  # "": the page says itself what the button does
                st.info(idle_message)
            return
        event = job.latest
        if job.status is JobStatus.WAITING:
            slots = training_slots()
            wait = slots.expected_wait(job.job_id)
            expected = ("" if wait is None else
                        f" Expected start: in about {max(wait, 1):.0f} s, going by the running trainings' progress.")
            if (mine := slots.held_by(session_owner())) > 0:
                expected += (f" Your other training{'s hold' if mine > 1 else ' holds'} {mine} of the slots: the "
                             "slots go to the students with fewest trainings first, so this one starts when "
                             "the others have had their turn.")
            st.warning(f"Waiting for a free training slot: you are number {job.queue_position or 1} in the queue "
                       f"({slots.running} of {slots.capacity} slots busy on this server).{expected}",
                       icon=":material/hourglass:")
        elif job.status is JobStatus.RUNNING:
            if event is None:
                st.info(job.preparing_note(training_backends.workers_starting()), icon=":material/hourglass:")
            else:
                st.progress(event.fraction_done, text=_describe_progress(event))
        if not job.finished:
            st.button("Stop", key=f"{key}_stop", on_click=job.request_stop,
                      help="Ends training after the current step and keeps the model as it is now.")
        if draw is not None:
            draw(job)
        if job.finished and st.session_state.get(f"{key}_shown") != job.job_id:
            st.session_state[f"{key}_shown"] = job.job_id
            st.rerun(scope="app")  # redraw the whole page once, with the results

    job = session_job(key)
    st.fragment(panel, run_every=0.5 if job is not None and not job.finished else None)()
    return session_job(key)


def start_training(config: RunConfig, source: str = "bundled", own_data: OwnData | None = None) -> Job:
    """Start this user's training in the background (stopping any earlier one of theirs) and keep it as a new run.
    With `own_data` (this session's parsed texts) it trains on those instead of IMDb, with a vocabulary no larger
    than they hold; such a training always runs in this server, so the texts never leave the session. ValueError,
    before anything starts, if the settings are invalid or the run would not fit in memory."""
    config.validate()
    _refuse_over_the_cap(TRAINING_JOB)
    if own_data is not None:
        config, note = fit_own_config(config, own_data)
    history = run_history()
    history.admit(config, memory_ledger())
    if own_data is not None:
        def work(on_event, should_stop):
            bundle = training.train(config, own_data.splits, on_event, should_stop)
            # What 0 and 1 mean travels with the model (its metrics.json in an exported zip), as the CLI's do.
            bundle.metrics["labels"] = {"0": own_data.mapping.negative, "1": own_data.mapping.positive}
            return bundle
    else:  # in this server's worker processes, on a Dask cluster, or in the job's thread (serving.training_backends)
        work = training_backends.imdb_training_work(
            config, source, in_thread_data=lambda: tokenized_imdb(config.train.seed, config.train.subset, source))
    # Own texts train in this server's thread: no worker to wait for.
    preparation = TRAINING_PREPARATION if own_data is None else replace(TRAINING_PREPARATION, in_worker=False)
    job = start_job(TRAINING_JOB, work, name="training", preparation=preparation)
    history.add(config, job, "own texts" if own_data is not None else source, memory_ledger())
    own_texts.remember_run(job, own_data, note if own_data is not None else None)
    return job
