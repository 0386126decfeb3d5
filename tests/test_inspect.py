"""rnn_demo.model.inspect: the word-by-word trace equals Keras, tokens are marked, units ordered; and the pretrained bundle."""

from pathlib import Path

import numpy as np
import pytest
from keras import layers

from rnn_demo.core import data, inspection, text
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model import inspect, models, training

MODELS = Path(__file__).resolve().parents[1] / "assets" / "models"
CONFIG = RunConfig(name="tiny", text=TextConfig(vocab_size=16, maxlen=12), model=ModelConfig(embedding_dim=5, units=6),
                   train=TrainConfig(seed=2))
REVIEWS = ["a good film with a good cast", "a bad film , a dull plot", "the story is great !", "the end was awful"]
TOLERANCE = 1e-5


def _random_bundle(config: RunConfig) -> models.Bundle:
    vocab = text.Vocabulary.build([text.tokenize(review) for review in REVIEWS], config.text.vocab_size)
    model = models.build_classifier(config)
    rng = np.random.default_rng(4)
    model.set_weights([rng.normal(0, 0.6, w.shape).astype("float32") for w in model.get_weights()])
    return models.Bundle(config, vocab, model)


@pytest.fixture(scope="module")
def bundle():
    return _random_bundle(CONFIG)


def _keras_hidden_states(bundle: models.Bundle, ids: np.ndarray) -> np.ndarray:
    """Keras' own h_t for every word: a copy of the bundle's LSTM with return_sequences=True and the same weights, fed
    the review pre-padded to MaxLen as the model reads it."""
    lstm = bundle.model.get_layer("lstm")
    copy = layers.LSTM(lstm.units, return_sequences=True)
    copy.build((None, None, bundle.config.model.embedding_dim))
    copy.set_weights(lstm.get_weights())
    padded = text.pad_rows([ids.tolist()], bundle.config.text.maxlen)[0]  # (maxlen,)
    embedded = bundle.model.get_layer("embedding").get_weights()[0][padded]  # (maxlen, embedding_dim)
    return np.asarray(copy(embedded[None].astype("float32")))[0][-len(ids):]  # (time, units), the real words


def test_running_prediction_ends_at_the_prediction_keras_gives(bundle):
    result = inspect.inspect(bundle, "A good film, a dull plot!")
    assert result.running_prediction.shape == (len(result.tokens),)
    padded = text.pad_rows([result.review.ids.tolist()], bundle.config.text.maxlen)
    keras_prediction = float(np.asarray(bundle.model.predict_on_batch(padded))[0, 0])
    assert abs(result.prediction - keras_prediction) <= TOLERANCE
    assert abs(result.running_prediction[-1] - result.prediction) <= TOLERANCE
    assert 0 < result.prediction < 1 and result.label == ("positive" if result.prediction >= 0.5 else "negative")
    assert np.all((result.running_prediction > 0) & (result.running_prediction < 1))


def test_states_have_one_row_per_word_and_one_column_per_unit(bundle):
    result = inspect.inspect(bundle, "the story is great")
    assert set(result.states) == set(inspection.LSTM_STATES)
    for name, values in result.states.items():
        assert values.shape == (4, CONFIG.model.units), name
    for gate in ("input", "forget", "output"):
        assert np.all((result.states[gate] >= 0) & (result.states[gate] <= 1))
    assert np.all(np.abs(result.states["candidate"]) <= 1) and np.all(np.abs(result.states["hidden"]) <= 1)


def test_replayed_hidden_states_equal_keras_lstm_with_return_sequences(bundle):
    result = inspect.inspect(bundle, "a good film with a dull plot , the end was great")
    keras_hidden = _keras_hidden_states(bundle, result.review.ids)
    np.testing.assert_allclose(result.states["hidden"], keras_hidden, atol=TOLERANCE)
    cell = result.states["cell"]  # c_t and h_t agree with each other as the course writes them
    np.testing.assert_allclose(result.states["hidden"], result.states["output"] * np.tanh(cell), atol=1e-12)


def test_the_remembered_padding_steps_follow_the_weights_and_any_review_length():
    """Only the real words are replayed per review (the padding steps are remembered per layer): reviews of every
    length, in any order, still equal Keras, and after new weights the padding is replayed with them."""
    bundle = _random_bundle(CONFIG)
    for review in ["good", REVIEWS[0], "a " * 30 + "dull", "the end"]:  # 1 word, 7, cut to MaxLen (no padding), 2
        result = inspect.inspect(bundle, review)
        np.testing.assert_allclose(result.states["hidden"], _keras_hidden_states(bundle, result.review.ids),
                                   atol=TOLERANCE)
    before = inspect.inspect(bundle, "the end")
    lstm = bundle.model.get_layer("lstm")
    kernel, recurrent, bias = lstm.get_weights()
    lstm.set_weights([kernel, recurrent, bias + 0.5])  # e.g. the same layer trained further
    after = inspect.inspect(bundle, "the end")
    np.testing.assert_allclose(after.states["hidden"], _keras_hidden_states(bundle, after.review.ids), atol=TOLERANCE)
    assert np.abs(after.states["hidden"] - before.states["hidden"]).max() > 1e-3
    assert abs(after.running_prediction[-1] - after.prediction) <= TOLERANCE


