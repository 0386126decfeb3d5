"""Figures of the long-memory page: accuracy curves of SimpleRNN, LSTM and GRU on the long-range task, gradient norms
against distance from the end (log scale), and IMDb accuracy by review length."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnn_demo.core.events import Progress, ProgressKind
from rnn_demo.figures.common import CELL_COLORS, CELL_DASHES, FONT_SIZE, safe

AXIS_FONTS = dict(tickfont=dict(size=FONT_SIZE), title_font=dict(size=FONT_SIZE))
LAYOUT = dict(font=dict(size=FONT_SIZE), margin=dict(l=70, r=20, t=50, b=60),
              legend=dict(orientation="h", y=-0.25, font=dict(size=FONT_SIZE)))


def step_accuracies(events: Sequence[Progress]) -> list[tuple[int, float]]:
    """(gradient step, accuracy) of each step event of a training that reports an accuracy."""
    return [(event.step, event.metrics["accuracy"]) for event in events
            if event.kind is ProgressKind.STEP and "accuracy" in event.metrics]


def accuracy_curves(curves: Mapping[str, Sequence[tuple[int, float]]], chance: float = 0.5,
                    total_steps: int | None = None, title: str = "") -> go.Figure:
    """One line per cell: accuracy on each new batch (smoothed over recent batches by the training callback) against
    gradient steps. `curves` maps a cell's display name to its (step, accuracy) pairs (`step_accuracies` of a job's
    events); a dotted line marks guessing."""
    figure = go.Figure()
    for name, curve in curves.items():
        figure.add_trace(go.Scatter(x=[step for step, _ in curve], y=[accuracy for _, accuracy in curve],
                                    mode="lines", name=safe(name),
                                    line=dict(color=CELL_COLORS.get(name), dash=CELL_DASHES.get(name), width=3),
                                    hovertemplate=f"{safe(name)}, step %{{x}}: %{{y:.1%}}<extra></extra>"))
    figure.add_hline(y=chance, line=dict(color="#666666", dash="dot"), annotation_text=f"guessing ({chance:.0%})",
                     annotation_font_size=FONT_SIZE, annotation_position="bottom right")
    figure.update_xaxes(title_text="gradient steps (each on a batch of new sequences)",
                        range=[0, total_steps] if total_steps else None)
    figure.update_yaxes(title_text="accuracy on new sequences", range=[0.3, 1.02], tickformat=".0%")
    figure.update_xaxes(**AXIS_FONTS)
    figure.update_yaxes(**AXIS_FONTS)
    figure.update_layout(height=380, title=dict(text=safe(title), font=dict(size=FONT_SIZE + 2)), **LAYOUT)
    return figure


def gradient_norms_figure(norms: Mapping[tuple[str, str], np.ndarray]) -> go.Figure:
    """||d loss / d X_t|| against distance from the last step, log scale. `norms` maps (cell name, stage) to norms in
    time order; stage "at initialisation" is drawn dotted, "after training" solid."""
    figure = go.Figure()
    for (name, stage), values in norms.items():
        values = np.asarray(values, dtype="float64")[::-1]  # distance 0 = the last step read
        shown = np.where(values > 0, values, np.nan)  # a log axis cannot show an underflowed 0
        figure.add_trace(go.Scatter(
            x=np.arange(len(values)), y=shown, mode="lines", name=f"{safe(name)}, {safe(stage)}",
            line=dict(color=CELL_COLORS.get(name), width=3 if stage == "after training" else 2,
                      dash="solid" if stage == "after training" else "dot"),
            hovertemplate=f"{safe(name)} {safe(stage)}<br>%{{x}} steps before the end: %{{y:.2e}}<extra></extra>"))
    figure.update_xaxes(title_text="distance from the end of the sequence (steps back in time)")
    figure.update_yaxes(title_text="‖∂ loss / ∂ X<sub>t</sub>‖ (log scale)", type="log", exponentformat="power")
    figure.update_xaxes(**AXIS_FONTS)
    figure.update_yaxes(**AXIS_FONTS)
    figure.update_layout(height=420, **LAYOUT)
    return figure


def accuracy_by_length_figure(rows: Sequence[Mapping]) -> go.Figure:
    """Grouped bars: accuracy of each model (rows' "model") on each group of reviews (rows' "reviews", e.g.
    "short (≤ 120 words)"), with the count of reviews in the hover."""
    figure = go.Figure()
    for name in dict.fromkeys(row["model"] for row in rows):
        mine = [row for row in rows if row["model"] == name]
        figure.add_trace(go.Bar(
            x=[safe(row["reviews"]) for row in mine], y=[row["accuracy"] for row in mine], name=safe(name),
            marker_color=CELL_COLORS.get(name), text=[f"{row['accuracy']:.1%}" for row in mine],
            textposition="outside", textfont=dict(size=FONT_SIZE), customdata=[row["count"] for row in mine],
            hovertemplate=f"{safe(name)}, %{{x}}: %{{y:.1%}} of %{{customdata:,}} reviews<extra></extra>"))
    figure.update_yaxes(title_text="test accuracy", range=[0.4, 1.0], tickformat=".0%")
    figure.update_xaxes(title_text="IMDb test reviews, by length")
    figure.update_xaxes(**AXIS_FONTS)
    figure.update_yaxes(**AXIS_FONTS)
    figure.update_layout(height=380, barmode="group", **LAYOUT)
    return figure
