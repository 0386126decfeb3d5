"""The RNN set-ups page: every set-up trains from its button as a job and answers a user input; bad input shows an
error; with every training slot busy the page still runs at once and shows the queue."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import rerun_until
from streamlit.testing.v1 import AppTest

from rnn_demo.serving.jobs import JobStatus
from rnn_demo.web import shared

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def at():
    """One app session for the whole module, so each set-up trains once and its model is kept in session_state."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("pages/setups.py").run()
    assert not app.exception
    return app


def _job(at: AppTest, name: str):
    return at.session_state["jobs"].get(f"setups_{name}") if "jobs" in at.session_state else None


def _open(at: AppTest, choice: str, name: str) -> None:
    at.radio(key="setups_choice").set_value(choice).run()
    assert not at.exception
    if _job(at, name) is None:
        assert any("Press **Train**" in info.value for info in at.info)
        at.button(key=f"setups_train_{name}").click().run()
    rerun_until(at, lambda at: any(s.value.startswith("Trained in") for s in at.success), timeout=120)


def test_page_opens_with_a_diagram_before_training(at):
    assert at.radio(key="setups_choice").value == "One-to-one"
    assert at.title[0].value == "RNN set-ups, live"
    assert len(at.get("plotly_chart")) == 1


def test_one_to_one(at):
    _open(at, "One-to-one", "one_to_one")
    at.number_input(key="setups_x").set_value(0.1).run()
    at.number_input(key="setups_y").set_value(-0.2).run()
    assert at.metric[0].value == "inside"
    at.number_input(key="setups_x").set_value(1.8).run()
    assert at.metric[0].value == "outside" and not at.exception


def test_one_to_many(at):
    _open(at, "One-to-many", "one_to_many")
    at.slider(key="setups_steps").set_value(36).run()
    at.slider(key="setups_freq").set_value(2.0).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2  # the diagram and the generated wave
    assert any("Mean absolute error of this wave" in c.value for c in at.caption)


def test_many_to_one_forecast(at):
    _open(at, "Many-to-one", "many_to_one")
    at.slider(key="setups_start").set_value(950).run()
    at.toggle(key="setups_holidays").set_value(False).run()
    assert not at.exception
    assert any("LSTM MAE" in c.value and "same weekday last week" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 2


def test_synced_tagging(at):
    _open(at, "Many-to-many (synced)", "synced")
    at.text_input(key="setups_sentence").set_value("my friend zorg works in paris").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["word"]) == ["my", "friend", "zorg", "works", "in", "paris"]
    assert table["tag"].iloc[-1] == "LOC" and not table["known"].iloc[2]
    assert any("zorg" in info.value for info in at.info)
    at.text_input(key="setups_sentence").set_value("anna met 3 friends").run()
    assert not at.exception and "no digits or symbols" in at.error[0].value


def test_encoder_decoder_translation(at):
    _open(at, "Many-to-many (encoder-decoder)", "encoder_decoder")
    at.text_input(key="setups_number").set_value("forty-two").run()
    assert not at.exception
    steps = at.dataframe[0].value
    digits = "".join(token for token in steps["token"] if token.isdigit())
    assert at.metric[0].value == digits and 1 <= len(digits) <= 3
    at.text_input(key="setups_number").set_value("three thousand").run()
    assert not at.exception and "Unknown word(s): thousand" in at.error[0].value
    at.text_input(key="setups_number").set_value("-----").run()  # only hyphens: no words at all
    assert not at.exception and "Type a number in words" in at.error[0].value


def test_unreadable_characters_are_named(at):
    """The browser replaces half an emoji with U+FFFD (widgets.keep_typed_text_well_formed); the page says so."""
    at.radio(key="setups_choice").set_value("Many-to-many (synced)").run()
    at.text_input(key="setups_sentence").set_value("anna met \ufffd jordan").run()
    assert not at.exception
    assert any("1 character of your text could not be read" in w.value for w in at.warning)
    assert "letters" in at.error[0].value


def test_trained_models_are_kept_per_session(at):
    _open(at, "One-to-one", "one_to_one")
    fresh = AppTest.from_file(APP, default_timeout=120)
    fresh.run()
    fresh.switch_page("pages/setups.py").run()
    assert not fresh.success and _job(fresh, "one_to_one") is None


def test_a_training_survives_a_page_switch(at):
    _open(at, "One-to-one", "one_to_one")
    job = _job(at, "one_to_one")
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/setups.py").run()
    at.radio(key="setups_choice").set_value("One-to-one").run()
    assert _job(at, "one_to_one") is job and any(s.value.startswith("Trained in") for s in at.success)


def test_stop_keeps_the_partial_model_and_says_so():
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/setups.py").run()
    at.radio(key="setups_choice").set_value("Many-to-one").run()
    at.button(key="setups_train_many_to_one").click().run()
    rerun_until(at, lambda at: _job(at, "many_to_one").latest is not None, timeout=120)
    at.button(key="setups_many_to_one_stop").click().run()
    rerun_until(at, lambda at: at.warning, timeout=120)
    job = _job(at, "many_to_one")
    assert job.status is JobStatus.STOPPED and job.result.stopped
    assert "Stopped after" in at.warning[0].value and "partly trained" in at.warning[0].value
    assert any("LSTM MAE" in caption.value for caption in at.caption)  # the partial model forecasts


def test_with_every_slot_busy_the_page_runs_at_once_and_shows_the_queue():
    slots = shared.training_slots()  # the server-wide slots, shared with the app sessions of this process
    busy = [f"other student {n}" for n in range(slots.capacity)]
    for job_id in busy:
        assert slots.acquire(job_id, give_up=lambda: False)  # free slots: returns at once
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.switch_page("pages/setups.py").run()
        started = time.perf_counter()
        at.button(key="setups_train_one_to_one").click().run(timeout=10)
        seconds = time.perf_counter() - started
        assert not at.exception
        (waiting,) = [w.value for w in at.warning if "Waiting for a free training slot" in w.value]
        assert "number 1 in the queue" in waiting and f"{slots.capacity} of {slots.capacity} slots busy" in waiting
        assert _job(at, "one_to_one").status is JobStatus.WAITING
        assert at.button(key="setups_one_to_one_stop")  # a waiting job can be called off
        at.button(key="setups_one_to_one_stop").click().run(timeout=10)
        assert len(at.get("plotly_chart")) == 1 and seconds < 10  # the diagram is drawn; nothing froze
    finally:
        for job_id in busy:
            slots.release(job_id)
    _job(at, "one_to_one").join(10)
    assert _job(at, "one_to_one").status is JobStatus.CANCELLED
