"""The student's model follows them (issue 19): after a training their latest run is the model Inspect, the Analysis
lab and Probes open on, each page names the model it shows, a link naming a run this session does not have says so
and names the model shown instead, and the own-texts upload outlives a visit to another page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import rerun_until
from own_data_samples import to_csv, to_pasted, two_language_rows
from streamlit.testing.v1 import AppTest
from test_page_train import SMALL, has_results, new_session, start_training

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
PRETRAINED, COURSE = "pretrained model (fast preset)", "pretrained course model (course preset, 128 units)"
ASK_FOR_TEXTS = "Upload a file or paste lines to see how they will be read."
ROWS = two_language_rows(per_label=60, seed=2, noise=0.1)


def captions(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption]


def test_after_a_training_inspect_the_lab_and_probes_open_on_the_new_run_and_name_it():
    at = new_session("pages/lab_probes.py")  # visited before the training: its choice then was the pretrained ones
    assert at.multiselect(key="lab_probe_models").value == [PRETRAINED, COURSE]
    at.switch_page("pages/train_lstm.py").run()
    start_training(at, **SMALL)
    rerun_until(at, has_results)
    label = at.session_state["run_history"].runs[-1].label
    assert re.fullmatch(rf"run 1: fast, {SMALL['units_fast']} units, [0-9.]+% test accuracy \(95% interval [0-9.]+%–[0-9.]+%\)",
                        label)

    at.switch_page("pages/inspect_gates.py").run()
    assert not at.exception
    assert at.radio(key="inspect_model").value == label
    assert f"Showing: {label}" in captions(at)
    assert any(caption.startswith(f"{SMALL['units_fast']} LSTM units, MaxLen {SMALL['maxlen_fast']}")
               for caption in captions(at))

    at.switch_page("pages/lab.py").run()
    assert not at.exception
    assert at.selectbox(key="lab_model").value == label
    assert f"Showing: {label}" in captions(at)

    at.switch_page("pages/lab_probes.py").run()
    assert not at.exception
    assert at.multiselect(key="lab_probe_models").value == [label, PRETRAINED, COURSE]
    assert f"Showing: {label}; {PRETRAINED}; {COURSE}" in captions(at)
    assert list(at.dataframe[0].value.columns)[2:] == ["run 1", "fast model", "course model"]  # a column each

    # The pretrained models are one click away, and the student's choice stays until the next training.
    at.switch_page("pages/inspect_gates.py").run()
    at.radio(key="inspect_model").set_value(PRETRAINED).run()
    assert f"Showing: {PRETRAINED}" in captions(at)
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/inspect_gates.py").run()
    assert not at.exception and at.radio(key="inspect_model").value == PRETRAINED


@pytest.mark.parametrize("present", ["1", "0"])
def test_a_link_to_a_run_of_another_session_says_it_is_not_here_and_names_the_model_shown(present):
    run = "run 3: fast, 32 units, 86.1% test accuracy"
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"model": run, "present": present, "review": "A dull film with a great cast."})
    at.switch_page("pages/inspect_gates.py").run()
    assert not at.exception
    assert at.radio(key="inspect_model").value == PRETRAINED
    (warning,) = [warning.value for warning in at.warning if "not available here" in warning.value]
    assert f"“{run}”" in warning and f"Shown instead: {PRETRAINED}." in warning
    assert f"Showing: {PRETRAINED}" in captions(at)
    at.text_area(key="inspect_review").set_value("A great cast in a dull film.").run()  # still said on a rerun
    assert any("not available here" in warning.value for warning in at.warning)
    at.radio(key="inspect_model").set_value(COURSE).run()  # another model chosen: nothing left to say
    assert not any("not available here" in warning.value for warning in at.warning)


def mapping_rows(at: AppTest) -> list[dict]:
    (frame,) = [frame.value for frame in at.dataframe if "label in your texts" in frame.value.columns]
    return frame.to_dict("records")


def test_the_own_texts_upload_is_kept_for_the_session_and_can_be_forgotten():
    at = new_session()
    at.toggle(key="own_data_on").set_value(True).run()
    at.file_uploader(key="own_data_file").upload("meine_texte.csv", to_csv(ROWS).encode("utf-8"), "text/csv").run()
    at.toggle(key="own_data_swap").set_value(True).run()
    before = mapping_rows(at)
    assert [row["rows"] for row in before] == [60, 60]

    at.switch_page("pages/home.py").run()
    at.switch_page("pages/train_lstm.py").run()
    assert not at.exception
    assert at.toggle(key="own_data_on").value and at.toggle(key="own_data_swap").value
    assert mapping_rows(at) == before
    assert "Using meine\\_texte.csv (uploaded earlier). Upload another file above to replace it." in captions(at)

    at.button(key="own_data_forget").click().run()
    assert not at.exception
    assert ASK_FOR_TEXTS in [info.value for info in at.info] and not at.get("file_uploader")[0].value
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/train_lstm.py").run()
    assert ASK_FOR_TEXTS in [info.value for info in at.info] and not at.get("file_uploader")[0].value


def test_pasted_own_texts_are_kept_for_the_session():
    pasted = to_pasted(ROWS)
    at = new_session()
    at.toggle(key="own_data_on").set_value(True).run()
    at.radio(key="own_data_how").set_value("paste").run()
    at.text_area(key="own_data_paste").set_value(pasted).run()
    before = mapping_rows(at)
    at.switch_page("pages/lab.py").run()
    at.switch_page("pages/train_lstm.py").run()
    assert not at.exception
    assert at.radio(key="own_data_how").value == "paste" and at.text_area(key="own_data_paste").value == pasted
    assert mapping_rows(at) == before
