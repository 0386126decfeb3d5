"""Inspect's minimal pair: review B beside review A, B's prediction and what differs, and the aligned words' running
predictions with the difference of one state per unit (a window of words, each labelled, on a long pair)."""

from __future__ import annotations

from rnn_demo.core.inspection import CHANGE_TOLERANCE, LSTM_STATES, Inspection, compare, order_units
from rnn_demo.figures import inspection as figures
from rnn_demo.model.models import Bundle
from rnn_demo.web import charts, session_models, widgets


def section(box, bundle: Bundle, result: Inspection, review: str, unit_order: str, shown: int, font_size: int) -> None:
    """Draw the pair into `box` (the open expander): A is `review` (inspected as `result`), B starts as A with one
    change and follows A when A changes; the units are the first `shown` in `unit_order`."""
    pair_text = box.text_area("Review B", height=90, max_chars=200_000, **widgets.persistent(
        "inspect_pair_text", review.replace(" good", " not good") if " good" in review else review + " Not really.",
        follows=review))
    pair_state = box.selectbox("Compare", list(LSTM_STATES), format_func=LSTM_STATES.get,
                               **widgets.persistent("inspect_pair_state", "hidden"))
    try:
        pair = session_models.inspect_review(bundle, pair_text)
    except ValueError as error:
        box.error(f"Review B: {error}")
        return
    difference = compare(result, pair)
    # delta_color="off": Streamlit's red/green arrows would be the one red-versus-green contrast.
    box.metric("P(positive) of B", f"{pair.prediction:.3f}", f"{difference['prediction_change']:+.3f} vs A",
               delta_color="off")
    where = difference["changes"] or "in nothing the model reads (spacing, case or ignored characters)"
    box.caption(f"B differs from A: {where}.")
    if (largest := difference["largest"][pair_state]) <= CHANGE_TOLERANCE:
        box.info(f"No word that A and B share has a different {LSTM_STATES[pair_state]} (largest change "
                 f"{largest:.1g}, from the different amount of padding at most), so there is no difference heatmap. "
                 f"Where they differ ({where}), only the running prediction below tells them apart.")
    units = order_units(result, pair_state, unit_order)[:shown]
    # A long pair: a window of aligned words, each labelled, opening on the first change; a slider moves it.
    if (window := figures.pair_window(difference, font_size)) is not None:
        total, size = len(difference["columns"]), window[1] - window[0]
        first = box.slider(f"The chart shows {size} of the {total} aligned words, from word", 1, total - size + 1,
                           **widgets.persistent("inspect_pair_window_start", window[0] + 1,
                                                follows=(review, pair_text, total, size)))
        window = figures.pair_window(difference, font_size, first - 1)
    box.plotly_chart(charts.remembered_figure(
        "pair", (result, pair), (pair_state, tuple(units.tolist()), font_size, window),
        lambda: figures.minimal_pair_spec(result, pair, difference, pair_state, units, font_size, CHANGE_TOLERANCE,
                                          window)), key="inspect_pair_figure")
