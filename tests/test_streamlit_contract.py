"""The private Streamlit internals rnn_demo relies on still exist with the shape it uses (requirements.txt pins
streamlit>=1.67,<1.68; run this module before widening the range), and the server stays private and XSRF-protected."""

from __future__ import annotations

import inspect
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]


def _parameters(function) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "self"]


def test_script_runner_still_calls_the_clean_problem_modules_hook():
    """ui._keep_keras_state_between_script_runs replaces this module-level function; the runner must still look it
    up by name after each run, or Keras' clear_session would come back under every running training."""
    from streamlit.runtime.scriptrunner import script_runner

    import re

    assert callable(script_runner._clean_problem_modules)  # (it may already be ui's replacement here)
    module_source = inspect.getsource(script_runner)
    assert re.search(r"^def _clean_problem_modules\(\) -> None:", module_source, re.MULTILINE)
    assert "keras" in module_source.split("def _clean_problem_modules", 1)[1]  # what the hook cleans
    assert re.search(r"\b_clean_problem_modules\b", inspect.getsource(script_runner.ScriptRunner))


def test_pages_manager_still_has_the_pages_directory_switch():
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager)  # a class attribute ui.use_app_navigation switches off
    assert PagesManager.uses_pages_directory in (None, True, False)


def test_runtime_can_still_tell_whether_a_session_is_connected():
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    assert callable(Runtime.exists) and callable(Runtime.instance)
    assert _parameters(Runtime.is_active_session) == ["session_id"]
    assert get_script_run_ctx() is None  # outside a script run; inside, ui reads its .session_id
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    assert "session_id" in {field.name for field in ScriptRunContext.__dataclass_fields__.values()}


def test_html_can_still_run_the_well_formed_text_script():
    """ui.keep_typed_text_well_formed needs st.html(..., unsafe_allow_javascript=True); its script must hold no "<"
    followed by a letter, "/" or "!", which makes DOMPurify drop the script (found the hard way)."""
    import re

    import streamlit as st
    from rnn_demo import ui

    assert "unsafe_allow_javascript" in _parameters(st.html)
    body = ui._WELL_FORMED_TEXT_SCRIPT.removeprefix("<script>").removesuffix("</script>")
    assert not re.search(r"<[/\w!]", body)


def test_number_inputs_outside_their_bounds_revert_to_the_default_on_the_server(tmp_path):
    """The pages rely on the server refusing out-of-range numbers (a crafted message, or a value from the URL)."""
    script = tmp_path / "numbers.py"
    script.write_text('import streamlit as st\nst.text(st.number_input("n", 1, 20, 5, key="n"))\n'
                      'st.text(st.number_input("x", -2.0, 2.0, 0.5, key="x"))\n', encoding="utf-8")
    at = AppTest.from_file(str(script))
    at.run()
    for value, expected in ((21, 5), (0, 5), (-(2**40), 5), (20, 20)):
        at.number_input(key="n").set_value(value).run()
        assert not at.exception and at.text[0].value == str(expected), (value, at.text[0].value)
    for value in (2.5, float("inf"), float("nan")):
        at.number_input(key="x").set_value(value).run()
        assert not at.exception and at.text[1].value == "0.5", (value, at.text[1].value)


def test_config_keeps_the_server_private_and_xsrf_protection_on():
    server = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    assert server["enableXsrfProtection"] is True
    assert server["address"] == "localhost"  # the README says how to open it to a classroom network


def test_requirements_pin_the_tested_streamlit_range():
    import streamlit

    pins = [line for line in (REPO / "requirements.txt").read_text().splitlines() if line.startswith("streamlit")]
    assert pins == ["streamlit>=1.67,<1.68"]
    assert streamlit.__version__.startswith("1.67.")


