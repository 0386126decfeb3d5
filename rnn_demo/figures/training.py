"""Figures of training runs: live loss and accuracy curves, several runs compared, and a confusion matrix."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_demo.core.events import Progress, ProgressKind
from rnn_demo.figures.common import FONT_SIZE, safe

# Okabe-Ito colours, safe for colour-blind students, one per curve; the sentiment pair (blue / vermillion) is left
# for sentiment. Validation curves are also dashed with markers, so they differ without colour too.
CURVE_COLORS = {
    ("training", "loss"): "#E69F00",  # orange
    ("validation", "loss"): "#CC79A7",  # reddish purple
    ("training", "accuracy"): "#56B4E9",  # sky blue
    ("validation", "accuracy"): "#009E73",  # bluish green
}
RUN_COLORS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#000000", "#F0E442"]  # run k: RUN_COLORS[(k-1) % 6]
METRIC_TITLES = {"loss": "loss (binary crossentropy)", "accuracy": "accuracy"}
# Streamlit shows Plotly's toolbar (PNG export) at the top right on hover: keep it off the titles by placing every
# title on an axis, and leave the top margin free for the toolbar.
PLOT_CONFIG = {"displaylogo": False, "displayModeBar": "hover"}


def _layout(figure: go.Figure, height: int, bottom: int = 60) -> None:
    """Sizes set on every text element: Streamlit's theme would otherwise set 12 px ticks and axis titles."""
    figure.update_layout(height=height, font=dict(size=FONT_SIZE), margin=dict(l=70, r=20, t=36, b=bottom),
                         hoverlabel=dict(font_size=FONT_SIZE), legend_font_size=FONT_SIZE)
    if "legend2" in figure.layout:  # Streamlit's theme styles only the first legend: the second one looks the same
        figure.update_layout(legend2_font=dict(size=FONT_SIZE, color=figure.layout.legend.font.color or "#31333F"))
    figure.update_xaxes(tickfont_size=FONT_SIZE, title_font_size=FONT_SIZE)
    figure.update_yaxes(tickfont_size=FONT_SIZE, title_font_size=FONT_SIZE)
    figure.update_annotations(font_size=FONT_SIZE)


def _two_panels() -> go.Figure:
    figure = make_subplots(rows=1, cols=2, horizontal_spacing=0.12)
    for col, metric in enumerate(METRIC_TITLES, start=1):
        figure.update_yaxes(title_text=METRIC_TITLES[metric], row=1, col=col)
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1], row=1, col=2)
    # One legend under each panel, naming that panel's curves only: at the figure's bottom edge, in the bottom margin
    # beneath the axis titles, so larger text (lecture mode) grows the legend away from them instead of over them.
    figure.update_layout(
        legend=dict(orientation="v", x=0.0, y=0, yref="container", xanchor="left", yanchor="bottom"),
        legend2=dict(orientation="v", x=0.56, y=0, yref="container", xanchor="left", yanchor="bottom"))
    return figure


def training_curves(events: list[Progress]) -> go.Figure:
    """Loss and accuracy after each batch (smoothed over recent batches, a solid line) and on the validation reviews
    after each epoch (dashed, markers), x = epochs done. Each metric and each of training / validation has its own
    colour and legend entry."""
    steps = [event for event in events if event.kind is ProgressKind.STEP]
    epochs = [event for event in events if event.kind is ProgressKind.EPOCH]
    figure = _two_panels()
    progress = [event.step / event.steps_per_epoch for event in steps]
    for col, metric in enumerate(METRIC_TITLES, start=1):
        legend = "legend" if col == 1 else "legend2"
        figure.add_trace(go.Scatter(
            x=progress, y=[event.metrics.get(metric) for event in steps], mode="lines", legend=legend,
            name=f"training {metric} (recent batches)", line=dict(color=CURVE_COLORS["training", metric], width=2),
            hovertemplate=f"training {metric}, epoch %{{x:.2f}}: %{{y:.3f}}<extra></extra>"), row=1, col=col)
        figure.add_trace(go.Scatter(
            x=[event.epoch for event in epochs], y=[event.metrics.get(f"val_{metric}") for event in epochs],
            mode="markers+lines", name=f"validation {metric} (after each epoch)", legend=legend,
            marker=dict(size=11, symbol="diamond", color=CURVE_COLORS["validation", metric]),
            line=dict(color=CURVE_COLORS["validation", metric], dash="dash", width=3),
            hovertemplate=f"validation {metric} after epoch %{{x}}: %{{y:.3f}}<extra></extra>"), row=1, col=col)
    figure.update_xaxes(title_text="epochs done", rangemode="tozero")
    _layout(figure, height=420, bottom=130)
    return figure


def runs_figure(runs: list[tuple[int, str, list[dict]]]) -> go.Figure:
    """Validation loss and accuracy after each epoch, one colour per run (one legend entry for both panels): runs =
    [(number, label, history), ...] with history rows {"epoch", "val_loss", "val_accuracy"} as training.train
    records them."""
    figure = _two_panels()
    for number, label, history in runs:
        color = RUN_COLORS[(number - 1) % len(RUN_COLORS)]
        for col, metric in enumerate(METRIC_TITLES, start=1):
            figure.add_trace(go.Scatter(
                x=[row["epoch"] for row in history], y=[row.get(f"val_{metric}") for row in history],
                mode="markers+lines", name=safe(label), legendgroup=f"run {number}", showlegend=col == 1,
                marker=dict(size=10, color=color), line=dict(color=color, width=3),
                hovertemplate=f"{safe(label)}<br>validation {metric} after epoch %{{x}}: %{{y:.3f}}<extra></extra>"),
                row=1, col=col)
    figure.update_xaxes(title_text="epochs done", rangemode="tozero", dtick=1)
    for col, metric in enumerate(METRIC_TITLES, start=1):
        figure.update_yaxes(title_text=f"validation {METRIC_TITLES[metric]}", row=1, col=col)
    _layout(figure, height=360 + 24 * len(runs), bottom=80 + 24 * len(runs))
    return figure


def confusion_figure(confusion: list[list[int]]) -> go.Figure:
    """confusion[true][predicted] with 0 = negative, 1 = positive."""
    names = ["negative", "positive"]
    figure = go.Figure(go.Heatmap(
        z=confusion, x=[f"predicted<br>{name}" for name in names], y=[f"truly<br>{name}" for name in names],
        text=[[f"{count:,}" for count in row] for row in confusion], texttemplate="%{text}", textfont=dict(size=20),
        colorscale="Blues", showscale=False, hovertemplate="%{y}, %{x}: %{z:,} reviews<extra></extra>"))
    figure.update_xaxes(tickangle=0)
    figure.update_yaxes(autorange="reversed")
    _layout(figure, height=300)
    figure.update_layout(margin=dict(l=10, r=10, t=36, b=10))
    return figure
