"""Analysis lab: why did the model decide that, what if a gate or unit were changed, which units fire on a span
and where else, the LSTM's equations with this model's numbers."""

import time
import zlib

import numpy as np
import streamlit as st

from rnn_demo.figures import lab as figures
from rnn_demo.model import analysis, unit_search
from rnn_demo.web import lecture, session_models, streamlit_hooks, widgets

streamlit_hooks.use_app_navigation()

CHART_CONFIG = {"displayModeBar": False}  # the toolbar would cover the colour bars' titles
COURSE_EXAMPLE = ("I loved this movie! The action sequences were on point and the acting was terrific. "
                  "Highly recommended!")

st.title("Analysis lab")
left, right = st.columns([2, 1])
names = session_models.model_names()
model_name = right.selectbox("Model", names, help="Train your own on the Train page.",
                             **session_models.model_choice("lab_model"))
right.caption(session_models.showing_caption(model_name))
try:
    bundle = session_models.bundle_named(model_name)
    weights = analysis.weights_of(bundle)
except ValueError as error:
    widgets.show_error_and_stop(f"The model cannot be analysed: {error}")
default = st.session_state.get("shared_review") or COURSE_EXAMPLE
review = left.text_area("Review (from the Inspect page, or type one)", height=80, max_chars=200_000,
                        **widgets.persistent(f"lab_review_{zlib.crc32(default.encode())}", default))
if not review.strip():
    widgets.show_error_and_stop("Type a review above to analyse what the model does with it.")
try:
    replay = analysis.replay(bundle, review)
except ValueError as error:
    widgets.show_error_and_stop(str(error))
tokens, unknown = replay.review.tokens, replay.review.unknown
word_names = [f"{position}: {token}" for position, token in enumerate(tokens)]
# Widgets whose choices depend on the review or the model carry it in their key, so a stale choice never lingers.
review_id, units_id = zlib.crc32(review.encode()), weights.units
prediction = float(replay.running_prediction[-1])
right.markdown(f"P(positive) of this review: **{prediction:.3f}** ({'positive' if prediction >= 0.5 else 'negative'})")
if replay.review.truncated:
    st.warning(f"The review has {replay.review.total_tokens:,} words; the lab uses the last {len(tokens)} (MaxLen) "
               "that the model sees.")

why, what_if, search, maths = st.tabs(["Why? (drop words)", "What if?", "Find units like LSTMVis", "The equations"])

with why:
    choice, explained = st.columns([1, 3])
    by = choice.radio("Drop each", ["word", "sentence"], horizontal=True, **widgets.persistent("lab_occlusion_by", "word"))
    word_occlusion = session_models.remembered("occlusion by word", bundle, review, lambda: analysis.occlude(bundle, review))
    occlusion = word_occlusion if by == "word" else session_models.remembered(
        "occlusion by sentence", bundle, review, lambda: analysis.occlude(bundle, review, by="sentence"))
    explained.caption(occlusion.summary(by, escape=widgets.plain))
    if by == "word":
        figure = figures.occlusion_words_figure(tokens, unknown, occlusion.change)
    else:
        figure = figures.occlusion_sentences_figure([occlusion.part_text(k) for k in range(len(occlusion.spans))],
                                                    occlusion.change)
    st.plotly_chart(lecture.sized(figure), key="lab_occlusion", config=CHART_CONFIG)

with what_if:
    kinds = ["zero a unit", "clamp the forget gate", "shut the input gate at a word"]
    kind = st.radio("Change", kinds, horizontal=True, **widgets.persistent("lab_whatif_kind", kinds[0]))
    first, second = st.columns(2)
    if kind == kinds[0]:
        unit = int(first.number_input("Unit", 0, weights.units - 1, **widgets.persistent(f"lab_whatif_unit_{units_id}", 0)))
        changes, described = dict(zero_units=[unit]), f"Unit {unit} zeroed (h and c = 0 at every word)"
    elif kind == kinds[1]:
        value = float(first.radio("Clamp f_t to", [1.0, 0.0], horizontal=True, **widgets.persistent("lab_whatif_value", 1.0)))
        which = second.radio("Of", ["every unit", "one unit"], horizontal=True,
                             **widgets.persistent("lab_whatif_which", "every unit"))
        unit = int(second.number_input("Unit", 0, weights.units - 1, disabled=which == "every unit",
                                       **widgets.persistent(f"lab_whatif_clamp_unit_{units_id}", 0)))
        units = None if which == "every unit" else [unit]
        changes = dict(forget_value=value, forget_units=units)
        described = f"Forget gate of {'every unit' if units is None else f'unit {unit}'} clamped to {value:g}"
    else:
        word = word_names.index(first.selectbox("Word", word_names,
                                                **widgets.persistent(f"lab_whatif_word_{review_id}", word_names[-1])))
        changes, described = dict(shut_input_words=[word]), f"Input gate shut at '{widgets.plain(tokens[word])}'"
    result = analysis.what_if(bundle, review, **changes)
    gap = result.changed.running_prediction - result.original.running_prediction
    widest = int(np.argmax(np.abs(gap)))
    st.caption(f"{described}: final P(positive) {result.original.running_prediction[-1]:.3f} → "
               f"{result.changed.running_prediction[-1]:.3f} ({result.prediction_change:+.3f}). The largest gap "
               f"is after word {widest} '{widgets.plain(tokens[widest])}': {gap[widest]:+.3f}.")
    st.plotly_chart(lecture.sized(figures.what_if_figure(tokens, unknown, result.original.running_prediction,
                                                         result.changed.running_prediction,
                                                         changes.get("shut_input_words", ()))),
                    key="lab_whatif", config=CHART_CONFIG)

