"""Hostile model files: a small zip or folder must not make `inspect --model` (or the app) allocate gigabytes, and
every malformed file ends in one `error:` line and exit code 2, never a traceback."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from rnn_demo.__main__ import main
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.core.text import Vocabulary
from rnn_demo.model import models

SMALL = RunConfig(name="small", text=TextConfig(vocab_size=12, maxlen=12), model=ModelConfig(embedding_dim=4, units=3),
                  train=TrainConfig(seed=5, epochs=1, batch_size=8))
VOCAB = Vocabulary(tuple("a good bad film fine dull great awful plot acting".split()))


def _folder(tmp_path: Path, config_json: dict | list | str | None, weights: bytes | None = None,
            **files: str) -> Path:
    """A bundle folder with the given config.json, weights file and (optionally) replaced JSON files."""
    folder = tmp_path / "bundle"
    folder.mkdir(exist_ok=True)
    (folder / models.CONFIG_FILE).write_text(files.get("config") or json.dumps(config_json), encoding="utf-8")
    (folder / models.VOCAB_FILE).write_text(files.get("vocab") or VOCAB.to_json(), encoding="utf-8")
    (folder / models.METRICS_FILE).write_text(files.get("metrics") or "{}", encoding="utf-8")
    if weights is None:
        model = models.build_classifier(SMALL)
        model.save_weights(folder / models.WEIGHTS_FILE)
    else:
        (folder / models.WEIGHTS_FILE).write_bytes(weights)
    return folder


def _zip(folder: Path) -> Path:
    path = folder.with_suffix(".zip")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in folder.iterdir():
            archive.write(file, arcname=file.name)
    return path


def _inspect(path: Path, capsys) -> str:
    code = main(["inspect", "--model", str(path), "--text", "a good film"])
    error = capsys.readouterr().err
    assert code == 2, error
    lines = error.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), error
    return lines[0]


def test_a_small_bundle_still_loads(tmp_path, capsys):
    assert main(["inspect", "--model", str(_zip(_folder(tmp_path, SMALL.to_dict()))), "--text", "a good film"]) == 0


def test_a_config_with_gigabytes_of_weights_is_refused_before_anything_is_built(tmp_path, capsys, monkeypatch):
    huge = SMALL.to_dict() | {"text": {"vocab_size": 200_000, "maxlen": 12, "truncating": "pre"},
                              "model": {**SMALL.to_dict()["model"], "embedding_dim": 1024, "units": 1024}}
    built = []
    monkeypatch.setattr(models, "build_classifier", lambda *args, **kwargs: built.append(args))
    line = _inspect(_zip(_folder(tmp_path, huge, weights=b"x")), capsys)
    assert "MB" in line and "at most 64 MB" in line and built == []


def test_an_hdf5_dataset_declaring_gigabytes_is_refused_before_keras_reads_it(tmp_path, capsys):
    weights = tmp_path / "empty.h5"
    with h5py.File(weights, "w") as file:  # 4 GiB declared, nothing stored: a file of a few kilobytes
        file.create_dataset("layers/embedding/vars/0", shape=(2**20, 1024), dtype="float32", chunks=(1024, 1024))
    assert weights.stat().st_size < 100_000
    line = _inspect(_zip(_folder(tmp_path, SMALL.to_dict(), weights=weights.read_bytes())), capsys)
    assert "declares" in line and "1,073,741,824" in line


@pytest.mark.parametrize("config", [[1, 2], None, "a string", 7])
def test_a_config_that_is_not_an_object_is_one_error_line(tmp_path, capsys, config):
    assert "config" in _inspect(_folder(tmp_path, config), capsys)


@pytest.mark.parametrize("name", ["config", "vocab", "metrics"])
def test_json_nested_deeply_is_one_error_line(tmp_path, capsys, name):
    nested = "[" * 100_000 + "]" * 100_000
    line = _inspect(_folder(tmp_path, SMALL.to_dict(), **{name: nested}), capsys)
    assert "corrupt" in line or "config" in line


def test_weights_of_another_shape_give_one_line_not_a_tensor_dump(tmp_path, capsys):
    other = SMALL.with_changes(units=2)  # fewer weights: Keras itself finds the shapes wrong
    folder = _folder(tmp_path, SMALL.to_dict())
    models.build_classifier(other).save_weights(folder / models.WEIGHTS_FILE)
    line = _inspect(_zip(folder), capsys)
    assert "does not fit config.json" in line and len(line) < 500


def test_the_pretrained_bundles_pass_the_weights_check():
    for preset in ("fast", "course", "simple_rnn"):
        bundle = models.load_bundle(models.PRETRAINED_MODELS / preset)
        assert bundle.config.parameter_count() == bundle.model.count_params()
        assert np.isfinite(bundle.model.get_weights()[0]).all()
