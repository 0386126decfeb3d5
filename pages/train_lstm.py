"""Train: the class watches an LSTM learn IMDb sentiment live, then reads its test results and compares its runs."""

import streamlit as st

from rnn_demo.core.config import TrainConfig, preset
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
    own_texts,
    session_models,
    streamlit_hooks,
    training_panel,
    widgets,
)

streamlit_hooks.use_app_navigation()
SETTINGS = ("vocab_size", "maxlen", "embedding_dim", "units", "subset", "epochs", "batch_size", "learning_rate",
            "embedding_start", "weight_average_momentum")
STARTS = {"word_counts": "from word counts: number 0 of each word vector = how much more often the word is in "
                         "positive than in negative training reviews (learns faster)",
          "random": "at random, as in the course's code"}
WEIGHTS_HANDED_OVER = {  # momentum of the running average of the weights -> what the run hands over
    momentum: runs.weights_handed_over(TrainConfig(weight_average_momentum=momentum))
    + (" (as the course's fit)" if momentum == 0 else "") for momentum in (0.0, 0.9, 0.95, 0.99)}


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
    st.caption("Embedding → LSTM → Dense(1, sigmoid), trained on the 25,000 labelled IMDb reviews shipped with the "
               "app. Your models are yours alone: other students keep theirs, and the pretrained ones never change.")


def curves(job) -> None:
    if job.events:
        st.plotly_chart(training_curves(job.events), key="train_curves", config=PLOT_CONFIG)
        train = next((run.config.train for run in session_models.my_runs() if run.job is job), None)
        if train is not None and train.weight_average_momentum > 0:
            st.caption("Solid lines: each batch's own loss and accuracy, with the weights as Adam moves them. Dashed: "
                       f"the model you would get after that epoch ({runs.weights_handed_over(train)}) on the "
                       "validation reviews.")


def settings_form() -> None:
    """The run's settings; Start calls `start_from_form` before the next run of the page."""
    st.selectbox("Preset", ["fast", "course"], key="train_preset",
                 format_func={"fast": "fast: small LSTM (32 units), learns in seconds",
                              "course": "course: the course's model (128 units), slower"}.get)
    name = st.session_state["train_preset"]
    base = preset(name)
    st.session_state["train_own_texts"] = own_texts.own_data_section()  # None: train on IMDb
    with st.form("train_form"):
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
        st.radio("Word vectors start", list(STARTS), key=f"embedding_start_{name}",
                 index=list(STARTS).index(base.train.embedding_start), format_func=STARTS.get)
        st.selectbox("Weights handed over at the end", list(WEIGHTS_HANDED_OVER), key=f"weight_average_momentum_{name}",
                     index=list(WEIGHTS_HANDED_OVER).index(base.train.weight_average_momentum),
                     format_func=WEIGHTS_HANDED_OVER.get)
        st.radio("Reviews", ["bundled", "keras"], horizontal=True, key="train_source",
                 format_func={"bundled": "25,000 IMDb reviews shipped with the app (offline)",
                              "keras": "Keras' 50,000 IMDb reviews (downloads; needs the internet)"}.get)
        st.form_submit_button("Start training", type="primary", key="train_start", on_click=start_from_form)
    with st.expander("What happens when you press Start?"):
        st.markdown(
            "1. Each review becomes word ids (the *vocabulary size* most common words; others become *unknown*), cut "
            "or padded to **MaxLen** words. Padding goes at the front, so the LSTM reads the padding first and the "
            "review last: its final state comes right after the last real word (the padding is not masked; the LSTM "
            "reads it too).\n"
            "2. The **embedding** turns each id into a vector; the **LSTM** reads the vectors one by one, updating its "
            "cell state (current memory) and hidden state (overall memory); the **Dense** layer turns the last hidden "
            "state into P(positive). The word vectors start at random, or (*from word counts*) with number 0 of "
            "each vector set to how much more often the word appears in positive than in negative training reviews "
            "(log of the ratio, halved): a word found mostly in positive reviews starts above 0, one found mostly in "
            "negative reviews below 0, one found equally in both near 0. Training "
            "still changes every number, and the LSTM still has to learn to read them in order.\n"
            "3. After each batch, Adam nudges every weight to lower the *binary crossentropy* loss. Each batch "
            "pushes the weights its own way, so the model after one batch can be a few points better or worse "
            "than after the next. With *average* chosen under **Weights handed over**, Adam also keeps a running "
            "average of the weights over about the last 20 (or 10, 100) batches, and that average is the model "
            "you get: it moves less from batch to batch. After each epoch the model you would get is checked on "
            "validation reviews it never trains on.")


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
    left, right = st.columns([2, 3])
    left.subheader("Confusion matrix (test reviews)")
    left.plotly_chart(confusion_figure(metrics["confusion"]), key="train_confusion", config=PLOT_CONFIG)
    rows = summary_rows(bundle.model)
    right.subheader("Model summary")
    right.dataframe(rows, hide_index=True, key="train_summary",
                    column_config={"Param #": st.column_config.NumberColumn(format="localized")})
    right.caption(f"Total parameters: {sum(row['Param #'] for row in rows):,}. The embedding holds one vector per "
                  "vocabulary word; the LSTM's 4 gates each have input, recurrent and bias weights: "
                  "4 × (embedding + units + 1) × units.")
    st.subheader("The same model in the course's Keras code")
    train = bundle.config.train
    decay = ", lowered along a cosine to a tenth by the last batch" if train.decay_learning_rate else ""
    start = (" Number 0 of each word vector started from word counts (the extra lines below); the course starts "
             "them at random." if train.embedding_start == "word_counts" else "")
    if train.weight_average_momentum > 0:
        start += (f" The model you got is the {runs.weights_handed_over(train)} (the Adam "
                  "lines below); the course's fit hands over the last batch's weights.")
    st.caption(f"These layers give the summary's parameter counts. This app trains them with Adam at learning rate "
               f"{train.learning_rate:g}{decay}, on {metrics['train_reviews']:,} training reviews, and checks "
               f"{metrics.get('validation_reviews', 0):,} held-out validation reviews after each epoch; the course "
               "compiles with Keras' default Adam (learning rate 0.001)." + start)
    st.code(keras_code(bundle.config), language="python")
    if start_words := metrics.get("word_counts_start"):
        shown = lambda pairs: ", ".join(f"{widgets.plain(word)} {value:+.2f}" for word, value in pairs)  # noqa: E731
        st.caption(f"Where number 0 of the word vectors started, among the 1,000 most common words of these training "
                   f"reviews: most positive {shown(start_words['positive'])}; most negative "
                   f"{shown(start_words['negative'])}.")


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
            st.plotly_chart(runs_figure([(run.number, run.label, run.bundle.metrics["history"]) for run in kept]),
                            key="train_runs_curves", config=PLOT_CONFIG)


# Once a run exists, its live curves come first (visible without scrolling at 1280x720) and the settings fold away.
if session_models.current_job() is None:
    settings_form()
    st.info("Choose settings and press **Start training**. The `fast` preset trains in about 10 s on a free 2-core machine (longer while others train).")
else:
    job = training_panel.job_panel(session_models.TRAINING_JOB, "", draw=curves)
    if job.finished:
        results(job)
    compare_runs()
    with st.expander("Settings for another run", expanded=False):
        settings_form()