with search:
    default_word = word_names[int(np.argmax(np.abs(word_occlusion.change)))]
    spans, counts = st.columns([3, 1])
    span = (spans.select_slider("Span of words (drag both ends)", word_names, key=f"lab_span_{review_id}",
                                value=(default_word, default_word)) if len(tokens) > 1 else word_names * 2)
    start, end = word_names.index(span[0]), word_names.index(span[1]) + 1
    count = counts.slider("Units to follow", 1, 5, **widgets.persistent("lab_unit_count", 3))
    hidden = replay.trace.hidden[replay.padding:]  # (words, units)
    scores = unit_search.unit_scores(hidden, start, end)
    chosen = unit_search.top_units(hidden, start, end, count)
    if not chosen:
        st.info("No unit's hidden state is higher on this span than on the rest of the review: try another span.")
    else:
        index = session_models.state_index(model_name)
        started = time.perf_counter()
        matches = unit_search.find_matches(index, chosen, end - start)
        seconds = time.perf_counter() - started
        span_text = widgets.plain(" ".join(tokens[start:end]))
        st.caption(f"Units {', '.join(map(str, chosen))} fire most selectively on '{span_text}' (mean h_t on the span "
                   f"minus elsewhere: {', '.join(f'{scores[unit]:+.2f}' for unit in chosen)}). Searched "
                   f"{len(index.tokens)} test reviews in {seconds * 1000:.0f} ms (their states were computed once, in "
                   f"{index.seconds:.1f} s).")
        query = dict(name="this review", tokens=tokens, start=start, end=end,
                     activation=hidden[:, chosen].mean(axis=1))
        rows = [query] + [dict(name=f"test #{m.review} ({'positive' if m.label else 'negative'})", tokens=m.tokens,
                               start=m.start, end=m.end, activation=m.activation) for m in matches]
        st.plotly_chart(lecture.sized(figures.matches_figure(rows)), key="lab_matches", config=CHART_CONFIG)

with maths:
    first, second = st.columns(2)
    step = word_names.index(first.selectbox("Word t", word_names, **widgets.persistent(f"lab_eq_word_{review_id}", word_names[0])))
    unit = int(second.number_input("Unit j", 0, weights.units - 1, **widgets.persistent(f"lab_eq_unit_{units_id}", 0)))
    eq = analysis.equations(bundle, review, step, unit)
    i, f, g, o = eq.gate
    st.caption(f"Word {step} '{widgets.plain(eq.word)}', unit {unit}. Keras stores W, U and b in the gate order i, f, g, o; "
               + ("h_(t-1) and c_(t-1) of the first word are the states after the padding the model reads first."
                  if step == 0 else f"h_(t-1) and c_(t-1) are the states after word {step - 1}."))
    st.latex(r"z = W\,x_t + U\,h_{t-1} + b \;\rightarrow\; i = \sigma(z_i),\ f = \sigma(z_f),\ "
             r"g = \tanh(z_g),\ o = \sigma(z_o)")
    st.dataframe(eq.rows(), hide_index=True, key="lab_eq_table",
                 column_config={name: st.column_config.NumberColumn(format="%.4f")
                                for name in ("W·x_t", "U·h_(t-1)", "b", "z", "value")})
    st.latex(rf"c_t = f\,c_{{t-1}} + i\,g = {f:.4f}\cdot({eq.c_prev:.4f}) + {i:.4f}\cdot({g:.4f}) = {eq.c_t:.4f}")
    st.latex(rf"h_t = o\,\tanh(c_t) = {o:.4f}\cdot\tanh({eq.c_t:.4f}) = {eq.h_t:.4f}")
    check = "✓ equal" if eq.largest_error < 1e-6 else "✗ NOT equal"
    st.caption(f"Identity check: recomputed c_t = {eq.c_t:.6f}, h_t = {eq.h_t:.6f}; traced c_t = {eq.traced_c_t:.6f}, "
               f"h_t = {eq.traced_h_t:.6f}; largest difference {eq.largest_error:.1e} ({check} within 1e-6).")
