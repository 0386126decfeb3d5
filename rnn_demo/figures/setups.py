"""Figures of the RNN set-ups page: the unrolled diagram in the course's notation (X_t, S_t, Y_t, W_x, W_s, W_y),
the traffic forecast and the generated wave."""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from rnn_demo.core.setups import Step
from rnn_demo.figures.common import FONT_SIZE, safe

SUBSCRIPTED_SIZE = 20  # box names and weights: Plotly draws a <sub> at 70%, here 14 px, the app's smallest text
ROW_Y = {"input": 0.0, "state": 1.3, "output": 2.6}  # vertical position of the X_t, S_t and Y_t rows
COLORS = {  # (fill, border) of a box in use
    "input": ("#dbeafe", "#2563eb"),
    "state": ("#fef3c7", "#d97706"),
    "output": ("#dcfce7", "#16a34a"),
}
UNUSED = ("#f3f4f6", "#c0c4cc")  # a greyed box: no input or no output at this step
BOX_W, BOX_H, GAP = 0.9, 0.55, 1.5  # box width and height, distance between steps (data units)


def _shown_columns(n_steps: int, max_steps: int) -> list[int | None]:
    """Step indices to draw, with None for an ellipsis when there are more than `max_steps` steps."""
    if n_steps <= max_steps:
        return list(range(n_steps))
    head = max_steps - 3
    return [*range(head), None, n_steps - 2, n_steps - 1]


def _short(label: str, limit: int = 12) -> str:
    """Escape user text for Plotly's HTML-like labels and shorten it to fit under a box."""
    label = label if len(label) <= limit else label[:limit - 1] + "…"
    return safe(label)


def unrolled_diagram(steps: Sequence[Step], recurrent: bool = True, max_steps: int = 12, title: str = "",
                     highlight: int | None = None) -> go.Figure:
    """One column per time step: X_t -> S_t -> Y_t, with S_{t-1} -> S_t between columns. Boxes of steps that take no
    input or give no output are greyed. More than `max_steps` steps are cut with an ellipsis. With
    `recurrent=False` the single middle box is a plain hidden layer (no state, no W_s). Step `highlight` (0-based),
    if given, stands on a shaded band."""
    if not steps:
        raise ValueError("the diagram needs at least one step.")
    if not recurrent and len(steps) != 1:
        raise ValueError("a diagram without recurrence has exactly one step.")
    # Shapes and annotations are collected as plain dicts and handed to Plotly once: adding them one by one
    # re-validates the whole layout each time, which takes most of a second for a 12-step diagram.
    shapes, notes, hover = [], [], {"x": [], "y": [], "text": []}
    columns = _shown_columns(len(steps), max_steps)
    for col, t in enumerate(columns):
        x = col * GAP
        if t is None:
            notes.append(dict(x=x, y=ROW_Y["state"], text="…", showarrow=False, font=dict(size=28)))
            continue
        step, name = steps[t], (lambda letter: f"{letter}<sub>{t + 1}</sub>" if recurrent else letter)
        if t == highlight:
            shapes.append(dict(type="rect", x0=x - GAP / 2, x1=x + GAP / 2, y0=-0.85, y1=3.15, layer="below",
                               fillcolor="#fde7f3", line=dict(color="#CC79A7", width=3)))
        boxes = (("input", step.has_input, name("X"), step.input_label),
                 ("state", True, name("S") if recurrent else "hidden", ""),
                 ("output", step.has_output, name("Y"), step.output_label))
        for row, used, text, label in boxes:
            fill, border = COLORS[row] if used else UNUSED
            y = ROW_Y[row]
            shapes.append(dict(type="rect", x0=x - BOX_W / 2, x1=x + BOX_W / 2, y0=y - BOX_H / 2, y1=y + BOX_H / 2,
                               fillcolor=fill, line=dict(color=border, width=2, dash="solid" if used else "dot")))
            notes.append(dict(x=x, y=y, text=text if used else f"<span style='color:#6b7280'>{text}</span>",
                              showarrow=False, font=dict(size=SUBSCRIPTED_SIZE)))
            if used and label:
                notes.append(dict(x=x, y=y + (-0.5 if row == "input" else 0.5), text=f"<i>{_short(label)}</i>",
                                  showarrow=False, font=dict(size=FONT_SIZE, color="#374151")))
            if row != "state":
                hover["x"].append(x)
                hover["y"].append(y)
                hover["text"].append(f"step {t + 1}: " + (safe(label) if used and label
                                                          else "used" if used else f"no {row} at this step"))
        for start, end, weight, used in (("input", "state", "W<sub>x</sub>", step.has_input),
                                         ("state", "output", "W<sub>y</sub>", step.has_output)):
            if used:
                notes += _arrow(x, ROW_Y[start] + BOX_H / 2, x, ROW_Y[end] - BOX_H / 2, weight, vertical=True)
        if recurrent and col > 0:
            notes += _arrow(x - GAP + BOX_W / 2, ROW_Y["state"], x - BOX_W / 2, ROW_Y["state"], "W<sub>s</sub>",
                            vertical=False, dashed=columns[col - 1] is None)
    middle, half_span = (len(columns) - 1) * GAP / 2, max((len(columns) - 1) * GAP / 2 + 0.9, 3.5)
    return go.Figure(
        go.Scatter(x=hover["x"], y=hover["y"], hovertext=hover["text"], mode="markers",
                   marker=dict(size=30, opacity=0), hoverinfo="text", showlegend=False),
        layout=dict(shapes=shapes, annotations=notes, title=dict(text=title, x=0.01), height=330,
                    margin=dict(l=10, r=10, t=40 if title else 10, b=10), plot_bgcolor="white", dragmode=False,
                    xaxis=dict(visible=False, range=[middle - half_span, middle + half_span]),
                    yaxis=dict(visible=False, range=[-0.9, 3.2])))


