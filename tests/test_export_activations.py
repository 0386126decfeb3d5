"""rnn_demo.model.export: one review's activations as CSV and JSON, one row per word and unit, equal to the trace."""

import csv
import io
import json

import numpy as np
import pytest

from rnn_demo.core import inspection, text
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model import export, inspect, models

CONFIG = RunConfig(name="tiny", text=TextConfig(vocab_size=16, maxlen=12), model=ModelConfig(embedding_dim=4, units=3),
                   train=TrainConfig(seed=1))
REVIEW = 'A "good", film, with =sum(1) zzz'  # quotes, commas, a formula-like start and an unknown word


@pytest.fixture(scope="module")
def result() -> inspection.Inspection:
    vocab = text.Vocabulary.build([text.tokenize("a good film with a cast")], 7)
    model = models.build_classifier(CONFIG)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return inspect.inspect(models.Bundle(CONFIG, vocab, model), REVIEW)


def _check_rows(rows: list[dict], result: inspection.Inspection, word=lambda token: token) -> None:
    words, units = len(result.tokens), CONFIG.model.units
    assert len(rows) == words * units
    assert [(int(row["position"]), int(row["unit"])) for row in rows] == [
        (position, unit) for position in range(1, words + 1) for unit in range(units)]
    for row in rows:
        step, unit = int(row["position"]) - 1, int(row["unit"])
        assert row["word"] == word(result.tokens[step])
        assert str(row["unknown"]) == str(bool(result.review.unknown[step]))
        for name, column in export.STATE_COLUMNS.items():
            assert float(row[column]) == pytest.approx(result.states[name][step, unit], abs=1e-6)
        assert float(row["running_p_positive"]) == pytest.approx(result.running_prediction[step], abs=1e-6)


def test_csv_has_one_row_per_word_and_unit_with_gate_names(result):
    written = export.activations_csv(result)
    reader = csv.DictReader(io.StringIO(written))
    assert reader.fieldnames == ["position", "word", "unknown", "unit", "input_gate", "forget_gate", "candidate",
                                 "output_gate", "cell_state", "hidden_state", "running_p_positive"]
    rows = list(reader)
    _check_rows(rows, result, word=export.spreadsheet_safe)
    assert '"' in result.tokens and "," in result.tokens and rows[3 * result.tokens.index('"')]["word"] == '"'


def test_json_holds_the_prediction_gate_names_and_the_same_rows(result):
    record = json.loads(export.activations_json(result))
    assert record["prediction"] == pytest.approx(result.prediction, abs=1e-6) and record["label"] == result.label
    assert record["words"] == result.tokens and record["columns"] == export.COLUMNS
    assert record["gates"]["forget_gate"] == "forget gate f_t" and record["gates"]["hidden_state"] == "hidden state h_t"
    _check_rows(record["rows"], result)


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(result):
    """OWASP's CSV injection advice: a cell starting with = + - @ gets a ' so a spreadsheet shows it as text."""
    assert "=" in result.tokens  # the review's "=sum(1)"
    rows = list(csv.DictReader(io.StringIO(export.activations_csv(result))))
    assert not [row["word"] for row in rows if row["word"].startswith(export.FORMULA_STARTS)]
    assert rows[CONFIG.model.units * result.tokens.index("=")]["word"] == "'="
    for formula in ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"):
        assert export.spreadsheet_safe(formula) == "'" + formula
    assert export.spreadsheet_safe(-0.25) == -0.25 and export.spreadsheet_safe("good") == "good"
