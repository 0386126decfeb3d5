"""The analysis lab's tools: occlusion, what-if interventions, the equations, unit search and probes, checked against
Keras and against inspect.inspect (computed independently)."""

from pathlib import Path

import numpy as np
import pytest

from rnn_demo.core import data, lstm_math, text
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model import analysis, inspect, models, probes, unit_search

MODELS = Path(__file__).resolve().parents[1] / "assets" / "models"
CONFIG = RunConfig(name="tiny", text=TextConfig(vocab_size=16, maxlen=12), model=ModelConfig(embedding_dim=5, units=6),
                   train=TrainConfig(seed=2))
REVIEWS = ["a good film with a good cast", "a bad film , a dull plot", "the story is great !", "the end was awful"]
REVIEW = "I expected to hate it, but it was not bad at all."


@pytest.fixture(scope="module")
def tiny() -> models.Bundle:
    """A small LSTM classifier with random weights large enough that its gates move."""
    vocab = text.Vocabulary.build([text.tokenize(review) for review in REVIEWS], CONFIG.text.vocab_size)
    model = models.build_classifier(CONFIG)
    rng = np.random.default_rng(4)
    model.set_weights([rng.normal(0, 0.6, w.shape).astype("float32") for w in model.get_weights()])
    return models.Bundle(CONFIG, vocab, model)


@pytest.fixture(scope="module")
def fast() -> models.Bundle:
    return models.load_bundle(MODELS / "fast")


# ------------------------------------------------------------------------------------------------------ occlusion


def test_occluding_word_k_equals_the_prediction_of_the_review_without_it(fast):
    occlusion = analysis.occlude(fast, REVIEW)
    tokens = occlusion.review.tokens
    assert occlusion.spans == [(k, k + 1) for k in range(len(tokens))]
    assert occlusion.prediction == pytest.approx(inspect.inspect(fast, REVIEW).prediction, abs=1e-6)
    for k in (0, tokens.index("not"), tokens.index("bad"), len(tokens) - 1):
        without = inspect.inspect(fast, " ".join(tokens[:k] + tokens[k + 1:])).prediction
        assert occlusion.without[k] == pytest.approx(without, abs=1e-6)
        assert occlusion.change[k] == pytest.approx(without - occlusion.prediction, abs=1e-6)


def test_sentence_occlusion_drops_whole_sentences(fast):
    review = "The acting is wonderful. The plot is a boring mess! I would not watch it again"
    occlusion = analysis.occlude(fast, review, by="sentence")
    assert [occlusion.part_text(k) for k in range(3)] == [
        "the acting is wonderful .", "the plot is a boring mess !", "i would not watch it again"]
    for k, kept in enumerate(["The plot is a boring mess! I would not watch it again",
                              "The acting is wonderful. I would not watch it again",
                              "The acting is wonderful. The plot is a boring mess!"]):
        assert occlusion.without[k] == pytest.approx(inspect.inspect(fast, kept).prediction, abs=1e-6)


def test_occlusion_rejects_an_unknown_unit_of_dropping(tiny):
    with pytest.raises(ValueError, match="'word' or 'sentence'"):
        analysis.occlude(tiny, "a good film", by="letter")


# ------------------------------------------------------------------------------------------- what-if and replay


def test_without_a_change_the_replay_equals_keras(fast, tiny):
    for bundle, review in ((fast, REVIEW), (tiny, "a good film , a dull plot and a great cast !")):
        result = analysis.what_if(bundle, review)
        keras_prediction = float(bundle.model.predict_on_batch(
            text.pad_rows([result.original.review.ids.tolist()], bundle.config.text.maxlen))[0, 0])
        assert result.original.running_prediction[-1] == pytest.approx(keras_prediction, abs=1e-5)
        np.testing.assert_array_equal(result.changed.running_prediction, result.original.running_prediction)
        assert result.prediction_change == 0.0


def test_the_default_path_of_lstm_trace_is_unchanged_by_an_empty_intervention(tiny):
    weights = analysis.weights_of(tiny)
    inputs = np.random.default_rng(0).normal(size=(9, 5))
    plain = lstm_math.lstm_trace(inputs, weights.kernel, weights.recurrent_kernel, weights.bias)
    empty = lstm_math.lstm_trace(inputs, weights.kernel, weights.recurrent_kernel, weights.bias,
                                 intervention=lstm_math.Intervention())
    for name in ("input_gate", "forget_gate", "candidate", "output_gate", "cell", "hidden"):
        np.testing.assert_array_equal(getattr(plain, name), getattr(empty, name))


