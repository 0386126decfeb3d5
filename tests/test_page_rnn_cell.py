"""AppTest of "The RNN cell, step by step": after training, the formula and the matrices show the numbers of the
numpy replay (which equals Keras) at the chosen step; bad sentences get messages."""

from __future__ import annotations

import re
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import plotly_array, rerun_until
from streamlit.testing.v1 import AppTest

from rnn_demo.lessons.simple_rnn import unroll

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def chart(at: AppTest, key: str) -> list[dict]:
    """The traces of the Plotly figure shown under `key`, their x, y, z and customdata as numpy arrays."""
    (found,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return [{name: plotly_array(value) if name in ("x", "y", "z", "customdata") else value
             for name, value in trace.items()} for trace in json.loads(found.proto.spec)["data"]]


def latex(at: AppTest, index: int) -> str:
    """The formula of st.latex number `index`, without the $$ Streamlit wraps it in."""
    return at.latex[index].value.strip("$").strip()


def test_on_arrival_the_rnn_trained_before_class_is_unrolled_and_labelled():
    from rnn_demo.web import shared

    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/rnn_cell.py").run()
    assert not app.exception and not app.success
    shipped = shared.shipped_rnn_cell()
    assert any("trained before class" in info.value and f"right on {shipped.accuracy:.0%}" in info.value
               for info in app.info)
    u = unroll(shipped, ["the", "movie", "was", "not", "very", "good"])
    assert np.allclose(chart(app, "rnn_cell_recurrent")[0]["z"], u.weights["W_s"])
    assert np.allclose(chart(app, "rnn_cell_step")[0]["z"][-1], u.S[-1])
    assert latex(app, 2).endswith(f"= {u.Y[-1]:.3f}")


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/rnn_cell.py").run()
    assert not app.exception
    assert any("press **Train the small RNN** to train one live" in info.value for info in app.info)
    app.button(key="rnn_cell_train").click().run()
    rerun_until(app, lambda page: bool(page.success), timeout=300)
    return app


def test_the_formula_and_matrices_show_the_models_numbers(at):
    lesson = at.session_state["jobs"]["rnn_cell_lesson"].result
    assert not any("trained before class" in info.value for info in at.info)  # the live model replaced it
    at.text_input(key="rnn_cell_sentence").set_value("the movie was not good").run()
    at.slider(key="rnn_cell_t").set_value(4).run()
    assert not at.exception
    u = unroll(lesson, ["the", "movie", "was", "not", "good"])
    state_latex = latex(at, 1)
    assert state_latex.startswith(r"\begin{aligned} S_{4} &= \tanh(X_{4} W_x + S_{3} W_s + b)")
    assert state_latex.endswith(r"\begin{bmatrix}" + " & ".join(f"{v:.2f}" for v in u.S[3])
                                + r"\end{bmatrix} \end{aligned}")
    assert latex(at, 2).endswith(f"= {u.Y[3]:.3f}")
    step = chart(at, "rnn_cell_step")[0]["z"]
    assert np.allclose(step, np.vstack([u.input_part[3], u.state_part[3], u.weights["b"], u.pre_activation[3], u.S[3]]))
    assert np.allclose(chart(at, "rnn_cell_weights")[1]["z"], u.weights["W_x"])
    assert np.allclose(chart(at, "rnn_cell_recurrent")[0]["z"], u.weights["W_s"])
    (diagram,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-rnn_cell_diagram")]
    (band,) = [shape for shape in diagram["layout"]["shapes"] if shape.get("fillcolor") == "#fde7f3"]
    assert band["x0"] < 3 * 1.5 < band["x1"]  # step 4 (column 3, 1.5 apart) stands on the highlight band
    verdict = "positive" if u.Y[-1] > 0.5 else "negative"
    assert any(f"the model says **{verdict}** (Y_5 = {u.Y[-1]:.3f})" in c.value and "rule says negative" in c.value
               for c in at.caption)


def test_bad_sentences_get_messages(at):
    at.text_input(key="rnn_cell_sentence").set_value("the movie was <script>superb</script>").run()
    shown = re.sub(r"\\(.)", r"\1", at.error[0].value)  # what the student reads: Markdown escapes undone
    assert not at.exception and "not: <, script, >, superb" in shown and "\\<" in at.error[0].value  # as text
    at.text_input(key="rnn_cell_sentence").set_value("").run()
    assert "empty" in at.error[0].value
    at.text_input(key="rnn_cell_sentence").set_value("good").run()  # one word: no slider, still a step
    assert not at.exception and not at.error and "S_{1} &=" in latex(at, 1)
