"""Inspect: type a review and watch the LSTM's gates and states, word by word."""

import streamlit as st

from rnn_demo.core.inspection import EXAMPLE_REVIEWS, LSTM_STATES, READING_GUIDE, order_units, saturation_caption
from rnn_demo.core.url_state import INSPECT_VIEW
from rnn_demo.figures import inspection as figures
from rnn_demo.figures.common import font_size as font_size_for
from rnn_demo.model import export
from rnn_demo.web import (
    charts,
    lecture,
    minimal_pair,
    own_texts,
    session_models,
    streamlit_hooks,
    url_state,
    widgets,
)

streamlit_hooks.use_app_navigation()
ORDERS = {"index": "unit number", "variance": "most active first",
          "correlation": "rising with the running prediction first"}

# Up to the prediction, this session goes before every session's charts (see charts.prediction_first).
with charts.prediction_first():
    url_state.restore_view(INSPECT_VIEW)  # a shared link (?lecture=1&review=...) sets the widgets on the first visit
    model_choice = session_models.model_choice("inspect_model")  # a link's model not here: said at the top, any mode
    # Lecture mode (the app's switch): larger text, the settings folded away, the first heatmap above the fold.
    present = lecture.is_on()
    font_size = font_size_for(present)
    if not present:
        st.title("Inspect the LSTM, word by word")
    left, right = st.columns([2, 1])
    verdict = right if present else st  # the prediction: beside the review in lecture mode, else below it
    chart_slot = st.container() if present else None  # lecture mode: the heatmaps right under the review
    settings = st.expander("Settings: model, example reviews, charts") if present else None
    model_box, example_box = (settings, settings) if present else (right, left)
    names = session_models.model_names()
    model_name = model_box.radio("Model", names, **model_choice, help="Train your own on the Train page.")
    try:
        bundle = session_models.bundle_named(model_name)
    except ValueError as error:
        widgets.show_error_and_stop(f"The model cannot be loaded: {error}")
    epoch = None  # the final model, or a run's snapshot after this epoch
    if (epochs := len(bundle.snapshots)) > 1:  # a run of this session, with its weights after each epoch
        run_key = model_name.split(":")[0].replace(" ", "_")  # one slider per run: "inspect_epoch_run_2"
        epoch = model_box.slider("Show the model after epoch", 1, epochs,
                                 **widgets.persistent(f"inspect_epoch_{run_key}", epochs, follows=epochs))
        bundle = session_models.bundle_at_epoch(bundle, epoch)
    model_box.caption(f"{bundle.config.model.units} LSTM units, MaxLen {bundle.config.text.maxlen}, vocabulary "
                      f"{bundle.config.text.vocab_size:,} words, {bundle.accuracy_text()}")
    right.caption(session_models.showing_caption(model_name, epoch if epoch != epochs else None))

    examples = own_texts.examples_for(bundle) or EXAMPLE_REVIEWS  # a model of own texts: texts from its test split
    example = example_box.selectbox("Example reviews", list(examples), **widgets.persistent(
        "inspect_example", next(iter(examples)), options=list(examples)))
    review = left.text_area("Review", height=68 if present else 110, max_chars=200_000,
                            **widgets.persistent("inspect_review", examples[example], follows=example))
    st.session_state["shared_review"] = review  # the Analysis lab starts from the review typed here
    if not review.strip():
        st.info("Type a review above (or pick an example) to see what the LSTM does with it.")
        url_state.save_view(INSPECT_VIEW)
        st.stop()
    try:
        result = session_models.inspect_review(bundle, review)
    except ValueError as error:
        widgets.show_error_and_stop(str(error))

    negative, positive = own_texts.label_names(bundle)  # own texts name their own classes
    verdict.subheader(f"Prediction: {widgets.plain(positive if result.prediction >= 0.5 else negative)}  "
                      f"(P({widgets.plain(positive)}) = {result.prediction:.3f})")  # own labels shown as text
