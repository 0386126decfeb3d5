"""Charts on a page: every figure is drawn with Streamlit's own `st.plotly_chart`. Here live the server's chart
turn (one session at a time draws its charts) and the figures a session remembers for reruns that change nothing
they show."""

from __future__ import annotations

import base64
import threading
import weakref
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

FIGURES_KEPT = 16  # figures a session keeps for reruns that change nothing they show (Inspect draws 6 per review)

# One per server process, shared by every session: plain module attributes (Streamlit imports this module once per
# process), not an st.cache_resource, whose lookup costs ~50 µs on each of a rerun's calls.
_CHART_TURN = threading.RLock()
_turn_depth = threading.local()  # how deep this thread is in chart_turn() (it is reentrant)
_predictions = threading.Condition()
_predicting = 0  # sessions between a page's start and its prediction (prediction_first)
_PREDICTION_TURN = threading.Lock()  # and one at a time: see prediction_first
PREDICTION_FIRST_MAX_WAIT = 0.5  # seconds a chart turn waits for predictions, at most: charts are not starved


@contextmanager
def prediction_first():
    """`with charts.prediction_first(): ...` around a page's part up to its prediction (Inspect's heading). Sessions
    go through it one at a time, and while any session is in it or waiting for it, a chart turn waits (at most
    PREDICTION_FIRST_MAX_WAIT s). When a class types at once, each student's prediction then goes out before
    anyone's charts, and one after the other, instead of every session advancing a little in turn under the
    interpreter lock and every prediction arriving only when nearly all of the work is done (loadtest, 100 students:
    type->prediction p95 1.26 s with neither, 0.74-1.02 s with the chart turn waiting, 0.55-0.78 s with both)."""
    global _predicting
    with _predictions:
        _predicting += 1
    try:
        with _PREDICTION_TURN:
            yield
    finally:
        with _predictions:
            _predicting -= 1
            if _predicting == 0:
                _predictions.notify_all()


@contextmanager
def chart_turn():
    """The server's turn to draw the heavy rest of a page (charts, their serialisation), one session at a time: `with
    charts.chart_turn(): ...`. That work is pure Python, so under the interpreter lock 30 sessions doing it at once
    only take turns in 5 ms slices, and the server's event loop, which sends every session's messages, and the
    sessions still computing their prediction wait behind all of them: a student's prediction reached the browser
    only when everyone's charts were done. The turn begins once no session is computing its prediction
    (prediction_first). Waiting costs no CPU. Reentrant."""
    with _CHART_TURN:
        depth = getattr(_turn_depth, "depth", 0)
        if depth == 0:
            with _predictions:
                _predictions.wait_for(lambda: _predicting == 0, timeout=PREDICTION_FIRST_MAX_WAIT)
        _turn_depth.depth = depth + 1
        try:
            yield
        finally:
            _turn_depth.depth = depth


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
        spec = _typed_arrays(spec)  # numpy arrays as plotly.js typed arrays, as validation writes them (1/3 the JSON)
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


# numpy dtype -> plotly.js typed array type (Plotly's own table, _plotly_utils.utils.plotlyjsShortTypes)
_TYPED_ARRAYS = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
                 "float32": "f4", "float64": "f8"}


def _typed_arrays(value):
    """`value` with every numeric numpy array as a plotly.js typed array {"dtype", "bdata" (base64), "shape"}, as
    Plotly's validation writes them: a float32 value takes 5.3 characters of JSON instead of ~10 as a number (a
    new review's heatmaps: 118 kB instead of 177 kB to every student). Dicts and lists are copied where they hold
    an array, everything else is shared."""
    if isinstance(value, np.ndarray):
        array = value.astype(np.int32) if value.dtype == np.int64 and value.size and (
            np.iinfo(np.int32).min <= value.min() and value.max() <= np.iinfo(np.int32).max) else value
        kind = _TYPED_ARRAYS.get(str(array.dtype))
        if kind is None or array.size == 0:
            return value
        typed = {"dtype": kind, "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
        if array.ndim > 1:
            typed["shape"] = ", ".join(str(size) for size in array.shape)
        return typed
    if isinstance(value, dict):
        return {key: _typed_arrays(item) for key, item in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], (dict, list, np.ndarray)):
        return [_typed_arrays(item) for item in value]
    return value


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
