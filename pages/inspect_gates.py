"""Inspect: type a review and watch the LSTM's gates and states, word by word."""

import zlib

import streamlit as st

from rnn_demo import ui
from rnn_demo.figures import inspection as figures
from rnn_demo.inspect import LSTM_STATES, compare, order_units

ui.use_app_navigation()

EXAMPLES = {
    "The course's example (positive)": "I loved this movie! The action sequences were on point and the acting was "
                                       "terrific. Highly recommended!",
    "The course's long-range example": "I really liked the movie but I was disappointed in the service and "
                                       "cleanliness of the cinema. The cinema should be better maintained in order "
                                       "to provide a better experience for customers.",
    "A negation": "This film is not good. The story is not interesting and the jokes are not funny at all.",
    "A mixed review": "The acting was wonderful and the music is beautiful, but the plot is a boring mess and the "
                      "ending is awful.",
    "Write my own": "",
}

st.title("Inspect the LSTM, word by word")
left, right = st.columns([2, 1])
model_name = right.radio("Model", ui.model_names(), key="inspect_model", help="Train your own on the Train page.")
try:
    bundle = ui.bundle_named(model_name)
except ValueError as error:
    ui.show_error_and_stop(f"The model cannot be loaded: {error}")
if (epochs := len(bundle.snapshots)) > 1:  # a run of this session, with its weights after each epoch
    epoch = right.slider("Show the model after epoch", 1, epochs, epochs,  # one slider per run: "inspect_epoch_run_2"
                         key=f"inspect_epoch_{model_name.split(':')[0].replace(' ', '_')}")
    bundle = ui.bundle_at_epoch(bundle, epoch)
right.caption(f"{bundle.config.model.units} LSTM units, MaxLen {bundle.config.text.maxlen}, vocabulary "
              f"{bundle.config.text.vocab_size:,} words, {bundle.accuracy_text()}")

example = left.selectbox("Example reviews", list(EXAMPLES), key="inspect_example")
review = left.text_area("Review", EXAMPLES[example], height=110, max_chars=200_000, key=f"inspect_text_{example}")
if not review.strip():
    st.info("Type a review above (or pick an example) to see what the LSTM does with it.")
    st.stop()
try:
    result = ui.inspect_review(bundle, review)
except ValueError as error:
    ui.show_error_and_stop(str(error))

st.subheader(f"Prediction: {result.label}  (P(positive) = {result.prediction:.3f})")
st.plotly_chart(figures.prediction_bar(result.prediction), key="inspect_prediction")
notes = []
if result.review.unknown.any():
    notes.append(f"{int(result.review.unknown.sum())} of {len(result.tokens)} words are not in the vocabulary: the model "
                 "sees them all as the same *unknown* word; they are marked with ? below.")
if result.review.truncated:
    notes.append(f"The review has {result.review.total_tokens:,} words; only the last {len(result.tokens)} (MaxLen) "
                 f"reach the model, the first {len(result.review.cut_tokens):,} are cut.")
for note in notes:
    st.warning(note)

with st.expander("How to read these pictures", expanded=False):
    st.markdown(
        "- **Forget gate f_t** (0 = forget, 1 = keep): how much of the old cell state survives this word.\n"
        "- **Input gate i_t**: how much of the new **candidate g_t** (what this word suggests, −1…1) is written in.\n"
        "- **Cell state c_t = f_t·c_(t−1) + i_t·g_t**: the *current memory*, carried along the review.\n"
        "- **Output gate o_t** and **hidden state h_t = o_t·tanh(c_t)**: the *overall memory* the LSTM shows; the "
        "Dense layer reads the last h_t. The top line applies it to every h_t: the verdict if the review ended there.")

chosen = st.multiselect("Show", list(LSTM_STATES), default=list(LSTM_STATES), format_func=LSTM_STATES.get,
                        key="inspect_states")
order_by = st.radio("Order units by", ["index", "variance", "correlation"], horizontal=True, key="inspect_order",
                    help="correlation: units that rise with the running prediction first")
if chosen:
    units = order_units(result, "hidden", order_by)
    st.plotly_chart(figures.inspection_figure(result, chosen, units), key="inspect_heatmaps")

st.subheader("One unit up close")
state_col, unit_col = st.columns(2)
unit_state = state_col.selectbox("Quantity", list(LSTM_STATES), index=4, format_func=LSTM_STATES.get,
                                 key="inspect_unit_state")
unit = int(unit_col.number_input("Unit", 0, bundle.config.model.units - 1, int(order_units(result, unit_state,
                                 "correlation")[0]), key="inspect_unit"))
st.plotly_chart(figures.coloured_words_figure(result, unit_state, unit), key="inspect_coloured_words")
st.plotly_chart(figures.unit_trace_figure(result, unit_state, unit), key="inspect_unit_trace")

with st.expander("Gate saturation: how often are the gates fully open or closed?"):
    st.plotly_chart(figures.saturation_figure(result), key="inspect_saturation")
    st.caption("A gate near 0 or 1 acts like a switch. Many saturated forget-gate values near 1 mean the LSTM "
               "carries its memory across words: that is how it avoids the vanishing gradient.")

with st.expander("Minimal pair: change one thing and compare"):
    # The key follows Review A: a keyed text area keeps its first value, so B would not follow a newly typed A.
    pair_text = st.text_area("Review B", review.replace(" good", " not good") if " good" in review else
                             review + " Not really.", height=90, max_chars=200_000,
                             key=f"inspect_pair_text_{zlib.crc32(review.encode())}")
    pair_state = st.selectbox("Compare", list(LSTM_STATES), index=4, format_func=LSTM_STATES.get,
                              key="inspect_pair_state")
    try:
        pair = ui.inspect_review(bundle, pair_text)
        difference = compare(result, pair)
        st.metric("P(positive) of B", f"{pair.prediction:.3f}", f"{difference['prediction_change']:+.3f} vs A")
        st.plotly_chart(figures.minimal_pair_figure(result, pair, pair_state), key="inspect_pair_figure")
    except ValueError as error:
        st.error(f"Review B: {error}")
