"""What every session shares, read-only (`st.cache_resource` / `st.cache_data`): the pretrained bundles, the
tokenised IMDb reviews, the memory ledger of students' models, the server's training slots (which start the training
workers), the hidden states the unit search reads, the shipped models' accuracy by review length, and the
lessons' models trained before class."""

from __future__ import annotations

import os

import streamlit as st

from rnn_demo.core import data
from rnn_demo.core.text import tokenize
from rnn_demo.lessons import fluent_models, simple_rnn
from rnn_demo.lessons.tasks import long_range
from rnn_demo.model import training, unit_search
from rnn_demo.model.models import PRETRAINED_MODELS, Bundle, load_bundle
from rnn_demo.serving import runs, training_backends
from rnn_demo.serving.jobs import TrainingSlots


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
    """At most RNN_DEMO_MAX_TRAININGS trainings at once on this server (default: the number of CPU cores). First
    called when the server runs its first page (app.py): IMDb trainings' worker processes, one per slot, then start
    and warm up in the background, so the first student's training does not wait for them."""
    slots = TrainingSlots(training_backends.training_slot_count())
    training_backends.start_workers(slots.capacity)
    return slots


@st.cache_resource(show_spinner="Computing the hidden states of the test reviews to search (once per model)…",
                   max_entries=2)
def pretrained_state_index(preset: str) -> unit_search.StateIndex:
    bundle = pretrained_bundle(preset)
    return unit_search.build_index(bundle, unit_search.search_reviews(bundle))


@st.cache_resource(show_spinner="Loading the next-word models trained before class…")
def shipped_next_word_model(kind: str) -> fluent_models.NextWordModel:
    """Why order matters: the `kind` model shipped in assets/lessons/order_matters, shared read-only."""
    return fluent_models.load_shipped(kind)


@st.cache_resource(show_spinner="Loading the small RNN trained before class…")
def shipped_rnn_cell() -> simple_rnn.Lesson:
    """The RNN cell: the SimpleRNN shipped in assets/lessons/rnn_cell, shared read-only."""
    return simple_rnn.load_shipped()


@st.cache_resource(show_spinner="Loading the three cells trained before class…")
def shipped_memory_comparison() -> long_range.ShippedComparison:
    """Long memory: the three cells shipped in assets/lessons/memory and their recorded curves, shared read-only."""
    return long_range.load_shipped()


@st.cache_resource(show_spinner="Measuring the gradient through time of the three cells trained before class…")
def shipped_memory_gradients() -> dict:
    """long_range.gradient_norms of the shipped cells (about 1 s, once per server), shared read-only."""
    shipped = shipped_memory_comparison()
    return long_range.gradient_norms(shipped.runs, shipped.budget, shipped.seed)
