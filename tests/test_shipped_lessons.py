"""The lessons' models shipped in assets/lessons load and answer as they did when the shipping script measured them
(so what a page shows on arrival is computed from the shipped model itself)."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from rnn_demo.lessons import fluent_models, simple_rnn
from rnn_demo.lessons.tasks import long_range


@pytest.mark.parametrize("kind", [fluent_models.BAG_OF_WORDS, fluent_models.LSTM])
def test_the_shipped_next_word_models_give_their_recorded_held_out_answers(kind):
    shipped = fluent_models.load_shipped(kind)
    assert shipped.kind == kind and shipped.corpus is fluent_models.make_corpus(0, 3000)
    assert json.loads(json.dumps(asdict(shipped.held_out))) == fluent_models.recorded_held_out(kind)


def test_the_shipped_lstm_learned_the_lessons_point():
    assert fluent_models.load_shipped(fluent_models.LSTM).held_out.follows_grew_up >= fluent_models.LEARNED_SHARE


def test_the_shipped_small_rnn_has_its_recorded_accuracy():
    lesson = simple_rnn.load_shipped()
    assert lesson.accuracy == simple_rnn.recorded_accuracy()
    tokens = ["the", "movie", "was", "not", "good"]
    assert abs(lesson.predict(tokens) - simple_rnn.unroll(lesson, tokens).Y[-1]) < 1e-5  # Keras = the replay


def test_the_shipped_cells_have_their_recorded_accuracies_and_curves():
    comparison = long_range.load_shipped()
    assert {cell: run.metrics["accuracy"] for cell, run in comparison.runs.items()} == \
        long_range.recorded_accuracies()
    assert all(run.metrics["length"] == long_range.SHIPPED_LENGTH for run in comparison.runs.values())
    assert all(len(curve) == long_range.Budget().steps for curve in comparison.curves.values())


def test_a_missing_shipped_file_names_the_command_that_writes_it(tmp_path):
    with pytest.raises(ValueError, match="ship_lesson_models"):
        simple_rnn.load_shipped(tmp_path)
