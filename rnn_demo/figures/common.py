"""Helpers shared by the figure modules: safe text for Plotly, word axes, colours."""

from __future__ import annotations

import functools
import html
import unicodedata

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
PRESENTER_FONT_SIZE = 20  # lecture mode: readable from the back of a hall
GATE_COLORS = {"input": "#CC79A7", "forget": "#E69F00", "output": "#56B4E9"}  # Okabe-Ito, apart from the sentiment pair
GATE_COLORBAR_TITLE = "0 = closed<br>1 = open"
STATE_COLORBAR_TITLE = "−1 … +1"
MAX_LABEL_CHARS = 14  # a word label longer than this is shortened with an ellipsis (the full word is in the hover)
MAX_WORD_TICKS = 60  # beyond this many words, every n-th word is labelled (hover still names each one)
MAX_HOVER_CHARS = 1_000  # the hover shows at most this much of one word, and says how long the word is


def safe(label: str) -> str:
    """Escape user text for Plotly, which would otherwise read tags such as <b> or <a href> in labels as markup."""
    return html.escape(str(label), quote=False)


def shorten(word: str, limit: int = MAX_LABEL_CHARS) -> str:
    """`word` cut to `limit` characters, the last one an ellipsis when anything was cut. More than two combining marks
    on one letter are dropped too (hundreds of stacked accents would paint over the chart)."""
    if len(word) <= limit and word.isascii():  # most words: short, and without combining marks (none is ASCII)
        return word
    kept: list[str] = []
    marks = 0
    for char in word[: 4 * limit]:  # enough to fill `limit` characters; anything beyond is cut anyway
        marks = marks + 1 if unicodedata.combining(char) else 0
        if marks <= 2:
            kept.append(char)
        if len(kept) >= limit:
            break
    shortened = "".join(kept)
    return word if shortened == word else shortened[: limit - 1] + "…"


def word_labels(tokens: list[str], unknown=None) -> list[str]:
    """Tick labels for a word axis: shortened, escaped words, unknown ones marked with a trailing '?'."""
    unknown = unknown if unknown is not None else [False] * len(tokens)
    return list(_word_labels(tuple(tokens), tuple(bool(is_unknown) for is_unknown in unknown)))


@functools.lru_cache(maxsize=16)  # a review's charts label the same words: the Inspect page draws three
def _word_labels(tokens: tuple[str, ...], unknown: tuple[bool, ...]) -> tuple[str, ...]:
    return tuple(safe(shorten(token)) + ("?" if is_unknown else "") for token, is_unknown in zip(tokens, unknown))


def hover_words(tokens: list[str]) -> list[str]:
    """The words for one hover row: in full (escaped) up to MAX_HOVER_CHARS, longer ones cut with their length."""
    return [safe(token) if len(token) <= MAX_HOVER_CHARS else
            f"{safe(token[:MAX_HOVER_CHARS])}… ({len(token):,} characters)" for token in tokens]


def font_size(lecture: bool) -> int:
    """The text size for a page's charts: PRESENTER_FONT_SIZE in lecture mode (rnn_demo.web.lecture), else FONT_SIZE.
    Their colour is the page's text colour in both modes (rnn_demo.web.lecture's CSS), never Streamlit's light grey."""
    return PRESENTER_FONT_SIZE if lecture else FONT_SIZE


