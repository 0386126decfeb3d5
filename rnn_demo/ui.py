"""Streamlit glue, the only module of the package that imports streamlit.

Shared across users (`st.cache_resource`, read-only): the pretrained bundles, the tokenised IMDb reviews, the
server-wide training slots and the ledger of memory held by students' models. Per user (`st.session_state`): their
jobs, their kept training runs (`rnn_demo.runs.RunHistory`, bounded), the last epoch models rebuilt for Inspect and
a small memo of inspections.
"""

from __future__ import annotations

import os
import weakref
from collections import OrderedDict

import streamlit as st

from rnn_demo import data, inspect, runs, training
from rnn_demo.config import RunConfig
from rnn_demo.jobs import Job, JobStatus, TrainingSlots
from rnn_demo.models import PRETRAINED_MODELS, Bundle, load_bundle

PRETRAINED = "pretrained model (fast preset)"
PRETRAINED_COURSE = "pretrained course model (course preset, 128 units)"
PRETRAINED_PRESETS = {PRETRAINED: "fast", PRETRAINED_COURSE: "course"}
MINE = "my trained model"  # still accepted by bundle_named(): the session's latest run
EPOCH_MODELS_KEPT = 2  # epoch models rebuilt for Inspect that a session keeps (each one copy of the weights)
TRAINING_JOB = "training_job"  # the session-job key of the IMDb training


def _keep_keras_state_between_script_runs() -> None:
    """Streamlit calls keras.backend.clear_session() after every script run (a guard against leaks in single-user
    apps). Here other sessions train at the same time, and the Train page refreshes twice a second: each call would
    reset Keras' global state and TensorFlow's kernel caches under their running fits and force a full garbage
    collection, stalling training for many seconds. Models here are built per job and freed with the job."""
    from streamlit.runtime.scriptrunner import script_runner

    script_runner._clean_problem_modules = lambda: None


_keep_keras_state_between_script_runs()


@st.cache_resource(show_spinner="Loading the pretrained model…")
def pretrained_bundle(preset: str = "fast") -> Bundle:
    """A bundle shipped in assets/models/<preset>, shared read-only by every session."""
    return load_bundle(PRETRAINED_MODELS / preset)


@st.cache_resource(show_spinner="Reading the IMDb reviews (once per server)…")
def imdb_reviews(source: str = "bundled") -> training.TokenizedReviews:
    """All reviews of a source, each tokenised once when first used and shared by every session (about 70 MB for
    the 25,000 bundled reviews, whatever subsets students choose). source: "bundled" or "keras" (needs the
    internet)."""
    return training.TokenizedReviews(data.load(source))


def tokenized_imdb(seed: int, subset: int | None, source: str = "bundled") -> training.TokenizedSplits:
    """The split reviews as tokens: positions into the shared reviews, so a new subset copies nothing."""
    return imdb_reviews(source).splits(seed, subset)


