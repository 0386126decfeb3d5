"""Lecture mode (rnn_demo.web.lecture) as app.py runs it: the link turns it on for the session, in any of the words a
link may use; a link value it cannot read is named as text and leaves it off; the switch turns it off again; every
page's charts take the lecture's font size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnn_demo.figures.common import FONT_SIZE, PRESENTER_FONT_SIZE

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HOSTILE = "![x](https://evil.example/pixel.png)"


def open_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    at.switch_page("pages/activations.py").run()
    assert not at.exception
    return at


def styles(at) -> str:
    return "".join(element.proto.body for element in at.get("html"))


@pytest.mark.parametrize("query", [{"lecture": "1"}, {"lecture": "true"}, {"present": "1"}, {"lecture": "yes"}])
def test_the_link_turns_lecture_mode_on_for_the_session(query):
    at = open_app(**query)
    assert at.session_state["lecture"] is True and at.toggle(key="lecture").value is True
    assert "stHeader" in styles(at) and "present" not in at.query_params  # the lecture CSS; the old word is gone
    at.switch_page("pages/memory.py").run()  # the next lesson, in the same session (AppTest lists app.py's own
    assert not at.exception and at.session_state["lecture"] is True  # elements on a session's first run only)


def test_without_the_link_it_is_off_and_captions_are_still_darker():
    at = open_app()
    assert at.session_state["lecture"] is False
    assert "stHeader" not in styles(at) and "stCaptionContainer" in styles(at)


def test_a_link_value_it_cannot_read_is_named_as_text_and_leaves_it_off():
    at = open_app(lecture=HOSTILE)
    assert at.session_state["lecture"] is False
    (warning,) = [str(warning.value) for warning in at.warning if "lecture" in str(warning.value)]
    assert "lecture mode stays off" in warning and "\\[x\\]" in warning  # Markdown escaped: shown, not fetched


def test_the_switch_turns_it_off():
    at = open_app(lecture="true")
    at.toggle(key="lecture").set_value(False).run()
    assert not at.exception and at.session_state["lecture"] is False


def chart_font_sizes(at) -> dict[str, set[int]]:
    """Each chart of the page (by key): the sizes of its texts, from the layout, each axis, annotation and legend,
    and each trace's own texts and colour bar, as Streamlit sends them to the browser."""
    found = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec["layout"]
        fonts = [layout.get("font", {})] + [axis.get(part, {}) for name, axis in layout.items()
                                            if name.startswith(("xaxis", "yaxis")) for part in ("tickfont",)]
        fonts += [note.get("font", {}) for note in layout.get("annotations", [])]
        fonts += [legend.get("font", {}) for name, legend in layout.items() if name.startswith("legend")]
        fonts += [trace["textfont"] for trace in spec["data"] if "textfont" in trace]
        fonts += [trace["colorbar"].get("tickfont", {}) for trace in spec["data"] if "colorbar" in trace]
        found[chart.proto.id.split("-", 2)[2]] = {font.get("size") for font in fonts}
    return found


# Every page with charts on arrival except Inspect (it sizes its own: tests/test_page_inspect.py).
CHART_PAGES = ["activations", "rnn_cell", "setups", "order_matters", "memory", "lab"]


@pytest.mark.parametrize("name", CHART_PAGES)
def test_lecture_mode_draws_every_chart_of_a_page_at_the_lecture_size(name):
    """Issue 19: lecture mode enlarged Inspect's charts only; the others kept 14 px text on the projector."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(lecture="1")
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception
    sizes = chart_font_sizes(at)
    assert sizes, "no chart on arrival"
    assert {key: found for key, found in sizes.items() if found != {PRESENTER_FONT_SIZE}} == {}
    at.toggle(key="lecture").set_value(False).run()  # and back to the page's own sizes, none under 14 px
    assert not at.exception and all(min(found - {None}) >= FONT_SIZE for found in chart_font_sizes(at).values())
