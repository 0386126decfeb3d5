"""Home: the map of lessons follows the lecture's order, lists every page of the navigation, and names the model."""

from __future__ import annotations

from pathlib import Path

from app_navigation import NavigationPage, app_navigation
from streamlit.testing.v1 import AppTest

from rnn_demo.lessons.catalog import LESSONS

REPO = Path(__file__).resolve().parents[1]
# The lecture's order of topics (shared/course): why order matters, the simple RNN cell, set-ups, activations and
# losses, long-term dependencies and the vanishing gradient, then the LSTM on IMDb: train (the class's runs on the
# board), inspect, analyse.
COURSE_ORDER = ["order_matters", "rnn_cell", "setups", "activations", "memory", "train_lstm", "class_board",
                "inspect_gates", "lab", "lab_probes"]


def test_lessons_come_in_the_lectures_order_and_each_page_exists():
    paths = [lesson.url_path for lesson in LESSONS]
    assert paths == [path for path in COURSE_ORDER if path in paths]
    assert {"setups", "train_lstm", "inspect_gates"} <= set(paths)
    for lesson in LESSONS:
        assert (REPO / lesson.script).is_file() and Path(lesson.script).stem == lesson.url_path


def test_app_navigation_is_home_then_the_lessons_in_order():
    """The menu app.py builds (asked of app.py: what it hands st.navigation) is Home, the default page, then every
    lesson of the catalog in its order, each with its file, title, address and icon."""
    expected = [NavigationPage("pages/home.py", "Home", "home", ":material/home:", default=True)] + [
        NavigationPage(lesson.script, lesson.title, lesson.url_path, lesson.icon, default=False) for lesson in LESSONS]
    assert app_navigation() == expected


def test_home_shows_every_lesson_in_order_with_the_active_model():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.switch_page("pages/home.py").run()
    assert not at.exception
    links = [element.proto.label for element in at.get("page_link")]
    assert links == [f"{index}. {lesson.title}" for index, lesson in enumerate(LESSONS, start=1)]
    captions = [caption.value for caption in at.caption]
    assert all(lesson.summary in captions for lesson in LESSONS)
    assert "test accuracy" in at.info[0].value


def test_the_pages_are_made_once_per_session_and_every_page_still_opens():
    """app.py keeps its st.Page list for the session (widgets.once_per_session, issue 9: ~1 ms of every rerun); the same
    objects then serve every page the session opens, each one running its own script."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.switch_page("pages/home.py").run()
    pages = at.session_state["app_pages"]
    assert [page.title for page in pages] == ["Home"] + [lesson.title for lesson in LESSONS]
    for script, title in (("pages/inspect_gates.py", "Inspect the LSTM, word by word"), ("pages/home.py", None)):
        at.switch_page(script).run()
        assert not at.exception and at.session_state["app_pages"] is pages
        if title:
            assert at.title[0].value == title
    other = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    other.run()
    assert other.session_state["app_pages"] is not pages  # each session its own (st.navigation marks them per run)


def test_home_writes_the_cells_equations_as_the_rnn_cell_page_does():
    """One notation (issue 19): Home wrote Y_t = S_t·W_y while the RNN cell page and its model use σ(S_t W_y + b_y)."""
    from rnn_demo.core.notation import OUTPUT_EQUATION, STATE_EQUATION

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.switch_page("pages/home.py").run()
    intro = at.markdown[0].value
    assert f"${STATE_EQUATION}$" in intro and f"${OUTPUT_EQUATION}$" in intro
    assert "S_t·W_y" not in intro
