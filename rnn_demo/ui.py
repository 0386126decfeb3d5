"""Streamlit glue, the only module of the package that imports streamlit.

Shared across users (`st.cache_resource`, read-only): the pretrained bundles, the tokenised IMDb reviews, the
server-wide training slots and the ledger of memory held by students' models. Per user (`st.session_state`): their
jobs, their kept training runs (`rnn_demo.runs.RunHistory`, bounded), the last epoch models rebuilt for Inspect and
a small memo of inspections.
"""

from __future__ import annotations

import hashlib
import os
import threading
import weakref
from collections import OrderedDict

import streamlit as st

from rnn_demo import data, inspect, runs, state, training, training_backends, unit_search
from rnn_demo.config import RunConfig
from rnn_demo.jobs import Job, JobStatus, TrainingSlots
from rnn_demo.models import PRETRAINED_MODELS, Bundle, load_bundle
from rnn_demo.own_data import LIMITS as OWN_LIMITS, OwnData, fit_config as fit_own_config
from rnn_demo.own_data import parse as parse_own_data, test_examples as own_test_examples
from rnn_demo.prepared_chart import PreparedChart
from rnn_demo.text import tokenize

PRETRAINED = "pretrained model (fast preset)"
PRETRAINED_COURSE = "pretrained course model (course preset, 128 units)"
PRETRAINED_PRESETS = {PRETRAINED: "fast", PRETRAINED_COURSE: "course"}
MINE = "my trained model"  # still accepted by bundle_named(): the session's latest run
FIGURES_KEPT = 16  # figures a session keeps for reruns that change nothing they show (Inspect draws 6 per review)
EPOCH_MODELS_KEPT = 2  # epoch models rebuilt for Inspect that a session keeps (each one copy of the weights)
TRAINING_JOB = "training_job"  # the session-job key of the IMDb (or own-texts) training
_OWN_KEY = "own_data_of_job"  # job id -> OwnData of this session's own-texts runs, in session_state only
_OWN_NOTE_KEY = "own_data_note"


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


@st.cache_data(show_spinner="Scoring the shipped SimpleRNN and LSTM on every IMDb test review (once per server)…")
def imdb_accuracy_by_length() -> list[dict]:
    """Test accuracy of the shipped SimpleRNN and LSTM bundles (same `fast` settings) by review length."""
    from rnn_demo.review_length import accuracy_by_length

    bundles = {"SimpleRNN": pretrained_bundle("simple_rnn"), "LSTM": pretrained_bundle("fast")}
    seed = bundles["LSTM"].config.train.seed
    if any(bundle.config.train.seed != seed for bundle in bundles.values()):
        raise ValueError("the two bundles were trained on different splits; retrain them with the same --seed.")
    test = data.split(data.load("bundled"), seed=seed, subset=bundles["LSTM"].config.train.subset).test
    return accuracy_by_length(bundles, [tokenize(review) for review in test.texts], test.labels)


@st.cache_resource
def training_slots() -> TrainingSlots:
    """At most RNN_DEMO_MAX_TRAININGS trainings at once on this server (default: the number of CPU cores). First
    called when the server runs its first page (app.py): IMDb trainings' worker processes, one per slot, then start
    and warm up in the background, so the first student's training does not wait for them."""
    slots = TrainingSlots(training_backends.training_slot_count())
    training_backends.start_workers(slots.capacity)
    return slots


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
            wait = slots.expected_wait(job.job_id)
            expected = "" if wait is None else f" Expected start: in about {wait:.0f} s, going by the last trainings."
            st.warning(f"Waiting for a free training slot: you are number {job.queue_position or 1} in the queue "
                       f"({slots.running} of {slots.capacity} slots busy on this server).{expected}",
                       icon=":material/hourglass:")
        elif job.status is JobStatus.RUNNING:
            if event is None:
                starting = (" A training worker of this server is still starting up (loading TensorFlow and reading "
                            "the reviews); a training given to it begins when it is ready."
                            if training_backends.workers_starting() else "")
                st.info(f"Preparing the {job.name}…{starting}")
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
    if own_data is not None:
        config, st.session_state[_OWN_NOTE_KEY] = fit_own_config(config, own_data)
    history = run_history()
    history.admit(config, memory_ledger())
    if own_data is not None:
        def work(on_event, should_stop):
            bundle = training.train(config, own_data.splits, on_event, should_stop)
            # What 0 and 1 mean travels with the model (its metrics.json in an exported zip), as the CLI's do.
            bundle.metrics["labels"] = {"0": own_data.mapping.negative, "1": own_data.mapping.positive}
            return bundle
    else:  # in this server's worker processes, on a Dask cluster, or in the job's thread (rnn_demo.training_backends)
        work = training_backends.imdb_training_work(
            config, source, in_thread_data=lambda: tokenized_imdb(config.train.seed, config.train.subset, source))
    job = start_job(TRAINING_JOB, work, name="training")
    history.add(config, job, "own texts" if own_data is not None else source, memory_ledger())
    kept = {run.job.job_id for run in my_runs()}
    owned = {job_id: texts for job_id, texts in (st.session_state.get(_OWN_KEY) or {}).items() if job_id in kept}
    if own_data is not None:
        owned[job.job_id] = own_data
    st.session_state[_OWN_KEY] = owned  # job id -> OwnData of this session's own-texts runs, in session_state only
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