def test_forget_clamped_to_one_with_the_input_gate_shut_keeps_c_constant(tiny):
    weights = analysis.weights_of(tiny)
    inputs = np.random.default_rng(1).normal(size=(8, 5))
    c0 = np.linspace(-0.8, 0.9, 6)
    frozen = lstm_math.Intervention(forget_value=1.0, shut_input_steps=frozenset(range(8)))
    trace = lstm_math.lstm_trace(inputs, weights.kernel, weights.recurrent_kernel, weights.bias, c0=c0,
                                 intervention=frozen)
    np.testing.assert_array_equal(trace.cell, np.tile(c0, (8, 1)))
    np.testing.assert_allclose(trace.hidden, trace.output_gate * np.tanh(c0))

    review = "a good film , a dull plot"
    result = analysis.what_if(tiny, review, forget_value=1.0, shut_input_words=range(len(text.tokenize(review))))
    cells = result.changed.trace.cell[result.original.padding - 1:]  # from the state the padding left
    np.testing.assert_array_equal(cells, np.tile(cells[0], (len(cells), 1)))
    assert not np.allclose(result.original.trace.cell[-1], cells[0])


def test_zeroing_a_unit_makes_its_states_zero_and_changes_the_prediction(tiny):
    result = analysis.what_if(tiny, "a good film , a dull plot", zero_units=[2])
    padding = result.original.padding
    assert np.all(result.changed.trace.hidden[padding:, 2] == 0) and np.all(result.changed.trace.cell[padding:, 2] == 0)
    assert np.any(result.original.trace.hidden[padding:, 2] != 0)
    np.testing.assert_array_equal(result.changed.trace.hidden[:padding], result.original.trace.hidden[:padding])
    assert result.prediction_change != 0.0


def test_shutting_the_input_gate_at_one_word_acts_at_that_word_only(tiny):
    result = analysis.what_if(tiny, "a good film , a dull plot", shut_input_words=[3])
    step = result.original.padding + 3
    assert np.all(result.changed.trace.input_gate[step] == 0)
    np.testing.assert_array_equal(result.changed.trace.hidden[:step], result.original.trace.hidden[:step])
    np.testing.assert_allclose(result.changed.trace.cell[step],
                               result.changed.trace.forget_gate[step] * result.changed.trace.cell[step - 1])


@pytest.mark.parametrize("changes, message", [
    (dict(zero_units=[6]), "unit 6 does not exist"),
    (dict(forget_value=1.5), "between 0 and 1"),
    (dict(shut_input_words=[40]), "outside the review"),
])
def test_what_if_rejects_bad_settings(tiny, changes, message):
    with pytest.raises(ValueError, match=message):
        analysis.what_if(tiny, "a good film", **changes)


# ----------------------------------------------------------------------------------------------------- equations


@pytest.mark.parametrize("step, unit", [(0, 0), (3, 5), (9, 31)])
def test_the_equations_recompute_the_traced_step(fast, step, unit):
    result = analysis.equations(fast, REVIEW, step, unit)
    assert result.largest_error < 1e-6
    inspection = inspect.inspect(fast, REVIEW)
    assert result.word == inspection.tokens[step]
    for k, name in enumerate(("input", "forget", "candidate", "output")):
        assert result.gate[k] == pytest.approx(inspection.states[name][step, unit], abs=1e-6)
    assert result.c_t == pytest.approx(inspection.states["cell"][step, unit], abs=1e-6)
    assert result.h_t == pytest.approx(inspection.states["hidden"][step, unit], abs=1e-6)
    if step > 0:
        assert result.c_prev == pytest.approx(inspection.states["cell"][step - 1, unit], abs=1e-6)
    np.testing.assert_allclose(result.pre_activation, result.input_part + result.recurrent_part + result.bias)
    assert [row["gate"] for row in result.rows()] == list(analysis.GATE_NAMES)


# ----------------------------------------------------------------------------------------------------- unit search


def test_unit_scores_prefer_units_high_on_the_span_and_low_elsewhere():
    hidden = np.zeros((6, 3))
    hidden[2:4, 0] = 0.9  # fires on the span only
    hidden[:, 1] = 0.9  # fires everywhere
    hidden[2:4, 2] = 0.4
    np.testing.assert_allclose(unit_search.unit_scores(hidden, 2, 4), [0.9, 0.0, 0.4])
    assert unit_search.top_units(hidden, 2, 4) == [0, 2]
    with pytest.raises(ValueError, match="within the review"):
        unit_search.unit_scores(hidden, 4, 9)


def test_find_matches_returns_the_planted_windows_best_first():
    maxlen, units = 10, 4
    hidden = np.zeros((3, maxlen, units), dtype=np.float16)
    hidden[0, 6:8, 1] = 0.9  # review 0 (4 words, from position 6): words 0-1 fire
    hidden[2, 5:7, 1] = 0.5  # review 2 (7 words, from position 3): words 2-3 fire, less
    hidden[1, :, 1] = 0.9  # review 1: 2 words of padding fire too; must not count
    index = unit_search.StateIndex(hidden, (tuple("abcd"), tuple("xyzuvwqr"), tuple("klmnopq")),
                                   np.array([1, 0, 1]), 0.0)
    matches = unit_search.find_matches(index, [1], span_length=2, top=3)
    assert [(m.review, m.start, m.end) for m in matches[:2]] == [(0, 0, 2), (2, 2, 4)]
    assert matches[0].score == pytest.approx(0.9 - 0.45, abs=1e-3)
    assert matches[0].tokens[matches[0].start:matches[0].end] == ("a", "b")
    assert matches[2].review == 1 and matches[2].score == pytest.approx(0.0, abs=1e-3)


