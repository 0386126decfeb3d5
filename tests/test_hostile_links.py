"""Hostile links and labels: a value from a share link, an own-texts label or typed text reaches the page as text,
never as Markdown (an image from any host would leak the class's addresses; a link inside the app's own warning
could phish). Every query parameter the app reads, and a few it does not, on every page that reads any."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnn_demo.core.url_state import INSPECT_VIEW

REPO = Path(__file__).resolve().parents[1]
IMAGE = "![](http://evil.example/o.png)"
LINK = "[CLICK HERE](http://evil.example/phish)"
# Markdown that would render as an image or a link: "![...](" or "[...](" not preceded by a backslash escape.
RENDERED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\((?!\s*\))")
MARKDOWN_ELEMENTS = ("markdown", "caption", "warning", "error", "info", "success", "subheader", "title", "header")


def _markdown_bodies(at: AppTest) -> list[str]:
    bodies = []
    for kind in MARKDOWN_ELEMENTS:
        bodies += [str(element.value) for element in at.get(kind)]
    return bodies


def _payload_rendered(at: AppTest) -> list[str]:
    return [body for body in _markdown_bodies(at) if "evil.example" in body and RENDERED_LINK.search(body)]


def test_the_check_finds_rendered_markdown():
    """The detector itself: unescaped image and link Markdown is found, the escaped form is not."""
    from rnn_demo.web.widgets import plain

    assert RENDERED_LINK.search(IMAGE) and RENDERED_LINK.search(f"In this link, {LINK}; the default")
    assert not RENDERED_LINK.search(plain(IMAGE)) and not RENDERED_LINK.search(plain(LINK))


@pytest.mark.parametrize("payload", [IMAGE, LINK])
@pytest.mark.parametrize("name", [*INSPECT_VIEW, "utm_source"])
def test_every_inspect_link_parameter_is_shown_as_text(name, payload):
    at = AppTest.from_file(str(REPO / "pages" / "inspect_gates.py"), default_timeout=120)
    at.query_params[name] = payload
    at.run()
    assert not at.exception
    assert _payload_rendered(at) == []
    if name in ("order", "show", "units", "unit", "present", "contrast"):  # refused: the warning names it as text
        warnings = [str(warning.value) for warning in at.warning]
        assert any("evil" in warning and name in warning for warning in warnings), warnings


@pytest.mark.parametrize("page", sorted(path.name for path in (REPO / "pages").glob("*.py")))
def test_no_page_renders_markdown_from_its_link(page):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    for name in [*INSPECT_VIEW, "page", "q"]:
        at.query_params[name] = LINK
    at.switch_page(f"pages/{page}").run()
    assert not at.exception
    assert _payload_rendered(at) == []


def test_a_model_named_in_markdown_is_named_as_text():
    """An unknown model in the link falls back; any message naming it shows its text literally."""
    at = AppTest.from_file(str(REPO / "pages" / "inspect_gates.py"), default_timeout=120)
    at.query_params["model"] = f"run 9 {IMAGE}"
    at.run()
    assert not at.exception and _payload_rendered(at) == []