@st.cache_resource(show_spinner="Computing the hidden states of the test reviews to search (once per model)…",
                   max_entries=2)
def _pretrained_state_index(preset: str) -> unit_search.StateIndex:
    bundle = pretrained_bundle(preset)
    return unit_search.build_index(bundle, unit_search.search_reviews(bundle))


def state_index(model_name: str) -> unit_search.StateIndex:
    """Hidden states of test reviews for the unit search: shared read-only for a pretrained model, kept in the
    session for the user's own (recomputed when they train a new one)."""
    if model_name in PRETRAINED_PRESETS:
        return _pretrained_state_index(PRETRAINED_PRESETS[model_name])
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


# One per server process, shared by every session: a plain module attribute (Streamlit imports this module once per
# process), not an st.cache_resource, whose lookup cost ~50 µs on each of a rerun's ~9 calls.
_CHART_TURN = threading.RLock()


def chart_turn() -> threading.RLock:
    """The server's turn to draw the heavy rest of a page (charts, their serialisation), one session at a time: `with
    ui.chart_turn(): ...`. That work is pure Python, so under the interpreter lock 30 sessions doing it at once only
    take turns in 5 ms slices, and the server's event loop, which sends every session's messages, and the sessions
    still computing their prediction wait behind all of them: a student's prediction reached the browser only when
    everyone's charts were done. Waiting for the turn costs no CPU. Reentrant: chart() inside it is fine."""
    return _CHART_TURN


def chart(container, figure, key: str) -> None:
    """container.plotly_chart(figure, key=key) with Streamlit's defaults, in the server's chart turn; `figure` is a
    Plotly figure, a spec dict or a PreparedChart (from ui.remembered_figure, its JSON written once). The message is
    built as st.plotly_chart builds it (Streamlit 1.67; tests/test_streamlit_contract.py compares the two)."""
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.elements import plotly_chart as streamlit_plotly
    from streamlit.elements.lib import agent_spec
    from streamlit.elements.lib.form_utils import current_form_id
    from streamlit.elements.lib.layout_utils import LayoutConfig
    from streamlit.elements.lib.utils import compute_and_register_element_id

    with chart_turn():
        chart = figure if isinstance(figure, PreparedChart) else PreparedChart(figure)
        as_dict, spec = chart.as_dict, chart.json
        dg = container if isinstance(container, DeltaGenerator) else st._main
        proto = streamlit_plotly.PlotlyChartProto(theme="streamlit", form_id=current_form_id(dg), spec=spec,
                                                  config="{}")
        proto.id = compute_and_register_element_id(
            "plotly_chart", user_key=key, key_as_main_identity=False, dg=dg, plotly_spec=chart.digest,
            plotly_config=proto.config, selection_mode=("points", "box", "lasso"), is_selection_activated=False,
            theme="streamlit", width="stretch", height="content", alt=None)
        layout = LayoutConfig(width="stretch", height=streamlit_plotly._resolve_content_height("content", as_dict))
        dg._enqueue("plotly_chart", proto, layout_config=layout, agent_props=agent_spec.element(
            "plotly_chart", key=key, data_builder=lambda: streamlit_plotly._plotly_data(proto.spec), alt=None))


