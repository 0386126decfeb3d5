"""A page's view as URL query parameters, so a link reproduces what the sender saw (tensorflow/playground keeps its
whole state in the URL the same way). Pure Python: rnn_demo.web.ui reads and writes `st.query_params` with these.

Each page declares its shareable settings as a `{name in the link: UrlParam}` spec. `parse` turns the link's strings into
typed values and names every value it had to ignore; `encode` turns the current values back into strings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class UrlParam:
    """One shareable setting: its type, the values it may take, and how long its text may be in a link."""

    kind: type  # str, int, float, bool, or list (a list of strings, comma-separated in the link)
    widget: str | None = None  # the widget key it sets, when the link uses a shorter name (None: the same name)
    choices: tuple | None = None  # allowed values (for a list: allowed items); None = any value of the kind
    low: float | None = None  # bounds for int and float settings
    high: float | None = None
    max_length: int = 2_000  # longer text is refused: browsers and proxies cut URLs of some 8,000 characters


def _parse_one(raw: str, param: UrlParam) -> Any:
    if len(raw) > param.max_length:
        raise ValueError(f"longer than {param.max_length:,} characters")
    if param.kind is bool:
        if raw.lower() not in TRUE_WORDS + FALSE_WORDS:
            raise ValueError("not 1 or 0")
        return raw.lower() in TRUE_WORDS
    if param.kind in (int, float):
        try:
            value = param.kind(raw)
        except ValueError:  # Python's own message would repeat the whole value
            raise ValueError("not a whole number" if param.kind is int else "not a number") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("not a finite number")
        if (param.low is not None and value < param.low) or (param.high is not None and value > param.high):
            raise ValueError(f"outside {param.low:g}..{param.high:g}")
        return value
    if param.kind is list:
        items = [item for item in raw.split(",") if item]
        if param.choices is not None and (bad := [item for item in items if item not in param.choices]):
            raise ValueError(f"unknown item {bad[0]!r}")
        return items
    if param.choices is not None and raw not in param.choices:
        raise ValueError("not one of the choices")
    return raw


def parse(query: Mapping[str, str], spec: Mapping[str, UrlParam]) -> tuple[dict[str, Any], list[str]]:
    """The typed values of the spec's keys found in `query`, and one message per value that was ignored."""
    values, problems = {}, []
    for key, param in spec.items():
        if key not in query:
            continue
        try:
            values[key] = _parse_one(str(query[key]), param)
        except ValueError as error:
            shown = str(query[key])[:40] + ("…" if len(str(query[key])) > 40 else "")
            problems.append(f"the link's {key}={shown!r} is ignored ({error})")
    return values, problems


def encode(values: Mapping[str, Any], spec: Mapping[str, UrlParam]) -> dict[str, str]:
    """Strings for the query parameters of the spec's keys present in `values` (text over the limit is left out)."""
    query = {}
    for key, param in spec.items():
        if key not in values or values[key] is None:
            continue
        value = values[key]
        if param.kind is bool:
            text = "1" if value else "0"
        elif param.kind is list:
            text = ",".join(str(item) for item in value)
        else:
            text = str(value)
        if len(text) <= param.max_length:
            query[key] = text
    return query


# Lecture mode, app-wide (rnn_demo.web.lecture): `?lecture=1`, or `?present=1` as Inspect's older links say it.
LECTURE_LINK = {"lecture": UrlParam(bool), "present": UrlParam(bool)}

# The Inspect page's view: review, model and the chart choices (lecture mode is LECTURE_LINK's, on every page).
INSPECT_VIEW = {
    "model": UrlParam(str, widget="inspect_model", max_length=200),
    "review": UrlParam(str, widget="inspect_review"),
    "show": UrlParam(list, widget="inspect_states",
                     choices=("input", "forget", "candidate", "output", "cell", "hidden")),
    "order": UrlParam(str, widget="inspect_order", choices=("index", "variance", "correlation")),
    "contrast": UrlParam(str, widget="inspect_contrast", choices=("full", "stretch")),
    "units": UrlParam(int, widget="inspect_units_shown", low=1, high=1_024),
    "unit": UrlParam(int, widget="inspect_unit", low=0, high=1_023),
}
