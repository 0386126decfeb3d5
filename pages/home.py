"""Home: what the dashboard teaches and where each lesson lives."""

import streamlit as st

st.title("Recurrent neural networks, hands on")
st.markdown(
    "This dashboard turns the lecture *RNN and LSTM: Introduction* into things to play with: "
    "watch a small LSTM learn the sentiment of IMDb movie reviews, then type your own review and see what its "
    "forget, input and output gates, its cell state and its hidden state do, word by word."
)
