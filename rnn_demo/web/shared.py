"""What every session shares, read-only (`st.cache_resource` / `st.cache_data`): the pretrained bundles, the
tokenised IMDb reviews, the memory ledger of students' models, the server's training slots (which start the training
workers), the hidden states the unit search reads, the shipped models' accuracy by review length, and the
lessons' models trained before class."""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING

import streamlit as st

from rnn_demo.core import data
from rnn_demo.core.text import tokenize
from rnn_demo.model.models import PRETRAINED_MODELS, Bundle, load_bundle
from rnn_demo.serving import runs, training_backends
from rnn_demo.serving.jobs import TrainingSlots

# The modules below import TensorFlow (~3 s on the teacher's laptop): each is imported by the cached function that
# needs it, so a server's first page (Home, Inspect on a shipped model) is drawn without it.
if TYPE_CHECKING:
    from rnn_demo.lessons import fluent_models, simple_rnn
    from rnn_demo.lessons.tasks import long_range
    from rnn_demo.model import training, unit_search


@st.cache_resource(show_spinner="Loading the pretrained model…")
def pretrained_bundle(preset: str = "fast") -> Bundle:
    """A bundle shipped in assets/models/<preset>, shared read-only by every session. An LSTM's weights are read
    with h5py and its Keras model is built when a page first needs it (models.ShippedBundle)."""
    return load_bundle(PRETRAINED_MODELS / preset, keras_later=True)


@st.cache_resource(show_spinner="Reading the IMDb reviews (once per server)…")
def imdb_reviews(source: str = "bundled") -> training.TokenizedReviews:
    """All reviews of a source, each tokenised once when first used and shared by every session (about 70 MB for
    the 25,000 bundled reviews, whatever subsets students choose). source: "bundled" or "keras" (needs the
    internet)."""
    from rnn_demo.model import training

    return training.TokenizedReviews(data.load(source))


def tokenized_imdb(seed: int, subset: int | None, source: str = "bundled") -> training.TokenizedSplits:
    """The split reviews as tokens: positions into the shared reviews, so a new subset copies nothing."""
    return imdb_reviews(source).splits(seed, subset)