def test_ui_chart_sends_the_message_st_plotly_chart_sends(tmp_path):
    """ui.chart builds the chart message itself, to write a remembered figure's JSON once: it must equal what
    st.plotly_chart sends for the same figure (spec, theme, config, form, size), in the main area and in a column."""
    import json

    script = tmp_path / "charts.py"
    script.write_text(
        "import numpy as np\nimport streamlit as st\nimport plotly.graph_objects as go\nfrom rnn_demo import ui\n"
        "from streamlit.delta_generator import DeltaGenerator\n"
        "layouts, enqueue = [], DeltaGenerator._enqueue\n"
        "def spy(self, name, proto, *args, layout_config=None, **kwargs):\n"
        "    if name == 'plotly_chart':\n        layouts.append(layout_config)\n"
        "    return enqueue(self, name, proto, *args, layout_config=layout_config, **kwargs)\n"
        "DeltaGenerator._enqueue = spy\n"
        "figure = go.Figure(go.Heatmap(z=np.arange(6.0).reshape(2, 3), x=['a', 'b', 'c']))\n"
        "figure.update_layout(height=333, title=dict(text='t'))\n"
        "st.plotly_chart(figure, key='theirs')\nui.chart(st, figure, key='ours')\n"
        "left, right = st.columns(2)\nleft.plotly_chart(figure, key='theirs_in_column')\n"
        "ui.chart(right, figure, key='ours_in_column')\nui.chart(st, figure, key='ours_again')\n"
        "from rnn_demo.figures.common import figure_from_spec\n"
        "spec = dict(data=[dict(type='heatmap', z=np.arange(6.0).reshape(2, 3), customdata=[['a', 'b', 'c']] * 2),"
        " dict(type='scatter', x=np.arange(3), y=np.array([0.1, 0.5, 0.9]), marker=dict(color=np.arange(3.0))),"
        " dict(type='heatmap', z=np.arange(12.0, dtype=np.float32).reshape(3, 4)[:, [2, 0]].T,"
        " y=np.array([3, 1], dtype=np.uint8), x=np.array(['a', 'b', 'c']), text=np.array([], dtype=np.float32))],"
        " layout=dict(height=222, xaxis=dict(title=dict(text='word'))))\n"
        "import copy\nbefore = copy.deepcopy(spec)\nui.chart(st, spec, key='ours_from_spec')\n"
        "assert repr(spec) == repr(before), 'ui.chart changed the spec it was given'\n"
        "st.plotly_chart(figure_from_spec(spec), key='theirs_from_spec')\n"
        "DeltaGenerator._enqueue = enqueue\n"
        "st.text(repr([layouts[0] == layouts[1] == layouts[2] == layouts[3] and layouts[5] == layouts[6],"
        " layouts[0].height]))\n",
        encoding="utf-8")
    at = AppTest.from_file(str(script))
    at.run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 7
    protos = [chart.proto for chart in charts]
    theirs, ours = protos[0], protos[1]
    assert json.loads(ours.spec) == json.loads(theirs.spec) and "bdata" in ours.spec  # arrays as Plotly sends them
    assert (ours.theme, ours.config, ours.form_id) == (theirs.theme, theirs.config, theirs.form_id)
    assert ours.id != theirs.id and len({proto.id for proto in protos}) == 7  # each key its own element
    assert json.loads(protos[3].spec) == json.loads(protos[2].spec)  # in a column too
    # A plain spec dict (the figure builders' *_spec twins) is sent as its Plotly figure would be, template included.
    # (also arrays of every kind: float32 and uint8, a transposed selection of columns, strings, an empty array)
    assert json.loads(protos[5].spec) == json.loads(protos[6].spec) and "template" in json.loads(protos[5].spec)["layout"]
    assert json.loads(protos[5].spec)["data"][2]["z"]["shape"] == "2, 3"
    assert at.text[0].value == "[True, 333]"  # the same width and height settings, the figure's own height


def test_ui_chart_ids_follow_the_figure_as_st_plotly_chart_ids_do(tmp_path):
    """ui.chart names the figure's JSON by a digest in the element id (Streamlit would hash the whole JSON on every
    rerun): the id stays for the same figure on a rerun, so the browser keeps the chart, and changes with the figure,
    as st.plotly_chart's id does."""
    script = tmp_path / "ids.py"
    script.write_text(
        "import streamlit as st\nimport plotly.graph_objects as go\nfrom rnn_demo import ui\n"
        "figure = go.Figure(go.Bar(x=['a', 'b'], y=[1, st.session_state.get('y', 2)]))\n"
        "st.plotly_chart(figure, key='theirs')\nui.chart(st, figure, key='ours')\n"
        "ui.chart(st, ui.PreparedChart(figure), key='prepared')\n", encoding="utf-8")
    at = AppTest.from_file(str(script))
    ids = []
    for y in (2, 2, 3):
        at.session_state["y"] = y
        at.run()
        assert not at.exception
        ids.append([chart.proto.id for chart in at.get("plotly_chart")])
    assert ids[0] == ids[1]  # a rerun with the same figure: the same ids
    assert all(before != after for before, after in zip(ids[1], ids[2]))  # another figure: every id changes
    assert ids[2][1].endswith("-ours") and ids[2][1] != ids[2][2]


