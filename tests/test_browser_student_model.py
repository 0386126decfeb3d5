"""Real-browser test of issue 19's "the student's model follows them": a tiny `fast` run trained in the browser is
the model Inspect, the Analysis lab and Probes open on; a link to that run opened in a fresh browser says the run is
not there and which model is shown instead."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

import pytest
from conftest import wait_for_script
from test_browser_core import open_page, start_tiny_training

pytestmark = pytest.mark.browser

RUN = re.compile(r"run 1: fast, 32 units, [0-9.]+% test accuracy \(95% interval [0-9.]+%–[0-9.]+%\)")


def test_a_trained_run_is_the_default_model_and_its_link_elsewhere_says_it_is_not_there(app_url, browser, page):
    started = time.perf_counter()
    open_page(page, f"{app_url}/train_lstm")
    start_tiny_training(page)
    page.get_by_text("Test accuracy on 60 test reviews", exact=True).wait_for(timeout=120_000)
    wait_for_script(page)

    # The sidebar's links keep this browser session; each page opens on the new run and names it.
    for link in ("Inspect the gates", "Analysis lab", "Probes: where the model fails"):
        page.locator('[data-testid="stSidebarNav"] a', has_text=link).click()
        wait_for_script(page)
        shown = page.get_by_text(re.compile(rf"^Showing: {RUN.pattern}")).first
        shown.wait_for(timeout=60_000)
        assert not page.locator('[data-testid="stException"]').count(), link
    label = RUN.search(shown.inner_text()).group(0)

    # The same run's link in another browser (a new context: no cookies, a new session), in lecture mode.
    other = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        elsewhere = other.new_page()
        elsewhere.set_default_timeout(60_000)
        open_page(elsewhere, f"{app_url}/inspect_gates?{urlencode({'model': label, 'lecture': 'true'})}")
        warning = elsewhere.get_by_text(re.compile("is not available here"))
        warning.wait_for()
        text = warning.inner_text()
        assert f"“{label}”" in text and "Shown instead: pretrained model (fast preset)." in text
        assert warning.bounding_box()["y"] < 720  # above the fold, though the model picker is folded away
        elsewhere.screenshot(path="/tmp/shot_link_elsewhere.png")
    finally:
        other.close()
    print(f"\nstudent's model across pages and a link elsewhere: {time.perf_counter() - started:.1f} s")
