"""AppTest of the Inspect page with the pretrained bundle: the charts' specs show the review's own (escaped) words,
the running prediction ends at the shown prediction, and odd input (markup, other scripts, empty, huge) is handled."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from conftest import plotly_array as decode
from streamlit.testing.v1 import AppTest
from test_figures_inspection import LONG_REVIEW

from rnn_demo.core import inspection, text
from rnn_demo.figures import inspection as figures
from rnn_demo.model import inspect, models
from rnn_demo.web import widgets

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


def expected_tokens(review: str) -> list[str]:
    tokens = text.tokenize(review)
    return tokens[-MAXLEN:] if CONFIG["text"]["truncating"] == "pre" else tokens[:MAXLEN]


def expected_labels(review: str, vocab: text.Vocabulary) -> list[str]:
    """What the word axis must show: the last MaxLen tokens, HTML-escaped, unknown ones with a trailing '?'."""
    return [html.escape(token, quote=False) + ("?" if vocab.id_of(token) == text.UNKNOWN_ID else "")
            for token in expected_tokens(review)]


def charts(at: AppTest) -> dict[str, dict]:
    """Plotly specs on the page by widget key (the element id ends with "-<key>")."""
    return {chart.proto.id.split("-", 2)[2]: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def word_axis(spec: dict) -> dict:
    """The x axis that carries the word tick labels (each panel has its own: they must all show the same words)."""
    axes = [value for name, value in spec["layout"].items() if name.startswith("xaxis") and "ticktext" in value]
    assert axes and all(axis["ticktext"] == axes[0]["ticktext"] and axis["tickvals"] == axes[0]["tickvals"]
                        for axis in axes)
    return axes[0]


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


def open_sections(at: AppTest, *keys: str) -> None:
    """Open the page's lazily built expanders (as a click would: the expander's state, then a rerun)."""
    for key in keys or ("inspect_saturation_open", "inspect_pair_open"):
        at.session_state[key] = True
    at.run()
    assert not at.exception


def set_review(at: AppTest, review: str) -> None:
    at.text_area(key="inspect_review").set_value(review).run()
    assert not at.exception


def running_trace(spec: dict) -> dict:
    return [trace for trace in spec["data"] if trace["type"] == "scatter"][0]


def test_the_word_axis_shows_the_reviews_tokens_and_the_last_running_value_is_the_prediction(vocab):
    at = open_inspect()
    review = at.text_area(key="inspect_review").value
    labels = expected_labels(review, vocab)
    label, probability = shown_prediction(at)
    specs = charts(at)
    assert {"inspect_prediction", "inspect_heatmaps", "inspect_coloured_words", "inspect_unit_trace"} <= set(specs)

    figure = specs["inspect_heatmaps"]
    axis = word_axis(figure)
    assert axis["ticktext"] == labels and len(axis["tickvals"]) == len(set(axis["tickvals"])) == len(labels)
    running = running_trace(figure)
    assert running["customdata"] == [html.escape(token, quote=False) for token in expected_tokens(review)]
    assert running["x"] == axis["tickvals"]
    running_prediction = decode(running["y"])
    assert running_prediction.shape == (len(labels),)
    bar = specs["inspect_prediction"]["data"][0]
    assert decode(bar["x"])[0] == pytest.approx(running_prediction[-1], abs=1e-4)
    assert probability == pytest.approx(running_prediction[-1], abs=5e-4 + 1e-6)
    assert label == ("positive" if decode(bar["x"])[0] >= 0.5 else "negative")
    assert [trace["name"] for trace in heatmaps(figure)] == STATE_NAMES
    for trace in heatmaps(figure):
        assert decode(trace["z"]).shape == (16, len(labels))  # the first 16 units by default
        assert trace["x"] == axis["tickvals"]
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
    # The only raw HTML on the page is app.py's fixed script that keeps typed text well-formed (no user text).
    assert all(element.proto.body == widgets._WELL_FORMED_TEXT_SCRIPT for element in at.get("html"))


def test_emoji_cjk_and_right_to_left_scripts_pass_through(vocab):
    review = "Great film 😀🎬! 很好看的电影。 فيلم رائع جدا שלום ❤️ naïve café"
    at = open_inspect(review)
    ticks = word_axis(charts(at)["inspect_heatmaps"])["ticktext"]
    assert ticks == expected_labels(review, vocab)
    words = [html.unescape(tick.removesuffix("?")) for tick in ticks]
    assert words == text.tokenize(review) and {"😀", "🎬", "很", "电", "فيلم", "שלום", "naïve"} <= set(words)
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
    window = figures.window_words()  # the heatmaps show the first window of the MaxLen words read, each labelled
    for trace in heatmaps(figure):
        assert decode(trace["z"]).shape == (16, window)
    labels = expected_labels(review, vocab)
    assert len(labels) == MAXLEN and labels[-5:] == ["the", "end", "was", "good", "."]
    running = running_trace(figure)
    assert running["customdata"] == [html.escape(token, quote=False) for token in expected_tokens(review)[:window]]
    axis = word_axis(figure)
    assert axis["tickvals"] == running["x"] and axis["ticktext"] == labels[:window]
    assert any("earlier words cut by MaxLen" in note["text"] for note in figure["layout"]["annotations"])
    at.slider(key="inspect_window_start").set_value(MAXLEN - window + 1).run()  # the last window: the end
    assert word_axis(charts(at)["inspect_heatmaps"])["ticktext"][-5:] == ["the", "end", "was", "good", "."]


def test_the_saturation_and_minimal_pair_sections_are_built_only_while_open():
    """Issue 9: a rerun builds neither the saturation chart nor review B's inspection while their expanders are
    closed (most students never open them); opening one draws it, closing it again stops the work."""
    at = open_inspect("This movie is good.")
    labels = [expander.label for expander in at.expander]
    assert "Minimal pair: change one thing and compare" in labels and any(label.startswith("Gate saturation")
                                                                         for label in labels)
    assert not {"inspect_saturation", "inspect_pair_figure"} & set(charts(at))
    assert not [area for area in at.text_area if area.label == "Review B"] and not at.metric
    inspected = lambda: {text for _, text in at.session_state["inspections"]}  # noqa: E731
    assert "This movie is not good." not in inspected()  # review B is not inspected
    open_sections(at, "inspect_pair_open")
    assert "inspect_pair_figure" in charts(at) and "inspect_saturation" not in charts(at)
    assert [metric.label for metric in at.metric] == ["P(positive) of B"]
    assert "This movie is not good." in inspected()
    open_sections(at, "inspect_saturation_open")
    assert {"inspect_saturation", "inspect_pair_figure"} <= set(charts(at))
    at.session_state["inspect_pair_open"] = False
    at.run()
    assert "inspect_pair_figure" not in charts(at) and not at.metric and "inspect_saturation" in charts(at)


def test_the_reading_guide_is_built_only_while_open():
    """Issue 9: the closed guide sends no text on a rerun; opened, it shows the whole guide, under the same label."""
    at = open_inspect("This movie is good.")
    assert "How to read these pictures" in [expander.label for expander in at.expander]
    assert inspection.READING_GUIDE not in [markdown.value for markdown in at.markdown]
    open_sections(at, "inspect_guide_open")
    assert inspection.READING_GUIDE in [markdown.value for markdown in at.markdown]


def test_the_minimal_pair_follows_review_a_and_shows_the_change():
    at = open_inspect("This movie is good.")
    open_sections(at)
    _, first = shown_prediction(at)
    (pair_area,) = [widget for widget in at.text_area if widget.label == "Review B"]
    assert pair_area.value == "This movie is not good."
    (metric,) = [metric for metric in at.metric if metric.label == "P(positive) of B"]
    second = float(metric.value)
    change = re.fullmatch(r"([+-]\d\.\d{3}) vs A", metric.delta)
    assert change and float(change.group(1)) == pytest.approx(second - first, abs=1.5e-3)

    set_review(at, "This movie is not good.")  # B's own prediction, shown as review A
    assert shown_prediction(at)[1] == pytest.approx(second, abs=1e-6)
    (pair_area,) = [widget for widget in at.text_area if widget.label == "Review B"]
    assert pair_area.value == "This movie is not not good."
    pair_area.set_value("This movie is good.").run()  # editing B leaves A alone
    assert shown_prediction(at)[1] == pytest.approx(second, abs=1e-6)
    (metric,) = [metric for metric in at.metric if metric.label == "P(positive) of B"]
    assert float(metric.value) == pytest.approx(first, abs=1e-6)


def test_the_minimal_pair_aligns_an_inserted_word_instead_of_shifting_every_later_word():
    at = open_inspect("This movie is good and I liked it.")
    open_sections(at)
    at.toggle(key="inspect_all_units").set_value(True).run()
    spec = charts(at)["inspect_pair_figure"]
    (difference,) = heatmaps(spec)
    axis = [value for name, value in spec["layout"].items() if name.startswith("xaxis") and
            value.get("anchor") == "y2"][0]
    assert axis["ticktext"] == ["this", "movie", "is", "+ not", "good", "and", "i", "liked", "it", "."]
    z = decode(difference["z"]).astype(float)  # (units, aligned words); the inserted word has no partner (a gap:
    # null in the JSON the browser gets, NaN here)
    assert z.shape == (UNITS, 10) and np.isnan(z[:, 3]).all()
    assert np.nanmax(np.abs(z[:, :3])) < 1e-3  # the same words before "not" keep their states
    assert np.abs(z[:, 4]).max() > 0.01  # "good" after "not" is read differently
    assert difference["zmax"] == pytest.approx(np.nanmax(np.abs(z)), rel=1e-4) and difference["zmax"] > 0.01
    assert any(caption.value == "B differs from A: inserted “not” before word 4 (“good”)." for caption in at.caption)


def test_an_appended_sentence_gives_a_message_not_an_empty_heatmap():
    at = open_inspect("This movie is great.")
    open_sections(at)
    (pair_area,) = [widget for widget in at.text_area if widget.label == "Review B"]
    pair_area.set_value("This movie is great. Not really.").run()
    assert not heatmaps(charts(at)["inspect_pair_figure"])
    (info,) = [info.value for info in at.info]
    assert info.startswith("No word that A and B share has a different hidden state h_t")
    assert "inserted “not really .” at the end" in info


def test_unit_orders_rearrange_the_same_units_and_the_first_is_drawn_at_the_top():
    at = open_inspect("The acting was wonderful and the music is beautiful, but the plot is a boring mess.")
    at.toggle(key="inspect_all_units").set_value(True).run()
    rows = {}
    for order in ("index", "variance", "correlation"):
        at.radio(key="inspect_order").set_value(order).run()
        assert not at.exception
        figure = charts(at)["inspect_heatmaps"]
        hidden = heatmaps(figure)[-1]
        assert hidden["name"] == "hidden state h_t"
        units = [int(unit) for unit in hidden["y"]]
        assert sorted(units) == list(range(UNITS))
        assert all(trace["y"] == hidden["y"] for trace in heatmaps(figure))
        for trace in heatmaps(figure):  # the unit axis lists the rows top down, with the unit numbers as labels
            axis = figure["layout"]["yaxis" + trace["yaxis"][1:]]
            assert axis["autorange"] == "reversed" and axis["type"] == "category" and axis["title"]["text"] == "unit"
            assert axis["ticktext"] == hidden["y"][::max(1, -(-UNITS // 32))]
        rows[order] = (units, decode(hidden["z"]))
        running = decode(running_trace(figure)["y"])
    index_units, index_rows = rows["index"]
    assert index_units == list(range(UNITS))
    for order, (units, values) in rows.items():
        np.testing.assert_allclose(values, index_rows[units])  # same rows, only reordered
    variances = rows["variance"][1].var(axis=1)
    assert np.all(np.diff(variances) <= 1e-6)
    correlations = [np.corrcoef(row, running)[0, 1] if row.std() > 0 else 0.0 for row in rows["correlation"][1]]
    assert np.all(np.diff(correlations) <= 1e-5) and correlations[0] > 0.5


def test_top_k_units_by_the_chosen_order_with_the_rest_one_click_away():
    at = open_inspect("A wonderful film with a dull ending.")
    at.radio(key="inspect_order").set_value("variance").run()
    at.number_input(key="inspect_units_shown").set_value(5).run()
    shown = heatmaps(charts(at)["inspect_heatmaps"])[-1]
    assert len(shown["y"]) == 5
    assert any(caption.value.startswith(f"Showing 5 of {UNITS} units (most active first)") for caption in at.caption)
    at.toggle(key="inspect_all_units").set_value(True).run()
    everything = heatmaps(charts(at)["inspect_heatmaps"])[-1]
    assert everything["y"][:5] == shown["y"] and len(everything["y"]) == UNITS


def test_choosing_which_states_to_show():
    at = open_inspect("A short and sweet film.")
    at.multiselect(key="inspect_states").set_value(["forget", "cell"]).run()
    assert [trace["name"] for trace in heatmaps(charts(at)["inspect_heatmaps"])] == ["forget gate f_t",
                                                                                    "cell state c_t"]
    at.multiselect(key="inspect_states").set_value([]).run()
    assert not at.exception and "inspect_heatmaps" not in charts(at) and "inspect_unit_trace" in charts(at)


def test_the_saturation_caption_is_computed_from_the_gate_values_shown():
    at = open_inspect("This film is not good. The story is not interesting and the jokes are not funny at all.")
    open_sections(at)
    at.toggle(key="inspect_all_units").set_value(True).run()
    gates = {trace["name"]: decode(trace["z"]) for trace in heatmaps(charts(at)["inspect_heatmaps"])}
    saturated = {name: np.mean((gates[name] < 0.1) | (gates[name] > 0.9)) for name in
                 ("input gate i_t", "forget gate f_t", "output gate o_t")}
    forget = gates["forget gate f_t"]
    (caption,) = [caption.value for caption in at.caption if caption.value.startswith("For this review")]
    assert caption.startswith(
        f"For this review, {saturated['input gate i_t']:.1%} of input-gate, {saturated['forget gate f_t']:.1%} of "
        f"forget-gate and {saturated['output gate o_t']:.1%} of output-gate values are saturated")
    assert f"{np.mean(forget > 0.9):.1%} of forget-gate values are above 0.9" in caption
    assert f"The forget gate's mean is {forget.mean():.2f}" in caption
    bars = [trace for trace in charts(at)["inspect_saturation"]["data"] if trace["type"] == "bar"]
    forget_bar = [bar for bar in bars if bar["name"] == "forget gate f_t"][0]
    counts, _ = np.histogram(forget, bins=np.linspace(0, 1, 21))
    np.testing.assert_allclose(decode(forget_bar["y"]), counts / counts.sum(), atol=1e-6)  # the chart is not empty


def test_the_unit_box_and_both_unit_charts_follow_a_new_review():
    at = open_inspect("A wonderful, moving film. I loved it.")
    for review in ("Awful. Boring and stupid, a waste of time.", "The music was great but the plot was thin."):
        set_review(at, review)
        unit = at.number_input(key="inspect_unit").value
        result = inspect.inspect(models.load_bundle(BUNDLE), review)
        assert unit == int(inspection.order_units(result, "hidden", "correlation")[0])
        specs = charts(at)
        assert decode(specs["inspect_unit_trace"]["data"][0]["y"]) == pytest.approx(result.states["hidden"][:, unit],
                                                                                    abs=1e-5)
        assert specs["inspect_unit_trace"]["data"][0]["name"] == f"hidden state h_t, unit {unit}"
        words = decode(specs["inspect_coloured_words"]["data"][0]["marker"]["color"])
        assert words == pytest.approx(result.states["hidden"][:, unit], abs=1e-5)
    at.number_input(key="inspect_unit").set_value(3).run()  # a unit chosen by hand stays while the review does
    assert at.number_input(key="inspect_unit").value == 3
    assert specs["inspect_unit_trace"]["data"][0]["name"] != charts(at)["inspect_unit_trace"]["data"][0]["name"]
    assert charts(at)["inspect_unit_trace"]["data"][0]["name"] == "hidden state h_t, unit 3"


def test_the_review_model_and_choices_survive_a_visit_to_another_page():
    at = open_inspect()
    at.selectbox(key="inspect_example").set_value("A negation").run()
    set_review(at, "My own words: a dull but honest film.")
    at.radio(key="inspect_model").set_value(at.radio(key="inspect_model").options[1]).run()
    at.radio(key="inspect_order").set_value("variance").run()
    at.radio(key="inspect_contrast").set_value("stretch").run()
    at.multiselect(key="inspect_states").set_value(["forget", "cell"]).run()
    at.number_input(key="inspect_units_shown").set_value(7).run()
    at.selectbox(key="inspect_unit_state").set_value("cell").run()
    before = {key: at.session_state[key] for key in ("inspect_example", "inspect_review", "inspect_model",
                                                      "inspect_order", "inspect_contrast", "inspect_states",
                                                      "inspect_units_shown", "inspect_unit_state", "inspect_unit")}
    prediction = shown_prediction(at)
    assert at.session_state["shared_review"] == "My own words: a dull but honest film."
    at.switch_page("pages/home.py").run()
    assert not at.exception and not at.get("plotly_chart")
    at.switch_page("pages/inspect_gates.py").run()
    assert not at.exception
    assert {key: at.session_state[key] for key in before} == before
    assert at.text_area(key="inspect_review").value == "My own words: a dull but honest film."
    assert shown_prediction(at) == prediction
    assert [trace["name"] for trace in heatmaps(charts(at)["inspect_heatmaps"])] == ["forget gate f_t",
                                                                                    "cell state c_t"]
    assert at.session_state["shared_review"] == "My own words: a dull but honest film."


def _font_sizes(value, inside_font=False):
    """Every font size of a Plotly spec (keys 'size' inside a font, and '*font_size' style keys)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "size" and inside_font and isinstance(item, (int, float)):
                yield item
            else:
                yield from _font_sizes(item, inside_font=key.endswith("font") or key == "font")
    elif isinstance(value, list):
        for item in value:
            yield from _font_sizes(item, inside_font)


