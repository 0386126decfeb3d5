"""rnn_demo.model.word_counts: word vectors that start from the training reviews' word counts, and where training uses them."""

import keras
import numpy as np
import pytest

from rnn_demo.core import data
from rnn_demo.core.config import RunConfig, preset
from rnn_demo.model import models, training, word_counts

CONFIG = preset("fast").with_changes(vocab_size=2_000, maxlen=80, embedding_dim=8, units=8, epochs=1, batch_size=32,
                                     subset=600, seed=5)


def _counted_by_hand(word_ids, labels, vocab_size):
    """The definition, written the slow way: reviews of each label holding each word (once per review)."""
    positive, negative = np.zeros(vocab_size), np.zeros(vocab_size)
    for row, label in zip(word_ids, labels):
        for word in set(row.tolist()) - {0, 1}:
            (positive if label >= 0.5 else negative)[word] += 1
    p = (positive + 1) / (positive.sum() + vocab_size)
    q = (negative + 1) / (negative.sum() + vocab_size)
    ratios = np.log(p / q)
    ratios[:2] = 0
    return ratios


def test_ratios_follow_the_definition_on_random_reviews():
    rng = np.random.default_rng(3)
    word_ids = rng.integers(0, 50, size=(200, 30))
    labels = rng.integers(0, 2, size=200).astype(np.float32)
    np.testing.assert_allclose(word_counts.sentiment_ratios(word_ids, labels, 50),
                               _counted_by_hand(word_ids, labels, 50), rtol=1e-12, atol=1e-12)


def test_a_word_counts_once_per_review_and_padding_and_unknown_say_nothing():
    # word 2 only in positive reviews (three times in one), word 3 only in negative ones, word 4 in both
    word_ids = np.array([[0, 0, 2, 2, 2, 4], [0, 1, 1, 2, 4, 4], [0, 0, 0, 3, 4, 1], [0, 0, 3, 3, 4, 1]])
    labels = np.array([1, 1, 0, 0])
    ratios = word_counts.sentiment_ratios(word_ids, labels, 5)
    assert ratios[0] == ratios[1] == 0.0
    assert ratios[2] > 0 > ratios[3]
    assert ratios[4] == pytest.approx(0.0, abs=1e-12)  # in every review of both labels
    assert ratios[2] == pytest.approx(-ratios[3])  # two reviews each, however often repeated inside one


def test_the_code_shown_on_the_train_page_computes_the_same_start():
    config = CONFIG.with_changes(vocab_size=50)
    code = models.keras_code(config)
    assert "vectors[:, 0] = 0.5 * ratio" in code and models.keras_code(config.with_changes(
        embedding_start="random")).count("ratio") == 0
    start, end = code.index("import numpy as np"), code.index("vectors = model.layers[0]")
    rng = np.random.default_rng(4)
    namespace = {"x_train": rng.integers(0, 50, size=(120, 20)), "y_train": rng.integers(0, 2, size=120)}
    exec(code[start:end], namespace)
    np.testing.assert_allclose(namespace["ratio"], word_counts.sentiment_ratios(
        namespace["x_train"], namespace["y_train"], 50), rtol=1e-12)
    assert word_counts.SCALE == 0.5


@pytest.fixture(scope="module")
def encoded():
    splits = data.split(data.load_bundled(), seed=CONFIG.train.seed, subset=CONFIG.train.subset)
    return training.encode_splits(CONFIG, training.tokenize_splits(splits))


class FirstStepWeights(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        if batch == 0 and not hasattr(self, "vectors"):
            self.vectors = np.array(self.model.get_layer("embedding").get_weights()[0])


def test_training_starts_dimension_0_at_the_counts_and_the_rest_at_random(encoded):
    random_start, counted_start = FirstStepWeights(), FirstStepWeights()
    training.train(CONFIG.with_changes(embedding_start="random"), encoded, extra_callbacks=[random_start])
    bundle = training.train(CONFIG, encoded, extra_callbacks=[counted_start])
    expected = word_counts.SCALE * word_counts.sentiment_ratios(encoded.x_train, encoded.y_train, 2_000)
    np.testing.assert_allclose(counted_start.vectors[:, 0], expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(counted_start.vectors[:, 1:], random_start.vectors[:, 1:])
    assert np.abs(random_start.vectors[:, 0]).max() <= 0.05  # the random start, untouched without the option
    # the words the Train page names, with the values the vectors started at
    start_words = bundle.metrics["word_counts_start"]
    for side in ("positive", "negative"):
        for word, value in start_words[side]:
            assert value == pytest.approx(expected[encoded.vocab.id_of(word)], abs=0.006)
    assert start_words["positive"][0][1] > 0 > start_words["negative"][0][1]


def test_the_presets_start_from_counts_and_old_bundles_read_as_random():
    assert preset("fast").train.embedding_start == preset("course").train.embedding_start == "word_counts"
    saved = preset("course").to_dict()
    del saved["train"]["embedding_start"]  # a bundle saved before the option existed
    assert RunConfig.from_dict(saved).train.embedding_start == "random"
    with pytest.raises(ValueError, match="embedding_start must be one of random, word_counts"):
        preset("fast").with_changes(embedding_start="glove")
