"""The Streamlit layer, the only package that imports streamlit; pages/ and app.py call into it.

By concern: shared (read-only caches every session shares: pretrained bundles, the IMDb reviews, training slots;
and the start-up: a page in WITHOUT_TENSORFLOW drawn at once, TensorFlow and the training workers warmed up in the
background), session_models (a session's runs and the model each page shows), training_panel (starting a job, its
queue place, progress and Stop), charts (drawing Plotly figures with st.plotly_chart, one session at a time; a
finished spec as a SpecFigure, neither validated nor copied), lecture (lecture mode: the projector's layout and chart
fonts), url_state (a view in the link), own_texts (the Train page's upload or paste), train_texts (the Train page's
long texts and captions), minimal_pair (Inspect's review B beside A), board_panel (the class board: the Train page's post control, the board's runs, the
teacher's tools), widgets (small helpers every page uses) and streamlit_hooks (the few private Streamlit hooks with
no public equivalent, each with its reason and a fallback).

It may import every other layer of rnn_demo except tools."""
