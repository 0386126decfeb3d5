"""Figures of the analysis lab: occlusion as coloured words (or bars per sentence), a what-if's running prediction
against the original, and unit-search matches as rows of coloured words with the matching span boxed. Plain
arrays and records in, Plotly figures out; every word passes through `safe`."""

from __future__ import annotations


import numpy as np
import plotly.graph_objects as go

from rnn_demo.figures.common import (
    FONT_SIZE,
    NEGATIVE,
    POSITIVE,
    SENTIMENT_SCALE,
    STATE_SCALE,
    safe,
    set_word_axis,
    word_labels,
)

PUSH_TITLE = "push on P(positive):<br>with the {part} − without it"
def _word_grid(labels: list[str], values: np.ndarray, words_per_line: int) -> tuple[np.ndarray, np.ndarray]:
    """Lay words out in lines of `words_per_line` cells: the values (NaN in empty cells) and the cell texts."""
    lines = max(1, int(np.ceil(len(labels) / words_per_line)))
    grid = np.full((lines, words_per_line), np.nan)
    texts = np.full((lines, words_per_line), "", dtype=object)
    for position, (label, value) in enumerate(zip(labels, values)):
        grid[position // words_per_line, position % words_per_line] = value
        texts[position // words_per_line, position % words_per_line] = label
    return grid, texts


def _readable(figure: go.Figure) -> go.Figure:
    """Every tick, axis title and legend at FONT_SIZE or more (Streamlit's chart theme would shrink them to 12 px)."""
    figure.update_layout(font=dict(size=FONT_SIZE), legend=dict(font=dict(size=FONT_SIZE)))
    figure.update_xaxes(tickfont=dict(size=FONT_SIZE), title_font=dict(size=FONT_SIZE))
    figure.update_yaxes(tickfont=dict(size=FONT_SIZE), title_font=dict(size=FONT_SIZE))
    return figure


def _hide_axes(figure: go.Figure) -> None:
    figure.update_yaxes(autorange="reversed", showticklabels=False, ticks="", showgrid=False, zeroline=False)
    figure.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False)


def _words_per_line(labels: list[str], width_px: int = 720, char_px: float = 9.5) -> int:
    """As many cells per line as fit the longest word (long words shortened to 12 characters) at 16 px text."""
    longest = min(12, max(len(label) for label in labels))
    return int(np.clip(width_px // (longest * char_px + 12), 4, 14))


def _shorten(label: str, characters: int = 12) -> str:
    return label if len(label) <= characters else label[:characters - 1] + "…"


def occlusion_words_figure(tokens: list[str], unknown, change: np.ndarray) -> go.Figure:
    """The review's words, each coloured by its push on P(positive): P(positive) with it minus without it (= minus
    `change`, the change when it alone is dropped). Positive colour: the word pushes towards positive; negative
    colour: towards negative, the same convention as the sentence bars and every sentiment colour of the app."""
    push = -np.asarray(change, dtype="float64")
    labels = word_labels(tokens, unknown)
    grid, texts = _word_grid([_shorten(label) for label in labels], push, _words_per_line(labels))
    bound = max(0.01, float(np.abs(push).max()))
    figure = go.Figure(go.Heatmap(
        z=grid, text=texts, texttemplate="%{text}", textfont=dict(size=FONT_SIZE + 2), zmin=-bound, zmax=bound,
        colorscale=SENTIMENT_SCALE, xgap=2, ygap=2,
        hovertemplate="'%{text}' pushes P(positive) by %{z:+.3f}<extra></extra>",
        colorbar=dict(title=dict(text=PUSH_TITLE.format(part="word"), font=dict(size=FONT_SIZE)),
                      tickfont=dict(size=FONT_SIZE), thickness=14, tickformat="+.2f"),
    ))
    _hide_axes(figure)
    figure.update_layout(height=110 + 44 * grid.shape[0], margin=dict(l=10, r=10, t=10, b=10))
    return _readable(figure)


def occlusion_sentences_figure(sentences: list[str], change: np.ndarray, max_characters: int = 70) -> go.Figure:
    """One bar per sentence: its push on P(positive), P(positive) with it minus without it (= minus `change`), in
    the positive colour when it pushes towards positive, as in the word view."""
    push = -np.asarray(change, dtype="float64")
    labels = [f"{number}: " + safe(sentence if len(sentence) <= max_characters else
                                   sentence[:max_characters - 1] + "…")
              for number, sentence in enumerate(sentences, start=1)]
    figure = go.Figure(go.Bar(
        x=push, y=labels, orientation="h", marker_color=[push_color(value) for value in push],
        text=[f"{value:+.3f}" for value in push], textposition="outside", textfont=dict(size=FONT_SIZE),
        hovertemplate="%{y}<br>pushes P(positive) by %{x:+.3f}<extra></extra>"))
    bound = max(0.05, float(np.abs(push).max()) * 1.3)
    figure.update_xaxes(range=[-bound, bound], title_text=PUSH_TITLE.format(part="sentence").replace("<br>", " "),
                        zeroline=True, zerolinecolor="#444")
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=120 + 40 * len(labels), margin=dict(l=10, r=20, t=10, b=50))
    return _readable(figure)


def push_color(push: float) -> str:
    """The colour of a push on P(positive): POSITIVE towards positive, NEGATIVE towards negative."""
    return POSITIVE if push > 0 else NEGATIVE


def what_if_figure(tokens: list[str], unknown, original: np.ndarray, changed: np.ndarray,
                   marked_words=()) -> go.Figure:
    """Running P(positive) after each word, as the model computes it and with the intervention; marked words
    (where an input gate was shut) get a dotted vertical line."""
    labels = word_labels(tokens, unknown)
    positions = np.arange(len(labels))
    figure = go.Figure([
        go.Scatter(x=positions, y=original, name="original", mode="lines+markers", customdata=labels,
                   line=dict(color="#555"), hovertemplate="after '%{customdata}': %{y:.3f}<extra>original</extra>"),
        go.Scatter(x=positions, y=changed, name="with the change", mode="lines+markers", customdata=labels,
                   line=dict(color=POSITIVE, dash="dash"),
                   hovertemplate="after '%{customdata}': %{y:.3f}<extra>changed</extra>"),
    ])
    figure.add_hline(y=0.5, line_dash="dot", line_color="#999")
    for word in marked_words:
        figure.add_vline(x=word, line_dash="dot", line_color=NEGATIVE)
    set_word_axis(figure, labels)
    figure.update_yaxes(range=[0, 1], title_text="running P(positive)")
    figure.update_xaxes(range=[-0.5, len(labels) - 0.5])
    figure.update_layout(height=380, margin=dict(l=60, r=20, t=40, b=100),
                         legend=dict(orientation="h", y=1.12))
    return _readable(figure)


def matches_figure(rows: list[dict], context: int = 4) -> go.Figure:
    """Rows of words coloured by the chosen units' mean h_t, the matching span boxed, `context` words either side.

    rows: dicts with "name" (row title), "tokens", "activation" (one value per token), "start", "end".
    """
    width = max(row["end"] - row["start"] for row in rows) + 2 * context
    grid = np.full((len(rows), width), np.nan)
    texts = np.full((len(rows), width), "", dtype=object)
    boxes = []
    for line, row in enumerate(rows):
        first = max(0, row["start"] - context)
        shown = range(first, min(len(row["tokens"]), first + width))
        for cell, position in enumerate(shown):
            grid[line, cell] = row["activation"][position]
            texts[line, cell] = _shorten(safe(row["tokens"][position]), 9)
        boxes.append((row["start"] - first, row["end"] - first))
    bound = max(0.1, float(np.nanmax(np.abs(grid))))
    figure = go.Figure(go.Heatmap(
        z=grid, text=texts, texttemplate="%{text}", textfont=dict(size=FONT_SIZE), zmin=-bound, zmax=bound,
        colorscale=STATE_SCALE, xgap=2, ygap=6, hovertemplate="'%{text}': %{z:.3f}<extra></extra>",
        colorbar=dict(title=dict(text="mean h_t of<br>the chosen units", font=dict(size=FONT_SIZE)),
                      tickfont=dict(size=FONT_SIZE), thickness=14)))
    for line, (start, end) in enumerate(boxes):
        figure.add_shape(type="rect", x0=start - 0.5, x1=end - 0.5, y0=line - 0.45, y1=line + 0.45,
                         line=dict(color="#000", width=3))
    figure.update_yaxes(autorange="reversed", tickmode="array", tickvals=list(range(len(rows))),
                        ticktext=[safe(row["name"]) for row in rows], showgrid=False, zeroline=False)
    figure.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    figure.update_layout(height=80 + 56 * len(rows), margin=dict(l=10, r=10, t=10, b=10))
    return _readable(figure)