def test_every_chart_text_is_14_px_or_more_and_every_heatmap_has_a_colour_bar_with_its_meaning():
    at = open_inspect("This movie is good, I liked it.")
    open_sections(at)
    assert len(charts(at)) == 6
    for key, spec in charts(at).items():
        assert spec["layout"]["font"]["size"] >= 14, key
        assert all(size >= 14 for size in _font_sizes(spec)), key
        # Streamlit's chart theme puts 12 px fonts on every axis that does not set its own: each axis must.
        axes = {name: axis for name, axis in spec["layout"].items() if name.startswith(("xaxis", "yaxis"))}
        assert {"xaxis", "yaxis"} <= set(axes), key
        for name, axis in axes.items():
            assert axis["tickfont"]["size"] >= 14, (key, name)
        for trace in heatmaps(spec):
            assert trace.get("showscale", True) is not False, (key, trace.get("name"))
            title = trace["colorbar"]["title"]["text"]
            assert trace["colorbar"]["tickfont"]["size"] >= 14 and trace["colorbar"]["title"]["font"]["size"] >= 14
            if trace.get("name", "").endswith(("gate i_t", "gate f_t", "gate o_t")):
                assert title == "0 = closed<br>1 = open" and trace["zmin"] == 0 and trace["zmax"] == 1
            elif key == "inspect_heatmaps":
                assert title == "−1 … +1"