def test_every_layer_is_read_as_it_is_now_on_every_inspection():
    """The weights are read from the layers on every call (never remembered): after the embedding and the Dense head
    change too, the trace and the prediction are those of the new weights, equal to Keras."""
    bundle = _random_bundle(CONFIG)
    review = "a good film , a dull plot"
    before = inspect.inspect(bundle, review)
    embedding, dense = bundle.model.get_layer("embedding"), bundle.model.get_layer("dense")
    embedding.set_weights([embedding.get_weights()[0][::-1].copy()])  # every word gets another word's vector
    kernel, bias = dense.get_weights()
    dense.set_weights([-kernel, bias + 0.25])
    after = inspect.inspect(bundle, review)
    np.testing.assert_allclose(after.states["hidden"], _keras_hidden_states(bundle, after.review.ids), atol=TOLERANCE)
    padded = text.pad_rows([after.review.ids.tolist()], bundle.config.text.maxlen)
    assert abs(after.prediction - float(np.asarray(bundle.model.predict_on_batch(padded))[0, 0])) <= TOLERANCE
    assert np.abs(after.states["hidden"] - before.states["hidden"]).max() > 1e-3
    assert abs(after.prediction - before.prediction) > 1e-3


def test_unknown_and_cut_words_are_marked(bundle):
    result = inspect.inspect(bundle, "a marvellous film")
    assert result.tokens == ["a", "marvellous", "film"] and result.review.unknown.tolist() == [False, True, False]
    long = " ".join(["word"] * 20 + ["a", "good", "film"])  # 23 words, maxlen 12: the first 11 are cut
    cut = inspect.inspect(bundle, long)
    assert len(cut.tokens) == 12 and cut.tokens[-3:] == ["a", "good", "film"] and cut.review.truncated
    assert len(cut.review.cut_tokens) == 11 and cut.states["hidden"].shape == (12, 6)
    record = cut.to_json_dict()
    assert record["cut_tokens"] == 11 and record["unknown"][:9] == [True] * 9


def test_saturation_shares_are_between_0_and_1(bundle):
    saturation = inspect.inspect(bundle, "a good film with a good cast").saturation()
    assert set(saturation) == set(inspection.GATES)
    for gate, shares in saturation.items():
        assert 0 <= shares["closed"] <= 1 and 0 <= shares["open"] <= 1 and shares["closed"] + shares["open"] <= 1
    everything_open = inspect.inspect(bundle, "the end").saturation(low=-1.0, high=-0.5)
    assert all(shares == {"closed": 0.0, "open": 1.0} for shares in everything_open.values())


@pytest.mark.parametrize("mode", ["index", "variance", "correlation"])
def test_order_units_returns_a_permutation(bundle, mode):
    result = inspect.inspect(bundle, "a good film , a bad plot")
    for state in inspection.LSTM_STATES:
        order = inspection.order_units(result, state, by=mode)
        assert sorted(order.tolist()) == list(range(CONFIG.model.units))
    if mode == "variance":
        variances = result.states["cell"].var(axis=0)[inspection.order_units(result, "cell", by=mode)]
        assert np.all(np.diff(variances) <= 0)


def test_bad_unit_order_and_empty_text_are_refused(bundle):
    result = inspect.inspect(bundle, "good")
    with pytest.raises(ValueError, match="variance"):
        inspection.order_units(result, "hidden", by="loudness")
    for empty in ("", "   \n"):
        with pytest.raises(ValueError, match="empty"):
            inspect.inspect(bundle, empty)


def test_only_lstm_models_can_be_inspected():
    with pytest.raises(ValueError, match="gru"):
        inspect.inspect(_random_bundle(CONFIG.with_changes(cell="gru")), "a good film")


def test_compare_a_minimal_pair(bundle):
    first, second = inspect.inspect(bundle, "a good film"), inspect.inspect(bundle, "a bad film")
    difference = inspection.compare(first, second)
    assert difference["prediction_change"] == pytest.approx(second.prediction - first.prediction)
    assert [column.tag for column in difference["columns"]] == ["equal", "replace", "equal"]
    assert difference["states"]["hidden"].shape == (3, 6)
    assert np.allclose(difference["states"]["hidden"][0], 0)  # the same first word gives the same first state
    assert not np.allclose(difference["states"]["hidden"][1], 0)
    assert difference["changes"] == "replaced “good” (word 2) with “bad”"