@st.cache_resource
def memory_ledger() -> runs.MemoryLedger:
    """The memory every session's kept models hold, against the server's budget (RNN_DEMO_SERVER_MODELS_MB)."""
    return runs.MemoryLedger(int(os.environ.get("RNN_DEMO_SERVER_MODELS_MB", runs.SERVER_BUDGET // runs.MB)) * runs.MB)


@st.cache_data(show_spinner="Scoring the shipped SimpleRNN and LSTM on every IMDb test review (once per server)…")
def imdb_accuracy_by_length() -> list[dict]:
    """Test accuracy of the shipped SimpleRNN and LSTM bundles (same `fast` settings) by review length."""
    from rnn_demo.model.review_length import accuracy_by_length

    bundles = {"SimpleRNN": pretrained_bundle("simple_rnn"), "LSTM": pretrained_bundle("fast")}
    seed = bundles["LSTM"].config.train.seed
    if any(bundle.config.train.seed != seed for bundle in bundles.values()):
        raise ValueError("the two bundles were trained on different splits; retrain them with the same --seed.")
    test = data.split(data.load("bundled"), seed=seed, subset=bundles["LSTM"].config.train.subset).test
    return accuracy_by_length(bundles, [tokenize(review) for review in test.texts], test.labels)


@st.cache_resource
def training_slots() -> TrainingSlots:
    """At most RNN_DEMO_MAX_TRAININGS trainings at once on this server (default: the number of CPU cores). The IMDb
    trainings' worker processes, one per slot, start with the server's warm-up (warm_up_soon), or here
    if a training comes first."""
    slots = TrainingSlots(training_backends.training_slot_count())
    training_backends.start_workers(slots.capacity)
    return slots


WARM_UP_DELAY_SECONDS = 2.0  # after the server's first page run began: that page (Home or Inspect) draws unhindered
# Pages that draw without TensorFlow (the shipped models are replayed from numpy, models.ShippedBundle); every other
# page imports it, and must not while the warm-up does: TensorFlow's import is not safe in two threads at once
# ("Registering two gradient with name 'ReduceDataset'", seen in 1 of 3 lecture walks before this guard).
WITHOUT_TENSORFLOW = frozenset({"home", "inspect_gates", "activations", "class_board"})
_warm_up_lock = threading.Lock()  # guards _warm_up
_warm_up: threading.Timer | None = None  # one per server process, as charts._CHART_TURN
_tensorflow_lock = threading.Lock()  # one import of TensorFlow at a time, and once
_tensorflow_ready = False


def prepare_page(url_path: str) -> None:
    """Called by app.py before each page runs. A page in WITHOUT_TENSORFLOW starts the server's warm-up
    (warm_up_soon) and runs at once; any other page first waits until TensorFlow is imported (by the warm-up or,
    if it has not begun, here), so no two threads import it at once."""
    if url_path in WITHOUT_TENSORFLOW:
        warm_up_soon()
    else:
        _import_tensorflow_and_start_workers()


def warm_up_soon() -> None:
    """Once per server: WARM_UP_DELAY_SECONDS after the first call, in the background, TensorFlow is imported with
    the app's thread pools (rnn_demo.model.runtime) and the training worker processes start. Home and Inspect on a
    shipped model need neither, so the first picture does not wait ~3 s for TensorFlow's import, nor share the two
    cores with the workers' start; the pages that need TensorFlow find it imported, and the first training finds its
    worker warm."""
    global _warm_up
    with _warm_up_lock:
        if _warm_up is not None:
            return
        _warm_up = threading.Timer(WARM_UP_DELAY_SECONDS, _import_tensorflow_and_start_workers)
        _warm_up.daemon = True
        _warm_up.start()


def _import_tensorflow_and_start_workers() -> None:
    global _tensorflow_ready
    with _tensorflow_lock:  # a page that needs TensorFlow waits here while the warm-up imports it
        if _tensorflow_ready:
            return
        from rnn_demo.model import runtime

        runtime.configure_threads()  # imports TensorFlow, before this server's first TensorFlow operation
        import keras  # noqa: F401  (Keras' own import, ~1 s more, also done here)

        _tensorflow_ready = True
    try:
        training_backends.start_workers(training_backends.training_slot_count())
    except ValueError as error:  # a bad RNN_DEMO_MAX_TRAININGS: the Train page says so when a training starts
        logging.getLogger(__name__).warning("training workers not started: %s", error)


@st.cache_resource(show_spinner="Computing the hidden states of the test reviews to search (once per model)…",
                   max_entries=2)
def pretrained_state_index(preset: str) -> unit_search.StateIndex:
    from rnn_demo.model import unit_search

    bundle = pretrained_bundle(preset)
    return unit_search.build_index(bundle, unit_search.search_reviews(bundle))


@st.cache_resource(show_spinner="Loading the next-word models trained before class…")
def shipped_next_word_model(kind: str) -> fluent_models.NextWordModel:
    """Why order matters: the `kind` model shipped in assets/lessons/order_matters, shared read-only."""
    from rnn_demo.lessons import fluent_models

    return fluent_models.load_shipped(kind)


@st.cache_resource(show_spinner="Loading the small RNN trained before class…")
def shipped_rnn_cell() -> simple_rnn.Lesson:
    """The RNN cell: the SimpleRNN shipped in assets/lessons/rnn_cell, shared read-only."""
    from rnn_demo.lessons import simple_rnn

    return simple_rnn.load_shipped()


@st.cache_resource(show_spinner="Loading the three cells trained before class…")
def shipped_memory_comparison() -> long_range.ShippedComparison:
    """Long memory: the three cells shipped in assets/lessons/memory and their recorded curves, shared read-only."""
    from rnn_demo.lessons.tasks import long_range

    return long_range.load_shipped()


@st.cache_resource(show_spinner="Measuring the gradient through time of the three cells trained before class…")
def shipped_memory_gradients() -> dict:
    """long_range.gradient_norms of the shipped cells (about 1 s, once per server), shared read-only."""
    from rnn_demo.lessons.tasks import long_range

    shipped = shipped_memory_comparison()
    return long_range.gradient_norms(shipped.runs, shipped.budget, shipped.seed)
