"""Train: the class watches an LSTM learn IMDb sentiment live, then reads its test results and compares its runs."""

import streamlit as st

from rnn_demo.core.config import preset
from rnn_demo.figures.training import (
    PLOT_CONFIG,
    confusion_figure,
    runs_figure,
    training_curves,
)
from rnn_demo.model.models import keras_code, summary_rows
from rnn_demo.serving import runs
from rnn_demo.serving.jobs import JobStatus
from rnn_demo.web import (
    board_panel,
    lecture,
    own_texts,
    session_models,
    streamlit_hooks,
    training_panel,
    widgets,
)
from rnn_demo.web import train_texts as texts

streamlit_hooks.use_app_navigation()
SETTINGS = ("vocab_size", "maxlen", "embedding_dim", "units", "subset", "epochs", "batch_size", "learning_rate",
            "embedding_start", "weight_average_momentum")


def start_from_form() -> None:
    """The Start button's callback: it runs before the page, so the live curves of the new run come first."""
    name = st.session_state["train_preset"]
    values = {setting: st.session_state[f"{setting}_{name}"] for setting in SETTINGS}
    values["subset"] = None if values["subset"] >= 50_000 else int(values["subset"])
    try:
        training_panel.start_training(preset(name).with_changes(**values), st.session_state["train_source"],
                                      own_data=st.session_state.get("train_own_texts"))
    except ValueError as error:
        st.session_state["train_refused"] = f"Training cannot start: {error}"


st.title("Train an LSTM on IMDb reviews")
if message := st.session_state.pop("train_refused", None):
    st.error(message)
if session_models.current_job() is None:
    st.caption(texts.INTRO)


def curves(job) -> None:
    if job.events:
        st.plotly_chart(lecture.sized(training_curves(job.events)), key="train_curves", config=PLOT_CONFIG)
        train = next((run.config.train for run in session_models.my_runs() if run.job is job), None)
        if train is not None and (caption := texts.curves_caption(train)):
            st.caption(caption)


def settings_form() -> None:
    """The run's settings, Start first (visible without scrolling at 1280x720 with the preset's defaults); Start
    calls `start_from_form` before the next run of the page."""
    st.selectbox("Preset", list(texts.PRESETS), key="train_preset", format_func=texts.PRESETS.get)
    name = st.session_state["train_preset"]
    base = preset(name)
    st.session_state["train_own_texts"] = own_texts.own_data_section()  # None: train on IMDb
    with st.form("train_form"):
        note, button = st.columns([4, 1], vertical_alignment="center")
        note.markdown(texts.BEFORE_START)
        button.form_submit_button("Start training", type="primary", key="train_start", on_click=start_from_form,
                                  width="stretch")
        left, middle, right = st.columns(3)
        left.number_input("Vocabulary size (words)", 1_000, 20_000, base.text.vocab_size, 1_000,
                          key=f"vocab_size_{name}")
        left.slider("MaxLen (words per review)", 20, 400, base.text.maxlen, 10, key=f"maxlen_{name}")
        middle.select_slider("Embedding dimension", [8, 16, 32, 64, 128, 256], base.model.embedding_dim,
                             key=f"embedding_dim_{name}")
        middle.select_slider("LSTM units", [4, 8, 16, 32, 64, 128, 256], base.model.units, key=f"units_{name}")
        middle.number_input("Reviews used (80% train, 10% validation, 10% test)", 200, 50_000, 25_000, 100,
                            key=f"subset_{name}")
        right.number_input("Epochs", 1, 20, base.train.epochs, key=f"epochs_{name}")
        right.select_slider("Batch size", [16, 32, 64, 128, 256, 512], base.train.batch_size,
                            key=f"batch_size_{name}")
        right.select_slider("Learning rate", [1e-4, 3e-4, 5e-4, 1e-3, 3e-3, 5e-3, 1e-2, 3e-2], base.train.learning_rate,
                            key=f"learning_rate_{name}")
        st.radio("Word vectors start", list(texts.STARTS), key=f"embedding_start_{name}",
                 index=list(texts.STARTS).index(base.train.embedding_start), format_func=texts.STARTS.get)
        st.selectbox("Weights handed over at the end", list(texts.WEIGHTS_HANDED_OVER),
                     key=f"weight_average_momentum_{name}", format_func=texts.WEIGHTS_HANDED_OVER.get,
                     index=list(texts.WEIGHTS_HANDED_OVER).index(base.train.weight_average_momentum))
        st.radio("Reviews", list(texts.SOURCES), horizontal=True, key="train_source", format_func=texts.SOURCES.get)
    with st.expander("What happens when you press Start?"):
        st.markdown(texts.START_EXPLAINED)


