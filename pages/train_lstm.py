"""Train: the class watches an LSTM learn IMDb sentiment live, then reads its test results."""

import streamlit as st

from rnn_demo import ui
from rnn_demo.config import PRESETS, preset
from rnn_demo.figures.training import confusion_figure, training_curves
from rnn_demo.jobs import JobStatus
from rnn_demo.models import summary_rows

ui.use_app_navigation()

st.title("Train an LSTM on IMDb reviews")
st.caption("Embedding → LSTM → Dense(1, sigmoid), trained on the 25,000 labelled IMDb reviews shipped with the app. "
           "Your model is yours alone: other students keep theirs, and the pretrained model is never changed.")

with st.expander("What happens when you press Start?"):
    st.markdown(
        "1. Each review becomes word ids (the *vocabulary size* most common words; others become *unknown*), cut or "
        "padded to **MaxLen** words. Padding goes at the front, so the LSTM reads the padding first and the review last: its final state comes right after the last real word (the padding is not masked; the LSTM reads it too).\n"
        "2. The **embedding** turns each id into a vector; the **LSTM** reads the vectors one by one, updating its cell "
        "state (current memory) and hidden state (overall memory); the **Dense** layer turns the last hidden state "
        "into P(positive).\n"
        "3. After each batch, Adam nudges every weight to lower the *binary crossentropy* loss. After each epoch the "
        "model is checked on validation reviews it never trains on.")

preset_name = st.selectbox("Preset", sorted(PRESETS), key="train_preset",
                           format_func=lambda name: {"fast": "fast: small LSTM, learns in seconds",
                                                     "seed": "seed: the course's model (128/128), slower"}[name])
base = preset(preset_name)
own_texts = ui.own_data_section()  # None: train on IMDb
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
        ui.start_training(config, source, own_data=own_texts)
    except ValueError as error:
        ui.show_error_and_stop(f"Training cannot start: {error}")


def curves(job) -> None:
    if job.events:
        st.plotly_chart(training_curves(job.events), key="train_curves")


job = ui.job_panel(ui.TRAINING_JOB, "Choose settings and press **Start training**. The `fast` preset learns in about "
                   "15 s.", draw=curves)

if job is not None and job.finished:
    if job.status is JobStatus.FAILED:
        st.error(job.error)
    elif job.status is JobStatus.CANCELLED:
        st.info("Training was cancelled before it started.")
    else:
        metrics = job.result.metrics
        st.success(("Stopped early: the model keeps what it learned so far. " if job.status is JobStatus.STOPPED else "")
                   + "Open **Inspect** to see what your model does with a review.")
        first, second, third = st.columns(3)
        first.metric("Test accuracy", f"{metrics['test_accuracy']:.1%}", help=f"on {metrics['test_reviews']:,} "
                     "reviews the model never saw")
        second.metric("Training time", f"{metrics['train_seconds']:.1f} s")
        third.metric("Epochs completed", metrics["epochs_completed"])
        left, right = st.columns(2)
        left.subheader("Confusion matrix (test reviews)")
        left.plotly_chart(confusion_figure(metrics["confusion"]), key="train_confusion")
        right.subheader("Model summary")
        right.dataframe(summary_rows(job.result.model), hide_index=True, key="train_summary",
                        column_config={"Param #": st.column_config.NumberColumn(format="localized")})
        total = sum(row["Param #"] for row in summary_rows(job.result.model))
        right.caption(f"Total parameters: {total:,}. The embedding holds one vector per vocabulary word; the LSTM's "
                      "4 gates each have input, recurrent and bias weights: 4 × (embedding + units + 1) × units.")
