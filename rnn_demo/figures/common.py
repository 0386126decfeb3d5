"""Helpers shared by the figure modules: safe text for Plotly, word axes, colours."""

from __future__ import annotations

import html

import plotly.graph_objects as go

# One colour language for the whole app, safe for colour-blind students (no red-versus-green contrast anywhere):
# Okabe-Ito blue and vermillion for sentiment, a sequential scale for gates, other diverging scales for values.
POSITIVE = "#0072B2"  # positive sentiment, everywhere
NEGATIVE = "#D55E00"  # negative sentiment, everywhere
SENTIMENT_SCALE = [[0.0, NEGATIVE], [0.5, "#f7f7f7"], [1.0, POSITIVE]]  # P(positive) from 0 to 1
UNKNOWN_COLOR = "#8c510a"
GATE_SCALE = "Viridis"  # gates live in [0, 1]: 0 = closed (dark), 1 = open (yellow)
STATE_SCALE = "BrBG"  # states and candidates live in [-1, 1] (cell states may go beyond): brown < 0 < teal
DIFFERENCE_SCALE = "PRGn"  # a change (B minus A, or what-if minus original): purple < 0 < green
FONT_SIZE = 14  # the smallest text any figure may show (projector rule: nothing under 14 px)


def safe(label: str) -> str:
    """Escape user text for Plotly, which would otherwise read tags such as <b> or <a href> in labels as markup."""
    return html.escape(str(label), quote=False)


def word_labels(tokens: list[str], unknown=None) -> list[str]:
    """Tick labels for a word axis: escaped words, unknown ones marked with a trailing '?'."""
    unknown = unknown if unknown is not None else [False] * len(tokens)
    return [safe(token) + ("?" if is_unknown else "") for token, is_unknown in zip(tokens, unknown)]


def set_word_axis(figure: go.Figure, labels: list[str], row=None, col=None) -> None:
    """Words at integer positions 0..T-1, so a repeated word keeps its own column."""
    step = max(1, len(labels) // 60)  # beyond ~60 words show every n-th label; hover still names each word
    figure.update_xaxes(tickmode="array", tickvals=list(range(0, len(labels), step)), ticktext=labels[::step],
                        tickangle=-60, row=row, col=col)

# The three recurrent cells wherever they are compared (Okabe-Ito colours, none of them the sentiment pair), with a
# dash style each so they stay apart in greyscale too.
CELL_COLORS = {"SimpleRNN": "#E69F00", "LSTM": "#009E73", "GRU": "#CC79A7"}
CELL_DASHES = {"SimpleRNN": "solid", "LSTM": "dash", "GRU": "dashdot"}
