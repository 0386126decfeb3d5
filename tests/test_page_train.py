"""AppTest of the Train page (a tiny real training, bad settings, Stop) and of what a trained model changes on the
Home and Inspect pages of the same session, and only of that session."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from conftest import rerun_until
from streamlit.testing.v1 import AppTest

from rnn_demo.core.accuracy import wilson_interval
from rnn_demo.core.config import preset
from rnn_demo.core.events import ProgressKind
from rnn_demo.lessons.catalog import LESSONS
from rnn_demo.model.models import build_classifier, keras_code
from rnn_demo.serving import runs
from rnn_demo.serving.jobs import JobStatus

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
PRETRAINED_METRICS = json.loads((REPO / "assets" / "models" / "fast" / "metrics.json").read_text(encoding="utf-8"))
PRETRAINED, MINE = "pretrained model (fast preset)", "my trained model"
COURSE = "pretrained course model (course preset, 128 units)"
# A tiny run: 600 reviews (480 train, 60 validation, 60 test), short reviews and a small LSTM, so it takes seconds.
SMALL = {"subset_fast": 600, "vocab_size_fast": 2_000, "epochs_fast": 2, "maxlen_fast": 60,
         "embedding_dim_fast": 16, "units_fast": 8}


def new_session(page: str = "pages/train_lstm.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(page).run()
    assert not at.exception
    return at


def start_training(at: AppTest, **settings) -> None:
    at.selectbox(key="train_preset").set_value("fast").run()
    for key, value in settings.items():
        widget = at.number_input(key=key) if key.split("_fast")[0] in ("subset", "vocab_size", "epochs") else (
            at.slider(key=key) if key.startswith("maxlen") else
            at.radio(key=key) if key.startswith("embedding_start") else
            at.selectbox(key=key) if key.startswith("weight_average") else at.select_slider(key=key))
        widget.set_value(value)
    at.button(key="train_start").click().run()
    assert not at.exception


def has_results(at: AppTest) -> bool:
    return any(metric.label.startswith("Test accuracy") for metric in at.metric)


def metric(at: AppTest, label: str) -> str:
    (value,) = [item.value for item in at.metric if item.label.startswith(label)]
    return value


def run_label(at: AppTest, number: int) -> str:
    (label,) = [name for name in at.radio(key="inspect_model").options if name.startswith(f"run {number}: ")]
    return label


def chart_keys(at: AppTest) -> list[str]:
    return [chart.proto.id.split("-", 2)[2] for chart in at.get("plotly_chart")]


@pytest.fixture(scope="module")
def trained() -> AppTest:
    """One session that trained the tiny model to the end."""
    at = new_session()
    start_training(at, **SMALL)
    rerun_until(at, has_results)
    return at


def test_a_small_training_shows_its_results(trained):
    at = trained
    assert metric(at, "Epochs completed") == "2"
    accuracy = metric(at, "Test accuracy on 60 test reviews")
    bundle = at.session_state["jobs"]["training_job"].result
    assert accuracy == f"{bundle.metrics['test_accuracy']:.1%}"
    assert [message.value for message in at.success] == ["Open **Inspect** to see what your model does with a review."]
    assert {"train_curves", "train_confusion"} <= set(chart_keys(at))
    (confusion,) = [chart for chart in at.get("plotly_chart") if chart.proto.id.endswith("-train_confusion")]
    counts = json.loads(confusion.proto.spec)["data"][0]["z"]
    assert len(counts) == 2 and all(len(row) == 2 for row in counts) and sum(map(sum, counts)) == 60
    (summary,) = [frame.value for frame in at.dataframe if "Param #" in frame.value.columns]
    vocab, embedding, units = SMALL["vocab_size_fast"], SMALL["embedding_dim_fast"], SMALL["units_fast"]
    assert list(summary["Param #"]) == [vocab * embedding, 4 * (embedding + units + 1) * units, units + 1]
    assert [name.split(" ")[0] for name in summary["Layer (type)"]] == ["embedding", "lstm", "dense"]
    assert any(f"Total parameters: {summary['Param #'].sum():,}." in caption.value for caption in at.caption)
    assert not [button for button in at.button if button.key == "training_job_stop"]
    (code,) = at.code
    assert code.value.strip() == keras_code(bundle.config).strip()
    assert f"Embedding(input_dim={SMALL['vocab_size_fast']}, output_dim={embedding})" in code.value
    # the word-count start (the preset's): where the named words' vectors started, from this run's own counts
    assert bundle.config.train.embedding_start == "word_counts" and "vectors[:, 0] = 0.5 * ratio" in code.value
    start_words = bundle.metrics["word_counts_start"]
    (caption,) = [c.value for c in at.caption if c.value.startswith("Where number 0 of the word vectors started")]
    best, worst = start_words["positive"][0], start_words["negative"][0]
    assert f"most positive {best[0]} {best[1]:+.2f}" in caption and f"most negative {worst[0]} {worst[1]:+.2f}" in caption
    assert best[1] > 0 > worst[1]


def test_home_names_the_own_model_after_training(trained):
    trained.switch_page("pages/home.py").run()
    assert not trained.exception
    (message,) = trained.success
    bundle = trained.session_state["jobs"]["training_job"].result
    assert message.value.startswith(f"Your own model (fast preset, {SMALL['units_fast']} LSTM units), test accuracy "
                                    f"{bundle.metrics['test_accuracy']:.1%} on 60 test reviews (95% interval ")
    assert "only 60 test reviews, under 100" in message.value  # few test reviews: the accuracy says how uncertain


def test_inspect_offers_my_model_and_its_epochs(trained):
    at = trained
    at.switch_page("pages/inspect_gates.py").run()
    mine = run_label(at, 1)
    bundle = at.session_state["jobs"]["training_job"].result
    assert at.radio(key="inspect_model").options == [PRETRAINED, COURSE, mine]
    lower, upper = wilson_interval(bundle.metrics["test_accuracy"], 60)
    assert mine == (f"run 1: fast, {SMALL['units_fast']} units, {bundle.metrics['test_accuracy']:.1%} test accuracy "
                    f"(95% interval {lower:.1%}–{upper:.1%})")
    at.number_input(key="inspect_unit").set_value(31).run()  # a unit the pretrained model has, mine has not
    at.radio(key="inspect_model").set_value(mine).run()
    assert not at.exception
    assert any(caption.value.startswith(f"{SMALL['units_fast']} LSTM units, MaxLen {SMALL['maxlen_fast']}, "
                                        f"vocabulary {SMALL['vocab_size_fast']:,} words") for caption in at.caption)
    unit = at.number_input(key="inspect_unit")
    assert unit.max == SMALL["units_fast"] - 1 and 0 <= unit.value < SMALL["units_fast"]
    epoch = at.slider(key="inspect_epoch_run_1")
    assert (epoch.min, epoch.max, epoch.value) == (1, 2, 2)
    # The last epoch of a finished run is the run's own model: the same test accuracy as on Train and Home.
    accuracy = f"test accuracy {bundle.metrics['test_accuracy']:.1%} on 60 test reviews (95% interval "
    assert any(accuracy in caption.value for caption in at.caption)

    def running_prediction() -> list:
        (chart,) = [chart for chart in at.get("plotly_chart") if chart.proto.id.endswith("-inspect_heatmaps")]
        spec = json.loads(chart.proto.spec)
        heatmap = next(trace for trace in spec["data"] if trace["type"] == "heatmap")
        assert len(heatmap["y"]) == min(16, SMALL["units_fast"])  # one row per shown unit of my model
        return next(trace for trace in spec["data"] if trace["type"] == "scatter")["y"]

    after_two = running_prediction()
    epoch.set_value(1).run()
    assert not at.exception
    assert running_prediction() != after_two  # the epoch-1 weights give other numbers
    # The caption reports that epoch's own validation accuracy, named as such, not the final model's test accuracy.
    first = bundle.metrics["history"][0]["val_accuracy"]
    assert any(caption.value.endswith(f"validation accuracy after epoch 1: {first:.1%} on 60 validation reviews")
               for caption in at.caption)
    # Epoch models are rebuilt at most a few per session, keyed by the run (not by an object id).
    assert list(at.session_state["epoch_bundles"]) == [(at.session_state["run_history"].runs[0].version, 1)]


def test_another_session_does_not_see_my_model(trained):
    other = new_session("pages/inspect_gates.py")
    assert other.radio(key="inspect_model").options == [PRETRAINED, COURSE]
    other.switch_page("pages/home.py").run()
    assert not other.exception and not other.success
    links = other.get("page_link")
    assert [link.proto.label for link in links] == [f"{n}. {lesson.title}" for n, lesson in enumerate(LESSONS, 1)]
    assert all(link.proto.page_script_hash for link in links)  # each link leads to a page of the navigation
    (message,) = other.info
    assert f"test accuracy {PRETRAINED_METRICS['test_accuracy']:.1%}" in message.value


def test_settings_the_data_cannot_support_show_an_error():
    at = new_session()
    start_training(at, subset_fast=200, vocab_size_fast=20_000)
    rerun_until(at, lambda at: bool(at.error), timeout=60)
    (error,) = at.error
    assert "vocab_size 20,000 is larger than the data supports" in error.value
    assert not has_results(at) and at.session_state["jobs"]["training_job"].status is JobStatus.FAILED
    at.switch_page("pages/inspect_gates.py").run()
    assert at.radio(key="inspect_model").options == [PRETRAINED, COURSE]


def test_stop_ends_a_long_training_and_keeps_a_usable_model():
    at = new_session()
    start_training(at, subset_fast=4_000, epochs_fast=20)  # 500 batches, some 40 s if it ran to the end
    rerun_until(at, lambda at: bool(at.get("progress")), timeout=60)
    job = at.session_state["jobs"]["training_job"]
    batches_at_stop = len(job.events)
    total_batches = 20 * job.latest.steps_per_epoch
    at.button(key="training_job_stop").click().run()
    rerun_until(at, has_results, timeout=60)
    assert job.status is JobStatus.STOPPED
    batches = sum(event.kind is ProgressKind.STEP for event in job.events)
    assert batches < batches_at_stop + 20 < total_batches  # it stopped soon after the click, not at the end
    assert at.success[0].value.startswith("Stopped early: the model keeps what it learned so far.")
    assert metric(at, "Epochs completed") == "0"
    at.switch_page("pages/inspect_gates.py").run()
    at.radio(key="inspect_model").set_value(run_label(at, 1)).run()
    assert not at.exception and not at.slider  # no finished epoch, so no epoch slider
    assert any(item.value.startswith("Prediction: ") for item in at.subheader)


def test_the_start_text_says_what_the_model_does_with_padding():
    """"What happens when you press Start?" once said padding is masked; the model reads it (mask_zero is off)."""
    at = new_session()
    (expander,) = [item for item in at.expander if item.label == "What happens when you press Start?"]
    text = " ".join(block.value for block in expander.markdown)
    masked = build_classifier(preset("fast")).get_layer("embedding").mask_zero
    assert masked is False
    assert "the padding is not masked; the LSTM reads it too" in text
    assert not re.search(r"(?<!not )masked", text)  # the old text: "Padding goes at the front and is masked"


def test_settings_too_large_for_memory_are_refused_before_training():
    at = new_session()
    at.selectbox(key="train_preset").set_value("course").run()
    at.number_input(key="vocab_size_course").set_value(20_000)
    at.select_slider(key="embedding_dim_course").set_value(256)
    at.select_slider(key="units_course").set_value(256)
    at.number_input(key="epochs_course").set_value(20)
    at.button(key="train_start").click().run()
    assert not at.exception
    (error,) = at.error
    estimate = runs.run_bytes(preset("course").with_changes(vocab_size=20_000, embedding_dim=256, units=256,
                                                             epochs=20))
    assert error.value.startswith(f"Training cannot start: these settings would keep {runs.megabytes(estimate)}")
    assert "jobs" not in at.session_state or not at.session_state["jobs"]  # nothing started


def test_a_second_run_is_kept_compared_and_inspectable(trained):
    """A new training no longer replaces the previous model: both runs are listed with their settings, their
    validation curves are drawn together, and Inspect offers each."""
    at = trained
    at.switch_page("pages/train_lstm.py").run()
    first = at.session_state["jobs"]["training_job"]
    start_training(at, **{**SMALL, "units_fast": 4, "epochs_fast": 1, "embedding_start_fast": "random",
                          "weight_average_momentum_fast": 0.9})
    rerun_until(at, lambda at: at.session_state["jobs"]["training_job"] is not first and has_results(at))
    second = at.session_state["jobs"]["training_job"]
    (table,) = [frame.value for frame in at.dataframe if "run" in frame.value.columns]
    assert list(table["run"]) == [1, 2] and list(table["LSTM units"]) == [SMALL["units_fast"], 4]
    assert list(table["epochs done"]) == ["2 of 2", "1 of 1"]
    assert list(table["word vectors start"]) == ["word counts", "random"]
    assert second.result.config.train.weight_average_momentum == 0.9  # the choice reached the training
    assert list(table["weights handed over"]) == [
        runs.weights_handed_over(preset("fast").train),
        "running average of the weights over about the last 10 batches"]
    assert [c for c in at.caption if "The model you got is the running average of the weights over about the last "
            "10 batches (the Adam lines below)" in c.value]
    (code,) = at.code
    assert "optimizer=Adam(use_ema=True, ema_momentum=0.9)" in code.value
    assert [c for c in at.caption if c.value.startswith("Solid lines: each batch's own loss") and "(running average "
            "of the weights over about the last 10 batches) on the validation reviews" in c.value]
    assert not [c for c in at.caption if c.value.startswith("Where number 0 of the word vectors started")]
    assert list(table["test accuracy"]) == [first.result.metrics["test_accuracy"], second.result.metrics["test_accuracy"]]
    assert list(table["training time (s)"]) == [first.result.metrics["train_seconds"],
                                                second.result.metrics["train_seconds"]]
    (chart,) = [chart for chart in at.get("plotly_chart") if chart.proto.id.endswith("-train_runs_curves")]
    traces = json.loads(chart.proto.spec)["data"]
    accuracy = [trace["y"] for trace in traces if trace.get("yaxis") == "y2"]
    assert accuracy == [[row["val_accuracy"] for row in job.result.metrics["history"]] for job in (first, second)]
    at.switch_page("pages/inspect_gates.py").run()
    labels = at.radio(key="inspect_model").options[2:]
    assert [label.split(":")[0] for label in labels] == ["run 1", "run 2"]
    at.radio(key="inspect_model").set_value(labels[0]).run()
    assert not at.exception and at.number_input(key="inspect_unit").max == SMALL["units_fast"] - 1
    at.radio(key="inspect_model").set_value(labels[1]).run()
    assert not at.exception and at.number_input(key="inspect_unit").max == 3
    assert not at.slider  # one epoch: no epoch slider
