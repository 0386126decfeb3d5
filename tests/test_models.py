"""rnn_demo.model.models and rnn_demo.core.config: the course's parameter counts, bundles on disk, and settings validation."""

import json

import numpy as np
import pytest

from rnn_demo.core import text
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig, preset
from rnn_demo.model import models

TINY = RunConfig(name="tiny", text=TextConfig(vocab_size=12, maxlen=10), model=ModelConfig(embedding_dim=4, units=3),
                 train=TrainConfig(seed=5))
REVIEWS = ["a good film", "a bad film", "good good story", "bad end", "the cast is fine"]


@pytest.fixture()
def tiny_bundle():
    """A bundle with random (seeded) weights: saving and loading does not care whether it was trained."""
    vocab = text.Vocabulary.build([text.tokenize(review) for review in REVIEWS], TINY.text.vocab_size)
    model = models.build_classifier(TINY)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return models.Bundle(TINY, vocab, model, {"test_accuracy": 0.5})


def _predict(bundle, reviews=REVIEWS):
    rows = text.encode_many(reviews, bundle.vocab, bundle.config.text.maxlen)
    return np.asarray(bundle.model(rows, training=False))[:, 0]


def test_course_preset_has_the_course_parameter_counts():
    model = models.build_classifier(preset("course"))
    rows = models.summary_rows(model)
    assert [row["Param #"] for row in rows] == [1_280_000, 131_584, 129]
    assert [row["Layer (type)"] for row in rows] == ["embedding (Embedding)", "lstm (LSTM)", "dense (Dense)"]
    assert rows[-1]["Output Shape"] == "(None, 1)"
    summary = models.summary_text(model)
    for count in ("1,280,000", "131,584", "129", "1,411,713"):
        assert count in summary


def test_same_seed_gives_the_same_initial_weights():
    first, second = models.build_classifier(TINY), models.build_classifier(TINY)
    assert all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))
    other = models.build_classifier(TINY, seed=6)
    assert not np.array_equal(first.get_weights()[0], other.get_weights()[0])


@pytest.mark.parametrize("cell, layer", [("gru", "GRU"), ("simple_rnn", "SimpleRNN")])
def test_other_cells_build(cell, layer):
    model = models.build_classifier(TINY.with_changes(cell=cell))
    assert f"{cell} ({layer})" in [row["Layer (type)"] for row in models.summary_rows(model)]
    assert model(np.array([[0, 0, 3, 4]]), training=False).shape == (1, 1)


def test_bundle_round_trip_gives_identical_predictions(tiny_bundle, tmp_path):
    folder = tiny_bundle.save(tmp_path / "bundle")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [models.WEIGHTS_FILE, models.CONFIG_FILE, models.VOCAB_FILE, models.METRICS_FILE])
    loaded = models.load_bundle(folder)
    assert loaded.config == TINY and loaded.vocab == tiny_bundle.vocab and loaded.metrics == {"test_accuracy": 0.5}
    np.testing.assert_array_equal(_predict(loaded), _predict(tiny_bundle))


@pytest.mark.parametrize("missing", [models.WEIGHTS_FILE, models.CONFIG_FILE, models.VOCAB_FILE,
                                     models.METRICS_FILE])
def test_missing_bundle_file_is_named(tiny_bundle, tmp_path, missing):
    folder = tiny_bundle.save(tmp_path / "bundle")
    (folder / missing).unlink()
    with pytest.raises(ValueError, match=missing.replace(".", r"\.")):
        models.load_bundle(folder)


def test_missing_bundle_folder_is_named(tmp_path):
    with pytest.raises(ValueError, match="no_such_bundle"):
        models.load_bundle(tmp_path / "no_such_bundle")


