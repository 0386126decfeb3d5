"""Charts on a page: every figure is drawn with Streamlit's own `st.plotly_chart`. Here live the server's chart
turn (one session at a time draws its charts) and the figures a session remembers for reruns that change nothing
they show."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

FIGURES_KEPT = 16  # figures a session keeps for reruns that change nothing they show (Inspect draws 6 per review)

# One per server process, shared by every session: a plain module attribute (Streamlit imports this module once per
# process), not an st.cache_resource, whose lookup costs ~50 µs on each of a rerun's calls.
_CHART_TURN = threading.RLock()


def chart_turn() -> threading.RLock:
    """The server's turn to draw the heavy rest of a page (charts, their serialisation), one session at a time: `with
    charts.chart_turn(): ...`. That work is pure Python, so under the interpreter lock 30 sessions doing it at once
    only take turns in 5 ms slices, and the server's event loop, which sends every session's messages, and the
    sessions still computing their prediction wait behind all of them: a student's prediction reached the browser
    only when everyone's charts were done. Waiting for the turn costs no CPU. Reentrant."""
    return _CHART_TURN


class SpecFigure(go.Figure):
    """A finished plain spec ({"data": [...], "layout": {...}}, as the figure builders' *_spec functions return it)
    handed to `st.plotly_chart` as it is. Streamlit asks a Plotly figure for `to_dict()` and turns a plain dict into
    a validated Figure first; both walk and copy the whole spec (a new review's six Inspect charts: ~15 ms of
    validation and ~5 ms of deep copies per rerun, the largest share of the page's server CPU), and even an empty
    Figure builds its template's objects (~2 ms, ~40 kB). The spec is final and only read, so this figure is the
    spec and nothing more: `to_dict()` returns it, with the default template a validated figure would name (Streamlit's,
    whose colours its browser side fills in). Read `.spec`; Plotly's own attributes (`.data`, `.layout`) are not
    built. tests/test_page_inspect.py checks that what the browser gets equals the validated figure's JSON."""

    def __init__(self, spec: dict):  # no go.Figure.__init__: see above
        layout = spec.get("layout", {})
        if "template" not in layout and pio.templates.default is not None:
            spec = {**spec, "layout": {**layout, "template": _template(pio.templates.default)}}  # shallow copies
        self._spec = spec  # Plotly's figures refuse public attributes other than their own

    @property
    def spec(self) -> dict:
        return self._spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec

    def __repr__(self) -> str:
        return f"SpecFigure({len(self._spec.get('data', []))} traces)"


_templates: dict[str, tuple] = {}


def _template(name: str) -> dict:
    """The registered Plotly template `name` as a plain dict, made once (Streamlit's is ~10 kB of JSON)."""
    template = pio.templates[name]
    if name not in _templates or _templates[name][0] is not template:
        _templates[name] = (template, template.to_plotly_json())
    return _templates[name][1]


def remembered_figure(name: str, sources: tuple, options: tuple, build) -> go.Figure:
    """build() (a plain spec dict, sent as a SpecFigure, or a Plotly figure) remembered in this session for the last
    FIGURES_KEPT (name, sources, options): a rerun that changes nothing a figure shows (another widget, a download, a
    second look) reuses it instead of building it again.
    `sources` are the inspections drawn (session_models.inspect_review returns the same object for the same model
    and review), held weakly and compared by identity, so a new model or review, or an id Python reuses, builds a
    new figure; `options` are every other input of the figure (hashable: states, unit order, contrast, font size)."""
    memo: OrderedDict = st.session_state.setdefault("remembered_figures", OrderedDict())
    key = (name, tuple(id(source) for source in sources), options)
    entry = memo.get(key)
    if entry is None or any(ref() is not source for ref, source in zip(entry[0], sources)):
        with chart_turn():
            built = build()
            figure = built if isinstance(built, go.Figure) else SpecFigure(built)
        memo[key] = entry = (tuple(weakref.ref(source) for source in sources), figure)
        while len(memo) > FIGURES_KEPT:
            memo.popitem(last=False)
    memo.move_to_end(key)
    return entry[1]
