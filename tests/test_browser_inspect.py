"""Real-browser test of the Inspect page on a projector-sized screen: the lecture link (`?present=1`) shows a heatmap
and its colour bar above the fold at 1280x720, with no chart text under 20 px."""

from __future__ import annotations

import pytest
from conftest import wait_for_script
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'


def test_lecture_link_shows_a_heatmap_and_its_colour_bar_above_the_fold(app_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{app_url}/inspect_gates?present=1")
        wait_for_script(page)
        page.wait_for_selector(f"{CHART} .heatmaplayer image")
        page.wait_for_selector(f"{CHART} .colorbar")
        page.wait_for_timeout(1000)  # let Plotly settle its layout
        assert page.get_by_role("switch", name="Lecture mode").is_checked()
        heatmap = page.locator(f"{CHART} .heatmaplayer image").first.bounding_box()
        colour_bar = page.locator(f"{CHART} .colorbar").first.bounding_box()
        print(f"\nfirst heatmap top at {heatmap['y']:.0f} px, its colour bar at {colour_bar['y']:.0f} px (fold: 720)")
        assert 0 <= heatmap["y"] < 720 - 60  # at least 60 px of the first heatmap is visible without scrolling
        assert 0 <= colour_bar["y"] < 720 - 60
        sizes = page.evaluate(f"""() => [...document.querySelectorAll('{CHART} svg text')]
            .filter(text => text.textContent.trim()).map(text => parseFloat(getComputedStyle(text).fontSize))""")
        assert sizes and min(sizes) >= 20, sorted(set(sizes))
        page.screenshot(path="/tmp/shot_inspect_present_1280x720.png")
    finally:
        context.close()


def test_a_shared_link_opens_the_same_view_in_another_browser(app_url, browser):
    """The teacher's browser changes the view; the address it then shows opens the same view in a fresh browser."""
    review = "The acting was wonderful, but the plot is a boring mess."
    teacher = browser.new_context(viewport={"width": 1280, "height": 900})
    student = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = teacher.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{app_url}/inspect_gates")
        wait_for_script(page)
        box = page.get_by_label("Review", exact=True)
        box.fill(review)
        box.press("Control+Enter")
        wait_for_script(page)
        page.get_by_text("rising with the running prediction first").click()
        wait_for_script(page)
        page.wait_for_function("() => window.location.search.includes('order=correlation')")
        link = page.url
        assert "review=" in link, link
        prediction = page.get_by_text("Prediction:").first.inner_text()

        other = student.new_page()
        other.set_default_timeout(120_000)
        other.goto(link)
        wait_for_script(other)
        # The first visit's navigation rerun may draw the page twice: wait for the view to settle.
        expect(other.get_by_label("Review", exact=True)).to_have_value(review, timeout=60_000)
        expect(other.get_by_role("radio", name="rising with the running prediction first")).to_be_checked()
        expect(other.get_by_text("Prediction:").first).to_have_text(prediction, timeout=60_000)
    finally:
        teacher.close()
        student.close()