def test_the_stretched_gate_contrast_fits_this_reviews_values_and_says_so():
    at = open_inspect("This movie is good, I liked it.")
    at.radio(key="inspect_contrast").set_value("stretch").run()
    spec = charts(at)["inspect_heatmaps"]
    forget = [trace for trace in heatmaps(spec) if trace["name"] == "forget gate f_t"][0]
    values = decode(forget["z"])
    assert forget["zmin"] == pytest.approx(values.min(), abs=1e-6) and forget["zmax"] == pytest.approx(values.max(),
                                                                                                       abs=1e-6)
    assert 0 < forget["zmin"] < forget["zmax"] < 1
    titles = [note["text"] for note in spec["layout"]["annotations"]]
    assert "forget gate f_t · colours stretched to this review's range" in titles


def test_presenter_mode_from_the_url_has_large_text_and_fewer_controls():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["present"] = "1"
    at.switch_page("pages/inspect_gates.py").run()
    assert not at.exception
    assert at.toggle(key="lecture").value is True
    assert not at.title and "inspect_prediction" not in charts(at)
    spec = charts(at)["inspect_heatmaps"]
    assert [trace["name"] for trace in heatmaps(spec)] == ["forget gate f_t", "hidden state h_t"]
    assert spec["layout"]["font"]["size"] == 20 and min(_font_sizes(spec)) >= 20
    assert not [expander for expander in at.expander if expander.label == "How to read these pictures"]
    at.toggle(key="lecture").set_value(False).run()
    assert at.title and len(heatmaps(charts(at)["inspect_heatmaps"])) == 6


