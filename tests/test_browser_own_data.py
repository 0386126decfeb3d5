"""Real browser: upload a German + English CSV on the Train page, train a small model on it, and inspect a German
text from its test split on the Inspect page, in the same session."""

from __future__ import annotations

import pytest
from conftest import wait_for_script
from own_data_samples import to_csv, two_language_rows
from playwright.sync_api import expect
from test_browser_core import (
    CHART,
    commit_review,
    open_page,
    screenshot,
    wait_for_charts,
)

from rnn_demo.core import own_data, text
from rnn_demo.figures.common import shorten

pytestmark = pytest.mark.browser


def test_upload_a_csv_train_on_it_and_inspect_a_text_from_its_test_split(app_url, page, tmp_path):
    csv_file = tmp_path / "unsere_texte.csv"
    csv_file.write_text(to_csv(two_language_rows(per_label=400, seed=5, noise=0.1)), encoding="utf-8")
    own = own_data.parse(csv_file.read_bytes(), name=csv_file.name)
    german = next(review for review in own.splits.test.texts if " war " in review)

    open_page(page, f"{app_url}/train_lstm")
    page.get_by_text("Train on my own texts instead of IMDb").click()
    wait_for_script(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv_file))
    page.get_by_text("640 texts to train on, 80 to validate after each epoch, 80 to test", exact=False).wait_for()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1, timeout=30_000)  # the label mapping
    for label, value in (("Epochs", "4"),):
        field = page.get_by_label(label, exact=True)
        field.fill(value)
        field.press("Tab")
    wait_for_script(page)
    screenshot(page, "/tmp/shot_own_data_upload.png")
    page.get_by_role("button", name="Start training").click()
    page.get_by_text("Test accuracy on 80 test texts", exact=True).wait_for(timeout=180_000)
    wait_for_script(page)
    # 80 test texts: the 95% interval and a warning that the number is uncertain (issue 19)
    page.get_by_text("95% interval", exact=False).first.wait_for()
    assert "only 80 test texts" in page.locator('[data-testid="stAlert"]').filter(has_text="95% interval").inner_text()
    # 640 texts at the fast preset's batch 256 would be 2 steps an epoch: the note says what this run does instead
    page.get_by_text("gradient steps (at least 100", exact=False).first.wait_for()
    shown = page.locator('[data-testid="stMetric"]').filter(has_text="Test accuracy")
    accuracy = float(shown.locator('[data-testid="stMetricValue"]').inner_text().rstrip("%")) / 100
    print(f"\nbrowser own-data model: test accuracy {accuracy:.1%} on 80 texts")
    assert accuracy > 0.5  # above chance
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "/tmp/shot_own_data_trained.png")

    page.locator('[data-testid="stSidebarNav"] a', has_text="Inspect the gates").click()
    wait_for_script(page)
    page.get_by_text("run 1: fast", exact=False).first.click()  # the run just trained, as Inspect lists it
    wait_for_script(page)
    commit_review(page, german)
    wait_for_script(page)
    wait_for_charts(page)
    heading = page.locator("h3").filter(has_text="Prediction: ").first
    heading.wait_for()
    # The classes are named by the uploaded labels, not IMDb's positive/negative.
    assert f"(P({own.mapping.positive}) = " in heading.inner_text()
    words = set(text.tokenize(german))
    page.wait_for_function(f"""(words) => {{ const ticks = new Set([...document.querySelectorAll('{CHART} .xtick text')]
        .map(text => text.textContent.replace(/\?$/, ''))); return words.every(word => ticks.has(word)); }}""",
                           arg=sorted(shorten(word) for word in words - {"."}))  # long words are shortened
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "/tmp/shot_own_data_inspect.png")
