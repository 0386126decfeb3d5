"""Probes: reviews with a known answer, each testing one skill, run on several models side by side, pass or fail."""

import streamlit as st

from rnn_demo.model import probes
from rnn_demo.web import session_models, streamlit_hooks, widgets

streamlit_hooks.use_app_navigation()

SHORT_NAMES = {session_models.PRETRAINED: "fast model", session_models.PRETRAINED_COURSE: "course model"}  # a run is named by its number

st.title("Probes: what can each model do?")
st.caption("Each probe is a review with the answer a good sentiment model gives. Expected 'unsure' means "
           f"P(positive) between {probes.UNSURE_BAND[0]} and {probes.UNSURE_BAND[1]}. A failure is shown as a "
           "failure: open its review in the Analysis lab (below the table) to see which words decided it.")
names, latest = session_models.model_names(), session_models.default_model_name()
# The latest run first, beside the pretrained models; a new training puts the new run in its place.
chosen = st.multiselect("Models", names, **widgets.persistent(
    "lab_probe_models", list(dict.fromkeys([latest, *session_models.PRETRAINED_PRESETS])), follows=latest,
    options=names))
if not chosen:
    widgets.show_error_and_stop("Choose at least one model to run the probes on.")
st.caption(session_models.showing_caption("; ".join(chosen)))

all_probes = [*probes.FIXED_PROBES, *st.session_state.get("lab_user_probes", [])]
results = {}
for name in chosen:
    try:
        results[SHORT_NAMES.get(name, name.split(":")[0])] = probes.run_probes(session_models.bundle_named(name), all_probes)
    except ValueError as error:
        st.error(f"{name}: {error}")
if results:  # every row shown (35 px each, with the header): no scrolling inside the table
    st.dataframe(probes.styled_table(results), hide_index=True, key="lab_probe_table",
                 height=35 * (len(all_probes) + 1) + 3)
for name, model_results in results.items():
    st.caption(f"**{widgets.plain(name)}**: {widgets.plain(probes.summary(model_results))}")

with st.expander("Add your own probe (kept for this session)", expanded=False):
    with st.form("lab_probe_form", clear_on_submit=True):
        probe_text = st.text_input("Review", max_chars=probes.MAX_PROBE_CHARACTERS, key="lab_probe_text")
        expected = st.radio("Expected answer", probes.EXPECTED, horizontal=True, key="lab_probe_expected")
        added = st.form_submit_button("Add probe", key="lab_probe_add")
    if added:
        mine = st.session_state.setdefault("lab_user_probes", [])
        try:
            mine.append(probes.Probe(f"my probe {len(mine) + 1}", probe_text, expected, "your own"))
            st.rerun()
        except ValueError as error:
            st.error(str(error))
    if st.session_state.get("lab_user_probes") and st.button("Remove my probes", key="lab_probe_clear"):
        st.session_state["lab_user_probes"] = []
        st.rerun()

with st.expander("The probes' reviews, and why a model decided", expanded=False):
    probe_names = [probe.name for probe in all_probes]
    picked = st.selectbox("Probe", probe_names, **widgets.persistent("lab_probe_pick", probe_names[0], options=probe_names))
    probe = next(probe for probe in all_probes if probe.name == picked)
    st.caption(f"Tests: {widgets.plain(probe.skill)}")
    st.text(probe.text)
    if st.button("Analyse this review in the Analysis lab", key="lab_probe_open"):
        st.session_state["shared_review"] = probe.text
        st.switch_page("pages/lab.py")
