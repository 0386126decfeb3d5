"""Real-browser check of text a student cannot type on purpose: half of an emoji (a lone UTF-16 surrogate, e.g. from
a broken copy-paste). Before `widgets.keep_typed_text_well_formed`, Streamlit's frontend sent it as invalid UTF-8, the
server closed the connection (code 1002) without a word, and the old prediction stayed on screen."""

from __future__ import annotations

import re

import pytest
from conftest import wait_for_script
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PREDICTION = re.compile(r"^Prediction: (positive|negative) +\(P\(positive\) = (\d\.\d{3})\)$")
APPEND_LONE_SURROGATE = """(box) => {
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    setValue.call(box, box.value + " \\ud800 film");
    box.dispatchEvent(new Event("input", {bubbles: true}));
}"""


def test_half_an_emoji_in_a_review_keeps_the_connection_and_updates_the_prediction(page, app_url):
    closed = []
    page.on("websocket", lambda socket: socket.on("close", lambda _: closed.append(socket.url)))
    page.goto(f"{app_url}/inspect_gates")
    wait_for_script(page)
    heading = page.locator("h3", has_text="Prediction:")
    before = heading.inner_text()
    box = page.get_by_label("Review", exact=True)
    box.fill("a dull , boring and awful film")
    box.evaluate(APPEND_LONE_SURROGATE)
    box.press("Control+Enter")
    expect(heading).not_to_have_text(before, timeout=60_000)
    wait_for_script(page)
    assert not closed, "the server closed the connection"
    assert box.input_value().endswith("\ufffd film")
    assert PREDICTION.match(heading.inner_text())
