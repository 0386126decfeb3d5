"""Activations & losses: move an input and see each activation's slope, edit softmax scores, move a prediction and see
each loss and its gradient, and watch a gradient fade back through a simple RNN's steps."""

import numpy as np
import pandas as pd
import streamlit as st

from rnn_demo.core import activations, losses
from rnn_demo.figures.activations import (
    PREDICTION_RANGE,
    X_RANGE,
    activation_figure,
    gradient_chain_figure,
    loss_figure,
    softmax_figure,
)
from rnn_demo.web import lecture, streamlit_hooks

streamlit_hooks.use_app_navigation()

CHART = {"displayModeBar": False}
DEFAULT_SCORES = "2, 1, 0.1"
CHAIN_SEED = 0  # the simple RNN's inputs: standard-normal numbers from this seed, the same on every run

st.title("Activations & losses")
activation_tab, softmax_tab, loss_tab, chain_tab = st.tabs(
    ["Activations", "Softmax", "Losses", "Vanishing through time"])

with activation_tab:
    x = st.slider("Input x (a neuron's weighted sum, before the activation)", *X_RANGE, 4.0, 0.1, key="act_x")
    st.plotly_chart(lecture.sized(activation_figure(x)), key="act_activation_chart", config=CHART)
    for column, name in zip(st.columns(3), activations.ACTIVATIONS):
        column.markdown(activations.slope_at(name, x).sentence())
        column.caption(f"In an LSTM: {activations.ACTIVATIONS[name].in_lstm}.")
    st.caption(f"Shaded: where the slope is below {activations.VANISHING_SLOPE}. During training a gradient is "
               "multiplied by the slope at every activation it passes back through.")
    with st.expander("Where each activation works in this app's models"):
        st.dataframe(pd.DataFrame([vars(use) for use in activations.APP_USES]).rename(columns={
            "layer": "Keras layer", "attribute": "layer setting", "role": "computes"}), hide_index=True,
            key="act_uses_table")

with softmax_tab:
    left, right = st.columns([3, 2])
    text = left.text_input("Scores z (numbers separated by commas)", DEFAULT_SCORES, key="act_scores", max_chars=200)
    temperature = right.slider("Temperature T (divides the scores)", 0.1, 5.0, 1.0, 0.1, key="act_temperature")
    try:
        st.session_state["act_last_scores"] = activations.parse_vector(text)
    except ValueError as error:
        st.error(f"{error} The chart keeps the last scores that worked.")
    scores = st.session_state.get("act_last_scores", activations.parse_vector(DEFAULT_SCORES))
    st.plotly_chart(lecture.sized(softmax_figure(scores, temperature)), key="act_softmax_chart", config=CHART)
    st.markdown(activations.softmax_sentence(scores, temperature))
    st.caption("Softmax turns any scores into probabilities that sum to 1; its slope is a matrix because raising one "
               "score lowers every other probability. Used here by: " + "; ".join(
                   f"{use.model} ({use.role})" for use in activations.APP_USES if use.activation == "softmax") + ".")

with loss_tab:
    regression, binary, multiclass = st.columns(3)
    left, right = regression.columns(2)
    target = left.slider("Target y", -1.0, 1.0, 1.0, 0.1, key="act_target")
    prediction = right.slider("Prediction ŷ", *PREDICTION_RANGE, 0.3, 0.05, key="act_prediction")
    left, right = binary.columns([2, 3])
    label = left.radio("True label y", [1, 0], key="act_label", horizontal=True)
    p_binary = right.slider("Predicted P(class 1) p", 0.01, 0.99, 0.1, 0.01, key="act_p_binary")
    p_true = multiclass.slider("p given to the true class (of 3)", 0.01, 0.99, 0.2, 0.01, key="act_p_true")
    st.plotly_chart(lecture.sized(loss_figure(target, prediction, label, p_binary, p_true)), key="act_loss_chart",
                    config=CHART)
    sentences = (losses.regression_sentence(target, prediction), losses.binary_sentence(label, p_binary),
                 losses.multiclass_sentence(p_true))
    for column, sentence in zip(st.columns(3), sentences):
        column.markdown(sentence)
    st.subheader("Which set-up trains with which loss")
    st.dataframe(pd.DataFrame([vars(use) for use in losses.LOSS_USES]).rename(columns={
        "setup": "set-up", "page": "trains on page", "kind": "task", "keras_loss": "compiled loss",
        "output": "model output"}), hide_index=True, key="act_loss_table")
    for difference in losses.course_differences():
        st.info(difference)
    st.caption(losses.SPARSE_NOTE)

with chain_tab:
    st.markdown("A one-unit simple RNN, S_t = tanh(x_t·W_x + S_(t−1)·W_s), reads T random inputs. The gradient of "
                "S_T with respect to S_(T−k) is the product of W_s·tanh′(a_t) over those k steps.")
    columns = st.columns(3)
    W_s = columns[0].slider("Recurrent weight W_s", 0.1, 3.0, 1.0, 0.1, key="act_w_s")
    W_x = columns[1].slider("Input weight W_x", 0.0, 3.0, 0.5, 0.1, key="act_w_x")
    steps = columns[2].slider("Steps T", 5, 100, 50, 5, key="act_steps")
    inputs = np.random.default_rng(CHAIN_SEED).normal(size=steps)
    chain = activations.gradient_chain(W_x, W_s, 0.0, inputs)
    st.plotly_chart(lecture.sized(gradient_chain_figure(chain)), key="act_chain_chart", config=CHART)
    st.markdown(chain.sentence())
