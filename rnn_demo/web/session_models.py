"""A session's own things in `st.session_state`: its jobs, its kept training runs (`RunHistory`, bounded), the model
each page shows (the pretrained ones or one of the session's runs), epoch models rebuilt for Inspect, and small memos
of inspections and slow results so that reruns are instant."""

from __future__ import annotations

import os
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING

import streamlit as st

from rnn_demo.core.inspection import Inspection
from rnn_demo.model import inspect
from rnn_demo.model.models import Bundle
from rnn_demo.serving import runs
from rnn_demo.serving.jobs import Job
from rnn_demo.web import widgets
from rnn_demo.web.shared import memory_ledger, pretrained_bundle, pretrained_state_index

if TYPE_CHECKING:  # it imports TensorFlow; state_index imports it when the unit search first needs it
    from rnn_demo.model import unit_search

PRETRAINED = "pretrained model (fast preset)"
PRETRAINED_COURSE = "pretrained course model (course preset, 128 units)"
PRETRAINED_PRESETS = {PRETRAINED: "fast", PRETRAINED_COURSE: "course"}
MINE = "my trained model"  # still accepted by bundle_named(): the session's latest run
EPOCH_MODELS_KEPT = 2  # epoch models rebuilt for Inspect that a session keeps (each one copy of the weights)
TRAINING_JOB = "training_job"  # the session-job key of the IMDb (or own-texts) training


def run_history() -> runs.RunHistory:
    """This session's kept runs (at most runs.MAX_RUNS within RNN_DEMO_SESSION_MODELS_MB, oldest out first)."""
    if "run_history" not in st.session_state:
        budget = int(os.environ.get("RNN_DEMO_SESSION_MODELS_MB", runs.SESSION_BUDGET // runs.MB)) * runs.MB
        st.session_state["run_history"] = memory_ledger().register(runs.RunHistory(runs.MAX_RUNS, budget))
    return st.session_state["run_history"]


def session_job(key: str) -> Job | None:
    """This session's latest job under `key`, running or finished, or None."""
    return st.session_state.get("jobs", {}).get(key)


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
    ("run 2: fast, 32 units, 86.1% test accuracy (95% interval 84.7%–87.4%)")."""
    return list(PRETRAINED_PRESETS) + [run.label for run in my_runs() if run.bundle is not None]


def default_model_name() -> str:
    """The model a page shows first: after a training, the session's latest run with a model (the student's own),
    else the pretrained fast model. Inspect, the Analysis lab and Probes all open on it."""
    return next((run.label for run in reversed(my_runs()) if run.bundle is not None), PRETRAINED)


def model_choice(key: str) -> dict:
    """Keyword arguments for a page's model picker over `model_names()` (a radio or selectbox), its value kept for the
    session: `default_model_name()` at first and again after each new training; the student's own choice in between.
    A name not in this session (a link's run trained in another browser, or a run dropped for newer ones) gives way to
    the default, and a warning drawn here says so until another model is chosen. Call it before the page's main
    picture, so the warning is seen also where the picker is folded away (lecture mode)."""
    names, default = model_names(), default_model_name()
    unavailable_key = f"{key}_unavailable"
    requested = st.session_state.get(key)
    if isinstance(requested, str) and requested not in names:
        st.session_state[unavailable_key] = (requested, default)
    kwargs = widgets.persistent(key, default, follows=default, options=names)
    unavailable = st.session_state.get(unavailable_key)
    if unavailable is not None and st.session_state[key] == unavailable[1]:
        # Both names are shown as text: the first comes from a link, which anyone can write.
        st.warning(f"The model this link names, “{widgets.plain(unavailable[0])}”, is not available here: a "
                   "trained run lives only in the browser session that trained it. Shown instead: "
                   f"{widgets.plain(unavailable[1])}.", icon=":material/link_off:")
    else:
        st.session_state.pop(unavailable_key, None)
    return kwargs


def showing_caption(name: str, epoch: int | None = None) -> str:
    """The sentence naming the model a page shows, e.g. "Showing: run 2: fast, 32 units, 86.1% test accuracy (95%
    interval 84.7%–87.4%)"."""
    after = f", after epoch {epoch}" if epoch is not None else ""
    return f"Showing: {widgets.plain(name)}{after}"


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


def state_index(model_name: str) -> unit_search.StateIndex:
    """Hidden states of test reviews for the unit search: shared read-only for a pretrained model, kept in the
    session for the user's own (recomputed when they train a new one)."""
    from rnn_demo.model import unit_search

    if model_name in PRETRAINED_PRESETS:
        return pretrained_state_index(PRETRAINED_PRESETS[model_name])
    bundle = bundle_named(model_name)
    stored = st.session_state.get("lab_state_index")
    if stored is None or stored[0] is not bundle:  # holding the bundle keeps its identity valid
        with st.spinner("Computing the hidden states of the test reviews to search…"):
            stored = st.session_state["lab_state_index"] = (
                bundle, unit_search.build_index(bundle, unit_search.search_reviews(bundle)))
    return stored[1]


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


def inspect_review(bundle: Bundle, text: str) -> Inspection:
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


def remembered(kind: str, bundle: Bundle, review: str, compute):
    """compute(), remembered in this session for the last 8 (kind, model, review): a rerun for another widget of the
    same page does not redo slow work. The entry holds its bundle, so a new model with the same review recomputes."""
    memo: OrderedDict = st.session_state.setdefault("remembered_results", OrderedDict())
    key = (kind, review)
    if key not in memo or memo[key][0] is not bundle:
        memo[key] = (bundle, compute())
        while len(memo) > 8:
            memo.popitem(last=False)
    memo.move_to_end(key)
    return memo[key][1]
