"""AppTest of the Activations & losses page: every number shown follows the sliders and equals rnn_demo's values,
the charts mark the user's input, and bad softmax scores give an error while the last good chart stays."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from rnn_demo.core import activations, losses

REPO = Path(__file__).resolve().parents[1]
PAGE = str(REPO / "pages" / "activations.py")


@pytest.fixture(scope="module")
def at():
    """The page on its own (app.py's Home would load the pretrained model first), one session for the module."""
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.run()
    assert not app.exception
    return app


def texts(at: AppTest) -> list[str]:
    return [element.value for element in at.markdown]


def chart(at: AppTest, key: str) -> dict:
    """The Plotly spec of the chart with this key (its element id ends with "-<key>")."""
    specs = {element.proto.id.split("-", 2)[2]: element.proto.spec for element in at.get("plotly_chart")}
    return json.loads(specs[key])


def values(array) -> np.ndarray:
    """A Plotly JSON array: a plain list, or a typed array {"dtype", "bdata" (base64)} for numpy data."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array, dtype=float)


@pytest.mark.parametrize("x", [4.0, -1.5, 0.0])
def test_activation_sentences_follow_the_slider(at, x):
    at.slider(key="act_x").set_value(x).run()
    assert not at.exception
    for name in activations.ACTIVATIONS:
        assert activations.slope_at(name, x).sentence() in texts(at)
    markers = [trace for trace in chart(at, "act_activation_chart")["data"] if trace.get("name") == "your x"]
    assert len(markers) == 3 and all(list(values(trace["x"])) == [x, x] for trace in markers)
    np.testing.assert_allclose(values(markers[0]["y"]), [activations.sigmoid(x), activations.sigmoid_derivative(x)])
    titles = [note["text"] for note in chart(at, "act_activation_chart")["layout"]["annotations"]]
    assert titles[1] == f"tanh: slope {activations.tanh_derivative(x):.2g} at x = {x:g}"


def test_softmax_follows_scores_and_temperature(at):
    at.text_input(key="act_scores").set_value("3, 1, -2").run()
    at.slider(key="act_temperature").set_value(2.0).run()
    assert not at.exception and not at.error
    assert activations.softmax_sentence([3, 1, -2], 2.0) in texts(at)
    bars = chart(at, "act_softmax_chart")["data"][0]
    np.testing.assert_allclose(values(bars["y"]), activations.softmax([3, 1, -2], 2.0))


BAD_SCORES = [("1, <script>alert(1)</script>", "Item 2 is not a number"), ("", "Type two or more numbers"),
              ("😀, 日本", "Items 1, 2 are not numbers"), ("5", "at least two numbers"), ("1," * 40, "At most 10")]


def test_bad_scores_show_an_error_and_keep_the_last_good_chart(at):
    at.text_input(key="act_scores").set_value("4, 0.5").run()
    at.slider(key="act_temperature").set_value(1.0).run()
    for bad, message in BAD_SCORES:
        at.text_input(key="act_scores").set_value(bad).run()
        assert not at.exception
        assert len(at.error) == 1 and message in at.error[0].value and "last scores that worked" in at.error[0].value
        assert "<script>" not in at.error[0].value
        np.testing.assert_allclose(values(chart(at, "act_softmax_chart")["data"][0]["y"]), activations.softmax([4, .5]))
        assert activations.softmax_sentence([4, 0.5], 1.0) in texts(at)


def test_loss_sentences_follow_the_sliders(at):
    at.slider(key="act_target").set_value(-0.5).run()
    at.slider(key="act_prediction").set_value(1.2).run()
    at.radio(key="act_label").set_value(0).run()
    at.slider(key="act_p_binary").set_value(0.8).run()
    at.slider(key="act_p_true").set_value(0.65).run()
    assert not at.exception
    shown = texts(at)
    assert losses.regression_sentence(-0.5, 1.2) in shown
    assert losses.binary_sentence(0, 0.8) in shown
    assert losses.multiclass_sentence(0.65) in shown
    marks = [trace for trace in chart(at, "act_loss_chart")["data"] if trace.get("mode") == "markers"]
    assert [values(trace["x"])[0] for trace in marks] == pytest.approx([1.2, 1.2, 0.8, 0.65])
    assert values(marks[0]["y"])[0] == pytest.approx(losses.mse([-0.5], [1.2]))


def test_loss_table_and_course_difference_are_shown(at):
    table = next(frame.value for frame in at.dataframe if "compiled loss" in frame.value.columns)
    assert list(table["compiled loss"]) == [use.keras_loss for use in losses.LOSS_USES]
    assert list(table["set-up"]) == [use.setup for use in losses.LOSS_USES]
    assert [info.value for info in at.info] == losses.course_differences()


def test_gradient_chain_follows_the_sliders(at):
    at.slider(key="act_w_s").set_value(2.0).run()
    at.slider(key="act_w_x").set_value(0.5).run()
    at.slider(key="act_steps").set_value(30).run()
    assert not at.exception
    chain = activations.gradient_chain(0.5, 2.0, 0.0, np.random.default_rng(0).normal(size=30))
    assert chain.sentence() in texts(at)
    gradient = chart(at, "act_chain_chart")["data"][0]
    assert list(values(gradient["x"])) == list(range(1, 31))
    np.testing.assert_allclose(values(gradient["y"]), chain.gradient)