def _arrow(x0, y0, x1, y1, label: str, vertical: bool, dashed: bool = False) -> list[dict]:
    """An arrow from (x0, y0) to (x1, y1) and its weight label, as two annotations."""
    lx, ly = ((x0 + 0.22, (y0 + y1) / 2) if vertical else ((x0 + x1) / 2, y0 + 0.2))
    return [dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
                 arrowhead=2, arrowsize=1.2, arrowwidth=1.6, arrowcolor="#9ca3af" if dashed else "#374151"),
            dict(x=lx, y=ly, text=label, showarrow=False, font=dict(size=SUBSCRIPTED_SIZE, color="#6b7280"))]


def forecast_figure(dates: Sequence[str], history: Sequence[float], truth: Sequence[float],
                    forecast: Sequence[float], naive: Sequence[float], events: Sequence[int]) -> go.Figure:
    """Visits per day: the window the model read, then the true, forecast and same-weekday-last-week values.
    `dates` covers history then the forecast days; `events` marks holidays (-1) and sales days (+1) on them."""
    n_history = len(history)
    if len(dates) != n_history + len(truth) or not len(truth) == len(forecast) == len(naive):
        raise ValueError("dates must cover the history and the forecast days; truth, forecast, naive must match.")
    future = list(dates[n_history:])
    figure = go.Figure([
        go.Scatter(x=list(dates[:n_history]), y=list(history), name="history (the window read)", mode="lines",
                   line=dict(color="#6b7280")),
        go.Scatter(x=future, y=list(truth), name="truth", mode="lines+markers", line=dict(color="#111827")),
        go.Scatter(x=future, y=list(forecast), name="LSTM forecast", mode="lines+markers",
                   line=dict(color="#d97706", width=3)),
        go.Scatter(x=future, y=list(naive), name="same weekday last week", mode="lines",
                   line=dict(color="#2563eb", dash="dot")),
    ])
    for date, event in zip(dates, events):
        if event:
            figure.add_vline(x=date, line=dict(color="#dc2626" if event < 0 else "#16a34a", dash="dash", width=1))
    figure.add_vline(x=future[0], line=dict(color="#111827", width=1))
    figure.update_layout(height=360, margin=dict(l=50, r=20, t=30, b=40), yaxis_title="visits per day",
                         legend=dict(orientation="h", y=-0.18), hovermode="x unified",
                         title=dict(text="red dashes: holidays · green dashes: sales days", font=dict(size=FONT_SIZE)))
    return figure


def wave_figure(generated: Sequence[float], truth: Sequence[float], trained_steps: int) -> go.Figure:
    """The generated sequence next to the true wave, step 1..n; a line marks where the training waves ended."""
    steps = list(range(1, len(generated) + 1))
    figure = go.Figure([
        go.Scatter(x=steps, y=list(truth), name="true wave", mode="lines", line=dict(color="#111827", dash="dot")),
        go.Scatter(x=steps, y=list(generated), name="generated Y_t", mode="lines+markers",
                   line=dict(color="#16a34a", width=3)),
    ])
    if len(generated) > trained_steps:
        figure.add_vline(x=trained_steps + 0.5, line=dict(color="#9ca3af", dash="dash"),
                         annotation_text="training length", annotation_position="top left")
    figure.update_layout(height=320, margin=dict(l=40, r=20, t=20, b=40), xaxis_title="step t",
                         yaxis=dict(range=[-1.3, 1.3]), legend=dict(orientation="h", y=-0.25))
    return figure
