"""AppTest of the Train page's data source "my own texts": upload a CSV (AppTest's file_uploader), see the mapping,
counts and split, train a tiny model on it, and find its test texts offered for Inspect; paste a bad text and read a
clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from own_data_samples import japanese_rows, to_csv, to_pasted, two_language_rows
from streamlit.testing.v1 import AppTest

from rnn_demo.core import own_data

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
ROWS = two_language_rows(per_label=100, seed=4, noise=0.1)
TINY = {"epochs_fast": 6, "maxlen_fast": 20, "embedding_dim_fast": 8, "units_fast": 8, "batch_size_fast": 16}


def train_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/train_lstm.py").run()
    at.toggle(key="own_data_on").set_value(True).run()
    assert not at.exception
    return at


def mapping_rows(at: AppTest) -> list[dict]:
    (frame,) = [frame.value for frame in at.dataframe if "label in your texts" in frame.value.columns]
    return frame.to_dict("records")


def test_the_limits_are_stated_before_any_upload():
    at = train_page()
    assert any(own_data.LIMITS in caption.value for caption in at.caption)
    assert "5 MB" in own_data.LIMITS and "50,000 rows" in own_data.LIMITS
    assert [info.value for info in at.info][0] == "Upload a file or paste lines to see how they will be read."


def test_an_upload_shows_the_mapping_counts_and_split_and_trains_on_it():
    at = train_page()
    at.file_uploader(key="own_data_file").upload("meine_texte.csv", to_csv(ROWS).encode("utf-8"), "text/csv").run()
    assert not at.exception and not at.error
    assert mapping_rows(at) == [
        {"label in your texts": "neg", "the model's class": "0 (negative)", "rows": 100},
        {"label in your texts": "pos", "the model's class": "1 (positive: P(...) is about it)", "rows": 100}]
    assert any("160 texts to train on, 20 to validate after each epoch, 20 to test" in caption.value
               for caption in at.caption)
    assert any("'pos' is a known positive label" in caption.value.replace("\\", "") for caption in at.caption)

    at.toggle(key="own_data_swap").set_value(True).run()
    assert [row["label in your texts"] for row in mapping_rows(at)] == ["pos", "neg"]
    at.toggle(key="own_data_swap").set_value(False).run()

    for key, value in TINY.items():
        widget = at.number_input(key=key) if key.startswith("epochs") else (
            at.slider(key=key) if key.startswith("maxlen") else at.select_slider(key=key))
        widget.set_value(value)
    at.button(key="train_start").click().run()
    assert not at.exception
    job = at.session_state["jobs"]["training_job"]
    job.join(timeout=120)
    at.run()
    assert job.status.value == "done", job.error
    (accuracy,) = [metric.value for metric in at.metric if metric.label.startswith("Test accuracy")]
    assert float(accuracy.rstrip("%")) / 100 == pytest.approx(job.result.metrics["test_accuracy"], abs=1e-3)
    assert job.result.metrics["test_reviews"] == 20 and job.result.metrics["train_reviews"] == 160
    assert job.result.metrics["labels"] == {"0": "neg", "1": "pos"}  # exported with the model
    (confusion,) = [chart for chart in at.get("plotly_chart") if chart.proto.id.endswith("-train_confusion")]
    assert sum(map(sum, json.loads(confusion.proto.spec)["data"][0]["z"])) == 20
    # The vocabulary was cut to the words the training texts hold, and the page says so.
    assert job.result.config.text.vocab_size == len(job.result.vocab.words) + 2 < 1_000
    assert any(f"the vocabulary has {job.result.config.text.vocab_size:,} ids" in caption.value
               for caption in at.caption)
    # The session keeps its own texts with the job (for own_texts.examples_for); another session has none.
    (job_id, own), = at.session_state["own_data_of_job"].items()
    assert job_id == job.job_id and own.counts()["test"] == 20
    at.switch_page("pages/inspect_gates.py").run()
    (run,) = [name for name in at.radio(key="inspect_model").options if name.startswith("run 1:")]
    at.radio(key="inspect_model").set_value(run).run()
    assert not at.exception
    # Inspect offers texts from the uploaded test split and names the classes by the uploaded labels.
    examples = at.selectbox(key="inspect_example").options
    assert len(examples) == 6 and at.text_area(key="inspect_review").value in set(own.splits.test.texts)
    (heading,) = [header.value for header in at.subheader if header.value.startswith("Prediction:")]
    assert heading.startswith(("Prediction: pos", "Prediction: neg")) and "(P(pos) = " in heading
    (bar,) = [chart for chart in at.get("plotly_chart") if chart.proto.id.endswith("-inspect_prediction")]
    bar = json.loads(bar.proto.spec)  # the bar names the uploaded labels too (it said negative/positive)
    assert bar["layout"]["xaxis"]["ticktext"] == ["0 neg", "0.5", "1 pos"] and bar["data"][0]["y"] == ["P(pos)"]
    # 20 test texts: the accuracy comes with its 95% interval and a warning, on Train and on Inspect.
    assert any("test accuracy" in caption.value and "95% interval" in caption.value and "only 20 test texts"
               in caption.value for caption in at.caption)


def test_pasted_lines_with_one_label_show_a_clear_error_and_no_mapping():
    at = train_page()
    at.radio(key="own_data_how").set_value("paste").run()
    at.text_area(key="own_data_paste").set_value(to_pasted([(text, "pos") for text, _ in ROWS])).run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("Cannot train on these texts: every row has the label 'pos'")
    assert not [frame for frame in at.dataframe if "label in your texts" in frame.value.columns]


def test_pasted_japanese_lines_show_their_labels_and_split():
    at = train_page()
    at.radio(key="own_data_how").set_value("paste").run()
    at.text_area(key="own_data_paste").set_value(to_pasted(japanese_rows(per_label=60))).run()
    assert not at.exception and not at.error
    assert [(row["label in your texts"], row["rows"]) for row in mapping_rows(at)] == [("ネガティブ", 60),
                                                                                      ("ポジティブ", 60)]
    assert any("96 texts to train on, 12 to validate after each epoch, 12 to test" in caption.value
               for caption in at.caption)
    assert any("Japanese, written without spaces, are read one character per step" in caption.value
               for caption in at.caption)


def test_pasted_lines_are_read_and_markup_in_labels_stays_text():
    at = train_page()
    at.radio(key="own_data_how").set_value("paste").run()
    rows = [(text, "**<b>yes</b>**" if label == "pos" else "[no](http://x)") for text, label in ROWS]
    at.text_area(key="own_data_paste").set_value(to_pasted(rows)).run()
    assert not at.exception and not at.error
    assert {row["label in your texts"] for row in mapping_rows(at)} == {"**<b>yes</b>**", "[no](http://x)"}
    assert not [element for element in at.markdown if element.proto.allow_html]


def _own_model_script(csv_text: str):
    """A session that trains a tiny model on its own texts, then lists what ui offers Inspect for it."""
    import streamlit as st

    from rnn_demo.core import own_data
    from rnn_demo.core.config import preset
    from rnn_demo.web import own_texts, session_models, shared, training_panel

    if "training_job" not in st.session_state.get("jobs", {}):
        own = own_data.parse(csv_text.encode("utf-8"), name="ours.csv", swap=True)
        config = preset("fast").with_changes(epochs=1, units=4, embedding_dim=4, maxlen=20)
        training_panel.start_training(config, own_data=own)
        st.session_state["own"] = own
    elif (job := session_models.current_job()).finished and job.result is not None:
        st.session_state["examples"] = own_texts.examples_for(job.result)
        st.session_state["epoch_examples"] = own_texts.examples_for(session_models.bundle_at_epoch(job.result, 1))
        st.session_state["labels"] = own_texts.label_names(job.result)
        st.session_state["pretrained_examples"] = own_texts.examples_for(shared.pretrained_bundle("fast"))
        st.session_state["pretrained_labels"] = own_texts.label_names(shared.pretrained_bundle("fast"))


def test_examples_for_an_own_data_model_come_from_its_test_split_and_none_for_imdb():
    at = AppTest.from_function(_own_model_script, args=(to_csv(ROWS),), default_timeout=90).run()
    at.session_state["jobs"]["training_job"].join(timeout=120)
    at.run()
    assert not at.exception
    own, examples = at.session_state["own"], at.session_state["examples"]
    assert len(examples) == 6 and set(examples.values()) <= set(own.splits.test.texts)
    assert sum("(pos)" in name for name in examples) == 3 == sum("(neg)" in name for name in examples)
    assert at.session_state["epoch_examples"] == examples  # the model after epoch 1 is the same model's
    assert at.session_state["labels"] == ("pos", "neg")  # swapped: 'neg' is the class P(...) is about
    assert at.session_state["pretrained_examples"] == {}
    assert at.session_state["pretrained_labels"] == ("negative", "positive")
