"""AppTest of the Inspect page with the pretrained bundle: the charts' specs show the review's own (escaped) words,
the running prediction ends at the shown prediction, and odd input (markup, other scripts, empty, huge) is handled."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from conftest import plotly_array as decode

from rnn_demo import text

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
BUNDLE = REPO / "assets" / "models" / "fast"
CONFIG = json.loads((BUNDLE / "config.json").read_text(encoding="utf-8"))
MAXLEN, UNITS = CONFIG["text"]["maxlen"], CONFIG["model"]["units"]
STATE_NAMES = ["input gate i_t", "forget gate f_t", "candidate g_t", "output gate o_t", "cell state c_t",
               "hidden state h_t"]
MARKUP = re.compile(r"<\s*/?\s*(script|b)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def vocab() -> text.Vocabulary:
    return text.Vocabulary.load(BUNDLE / "vocab.json")


def expected_labels(review: str, vocab: text.Vocabulary) -> list[str]:
    """What the word axis must show: the last MaxLen tokens, HTML-escaped, unknown ones with a trailing '?'."""
    tokens = text.tokenize(review)
    tokens = tokens[-MAXLEN:] if CONFIG["text"]["truncating"] == "pre" else tokens[:MAXLEN]
    return [html.escape(token, quote=False) + ("?" if vocab.id_of(token) == text.UNKNOWN_ID else "")
            for token in tokens]


def charts(at: AppTest) -> dict[str, dict]:
    """Plotly specs on the page by widget key (the element id ends with "-<key>")."""
    return {chart.proto.id.split("-", 2)[2]: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def word_axis(spec: dict) -> dict:
    """The x axis that carries the word tick labels."""
    (axis,) = [value for name, value in spec["layout"].items() if name.startswith("xaxis") and "ticktext" in value]
    return axis


def heatmaps(spec: dict) -> list[dict]:
    return [trace for trace in spec["data"] if trace["type"] == "heatmap"]


def shown_prediction(at: AppTest) -> tuple[str, float]:
    (heading,) = [item.value for item in at.subheader if item.value.startswith("Prediction")]
    match = re.fullmatch(r"Prediction: (positive|negative)  \(P\(positive\) = (\d\.\d{3})\)", heading)
    assert match, heading
    return match.group(1), float(match.group(2))


def open_inspect(review: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/inspect_gates.py").run()
    assert not at.exception
    if review is not None:
        set_review(at, review)
    return at


def set_review(at: AppTest, review: str) -> None:
    (area,) = [widget for widget in at.text_area if widget.label == "Review"]
    assert area.key == f"inspect_text_{at.selectbox(key='inspect_example').value}"
    area.set_value(review).run()
    assert not at.exception


def test_the_word_axis_shows_the_reviews_tokens_and_the_last_running_value_is_the_prediction(vocab):
    at = open_inspect()
    review = at.text_area(key=f"inspect_text_{at.selectbox(key='inspect_example').value}").value
    labels = expected_labels(review, vocab)
    label, probability = shown_prediction(at)
    specs = charts(at)
    assert {"inspect_prediction", "inspect_heatmaps", "inspect_coloured_words", "inspect_unit_trace",
            "inspect_saturation", "inspect_pair_figure"} <= set(specs)

    figure = specs["inspect_heatmaps"]
    axis = word_axis(figure)
    assert axis["tickvals"] == list(range(len(labels))) and axis["ticktext"] == labels
    running = [trace for trace in figure["data"] if trace["type"] == "scatter"][0]
    assert running["customdata"] == labels
    running_prediction = decode(running["y"])
    assert running_prediction.shape == (len(labels),)
    bar = specs["inspect_prediction"]["data"][0]
    assert decode(bar["x"])[0] == pytest.approx(running_prediction[-1], abs=1e-4)
    assert probability == pytest.approx(running_prediction[-1], abs=5e-4 + 1e-6)
    assert label == ("positive" if decode(bar["x"])[0] >= 0.5 else "negative")
    assert [trace["name"] for trace in heatmaps(figure)] == STATE_NAMES
    for trace in heatmaps(figure):
        assert decode(trace["z"]).shape == (UNITS, len(labels))
    assert word_axis(specs["inspect_unit_trace"])["ticktext"] == labels


def test_unknown_words_are_marked_with_a_question_mark(vocab):
    review = "This movie is zzqxvb and flurbotronic, but good."
    assert vocab.id_of("zzqxvb") == vocab.id_of("flurbotronic") == text.UNKNOWN_ID
    at = open_inspect(review)
    ticks = word_axis(charts(at)["inspect_heatmaps"])["ticktext"]
    assert ticks == expected_labels(review, vocab)
    assert "zzqxvb?" in ticks and "flurbotronic?" in ticks and "movie" in ticks
    assert any(warning.value.startswith(f"2 of {len(ticks)} words are not in the vocabulary")
               for warning in at.warning)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_markup_in_a_review_never_reaches_the_page_as_markup(vocab):
    review = "<script>alert(1)</script> This is <b>x</b> good"
    at = open_inspect(review)
    specs = charts(at)
    ticks = word_axis(specs["inspect_heatmaps"])["ticktext"]
    assert ticks == expected_labels(review, vocab) and "&lt;" in ticks and "&gt;" in ticks
    for key, spec in specs.items():
        assert not [string for string in _strings(spec) if MARKUP.search(string)], key
    shown = [*at.markdown, *at.caption, *at.subheader, *at.title, *at.warning, *at.info, *at.error, *at.success]
    for element in shown:
        assert not MARKUP.search(element.value), element.value
    assert not [element for element in at.markdown if element.proto.allow_html]
    assert not at.get("html")


def test_emoji_cjk_and_right_to_left_scripts_pass_through(vocab):
    review = "Great film 😀🎬! 很好看的电影。 فيلم رائع جدا שלום ❤️ naïve café"
    at = open_inspect(review)
    ticks = word_axis(charts(at)["inspect_heatmaps"])["ticktext"]
    assert ticks == expected_labels(review, vocab)
    words = [html.unescape(tick.removesuffix("?")) for tick in ticks]
    assert words == text.tokenize(review) and {"😀", "🎬", "很好看的电影", "فيلم", "שלום", "naïve"} <= set(words)
    shown_prediction(at)


@pytest.mark.parametrize("blank", ["", "   \n\t  "])
def test_an_empty_review_shows_the_prompt_and_no_chart(blank):
    at = open_inspect(blank)
    assert [info.value for info in at.info] == [
        "Type a review above (or pick an example) to see what the LSTM does with it."]
    assert not at.get("plotly_chart") and not at.error


def test_a_review_without_readable_words_shows_an_error_not_a_traceback():
    at = open_inspect("\u200b\u200b\u200b")
    assert [error.value for error in at.error] == ["the review has no words or punctuation the model can read."]
    assert not at.get("plotly_chart")


def test_a_huge_review_is_cut_to_maxlen_with_a_warning(vocab):
    ending = " The end was good."
    review = ("A long and winding story with great actors but a dull plot. " * 1700)[:100_000 - len(ending)] + ending
    assert len(review) == 100_000
    at = open_inspect(review)
    total = len(text.tokenize(review))
    assert any(f"The review has {total:,} words; only the last {MAXLEN} (MaxLen)" in warning.value
               for warning in at.warning)
    figure = charts(at)["inspect_heatmaps"]
    assert len(heatmaps(figure)) == 6
    for trace in heatmaps(figure):
        assert decode(trace["z"]).shape == (UNITS, MAXLEN)
    labels = expected_labels(review, vocab)
    assert len(labels) == MAXLEN and labels[-5:] == ["the", "end", "was", "good", "."]
    running = [trace for trace in figure["data"] if trace["type"] == "scatter"][0]
    assert running["customdata"] == labels
    axis = word_axis(figure)
    step = max(1, MAXLEN // 60)
    assert axis["tickvals"] == list(range(0, MAXLEN, step)) and axis["ticktext"] == labels[::step]
    assert any("earlier words cut by MaxLen" in note["text"] for note in figure["layout"]["annotations"])


def test_the_minimal_pair_follows_review_a_and_shows_the_change():
    at = open_inspect("This movie is good.")
    _, first = shown_prediction(at)
    (pair_area,) = [widget for widget in at.text_area if widget.label == "Review B"]
    assert pair_area.value == "This movie is not good."
    (metric,) = [metric for metric in at.metric if metric.label == "P(positive) of B"]
    second = float(metric.value)
    change = re.fullmatch(r"([+-]\d\.\d{3}) vs A", metric.delta)
    assert change and float(change.group(1)) == pytest.approx(second - first, abs=1.5e-3)
    ticks = word_axis(charts(at)["inspect_pair_figure"])["ticktext"]
    assert ticks[:4] == ["this", "movie", "is", "good → not"]

    set_review(at, "This movie is not good.")  # B's own prediction, shown as review A
    assert shown_prediction(at)[1] == pytest.approx(second, abs=1e-6)
    (pair_area,) = [widget for widget in at.text_area if widget.label == "Review B"]
    assert pair_area.value == "This movie is not not good."
    pair_area.set_value("This movie is good.").run()  # editing B leaves A alone
    assert shown_prediction(at)[1] == pytest.approx(second, abs=1e-6)
    (metric,) = [metric for metric in at.metric if metric.label == "P(positive) of B"]
    assert float(metric.value) == pytest.approx(first, abs=1e-6)


def _units(trace: dict) -> list[int]:
    """The unit shown in each heatmap row, read from the hover data ("word|unit")."""
    return [int(row[0].rsplit("|", 1)[1]) for row in trace["customdata"]]


def test_unit_orders_rearrange_the_same_units():
    at = open_inspect("The acting was wonderful and the music is beautiful, but the plot is a boring mess.")
    rows = {}
    for order in ("index", "variance", "correlation"):
        at.radio(key="inspect_order").set_value(order).run()
        assert not at.exception
        figure = charts(at)["inspect_heatmaps"]
        hidden = heatmaps(figure)[-1]
        assert hidden["name"] == "hidden state h_t"
        units = _units(hidden)
        assert sorted(units) == list(range(UNITS))
        assert all(_units(trace) == units for trace in heatmaps(figure))
        rows[order] = (units, decode(hidden["z"]))
        running = decode([trace for trace in figure["data"] if trace["type"] == "scatter"][0]["y"])
    index_units, index_rows = rows["index"]
    assert index_units == list(range(UNITS))
    for order, (units, values) in rows.items():
        np.testing.assert_allclose(values, index_rows[units])  # same rows, only reordered
    variances = rows["variance"][1].var(axis=1)
    assert np.all(np.diff(variances) <= 1e-12)
    correlations = [np.corrcoef(row, running)[0, 1] if row.std() > 0 else 0.0 for row in rows["correlation"][1]]
    assert np.all(np.diff(correlations) <= 1e-9)


def test_choosing_which_states_to_show():
    at = open_inspect("A short and sweet film.")
    at.multiselect(key="inspect_states").set_value(["forget", "cell"]).run()
    assert [trace["name"] for trace in heatmaps(charts(at)["inspect_heatmaps"])] == ["forget gate f_t",
                                                                                    "cell state c_t"]
    at.multiselect(key="inspect_states").set_value([]).run()
    assert not at.exception and "inspect_heatmaps" not in charts(at) and "inspect_unit_trace" in charts(at)
