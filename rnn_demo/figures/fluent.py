"""Figures of "Why order matters": two bags of words side by side, and the top-5 next words of both models."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnn_demo.figures.common import FONT_SIZE, GATE_SCALE, safe

BOW_COLOR = "#999999"  # the bag-of-words model (Okabe-Ito grey): not a sentiment colour
LSTM_COLOR = "#009E73"  # the LSTM (Okabe-Ito bluish green): not a sentiment colour


def bag_of_words_figure(words: Sequence[str], bags: Sequence[np.ndarray], names: Sequence[str]) -> go.Figure:
    """One row per sentence, one column per word of `words` (the words either sentence holds), 1 = occurs."""
    z = np.array([np.asarray(bag, dtype=float) for bag in bags])  # (sentences, words)
    labels = [safe(word) for word in words]
    figure = go.Figure(go.Heatmap(
        z=z, x=list(range(len(labels))), y=[safe(name) for name in names], zmin=0, zmax=1, colorscale=GATE_SCALE,
        texttemplate="%{z:.0f}", textfont=dict(size=FONT_SIZE + 2), xgap=2, ygap=2, customdata=[labels] * len(z),
        colorbar=dict(title=dict(text="word occurs", font=dict(size=FONT_SIZE)), tickvals=[0, 1],
                      ticktext=["no (0)", "yes (1)"], tickfont=dict(size=FONT_SIZE)),
        hovertemplate="%{y}<br>'%{customdata}': %{z:.0f}<extra></extra>"))
    figure.update_xaxes(tickmode="array", tickvals=list(range(len(labels))), ticktext=labels, tickangle=-45,
                        tickfont=dict(size=FONT_SIZE + 2), title=dict(text="word of the vocabulary",
                                                                      font=dict(size=FONT_SIZE)))
    figure.update_yaxes(tickfont=dict(size=FONT_SIZE), autorange="reversed")
    figure.update_layout(height=150 + 45 * len(z), margin=dict(l=10, r=10, t=10, b=10), font=dict(size=FONT_SIZE))
    return figure


def top_words_figure(rankings: Sequence[Sequence[tuple[str, float]]], names: Sequence[str]) -> go.Figure:
    """Side by side, for each model: its top next words (best on top) as bars of probability, values printed."""
    colors = [BOW_COLOR, LSTM_COLOR, "#E69F00", "#56B4E9"]
    figure = make_subplots(rows=1, cols=len(rankings), subplot_titles=[safe(name) for name in names],
                           horizontal_spacing=0.18)
    for col, (ranking, name) in enumerate(zip(rankings, names), start=1):
        words = [safe(word) for word, _ in ranking]
        probabilities = [probability for _, probability in ranking]
        figure.add_trace(go.Bar(
            x=probabilities, y=words, orientation="h", marker_color=colors[(col - 1) % len(colors)], name=safe(name),
            text=[f"{p:.1%}" for p in probabilities], textposition="outside", textfont=dict(size=FONT_SIZE),
            hovertemplate="%{y}: %{x:.3f}<extra></extra>"), row=1, col=col)
        figure.update_yaxes(autorange="reversed", tickfont=dict(size=FONT_SIZE + 2), row=1, col=col)
        figure.update_xaxes(range=[0, 1.25], tickformat=".0%", title=dict(text="P(next word)",
                                                                         font=dict(size=FONT_SIZE)), row=1, col=col)
    figure.update_annotations(font=dict(size=FONT_SIZE + 2))
    figure.update_layout(height=320, showlegend=False, margin=dict(l=10, r=10, t=40, b=10),
                         font=dict(size=FONT_SIZE))
    return figure
