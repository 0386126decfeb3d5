"""The long-memory page: the course's two examples with counted words, the three cells trained live as jobs at a
short length with the shown accuracies equal to the jobs' results, the gradient chart with its computed sentence, and
the IMDb comparison's numbers equal to the scoring function's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import plotly_array, rerun_until
from streamlit.testing.v1 import AppTest

from rnn_demo.lessons.tasks import long_range
from rnn_demo.serving.jobs import JobStatus

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("pages/memory.py").run()
    assert not app.exception
    return app


def _jobs(at: AppTest) -> dict:
    return {cell: at.session_state["jobs"][f"memory_{cell}"] for cell in long_range.CELLS}


def test_course_examples_with_counted_words(at):
    assert at.title[0].value == "Long memory & vanishing gradients"
    long_caption = next(c.value for c in at.caption if "verdict on the movie" in c.value)
    assert "word 2 of 32" in long_caption and "across 30 steps" in long_caption
    assert any("sits 13–14 words before the answer" in c.value for c in at.caption)  # was "the last 9 words"
    assert any("Train all three" in info.value for info in at.info)


def curves_shown(at: AppTest) -> dict[str, list[tuple[int, float]]]:
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-memory_curves")]
    return {trace["name"]: list(zip(plotly_array(trace["x"]).tolist(), plotly_array(trace["y"]).tolist()))
            for trace in json.loads(chart.proto.spec)["data"]}


def test_on_arrival_the_cells_trained_before_class_are_shown_and_labelled(at):
    from rnn_demo.web import shared

    shipped = shared.shipped_memory_comparison()
    assert any("trained before class" in info.value and "seed 0, L = 50" in info.value for info in at.info)
    assert curves_shown(at) == {long_range.CELL_NAMES[c]: curve for c, curve in shipped.curves.items()}
    sentence = next(m.value for m in at.markdown if "At L = 50" in m.value)
    for cell, run in shipped.runs.items():
        assert f"{long_range.CELL_NAMES[cell]} **{run.metrics['accuracy']:.1%}**" in sentence
    gradients = shared.shipped_memory_gradients()
    assert any(m.value == long_range.describe_gradients(shipped.runs, gradients) for m in at.markdown)
    assert "memory_gradients_chart" in [chart.proto.id.split("-", 2)[2] for chart in at.get("plotly_chart")]


def test_three_cells_train_live_and_the_page_states_their_accuracies(at):
    at.slider(key="memory_length").set_value(10).run()
    at.button(key="memory_train").click().run()
    rerun_until(at, lambda at: "jobs" in at.session_state and all(j.finished for j in _jobs(at).values())
                and any("At L = 10" in m.value for m in at.markdown), timeout=300)
    jobs = _jobs(at)
    assert all(job.status is JobStatus.DONE for job in jobs.values())
    sentence = next(m.value for m in at.markdown if "At L = 10" in m.value)
    for cell, job in jobs.items():
        assert f"{long_range.CELL_NAMES[cell]} **{job.result.metrics['accuracy']:.1%}**" in sentence
    assert not any("trained before class" in info.value for info in at.info)  # the live runs replaced them
    from rnn_demo.figures.memory import step_accuracies

    assert curves_shown(at) == {long_range.CELL_NAMES[c]: step_accuracies(job.events) for c, job in jobs.items()}
    table = at.dataframe[0].value
    assert list(table["L"]) == [10]
    assert table["LSTM"].iloc[0] == f"{jobs['lstm'].result.metrics['accuracy']:.1%}"
    gradient_text = next(m.value for m in at.markdown if m.value.startswith("After training, across the 10 steps"))
    for name in long_range.CELL_NAMES.values():
        assert f"{name}: the first step gets" in gradient_text or f"{name}: the gradient underflows" in gradient_text


def test_imdb_accuracy_by_length_numbers_are_shown(at):
    at.toggle(key="memory_imdb").set_value(True).run(timeout=300)
    assert not at.exception
    from rnn_demo.web import shared

    rows = shared.imdb_accuracy_by_length()
    sentence = next(m.value for m in at.markdown if "points)" in m.value)
    for row in rows:
        if row["reviews"].startswith(("short", "long")):
            assert f"{row['model']} " in sentence and f"{row['accuracy']:.1%}" in sentence
    assert re.search(r"the gap (widens|narrows) with length", sentence)