def test_activations_can_be_downloaded_as_csv_and_json():
    at = open_inspect("A good film.")
    buttons = {button.proto.label: button for button in at.get("download_button")}
    assert set(buttons) == {"Activations (CSV)", "Activations (JSON)"}


def test_a_link_reproduces_the_view_and_the_view_writes_its_link():
    """Issue 9: the page, the review, the model and the main choices live in the URL."""
    review = "Not bad at all, <b>really</b>."
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"present": "1", "review": review, "model": "pretrained course model (course preset, 128 "
                            "units)", "order": "correlation", "units": "5", "contrast": "stretch"})
    at.switch_page("pages/inspect_gates.py").run()
    assert not at.exception and not at.warning
    assert at.text_area(key="inspect_review").value == review
    assert at.radio(key="inspect_model").value.startswith("pretrained course model")
    assert at.toggle(key="lecture").value is True
    assert (at.radio(key="inspect_order").value, at.radio(key="inspect_contrast").value) == ("correlation", "stretch")
    assert at.number_input(key="inspect_units_shown").value == 5
    at.radio(key="inspect_order").set_value("variance").run()
    assert at.query_params["order"] == "variance" and at.query_params["review"] == review
    assert at.session_state["lecture"] is True and "present" not in at.query_params  # the link says lecture=true