@st.cache_resource
def memory_ledger() -> runs.MemoryLedger:
    """The memory every session's kept models hold, against the server's budget (RNN_DEMO_SERVER_MODELS_MB)."""
    return runs.MemoryLedger(int(os.environ.get("RNN_DEMO_SERVER_MODELS_MB", runs.SERVER_BUDGET // runs.MB)) * runs.MB)


def run_history() -> runs.RunHistory:
    """This session's kept runs (at most runs.MAX_RUNS within RNN_DEMO_SESSION_MODELS_MB, oldest out first)."""
    if "run_history" not in st.session_state:
        budget = int(os.environ.get("RNN_DEMO_SESSION_MODELS_MB", runs.SESSION_BUDGET // runs.MB)) * runs.MB
        st.session_state["run_history"] = memory_ledger().register(runs.RunHistory(runs.MAX_RUNS, budget))
    return st.session_state["run_history"]


@st.cache_resource
def training_slots() -> TrainingSlots:
    """At most RNN_DEMO_MAX_TRAININGS trainings at once on this server (default: the number of CPU cores)."""
    return TrainingSlots(int(os.environ.get("RNN_DEMO_MAX_TRAININGS", os.cpu_count() or 1)))


def _session_connected_check():
    """A function telling whether this browser session is connected now (True where that cannot be known)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return lambda: True
    session_id = context.session_id

    def is_connected() -> bool:
        try:
            return bool(Runtime.instance().is_active_session(session_id))
        except RuntimeError:  # the runtime is gone (server stopping, or between AppTest runs): cannot tell
            return True

    return is_connected


def disconnect_grace_seconds() -> float:
    """How long a training outlives its owner's lost connection: as long as Streamlit keeps a disconnected session
    for it to come back to (server.disconnectedSessionTTL, 120 s by default). A Wi-Fi blip or a laptop lid closed
    for a minute reconnects to the same session and finds its training still running; after that the session itself
    may be gone, and with it anyone to show the result to."""
    return float(st.get_option("server.disconnectedSessionTTL"))


def start_job(key: str, work, name: str) -> Job:
    """Queue `work(on_event, should_stop)` as this session's job under `key` (stopping an earlier one there)."""
    jobs = st.session_state.setdefault("jobs", {})
    if (previous := jobs.get(key)) is not None and not previous.finished:
        previous.request_stop()
    job = Job(work, training_slots(), name=name, is_connected=_session_connected_check(),
              grace_seconds=disconnect_grace_seconds())
    jobs[key] = job.start()
    return job


def session_job(key: str) -> Job | None:
    """This session's latest job under `key`, running or finished, or None."""
    return st.session_state.get("jobs", {}).get(key)


def _describe_progress(event) -> str:
    eta = "estimating the time left" if event.eta is None else f"about {event.eta:.0f} s to go"
    epoch = f"epoch {event.epoch}/{event.epochs}, " if event.epochs > 1 else ""
    return (f"{epoch}step {event.step_in_epoch}/{event.steps_per_epoch} · {event.samples_per_second:,.0f} examples/s"
            f" · {event.elapsed:.0f} s elapsed · {eta}")


def job_panel(key: str, idle_message: str, draw=None) -> Job | None:
    """This session's job under `key`: its place in the queue, a progress bar, Stop, and `draw(job)` (e.g. live
    curves), redrawn twice a second while it runs; the whole page reruns once when it finishes."""

    def panel() -> None:
        job = session_job(key)
        if job is None:
            st.info(idle_message)
            return
        event = job.latest
        if job.status is JobStatus.WAITING:
            slots = training_slots()
            st.warning(f"Waiting for a free training slot: you are number {job.queue_position or 1} in the queue "
                       f"({slots.running} of {slots.capacity} slots busy on this server).", icon=":material/hourglass:")
        elif job.status is JobStatus.RUNNING:
            if event is None:
                st.info(f"Preparing the {job.name}…")
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


def start_training(config: RunConfig, source: str = "bundled") -> Job:
    """Start this user's IMDb training in the background (stopping any earlier one of theirs) and keep it as a new
    run. ValueError, before anything starts, if the settings are invalid or the run would not fit in memory."""
    config.validate()
    history = run_history()
    history.admit(config, memory_ledger())
    tokenized = tokenized_imdb(config.train.seed, config.train.subset, source)
    job = start_job(TRAINING_JOB, lambda on_event, should_stop: training.train(config, tokenized, on_event, should_stop),
                    name="IMDb sentiment training")
    history.add(config, job, source, memory_ledger())
    return job


def current_job() -> Job | None:
    return session_job(TRAINING_JOB)


def my_runs() -> list[runs.Run]:
    """This session's kept runs, oldest first, the running one included."""
    return run_history().runs


def my_bundle() -> Bundle | None:
    """The user's latest trained model (also after a stop), or None."""
    return next((run.bundle for run in reversed(my_runs()) if run.bundle is not None), None)


def model_names() -> list[str]:
    """The models a student can inspect, by display name: the pretrained ones, then each kept run with a model
    ("run 2: fast, 32 units, 86.1% test accuracy")."""
    return list(PRETRAINED_PRESETS) + [run.label for run in my_runs() if run.bundle is not None]


def bundle_named(name: str) -> Bundle:
    """The model behind a display name from `model_names()` (or MINE, the latest run); ValueError if it is not (or
    no longer) available."""
    if name in PRETRAINED_PRESETS:
        return pretrained_bundle(PRETRAINED_PRESETS[name])
    if name == MINE and (bundle := my_bundle()) is not None:
        return bundle
    if (run := run_history().find(name)) is not None and run.bundle is not None:
        return run.bundle
    raise ValueError(f"no model named {name!r} in this session (a run is dropped when newer runs need the room); "
                     f"choose one of: {', '.join(model_names())}.")


def bundle_at_epoch(bundle: Bundle, epoch: int) -> Bundle:
    """A kept run's model as it was after `epoch`. The last epoch of a run that ran to its end is the run's own model
    (named by its test accuracy); others are rebuilt from the snapshot, the last EPOCH_MODELS_KEPT kept per session
    and keyed by the run, not by an object id that Python may reuse."""
    run = next((run for run in my_runs() if run.bundle is bundle), None)
    if run is None:
        raise ValueError("epochs can be shown only for a model trained in this session.")
    if epoch == len(bundle.snapshots) and not bundle.metrics.get("stopped_early"):
        return bundle
    cache: OrderedDict = st.session_state.setdefault("epoch_bundles", OrderedDict())
    key = (run.version, epoch)
    if key not in cache:
        cache[key] = bundle.at_epoch(epoch)
        while len(cache) > EPOCH_MODELS_KEPT:
            cache.popitem(last=False)
    cache.move_to_end(key)
    return cache[key]


def inspect_review(bundle: Bundle, text: str) -> inspect.Inspection:
    """inspect.inspect, remembered for the last few (model, text) pairs of this session so reruns are instant. Each
    entry remembers its model weakly: an id reused by a newer model never returns the old model's inspection."""
    memo: OrderedDict = st.session_state.setdefault("inspections", OrderedDict())
    key = (id(bundle), text)
    if key not in memo or memo[key][0]() is not bundle:
        memo[key] = (weakref.ref(bundle), inspect.inspect(bundle, text))
        while len(memo) > 8:
            memo.popitem(last=False)
    memo.move_to_end(key)
    return memo[key][1]


def show_error_and_stop(message: str) -> None:
    st.error(message)
    st.stop()


def use_app_navigation() -> None:
    """Make sure the page runs inside app.py's navigation.

    Until app.py first calls st.navigation, Streamlit treats a folder named pages/ as an old-style multipage app, so
    the very first visit to a fresh server straight at a page's address would run that page alone (no menu, no wide
    layout). Switching that mode off and rerunning sends the visit through app.py to the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # Rerun only on a session's first run: a later rerun would swallow the button click that started this one
        # (AppTest switches the mode back on before every run; there the page simply runs on its own).
        if not st.session_state.get("_navigation_ready"):
            st.session_state["_navigation_ready"] = True
            st.rerun()
