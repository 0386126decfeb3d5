"""The Analysis lab in a real browser at projector size (1280x720): the occlusion chart, its colour bar with its
meaning and the computed caption are visible without scrolling, and typed markup shows as text."""

from __future__ import annotations

import pytest
from conftest import browser_page, wait_for_script

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'


def test_the_occlusion_chart_and_its_colour_bar_are_above_the_fold(app_url, browser):
    with browser_page(browser) as page:
        page.goto(f"{app_url}/lab")
        wait_for_script(page, 240_000)
        box = page.get_by_label("Review (from the Inspect page, or type one)")
        box.fill("I expected to hate it, but it was <b>not</b> bad at all.")
        box.press("Control+Enter")
        # the rerun may not have begun when the script state is read: wait for the typed review's words in the chart
        page.locator(f"{CHART} text", has_text="expected").first.wait_for(timeout=60_000)
        wait_for_script(page, 240_000)
        page.locator(f"{CHART} .heatmaplayer image").first.wait_for()

        caption = page.get_by_text("Strongest push on P(positive)", exact=False).first
        assert "towards" in caption.inner_text()
        colour_bar_title = page.locator(f"{CHART} .cbtitle").first
        assert "push on P(positive)" in colour_bar_title.text_content()
        for element in (caption, colour_bar_title, page.locator(f"{CHART} .heatmaplayer image").first):
            area = element.bounding_box()
            assert area is not None and area["y"] >= 0 and area["y"] + min(area["height"], 60) <= 720, area
        cell_texts = page.locator(f"{CHART} text").all_text_contents()
        assert "<" in cell_texts and "b" in cell_texts and "not" in cell_texts  # markup split into plain tokens
        assert not page.locator(f"{CHART} b").count()


def test_the_probe_table_fits_a_projector_with_symbols_and_colours(app_url, browser):
    """Issue 19: at 1280x720 the table showed 2 of the chosen models and 10 of 13 rows, FAIL not marked by colour."""
    with browser_page(browser) as page:
        page.goto(f"{app_url}/lab_probes")
        wait_for_script(page, 240_000)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.wait_for()
        page.screenshot(path="/tmp/probes_1280x720.png")
        area = table.bounding_box()
        assert area is not None and area["x"] >= 0 and area["x"] + area["width"] <= 1280, area
        table.scroll_into_view_if_needed()
        page.screenshot(path="/tmp/probes_table.png")
        area = table.bounding_box()
        assert area["height"] <= 720 and area["y"] >= 0 and area["y"] + area["height"] <= 720, area
        # The grid draws on a canvas; its accessible copy names every cell: each row and each model's column.
        page.locator('[data-testid="stDataFrame"] [role="columnheader"]').first.wait_for(state="attached")
        page.locator('[data-testid="stDataFrame"] [role="gridcell"]').nth(13 * 2 - 1).wait_for(state="attached")
        cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_text_contents()
        headers = page.locator('[data-testid="stDataFrame"] [role="columnheader"]').all_text_contents()
        assert {"probe", "expected", "fast model", "course model"} <= {header.strip() for header in headers}, headers
        assert sum(cell.startswith(("✓ pass", "✗ fail", "– verdict cut")) for cell in cells) == 13 * 2, cells