def test_the_share_section_shows_the_link_to_this_view_once_opened():
    at = open_inspect("Not bad at all, <b>really</b>.")
    at.radio(key="inspect_order").set_value("variance").run()
    assert not at.code  # built only while its expander is open
    open_sections(at, "inspect_share_open")
    (code,) = at.code
    link = urllib.parse.urlsplit(code.value)
    assert urllib.parse.parse_qs(link.query) == {key: [value] for key, value in at.query_params.items()}
    assert at.query_params["review"] == "Not bad at all, <b>really</b>." and at.query_params["order"] == "variance"


def test_a_bad_link_value_is_named_and_the_default_kept():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"order": "sideways", "units": "many"})
    at.switch_page("pages/inspect_gates.py").run()
    assert not at.exception
    warnings = " ".join(warning.value for warning in at.warning)
    assert "order='sideways' is ignored" in warnings and "units='many' is ignored" in warnings
    assert at.radio(key="inspect_order").value == "index"


def test_remembered_charts_follow_the_model_and_the_review():
    """The page keeps its built figures for reruns that change nothing they show, and draws anew for another model or
    review: each chart always shows the inspection of the model and review in use."""
    review, other = "a dull film with a great cast", "the plot was awful"
    at = open_inspect(review)
    names = at.radio(key="inspect_model").options
    bundles = {name: models.load_bundle(REPO / "assets" / "models" / ("course" if "course" in name else "fast"))
               for name in names[:2]}

    def assert_charts_show(name: str, text: str) -> None:
        result = inspect.inspect(bundles[name], text)
        hidden = [trace for trace in heatmaps(charts(at)["inspect_heatmaps"]) if trace["name"] == "hidden state h_t"]
        shown = min(16, bundles[name].config.model.units)  # the first units by number, the page's defaults
        np.testing.assert_allclose(decode(hidden[0]["z"]), result.states["hidden"][:, :shown].T, atol=1e-5)
        assert shown_prediction(at)[1] == pytest.approx(result.prediction, abs=1e-3)
        assert decode(charts(at)["inspect_prediction"]["data"][0]["x"])[0] == pytest.approx(result.prediction, abs=1e-4)

    assert_charts_show(names[0], review)
    kept = list(at.session_state["remembered_figures"].values())
    at.run()  # a rerun that changes nothing: the same figures, none built again
    assert list(at.session_state["remembered_figures"].values()) == kept
    for name, text in ((names[1], review), (names[0], review), (names[0], other), (names[0], review)):
        at.radio(key="inspect_model").set_value(name).run()
        set_review(at, text)
        assert_charts_show(name, text)