def results(job) -> None:
    """A finished run: its test results, confusion matrix, summary and the same model in the course's code."""
    if job.status is JobStatus.FAILED:
        st.error(job.error)
        return
    if job.status is JobStatus.CANCELLED:
        st.info("Training was cancelled before it started.")
        return
    bundle, metrics = job.result, job.result.metrics
    st.success(("Stopped early: the model keeps what it learned so far. " if job.status is JobStatus.STOPPED else "")
               + "Open **Inspect** to see what your model does with a review.")
    first, second, third = st.columns(3)
    first.metric(f"Test accuracy on {bundle.test_texts()}", f"{metrics['test_accuracy']:.1%}",
                 help="texts the model never saw while training")
    second.metric("Training time", f"{metrics['train_seconds']:.1f} s")
    third.metric("Epochs completed", metrics["epochs_completed"])
    if (uncertain := bundle.accuracy_uncertainty()) is not None:
        st.warning(f"Test accuracy: {uncertain}.", icon=":material/error:")
    if note := own_texts.fit_note(job):  # what this run changed to suit the texts, e.g. more gradient steps
        st.caption(widgets.plain(note))
    board_panel.post_control(job)  # the class board: this run under a nickname, once
    left, right = st.columns([2, 3])
    left.subheader("Confusion matrix (test reviews)")
    left.plotly_chart(lecture.sized(confusion_figure(metrics["confusion"])), key="train_confusion", config=PLOT_CONFIG)
    rows = summary_rows(bundle.model)
    right.subheader("Model summary")
    right.dataframe(rows, hide_index=True, key="train_summary",
                    column_config={"Param #": st.column_config.NumberColumn(format="localized")})
    right.caption(f"Total parameters: {sum(row['Param #'] for row in rows):,}. {texts.PARAMETERS_EXPLAINED}")
    st.subheader("The same model in the course's Keras code")
    st.caption(texts.course_code_caption(bundle.config, metrics))
    st.code(keras_code(bundle.config), language="python")
    if start_words := metrics.get("word_counts_start"):
        st.caption(texts.word_counts_caption(start_words))


def compare_runs() -> None:
    """The session's kept runs: a table of settings and results, and their validation curves together."""
    kept = [run for run in session_models.my_runs() if run.bundle is not None]
    if kept:
        st.subheader("Your runs")
        history = session_models.run_history()
        st.caption(f"This session keeps your last {history.max_runs} runs ({runs.megabytes(history.bytes)} of "
                   f"{runs.megabytes(history.budget)} per student; oldest out first). Choose one on **Inspect**.")
        st.dataframe([run.row() for run in session_models.my_runs()], hide_index=True, key="train_runs", column_config={
            "test accuracy": st.column_config.NumberColumn(format="percent"),
            "vocabulary": st.column_config.NumberColumn(format="localized"),
            "training reviews": st.column_config.NumberColumn(format="localized")})
        if len(kept) > 1:
            st.plotly_chart(lecture.sized(runs_figure([(run.number, run.label, run.bundle.metrics["history"])
                                                        for run in kept])),
                            key="train_runs_curves", config=PLOT_CONFIG)


# Once a run exists, its live curves come first (visible without scrolling at 1280x720) and the settings fold away.
if session_models.current_job() is None:
    settings_form()
else:
    job = training_panel.job_panel(session_models.TRAINING_JOB, "", draw=curves)
    if job.finished:
        results(job)
    compare_runs()
    with st.expander("Settings for another run", expanded=False):
        settings_form()
