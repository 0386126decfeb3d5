"""Figures of one review's trip through the LSTM: running prediction, gate and state heatmaps, a unit's trace,
words coloured by a unit, gate saturation and a minimal pair. All take an `Inspection` (or arrays) and return
Plotly figures; the words sit on one shared x axis at positions 0..T-1."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_demo.figures.common import GATE_SCALE, NEGATIVE, POSITIVE, STATE_SCALE, safe, set_word_axis, word_labels
from rnn_demo.inspect import GATES, LSTM_STATES, Inspection


def _color_range(state: str, values: np.ndarray) -> tuple[float, float]:
    if state in GATES:
        return 0.0, 1.0
    bound = max(1.0, float(np.abs(values).max())) if state == "cell" else 1.0
    return -bound, bound


def inspection_figure(inspection: Inspection, states: list[str], unit_order: np.ndarray) -> go.Figure:
    """Running P(positive) on top, then one heatmap per chosen state (units on y in `unit_order`), shared word axis."""
    labels = word_labels(inspection.tokens, inspection.review.unknown)
    positions = np.arange(len(labels))
    titles = ["running P(positive) after each word"] + [LSTM_STATES[state] for state in states]
    figure = make_subplots(rows=1 + len(states), cols=1, shared_xaxes=True, vertical_spacing=0.03,
                           subplot_titles=titles, row_heights=[0.6] + [1.0] * len(states))
    figure.add_trace(go.Scatter(
        x=positions, y=inspection.running_prediction, mode="lines+markers", name="running P(positive)",
        customdata=labels, hovertemplate="after '%{customdata}': P(positive) = %{y:.3f}<extra></extra>",
        line=dict(color="#444"), marker=dict(color=inspection.running_prediction, colorscale=[NEGATIVE, POSITIVE],
                                             cmin=0, cmax=1)), row=1, col=1)
    figure.add_hline(y=0.5, line_dash="dot", line_color="#999", row=1, col=1)
    figure.update_yaxes(range=[0, 1], title_text="P(pos)", row=1, col=1)
    if inspection.review.truncated:
        figure.add_annotation(x=0, y=1.0, xanchor="left", yanchor="bottom", showarrow=False, row=1, col=1,
                              text=f"⟵ {len(inspection.review.cut_tokens):,} earlier words cut by MaxLen",
                              font=dict(color="#b35806"))
    units = [str(unit) for unit in unit_order]
    for row, state in enumerate(states, start=2):
        values = inspection.states[state][:, unit_order].T  # (units, time)
        low, high = _color_range(state, values)
        figure.add_trace(go.Heatmap(
            z=values, x=positions, y=list(range(len(units))), zmin=low, zmax=high,
            colorscale=GATE_SCALE if state in GATES else STATE_SCALE, showscale=False, name=LSTM_STATES[state],
            customdata=np.array([[f"{label}|{unit}" for label in labels] for unit in units]),
            hovertemplate=f"{LSTM_STATES[state]}<br>word/unit %{{customdata}}<br>value %{{z:.3f}}<extra></extra>",
        ), row=row, col=1)
        figure.update_yaxes(title_text="unit", showticklabels=False, row=row, col=1)
    set_word_axis(figure, labels, row=1 + len(states), col=1)
    figure.update_xaxes(range=[-0.5, len(labels) - 0.5])
    figure.update_yaxes(ticks="")
    figure.update_layout(height=220 + 190 * len(states), margin=dict(l=60, r=20, t=40, b=90), showlegend=False)
    return figure


def unit_trace_figure(inspection: Inspection, state: str, unit: int) -> go.Figure:
    """One unit's value after each word, beside the running prediction."""
    labels = word_labels(inspection.tokens, inspection.review.unknown)
    positions = np.arange(len(labels))
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=positions, y=inspection.states[state][:, unit], mode="lines+markers",
                                name=f"{LSTM_STATES[state]}, unit {unit}", customdata=labels,
                                hovertemplate="%{customdata}: %{y:.3f}<extra></extra>"))
    figure.add_trace(go.Scatter(x=positions, y=inspection.running_prediction, mode="lines", name="running P(positive)",
                                line=dict(dash="dot", color="#888"), customdata=labels,
                                hovertemplate="%{customdata}: P(positive) %{y:.3f}<extra></extra>"))
    set_word_axis(figure, labels)
    figure.update_layout(height=320, margin=dict(l=50, r=20, t=30, b=90), legend=dict(orientation="h", y=1.15))
    return figure


