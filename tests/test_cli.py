"""The command line `python -m rnn_demo`: inspect as JSON Lines, summary, train, and one-line errors with exit code 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_demo.__main__ import main
from rnn_demo.core import text
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model import models

REPO = Path(__file__).resolve().parents[1]
UNITS = 5
CONFIG = RunConfig(name="cli", text=TextConfig(vocab_size=12, maxlen=30), model=ModelConfig(embedding_dim=4, units=UNITS),
                   train=TrainConfig(seed=9))


@pytest.fixture(scope="module")
def bundle_folder(tmp_path_factory):
    """A small LSTM bundle on disk, with seeded random weights (inspect needs weights, not a trained model)."""
    reviews = ["a good film", "a bad film", "good acting , bad plot", "the end !"]
    vocab = text.Vocabulary.build([text.tokenize(review) for review in reviews], CONFIG.text.vocab_size)
    model = models.build_classifier(CONFIG)
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return models.Bundle(CONFIG, vocab, model, {"test_accuracy": 0.5}).save(tmp_path_factory.mktemp("cli") / "bundle")


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "rnn_demo", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _check_record(record: dict, tokens: list[str]) -> None:
    assert record["tokens"] == tokens
    steps = len(tokens)
    assert 0 <= record["prediction"] <= 1 and len(record["running_prediction"]) == steps
    assert abs(record["running_prediction"][-1] - record["prediction"]) <= 1e-5
    assert set(record["gates"]) == {"input", "forget", "candidate", "output"}
    for values in [*record["gates"].values(), record["cell"], record["hidden"]]:
        assert np.asarray(values).shape == (steps, UNITS)


def test_inspect_json_prints_one_record_per_review(bundle_folder, capsys):
    code = main(["inspect", "--model", str(bundle_folder), "--text", "A good film!", "the plot was bad", "--json"])
    assert code == 0
    records = _json_lines(capsys.readouterr().out)
    assert len(records) == 2
    _check_record(records[0], ["a", "good", "film", "!"])
    _check_record(records[1], ["the", "plot", "was", "bad"])
    assert records[1]["unknown"] == [False, False, True, False]  # "was" is not in the vocabulary


def test_inspect_file_gives_one_json_line_per_line(bundle_folder, tmp_path, capsys):
    reviews = tmp_path / "reviews.txt"
    reviews.write_text("a good film\n\nbad acting ❤️ 这部\n" + "good " * 40 + "\n", encoding="utf-8")
    assert main(["inspect", "--model", str(bundle_folder), "--file", str(reviews), "--json"]) == 0
    records = _json_lines(capsys.readouterr().out)
    assert len(records) == 3  # the blank line is skipped
    _check_record(records[0], ["a", "good", "film"])
    _check_record(records[1], ["bad", "acting", "❤️", "这", "部"])
    _check_record(records[2], ["good"] * 30)
    assert records[2]["cut_tokens"] == 10


def test_inspect_reads_half_an_emoji_as_an_unreadable_character(bundle_folder, capsys):
    """Python turns undecodable bytes of the command line into lone surrogates; they are shown as U+FFFD."""
    assert main(["inspect", "--model", str(bundle_folder), "--text", "a good \udcff film", "--json"]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")  # printable: no lone surrogate left
    _check_record(_json_lines(out)[0], ["a", "good", text.UNREADABLE, "film"])


def test_inspect_prints_a_readable_table_without_json(bundle_folder, capsys):
    assert main(["inspect", "--model", str(bundle_folder), "--text", "a marvellous film"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("P(positive) = ") and "marvellous" in out and "(unknown)" in out


def test_empty_text_exits_2_with_a_one_line_error_and_no_traceback(bundle_folder):
    result = _run_cli("inspect", "--model", str(bundle_folder), "--text", "   ", "--json")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "empty" in errors[0]
    assert result.stderr.rstrip("\n").splitlines()[-1] == errors[0]


@pytest.mark.parametrize("argv_tail, message", [
    (["--model", "{tmp}/no_such_bundle", "--text", "good"], "no_such_bundle"),
    (["--model", "{bundle}", "--file", "{tmp}/missing_reviews.txt"], "missing_reviews.txt"),
])
def test_missing_model_folder_or_review_file_exits_2_naming_it(bundle_folder, tmp_path, capsys, argv_tail, message):
    argv = ["inspect", *[arg.format(tmp=tmp_path, bundle=bundle_folder) for arg in argv_tail]]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("name", ["course", "seed"])  # "seed" is the course preset's old name, still accepted
def test_summary_of_the_course_preset(capsys, name):
    assert main(["summary", "--preset", name]) == 0
    out = capsys.readouterr().out
    assert all(count in out for count in ("1,280,000", "131,584", "129"))
    assert "course_sentiment" in out


def test_train_writes_the_four_bundle_files(tmp_path, capsys):
    out = tmp_path / "trained"
    code = main(["train", "--preset", "fast", "--subset", "400", "--epochs", "1", "--vocab-size", "2000",
                 "--out", str(out)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [models.WEIGHTS_FILE, models.CONFIG_FILE, models.VOCAB_FILE, models.METRICS_FILE])
    captured = capsys.readouterr()
    assert "test accuracy" in captured.out and str(out) in captured.out and "epoch 1/1" in captured.err
    bundle = models.load_bundle(out)
    assert bundle.config.text.vocab_size == 2_000 and bundle.config.train.subset == 400
    assert bundle.metrics["test_reviews"] == 40 and bundle.metrics["epochs_completed"] == 1
    assert bundle.config.train.embedding_start == "word_counts" and "word_counts_start" in bundle.metrics


def test_train_can_start_the_word_vectors_at_random_and_refuses_other_starts(tmp_path, capsys):
    out = tmp_path / "random_start"
    assert main(["train", "--subset", "400", "--vocab-size", "2000", "--embedding-start", "random",
                 "--weight-average-momentum", "0.9", "--out", str(out)]) == 0
    bundle = models.load_bundle(out)
    assert bundle.config.train.embedding_start == "random" and "word_counts_start" not in bundle.metrics
    assert bundle.config.train.weight_average_momentum == 0.9
    assert main(["train", "--weight-average-momentum", "1", "--out", str(tmp_path / "never")]) == 2
    assert "weight_average_momentum must be at least 0 and below 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--embedding-start", "glove", "--out", str(tmp_path / "never")])
    assert exit_info.value.code == 2 and "invalid choice: 'glove'" in capsys.readouterr().err


def test_train_with_zero_units_exits_2_naming_units(tmp_path, capsys):
    assert main(["train", "--units", "0", "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "units" in err
    assert not (tmp_path / "never").exists()



def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1, err
    return err


def test_train_into_an_existing_file_is_refused_before_training(tmp_path, capsys, monkeypatch):
    """Before: the whole training ran, then saving raised a traceback."""
    from rnn_demo.model import training

    monkeypatch.setattr(training, "train", lambda *a, **k: pytest.fail("training started"))
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me", encoding="utf-8")
    assert main(["train", "--subset", "400", "--epochs", "1", "--out", str(existing)]) == 2
    assert "is an existing file" in _one_error_line(capsys) and existing.read_text(encoding="utf-8") == "keep me"
    assert main(["train", "--subset", "400", "--epochs", "1", "--out", str(existing / "bundle")]) == 2
    assert "is a file, not a folder" in _one_error_line(capsys)


def test_inspect_file_that_is_a_directory_says_so(bundle_folder, tmp_path, capsys):
    assert main(["inspect", "--model", str(bundle_folder), "--file", str(tmp_path)]) == 2
    err = _one_error_line(capsys)
    assert "is a directory" in err and "not found" not in err


@pytest.mark.parametrize("lines, problem", [
    ([b"a good film", b"bad \xff\xfe acting", b"the end"], "line 2: not UTF-8 text (byte 0xff at byte 5"),
    ([b"a good film", b"", b"x" * (text.MAX_REVIEW_CHARS + 1)], "line 3: 200,001 characters; a review may have at most"),
])
def test_a_bad_line_of_the_review_file_is_named_by_its_number(bundle_folder, tmp_path, capsys, lines, problem):
    reviews = tmp_path / "reviews.txt"
    reviews.write_bytes(b"\n".join(lines) + b"\n")
    assert main(["inspect", "--model", str(bundle_folder), "--file", str(reviews), "--json"]) == 2
    assert problem in _one_error_line(capsys)
    assert capsys.readouterr().out == ""  # nothing printed for the good lines before the bad one


def test_review_file_with_a_byte_order_mark_reads_its_first_word(bundle_folder, tmp_path, capsys):
    reviews = tmp_path / "reviews.txt"
    reviews.write_bytes("a good film\r\nbad\n".encode("utf-8-sig"))
    assert main(["inspect", "--model", str(bundle_folder), "--file", str(reviews), "--json"]) == 0
    assert [r["tokens"] for r in _json_lines(capsys.readouterr().out)] == [["a", "good", "film"], ["bad"]]


def test_bench_with_bad_settings_is_refused_before_the_reference_run(capsys, monkeypatch, tmp_path):
    from rnn_demo.tools import bench

    monkeypatch.setattr(bench, "bench_run", lambda *a, **k: pytest.fail("the reference run started"))
    monkeypatch.setattr(bench.data, "load_bundled", lambda *a, **k: pytest.fail("the reviews were loaded"))
    assert main(["bench", "--presets", "fast", "nope"]) == 2
    assert "unknown preset 'nope'" in _one_error_line(capsys)
    assert main(["bench", "--budget", "0"]) == 2
    assert "budget" in _one_error_line(capsys)
    assert main(["bench", "--repeats", "0"]) == 2
    assert "repeats must be a whole number between 1 and 50, got 0" in _one_error_line(capsys)
    assert main(["bench", "--json", str(tmp_path)]) == 2
    assert "is a folder" in _one_error_line(capsys)
    assert main(["bench", "--json", str(tmp_path / "missing" / "points.json")]) == 2
    assert "does not exist" in _one_error_line(capsys)
    assert main(["bench", "--epochs", "0"]) == 2
    assert "epochs must be between 1 and 100, got 0" in _one_error_line(capsys)
    assert main(["bench", "--class", "3", "--epochs", "101"]) == 2
    assert "epochs must be between 1 and 100, got 101" in _one_error_line(capsys)


def test_train_with_an_unknown_cell_exits_2_naming_the_cells(tmp_path, capsys):
    assert main(["train", "--cell", "transformer", "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "cell must be one of lstm, gru, simple_rnn" in err