def test_align_pairs_words_around_an_insertion_instead_of_shifting_them():
    first, second = text.tokenize("This movie is good."), text.tokenize("This movie is not good.")
    columns = inspection.align(first, second)
    assert [(column.tag, column.first, column.second) for column in columns] == [
        ("equal", 0, 0), ("equal", 1, 1), ("equal", 2, 2), ("insert", None, 3), ("equal", 3, 4), ("equal", 4, 5)]
    assert inspection.describe_changes(first, second) == "inserted “not” before word 4 (“good”)"
    deleted = inspection.align(second, first)
    assert [column.tag for column in deleted] == ["equal"] * 3 + ["delete"] + ["equal"] * 2
    # a replaced span of unequal length pairs what it can, the rest stands alone
    uneven = inspection.align(["a", "b", "c"], ["a", "x", "y", "z", "c"])
    assert [(column.tag, column.first, column.second) for column in uneven] == [
        ("equal", 0, 0), ("replace", 1, 1), ("insert", None, 2), ("insert", None, 3), ("equal", 2, 4)]
    assert inspection.describe_changes(["a"], ["a", "b", "."]) == "inserted “b .” at the end"
    assert inspection.describe_changes(["a"], ["a"]) == ""


def test_compare_an_insertion_compares_aligned_words_only(bundle):
    first, second = inspect.inspect(bundle, "a good film"), inspect.inspect(bundle, "a not good film")
    difference = inspection.compare(first, second)
    hidden = difference["states"]["hidden"]  # (columns, units): a, + not, good, film
    assert hidden.shape == (4, 6) and np.isnan(hidden[1]).all() and not np.isnan(hidden[[0, 2, 3]]).any()
    np.testing.assert_allclose(hidden[2], second.states["hidden"][2] - first.states["hidden"][1])
    np.testing.assert_allclose(hidden[3], second.states["hidden"][3] - first.states["hidden"][2])
    assert difference["largest"]["hidden"] == pytest.approx(np.nanmax(np.abs(hidden)))
    assert np.isnan(difference["running"][1])
    assert difference["running"][3] == pytest.approx(second.running_prediction[3] - first.running_prediction[2])


def test_saturation_caption_is_computed_from_the_gate_values(bundle):
    result = inspect.inspect(bundle, "a good film with a good cast , the end was great")
    caption = inspection.saturation_caption(result)
    shares = {gate: np.mean((result.states[gate] < 0.1) | (result.states[gate] > 0.9)) for gate in inspection.GATES}
    assert (f"For this review, {shares['input']:.1%} of input-gate, {shares['forget']:.1%} of forget-gate and "
            f"{shares['output']:.1%} of output-gate values are saturated") in caption
    assert f"The forget gate's mean is {result.states['forget'].mean():.2f}" in caption
    mean, open_share = result.states["forget"].mean(), np.mean(result.states["forget"] > 0.9)
    expected = ("like a switch left open" if open_share >= 0.5 else "keeps memory partly" if mean >= 0.6 else
                "forgets most of its memory" if mean <= 0.4 else "keeps about half")
    assert expected in caption


@pytest.fixture(scope="module", params=["fast", "course"])
def pretrained(request):
    """The committed pretrained bundles: the app's default (fast) and the course's model (course)."""
    return models.load_bundle(MODELS / request.param)


def test_pretrained_bundle_reaches_85_percent_on_its_test_split(pretrained):
    config = pretrained.config
    splits = data.split(data.load_bundled(), seed=config.train.seed, subset=config.train.subset)
    x_test = text.encode_many(splits.test.texts, pretrained.vocab, config.text.maxlen, config.text.truncating)
    metrics = training.evaluate(pretrained.model, x_test, splits.test.labels.astype(np.float32))
    assert metrics["accuracy"] >= 0.85
    assert metrics["accuracy"] == pytest.approx(pretrained.metrics["test_accuracy"], abs=0.01)


def test_pretrained_bundle_replay_equals_keras(pretrained):
    review = "The acting was wooden and the plot made no sense, but the music was wonderful. I loved it!"
    result = inspect.inspect(pretrained, review)
    np.testing.assert_allclose(result.states["hidden"], _keras_hidden_states(pretrained, result.review.ids),
                               atol=TOLERANCE)
    assert abs(result.running_prediction[-1] - result.prediction) <= TOLERANCE
    clear = [inspect.inspect(pretrained, r).prediction for r in ("A wonderful, moving film. I loved it.",
                                                                  "Awful. Boring and stupid, a waste of time.")]
    assert clear[0] > 0.5 > clear[1]