def test_a_long_review_shows_a_window_of_labelled_words_that_a_slider_moves(vocab):
    """Issue 19: a 250-word review (the last MaxLen of its tokens read) shows the window control; each position labels
    every word of its window under the heatmaps and the unit's trace, moving it changes which words are labelled, and
    a new review starts at the first word again. The coloured review shows every word and frames the window's."""
    at = open_inspect(LONG_REVIEW)
    labels = expected_labels(LONG_REVIEW, vocab)
    size = figures.window_words()
    slider = at.slider(key="inspect_window_start")
    assert (slider.value, slider.min, slider.max) == (1, 1, len(labels) - size + 1)
    assert slider.label == f"The charts show {size} of the {len(labels)} words, from word"

    def labelled() -> tuple[list[str], list[str]]:
        specs = charts(at)
        return word_axis(specs["inspect_heatmaps"])["ticktext"], word_axis(specs["inspect_unit_trace"])["ticktext"]

    def framed() -> list[int]:
        boxes = charts(at)["inspect_coloured_words"]["data"][0]
        assert boxes["text"] == labels  # the coloured review: every word read, escaped
        return np.flatnonzero(decode(boxes["marker"]["line"]["width"])).tolist()

    assert labelled() == (labels[:size], labels[:size]) and framed() == list(range(size))
    seen = set()
    for first in range(1, len(labels) - size + 2, size):  # a class stepping through the review, window by window
        at.slider(key="inspect_window_start").set_value(first).run()
        assert not at.exception
        heatmap_words, trace_words = labelled()
        assert heatmap_words == trace_words == labels[first - 1:first - 1 + size]
        assert framed() == list(range(first - 1, first - 1 + size))
        seen.update(range(first - 1, first - 1 + size))
    at.slider(key="inspect_window_start").set_value(len(labels) - size + 1).run()
    seen.update(range(len(labels) - size, len(labels)))
    assert seen == set(range(len(labels)))  # every word named somewhere
    assert labelled()[0] != labels[:size]
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/inspect_gates.py").run()
    assert at.slider(key="inspect_window_start").value == len(labels) - size + 1  # kept for the session
    set_review(at, LONG_REVIEW.replace("wonderful", "awful"))
    assert at.slider(key="inspect_window_start").value == 1  # a new review starts at its first word
    set_review(at, "A short review.")
    assert not at.slider and word_axis(charts(at)["inspect_heatmaps"])["ticktext"] == ["a", "short", "review", "."]


