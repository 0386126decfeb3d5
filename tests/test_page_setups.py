"""The RNN set-ups page: every set-up trains from its button and answers a user input; bad input shows an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def at():
    """One app session for the whole module, so each set-up trains once and its model is kept in session_state."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.switch_page("pages/setups.py").run()
    assert not app.exception
    return app


def _open(at: AppTest, choice: str, name: str) -> None:
    at.radio(key="setups_choice").set_value(choice).run()
    assert not at.exception
    if f"setups_result_{name}" not in at.session_state:
        assert any("Press **Train**" in info.value for info in at.info)
        at.button(key=f"setups_train_{name}").click().run()
    assert not at.exception
    assert any(s.value.startswith("Trained in") for s in at.success), [s.value for s in at.success]


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
    """The browser replaces half an emoji with U+FFFD (ui.keep_typed_text_well_formed); the page says so."""
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
    assert not fresh.success and "setups_result_one_to_one" not in fresh.session_state
