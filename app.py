"""rnn-demo: an interactive dashboard that teaches recurrent neural networks. Run with `streamlit run app.py`."""

import streamlit as st

from rnn_demo.lessons.catalog import LESSONS
from rnn_demo.web import lecture, shared, widgets

st.set_page_config(page_title="rnn-demo: learn RNNs and LSTMs", page_icon=":material/autorenew:", layout="wide")

# Each url_path is its file's name, so a first visit straight to a page's address finds the same page whichever way
# Streamlit resolves it (see rnn_demo.web.streamlit_hooks.use_app_navigation). The lessons come in the course's order.
# Made once per session (widgets.once_per_session): each st.Page looks its file up on disk, ~1 ms of every rerun.
PAGES = widgets.once_per_session("app_pages", lambda: [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True, url_path="home")] + [
    st.Page(lesson.script, title=lesson.title, icon=lesson.icon, url_path=lesson.url_path) for lesson in LESSONS])

lecture.setup()  # lecture mode (sidebar switch, ?lecture=1): decided here, before the page runs
widgets.keep_typed_text_well_formed()  # before the page runs: a page may stop early (st.stop) on bad input
page = st.navigation(PAGES)
shared.prepare_page(page.url_path or "home")  # TensorFlow: imported in the background, or now for a page that needs it
page.run()
