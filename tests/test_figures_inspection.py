"""Figures of an inspection: long words are shortened and never copied per cell, so a 100,000-character word or
200,000 combining marks give small charts; colour ranges; the minimal pair's aligned axis."""

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from rnn_demo.core import inspection
from rnn_demo.figures import inspection as figures
from rnn_demo.figures.common import MAX_LABEL_CHARS, shorten, word_labels
from rnn_demo.model import inspect, models

MODELS = Path(__file__).resolve().parents[1] / "assets" / "models"


@pytest.fixture(scope="module")
def course_model() -> models.Bundle:
    return models.load_bundle(MODELS / "course")  # 128 units: the worst case for per-unit copies


def all_figures(bundle: models.Bundle, review: str) -> dict:
    """Every figure the Inspect page draws for `review`, with all units shown."""
    result = inspect.inspect(bundle, review)
    pair = inspect.inspect(bundle, review + " Not really.")
    order = inspection.order_units(result, "hidden", "correlation")
    comparison = inspection.compare(result, pair)
    return {
        "heatmaps": figures.inspection_figure(result, list(inspection.LSTM_STATES), order),
        "coloured_words": figures.coloured_words_figure(result, "hidden", int(order[0])),
        "unit_trace": figures.unit_trace_figure(result, "hidden", int(order[0])),
        "saturation": figures.saturation_figure(result),
        "pair": figures.minimal_pair_figure(result, pair, comparison, "hidden", order),
    }


@pytest.mark.parametrize("review", ["x" * 100_000, "a" + "\u0301" * 200_000], ids=["long word", "combining marks"])
def test_a_huge_word_gives_small_figures_with_a_shortened_label(course_model, review):
    tracemalloc.start()
    built = all_figures(course_model, review)
    sizes = {name: len(figure.to_json()) for name, figure in built.items()}
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # Before labels were capped and kept out of the cells: 77 MB (long word) and 154 MB (marks) for the heatmaps.
    assert max(sizes.values()) < 100_000, sizes
    assert peak < 50e6, f"{peak / 1e6:.0f} MB"
    heatmaps = built["heatmaps"]
    axis = heatmaps.layout.xaxis
    (word,) = inspect.inspect(course_model, review).tokens
    assert axis.ticktext == (shorten(word) + "?",)  # shortened, and marked unknown
    assert len(shorten(word)) <= MAX_LABEL_CHARS and shorten(word).endswith("…")
    hover = heatmaps.data[0].customdata[0]  # the running prediction's hover: the word once, with its length
    assert hover.endswith(f"… ({len(word):,} characters)") and word[:1000] == hover[:1000]


def test_labels_are_shortened_before_escaping_so_no_entity_is_cut():
    assert word_labels(["<script>alert(1)</script>", "ok"], [True, False]) == ["&lt;script&gt;alert…?", "ok"]
    assert shorten("abc") == "abc" and shorten("a" * 20, 5) == "aaaa…"
    assert shorten("e\u0301\u0301\u0301\u0301") == "e\u0301\u0301…" and shorten("café") == "café"


def test_colour_ranges_full_and_stretched():
    gates = np.array([[0.42, 0.61], [0.5, 0.55]])
    assert figures.color_range("forget", gates) == (0.0, 1.0)
    assert figures.color_range("forget", gates, "stretch") == (0.42, 0.61)
    assert figures.color_range("hidden", np.array([[0.2, -0.3]]), "stretch") == (-0.3, 0.3)
    assert figures.color_range("cell", np.array([[2.5, -0.3]])) == (-2.5, 2.5)
    with pytest.raises(ValueError, match="contrast"):
        figures.color_range("forget", gates, "loud")


def test_the_minimal_pair_figure_has_a_difference_heatmap_only_when_an_aligned_state_changed(course_model):
    first = inspect.inspect(course_model, "This movie is good.")
    changed = inspect.inspect(course_model, "This movie is not good.")
    appended = inspect.inspect(course_model, "This movie is good. Not really.")
    order = np.arange(course_model.config.model.units)
    figure = figures.minimal_pair_figure(first, changed, inspection.compare(first, changed), "hidden", order)
    (heatmap,) = [trace for trace in figure.data if trace.type == "heatmap"]
    assert list(figure.layout.xaxis2.ticktext) == ["this", "movie", "is", "+ not", "good", "."]
    assert heatmap.zmax == pytest.approx(np.nanmax(np.abs(heatmap.z))) and heatmap.zmax > 0.01
    comparison = inspection.compare(first, appended)
    assert comparison["largest"]["hidden"] <= inspection.CHANGE_TOLERANCE
    figure = figures.minimal_pair_figure(first, appended, comparison, "hidden", order)
    assert not [trace for trace in figure.data if trace.type == "heatmap"]
    assert list(figure.layout.xaxis.ticktext) == ["this", "movie", "is", "good", ".", "+ not", "+ really", "+ ."]
