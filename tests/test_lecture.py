"""Lecture mode (rnn_demo.web.lecture) as app.py runs it: the link turns it on for the session, in any of the words a
link may use; a link value it cannot read is named as text and leaves it off; the switch turns it off again."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