def test_the_index_holds_keras_hidden_states_of_each_review(tiny):
    reviews = data.Reviews(tuple(REVIEWS), np.array([1, 0, 1, 0], dtype=np.int8))
    index = unit_search.build_index(tiny, reviews)
    assert index.hidden.shape == (4, 12, 6) and index.hidden.dtype == np.float16 and not index.hidden.flags.writeable
    for row, review in enumerate(REVIEWS):
        inspection = inspect.inspect(tiny, review)
        words = len(inspection.tokens)
        np.testing.assert_allclose(index.hidden[row, -words:], inspection.states["hidden"], atol=2e-3)
        assert index.tokens[row] == tuple(inspection.tokens)


# --------------------------------------------------------------------------------------------------------- probes


def test_the_probe_table_shows_inspects_predictions_and_pass_or_fail(fast, tiny):
    mine = probes.Probe("my probe", "a good film with a great cast", "positive", "my own")
    chosen = [*probes.FIXED_PROBES[:3], mine]
    results = {"fast": probes.run_probes(fast, chosen), "tiny": probes.run_probes(tiny, chosen)}
    rows = probes.table(results)
    assert [row["probe"] for row in rows] == [probe.name for probe in chosen]
    for name, bundle in (("fast", fast), ("tiny", tiny)):
        for row, probe in zip(rows, chosen):
            probability = inspect.inspect(bundle, probe.text).prediction
            outcome = "✓ pass" if probes.passes(probability, probe.expected) else "✗ fail"
            assert row[name].startswith(f"{outcome} · ")
            assert float(row[name].split(" · ")[1]) == pytest.approx(probability, abs=5e-4 + 1e-6)


def test_a_verdict_cut_by_maxlen_is_a_demonstration_not_a_failure(fast):
    """Issue 19: "verdict cut by MaxLen" cannot be passed by a model with MaxLen 200 (it never reads the verdict),
    yet counted as the model's FAIL."""
    cut = next(probe for probe in probes.FIXED_PROBES if probe.name == "verdict cut by MaxLen")
    kept = next(probe for probe in probes.FIXED_PROBES if probe.name == "verdict kept by MaxLen")
    results = probes.run_probes(fast, [cut, kept])
    assert results[0].words_cut > 0 and not results[0].verdict_seen
    assert results[0].outcome is probes.Outcome.NOT_SEEN and results[1].verdict_seen
    assert probes.table({"fast": results})[0]["fast"].startswith("– verdict cut · ")
    summary = probes.summary(results)
    assert summary.startswith(f"{int(results[1].passed)} of 1 probes pass")
    assert "Not counted: verdict cut by MaxLen (a demonstration" in summary
    styles = probes.styled_table({"fast": results})._compute().ctx  # (row, column) -> css of each cell
    assert ("background-color", probes.OUTCOME_COLORS[probes.Outcome.NOT_SEEN]) in styles[(0, 2)]
    assert ("background-color", probes.OUTCOME_COLORS[results[1].outcome]) in styles[(1, 2)]


def test_pass_rules_and_bad_probes():
    assert probes.passes(0.51, "positive") and not probes.passes(0.49, "positive") and probes.passes(0.2, "negative")
    assert probes.passes(0.6, "unsure") and not probes.passes(0.7, "unsure")
    with pytest.raises(ValueError, match="expects one of"):
        probes.Probe("x", "good", "maybe", "")
    with pytest.raises(ValueError, match="type a few words"):
        probes.Probe("x", "   ", "positive", "")
    with pytest.raises(ValueError, match="at most"):
        probes.Probe("x", "good " * 2000, "positive", "")
    with pytest.raises(ValueError, match="verdict words"):
        probes.Probe("x", "a good film", "positive", "", verdict="great")


def test_a_probe_with_nothing_readable_is_refused_and_cannot_break_the_table(fast):
    """Issue 9: a probe of control characters alone used to be added, then every model refused the whole table."""
    with pytest.raises(ValueError, match="the model can read"):
        probes.Probe("x", "\x00\x01\x07\x1b\x7f\u202e\u200b\ufeff", "positive", "")
    readable = probes.Probe("x", "\x00 good \x1b", "positive", "")
    assert len(probes.run_probes(fast, [*probes.FIXED_PROBES[:1], readable])) == 2