# The rest of the page (charts, widgets, downloads) takes its turn: see charts.chart_turn.
with charts.chart_turn():
    if not present:
        st.plotly_chart(charts.remembered_figure("prediction", (result,), (font_size, negative, positive),
                                                 lambda: figures.prediction_bar_spec(result.prediction, font_size,
                                                                                     (negative, positive))),
                        key="inspect_prediction")
    if result.review.unknown.any():
        st.warning(f"{int(result.review.unknown.sum())} of {len(result.tokens)} words are not in the vocabulary: the "
                   "model sees them all as the same *unknown* word; they are marked with ? below.")
    if result.review.truncated:
        st.warning(f"The review has {result.review.total_tokens:,} words; only the last {len(result.tokens)} (MaxLen) "
                   f"reach the model, the first {len(result.review.cut_tokens):,} are cut.")

    if not present:
        guide = st.expander("How to read these pictures", key="inspect_guide_open", on_change="rerun")
        if guide.open:  # built only while open, as the sections below
            guide.markdown(READING_GUIDE)
        settings = chart_slot = st  # in the page's order: no containers needed (each one is a message per rerun)

    units_total = bundle.config.model.units
    chosen = settings.multiselect("Show", list(LSTM_STATES), format_func=LSTM_STATES.get, **widgets.persistent(
        "inspect_states", ["forget", "hidden"] if present else list(LSTM_STATES), follows=present))
    # One block, not a row of four columns: fewer messages per rerun.
    choices = settings.container(horizontal=True, vertical_alignment="bottom")
    order_by = choices.radio("Order units by", list(ORDERS), format_func=ORDERS.get, horizontal=True,
                             **widgets.persistent("inspect_order", "index"), help="The first unit is drawn at the top.")
    contrast = choices.radio("Gate colours", list(figures.CONTRASTS), format_func=figures.CONTRASTS.get,
                             horizontal=True, **widgets.persistent("inspect_contrast", "full"),
                             help="Gates of a small model sit near 0.4-0.6: stretching shows their differences; "
                                  "the colour bar shows the real values either way.")
    shown = int(choices.number_input("Units shown", 1, units_total, **widgets.persistent(
        "inspect_units_shown", min(16, units_total), follows=units_total), help="the first ones in the chosen order",
        width=150))
    if choices.toggle(f"All {units_total} units", **widgets.persistent("inspect_all_units", False)):
        shown = units_total
    # A long review: the heatmaps and the unit's trace show a window of words, each one labelled; a slider moves it.
    words_total, window_size = len(result.tokens), figures.window_words(font_size)
    window = None
    if words_total > window_size:
        first = chart_slot.slider(
            f"The charts show {window_size} of the {words_total} words, from word", 1, words_total - window_size + 1,
            **widgets.persistent("inspect_window_start", 1, follows=(review, words_total, window_size)),
            help="Every word of the window is named under the charts; the coloured review below shows them all.")
        window = (first - 1, first - 1 + window_size)
    if chosen:
        units = order_units(result, "hidden", order_by)[:shown]
        chart_slot.plotly_chart(charts.remembered_figure("heatmaps", (result,), (tuple(chosen), tuple(units.tolist()),
                                contrast, font_size, window, present), lambda: figures.inspection_spec(
                                result, chosen, units, contrast, font_size, window, words_on_top=not present)),
                                key="inspect_heatmaps")
        if shown < units_total:
            chart_slot.caption(f"Showing {shown} of {units_total} units ({ORDERS[order_by]}); switch on "
                               f"“All {units_total} units” to see the rest.")

    st.subheader("One unit up close")
    state_col = unit_col = st.container(horizontal=True)  # one block, not a row of columns (fewer messages)
    unit_state = state_col.selectbox("Quantity", list(LSTM_STATES), format_func=LSTM_STATES.get,
                                     **widgets.persistent("inspect_unit_state", "hidden"))
    # The unit rising most with the running prediction, chosen anew for each model, review and quantity.
    best_unit = int(order_units(result, unit_state, "correlation")[0])
    unit = int(unit_col.number_input("Unit", 0, units_total - 1, **widgets.persistent(
        "inspect_unit", best_unit, follows=(model_name, epoch, review, unit_state))))
    unit_options = (unit_state, unit, font_size, window)  # a long review's framed window: the words the charts show
    st.plotly_chart(charts.remembered_figure("coloured_words", (result,), unit_options, lambda: (
        figures.coloured_words_spec(result, unit_state, unit, font_size, window))), key="inspect_coloured_words",
        width="content")
    st.plotly_chart(charts.remembered_figure("unit_trace", (result,), unit_options, lambda: figures.unit_trace_spec(
        result, unit_state, unit, font_size, window)), key="inspect_unit_trace")

    # Built only while open (opening or closing reruns the page): most reruns skip these two sections' work.
    saturation = st.expander("Gate saturation: how often are the gates fully open or closed?",
                             key="inspect_saturation_open", on_change="rerun")
    if saturation.open:
        saturation.plotly_chart(charts.remembered_figure("saturation", (result,), (font_size,),
                 lambda: figures.saturation_spec(result, font_size=font_size)), key="inspect_saturation")
        saturation.caption(saturation_caption(result))

    pair_box = st.expander("Minimal pair: change one thing and compare", key="inspect_pair_open", on_change="rerun")
    if pair_box.open:
        minimal_pair.section(pair_box, bundle, result, review, order_by, shown, font_size)

    st.subheader("Download this review's activations")
    csv_col = json_col = st.container(horizontal=True)
    csv_col.download_button("Activations (CSV)", lambda: export.activations_csv(result), "activations.csv", "text/csv",
                            key="inspect_download_csv", help="one row per word and unit, with every gate and state")
    json_col.download_button("Activations (JSON)", lambda: export.activations_json(result), "activations.json",
                             "application/json", key="inspect_download_json")

    url_state.save_view(INSPECT_VIEW)  # the address bar now reproduces this view
    share = st.expander("Share this view: a link to this page, review, model and choices", key="inspect_share_open",
                        on_change="rerun")
    if share.open:  # built only while open, as the sections above
        with share:
            url_state.share_link(INSPECT_VIEW)
