"""rnn_demo.core.url_state: a page's view as query parameters; what a link cannot carry is named, never a crash."""

from __future__ import annotations

from rnn_demo.core.url_state import UrlParam, encode, parse

SPEC = {
    "review": UrlParam(str, max_length=50),
    "model": UrlParam(str, choices=("fast", "course")),
    "present": UrlParam(bool),
    "top_k": UrlParam(int, low=1, high=128),
    "show": UrlParam(list, choices=("input", "forget", "hidden")),
}


def test_a_view_survives_the_round_trip_through_a_link():
    view = {"review": "not bad at all, <b>really</b> & more", "model": "course", "present": True, "top_k": 16,
            "show": ["forget", "hidden"]}
    values, problems = parse(encode(view, SPEC), SPEC)
    assert values == view and problems == []


def test_missing_keys_are_left_to_the_page_defaults():
    assert parse({}, SPEC) == ({}, [])
    assert parse({"unrelated": "x"}, SPEC) == ({}, [])


def test_each_bad_value_is_ignored_and_named():
    query = {"review": "x" * 51, "model": "nope", "present": "maybe", "top_k": "500", "show": "input,cell"}
    values, problems = parse(query, SPEC)
    assert values == {}
    assert len(problems) == 5
    assert "review" in problems[0] and "longer than 50" in problems[0]
    assert "not one of the choices" in problems[1]
    assert "not 1 or 0" in problems[2] and "outside 1..128" in problems[3] and "unknown item 'cell'" in problems[4]


def test_numbers_that_are_not_numbers_are_refused():
    spec = {"rate": UrlParam(float, low=0, high=1), "k": UrlParam(int, low=1, high=9)}
    values, problems = parse({"rate": "nan", "k": "3.5"}, spec)
    assert values == {} and len(problems) == 2
    assert parse({"rate": "0.25", "k": "3"}, spec)[0] == {"rate": 0.25, "k": 3}


def test_text_too_long_for_a_link_is_left_out_of_it():
    assert encode({"review": "x" * 51, "present": False}, SPEC) == {"present": "0"}
