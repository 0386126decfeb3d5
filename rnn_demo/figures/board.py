"""Figures of the class board: every run's test accuracy against the setting the teacher picks, and the runs'
validation curves overlaid, coloured by that setting. Nicknames are the students' own text: they reach Plotly escaped
(common.safe) and only through data fields (customdata, names), never inside a hover template, whose %{...} they could
otherwise fill. At the board's bound (500 runs of up to 20 epochs) both figures build in ~7 ms and serialise (~175 kB) in as long;
an unchanged board gives identical figures, which Streamlit sends again only as a reference to what the browser
holds (messages over 10 kB)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from rnn_demo.core.board import SETTINGS, BoardRun, best_run, format_value, groups
from rnn_demo.figures.common import FONT_SIZE, figure_from_spec, safe, with_fonts

# Okabe-Ito, one per value of the chosen setting (the sentiment blue and vermillion left out), and a dash each, so
# that groups stay apart beyond six values and in greyscale.
GROUP_COLORS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#F0E442", "#000000"]
GROUP_DASHES = ["solid", "dash", "dot", "dashdot"]
BEST_COLOR = "#0072B2"
LOG_AXES = {"learning_rate", "units", "batch_size", "embedding_dim"}  # values that double or step by decades
# Legends to the right of each plot, one entry a line: short names (a value of the setting, "best run") that stay
# apart at the lecture's 20 px, where a horizontal legend under the plot ran into the axis title.
LEGEND = dict(orientation="v", x=1.02, y=1.0, xanchor="left", yanchor="top")
SPREAD = 0.18  # points of one group spread over this share of the gap between neighbouring values, so none hides


def _positions(values: list, setting: str) -> tuple[list[float], float]:
    """Each distinct value's place on the x axis (log10 of it on a log axis, its index for words) and the width one
    group's points may spread over."""
    if SETTINGS[setting].categorical:
        places = [float(index) for index in range(len(values))]
    else:
        places = [math.log10(value) if setting in LOG_AXES else float(value) for value in values]
    gaps = [right - left for left, right in zip(places, places[1:])]
    width = SPREAD * (min(gaps) if gaps else (0.3 if setting in LOG_AXES else max(abs(places[0]), 1.0)))
    return places, width


def _x(place: float, setting: str) -> float:
    return 10 ** place if setting in LOG_AXES else place


def accuracy_figure(runs: list[BoardRun], setting: str, font_size: int = FONT_SIZE, height: int = 420) -> go.Figure:
    """One point per run (test accuracy against `setting`), each group's mean as a bar, the best run as a star."""
    found = groups(runs, setting)
    places, width = _positions([group.value for group in found], setting)
    best = best_run(runs)
    points = dict(x=[], y=[], customdata=[])
    means = dict(x=[], y=[], customdata=[])
    star = None
    for group, place in zip(found, places):
        count = len(group.runs)
        for index, run in enumerate(sorted(group.runs, key=lambda run: run.run_id)):
            offset = 0.0 if count == 1 else width * (2 * index / (count - 1) - 1)
            x = _x(place + offset, setting)
            row = (safe(run.label), format_value(setting, group.value), run.preset, f"{run.train_seconds:.0f}")
            points["x"].append(x), points["y"].append(run.test_accuracy), points["customdata"].append(row)
            if run is best:
                star = dict(x=[x], y=[run.test_accuracy], customdata=[row])
        means["x"].append(_x(place, setting)), means["y"].append(group.mean)
        means["customdata"].append((format_value(setting, group.value), count))
    title = SETTINGS[setting].title
    data = [
        dict(type="scatter", mode="markers", name="a run", **points,
             marker=dict(size=13, color="#009E73", opacity=0.85, line=dict(width=1, color="#FFFFFF")),
             hovertemplate=f"%{{customdata[0]}}<br>{title} %{{customdata[1]}}, preset %{{customdata[2]}}, "
                           "%{customdata[3]} s of training<br>test accuracy %{y:.1%}<extra></extra>"),
        dict(type="scatter", mode="markers", name="mean", **means,
             marker=dict(symbol="line-ew", size=44, line=dict(width=4, color="#000000")),
             hovertemplate=f"{title} %{{customdata[0]}}: mean test accuracy %{{y:.1%}} of %{{customdata[1]}} "
                           "run(s)<extra></extra>"),
    ]
    if star is not None:
        data.append(dict(type="scatter", mode="markers", name="best run", **star,
                         marker=dict(symbol="star", size=26, color=BEST_COLOR, line=dict(width=1, color="#FFFFFF")),
                         hovertemplate="best run: %{customdata[0]}<br>test accuracy %{y:.1%}<extra></extra>"))
    tick_places = [_x(place, setting) for place in places]
    x_axis = dict(title=dict(text=title), tickmode="array", tickvals=tick_places,
                  ticktext=[safe(format_value(setting, group.value)) for group in found])
    # Room on both sides of the outermost groups' spread points (Plotly's own range would put them at the edges).
    x_axis.update(range=[min(places, default=0) - 2.5 * width, max(places, default=0) + 2.5 * width])
    if setting in LOG_AXES:
        x_axis.update(type="log")  # a log axis's range is in decades, as `places` are
    low = min((run.test_accuracy for run in runs), default=0.5)
    layout = dict(
        height=height, margin=dict(l=80, r=10, t=20, b=70), xaxis=x_axis,
        yaxis=dict(title=dict(text="test accuracy"), tickformat=".0%",
                   range=[max(0.0, min(low, 0.5) - 0.03), 1.0]),
        legend=LEGEND, showlegend=True)
    return figure_from_spec(dict(data=data, layout=with_fonts(layout, font_size)))


