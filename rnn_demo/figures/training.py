"""Figures of a training run: live loss and accuracy curves, and the test split's confusion matrix."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_demo.jobs import Progress, ProgressKind


def training_curves(events: list[Progress]) -> go.Figure:
    """Loss and accuracy after each batch (smoothed over recent batches, a thin line) and on the validation reviews
    after each epoch (markers), x = epochs done."""
    steps = [event for event in events if event.kind is ProgressKind.STEP]
    epochs = [event for event in events if event.kind is ProgressKind.EPOCH]
    figure = make_subplots(rows=1, cols=2, subplot_titles=["loss (binary crossentropy)", "accuracy"])
    progress = [event.step / event.steps_per_epoch for event in steps]
    for col, metric in enumerate(("loss", "accuracy"), start=1):
        figure.add_trace(go.Scatter(x=progress, y=[event.metrics.get(metric) for event in steps], mode="lines",
                                    name=f"training {metric} (smoothed over recent batches)", line=dict(color="#4575b4"),
                                    legendgroup=metric, hovertemplate="epoch %{x:.2f}: %{y:.3f}<extra></extra>"),
                         row=1, col=col)
        figure.add_trace(go.Scatter(x=[event.epoch for event in epochs],
                                    y=[event.metrics.get(f"val_{metric}") for event in epochs],
                                    mode="markers+lines", name=f"validation {metric}", marker=dict(size=10),
                                    line=dict(color="#d73027", dash="dot"),
                                    hovertemplate="after epoch %{x}: %{y:.3f}<extra></extra>"), row=1, col=col)
    figure.update_xaxes(title_text="epochs", rangemode="tozero")
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1], row=1, col=2)
    figure.update_layout(height=340, margin=dict(l=50, r=20, t=40, b=40), legend=dict(orientation="h", y=-0.25))
    return figure


def confusion_figure(confusion: list[list[int]]) -> go.Figure:
    """confusion[true][predicted] with 0 = negative, 1 = positive."""
    names = ["negative", "positive"]
    figure = go.Figure(go.Heatmap(
        z=confusion, x=[f"predicted {name}" for name in names], y=[f"truly {name}" for name in names],
        text=[[f"{count:,}" for count in row] for row in confusion], texttemplate="%{text}", textfont=dict(size=18),
        colorscale="Blues", showscale=False, hovertemplate="%{y}, %{x}: %{z:,}<extra></extra>"))
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=300, margin=dict(l=10, r=10, t=10, b=10))
    return figure
