"""The class board in Streamlit: the Train page's "Put this run on the class board" control, the board's runs read
for a page (reread only when the board changed), and the teacher's tools (clear, remove) behind the teacher key.
Nicknames are students' text: shown through widgets.plain in Markdown, escaped in figures (rnn_demo.figures.board)."""

from __future__ import annotations

import sqlite3

import streamlit as st

from rnn_demo.core.board import MAX_NICKNAME_CHARS, BoardRun, clean_nickname
from rnn_demo.serving import board as store
from rnn_demo.serving.jobs import Job
from rnn_demo.web import session_models
from rnn_demo.web.widgets import plain

POSTED_KEY = "board_posted"  # job id -> {"number", "nickname", "note"} of this session's runs on the board
UNREACHABLE = (ValueError, sqlite3.Error, OSError)  # a refusal, or the database file cannot be read or written


@st.cache_resource(show_spinner=False)
def _board(path: str) -> store.Board:
    """The board in `path`, made once per server process; the teacher key is made (and printed) here if needed, so
    the teacher finds it on the console when the board page first opens."""
    board = store.Board(path)
    board.teacher_key()
    return board


def board() -> store.Board:
    """The class board this server uses (RNN_DEMO_BOARD_DB, else class_board.sqlite3 next to app.py)."""
    return _board(str(store.default_path()))


@st.cache_resource(max_entries=4, show_spinner=False)
def _runs_at(path: str, revision: tuple[int, int]) -> list[BoardRun]:
    return store.Board(path).runs()  # frozen records, shared read-only by every session


def board_runs() -> list[BoardRun]:
    """The board's runs, oldest first: read from the database only when it changed since the last read (two small
    queries every few seconds for each open board page, not the whole board)."""
    shown = board()
    return _runs_at(str(shown.path), shown.revision())


def _post(job: Job) -> None:
    """The post button's callback (it runs before the page, which then shows the run as posted)."""
    run = next((run for run in session_models.my_runs() if run.job is job), None)
    posted = st.session_state.setdefault(POSTED_KEY, {})
    if run is None or run.bundle is None or job.job_id in posted:
        return
    try:
        nickname, note = clean_nickname(st.session_state.get("board_nickname", ""))
        number = board().post(BoardRun.from_training(nickname, run.bundle.config, run.bundle.metrics))
    except UNREACHABLE as error:
        st.session_state["board_post_error"] = f"Not put on the class board: {error}"
        return
    posted[job.job_id] = {"number": number, "nickname": nickname, "note": note}


def post_control(job: Job) -> None:
    """Under a finished run's results: a nickname box and a button that put the run on the class board, once."""
    run = next((run for run in session_models.my_runs() if run.job is job), None)
    if run is None or run.bundle is None:
        return
    with st.container(border=True):
        if run.source == "own texts":
            st.caption("The class board takes runs on IMDb reviews only: a run on your own texts measures another "
                       "task, and the board never holds anything of your texts.")
            return
        posted = st.session_state.get(POSTED_KEY, {}).get(job.job_id)
        if posted is not None:
            if posted["note"]:
                st.warning(plain(posted["note"]))
            st.success(f"This run is on the class board as “{plain(posted['nickname'])}” (#{posted['number']}). "
                       "A run goes on the board once; train another run to add more. Open **Class board** to see "
                       "the class's runs.", icon=":material/leaderboard:")
            return
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.text_input(f"Your nickname on the class board (any name you like, at most {MAX_NICKNAME_CHARS} "
                        "characters)", key="board_nickname", placeholder="e.g. Ada")
        right.button("Put this run on the class board", key="board_post", on_click=_post, args=(job,),
                     icon=":material/leaderboard:")
        if error := st.session_state.pop("board_post_error", None):
            st.error(plain(error))
        st.caption("The board shows the class this run's settings, test accuracy, training time and validation curve "
                   "beside your nickname; never your texts.")


def _teacher_action(action: str) -> None:
    """The Clear and Remove buttons' callback: the store checks the key; the outcome is shown under the buttons."""
    key = st.session_state.get("board_teacher_key", "")
    try:
        if action == "clear":
            removed = board().clear(key)
            message = f"Cleared: {removed} run{'s' * (removed != 1)} removed from the board."
        else:
            run_id = st.session_state.get("board_remove_choice")
            done = run_id is not None and board().remove(run_id, key)
            message = f"Run #{run_id} removed from the board." if done else "That run is no longer on the board."
        st.session_state["board_teacher_outcome"] = ("success", message)
    except UNREACHABLE as error:
        st.session_state["board_teacher_outcome"] = ("error", f"Not done: {error}")


def teacher_tools() -> None:
    """The teacher key box, Clear the board, and Remove one run. The store refuses both without the key."""
    try:
        shown, runs = board(), board_runs()
    except UNREACHABLE as error:
        st.error(plain(f"The class board cannot be read: {error}"))
        return
    key = st.text_input("Teacher key", type="password", key="board_teacher_key",
                        help="RNN_DEMO_TEACHER_KEY, or the key the server printed on its console when the board "
                             f"first opened (also in the file {shown.key_file.name} beside the board's database).")
    if not key.strip():
        st.info("Only the teacher can clear the board or remove a run: type the teacher key first.")
    elif shown.is_teacher(key):
        st.success("Teacher key accepted.")
    else:
        st.error("That is not the teacher key: clearing the board and removing runs stay locked.")
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    labels = {run.run_id: f"#{run.run_id} {run.nickname}: {run.test_accuracy:.1%}" for run in runs}
    left.selectbox("Run to remove", list(labels), key="board_remove_choice", format_func=labels.get,
                   placeholder="the board is empty", index=len(labels) - 1 if labels else None)
    right.button("Remove this run", key="board_remove", on_click=_teacher_action, args=("remove",),
                 disabled=not labels)
    st.button("Clear the board", key="board_clear", on_click=_teacher_action, args=("clear",), type="primary")
    if outcome := st.session_state.pop("board_teacher_outcome", None):  # the app's own words: no student text
        (st.success if outcome[0] == "success" else st.error)(outcome[1])
