"""Streamlit glue, the only module of the package that imports streamlit.

Shared across users (`st.cache_resource`, read-only): the pretrained bundle, the tokenised IMDb splits and the
server-wide training slots. Per user (`st.session_state`): their training job and trained bundle, its epoch
snapshots, and a small memo of inspections.
"""

from __future__ import annotations

import os
from collections import OrderedDict

import streamlit as st

from rnn_demo import data, inspect, training
from rnn_demo.config import RunConfig
from rnn_demo.jobs import TrainingJob, TrainingSlots
from rnn_demo.models import PRETRAINED_MODELS, Bundle, load_bundle

PRETRAINED = "pretrained model (fast preset)"
PRETRAINED_COURSE = "pretrained course model (seed preset, 128 units)"
PRETRAINED_PRESETS = {PRETRAINED: "fast", PRETRAINED_COURSE: "seed"}
MINE = "my trained model"
_JOB_KEY = "training_job"


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


@st.cache_resource(show_spinner="Reading and tokenising the IMDb reviews (once per server)…", max_entries=4)
def tokenized_imdb(seed: int, subset: int | None, source: str = "bundled") -> training.TokenizedSplits:
    """The split reviews as tokens, shared read-only. source: "bundled" (offline) or "keras" (needs the internet)."""
    return training.tokenize_splits(data.split(data.load(source), seed=seed, subset=subset))


@st.cache_resource
def training_slots() -> TrainingSlots:
    """At most RNN_DEMO_MAX_TRAININGS trainings at once on this server (default: the number of CPU cores)."""
    return TrainingSlots(int(os.environ.get("RNN_DEMO_MAX_TRAININGS", os.cpu_count() or 1)))


def _session_alive_check():
    """A function telling whether this browser session is still connected (True where that cannot be known)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return lambda: True
    session_id = context.session_id

    def is_alive() -> bool:
        try:
            return bool(Runtime.instance().is_active_session(session_id))
        except RuntimeError:  # the runtime is gone (server stopping, or between AppTest runs): cannot tell
            return True

    return is_alive


def start_training(config: RunConfig, source: str = "bundled") -> TrainingJob:
    """Start this user's training in the background (stopping any earlier one of theirs)."""
    config.validate()
    if (previous := current_job()) is not None and not previous.finished:
        previous.request_stop()
    tokenized = tokenized_imdb(config.train.seed, config.train.subset, source)
    job = TrainingJob(config, load_data=lambda: tokenized, slots=training_slots(), is_wanted=_session_alive_check())
    st.session_state[_JOB_KEY] = job.start()
    st.session_state.pop("epoch_bundles", None)
    return job


def current_job() -> TrainingJob | None:
    return st.session_state.get(_JOB_KEY)


def my_bundle() -> Bundle | None:
    """The user's own trained model (also after a stop), or None."""
    job = current_job()
    return job.bundle if job is not None and job.bundle is not None else None


def model_names() -> list[str]:
    """The models a student can inspect, by display name: the pretrained ones, then their own trained model."""
    return list(PRETRAINED_PRESETS) + ([MINE] if my_bundle() is not None else [])


def bundle_named(name: str) -> Bundle:
    """The model behind a display name from `model_names()`; ValueError if it is not (or no longer) available."""
    if name in PRETRAINED_PRESETS:
        return pretrained_bundle(PRETRAINED_PRESETS[name])
    if name == MINE and (bundle := my_bundle()) is not None:
        return bundle
    raise ValueError(f"no model named {name!r} in this session; choose one of: {', '.join(model_names())}.")


def bundle_at_epoch(bundle: Bundle, epoch: int) -> Bundle:
    """The user's model as it was after `epoch`, rebuilt once per session and epoch."""
    cache = st.session_state.setdefault("epoch_bundles", {})
    key = (id(bundle), epoch)
    if key not in cache:
        cache[key] = bundle.at_epoch(epoch)
    return cache[key]


def inspect_review(bundle: Bundle, text: str) -> inspect.Inspection:
    """inspect.inspect, remembered for the last few (model, text) pairs of this session so reruns are instant."""
    memo: OrderedDict = st.session_state.setdefault("inspections", OrderedDict())
    key = (id(bundle), text)
    if key not in memo:
        memo[key] = inspect.inspect(bundle, text)
        while len(memo) > 8:
            memo.popitem(last=False)
    memo.move_to_end(key)
    return memo[key]


# Browsers let a text box hold half of a UTF-16 surrogate pair (a broken copy-paste, half an emoji). Streamlit's
# frontend encodes it as invalid UTF-8, the server cannot parse the message, closes the connection without a word and
# the student keeps seeing the previous prediction. This listener runs before Streamlit's own (capture phase on
# window) and replaces each lone surrogate with U+FFFD, as String.prototype.toWellFormed does, so the text arrives;
# rnn_demo.text.unreadable_note then tells the student. It carries no user text and is added once per browser tab.
_WELL_FORMED_TEXT_SCRIPT = """<script>
if (!window.rnnDemoWellFormedText) {
  window.rnnDemoWellFormedText = true;
  // A pair stays, a lone half becomes U+FFFD. Keep "less than" signs out: DOMPurify drops a script holding one.
  const pairOrHalf = /[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[\\uD800-\\uDFFF]/g;
  window.addEventListener("input", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement || box instanceof HTMLTextAreaElement)) return;
    const text = box.value;
    const fixed = text.replace(pairOrHalf, (match) => match.length === 2 ? match : "\\uFFFD");
    if (fixed === text) return;
    const [start, end] = [box.selectionStart, box.selectionEnd];
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), "value").set.call(box, fixed);
    box.setSelectionRange(start, end);
  }, true);
}
</script>"""


def keep_typed_text_well_formed() -> None:
    """Make every text box of the page send well-formed text (see _WELL_FORMED_TEXT_SCRIPT); call once per run."""
    st.sidebar.html(_WELL_FORMED_TEXT_SCRIPT, unsafe_allow_javascript=True, width="content")  # no room taken there


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
