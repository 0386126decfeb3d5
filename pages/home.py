"""Home: what the dashboard teaches, where each lesson lives, and which model is active."""

import streamlit as st

from rnn_demo import ui

ui.use_app_navigation()

st.title("Recurrent neural networks, hands on")
st.markdown(
    "A feed-forward network sees its input all at once; it has no memory of what came before. Text, speech and "
    "traffic data are **sequences**: *\"I was born in Paris but I grew up in Tokyo. Therefore, I speak fluent …\"* "
    "only makes sense in order. A **recurrent neural network** reads a sequence one step at a time and carries a "
    "**state** S_t from step to step: S_t = tanh(X_t·W_x + S_(t−1)·W_s + b), and its output is Y_t = S_t·W_y. "
    "An **LSTM** adds gates that decide what to forget, what to write and what to show, so it can remember over "
    "long distances.")

st.subheader("Lessons")
first, second, third = st.columns(3)
with first.container(border=True):
    st.page_link("pages/train_lstm.py", label="Train the LSTM", icon=":material/model_training:")
    st.caption("Watch an LSTM with the course's layers (Embedding → LSTM → Dense) learn IMDb sentiment live: loss, "
               "accuracy, a confusion matrix and the model summary. Compare your runs; each model is yours.")
with second.container(border=True):
    st.page_link("pages/inspect_gates.py", label="Inspect the gates", icon=":material/biotech:")
    st.caption("Type a review and see the forget, input and output gates, the cell state (current memory) and the "
               "hidden state (overall memory) for every word, and how the verdict changes word by word.")
with third.container(border=True):
    st.page_link("pages/setups.py", label="RNN set-ups", icon=":material/account_tree:")
    st.caption("One-to-one, one-to-many, many-to-one and many-to-many: train a small model for each in seconds, "
               "then ask it something.")

st.subheader("Active model")
mine = ui.my_bundle()
if mine is not None:
    st.success(f"Your own model ({mine.config.name} preset, {mine.config.model.units} LSTM units), "
               f"{mine.accuracy_text()}. The Inspect page can also show your other runs and the pretrained models.")
else:
    try:
        pretrained = ui.pretrained_bundle()
        st.info(f"The pretrained model ({pretrained.config.model.units} LSTM units, MaxLen "
                f"{pretrained.config.text.maxlen}, {pretrained.accuracy_text()}). Train your own on the Train page.")
    except ValueError as error:
        st.error(f"The pretrained model cannot be loaded: {error}")