def _same_chart(sent, validated) -> bool:
    """Two encodings of one Plotly value are equal: typed arrays decoded, numbers equal to float32's precision
    (orjson writes a float32 array as numbers and NaN as null, Plotly's validation as base64)."""
    sent = decode(sent).tolist() if isinstance(sent, dict) and "bdata" in sent else sent
    validated = decode(validated).tolist() if isinstance(validated, dict) and "bdata" in validated else validated
    if isinstance(sent, dict) and isinstance(validated, dict):
        return sent.keys() == validated.keys() and all(_same_chart(sent[key], validated[key]) for key in sent)
    if isinstance(sent, list) and isinstance(validated, list):
        return len(sent) == len(validated) and all(map(_same_chart, sent, validated))
    numbers = (int, float, type(None))
    if isinstance(sent, numbers) and isinstance(validated, numbers) and not isinstance(sent, bool):
        if sent is None or validated is None or sent != sent or validated != validated:  # NaN (null in JSON): a gap
            return (sent is None or sent != sent) and (validated is None or validated != validated)
        return abs(sent - validated) <= 1e-6 * max(1.0, abs(validated))
    return sent == validated


def test_each_chart_sends_what_plotly_validation_of_its_spec_would_send():
    """The charts go to st.plotly_chart as their finished specs (web.charts.SpecFigure, no validation, no copy): what
    the browser gets must equal the validated figure's JSON, for every chart of the page, the lazy sections' too."""
    import plotly.graph_objects as go
    import plotly.io as pio

    at = open_inspect(LONG_REVIEW)
    open_sections(at)
    sent = charts(at)
    remembered = [figure for _, figure in at.session_state["remembered_figures"].values()]
    assert len(remembered) >= 5 and len(sent) >= 5
    validated = [json.loads(pio.to_json(go.Figure(figure.spec), validate=False)) for figure in remembered]
    for key, spec in sent.items():  # the memo also holds the figures of the review before
        assert any(_same_chart(spec, other) for other in validated), f"{key}: differs from its validated figure"


