"""Figures of an inspection: long words are shortened and never copied per cell, so a 100,000-character word or
200,000 combining marks give small charts; colour ranges; the minimal pair's aligned axis."""

import tracemalloc
from pathlib import Path

import numpy as np
import plotly.colors
import pytest

from rnn_demo.core import inspection
from rnn_demo.figures import inspection as figures
from rnn_demo.figures import text_layout
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


LONG_REVIEW = " ".join((
    "I went to see this film with low expectations, and the first half hour was slow and rather dull. The acting, "
    "however, is wonderful: every actor gives a moving and honest performance. The plot has holes, the dialogue is "
    "sometimes silly and the ending felt rushed, but the music is beautiful. My friends thought it was boring; I did "
    "not agree at all. " * 10).split()[:250])  # 250 words (the IMDb reviews average 231), 297 tokens with punctuation


def _tick_labels(spec: dict) -> list[list[str]]:
    return [axis["ticktext"] for name, axis in spec["layout"].items() if name.startswith("xaxis")]


@pytest.mark.parametrize("font_size", [14, 20], ids=["page", "lecture"])
def test_every_word_of_a_long_review_is_labelled_legibly_in_some_window(course_model, font_size):
    """Issue 19: at 200 words the heatmaps named every 4th word, 3 px apart. Now each window position labels every
    word it shows, at >= 14 px and far enough apart that rotated labels cannot touch, and the windows cover them all."""
    result = inspect.inspect(course_model, LONG_REVIEW)
    labels = word_labels(result.tokens, result.review.unknown)
    size = figures.window_words(font_size)
    assert len(labels) == course_model.config.text.maxlen > size and size <= figures.MAX_WINDOW_WORDS
    named = set()
    for start in range(len(labels) - size + 1):
        window = (start, start + size)
        for spec in (figures.inspection_spec(result, ["forget", "hidden"], np.arange(8), "full", font_size, window),
                     figures.unit_trace_spec(result, "hidden", 0, font_size, window)):
            for ticks in _tick_labels(spec):
                assert ticks == labels[start:start + size]  # every word of the window, in order, none skipped
            axes = [axis for name, axis in spec["layout"].items() if name.startswith("xaxis")]
            assert all(axis["tickfont"]["size"] >= max(14, font_size) and axis["tickangle"] == -60 for axis in axes)
        # Labels per 1000 px of the word axis (640 px at 1280x720): at -60° their baselines stay >= 1.3 sizes apart.
        per_1000_px = 1000 * size / figures.WORD_AXIS_PX
        assert per_1000_px <= 1000 / (1.5 * font_size)
        assert (figures.WORD_AXIS_PX / size) * np.sin(np.radians(60)) >= 1.3 * font_size
        named.update(range(start, start + size))
    assert named == set(range(len(labels)))


def test_a_window_shows_its_own_slice_of_the_values_and_must_lie_inside_the_review(course_model):
    result = inspect.inspect(course_model, LONG_REVIEW)
    spec = figures.inspection_spec(result, ["cell"], np.array([3, 1]), window=(100, 130))
    (heatmap,) = [trace for trace in spec["data"] if trace["type"] == "heatmap"]
    np.testing.assert_array_equal(heatmap["z"], result.states["cell"][100:130, [3, 1]].T.astype(np.float32))
    assert heatmap["x"][0].startswith("101 ") and len(heatmap["x"]) == 30
    whole = figures.color_range("cell", result.states["cell"][:, [3, 1]])
    assert (heatmap["zmin"], heatmap["zmax"]) == pytest.approx(whole)  # colours mean the same in every window
    assert not any("cut by MaxLen" in note["text"] for note in spec["layout"]["annotations"])  # only at the start
    trace = figures.unit_trace_spec(result, "cell", 3, window=(100, 130))["data"][0]
    np.testing.assert_array_equal(trace["y"], result.states["cell"][100:130, 3])
    for window in [(0, 0), (-1, 10), (190, 201)]:
        with pytest.raises(ValueError, match="window"):
            figures.inspection_spec(result, ["cell"], np.arange(2), window=window)


def _luminance(colour: str) -> float:
    channels = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255 if colour.startswith("#") and len(
        colour) == 7 else np.array([float(part) for part in colour[4:-1].split(",")]) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