def coloured_words_figure(inspection: Inspection, state: str, unit: int, words_per_line: int = 14) -> go.Figure:
    """The review's words laid out as text, each cell coloured by the unit's value (Karpathy's interpretable cells)."""
    values = inspection.states[state][:, unit]
    labels = word_labels(inspection.tokens, inspection.review.unknown)
    lines = int(np.ceil(len(labels) / words_per_line))
    grid = np.full((lines, words_per_line), np.nan)
    text = np.full((lines, words_per_line), "", dtype=object)
    for index, (label, value) in enumerate(zip(labels, values)):
        grid[index // words_per_line, index % words_per_line] = value
        text[index // words_per_line, index % words_per_line] = label
    low, high = _color_range(state, values)
    figure = go.Figure(go.Heatmap(
        z=grid, text=text, texttemplate="%{text}", textfont=dict(size=13), zmin=low, zmax=high,
        colorscale=GATE_SCALE if state in GATES else STATE_SCALE, xgap=2, ygap=2,
        hovertemplate="%{text}: %{z:.3f}<extra></extra>", colorbar=dict(title="value", thickness=12),
    ))
    figure.update_yaxes(autorange="reversed", showticklabels=False, ticks="", showgrid=False, zeroline=False)
    figure.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    figure.update_layout(height=60 + 38 * lines, margin=dict(l=10, r=10, t=10, b=10))
    return figure


def saturation_figure(inspection: Inspection) -> go.Figure:
    """Share of each gate's values below 0.1 (closed) and above 0.9 (open)."""
    shares = inspection.saturation()
    names = [LSTM_STATES[gate] for gate in GATES]
    figure = go.Figure([
        go.Bar(x=names, y=[shares[gate]["closed"] for gate in GATES], name="closed (< 0.1)", marker_color="#440154"),
        go.Bar(x=names, y=[shares[gate]["open"] for gate in GATES], name="open (> 0.9)", marker_color="#fde725"),
    ])
    figure.update_layout(barmode="group", height=300, yaxis=dict(range=[0, 1], tickformat=".0%"),
                         margin=dict(l=50, r=20, t=30, b=40), legend=dict(orientation="h", y=1.15))
    return figure


def minimal_pair_figure(first: Inspection, second: Inspection, state: str) -> go.Figure:
    """Running predictions of two reviews, and the difference (second - first) of one state at shared positions."""
    steps = min(len(first.tokens), len(second.tokens))
    first_labels = word_labels(first.tokens, first.review.unknown)
    second_labels = word_labels(second.tokens, second.review.unknown)
    pair_labels = [a if a == b else f"{a} → {b}" for a, b in zip(first_labels[:steps], second_labels[:steps])]
    figure = make_subplots(rows=2, cols=1, row_heights=[0.4, 0.6], vertical_spacing=0.12,
                           subplot_titles=["running P(positive): review A vs review B",
                                           f"{LSTM_STATES[state]}: B minus A, word by word"])
    for inspection, labels, name, color in ((first, first_labels, "A", "#4575b4"), (second, second_labels, "B", "#f46d43")):
        figure.add_trace(go.Scatter(x=np.arange(len(labels)), y=inspection.running_prediction, name=f"review {name}",
                                    customdata=labels, line=dict(color=color), mode="lines+markers",
                                    hovertemplate=f"{name}: %{{customdata}} %{{y:.3f}}<extra></extra>"), row=1, col=1)
    figure.update_yaxes(range=[0, 1], row=1, col=1)
    difference = (second.states[state][:steps] - first.states[state][:steps]).T  # (units, steps)
    bound = max(1e-6, float(np.abs(difference).max()))
    figure.add_trace(go.Heatmap(z=difference, x=np.arange(steps), zmin=-bound, zmax=bound, colorscale="PuOr",
                                colorbar=dict(title="B − A", thickness=12, y=0.3, len=0.6),
                                hovertemplate="position %{x}, unit %{y}: %{z:.3f}<extra></extra>"), row=2, col=1)
    figure.update_xaxes(tickmode="array", tickvals=list(range(steps)), ticktext=pair_labels, tickangle=-60,
                        row=2, col=1)
    figure.update_layout(height=620, margin=dict(l=50, r=20, t=40, b=100), legend=dict(orientation="h", y=1.08))
    return figure


def prediction_bar(probability: float) -> go.Figure:
    """A single horizontal bar from negative (0) to positive (1)."""
    figure = go.Figure(go.Bar(x=[probability], y=["P(positive)"], orientation="h",
                              marker_color=POSITIVE if probability >= 0.5 else NEGATIVE,
                              text=[f"{probability:.3f}"], textposition="outside",
                              hovertemplate="P(positive) = %{x:.4f}<extra></extra>"))
    figure.update_layout(height=110, xaxis=dict(range=[0, 1.08]), margin=dict(l=10, r=10, t=10, b=25))
    return figure

