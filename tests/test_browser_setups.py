"""In a real browser: train the encoder-decoder on the set-ups page, type a number in words, read the digits."""

from __future__ import annotations

import re

import pytest
from conftest import wait_for_script


@pytest.mark.browser
def test_train_translation_and_read_its_output(app_url, page):
    page.goto(app_url)  # a fresh server must run app.py once before it knows the pages of st.navigation
    wait_for_script(page)
    page.goto(f"{app_url}/setups")
    wait_for_script(page)
    page.get_by_text("Many-to-many (encoder-decoder)", exact=True).click()
    wait_for_script(page)
    diagram = page.locator(".js-plotly-plot")
    diagram.get_by_text("twelve").wait_for()  # the unrolled diagram is drawn before any training

    page.get_by_role("button", name="Train").click()
    success = page.get_by_text(re.compile(r"^Trained in \d+\.\d s: exact match"))
    success.wait_for(timeout=120_000)
    assert re.search(r"unseen numbers: (9\d|100)\.\d%", success.inner_text())

    box = page.get_by_label("A number from 0 to 999 in English words")
    box.fill("seven hundred and five")
    box.press("Enter")
    diagram.get_by_text("seven").wait_for(timeout=60_000)
    wait_for_script(page)
    digits = page.get_by_test_id("stMetricValue").first.inner_text().strip()
    assert re.fullmatch(r"\d{1,4}", digits)
    verdict = page.get_by_test_id("stMetricDelta").first.inner_text().strip()
    assert verdict == ("right" if digits == "705" else "wrong, should be 705")
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.wait_for_timeout(1_000)  # let the table's canvas repaint at the new size before the screenshot
    page.screenshot(path="/tmp/setups.png")
