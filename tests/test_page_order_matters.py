"""AppTest of "Why order matters": the bags shown are the sentences' bags; after training, the top-5 bars are the
models' own probabilities; swapping the cities leaves the bag-of-words bars unchanged and moves the LSTM's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import plotly_array, rerun_until
from streamlit.testing.v1 import AppTest

from rnn_demo.lessons import fluent

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def chart(at: AppTest, key: str) -> list[dict]:
    """The traces of the Plotly figure shown under `key`, their x, y, z and customdata as numpy arrays."""
    (found,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return [{name: plotly_array(value) if name in ("x", "y", "z", "customdata") else value
             for name, value in trace.items()} for trace in json.loads(found.proto.spec)["data"]]


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/order_matters.py").run()
    assert not app.exception
    return app


def test_the_bags_shown_are_identical_for_the_course_sentence_and_its_shuffle(at):
    heatmap = chart(at, "order_bags")[0]
    assert np.array_equal(heatmap["z"][0], heatmap["z"][1]) and sum(heatmap["z"][0]) == 9
    assert any("**identical**" in caption.value for caption in at.caption)
    at.text_input(key="order_bag_b").set_value("I was born in Tokyo but I grew up in <b>Rome</b>").run()
    heatmap = chart(at, "order_bags")[0]
    assert not np.array_equal(heatmap["z"][0], heatmap["z"][1])
    assert any("different in" in caption.value and "`rome`" in caption.value for caption in at.caption)
    assert "&lt;" in str(np.asarray(heatmap["customdata"]).tolist()) and "<b>" not in str(list(heatmap["x"]))  # as text
    at.text_input(key="order_bag_b").set_value("   ").run()
    assert [error.value for error in at.error] == ["The sentence is empty: type a few words, e.g. the course's sentence."]
    at.text_input(key="order_bag_b").set_value(fluent.COURSE_SHUFFLED).run()


def bars(at: AppTest) -> list[tuple[list[str], list[float]]]:
    return [(list(trace["y"]), list(trace["x"])) for trace in chart(at, "order_top5")]


def before_class(at: AppTest) -> bool:
    return any("trained before class" in info.value for info in at.info)


def test_on_arrival_the_models_trained_before_class_answer_and_are_labelled(at):
    from rnn_demo.web import shared

    assert before_class(at) and not at.exception
    models = [shared.shipped_next_word_model(kind) for kind in ("bag of words", "LSTM")]
    for (words, probabilities), model in zip(bars(at), models):
        expected = fluent.top_words(model.probabilities(fluent.COURSE_SENTENCE), model.corpus.vocabulary)
        assert words == [word for word, _ in expected] and np.allclose(probabilities, [p for _, p in expected])
    assert bars(at)[1][0][0] == "japanese"  # the shipped LSTM follows the city of growing up
    assert list(at.dataframe[-1].value["LSTM"]) == [answer[0] for answer in models[1].held_out.answers]
    assert not at.warning  # the shipped LSTM learned the point
    assert "LSTM (trained before class in" in top5_layout(at)  # the chart names its models too


def top5_layout(at: AppTest) -> str:
    (found,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-order_top5")]
    return json.dumps(json.loads(found.proto.spec)["layout"])


def test_after_training_the_top_five_are_the_models_own(at):
    at.button(key="order_train").click().run()
    rerun_until(at, lambda app: not before_class(app), timeout=300)
    assert "before class" not in top5_layout(at)
    jobs = at.session_state["jobs"]
    models = [jobs["order_bow"].result, jobs["order_lstm"].result]
    text = at.text_area(key="order_sentence").value
    assert text == fluent.COURSE_SENTENCE
    for (words, probabilities), model in zip(bars(at), models):
        expected = fluent.top_words(model.probabilities(text), model.corpus.vocabulary)
        assert words == [word for word, _ in expected]
        assert np.allclose(probabilities, [p for _, p in expected])
    assert bars(at)[1][0][0] == "japanese"  # grew up in Tokyo

    before = bars(at)
    at.button(key="order_swap").click().run()
    assert at.text_area(key="order_sentence").value == fluent.swap_places(fluent.COURSE_SENTENCE)
    after = bars(at)
    assert after[0] == before[0]  # the bag of words: same bag, same answer
    assert after[1][0][0] == "french" != before[1][0][0]  # the LSTM follows the city of growing up

    held_out = at.dataframe[-1].value
    lstm = models[1].held_out
    assert list(held_out["LSTM"]) == [answer[0] for answer in lstm.answers]
    assert any(f"for **{lstm.follows_grew_up:.0%}** of pairs" in md.value for md in at.markdown)


def test_bad_sentences_get_messages(at):
    at.text_area(key="order_sentence").set_value("word " * 500).run()
    assert at.error and "at most 60" in at.error[0].value
    at.text_area(key="order_sentence").set_value("I grew up in Lyon 🙂. I speak fluent").run()
    assert not at.exception and not at.error
    assert any("lyon, 🙂" in info.value for info in at.info)
    at.text_area(key="order_sentence").set_value("fluent").run()
    at.button(key="order_swap").click().run()
    assert any("two different places" in warning.value for warning in at.warning)


def test_a_training_that_did_not_learn_says_so_and_offers_a_new_start(monkeypatch):
    """The page's claim is computed from this model's held-out answers: a stuck LSTM is named as such, with a button
    that trains both again on the next seed."""
    from dataclasses import replace

    from rnn_demo.lessons import fluent_models

    real_train, seeds = fluent_models.train, []

    def stuck_train(kind, on_event=lambda event: None, should_stop=lambda: False,
                    settings=fluent_models.FluentSettings()):
        seeds.append(settings.seed)
        model = real_train(kind, on_event, should_stop, replace(settings, train_sentences=300, lstm_epochs=1))
        return replace(model, held_out=replace(model.held_out, follows_grew_up=0.4)) if kind == fluent_models.LSTM \
            else model

    monkeypatch.setattr(fluent_models, "train", stuck_train)
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/order_matters.py").run()
    app.button(key="order_train").click().run()
    rerun_until(app, lambda page: any("did not learn the point" in warning.value for warning in page.warning))
    assert any("40%" in warning.value for warning in app.warning)
    assert not before_class(app)  # the tiny live models replaced the shipped ones, bars and all
    jobs = app.session_state["jobs"]
    for (words, probabilities), key in zip(bars(app), ("order_bow", "order_lstm")):
        model = jobs[key].result
        expected = fluent.top_words(model.probabilities(fluent.COURSE_SENTENCE), model.corpus.vocabulary)
        assert words == [word for word, _ in expected] and np.allclose(probabilities, [p for _, p in expected])
    app.button(key="order_train_again").click().run()
    rerun_until(app, lambda page: len(seeds) == 4)  # both new jobs have begun training on the next seed
    for job in app.session_state["jobs"].values():  # the new start's jobs: stopped and ended before the test ends
        job.request_stop()
        job.join(60)
    assert seeds[-2:] == [1, 1] and seeds[:2] == [0, 0]
