"""The few private Streamlit hooks rnn_demo uses (all in rnn_demo/web/streamlit_hooks.py) still exist with the shape
it uses, and the app degrades rather than crashes where one is gone; no other module of the app imports Streamlit's
internals; the server stays private and XSRF-protected. Run this module first when widening the Streamlit range."""

from __future__ import annotations

import inspect
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]


def _parameters(function) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "self"]


def test_script_runner_still_calls_the_clean_problem_modules_hook():
    """streamlit_hooks.keep_keras_state_between_script_runs replaces this module-level function; the runner must still look it
    up by name after each run, or Keras' clear_session would come back under every running training."""
    import re

    from streamlit.runtime.scriptrunner import script_runner

    assert callable(script_runner._clean_problem_modules)  # (it may already be the hook's replacement here)
    module_source = inspect.getsource(script_runner)
    assert re.search(r"^def _clean_problem_modules\(\) -> None:", module_source, re.MULTILINE)
    assert "keras" in module_source.split("def _clean_problem_modules", 1)[1]  # what the hook cleans
    assert re.search(r"\b_clean_problem_modules\b", inspect.getsource(script_runner.ScriptRunner))


def test_pages_manager_still_has_the_pages_directory_switch():
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager)  # a class attribute streamlit_hooks.use_app_navigation switches off
    assert PagesManager.uses_pages_directory in (None, True, False)


def test_runtime_can_still_tell_whether_a_session_is_connected():
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    assert callable(Runtime.exists) and callable(Runtime.instance)
    assert _parameters(Runtime.is_active_session) == ["session_id"]
    assert get_script_run_ctx() is None  # outside a script run; inside, streamlit_hooks reads its .session_id
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    assert "session_id" in {field.name for field in ScriptRunContext.__dataclass_fields__.values()}


def test_html_can_still_run_the_well_formed_text_script():
    """widgets.keep_typed_text_well_formed needs st.html(..., unsafe_allow_javascript=True); its script must hold no "<"
    followed by a letter, "/" or "!", which makes DOMPurify drop the script (found the hard way)."""
    import re

    import streamlit as st

    from rnn_demo.web import widgets

    assert "unsafe_allow_javascript" in _parameters(st.html)
    body = widgets._WELL_FORMED_TEXT_SCRIPT.removeprefix("<script>").removesuffix("</script>")
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
    assert pins == ["streamlit>=1.66.1,<1.68"]  # see requirements.txt for the versions run
    installed = tuple(int(part) for part in streamlit.__version__.split(".")[:3])
    assert (1, 66, 1) <= installed < (1, 68), streamlit.__version__


def test_every_session_takes_the_same_reentrant_chart_turn():
    """charts.chart_turn is one turn for the whole server (module attributes since it left st.cache_resource): while a
    session (thread) draws, another waits for its turn, and a chart drawn inside a page's turn may take it again."""
    import threading

    from rnn_demo.web import charts

    drawing, done, order = threading.Event(), threading.Event(), []

    def other_session():
        drawing.wait(10)
        with charts.chart_turn():
            order.append("other")

    other = threading.Thread(target=other_session)
    other.start()
    with charts.chart_turn():
        with charts.chart_turn():  # reentrant: the same thread takes it again
            drawing.set()
            other.join(0.3)
            assert other.is_alive()  # another session waits for its turn
            order.append("this")
    other.join(10)
    assert order == ["this", "other"]


def test_only_the_hooks_module_imports_streamlit_internals():
    """Every module of the app (pages, app.py, rnn_demo) uses Streamlit's public API (`streamlit`, `streamlit.testing`
    for tests): an import of `streamlit.<anything else>` lives in rnn_demo/web/streamlit_hooks.py only. The load
    test, a client that speaks Streamlit's websocket protocol, may read its protobuf messages (streamlit.proto)."""
    import ast

    offenders = []
    for path in [REPO / "app.py", *(REPO / "pages").glob("*.py"), *(REPO / "rnn_demo").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if not name.startswith("streamlit.") or name.startswith("streamlit.testing"):
                    continue
                relative = path.relative_to(REPO).as_posix()
                if relative == "rnn_demo/web/streamlit_hooks.py":
                    continue
                if relative == "rnn_demo/tools/loadtest.py" and name.startswith("streamlit.proto"):
                    continue
                offenders.append(f"{relative}: {name}")
    assert offenders == []


def test_the_hooks_degrade_when_streamlit_moves_them(monkeypatch):
    """If a Streamlit release renames what a hook touches, the app still runs: the Keras hook reports it is not in
    place, a session counts as connected, and the navigation fix does nothing."""
    import streamlit.runtime.pages_manager as pages_manager
    from streamlit.runtime.scriptrunner import script_runner

    from rnn_demo.web import streamlit_hooks

    monkeypatch.delattr(script_runner, "_clean_problem_modules")
    assert streamlit_hooks.keep_keras_state_between_script_runs() is False
    monkeypatch.setattr(pages_manager, "PagesManager", object())  # no uses_pages_directory
    streamlit_hooks.use_app_navigation()  # returns without a crash
    import streamlit.runtime as runtime_module

    monkeypatch.delattr(runtime_module, "Runtime")
    assert streamlit_hooks.session_connected_check()() is True
