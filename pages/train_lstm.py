"""Train: the class watches an LSTM learn IMDb sentiment live, then reads its test results."""

import streamlit as st

from rnn_demo import runs, ui
from rnn_demo.config import PRESETS, preset
from rnn_demo.figures.training import PLOT_CONFIG, confusion_figure, runs_figure, training_curves
from rnn_demo.jobs import JobStatus
from rnn_demo.models import keras_code, summary_rows

ui.use_app_navigation()

st.title("Train an LSTM on IMDb reviews")
st.caption("Embedding → LSTM → Dense(1, sigmoid), trained on the 25,000 labelled IMDb reviews shipped with the app. "
           "Your model is yours alone: other students keep theirs, and the pretrained model is never changed.")

with st.expander("What happens when you press Start?"):
    st.markdown(
        "1. Each review becomes word ids (the *vocabulary size* most common words; others become *unknown*), cut or "
        "padded to **MaxLen** words. Padding goes at the front, so the LSTM reads the padding first and the review "
        "last: its final state comes right after the last real word (the padding is not masked; the LSTM reads it "
        "too).\n"
        "2. The **embedding** turns each id into a vector; the **LSTM** reads the vectors one by one, updating its cell "
        "state (current memory) and hidden state (overall memory); the **Dense** layer turns the last hidden state "
        "into P(positive).\n"
        "3. After each batch, Adam nudges every weight to lower the *binary crossentropy* loss. After each epoch the "
        "model is checked on validation reviews it never trains on.")

preset_name = st.selectbox("Preset", ["fast", "course"], key="train_preset",
                           format_func={"fast": "fast: small LSTM (32 units), learns in seconds",
                                        "course": "course: the course's model (128 units), slower"}.get)
base = preset(preset_name)
with st.form("train_form"):
    left, middle, right = st.columns(3)
    vocab_size = left.number_input("Vocabulary size (words)", 1_000, 20_000, base.text.vocab_size, 1_000,
                                   key=f"vocab_size_{preset_name}")
    maxlen = left.slider("MaxLen (words per review)", 20, 400, base.text.maxlen, 10, key=f"maxlen_{preset_name}")
    embedding_dim = middle.select_slider("Embedding dimension", [8, 16, 32, 64, 128, 256], base.model.embedding_dim,
                                         key=f"embedding_dim_{preset_name}")
    units = middle.select_slider("LSTM units", [4, 8, 16, 32, 64, 128, 256], base.model.units,
                                 key=f"units_{preset_name}")
    subset = middle.number_input("Reviews used (80% train, 10% validation, 10% test)", 200, 50_000, 25_000, 100,
                                 key=f"subset_{preset_name}")
    epochs = right.number_input("Epochs", 1, 20, base.train.epochs, key=f"epochs_{preset_name}")
    batch_size = right.select_slider("Batch size", [16, 32, 64, 128, 256, 512], base.train.batch_size,
                                     key=f"batch_size_{preset_name}")
    learning_rate = right.select_slider("Learning rate", [1e-4, 3e-4, 1e-3, 3e-3, 5e-3, 1e-2, 3e-2],
                                        base.train.learning_rate, key=f"learning_rate_{preset_name}")
    source = st.radio("Reviews", ["bundled", "keras"], horizontal=True, key="train_source",
                      format_func={"bundled": "25,000 IMDb reviews shipped with the app (offline)",
                                   "keras": "Keras' 50,000 IMDb reviews (downloads; needs the internet)"}.get)
    start = st.form_submit_button("Start training", type="primary", key="train_start")

if start:
    try:
        config = base.with_changes(vocab_size=int(vocab_size), maxlen=int(maxlen), embedding_dim=int(embedding_dim),
                                   units=int(units), subset=None if subset >= 50_000 else int(subset),
                                   epochs=int(epochs), batch_size=int(batch_size), learning_rate=float(learning_rate))
        ui.start_training(config, source)
    except ValueError as error:
        ui.show_error_and_stop(f"Training cannot start: {error}")


def curves(job) -> None:
    if job.events:
        st.plotly_chart(training_curves(job.events), key="train_curves", config=PLOT_CONFIG)


job = ui.job_panel(ui.TRAINING_JOB, "Choose settings and press **Start training**. The `fast` preset learns in about "
                   "15 s.", draw=curves)

if job is not None and job.finished:
    if job.status is JobStatus.FAILED:
        st.error(job.error)
    elif job.status is JobStatus.CANCELLED:
        st.info("Training was cancelled before it started.")
    else:
        bundle, metrics = job.result, job.result.metrics
        st.success(("Stopped early: the model keeps what it learned so far. " if job.status is JobStatus.STOPPED else "")
                   + "Open **Inspect** to see what your model does with a review.")
        first, second, third = st.columns(3)
        first.metric(f"Test accuracy on {metrics['test_reviews']:,} test reviews", f"{metrics['test_accuracy']:.1%}",
                     help="reviews the model never saw while training")
        second.metric("Training time", f"{metrics['train_seconds']:.1f} s")
        third.metric("Epochs completed", metrics["epochs_completed"])
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
        code, note = st.columns([3, 2])
        code.subheader("The same model in the course's Keras code")
        code.code(keras_code(bundle.config), language="python")
        note.caption(f"These layers give the summary's parameter counts. This app trains them with Adam at learning "
                     f"rate {bundle.config.train.learning_rate:g}" + (", lowered along a cosine to a tenth by the last "
                     "batch" if bundle.config.train.decay_learning_rate else "") + ", on "
                     f"{metrics['train_reviews']:,} training reviews, and checks "
                     f"{metrics.get('validation_reviews', 0):,} held-out validation reviews after each epoch; "
                     "the course compiles with Keras' default Adam (learning rate 0.001).")

kept = [run for run in ui.my_runs() if run.bundle is not None]
if kept:
    st.subheader("Your runs")
    history = ui.run_history()
    st.caption(f"This session keeps your last {history.max_runs} runs ({runs.megabytes(history.bytes)} of "
               f"{runs.megabytes(history.budget)} per student; oldest out first). Choose one on **Inspect**.")
    st.dataframe([run.row() for run in ui.my_runs()], hide_index=True, key="train_runs", column_config={
        "test accuracy": st.column_config.NumberColumn(format="percent"),
        "vocabulary": st.column_config.NumberColumn(format="localized"),
        "training reviews": st.column_config.NumberColumn(format="localized")})
    if len(kept) > 1:
        st.plotly_chart(runs_figure([(run.number, run.label, run.bundle.metrics["history"]) for run in kept]),
                        key="train_runs_curves", config=PLOT_CONFIG)