def remembered_figure(name: str, sources: tuple, options: tuple, build) -> "PreparedChart":
    """build() (a Plotly figure or a spec dict) prepared for ui.chart, remembered in this session for the last
    FIGURES_KEPT (name, sources, options): a rerun that changes nothing a figure shows (another widget, a download, a
    second look) reuses it instead of building it again.
    `sources` are the inspections drawn (ui.inspect_review returns the same object for the same model and review),
    held weakly and compared by identity, so a new model or review, or an id Python reuses, builds a new figure;
    `options` are every other input of the figure (hashable: states, unit order, contrast, font size...)."""
    memo: OrderedDict = st.session_state.setdefault("remembered_figures", OrderedDict())
    key = (name, tuple(id(source) for source in sources), options)
    entry = memo.get(key)
    if entry is None or any(ref() is not source for ref, source in zip(entry[0], sources)):
        with chart_turn():
            figure = PreparedChart(build())
        memo[key] = entry = (tuple(weakref.ref(source) for source in sources), figure)
        while len(memo) > FIGURES_KEPT:
            memo.popitem(last=False)
    memo.move_to_end(key)
    return entry[1]


def restore_view(spec: dict[str, state.UrlParam]) -> None:
    """On this page's first run in the session, set its widgets from the link's query parameters (call before the
    widgets are drawn); a value the page cannot take is named in a warning and the default is kept."""
    flag = "url_restored_" + ",".join(sorted(spec))
    if st.session_state.get(flag):
        return
    st.session_state[flag] = True
    values, problems = state.parse(st.query_params.to_dict(), spec)
    for name, value in values.items():
        st.session_state[spec[name].widget or name] = value
    for problem in problems:
        st.warning(f"In this link, {problem}; the default is used instead.", icon=":material/link_off:")


def save_view(spec: dict[str, state.UrlParam]) -> None:
    """Write this page's shareable settings into the address bar, so the current URL reproduces the view."""
    current = {name: st.session_state[param.widget or name] for name, param in spec.items()
               if (param.widget or name) in st.session_state}
    query = state.encode(current, spec)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def share_link(spec: dict[str, state.UrlParam]) -> None:
    """The link to this exact view, with a copy button (st.code draws one), naming what a link cannot carry."""
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?")[0]
    query = st.query_params.to_dict()
    st.code(f"{base}?{urlencode(query)}" if query else base, language=None, wrap_lines=True)
    st.caption("Copy this link (the icon at its right) to open this exact view in another browser: the page, the "
               "review, the model and the main choices.")
    left_out = [name for name, param in spec.items()
                if st.session_state.get(param.widget or name) not in (None, "", []) and name not in query]
    if left_out:
        st.caption(f"Not in the link, too long for a web address (over {spec[left_out[0]].max_length:,} characters): "
                   f"{', '.join(left_out)}. The link opens with the default instead.")

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



def once_per_session(key: str, build):
    """build(), made on this session's first run and kept in its st.session_state under `key`: objects a session
    reuses on every rerun, such as app.py's pages. A session runs one script run at a time, so objects whose state a
    run changes (st.navigation marks the page it returns) are never shared between two runs at once."""
    if key not in st.session_state:
        st.session_state[key] = build()
    return st.session_state[key]


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


# ---------------------------------------------------------------------------------- own texts (issue 10)
# The uploaded or pasted texts live in this session's st.session_state only: never in a shared cache, never on disk.


def _own_data_of(bundle: Bundle) -> OwnData | None:
    """The own texts `bundle` (one of this session's runs, or one of its epochs) was trained on, else None."""
    owned = st.session_state.get(_OWN_KEY) or {}
    for run in my_runs():  # an epoch's copy (Bundle.at_epoch) shares its run's vocabulary object
        if run.bundle is not None and run.bundle.vocab is bundle.vocab:
            return owned.get(run.job.job_id)
    return None


def examples_for(bundle: Bundle) -> dict[str, str]:
    """A few texts from the test split of the own texts `bundle` was trained on (name -> text); {} for IMDb models."""
    own = _own_data_of(bundle)
    return own_test_examples(own) if own is not None else {}


def label_names(bundle: Bundle) -> tuple[str, str]:
    """What the model's 0 and 1 mean: the own texts' label spellings, else ("negative", "positive")."""
    own = _own_data_of(bundle)
    return (own.mapping.negative, own.mapping.positive) if own is not None else ("negative", "positive")


def plain(value: str) -> str:
    """User text inside a Markdown message, shown literally (no links, images or formatting)."""
    return "".join("\\" + char if char in "\\`*_{}[]()<>#+-.!|~$:" else char for char in value)


