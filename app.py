"""rnn-demo: an interactive dashboard that teaches recurrent neural networks. Run with `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="rnn-demo: learn RNNs and LSTMs", page_icon="🔁", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True, url_path="home"),
]

st.navigation(PAGES).run()
