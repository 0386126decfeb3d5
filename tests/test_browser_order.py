"""Real-browser test of "Why order matters": train both next-word models live, type a sentence, read the top-5 next
words of both models from the chart Plotly drew."""

from __future__ import annotations

import time

import pytest
from conftest import wait_for_script

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'


def bar_words(page) -> list[list[str]]:
    """The y-axis words of each subplot of the top-5 figure, best first. Plotly's SVG holds one layer per y axis with
    its tick labels (class ytick, y2tick) bottom to top; the axes are reversed, so the best word is drawn last."""
    return page.evaluate(f"""() => {{
        const chart = [...document.querySelectorAll('{CHART}')].find(c => c.textContent.includes('P(next word)'));
        if (!chart) return [];
        return [...chart.querySelectorAll('.yaxislayer-above')].map(layer =>
            [...layer.querySelectorAll('g[class$="tick"] text')].map(t => t.textContent).reverse()); }}""")


def test_train_then_type_a_sentence_and_read_the_top_five(app_url, page):
    page.goto(f"{app_url}/order_matters")
    wait_for_script(page)
    started = time.perf_counter()
    page.get_by_role("button", name="Train both models").click()
    box = page.get_by_label("Sentence (edit it; the models guess the word after it)")
    box.wait_for(timeout=300_000)
    # The page opens on the two models trained before class; the live ones replace them when both are done (the
    # chart then names them "trained N s" instead of "trained before class").
    page.wait_for_function(f"""() => [...document.querySelectorAll('{CHART}')].some(c =>
        c.textContent.includes('P(next word)') && c.textContent.includes('trained')
        && !c.textContent.includes('before class'))""", timeout=300_000)
    print(f"\nboth models trained and shown {time.perf_counter() - started:.1f} s after the click")
    wait_for_script(page)

    box.fill("Born in Rome, she grew up in Seoul with her grandparents, so she speaks fluent")
    box.press("Control+Enter")
    wait_for_script(page)
    # the caption under the bars reads the typed sentence (not the box itself, which holds the same words)
    page.locator('[data-testid="stCaptionContainer"]', has_text="so she speaks fluent").first.wait_for()
    page.wait_for_function(f"""() => [...document.querySelectorAll('{CHART}')].some(c =>
        c.textContent.includes('P(next word)')
        && c.querySelectorAll('.yaxislayer-above g[class$="tick"] text').length >= 10)""")
    bow, lstm = bar_words(page)
    assert len(bow) == len(lstm) == 5
    caption = page.get_by_text("the LSTM on").inner_text()
    assert "**" not in caption and f"the LSTM on {lstm[0]}" in caption and f"bets on {bow[0]}" in caption
    # What the page claims for the model it trained: if it says this LSTM learned the held-out pairs, it answers with
    # the language of where she grew up; if not, the page says so and offers a new start.
    learned = not page.get_by_text("This LSTM did not learn the point").count()
    if learned:
        assert lstm[0] == "korean"
    else:
        assert page.get_by_role("button", name="Train both again with another seed").count() == 1
    # Swapping the cities gives the bag of words the same bag: its five bets stay as they were.
    page.get_by_role("button", name="Swap the two cities").click()
    wait_for_script(page)
    assert bar_words(page)[0] == bow
    assert not page.locator('[data-testid="stException"]').count()