def test_a_long_minimal_pair_labels_every_word_of_a_window_that_opens_on_the_change(vocab):
    """Issue 19: a 250-word review A and B with one word changed in the middle: the pair's chart labels every aligned
    word of its window (never every 4th), the window opens with the change in view, and the slider reaches every
    word."""
    words = LONG_REVIEW.split()
    middle = next(index for index in range(len(words) // 2, len(words)) if words[index].isalpha())  # one token
    pair_text = " ".join(words[:middle] + ["dreadful"] + words[middle + 1:])
    at = open_inspect(LONG_REVIEW)
    open_sections(at, "inspect_pair_open")
    at.text_area(key="inspect_pair_text").set_value(pair_text).run()
    assert not at.exception
    spec = charts(at)["inspect_pair_figure"]
    axis = spec["layout"]["xaxis"]
    size = figures.window_words()
    slider = at.slider(key="inspect_pair_window_start")
    total = int(slider.max) + size - 1
    assert total > size and len(axis["ticktext"]) == len(axis["tickvals"]) == size  # each word of the window named
    assert any("→" in label for label in axis["ticktext"])  # the change is in view on arrival
    at.slider(key="inspect_pair_window_start").set_value(1).run()
    first_words = charts(at)["inspect_pair_figure"]["layout"]["xaxis"]["ticktext"]
    assert first_words == expected_labels(" ".join(words), vocab)[:size] and not any("→" in w for w in first_words)
    at.slider(key="inspect_pair_window_start").set_value(slider.max).run()
    assert charts(at)["inspect_pair_figure"]["layout"]["xaxis"]["tickvals"][-1].startswith(f"{total} ")
