"""AppTest of the class board: the Train page's "Put this run on the class board" after a tiny real training (a
10 kB hostile nickname cut with a message, once per run; none for a run on the student's own texts), and the board
page (empty, then the class's runs with the finding, both charts and the best run; nicknames shown as text; the
teacher's tools refusing a student)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import rerun_until
from own_data_samples import to_csv, two_language_rows
from streamlit.testing.v1 import AppTest
from test_board import HOSTILE, KEY, make_run

from rnn_demo.core.board import MAX_NICKNAME_CHARS
from rnn_demo.serving.board import Board
from rnn_demo.web.widgets import plain

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
BOARD_PAGE = "pages/class_board.py"
# A tiny run (600 reviews, short reviews, a small LSTM, one epoch): seconds.
SMALL = {"subset_fast": 600, "vocab_size_fast": 2_000, "epochs_fast": 1, "maxlen_fast": 60}


@pytest.fixture()
def board(tmp_path, monkeypatch) -> Board:
    monkeypatch.setenv("RNN_DEMO_BOARD_DB", str(tmp_path / "board.sqlite3"))
    monkeypatch.setenv("RNN_DEMO_TEACHER_KEY", KEY)
    return Board(tmp_path / "board.sqlite3")


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(page).run()
    assert not at.exception
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def test_a_finished_run_goes_on_the_board_once_with_its_nickname_cut_to_the_bound(board):
    at = open_page("pages/train_lstm.py")
    at.selectbox(key="train_preset").set_value("fast").run()
    for key, value in SMALL.items():
        (at.slider(key=key) if key.startswith("maxlen") else at.number_input(key=key)).set_value(value)
    at.button(key="train_start").click().run()
    rerun_until(at, lambda at: any(metric.label.startswith("Test accuracy") for metric in at.metric))

    at.text_input(key="board_nickname").set_value("<b>Ada</b> " + "x" * 10_000).run()
    at.button(key="board_post").click().run()
    assert not at.exception
    (run,) = board.runs()
    assert run.nickname == ("<b>Ada</b> " + "x" * 10_000)[:MAX_NICKNAME_CHARS]
    bundle = at.session_state["jobs"]["training_job"].result
    assert (run.test_accuracy, run.test_reviews, run.units) == (
        bundle.metrics["test_accuracy"], 60, bundle.config.model.units)
    assert len(run.history) == 1 and run.epochs == 1
    assert any(f"cut to its first {MAX_NICKNAME_CHARS} characters (of 10,011)" in text for text in texts(at, "warning"))
    (posted,) = [text for text in texts(at, "success") if "class board" in text]
    assert plain(run.nickname) in posted and "A run goes on the board once" in posted
    assert not [box for box in at.text_input if box.key == "board_nickname"]  # no second post of this run
    at.run()
    assert len(board.runs()) == 1


def test_a_run_on_the_students_own_texts_stays_off_the_board(board):
    at = open_page("pages/train_lstm.py")
    at.toggle(key="own_data_on").set_value(True).run()
    rows = two_language_rows(per_label=50, seed=4, noise=0.1)
    at.file_uploader(key="own_data_file").upload("texts.csv", to_csv(rows).encode("utf-8"), "text/csv").run()
    at.number_input(key="epochs_fast").set_value(1)
    at.button(key="train_start").click().run()
    at.session_state["jobs"]["training_job"].join(timeout=120)
    at.run()
    assert not at.exception and any(metric.label.startswith("Test accuracy") for metric in at.metric)
    assert any("The class board takes runs on IMDb reviews only" in text for text in texts(at, "caption"))
    assert not [box for box in at.text_input if box.key == "board_nickname"] and board.runs() == []


def test_an_empty_board_says_how_to_put_a_run_on_it(board):
    at = open_page(BOARD_PAGE)
    assert any("The board is empty" in text and "Put this run on the class board" in text for text in texts(at, "info"))
    assert not at.get("plotly_chart")


def test_the_board_shows_the_class_runs_with_the_finding_and_nicknames_as_text(board):
    for index, nickname in enumerate(HOSTILE.values()):
        board.post(make_run(nickname, 0.80 + index / 100, learning_rate=[1e-3, 3e-3][index % 2]))
    at = open_page(BOARD_PAGE)
    assert len(at.get("plotly_chart")) == 2
    (found,) = [text for text in texts(at, "markdown") if text.startswith("**What the class found.**")]
    assert "runs at learning rate 1e-3 ended" in found and "runs at learning rate 3e-3" in found
    (best,) = [text for text in texts(at, "markdown") if text.startswith("**Best run:**")]
    assert plain(list(HOSTILE.values())[-1]) in best and f"{len(HOSTILE)} runs on the board" in best
    charts = str([chart.proto.spec for chart in at.get("plotly_chart")])
    assert "<script" not in charts and "<img" not in charts and "&lt;script&gt;" in charts

    at.selectbox(key="board_setting").set_value("units").run()
    (found,) = [text for text in texts(at, "markdown") if text.startswith("**What the class found.**")]
    assert "Nothing to compare yet: all 6 runs are at 32 LSTM units." in found


def test_a_student_without_the_key_cannot_clear_or_remove_and_the_teacher_can(board):
    first = board.post(make_run("Ada"))
    board.post(make_run("Bo"))
    at = open_page(BOARD_PAGE)
    assert any("type the teacher key first" in text for text in texts(at, "info"))
    at.button(key="board_clear").click().run()
    assert any("only the teacher can clear the board" in text for text in texts(at, "error"))
    at.text_input(key="board_teacher_key").set_value("a guess").run()
    assert any("That is not the teacher key" in text for text in texts(at, "error"))
    at.selectbox(key="board_remove_choice").set_value(first).run()
    at.button(key="board_remove").click().run()
    assert any("only the teacher can remove a run" in text for text in texts(at, "error"))
    assert len(board.runs()) == 2

    at.text_input(key="board_teacher_key").set_value(KEY).run()
    assert "Teacher key accepted." in texts(at, "success")
    at.selectbox(key="board_remove_choice").set_value(first).run()
    at.button(key="board_remove").click().run()
    assert f"Run #{first} removed from the board." in texts(at, "success")
    assert [run.nickname for run in board.runs()] == ["Bo"]
    at.button(key="board_clear").click().run()
    assert "Cleared: 1 run removed from the board." in texts(at, "success")
    assert board.runs() == [] and any("The board is empty" in text for text in texts(at, "info"))
