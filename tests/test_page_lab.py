"""The Analysis lab and Probes pages: the numbers they show equal the model's own (via inspect.inspect, computed
independently of rnn_demo.model.analysis), and user text never reaches the page as markup."""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnn_demo.core import text
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model import inspect, models, probes
from rnn_demo.serving import runs
from rnn_demo.serving.jobs import Job, JobStatus, TrainingSlots

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
COURSE_EXAMPLE = ("I loved this movie! The action sequences were on point and the acting was terrific. "
                  "Highly recommended!")
REVIEW = "I expected to hate it, but it was not bad at all."
MARKUP = re.compile(r"<\s*/?\s*(script|b)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def fast() -> models.Bundle:
    return models.load_bundle(models.PRETRAINED_MODELS / "fast")


@pytest.fixture(scope="module")
def seed() -> models.Bundle:
    return models.load_bundle(models.PRETRAINED_MODELS / "course")


def review_key(default: str = COURSE_EXAMPLE) -> str:
    return f"lab_review_{zlib.crc32(default.encode())}"


def open_lab(review: str | None = None, shared: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    if shared is not None:
        at.session_state["shared_review"] = shared
    at.switch_page("pages/lab.py").run()
    assert not at.exception
    if review is not None:
        at.text_area(key=review_key(shared or COURSE_EXAMPLE)).set_value(review).run()
        assert not at.exception
    return at


def charts(at: AppTest) -> dict[str, dict]:
    return {chart.proto.id.split("-", 2)[2]: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}


def captions(at: AppTest, start: str) -> list[str]:
    return [caption.value for caption in at.caption if caption.value.startswith(start)]


def decode(value) -> np.ndarray:
    """A Plotly JSON array: either a plain list or a typed array {"dtype", "bdata" (base64), "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return array.reshape([int(size) for size in str(value["shape"]).split(",")]) if "shape" in value else array
    return np.asarray(value)


def cells(spec: dict) -> dict[str, float]:
    """Word -> value of a coloured-words heatmap (the words are unique in the reviews used here, but for 'it')."""
    (heatmap,) = spec["data"]
    return {word: float(value) for row_words, row_values in zip(heatmap["text"], decode(heatmap["z"]))
            for word, value in zip(row_words, row_values) if word}


def test_the_lab_opens_on_the_shared_review_and_shows_the_models_prediction(fast):
    at = open_lab(shared=REVIEW)
    assert not at.warning and not at.error
    assert at.text_area(key=review_key(REVIEW)).value == REVIEW
    (shown,) = [item.value for item in at.markdown if item.value.startswith("P(positive) of this review")]
    probability = inspect.inspect(fast, REVIEW).prediction
    assert shown == f"P(positive) of this review: **{probability:.3f}** (negative)" and probability < 0.5


def test_occlusion_of_a_word_equals_the_prediction_without_it(fast):
    at = open_lab(REVIEW)
    values = cells(charts(at)["lab_occlusion"])
    tokens = text.tokenize(REVIEW)
    original = inspect.inspect(fast, REVIEW).prediction
    for word in ("not", "bad", "hate", "expected"):
        k = tokens.index(word)
        without = inspect.inspect(fast, " ".join(tokens[:k] + tokens[k + 1:])).prediction
        assert values[word] == pytest.approx(original - without, abs=1e-6)  # its push: with it minus without it
    (caption,) = captions(at, "Strongest push on P(positive)")
    changes = {word: value for word, value in values.items() if word != "it"}
    strongest = max(changes, key=lambda word: abs(changes[word]))
    assert caption.startswith(f"Strongest push on P(positive): '{strongest}', towards "
                              f"{'positive' if changes[strongest] > 0 else 'negative'}: {changes[strongest]:+.3f} "
                              f"({original - changes[strongest]:.3f} without it, {original:.3f} with it)")


def test_sentence_occlusion_shows_each_sentence_dropped(fast):
    review = "The acting is wonderful. The plot is a boring mess!"
    at = open_lab(review)
    at.radio(key="lab_occlusion_by").set_value("sentence").run()
    bars = charts(at)["lab_occlusion"]["data"][0]
    original = inspect.inspect(fast, review).prediction
    for shown, kept in zip(decode(bars["x"]), ["The plot is a boring mess!", "The acting is wonderful."]):
        assert shown == pytest.approx(original - inspect.inspect(fast, kept).prediction, abs=1e-6)


def test_what_if_draws_the_models_running_prediction_and_the_changed_one(fast):
    at = open_lab(REVIEW)
    expected = inspect.inspect(fast, REVIEW).running_prediction
    at.radio(key="lab_whatif_kind").set_value("clamp the forget gate").run()
    at.radio(key="lab_whatif_value").set_value(0.0).run()
    original, changed = (decode(trace["y"]) for trace in charts(at)["lab_whatif"]["data"])
    np.testing.assert_allclose(original, expected, atol=1e-6)
    assert not np.allclose(changed, expected, atol=1e-3)
    (caption,) = captions(at, "Forget gate of every unit clamped to 0")
    assert f"final P(positive) {expected[-1]:.3f} → {changed[-1]:.3f}" in caption

    at.radio(key="lab_whatif_kind").set_value("shut the input gate at a word").run()
    original, changed = (decode(trace["y"]) for trace in charts(at)["lab_whatif"]["data"])
    np.testing.assert_allclose(changed[:-1], expected[:-1], atol=1e-6)
    assert changed[-1] != pytest.approx(expected[-1], abs=1e-6)  # the last word's input is shut


def test_find_units_lists_the_span_first_and_five_test_matches():
    at = open_lab(REVIEW)
    words = [f"{k}: {token}" for k, token in enumerate(text.tokenize(REVIEW))]
    at.select_slider(key=f"lab_span_{zlib.crc32(REVIEW.encode())}").set_value((words[9], words[10])).run()
    (caption,) = captions(at, "Units ")
    assert "fire most selectively on 'not bad'" in caption and "Searched 400 test reviews" in caption
    spec = charts(at)["lab_matches"]
    assert spec["layout"]["yaxis"]["ticktext"][0] == "this review" and len(spec["layout"]["yaxis"]["ticktext"]) == 6
    first_box = spec["layout"]["shapes"][0]
    assert (first_box["x0"], first_box["x1"]) == (3.5, 5.5)  # words 9-10 with 4 words of context before them
    assert spec["data"][0]["text"][0][4:6] == ["not", "bad"]


def test_the_equations_show_the_traced_gates_and_states(fast):
    at = open_lab(REVIEW)
    key = zlib.crc32(REVIEW.encode())
    at.selectbox(key=f"lab_eq_word_{key}").set_value("10: bad").run()
    at.number_input(key="lab_eq_unit_32").set_value(7).run()
    states = inspect.inspect(fast, REVIEW).states
    table = at.dataframe[0].value
    for row, name in zip(table.itertuples(), ("input", "forget", "candidate", "output")):
        assert row.value == pytest.approx(states[name][10, 7], abs=1e-6)
    assert np.allclose(table["z"], table["W·x_t"] + table["U·h_(t-1)"] + table["b"])
    (check,) = captions(at, "Identity check")
    assert f"traced c_t = {states['cell'][10, 7]:.6f}, h_t = {states['hidden'][10, 7]:.6f}" in check
    assert "✓ equal within 1e-6" in check
    assert any(f"= {states['hidden'][10, 7]:.4f}" in latex.value for latex in at.latex)


def test_markup_in_a_review_is_shown_as_text():
    at = open_lab("<script>alert(1)</script> This is <b>not</b> good [link](http://example.com)")
    assert not at.exception
    for key, spec in charts(at).items():
        assert not MARKUP.search(json.dumps(spec)), key
    for element in [*at.caption, *at.markdown]:
        assert not MARKUP.search(element.value) and "](http" not in element.value
    assert not at.get("html")


def test_an_empty_review_asks_for_text():
    at = open_lab("   ")
    assert [error.value for error in at.error] == ["Type a review above to analyse what the model does with it."]
    assert not at.get("plotly_chart")


def test_the_probe_table_shows_each_models_predictions_and_user_probes(fast, seed):
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("pages/lab_probes.py").run()
    assert not at.exception
    at.text_input(key="lab_probe_text").set_value("A great film with a wonderful cast.")
    at.radio(key="lab_probe_expected").set_value("positive")
    at.button(key="lab_probe_add").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    all_probes = [*probes.FIXED_PROBES, probes.Probe("my probe 1", "A great film with a wonderful cast.",
                                                     "positive", "your own")]
    assert list(table["probe"]) == [probe.name for probe in all_probes]
    for model, bundle in (("fast model", fast), ("course model", seed)):
        results = probes.run_probes(bundle, all_probes)
        for row, result in zip(table.to_dict("records"), results):
            probability = inspect.inspect(bundle, result.probe.text).prediction
            assert float(row[model].split(" · ")[1]) == pytest.approx(probability, abs=5e-4 + 1e-6)
            assert row[model].startswith(result.outcome.value)
        judged = [result for result in results if result.outcome is not probes.Outcome.NOT_SEEN]
        passed = sum(result.passed for result in judged)
        assert any(caption.value.startswith(f"**{model}**: {passed} of {len(judged)} probes pass")
                   for caption in at.caption)
    assert list(table.columns) == ["probe", "expected", "fast model", "course model"]  # narrow: fits 1280 px


def test_an_empty_user_probe_is_refused_with_a_message():
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("pages/lab_probes.py").run()
    at.button(key="lab_probe_add").click().run()
    assert [error.value for error in at.error] == ["a probe needs a review: type a few words."]
    assert len(at.dataframe[0].value) == len(probes.FIXED_PROBES)


def test_a_probe_of_control_characters_is_refused_and_the_table_stays():
    """Issue 9: such a probe used to be added, and then every model refused the whole probe table for the session."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("pages/lab_probes.py").run()
    at.text_input(key="lab_probe_text").set_value("\x00\x01\x07\x1b\x7f\u202e\u200b\ufeff")
    at.button(key="lab_probe_add").click().run()
    assert not at.exception
    assert [error.value for error in at.error] == [
        "a probe needs a word or punctuation mark the model can read; this review has none."]
    assert list(at.dataframe[0].value["probe"]) == [probe.name for probe in probes.FIXED_PROBES]


def test_my_own_model_gets_its_own_search_index_and_probe_columns():
    """A session's trained model (here a tiny random one standing in for a finished training job)."""
    config = RunConfig(name="tiny", text=TextConfig(vocab_size=40, maxlen=30),
                       model=ModelConfig(embedding_dim=4, units=5), train=TrainConfig(seed=1))
    words = "the film is good bad not great awful plot acting movie a and it was".split()
    model = models.build_classifier(config)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    mine = models.Bundle(config, text.Vocabulary(tuple(words)), model, {"test_accuracy": 0.5, "test_reviews": 10})
    job = Job(lambda on_event, should_stop: mine, TrainingSlots(1), status=JobStatus.DONE, result=mine)
    history = runs.RunHistory(runs.MAX_RUNS, 250 * runs.MB)
    label = history.add(config, job).label  # what the Train page leaves in the session

    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["run_history"] = history
    at.session_state["lab_model"] = label
    at.session_state["lab_probe_models"] = [label]
    at.switch_page("pages/lab.py").run()
    assert not at.exception and at.selectbox(key="lab_model").value == label
    (caption,) = captions(at, "Units ")
    assert "Searched 400 test reviews" in caption
    stored_bundle, index = at.session_state["lab_state_index"]
    assert stored_bundle is mine and index.hidden.shape == (400, 30, 5)
    at.run()
    assert at.session_state["lab_state_index"][1] is index  # kept for the session, not recomputed

    at.switch_page("pages/lab_probes.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    column = label.split(':')[0]
    assert list(table.columns) == ["probe", "expected", column]
    for row, probe in zip(table.to_dict("records"), probes.FIXED_PROBES):
        assert float(row[column].split(" · ")[1]) == pytest.approx(inspect.inspect(mine, probe.text).prediction,
                                                                   abs=5e-4 + 1e-6)


def test_the_labs_choices_survive_a_visit_to_another_page():
    at = open_lab(REVIEW)
    at.selectbox(key="lab_model").set_value("pretrained course model (course preset, 128 units)").run()
    at.radio(key="lab_occlusion_by").set_value("sentence").run()
    at.radio(key="lab_whatif_kind").set_value("zero a unit").run()
    at.number_input(key="lab_whatif_unit_128").set_value(100).run()
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/lab.py").run()
    assert not at.exception
    assert at.text_area(key=review_key()).value == REVIEW
    assert at.selectbox(key="lab_model").value == "pretrained course model (course preset, 128 units)"
    assert at.radio(key="lab_occlusion_by").value == "sentence"
    assert at.number_input(key="lab_whatif_unit_128").value == 100
    assert captions(at, "Unit 100 zeroed") and not at.warning


def test_a_probe_opens_in_the_lab():
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("pages/lab_probes.py").run()
    at.selectbox(key="lab_probe_pick").set_value("negation: not bad at all").run()
    at.button(key="lab_probe_open").click().run()
    assert not at.exception
    assert at.text_area(key=review_key(REVIEW)).value == REVIEW
    assert captions(at, "Strongest push on P(positive)")
