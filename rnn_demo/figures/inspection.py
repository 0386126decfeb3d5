"""Figures of one review's trip through the LSTM: running prediction, gate and state heatmaps, a unit's trace,
words coloured by a unit, the gates' value distribution and a minimal pair. All take an `Inspection` (or arrays) and
return Plotly figures; each `*_spec` twin returns the same figure as a plain dict, which the Inspect page sends as it
is (web.charts.SpecFigure). Heatmaps list their units top to bottom in the order given, each with a colour bar
saying what its colours mean, and show the words under every panel."""

from __future__ import annotations

import functools

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from rnn_demo.core.inspection import GATES, LSTM_STATES, Inspection
from rnn_demo.figures.common import (
    DIFFERENCE_SCALE,
    FONT_SIZE,
    GATE_COLORBAR_TITLE,
    GATE_COLORS,
    GATE_SCALE,
    MAX_WORD_TICKS,
    NEGATIVE,
    POSITIVE,
    SENTIMENT_SCALE,
    STATE_COLORBAR_TITLE,
    STATE_SCALE,
    colorscale,
    figure_from_spec,
    hover_words,
    safe,
    shorten,
    with_fonts,
    word_axis,
    word_labels,
)
from rnn_demo.figures.text_layout import wrap

CONTRASTS = {"full": "full scale", "stretch": "stretched to this review's range"}
# A long review's heatmaps show a window of words, every one labelled: at -60° two labels WORD_PX_PER_FONT_PX font
# sizes apart have baselines 1.3 font sizes apart, so they never touch, on the word axis the Inspect page gives them.
WORD_AXIS_PX = 640  # the heatmaps' plot width at 1280x720 with the sidebar open: an 820 px chart less unit axis and bar
WORD_PX_PER_FONT_PX = 1.5
MAX_WINDOW_WORDS = 40
TEXT_WIDTH_PX = 800  # the coloured review's width: fits the Inspect page's 820 px column at 1280x720


