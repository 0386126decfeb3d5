"""The class board's store (rnn_demo.serving.board) and what it computes (rnn_demo.core.board): posts and their
bounds, a restart that keeps the board, the teacher key, hostile nicknames kept as typed, the finding from the runs,
and the figures showing nicknames as text."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rnn_demo.core.board import (
    MAX_CURVE_POINTS,
    MAX_NICKNAME_CHARS,
    BoardRun,
    best_run,
    clean_nickname,
    finding,
    groups,
)
from rnn_demo.core.config import preset
from rnn_demo.figures.board import accuracy_figure, curves_figure
from rnn_demo.serving.board import Board, BoardRefused

REPO = Path(__file__).resolve().parents[1]
KEY = "the-teachers-key"
HOSTILE = {
    "html": "<b>x</b><script>alert(1)</script>",
    "image": '<img src=x onerror="alert(1)">',
    "markdown": "**x** :red[x] $x$ [x](javascript:1)",
    "right_to_left": "מרחבא مرحبا",
    "emoji": "😀👍🏽 👩‍👩‍👧 ❤️",
    "template": "%{y} %{customdata[0]}",
}


def make_run(nickname: str = "Ada", accuracy: float = 0.85, epochs: int = 2, **settings) -> BoardRun:
    config = preset("fast").with_changes(epochs=epochs, **settings)
    history = [{"epoch": epoch, "loss": 0.5, "val_loss": 0.6 - 0.1 * epoch,
                "val_accuracy": accuracy - 0.02 * (epochs - epoch)} for epoch in range(1, epochs + 1)]
    metrics = {"test_accuracy": accuracy, "train_seconds": 12.3, "test_reviews": 2_500, "epochs_completed": epochs,
               "history": history, "confusion": [[1, 2], [3, 4]]}
    return BoardRun.from_training(nickname, config, metrics)


@pytest.fixture()
def board(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_DEMO_TEACHER_KEY", KEY)
    return Board(tmp_path / "board.sqlite3")


def test_a_post_keeps_the_runs_settings_results_and_curve_and_nothing_else(board):
    number = board.post(make_run("Ada", 0.851, learning_rate=1e-2, units=64))
    (run,) = board.runs()
    assert run.run_id == number and run.nickname == "Ada" and run.label == f"Ada (#{number})"
    assert (run.learning_rate, run.units, run.embedding_dim, run.batch_size, run.epochs) == (1e-2, 64, 32, 256, 2)
    assert (run.maxlen, run.vocab_size, run.embedding_start, run.cell, run.preset) == (
        200, 10_000, "word counts", "LSTM", "fast")
    assert (run.test_accuracy, run.train_seconds, run.test_reviews) == (0.851, 12.3, 2_500)
    assert run.history == ((1, 0.5, 0.831), (2, 0.4, 0.851))
    assert set(run.to_record()) == set(BoardRun.__dataclass_fields__) - {"run_id", "posted_at"}  # no confusion, no text


def test_a_new_store_on_the_same_file_keeps_the_board(tmp_path, monkeypatch):
    """A server restarted mid-lecture: a new Board object (as a new process makes) finds every run."""
    monkeypatch.setenv("RNN_DEMO_TEACHER_KEY", KEY)
    path = tmp_path / "board.sqlite3"
    Board(path).post(make_run("Ada"))
    Board(path).post(make_run("Bo"))
    assert [run.nickname for run in Board(path).runs()] == ["Ada", "Bo"]
    with open(path, "rb") as database:  # on disk, in WAL mode (readers never wait for a writer)
        assert database.read(16) == b"SQLite format 3\x00"
    assert Board(path)._connect().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_board_refuses_a_post_beyond_its_bounds_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_DEMO_TEACHER_KEY", KEY)
    small = Board(tmp_path / "board.sqlite3", max_runs=3)
    for name in ("a", "b", "c"):
        small.post(make_run(name))
    with pytest.raises(BoardRefused, match=r"full \(3 runs\).*teacher"):
        small.post(make_run("d"))
    assert [run.nickname for run in small.runs()] == ["a", "b", "c"]  # refused, not oldest out
    with pytest.raises(BoardRefused, match="bytes, more than the 500"):
        Board(tmp_path / "other.sqlite3", max_record_bytes=500).post(make_run("Ada", epochs=20))


def test_a_long_curve_is_cut_and_the_largest_run_fits_the_record_bound(board):
    run = make_run("😀" * MAX_NICKNAME_CHARS, epochs=100)
    assert len(run.history) == MAX_CURVE_POINTS
    board.post(run)  # 100 epochs and 40 four-byte characters: within MAX_RECORD_BYTES
    assert board.runs()[0].history == run.history


def test_posts_from_many_threads_at_once_never_pass_the_bound(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_DEMO_TEACHER_KEY", KEY)
    path = tmp_path / "board.sqlite3"
    outcomes = []

    def post(index):
        try:
            outcomes.append(Board(path, max_runs=10).post(make_run(f"s{index}")))
        except BoardRefused:
            outcomes.append(None)

    threads = [threading.Thread(target=post, args=(index,)) for index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(Board(path).runs()) == 10 and outcomes.count(None) == 6


POSTING_PROCESS = """
import sys
from rnn_demo.serving.board import Board, BoardRefused
from test_board import make_run
board, refused = Board(sys.argv[1], max_runs=30), 0
for index in range(20):
    try:
        board.post(make_run(f"{sys.argv[2]}{index}"))
    except BoardRefused:
        refused += 1
