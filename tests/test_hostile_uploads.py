"""Hostile uploads: a first line longer than csv's field limit, Excel's "sep=;" line, labels written as numbers in two
ways or as "nan", and files far over the size limit each get a clear message (on the Train page and on the command
line), never a traceback, and a big file is refused before it is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnn_demo.__main__ import main
from rnn_demo.core import own_data

REPO = Path(__file__).resolve().parents[1]
LONG = 200_000  # over csv's own field limit of 131,072 characters


def _rows(labels: list[str], delimiter: str = "\t") -> str:
    return "\n".join(f"{label}{delimiter}text number {i} about {'joy' if i % 2 else 'gloom'}"
                     for i, label in enumerate(labels))


@pytest.mark.parametrize("raw", [
    "x" * LONG + ",label\n" + "a,pos\n" * 120,  # no header: a giant first cell
    "text,label\n" + "y" * LONG + ",pos\n",  # a giant text in the first row
    "\t".join(["label"] * 3) + "z" * LONG,  # a pasted giant line
], ids=["giant header cell", "giant first text", "giant pasted line"])
def test_a_first_line_over_csvs_field_limit_is_a_clear_error(raw):
    with pytest.raises(ValueError) as error:
        own_data.parse(raw.encode("utf-8"), name="big.csv")
    assert "20,000 characters" in str(error.value) or "lacks the columns" in str(error.value)
    assert len(str(error.value)) < 400  # the line itself is not repeated


def test_excels_sep_line_names_the_delimiter():
    raw = "sep=;\ntext;label\n" + "\n".join(f"text {i};{'pos' if i % 2 else 'neg'}" for i in range(120))
    own = own_data.parse(raw.encode("utf-8"), name="excel.csv")
    assert own.counts()["pos"] == own.counts()["neg"] == 60
    assert own.mapping.positive == "pos"


def test_one_number_written_two_ways_is_one_label():
    own = own_data.parse(_rows(["0", "0.0", "1", "1.0"] * 30))
    assert (own.mapping.negative, own.mapping.positive) == ("0", "1")
    assert own.counts()["0"] == own.counts()["1"] == 60


def test_nan_is_not_a_number_label():
    own = own_data.parse(_rows(["nan", "1"] * 60))
    assert own.mapping.rule != "the larger number is positive"


def test_the_train_page_shows_the_error_and_keeps_its_start_button():
    at = AppTest.from_file(str(REPO / "pages" / "train_lstm.py"), default_timeout=120)
    at.run()
    at.toggle(key="own_data_on").set_value(True).run()
    at.radio(key="own_data_how").set_value("paste").run()
    at.text_area(key="own_data_paste").set_value("label\ttext " + "w" * LONG).run()
    assert not at.exception
    assert any("Cannot train on these texts" in error.value for error in at.error)
    assert any("Start" in button.label for button in at.button)


def test_the_command_line_refuses_a_big_file_before_reading_it(tmp_path, capsys, monkeypatch):
    big = tmp_path / "big.csv"
    with big.open("wb") as file:  # a sparse file: 100 MB on paper, nothing written
        file.truncate(100 * 2**20)
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    assert main(["train", "--data", str(big), "--out", str(tmp_path / "out")]) == 2
    assert "100.0 MB; the limit is 5 MB" in capsys.readouterr().err
    assert main(["inspect", "--file", str(big), "--model", str(tmp_path)]) == 2
    assert "100.0 MB; the limit is 20 MB" in capsys.readouterr().err
    assert read == []
