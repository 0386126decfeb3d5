"""Averaged weights (Keras' Adam(use_ema=True)): the model a run hands over, what it is checked on, and the code shown."""

import keras
import numpy as np
import pytest

from rnn_demo.core import data
from rnn_demo.core.config import RunConfig, preset
from rnn_demo.model import models, training

CONFIG = preset("fast").with_changes(vocab_size=2_000, maxlen=60, embedding_dim=8, units=8, epochs=1, batch_size=32,
                                     subset=400, seed=3, embedding_start="random", weight_average_momentum=0.6)


@pytest.fixture(scope="module")
def encoded():
    splits = data.split(data.load_bundled(), seed=CONFIG.train.seed, subset=CONFIG.train.subset)
    return training.encode_splits(CONFIG, training.tokenize_splits(splits))


class MovingWeights(keras.callbacks.Callback):
    """The weights Adam moves, after every batch (before `fit` swaps in their average at its end)."""

    def __init__(self):
        super().__init__()
        self.after_batch = []

    def on_train_batch_end(self, batch, logs=None):
        self.after_batch.append([variable.numpy().copy() for variable in self.model.trainable_variables])


def test_a_run_hands_over_the_running_average_of_its_weights(encoded):
    moving = MovingWeights()
    bundle = training.train(CONFIG, encoded, extra_callbacks=[moving])
    momentum = CONFIG.train.weight_average_momentum
    average = moving.after_batch[0]  # the first step starts the average at the weights themselves
    for weights in moving.after_batch[1:]:
        average = [momentum * kept + (1 - momentum) * new for kept, new in zip(average, weights)]
    handed_over = bundle.model.get_weights()
    for expected, got, last in zip(average, handed_over, moving.after_batch[-1]):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert max(np.abs(got - last).max() for got, last in zip(handed_over, moving.after_batch[-1])) > 1e-4
    # The epoch's snapshot and its validation accuracy are the averaged model's, the one the student gets.
    for snapshot, got in zip(bundle.snapshots[-1], handed_over):
        np.testing.assert_array_equal(snapshot, got)
    probabilities = np.asarray(bundle.model(encoded.x_validation, training=False))[:, 0]
    accuracy = np.mean((probabilities >= 0.5) == (encoded.y_validation >= 0.5))
    assert bundle.metrics["history"][-1]["val_accuracy"] == pytest.approx(accuracy, abs=1e-6)


def test_averaged_weights_lends_the_average_and_gives_the_moving_weights_back(encoded):
    model = models.build_classifier(CONFIG)
    models.compile_classifier(model, 1e-2, weight_average_momentum=0.9)
    before = model.get_weights()
    with models.averaged_weights(model):  # no step yet: the average does not exist, the weights stay
        for got, start in zip(model.get_weights(), before):
            np.testing.assert_array_equal(got, start)
    for start in range(0, 96, 32):
        model.train_on_batch(encoded.x_train[start:start + 32], encoded.y_train[start:start + 32])
    moving = model.get_weights()
    averages = [average.numpy() for average in model.optimizer._model_variables_moving_average]
    with models.averaged_weights(model):
        for got, average in zip(model.get_weights(), averages):
            np.testing.assert_array_equal(got, average)
    for got, kept in zip(model.get_weights(), moving):
        np.testing.assert_array_equal(got, kept)
    assert any(np.abs(average - kept).max() > 1e-4 for average, kept in zip(averages, moving))

    plain = models.build_classifier(CONFIG)
    models.compile_classifier(plain, 1e-2)  # without averaging there is nothing to lend
    assert not plain.optimizer.use_ema
    plain.train_on_batch(encoded.x_train[:32], encoded.y_train[:32])
    weights = plain.get_weights()
    with models.averaged_weights(plain):
        for got, kept in zip(plain.get_weights(), weights):
            np.testing.assert_array_equal(got, kept)


def test_the_code_on_the_train_page_compiles_the_same_optimizer():
    for momentum in (0.0, 0.95):
        config = CONFIG.with_changes(weight_average_momentum=momentum)
        code = models.keras_code(config)
        compile_lines = code[code.index("# This app's Adam") if momentum else code.index("model.compile"):
                             code.index("model.fit")]
        model = models.build_classifier(config)
        exec(compile_lines, {"model": model})
        assert bool(getattr(model.optimizer, "use_ema", False)) is (momentum > 0)
        if momentum:
            assert model.optimizer.ema_momentum == pytest.approx(momentum)
            assert "20 batches" in compile_lines


def test_the_setting_is_checked_and_old_bundles_read_as_unaveraged():
    saved = preset("course").to_dict()
    del saved["train"]["weight_average_momentum"]  # a bundle saved before the setting existed
    assert RunConfig.from_dict(saved).train.weight_average_momentum == 0.0
    for bad in (1.0, -0.1, True, "0.9"):
        with pytest.raises(ValueError, match="weight_average_momentum must be at least 0 and below 1"):
            CONFIG.with_changes(weight_average_momentum=bad)