print(refused)
"""


def test_two_server_processes_share_one_board_file_within_its_bound(tmp_path):
    """Two processes on one file (two replicas on one machine, or a server and its restart overlapping)."""
    path = str(tmp_path / "board.sqlite3")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}
    processes = [subprocess.Popen([sys.executable, "-c", POSTING_PROCESS, path, name], stdout=subprocess.PIPE,
                                  text=True, env=environment, cwd=REPO) for name in ("a", "b")]
    refused = [int(process.communicate(timeout=120)[0].strip()) for process in processes]
    assert all(process.returncode == 0 for process in processes)
    runs = Board(path).runs()
    assert len(runs) == 30 and sum(refused) == 10
    assert len({run.run_id for run in runs}) == 30


def test_only_the_teacher_key_clears_the_board_or_removes_a_run(board):
    first = board.post(make_run("Ada"))
    board.post(make_run("Bo"))
    for wrong in ("", " ", "student", KEY[:-1], KEY + "x", KEY.upper(), "\ud800"):
        with pytest.raises(BoardRefused, match="only the teacher can clear the board"):
            board.clear(wrong)
        with pytest.raises(BoardRefused, match="only the teacher can remove a run"):
            board.remove(first, wrong)
    assert len(board.runs()) == 2
    assert board.remove(first, KEY) is True and board.remove(first, KEY) is False
    assert [run.nickname for run in board.runs()] == ["Bo"]
    assert board.clear(f" {KEY}\n") == 1 and board.runs() == []  # a pasted key with spaces around it


def test_without_a_set_key_one_is_made_printed_and_kept_private_beside_the_database(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("RNN_DEMO_TEACHER_KEY", raising=False)
    board = Board(tmp_path / "board.sqlite3")
    key = board.teacher_key()
    assert len(key) >= 16 and key in capsys.readouterr().err
    assert board.key_file == tmp_path / "board.sqlite3.teacher-key"
    assert stat.S_IMODE(os.stat(board.key_file).st_mode) == 0o600
    assert Board(tmp_path / "board.sqlite3").teacher_key() == key  # a restart (or another process) reads it back
    assert capsys.readouterr().err == ""  # printed once, when made
    board.post(make_run())
    with pytest.raises(BoardRefused):
        board.clear("")
    assert board.clear(key) == 1


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_nickname_is_stored_as_typed(board, name):
    nickname, note = clean_nickname(HOSTILE[name])
    assert nickname == HOSTILE[name] and note is None
    board.post(make_run(nickname))
    assert board.runs()[0].nickname == HOSTILE[name]


def test_a_nickname_is_cut_to_its_bound_and_loses_control_characters_with_a_message():
    nickname, note = clean_nickname("x" * 10_000)
    assert nickname == "x" * MAX_NICKNAME_CHARS and "cut to its first 40 characters (of 10,000)" in note
    nickname, note = clean_nickname("Ada\x00\x1b[31m\u202eLovelace\n")
    assert nickname == "Ada [31m Lovelace" and "control characters" in note
    assert clean_nickname("Ada \ud83d") == ("Ada \ufffd", None)  # half an emoji, as a browser would send it
    for empty in ("", "   ", "\x00\x07\u202e"):
        with pytest.raises(ValueError, match="Choose a nickname"):
            clean_nickname(empty)


def test_a_row_another_program_wrote_is_skipped(board):
    board.post(make_run("Ada"))
    with board._connect() as connection:
        connection.execute("INSERT INTO runs (posted_at, record) VALUES (0, 'not json'), (0, '{\"nickname\": 1}')")
        record = json.dumps({**make_run("Bo").to_record(), "units": "many"})
        connection.execute("INSERT INTO runs (posted_at, record) VALUES (0, ?)", (record,))
    assert [run.nickname for run in board.runs()] == ["Ada"]


def test_the_revision_changes_with_every_post_removal_and_clear(board):
    seen = [board.revision()]
    first = board.post(make_run("Ada"))
    seen.append(board.revision())
    board.post(make_run("Bo"))
    seen.append(board.revision())
    board.remove(first, KEY)
    seen.append(board.revision())
    board.clear(KEY)
    seen.append(board.revision())
    board.post(make_run("Cy"))
    seen.append(board.revision())
    assert len(set(seen)) == len(seen)


def runs_at(learning_rate: float, accuracies: list[float], start: int = 1) -> list[BoardRun]:
    runs = []
    for offset, accuracy in enumerate(accuracies):
        run = make_run(f"s{start + offset}", accuracy, learning_rate=learning_rate)
        runs.append(BoardRun.from_record(run.to_record(), start + offset, 0.0))
    return runs


def test_the_finding_names_a_gap_larger_than_chance():
    runs = runs_at(1e-2, [0.78, 0.77, 0.79, 0.78, 0.775, 0.785]) + runs_at(3e-3, [0.85, 0.86, 0.84, 0.85], 7)
    text = finding(runs, "learning_rate")
    assert text.startswith("The 6 runs at learning rate 1e-2 ended 7.0 points below the 4 runs at learning rate 3e-3 "
                           "(mean test accuracy 78.0% against 85.0%).")
    assert "more than chance" in text
    assert [group.value for group in groups(runs, "learning_rate")] == [3e-3, 1e-2]
    assert best_run(runs).nickname == "s8"


def test_the_finding_says_when_a_gap_could_be_chance():
    runs = runs_at(1e-2, [0.80, 0.86, 0.83]) + runs_at(3e-3, [0.82, 0.85, 0.84], 4)
    text = finding(runs, "learning_rate")
    assert "ended 0.7 points below" in text and "could be chance: no clear difference yet" in text


def test_the_finding_with_one_group_or_none_has_nothing_to_compare():
    runs = runs_at(3e-3, [0.85, 0.84])
    assert finding(runs, "learning_rate").startswith("Nothing to compare yet: all 2 runs are at learning rate 3e-3.")
    assert finding(runs, "cell").startswith("Nothing to compare yet: all 2 runs have cell LSTM.")
    assert finding(runs[:1], "units").startswith("Nothing to compare yet: the one run is at 32 LSTM units.")
    assert finding([], "units") == "Nothing to compare yet: the board is empty."
    with pytest.raises(ValueError, match="unknown setting"):
        finding(runs, "dropout")


@pytest.mark.parametrize("setting", ["learning_rate", "units", "embedding_start", "epochs"])
def test_the_figures_show_nicknames_as_text_with_readable_fonts(setting):
    runs = [BoardRun.from_record(make_run(HOSTILE[name], 0.8 + index / 100).to_record(), index + 1, 0.0)
            for index, name in enumerate(HOSTILE)]
    for figure in (accuracy_figure(runs, setting, font_size=20), curves_figure(runs, setting, font_size=20)):
        spec = figure.to_plotly_json()
        shown = str(spec)
        assert "<b>" not in shown and "<script" not in shown and "<img" not in shown and "&lt;script&gt;" in shown
        for trace in spec["data"]:
            assert "%{y} %{customdata[0]}" not in trace.get("hovertemplate", "")  # names reach hovers as data
        layout = spec["layout"]
        assert layout["font"]["size"] == 20 and layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]
        assert layout["xaxis"]["tickfont"]["size"] == 20 and layout["legend"]["font"]["size"] == 20
    assert accuracy_figure(runs, "learning_rate").to_plotly_json()["layout"]["xaxis"]["type"] == "log"