@pytest.mark.parametrize("content, message", [
    ("{broken", "config.json"),
    ('{"name": "x"}', "missing"),
    (json.dumps(dict(TINY.to_dict(), model={"embedding_dim": 4, "units": 0, "cell": "lstm"})), "units"),
])
def test_corrupt_config_json_is_refused(tiny_bundle, tmp_path, content, message):
    folder = tiny_bundle.save(tmp_path / "bundle")
    (folder / models.CONFIG_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        models.load_bundle(folder)


def test_weights_that_do_not_fit_the_config_are_refused(tiny_bundle, tmp_path):
    folder = tiny_bundle.save(tmp_path / "bundle")
    (folder / models.CONFIG_FILE).write_text(json.dumps(TINY.with_changes(units=5).to_dict()), encoding="utf-8")
    with pytest.raises(ValueError, match=r"model\.weights\.h5"):
        models.load_bundle(folder)
    (folder / models.WEIGHTS_FILE).write_bytes(b"not an h5 file")
    with pytest.raises(ValueError, match=r"model\.weights\.h5"):
        models.load_bundle(folder)


@pytest.mark.parametrize("changes, field", [
    ({"units": 0}, "units"),
    ({"maxlen": -5}, "maxlen"),
    ({"learning_rate": 0.0}, "learning_rate"),
    ({"learning_rate": 5.0}, "learning_rate"),
    ({"learning_rate": "fast"}, "learning_rate"),
    ({"vocab_size": 2}, "vocab_size"),
    ({"embedding_dim": 2.5}, "embedding_dim"),
    ({"epochs": 0}, "epochs"),
    ({"cell": "transformer"}, "cell"),
    ({"truncating": "middle"}, "truncating"),
    ({"subset": 5}, "subset"),
    ({"colour": "red"}, "colour"),
])
def test_with_changes_refuses_bad_settings_naming_the_field(changes, field):
    with pytest.raises(ValueError, match=field):
        preset("fast").with_changes(**changes)


def test_dataclass_validation_names_the_field():
    with pytest.raises(ValueError, match="units"):
        RunConfig(model=ModelConfig(units=0)).validate()
    with pytest.raises(ValueError, match="maxlen"):
        TextConfig(maxlen=-1).validate()
    with pytest.raises(ValueError, match="learning_rate"):
        TrainConfig(learning_rate=-0.1).validate()
    with pytest.raises(ValueError, match="units"):
        models.build_classifier(RunConfig(model=ModelConfig(units=0)))


def test_with_changes_copies_and_keeps_the_rest():
    fast = preset("fast")
    changed = fast.with_changes(units=16, maxlen=100, learning_rate=0.01, subset=400, epochs=None)
    assert (changed.model.units, changed.text.maxlen, changed.train.learning_rate) == (16, 100, 0.01)
    assert changed.train.subset == 400 and changed.train.epochs == fast.train.epochs
    assert changed.model.embedding_dim == fast.model.embedding_dim and fast.model.units == 32
    assert RunConfig.from_dict(changed.to_dict()) == changed
    with pytest.raises(ValueError, match="preset"):
        preset("huge")


@pytest.mark.parametrize("name", ["course", "fast"])
def test_the_keras_code_shown_builds_the_same_model(name):
    """The Train page shows models.keras_code(config) beside the summary: run as written, it gives the same layers
    and parameter counts as the model the app trains."""
    config = preset(name)
    rows = np.random.default_rng(0).integers(1, 50, size=(4, 7)).tolist()
    namespace = {"x_train": rows, "y_train": np.array([0, 1, 0, 1])}
    code = models.keras_code(config)
    fit = f"model.fit(x_train, y_train, batch_size={config.train.batch_size}, epochs={config.train.epochs})"
    assert code.rstrip().endswith(fit)
    exec(code.replace(fit, ""), namespace)  # noqa: S102 - our own generated code, all but the (slow) fit
    written, trained = namespace["model"], models.build_classifier(config)
    assert namespace["x_train"].shape == (4, config.text.maxlen)
    assert [type(layer).__name__ for layer in written.layers] == [type(layer).__name__ for layer in trained.layers]
    assert [layer.count_params() for layer in written.layers] == [row["Param #"] for row in models.summary_rows(trained)]
    assert written.loss == "binary_crossentropy" and "Embedding(input_dim=10000, output_dim=" in code