def window_words(font_size: int = FONT_SIZE) -> int:
    """How many words a heatmap shows at once, each labelled legibly at `font_size` (30 at 14 px, 21 at 20 px)."""
    return max(5, min(MAX_WINDOW_WORDS, int(WORD_AXIS_PX // (WORD_PX_PER_FONT_PX * font_size))))


def _window(inspection: Inspection, window: tuple[int, int] | None) -> tuple[int, int]:
    """(start, stop) word positions of a window (None: the whole review), checked against the review's length."""
    start, stop = window if window is not None else (0, len(inspection.tokens))
    if not 0 <= start < stop <= len(inspection.tokens):
        raise ValueError(f"the window of words {start}..{stop} is not inside this review's {len(inspection.tokens)} "
                         "words.")
    return start, stop


def color_range(state: str, values: np.ndarray, contrast: str = "full") -> tuple[float, float]:
    """Colour limits: gates 0..1 and states -1..1 (cells beyond if they go further); "stretch" fits the values shown
    (symmetric around 0 for states, so 0 keeps its neutral colour)."""
    if contrast not in CONTRASTS:
        raise ValueError(f"contrast must be one of {', '.join(CONTRASTS)}, got {contrast!r}.")
    if state in GATES:
        if contrast == "stretch" and values.size and values.max() > values.min():
            return float(values.min()), float(values.max())
        return 0.0, 1.0
    largest = float(np.abs(values).max()) if values.size else 1.0
    if contrast == "stretch" and largest > 0:
        return -largest, largest
    return (-max(1.0, largest), max(1.0, largest)) if state == "cell" else (-1.0, 1.0)


def _colorbar(state: str, low: float, high: float, size: int, y: float, length: float) -> dict:
    title = GATE_COLORBAR_TITLE if state in GATES else STATE_COLORBAR_TITLE
    ticks = [low, (low + high) / 2, high]
    return dict(title=dict(text=title, side="top", font=dict(size=size)), tickvals=ticks, tickformat=".2f",
                tickfont=dict(size=size), thickness=16, y=y, len=length, yanchor="middle")


def _word_ticks(columns: list[str], labels: list[str]) -> dict:
    step = max(1, -(-len(labels) // MAX_WORD_TICKS))
    return dict(tickmode="array", tickvals=columns[::step], ticktext=labels[::step], tickangle=-60,
                showticklabels=True, type="category")


def _unit_ticks(units: list[str], min_step: int = 1) -> dict:
    step = max(min_step, -(-len(units) // 32))
    return dict(type="category", autorange="reversed", tickmode="array", tickvals=units[::step],
                ticktext=units[::step], title=dict(text="unit"))


def inspection_spec(inspection: Inspection, states: list[str], unit_order: np.ndarray, contrast: str = "full",
                    font_size: int = FONT_SIZE, window: tuple[int, int] | None = None,
                    words_on_top: bool = True) -> dict:
    """Running P(positive) on top, then one heatmap per chosen state with the units of `unit_order` listed top to
    bottom, each with its colour bar and the words under it; only the words window = (start, stop) if given (colour
    ranges still fit the whole review, so moving the window keeps the colours' meaning). words_on_top=False (lecture
    mode) names the words under the heatmaps only, not under the running prediction right above the first one: its
    columns are the same words, and the first heatmap with its colour bar then fits above a projector's fold."""
    start, stop = _window(inspection, window)
    labels = word_labels(inspection.tokens, inspection.review.unknown)[start:stop]
    # One category per word position ("3 good"): a repeated word keeps its own column, and the hover names the word
    # from the axis, so no word is copied into every cell.
    columns = [f"{index + 1} {label}" for index, label in enumerate(labels, start=start)]
    units = [str(unit) for unit in unit_order]
    # A unit's row: as tall as its label, or in lecture mode (words_on_top=False) 14 px with every other unit named,
    # so that 16 units, their colour bar and the words under them fit above a projector's fold.
    unit_px = max(4, min(font_size if words_on_top else FONT_SIZE, 440 // len(units)))
    unit_step = -(-font_size // unit_px) if not words_on_top else 1
    # Room under each panel for its words at -60° and the next panel's title.
    label_px = 10 + int(font_size * (2 + 0.5 * max(len(label) for label in labels)))
    heights = [110] + [unit_px * len(units) + 16] * len(states)
    # Room under each panel but the last: its words and the next title (only the title under a top panel without words).
    gaps = ([label_px if words_on_top else 16 + font_size] + [label_px] * len(states))[:len(heights) - 1]
    plot_height = sum(heights) + sum(gaps)  # Plotly's spacing is a share of the plot area
    titles = ["running P(positive) after each word"] + [
        f"{LSTM_STATES[state]} · colours {CONTRASTS[contrast]}" for state in states]
    # Built as one plain spec rather than with make_subplots and update calls, and not validated (figure_from_spec):
    # Plotly validates every update, which made this figure cost ~0.6 s of server CPU per rerun.
    font = dict(size=font_size)
    traces: list[dict] = [dict(
        type="scatter", x=columns, y=inspection.running_prediction[start:stop], mode="lines+markers",
        name="running P(positive)", customdata=hover_words(inspection.tokens[start:stop]), xaxis="x", yaxis="y",
        line=dict(color="#444"), hovertemplate="after “%{customdata}”: P(positive) = %{y:.3f}<extra></extra>",
        marker=dict(size=9, color=inspection.running_prediction[start:stop], colorscale=SENTIMENT_SCALE, cmin=0,
                    cmax=1))]
    layout: dict = dict(
        height=plot_height + label_px + 40, margin=dict(l=70, r=30, t=40, b=label_px), showlegend=False, font=font,
        hoverlabel=dict(font=font), annotations=[],
        shapes=[dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=0.5, y1=0.5,
                     line=dict(dash="dot", color="#777"))])
    top = 0
    for row, (height, title) in enumerate(zip(heights, titles), start=1):
        suffix = "" if row == 1 else str(row)
        domain = [1 - (top + height) / plot_height, 1 - top / plot_height]
        top += height + (gaps[row - 1] if row - 1 < len(gaps) else 0)
        layout[f"xaxis{suffix}"] = dict(anchor=f"y{suffix}", domain=[0, 1], tickfont=font,
                                        **_word_ticks(columns, labels))
        if row == 1 and not words_on_top:
            layout["xaxis"]["showticklabels"] = False
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", domain=domain, tickfont=font)
        cut_note = row == 1 and inspection.review.truncated and start == 0  # the note takes the left: title right
        layout["annotations"].append(dict(text=title, x=1 if cut_note else 0.5, y=domain[1], xref="paper",
                                          yref="paper", xanchor="right" if cut_note else "center", yanchor="bottom",
                                          showarrow=False, font=font))
        if row == 1:
            layout["yaxis"].update(range=[0, 1], title=dict(text="P(pos)", font=font), tickvals=[0, 0.5, 1])
            continue
        state = states[row - 2]
        values = inspection.states[state][:, unit_order].T.astype(np.float32)  # (units, time)
        low, high = color_range(state, values, contrast)
        traces.append(dict(
            type="heatmap", z=values[:, start:stop], x=columns, y=units, zmin=low, zmax=high, name=LSTM_STATES[state],
            xaxis=f"x{suffix}", yaxis=f"y{suffix}",
            colorscale=colorscale(GATE_SCALE if state in GATES else STATE_SCALE),
            colorbar=_colorbar(state, low, high, font_size, (domain[0] + domain[1]) / 2, domain[1] - domain[0]),
            hovertemplate=f"{LSTM_STATES[state]}<br>word %{{x}}<br>unit %{{y}}<br>value %{{z:.3f}}<extra></extra>"))
        layout[f"yaxis{suffix}"].update(_unit_ticks(units, unit_step))
        layout[f"yaxis{suffix}"]["title"]["font"] = font
    if inspection.review.truncated and start == 0:
        layout["annotations"].append(dict(
            x=columns[0], y=1.0, xref="x", yref="y", xanchor="left", yanchor="bottom", showarrow=False, font=font,
            text=f"⟵ {len(inspection.review.cut_tokens):,} earlier words cut by MaxLen"))
    return dict(data=traces, layout=layout)


def inspection_figure(inspection: Inspection, states: list[str], unit_order: np.ndarray, contrast: str = "full",
                      font_size: int = FONT_SIZE, window: tuple[int, int] | None = None,
                      words_on_top: bool = True) -> go.Figure:
    """inspection_spec(...) as a Plotly figure."""
    return figure_from_spec(inspection_spec(inspection, states, unit_order, contrast, font_size, window,
                                            words_on_top))


def unit_trace_spec(inspection: Inspection, state: str, unit: int, font_size: int = FONT_SIZE,
                    window: tuple[int, int] | None = None) -> dict:
    """One unit's value after each word of window = (start, stop) (None: every word), beside the running prediction."""
    start, stop = _window(inspection, window)
    labels = word_labels(inspection.tokens, inspection.review.unknown)[start:stop]
    positions = np.arange(len(labels))
    traces = [
        dict(type="scatter", x=positions, y=inspection.states[state][start:stop, unit], mode="lines+markers",
             name=f"{LSTM_STATES[state]}, unit {unit}", line=dict(color="#000"), customdata=labels,
             hovertemplate="%{customdata}: %{y:.3f}<extra></extra>"),
        dict(type="scatter", x=positions, y=inspection.running_prediction[start:stop], mode="lines",
             name="running P(positive)", line=dict(dash="dot", color=POSITIVE),
             hovertemplate="P(positive) %{y:.3f}<extra></extra>")]
    layout = dict(xaxis=dict(word_axis(labels), range=[-0.5, len(labels) - 0.5]), height=340,
                  margin=dict(l=50, r=20, t=40, b=10), legend=dict(orientation="h", y=1.18))
    return dict(data=traces, layout=with_fonts(layout, font_size))


def unit_trace_figure(inspection: Inspection, state: str, unit: int, font_size: int = FONT_SIZE,
                      window: tuple[int, int] | None = None) -> go.Figure:
    """unit_trace_spec(...) as a Plotly figure."""
    return figure_from_spec(unit_trace_spec(inspection, state, unit, font_size, window))


@functools.cache
def _scale_stops(scale: tuple) -> tuple[np.ndarray, np.ndarray]:
    """A colour scale's positions and its colours as RGB in 0..1 (hex or "rgb(...)" stops)."""
    colours = plotly.colors.validate_colors([colour for _, colour in scale], colortype="tuple")
    return np.array([position for position, _ in scale], dtype=float), np.array(colours, dtype=float)


def _text_colours(scale: list, fractions: np.ndarray) -> list[str]:
    """For boxes coloured by `scale` (Plotly [position, "rgb(r,g,b)"] stops) at `fractions` (0..1): black on light
    boxes, white on dark ones, whichever contrasts more (WCAG). Interpolated as Plotly does (linearly in RGB between
    stops), all words at once: per word through plotly.colors it cost ~4 ms of a 200-word review's rerun."""
    stops, rgb = _scale_stops(tuple((position, colour) for position, colour in scale))
    channels = np.stack([np.interp(fractions, stops, rgb[:, channel]) for channel in range(3)], axis=-1)
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
    return np.where((luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05), "#000", "#fff").tolist()


def coloured_words_spec(inspection: Inspection, state: str, unit: int, font_size: int = FONT_SIZE,
                        window: tuple[int, int] | None = None) -> dict:
    """The review as wrapped text, each word on a box coloured by the unit's value after it (Karpathy, Johnson &
    Fei-Fei 2015; LSTMVis), TEXT_WIDTH_PX wide; the colour bar above names the quantity, the unit and the range. The
    words are Plotly text (escaped, never markup), black or white, whichever reads better on their box; the words of
    `window` (start, stop), the ones the heatmaps show, are framed."""
    start, stop = _window(inspection, window)
    framed = np.zeros(len(inspection.tokens), bool)
    framed[start:stop] = window is not None
    values = inspection.states[state][:, unit]
    labels = word_labels(inspection.tokens, inspection.review.unknown)
    margin = dict(l=10, r=10, t=int((7 if window else 5.5) * font_size), b=10)  # the bar's title: 2 lines or 1
    line_px = TEXT_WIDTH_PX - margin["l"] - margin["r"]
    lines, lefts, widths = wrap(labels, font_size, line_px)
    line_height = int(1.9 * font_size)
    low, high = color_range(state, values)
    scale = colorscale(GATE_SCALE if state in GATES else STATE_SCALE)
    positions = [f"word {index + 1}" for index in range(len(labels))]
    ticks = [low, (low + high) / 2, high]
    tick_text = ([f"{low:.0f} closed", f"{ticks[1]:.1f}", f"{high:.0f} open"] if state in GATES else
                 [f"{low:+.2f}", "0", f"{high:+.2f}"])
    boxes = dict(
        type="bar", orientation="h", y=lines, x=widths, base=lefts, width=0.86, customdata=positions, text=labels,
        textposition="none", marker=dict(color=values, colorscale=scale, cmin=low, cmax=high,
        line=dict(width=np.where(framed, 2, 0), color="#000"),
        colorbar=dict(orientation="h", x=0.06, xanchor="left", y=1, yanchor="bottom", ypad=font_size // 2, len=0.7,
                      thickness=font_size, tickvals=ticks, ticktext=tick_text, tickfont=dict(size=font_size),
                      title=dict(text=f"{LSTM_STATES[state]} of unit {unit} after each word" + (
                          f"<br>framed: words {start + 1}–{stop}, the charts' window" if window else ""),
                          side="top", font=dict(size=font_size)))),
        hovertemplate="%{customdata} “%{text}”: %{marker.color:.3f}<extra></extra>")
    words = dict(type="scatter", mode="text", y=lines, x=lefts + widths / 2, text=labels, hoverinfo="skip",
                 textfont=dict(size=font_size, color=_text_colours(scale, np.clip((values - low) / (high - low), 0, 1))), textposition="middle center")
    hidden = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False, fixedrange=True)
    height = int(lines.max() + 1) * line_height
    layout = dict(xaxis=dict(hidden, range=[0, line_px]), yaxis=dict(hidden, range=[lines.max() + 0.5, -0.5]),
                  width=TEXT_WIDTH_PX, height=height + margin["t"] + margin["b"], margin=margin, showlegend=False,
                  bargap=0, plot_bgcolor="#fff")
    return dict(data=[boxes, words], layout=with_fonts(layout, font_size))


def coloured_words_figure(inspection: Inspection, state: str, unit: int, font_size: int = FONT_SIZE,
                          window: tuple[int, int] | None = None) -> go.Figure:
    """coloured_words_spec(...) as a Plotly figure."""
    return figure_from_spec(coloured_words_spec(inspection, state, unit, font_size, window))


def saturation_spec(inspection: Inspection, low: float = 0.1, high: float = 0.9,
                    font_size: int = FONT_SIZE) -> dict:
    """How each gate's values over this review's words and all units are distributed between 0 and 1; the shaded
    edges are the saturated zones (below `low`: closed, above `high`: open)."""
    edges = np.linspace(0, 1, 21)
    centres = (edges[:-1] + edges[1:]) / 2
    traces = []
    for gate in GATES:
        counts, _ = np.histogram(inspection.states[gate], bins=edges)
        traces.append(dict(type="bar", x=centres, y=counts / max(1, counts.sum()), name=LSTM_STATES[gate],
                           marker=dict(color=GATE_COLORS[gate]),
                           hovertemplate=f"{LSTM_STATES[gate]}: %{{y:.1%}} of values near %{{x:.2f}}<extra></extra>"))
    # The saturated zones, shaded, with their names inside the chart.
    zones = ((0, low, "closed", 0, "left"), (high, 1, "open", 1, "right"))
    layout = dict(
        shapes=[dict(type="rect", xref="x", yref="paper", x0=start, x1=end, y0=0, y1=1, fillcolor="#999",
                     opacity=0.2, line=dict(width=0), layer="below") for start, end, *_ in zones],
        annotations=[dict(text=f"saturated: {name}", xref="x", yref="paper", x=x, y=1, xanchor=anchor,
                          yanchor="top", showarrow=False) for _, _, name, x, anchor in zones],
        barmode="group", height=340, xaxis=dict(range=[0, 1], title=dict(text="gate value (0 = closed, 1 = open)")),
        yaxis=dict(tickformat=".0%", title=dict(text="share of values")), margin=dict(l=60, r=20, t=40, b=10),
        legend=dict(orientation="h", y=1.2))
    return dict(data=traces, layout=with_fonts(layout, font_size))


def saturation_figure(inspection: Inspection, low: float = 0.1, high: float = 0.9,
                      font_size: int = FONT_SIZE) -> go.Figure:
    """saturation_spec(...) as a Plotly figure."""
    return figure_from_spec(saturation_spec(inspection, low, high, font_size))


def pair_labels(first: Inspection, second: Inspection, comparison: dict) -> list[str]:
    """One label per aligned column: "good", "good → bad", "+ not" (only in B), "− very" (only in A)."""
    labels = []
    for column in comparison["columns"]:
        a = shorten(first.tokens[column.first]) if column.first is not None else None
        b = shorten(second.tokens[column.second]) if column.second is not None else None
        labels.append(safe(a if column.tag == "equal" else f"{a} → {b}" if column.tag == "replace" else
                           f"+ {b}" if a is None else f"− {a}"))
    return labels


PAIR_SPACING = 0.25  # between the two panels of the minimal pair, a share of the figure's height
PAIR_ROW_HEIGHTS = (0.35, 0.65)  # running predictions, difference heatmap


def first_change(comparison: dict) -> int:
    """The first aligned column where A and B differ (a word replaced, inserted or dropped), 0 if none."""
    return next((index for index, column in enumerate(comparison["columns"]) if column.tag != "equal"), 0)


def pair_window(comparison: dict, font_size: int = FONT_SIZE, start: int | None = None) -> tuple[int, int] | None:
    """The aligned columns the minimal pair shows, each labelled: all of them if they fit window_words(font_size),
    else that many from `start` (default: a few before the first change, so the change is in view)."""
    total, size = len(comparison["columns"]), window_words(font_size)
    if total <= size:
        return None
    start = max(0, first_change(comparison) - size // 4) if start is None else start
    start = min(max(0, start), total - size)
    return start, start + size


def minimal_pair_spec(first: Inspection, second: Inspection, comparison: dict, state: str, unit_order: np.ndarray,
                      font_size: int = FONT_SIZE, tolerance: float = 1e-3,
                      window: tuple[int, int] | None = None) -> dict:
    """Running predictions of A and B over their aligned words; below, if any aligned state changed by more than
    `tolerance`, the difference B − A of one state per unit (units of `unit_order` top to bottom). The panels are
    laid out as make_subplots(rows=2, vertical_spacing=PAIR_SPACING, row_heights=PAIR_ROW_HEIGHTS) would. Only the
    aligned columns window = (start, stop) if given, each labelled (the colours keep the whole pair's range)."""
    start, stop = window if window is not None else (0, len(comparison["columns"]))
    if not 0 <= start < stop <= len(comparison["columns"]):
        raise ValueError(f"the window {start}..{stop} is not inside the pair's {len(comparison['columns'])} words.")
    columns = comparison["columns"][start:stop]
    labels = pair_labels(first, second, comparison)[start:stop]
    names = [f"{index + 1} {label}" for index, label in enumerate(labels, start=start)]
    changed = comparison["largest"][state] > tolerance
    if changed:
        plotted = 1 - PAIR_SPACING
        domains = [[1 - PAIR_ROW_HEIGHTS[0] * plotted, 1.0], [0.0, PAIR_ROW_HEIGHTS[1] * plotted]]
    else:
        domains = [[0.0, 1.0]]
    titles = ["running P(positive): review A vs review B"] + (
        [f"{LSTM_STATES[state]}: B − A at each aligned word"] if changed else [])
    traces = []
    for inspection, side, name, dash in ((first, "first", "A", "solid"), (second, "second", "B", "dash")):
        running = [float(inspection.running_prediction[getattr(column, side)]) if getattr(column, side) is not None
                   else None for column in columns]
        traces.append(dict(type="scatter", x=names, y=running, name=f"review {name}", mode="lines+markers",
                           line=dict(color="#000" if name == "A" else NEGATIVE, dash=dash), connectgaps=True,
                           hovertemplate=f"{name}: %{{y:.3f}}<extra></extra>", xaxis="x", yaxis="y"))
    layout: dict = dict(height=700 if changed else 330, margin=dict(l=70, r=30, t=40, b=10),
                        legend=dict(orientation="h", y=1.12), annotations=[
                            dict(text=title, x=0.5, y=domain[1], xref="paper", yref="paper", xanchor="center",
                                 yanchor="bottom", showarrow=False) for title, domain in zip(titles, domains)])
    for row, domain in enumerate(domains, start=1):
        suffix = "" if row == 1 else str(row)
        layout[f"xaxis{suffix}"] = dict(anchor=f"y{suffix}", domain=[0.0, 1.0], **_word_ticks(names, labels))
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", domain=domain)
    layout["yaxis"].update(range=[0, 1], title=dict(text="P(pos)"))
    if changed:
        units = [str(unit) for unit in unit_order]
        difference = comparison["states"][state][start:stop, unit_order].T.astype(np.float32)  # (units, columns);
        # NaN where a word has no partner
        bound = comparison["largest"][state]
        domain = domains[1]
        traces.append(dict(
            type="heatmap", z=difference, x=names, y=units, zmin=-bound, zmax=bound,
            colorscale=colorscale(DIFFERENCE_SCALE),
            colorbar=dict(title=dict(text="B − A", side="top", font=dict(size=font_size)), tickformat=".2f",
                          thickness=16, tickfont=dict(size=font_size), y=(domain[0] + domain[1]) / 2,
                          len=domain[1] - domain[0]),
            hovertemplate="word %{x}<br>unit %{y}<br>B − A = %{z:.3f}<extra></extra>", xaxis="x2", yaxis="y2"))
        layout["yaxis2"].update(_unit_ticks(units))
    return dict(data=traces, layout=with_fonts(layout, font_size))


def minimal_pair_figure(first: Inspection, second: Inspection, comparison: dict, state: str, unit_order: np.ndarray,
                        font_size: int = FONT_SIZE, tolerance: float = 1e-3,
                        window: tuple[int, int] | None = None) -> go.Figure:
    """minimal_pair_spec(...) as a Plotly figure."""
    return figure_from_spec(minimal_pair_spec(first, second, comparison, state, unit_order, font_size, tolerance,
                                              window))


def prediction_bar_spec(probability: float, font_size: int = FONT_SIZE,
                        labels: tuple[str, str] = ("negative", "positive")) -> dict:
    """A single horizontal bar from the model's class 0 to its class 1, named by `labels` (a model of own texts
    names its own classes, e.g. ("négatif", "positif"))."""
    negative, positive = (safe(label) for label in labels)
    trace = dict(type="bar", x=[probability], y=[f"P({positive})"], orientation="h",
                 marker=dict(color=POSITIVE if probability >= 0.5 else NEGATIVE), text=[f"{probability:.3f}"],
                 textposition="outside", hovertemplate=f"P({positive}) = %{{x:.4f}}<extra></extra>")
    layout = dict(height=70 + 3 * font_size, xaxis=dict(range=[0, 1.08], tickvals=[0, 0.5, 1],
                  ticktext=[f"0 {negative}", "0.5", f"1 {positive}"]), margin=dict(l=10, r=10, t=5, b=2 * font_size))
    return dict(data=[trace], layout=with_fonts(layout, font_size))


def prediction_bar(probability: float, font_size: int = FONT_SIZE,
                   labels: tuple[str, str] = ("negative", "positive")) -> go.Figure:
    """prediction_bar_spec(...) as a Plotly figure."""
    return figure_from_spec(prediction_bar_spec(probability, font_size, labels))