"""The Streamlit hooks this app needs that have no public API, in one place. Each says why no public call meets the
need, and each degrades instead of crashing if a Streamlit release moves what it touches: a missing hook is logged
once and the app runs without it (slower trainings, a session counted as connected, or a first visit that shows a
page without the menu). tests/test_streamlit_contract.py checks each against the installed Streamlit."""

from __future__ import annotations

import logging
from typing import Callable

import streamlit as st

_log = logging.getLogger(__name__)


def keep_keras_state_between_script_runs() -> bool:
    """Streamlit calls keras.backend.clear_session() after every script run (a guard against leaks in single-user
    apps). Here other sessions train at the same time, and the Train page refreshes twice a second: each call would
    reset Keras' global state and TensorFlow's kernel caches under their running fits and force a full garbage
    collection, stalling training for many seconds. Models here are built per job and freed with the job.
    No public option turns this off. Returns whether the hook is in place."""
    try:
        from streamlit.runtime.scriptrunner import script_runner

        if not hasattr(script_runner, "_clean_problem_modules"):
            raise AttributeError("script_runner._clean_problem_modules")
        script_runner._clean_problem_modules = lambda: None
        return True
    except (ImportError, AttributeError) as missing:
        _log.warning("Streamlit changed (%s): Keras' state is cleared after each script run; trainings will stall "
                     "while pages rerun.", missing)
        return False


def session_connected_check() -> Callable[[], bool]:
    """A function telling whether this browser session is connected now (True where that cannot be known). A job
    uses it to stop a training whose student left. st.context has no public "is this session still connected"."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        context = get_script_run_ctx()
        if context is None or not Runtime.exists():
            return lambda: True
        session_id = context.session_id
    except (ImportError, AttributeError) as missing:
        _log.warning("Streamlit changed (%s): trainings of students who left run to their end.", missing)
        return lambda: True

    def is_connected() -> bool:
        try:
            return bool(Runtime.instance().is_active_session(session_id))
        except (RuntimeError, AttributeError):  # the runtime is gone (server stopping, between AppTest runs) or moved
            return True

    return is_connected


def use_app_navigation() -> None:
    """Make sure the page runs inside app.py's navigation.

    Until app.py first calls st.navigation, Streamlit treats a folder named pages/ as an old-style multipage app, so
    the very first visit to a fresh server straight at a page's address would run that page alone (no menu, no wide
    layout). Switching that mode off and rerunning sends the visit through app.py to the same page. The folder's
    name is fixed by the project's user, and no public option switches the old mode off.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager

        if not PagesManager.uses_pages_directory:
            return
        PagesManager.uses_pages_directory = False
    except (ImportError, AttributeError):  # Streamlit changed: a first visit may show the page without the menu
        return
    # Rerun only on a session's first run: a later rerun would swallow the button click that started this one
    # (AppTest switches the mode back on before every run; there the page simply runs on its own).
    if not st.session_state.get("_navigation_ready"):
        st.session_state["_navigation_ready"] = True
        st.rerun()


keep_keras_state_between_script_runs()