def apply_fonts(figure: go.Figure, size: int = FONT_SIZE) -> go.Figure:
    """Every text of the figure (ticks, axis titles, legends, hover, annotations, and each trace's own texts and colour
    bar) at `size` px, FONT_SIZE at least.

    Axis fonts are set on each axis because Streamlit's chart theme sets smaller ones there, which win over the
    layout's font. One update_layout call: Plotly validates each call, and per-axis calls cost ~0.1 s a figure."""
    size = max(size, FONT_SIZE)
    font = dict(size=size)
    layout = figure.layout.to_plotly_json()
    names = {"xaxis", "yaxis"} | {name for name in layout if name.startswith(("xaxis", "yaxis"))}
    axes = {name: dict(tickfont=font, title=dict(font=font)) for name in names}
    annotations = [{**note.to_plotly_json(), "font": {**(note.font.to_plotly_json() if note.font else {}), **font}}
                   for note in figure.layout.annotations]
    legends = {name: dict(font={**layout[name].get("font", {}), **font}) for name in layout
               if name.startswith("legend")} | {"legend": dict(font={**layout.get("legend", {}).get("font", {}), **font})}
    figure.update_layout(font=font, hoverlabel=dict(font=font), annotations=annotations, **legends, **axes)
    for trace in figure.data:  # texts a trace draws itself: values on bars, words in cells, its colour bar
        if "textfont" in trace:
            trace.update(textfont=font)
        if "colorbar" in trace:
            trace.update(colorbar=dict(tickfont=font, title=dict(font=font)))
    return figure


def figure_from_spec(spec: dict) -> go.Figure:
    """A Plotly figure from a plain spec ({"data": [...], "layout": {...}}), skipping Plotly's validation: building a
    subplot figure through make_subplots and update_* calls cost ~0.1 s of server CPU, wrapping the same spec ~5 ms.
    Without validation Plotly neither checks names nor expands "magic underscores", so a spec spells every attribute
    in full and nested (title=dict(text=...), not title_text=...); the page tests read the specs Streamlit sends."""
    return go.Figure(spec, _validate=False)


def colorscale(name: str) -> list:
    """A named Plotly colour scale as its list of [position, colour] stops, which Plotly's validation would otherwise
    write out: plotly.js itself knows only a few names (Viridis, but not BrBG or PRGn)."""
    return [list(stop) for stop in _colorscale_stops(name)]


@functools.cache
def _colorscale_stops(name: str) -> tuple:
    return tuple(tuple(stop) for stop in go.Heatmap(colorscale=name).colorscale)  # as Plotly's validation writes it


def with_fonts(layout: dict, size: int = FONT_SIZE) -> dict:
    """apply_fonts for a plain layout dict (changed in place and returned): the layout, hover, legend, each axis's
    ticks and title, and every annotation at `size` px or more."""
    size = max(size, FONT_SIZE)
    layout.update(font=dict(size=size), hoverlabel=dict(font=dict(size=size)), legend={
        **layout.get("legend", {}), "font": dict(size=size)})
    for name in {"xaxis", "yaxis"} | {name for name in layout if name.startswith(("xaxis", "yaxis"))}:
        axis = layout.setdefault(name, {})
        axis["tickfont"] = dict(size=size)
        axis["title"] = {**axis.get("title", {}), "font": dict(size=size)}
    for note in layout.get("annotations", []):
        note["font"] = {**note.get("font", {}), "size": size}
    return layout


def word_axis(labels: list[str]) -> dict:
    """set_word_axis as a plain axis spec: words at integer positions 0..T-1, at most MAX_WORD_TICKS labelled."""
    step = max(1, -(-len(labels) // MAX_WORD_TICKS))
    return dict(tickmode="array", tickvals=list(range(0, len(labels), step)), ticktext=labels[::step], tickangle=-60)


def set_word_axis(figure: go.Figure, labels: list[str], row=None, col=None) -> None:
    """Words at integer positions 0..T-1 (a repeated word keeps its own column), at most MAX_WORD_TICKS labelled."""
    step = max(1, -(-len(labels) // MAX_WORD_TICKS))
    figure.update_xaxes(tickmode="array", tickvals=list(range(0, len(labels), step)), ticktext=labels[::step],
                        tickangle=-60, row=row, col=col)

# The three recurrent cells wherever they are compared (Okabe-Ito colours, none of them the sentiment pair), with a
# dash style each so they stay apart in greyscale too.
CELL_COLORS = {"SimpleRNN": "#E69F00", "LSTM": "#009E73", "GRU": "#CC79A7"}
CELL_DASHES = {"SimpleRNN": "solid", "LSTM": "dash", "GRU": "dashdot"}