def test_prepared_chart_json_is_plotly_s_own_json():
    """PreparedChart writes the figure's JSON itself (orjson, then Plotly's escapes on the bytes, so the digest
    needs no second encoding): the text must be exactly what plotly.io.to_json writes, escapes of characters unsafe in
    HTML included, for a spec dict, a Plotly figure, and a value only Plotly's cleaning can write."""
    import hashlib

    import numpy as np
    import pandas as pd
    import plotly.graph_objects as go
    import plotly.io

    from rnn_demo.prepared_chart import PreparedChart

    words = ["</script><b>x</b>", "a/b", "line\u2028break\u2029", "“quoted” ☺", "😀"]
    spec = dict(data=[dict(type="heatmap", z=np.arange(10, dtype=np.float32).reshape(2, 5), x=words,
                           hovertemplate="%{x}<br>%{z:.3f}<extra></extra>", uid="dropped"),
                      dict(type="scatter", x=np.arange(5), y=np.linspace(0, 1, 5), customdata=words)],
                layout=dict(title=dict(text="a <i>title</i>"), height=300))
    figure = go.Figure(go.Bar(x=words, y=[1, 2, 3, 4, 5]))
    dated = dict(data=[dict(type="scatter", x=[pd.Timestamp("2026-01-02"), pd.Timestamp("2026-01-03")], y=[1, 2])])
    for source in (spec, figure, dated):
        chart = PreparedChart(source)
        assert chart.json == plotly.io.to_json(chart.as_dict, validate=False)
        assert chart.digest == hashlib.sha256(chart.json.encode("utf-8")).hexdigest()[:32]
    assert "\\u003c\\u002fscript\\u003e" in PreparedChart(spec).json and "</" not in PreparedChart(spec).json
    assert '"uid"' not in PreparedChart(spec).json and spec["data"][0]["uid"] == "dropped"  # the spec is unchanged


def test_prepared_spec_converts_arrays_as_plotly_s_figure_does():
    """PreparedChart converts a spec's numpy arrays itself: the same typed arrays as a Plotly figure's to_dict, with
    64-bit integers narrowed to the same type for every range, arrays in dicts inside rows of lists converted, and
    plain rows (a colour scale) left as they are."""
    import json

    import numpy as np

    from rnn_demo.prepared_chart import PreparedChart
    from rnn_demo.figures.common import figure_from_spec

    big = np.iinfo(np.int32).max
    spec = dict(data=[dict(type="scatter", x=np.arange(5), y=np.array([0, 300, -5, 7, 1]),
                           customdata=np.array([0, 70_000, 1, 2, 3]), ids=np.array([0, big + 1, 2, 3, 4]),
                           text=np.array([1, 2, 3, 4, 5], dtype=np.uint64),
                           marker=dict(color=np.linspace(0, 1, 5), colorscale=[[0.0, "#000"], [1.0, "#fff"]])),
                      dict(type="heatmap", z=np.arange(6.0).reshape(2, 3), x=[[dict(values=np.arange(3))]])],
                layout=dict(height=200))
    ours = json.loads(PreparedChart(spec).json)
    plotly_s = json.loads(PreparedChart(figure_from_spec(spec)).json)
    assert ours == plotly_s
    assert [ours["data"][0][name]["dtype"] for name in ("x", "y", "customdata", "text")] == ["i1", "i2", "i4", "u1"]
    assert ours["data"][1]["x"][0][0]["values"]["dtype"] == "i1"


def test_every_session_takes_the_same_reentrant_chart_turn():
    """ui.chart_turn is one lock for the whole server (a module attribute since it left st.cache_resource): sessions
    (threads) get the same lock, and a chart drawn inside a page's turn may take it again."""
    import threading

    from rnn_demo import ui

    seen = []
    thread = threading.Thread(target=lambda: seen.append(ui.chart_turn()))
    thread.start()
    thread.join()
    assert seen == [ui.chart_turn()]
    with ui.chart_turn():
        assert ui.chart_turn().acquire(blocking=False)  # reentrant: the same thread takes it again
        ui.chart_turn().release()
        taken_elsewhere = []
        other = threading.Thread(target=lambda: taken_elsewhere.append(ui.chart_turn().acquire(blocking=False)))
        other.start()
        other.join()
        assert taken_elsewhere == [False]  # another session waits for its turn
