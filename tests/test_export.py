"""rnn_demo.model.export: the trained model as a zip that `python -m rnn_demo inspect --model x.zip` reads back, and the
checks that keep a hostile zip from writing anywhere or loading anything but weights."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from app_navigation import app_navigation
from streamlit.testing.v1 import AppTest

from rnn_demo.__main__ import main
from rnn_demo.core import data
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model import export, inspect, models, training
from rnn_demo.serving import runs
from rnn_demo.serving.jobs import Job, JobStatus, TrainingSlots

REPO = Path(__file__).resolve().parents[1]
CONFIG = RunConfig(name="export", text=TextConfig(vocab_size=12, maxlen=12), model=ModelConfig(embedding_dim=4, units=3),
                   train=TrainConfig(seed=5, epochs=2, batch_size=8))
GOOD, BAD = "a good fine film , great acting", "a bad dull film , awful plot"
REVIEW = "a good film with awful acting"


@pytest.fixture(scope="module")
def trained():
    """A tiny LSTM really trained (2 epochs) on 40 made-up reviews."""
    reviews = data.Reviews(tuple([GOOD, BAD] * 20), np.array([1, 0] * 20, dtype="int8"))
    return training.train(CONFIG, data.split(reviews, seed=0))


@pytest.fixture(scope="module")
def zip_path(trained, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "my_model.zip"
    path.write_bytes(export.bundle_zip(trained))
    return path


def test_zip_holds_the_four_bundle_files_at_its_top_level(trained, zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        assert sorted(archive.namelist()) == sorted(export.BUNDLE_FILES)
        assert json.loads(archive.read(models.CONFIG_FILE)) == CONFIG.to_dict()
        assert json.loads(archive.read(models.VOCAB_FILE))["words"] == list(trained.vocab.words)
        assert json.loads(archive.read(models.METRICS_FILE))["test_accuracy"] == trained.metrics["test_accuracy"]


def test_round_trip_through_the_command_line_gives_the_same_prediction(trained, zip_path, capsys):
    expected = inspect.inspect(trained, REVIEW)
    assert main(["inspect", "--model", str(zip_path), "--text", REVIEW, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["tokens"] == expected.tokens
    assert abs(record["prediction"] - expected.prediction) <= 1e-6
    np.testing.assert_allclose(record["hidden"], expected.to_json_dict()["hidden"], atol=1e-6)
    loaded = export.read_bundle_zip(zip_path)
    for mine, theirs in zip(loaded.model.get_weights(), trained.model.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def _zip(members: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("change, message", [
    (lambda m: {**m, "../evil.py": b"print('x')"}, "'../evil.py'"),
    (lambda m: {**m, "/etc/cron.d/x": b"x"}, "'/etc/cron.d/x'"),
    (lambda m: {f"bundle/{name}": content for name, content in m.items()}, "no folders"),
    (lambda m: {**m, "model.pkl": b"\x80\x04."}, "'model.pkl'"),
    (lambda m: {k: v for k, v in m.items() if k != models.VOCAB_FILE}, "lacks vocab.json"),
    (lambda m: {**m, models.CONFIG_FILE: b"{not json"}, "config.json is corrupt"),
    (lambda m: {**m, models.WEIGHTS_FILE: b"not hdf5"}, "corrupt or does not fit config.json"),
    (lambda m: {**m, models.METRICS_FILE: b" " * (export.MAX_JSON_BYTES + 1)}, "metrics.json is larger than 8 MB"),
])
def test_a_zip_that_is_not_exactly_a_bundle_is_refused_naming_why(zip_path, tmp_path, change, message):
    bad = _zip(change(_members(zip_path)), tmp_path / "bad.zip")
    with pytest.raises(ValueError, match="model zip") as error:
        export.read_bundle_zip(bad)
    assert message in str(error.value)
    assert not (tmp_path / "evil.py").exists() and not (tmp_path / "bundle").exists()


def test_a_size_header_that_lies_is_caught(zip_path, tmp_path):
    """The central directory says vocab.json has 10 bytes: reading stops there and the checksum fails."""
    import struct

    raw = bytearray(zip_path.read_bytes())
    name = models.VOCAB_FILE.encode()
    entry = raw.find(b"PK\x01\x02")  # the central directory's first entry
    while raw[entry + 46:entry + 46 + len(name)] != name:
        entry = raw.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", raw, entry + 24, 10)  # uncompressed size
    lying = tmp_path / "lying.zip"
    lying.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="damaged or not a zip"):
        export.read_bundle_zip(lying)


def test_command_line_errors_for_bad_model_paths(tmp_path, capsys):
    not_a_zip = tmp_path / "model.zip"
    not_a_zip.write_bytes(b"hello")
    for path, message in ((not_a_zip, "damaged or not a zip"), (tmp_path / "missing", "not found")):
        assert main(["inspect", "--model", str(path), "--text", "good"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error:") and message in err and len(err.splitlines()) == 1


def _upload_widgets(at) -> set[tuple[str, str, tuple[str, ...]]]:
    """(kind, key, file types taken) of each widget on the page through which a browser can send a file."""
    found = {("file_uploader", box.key, tuple(box.allowed_type)) for box in at.file_uploader}
    found |= {(kind, box.key, ()) for kind in ("camera_input", "audio_input") for box in getattr(at, kind)}
    return found | {("chat_input", box.key, tuple(box.proto.file_type)) for box in at.chat_input
                    if box.proto.accept_file or box.proto.accept_audio}


def test_models_are_never_uploaded_the_one_upload_takes_texts():
    """Models are never loaded from the browser: asked of every page of app.py's navigation as it runs, first as it
    opens, then with every toggle it shows switched on (the Train page's "my own texts" reveals the upload), the only
    upload widget is the Train page's own-texts file, and it takes CSV, TSV and TXT, no model file."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    uploads, switched_on = {}, set()
    for page in app_navigation():
        at.switch_page(page.script).run()
        assert not at.exception, f"{page.script}: {at.exception}"
        uploads[page.script] = _upload_widgets(at)
        for toggle in at.toggle:
            toggle.set_value(True)
            switched_on.add(toggle.key)
        at.run()
        assert not at.exception, f"{page.script} with its toggles on: {at.exception}"
        uploads[page.script] |= _upload_widgets(at)
    assert "own_data_on" in switched_on  # the Train page's own-texts toggle was among them
    own_texts_file = ("file_uploader", "own_data_file", (".csv", ".tsv", ".txt"))
    assert uploads == {page: {own_texts_file} if page == "pages/train_lstm.py" else set() for page in uploads}


def test_home_page_offers_the_students_own_model_as_a_zip(trained):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()  # the Home page is the default page
    assert not at.get("download_button")  # nothing trained in this session: nothing to download
    history = runs.RunHistory(runs.MAX_RUNS, 250 * runs.MB)  # what the Train page leaves: one finished run
    history.add(trained.config, Job(lambda on_event, should_stop: trained, TrainingSlots(1), status=JobStatus.DONE,
                                    result=trained))
    at.session_state["run_history"] = history
    at.run()
    assert not at.exception
    (button,) = at.get("download_button")
    assert button.proto.label == "Download your model (.zip)"
    assert button.proto.deferred_file_id and button.proto.ignore_rerun  # zipped only when clicked, no rerun
