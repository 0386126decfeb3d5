"""rnn-demo: an interactive dashboard that teaches recurrent neural networks. Run with `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="rnn-demo: learn RNNs and LSTMs", page_icon=":material/autorenew:", layout="wide")

# Each url_path is its file's name, so a first visit straight to a page's address finds the same page whichever way
# Streamlit resolves it (see rnn_demo.ui.use_app_navigation).
PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True, url_path="home"),
    st.Page("pages/order_matters.py", title="Why order matters", icon=":material/format_list_numbered:",
            url_path="order_matters"),
    st.Page("pages/rnn_cell.py", title="The RNN cell, step by step", icon=":material/functions:", url_path="rnn_cell"),
    st.Page("pages/train_lstm.py", title="Train the LSTM", icon=":material/model_training:", url_path="train_lstm"),
    st.Page("pages/inspect_gates.py", title="Inspect the gates", icon=":material/biotech:", url_path="inspect_gates"),
    st.Page("pages/setups.py", title="RNN set-ups", icon=":material/account_tree:", url_path="setups"),
]

st.navigation(PAGES).run()
