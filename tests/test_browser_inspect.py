"""Real-browser test of the Inspect page on a projector-sized screen: the lecture link (`?present=1`) shows a heatmap
and its colour bar above the fold at 1280x720, with no chart text under 20 px."""

from __future__ import annotations

import pytest

from conftest import wait_for_script

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
