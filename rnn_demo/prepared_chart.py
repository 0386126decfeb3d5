"""A Plotly chart as Streamlit sends it, prepared once: its figure dict and JSON, written as plotly.io.to_json writes
them, and a digest standing for the JSON. Pure Python (no Streamlit): `rnn_demo.ui.chart` sends it."""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools

import numpy as np
from _plotly_utils.utils import is_homogeneous_array, plotlyjsShortTypes, to_typed_array_spec


class PreparedChart:
    """A chart as Streamlit sends it: the figure as a dict (numpy arrays as base64 typed arrays, Plotly's default
    template in its layout, as Figure.to_dict gives) and its JSON, written once. st.plotly_chart copies the whole
    figure and writes its JSON on every rerun, and building a Plotly Figure deep-copies its data: in the server's
    profile of Inspect reruns, about a third of the CPU. A remembered chart is drawn again on every rerun, so
    ui.remembered_figure keeps it prepared; a plain spec dict ({"data": [...], "layout": {...}}, as the figure
    builders' *_spec twins return) is prepared without ever becoming a Plotly object."""

    __slots__ = ("as_dict", "json", "digest", "__weakref__")

    def __init__(self, figure):
        if isinstance(figure, dict):
            as_dict = _with_typed_arrays({"data": list(figure.get("data", [])), "layout": figure.get("layout", {})})
            as_dict["layout"] = {"template": _default_template(), **as_dict["layout"]}  # no arrays in it to convert
        else:
            as_dict = figure.to_dict()
        for trace in as_dict.get("data", []):
            trace.pop("uid", None)  # as plotly.io.to_json does
        json_bytes = _plotly_json_bytes(as_dict)
        self.as_dict, self.json = as_dict, json_bytes.decode("utf-8")
        # Stands for the JSON in the element's id (ui.chart): Streamlit would hash the whole JSON on every rerun.
        # SHA-256 (its first 128 bits, as long as Streamlit's BLAKE2b ids): CPUs compute it in hardware, 2-3x faster.
        self.digest = hashlib.sha256(json_bytes).hexdigest()[:32]


# plotly.io.to_json's engine "orjson" with its options, and its escapes of characters unsafe in HTML (plotly.io._json's
# _swap_orjson), applied to the UTF-8 bytes: the same text (tested), without encoding the text again for its digest.
_UNSAFE_IN_HTML = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"/", b"\\u002f"), ("\u2028".encode(), b"\\u2028"),
                   ("\u2029".encode(), b"\\u2029"))


def _plotly_json_bytes(as_dict: dict) -> bytes:
    """plotly.io.to_json(as_dict, validate=False) as UTF-8 bytes; anything orjson cannot write goes through Plotly."""
    import orjson
    import plotly.io

    try:
        written = orjson.dumps(as_dict, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
    except TypeError:  # a value orjson does not know (Plotly cleans those first)
        return plotly.io.to_json(as_dict, validate=False).encode("utf-8")
    for unsafe, escaped in _UNSAFE_IN_HTML:
        written = written.replace(unsafe, escaped)
    return written


_PLAIN = (str, int, float, bool, type(None))
_SKIPPED_KEYS = frozenset(("geojson", "layer", "layers", "range"))  # _plotly_utils.utils.is_skipped_key's


def _with_typed_arrays(value):
    """`value` with every array that is a dict's value replaced by Plotly's typed-array form, as Figure.to_dict writes
    it (_plotly_utils.utils.convert_to_base64, which changes its argument in place; this builds new dicts and lists only
    where something inside changes, and leaves the caller's spec as it was). Plain values and numpy arrays are told
    apart by type first: Plotly's own test of every value (is_homogeneous_array) was most of a heatmap's cost."""
    if isinstance(value, dict):
        converted = {}
        for key, item in value.items():
            if isinstance(item, _PLAIN) or key in _SKIPPED_KEYS:
                converted[key] = item
            elif isinstance(item, (dict, list, tuple)):
                converted[key] = _with_typed_arrays(item)
            elif isinstance(item, np.ndarray):
                converted[key] = _typed_array(item)
            elif is_homogeneous_array(item):
                converted[key] = to_typed_array_spec(item)
            else:
                converted[key] = item
        return converted
    # A list is walked only if it holds dicts, at any depth (Plotly converts arrays only as a dict's values). Its items'
    # types are collected in C: most lists hold only words, and a colour scale only rows of plain values.
    if isinstance(value, (list, tuple)):
        kinds = set(map(type, value))
        if kinds <= _ROWS:
            kinds = set(map(type, itertools.chain.from_iterable(value)))
        if any(issubclass(kind, _CONTAINERS) for kind in kinds):
            return [_with_typed_arrays(item) for item in value]
    return value


_CONTAINERS = (dict, list, tuple)
_ROWS = {list, tuple}
_NARROWER_INTS = {np.dtype(np.int64): (np.int8, np.int16, np.int32),
                  np.dtype(np.uint64): (np.uint8, np.uint16, np.uint32)}
_SHORT_TYPES = {np.dtype(name): short for name, short in plotlyjsShortTypes.items()}  # by dtype: str(dtype) is slow


def _typed_array(array: np.ndarray):
    """Plotly's typed-array form of a numpy array (to_typed_array_spec), without its detour through narwhals, which
    looks for a data frame in every array (most of a heatmap's conversion): the same dict for the dtypes plotly.js
    reads as they are, and 64-bit integers narrowed as Plotly narrows them; anything else (strings, empty arrays,
    integers too large to narrow) goes to Plotly's own."""
    if array.size and array.dtype in _NARROWER_INTS:  # plotly.js has no 64-bit integers: the narrowest type
        low, high = array.min(), array.max()  # that holds the values, as to_typed_array_spec chooses it
        for kind in _NARROWER_INTS[array.dtype]:
            if np.iinfo(kind).min <= low and high <= np.iinfo(kind).max:
                array = array.astype(kind)
                break
    short = _SHORT_TYPES.get(array.dtype)
    if short is None or array.size == 0:
        return to_typed_array_spec(array)
    typed = {"dtype": short, "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        typed["shape"] = str(array.shape)[1:-1]
    return typed


@functools.cache
def _default_template() -> dict:
    """The template every Plotly Figure writes into its layout (the default, "plotly")."""
    import plotly.graph_objects as go

    return go.Figure().to_dict()["layout"]["template"]