def _parsed_own_data(raw: bytes | str, name: str, swap: bool) -> OwnData | str:
    """own_data.parse, remembered for the last input of this session (the page reruns often); an error as text."""
    payload = raw.encode("utf-8") if isinstance(raw, str) else raw
    key = (hashlib.sha256(payload).hexdigest(), name, swap)
    memo = st.session_state.get("own_data_parsed")
    if memo is None or memo[0] != key:
        try:
            with st.spinner("Reading your texts…"):
                memo = (key, parse_own_data(raw, name=name, swap=swap))
        except ValueError as error:
            memo = (key, str(error))
        st.session_state["own_data_parsed"] = memo
    return memo[1]


def own_data_section() -> OwnData | None:
    """The Train page's data source "my own texts": upload or paste, then the label mapping, the counts and the split
    it will train on. Returns the parsed texts, or None (IMDb chosen, nothing given yet, or a bad file, shown)."""
    if not st.toggle("Train on my own texts instead of IMDb", key="own_data_on",
                     help="A CSV/TSV with the columns text and label, or lines label<TAB>text, in any language."):
        return None
    st.caption(f"{OWN_LIMITS} A header line names the columns text and label (separated by commas, semicolons, tabs "
               "or |); a text with line breaks or commas goes in double quotes. Your texts stay in this browser "
               "session only: never saved on the server, gone when you close the tab. Any language works; Chinese "
               "and Japanese, written without spaces, are read one character per step. All rows are used "
               "(80% train, 10% validation, 10% test); the IMDb settings below are ignored.")
    how = st.radio("Your texts", ["upload", "paste"], horizontal=True, key="own_data_how",
                   format_func={"upload": "upload a file", "paste": "paste lines label<TAB>text"}.get)
    if how == "upload":
        upload = st.file_uploader("CSV, TSV or TXT file", type=["csv", "tsv", "txt"], key="own_data_file")
        raw, name = (upload.getvalue(), upload.name) if upload is not None else (None, "")
    else:
        pasted = st.text_area("One text per line: the label, a tab, then the text", key="own_data_paste", height=160,
                              placeholder="pos\tA wonderful film, I laughed all evening.\n"
                                          "neg\tBoring and far too long.")
        raw, name = (pasted, "pasted text") if pasted.strip() else (None, "")
    if raw is None:
        st.info("Upload a file or paste lines to see how they will be read.")
        return None
    own = _parsed_own_data(raw, name, bool(st.session_state.get("own_data_swap", False)))
    if isinstance(own, str):
        st.error(f"Cannot train on these texts: {plain(own)}")
        return None
    counts = own.counts()
    st.dataframe([{"label in your texts": own.mapping.negative, "the model's class": "0 (negative)",
                   "rows": counts[own.mapping.negative]},
                  {"label in your texts": own.mapping.positive, "the model's class": "1 (positive: P(...) is about it)",
                   "rows": counts[own.mapping.positive]}], hide_index=True, key="own_data_mapping")
    st.caption(f"Mapping rule: {plain(own.mapping.rule)}. Split: {counts['train']:,} texts to train on, "
               f"{counts['validation']:,} to validate after each epoch, {counts['test']:,} to test (never trained on). "
               + " ".join(plain(note) for note in own.notes))
    st.toggle("Swap the two labels (make the other one positive)", key="own_data_swap")
    if (job := current_job()) is not None and job.job_id in (st.session_state.get(_OWN_KEY) or {}):
        if note := st.session_state.get(_OWN_NOTE_KEY):
            st.caption(plain(note))
    return own



def persistent(key: str, default, *, follows=None, options=None) -> dict:
    """Keyword arguments for a widget whose value lasts the whole session, also while another page is shown.

    Streamlit forgets a widget's value when the widget is not drawn (another page); `persist_state="session"` keeps
    it. The widget's first value is `default`, set here (so pass no value/index to the widget itself). When `follows`
    (any value, e.g. the review) differs from the previous run's, the value goes back to `default`: a choice that
    depends on something else follows it. A value no longer among `options` also falls back to `default`.
    Use: `st.radio("Model", names, **ui.persistent("inspect_model", names[0], options=names))`.
    """
    followed = st.session_state.setdefault("_persistent_follows", {})
    stale = key in followed and followed[key] != follows
    value = st.session_state.get(key)
    chosen = value if isinstance(value, (list, tuple)) else [value]  # a multiselect's or a range slider's value
    invalid = options is not None and any(choice not in list(options) for choice in chosen)
    if key not in st.session_state or stale or invalid:
        st.session_state[key] = default
    followed[key] = follows
    return {"key": key, "persist_state": "session"}
