"""Real-browser tests of the Inspect and Train pages against `streamlit run app.py` in headless Chromium: typing a
review redraws the prediction and the heatmaps; a tiny training runs live and its model appears on Inspect."""

from __future__ import annotations

import re
import time

import pytest
from conftest import wait_for_script
from playwright.sync_api import expect

from rnn_demo.core.config import preset

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'
HEATMAP_IMAGE = f"{CHART} .heatmaplayer image"  # Plotly draws each heatmap as a bitmap inside the chart's SVG
PREDICTION = re.compile(r"^Prediction: (positive|negative) {2}\(P\(positive\) = \d\.\d{3}\)$")
NEGATIVE_WORDS = ("the plot was dull and the acting was awful , a boring waste of time with terrible dialogue and "
                  "a stupid ending that made no sense at all . ").split()


def open_page(page, url: str) -> None:
    """Load `url` in a new browser session and wait for its script to finish.

    The page scripts live in a folder named pages/, so Streamlit runs the first session of a fresh server in its
    old multipage mode; `streamlit_hooks.use_app_navigation` sends it through app.py instead. Either way: no "Page not found"."""
    page.goto(url)
    wait_for_script(page)
    assert not page.get_by_role("dialog").filter(has_text="Page not found").count()


def screenshot(page, path: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to that block's height first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(height, 12_000)})
    page.wait_for_timeout(500)  # let the charts fit the new size
    page.screenshot(path=path)
    page.set_viewport_size({"width": 1400, "height": 1000})


def prediction_text(page) -> str:
    heading = page.locator("h3").filter(has_text=PREDICTION)
    heading.wait_for()
    return heading.inner_text().strip()


def commit_review(page, review: str) -> float:
    """Type `review` into the Review box and commit it with Ctrl+Enter; returns the commit time."""
    box = page.get_by_label("Review", exact=True)
    box.fill(review)
    started = time.perf_counter()
    box.press("Control+Enter")
    return started


def wait_for_charts(page, charts: int = 4, heatmaps: int = 6) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('{CHART}').length >= {charts}"
        f" && document.querySelectorAll('{HEATMAP_IMAGE}').length >= {heatmaps}")


def test_typing_a_review_redraws_the_prediction_and_the_heatmaps(app_url, page):
    open_page(page, f"{app_url}/inspect_gates")
    wait_for_charts(page)
    before = prediction_text(page)

    words = (NEGATIVE_WORDS * 20)[:200]
    assert len(words) == 200
    started = commit_review(page, " ".join(words))
    page.wait_for_function(
        "(before) => [...document.querySelectorAll('h3')].some("
        "h => h.innerText.startsWith('Prediction:') && h.innerText.trim() !== before)", arg=before)
    seconds = time.perf_counter() - started
    print(f"\n200-word review: new prediction shown {seconds:.2f} s after Ctrl+Enter")
    wait_for_script(page)
    wait_for_charts(page)
    after = prediction_text(page)
    assert after != before and "negative" in after  # the page now shows the typed review, not the example
    # The word axis now carries the typed words (Plotly redraws its SVG just after the script run ends).
    page.wait_for_function(f"""() => {{ const words = new Set([...document.querySelectorAll('{CHART} .xtick text')]
        .map(text => text.textContent)); return ['dull', 'awful', 'boring'].every(word => words.has(word)); }}""")
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "/tmp/shot_inspect.png")


def start_tiny_training(page) -> float:
    """On the Train page: start a `fast` run on 600 reviews for one epoch (seconds); returns when Start was pressed."""
    for label, value in (("Reviews used (80% train, 10% validation, 10% test)", "600"),
                         ("Vocabulary size (words)", "2000"), ("Epochs", "1")):
        field = page.get_by_label(label, exact=True)
        field.fill(value)
        field.press("Tab")
    started = time.perf_counter()
    page.get_by_role("button", name="Start training").click()
    return started


def test_a_tiny_training_then_inspecting_my_model_in_the_same_session(app_url, page):
    open_page(page, f"{app_url}/train_lstm")
    started = start_tiny_training(page)
    page.get_by_text("Test accuracy on 60 test reviews", exact=True).wait_for(timeout=120_000)
    print(f"\ntiny training: results shown {time.perf_counter() - started:.1f} s after Start")
    wait_for_script(page)
    epochs = page.locator('[data-testid="stMetric"]').filter(has_text="Epochs completed")
    expect(epochs.locator('[data-testid="stMetricValue"]')).to_have_text("1")
    expect(page.locator(CHART)).to_have_count(2, timeout=30_000)  # curves and confusion matrix
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(2, timeout=30_000)  # summary, table of runs
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "/tmp/shot_train.png")

    # The sidebar link keeps this browser session (a new URL load would start a new one, without the model).
    page.locator('[data-testid="stSidebarNav"] a', has_text="Inspect the gates").click()
    wait_for_script(page)
    page.get_by_text(re.compile(r"^run 1: fast, 32 units, [0-9.]+% test accuracy \(95% interval [0-9.]+%–[0-9.]+%\)$")).click()
    wait_for_script(page)
    fast = preset("fast")
    page.get_by_text(f"{fast.model.units} LSTM units, MaxLen {fast.text.maxlen}, vocabulary 2,000 words").wait_for()
    wait_for_charts(page)
    prediction_text(page)
    assert not page.locator('[data-testid="stException"]').count()