def curves_figure(runs: list[BoardRun], setting: str, font_size: int = FONT_SIZE, height: int = 420) -> go.Figure:
    """Every run's validation accuracy after each epoch, coloured by its value of `setting` (one legend entry per
    value); the best run drawn thick, named in its hover."""
    best = best_run(runs)
    data = []
    # One trace per value, its runs' curves joined by gaps (None): a board of 500 runs sends a few traces, not 500.
    for index, group in enumerate(groups(runs, setting)):
        color, dash = GROUP_COLORS[index % len(GROUP_COLORS)], GROUP_DASHES[index // len(GROUP_COLORS) % 4]
        x, y, labels = [], [], []
        for run in group.runs:
            curve = [(epoch, accuracy) for epoch, _, accuracy in run.history if accuracy is not None]
            x += [epoch for epoch, _ in curve] + [None]
            y += [accuracy for _, accuracy in curve] + [None]
            labels += [safe(run.label)] * len(curve) + [None]
        data.append(dict(
            type="scatter", mode="lines+markers", name=safe(format_value(setting, group.value)), x=x, y=y,
            customdata=labels, connectgaps=False, line=dict(color=color, dash=dash, width=2),
            marker=dict(size=8, color=color), opacity=0.8,
            hovertemplate="%{customdata}<br>validation accuracy after epoch %{x}: %{y:.1%}<extra></extra>"))
    if best is not None:
        curve = [(epoch, accuracy) for epoch, _, accuracy in best.history if accuracy is not None]
        data.append(dict(
            type="scatter", mode="lines+markers", name="best run", x=[epoch for epoch, _ in curve],
            y=[accuracy for _, accuracy in curve], customdata=[safe(best.label)] * len(curve),
            line=dict(color=BEST_COLOR, width=5), marker=dict(size=12, symbol="star", color=BEST_COLOR),
            hovertemplate="best run: %{customdata}<br>validation accuracy after epoch %{x}: %{y:.1%}<extra></extra>"))
    points = [(epoch, accuracy) for run in runs for epoch, _, accuracy in run.history if accuracy is not None]
    epochs, accuracies = [epoch for epoch, _ in points], [accuracy for _, accuracy in points]
    layout = dict(
        height=height, margin=dict(l=80, r=10, t=20, b=70),
        xaxis=dict(title=dict(text="epochs done"), dtick=1, range=[0.5, max(epochs, default=1) + 0.5]),
        yaxis=dict(title=dict(text="validation accuracy"), tickformat=".0%",
                   range=[max(0.0, min(min(accuracies, default=0.5), 0.5) - 0.03), 1.0]),
        legend={**LEGEND, "title": dict(text=safe(SETTINGS[setting].title),
                                         font=dict(size=max(font_size, FONT_SIZE)))}, showlegend=True)
    return figure_from_spec(dict(data=data, layout=with_fonts(layout, font_size)))