@pytest.mark.parametrize("state", ["forget", "hidden", "cell"])
def test_the_coloured_review_is_wrapped_escaped_text_on_boxes_of_the_units_values(course_model, state):
    review = "<script>alert(1)</script> " + LONG_REVIEW
    result = inspect.inspect(course_model, review)
    spec = figures.coloured_words_spec(result, state, 5, window=(40, 70))
    boxes, words = spec["data"]
    labels = word_labels(result.tokens, result.review.unknown)
    assert boxes["type"] == "bar" and words["type"] == "scatter" and words["mode"] == "text"
    assert list(words["text"]) == list(boxes["text"]) == labels  # every word once, in order, escaped
    assert not [label for label in labels if "<" in label or ">" in label]
    np.testing.assert_array_equal(boxes["marker"]["color"], result.states[state][:, 5])
    # Wrapped: lines in order, boxes left to right inside the figure's width and never overlapping.
    lines, lefts, widths = (np.asarray(boxes[key]) for key in ("y", "base", "x"))
    assert np.all(np.diff(lines) >= 0) and lines.max() >= 10
    assert np.all(lefts + widths <= spec["layout"]["xaxis"]["range"][1])
    same_line = np.diff(lines) == 0
    assert np.all((lefts[:-1] + widths[:-1] <= lefts[1:])[same_line])
    assert spec["layout"]["width"] == figures.TEXT_WIDTH_PX <= 820  # the Inspect page's column at 1280x720
    # The colour bar says what the colour is: quantity, unit, range; all text >= 14 px.
    bar = boxes["marker"]["colorbar"]
    assert bar["title"]["text"].startswith(f"{inspection.LSTM_STATES[state]} of unit 5")
    low, high = figures.color_range(state, result.states[state][:, 5])
    assert (boxes["marker"]["cmin"], boxes["marker"]["cmax"]) == (low, high) and bar["tickvals"][::2] == [low, high]
    assert min(bar["tickfont"]["size"], bar["title"]["font"]["size"], words["textfont"]["size"]) >= 14
    # Each word is black or white, whichever reads on its box: WCAG's 4.5:1 at least.
    backgrounds = plotly.colors.sample_colorscale(boxes["marker"]["colorscale"], np.clip(
        (result.states[state][:, 5] - low) / (high - low), 0, 1).tolist())
    for text_colour, background in zip(words["textfont"]["color"], backgrounds):
        light, dark = sorted([_luminance(text_colour.replace("#000", "#000000").replace("#fff", "#ffffff")),
                              _luminance(background)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (text_colour, background)
    # The heatmaps' window is framed, no other word.
    assert np.flatnonzero(boxes["marker"]["line"]["width"]).tolist() == list(range(40, 70))


def test_word_boxes_are_at_least_as_wide_as_chromium_draws_the_words():
    """Widths measured in Chromium (Source Sans at 14 px, the Inspect page) for the word alone; a box is wider."""
    measured = {"expectations": 74.8, "performance": 75.4, "m" * 14: 168.4 - 7, "w" * 14: 146.9 - 7, "naïve": 37.5 - 7,
                "café": 24.2, "good": 29.8, "movie": 36.1, "很": 15.1 - 7}
    for word, width in measured.items():
        assert text_layout.word_px(word, 14) >= width + 4, word
    lines, lefts, _ = text_layout.wrap(["a" * 40, "b", "c"], 14, 200)
    assert lines.tolist() == [0, 1, 1] and lefts[1] == 0  # a word wider than a line has a line of its own


def test_the_prediction_bar_names_the_models_own_labels():
    """Issue 19: the bar on Inspect said negative/positive for a model whose labels are négatif/positif."""
    from rnn_demo.figures.inspection import prediction_bar_spec

    spec = prediction_bar_spec(0.8, labels=("négatif", "positif"))
    assert spec["layout"]["xaxis"]["ticktext"] == ["0 négatif", "0.5", "1 positif"]
    assert spec["data"][0]["y"] == ["P(positif)"] and "negative" not in str(spec)
    assert prediction_bar_spec(0.2)["layout"]["xaxis"]["ticktext"] == ["0 negative", "0.5", "1 positive"]
