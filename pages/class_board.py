"""Class board: the runs students put on the board, as one experiment on the projector: each run's test accuracy
against the setting the teacher picks, the validation curves overlaid, the best run, and what the class found."""

import streamlit as st

from rnn_demo.core.board import SETTINGS, best_run, finding, format_value
from rnn_demo.figures.board import accuracy_figure, curves_figure
from rnn_demo.figures.common import font_size as font_size_for
from rnn_demo.figures.training import PLOT_CONFIG
from rnn_demo.serving.board import MAX_RUNS
from rnn_demo.web import board_panel, lecture, streamlit_hooks, widgets
from rnn_demo.web.widgets import plain

streamlit_hooks.use_app_navigation()
REFRESH_SECONDS = 3  # how soon a posted run appears on the projector
NEWEST = 6  # runs named under the charts, newest first: a student sees their run arrive

present = lecture.is_on()
font_size = font_size_for(present)
st.title("Class board: the class's runs as one experiment")
if not present:
    st.caption("Each student who finished a training on **Train the LSTM** can put their run here under a nickname. "
               f"The board updates every {REFRESH_SECONDS} s and keeps its runs when the server restarts.")


@st.fragment(run_every=REFRESH_SECONDS)
def live_board() -> None:
    """The board as it is now: redrawn every few seconds, without rerunning the rest of the page."""
    try:
        runs = board_panel.board_runs()
    except board_panel.UNREACHABLE as error:
        widgets.show_error_and_stop(f"The class board cannot be read: {error}")
    if not runs:
        st.info("The board is empty. To put a run on it: train a model on **Train the LSTM**; under its results, "
                "type a nickname and press **Put this run on the class board**. It shows here within "
                f"{REFRESH_SECONDS} s.", icon=":material/leaderboard:")
        return
    left, right = st.columns([1, 3], vertical_alignment="center")
    setting = left.selectbox("Test accuracy against", list(SETTINGS), format_func=lambda name: SETTINGS[name].title,
                             **widgets.persistent("board_setting", "learning_rate", options=list(SETTINGS)))
    right.markdown(f"**What the class found.** {finding(runs, setting)}")
    height = 400 if present else 440
    points, curves = st.columns(2)
    points.plotly_chart(accuracy_figure(runs, setting, font_size, height), key="board_points", config=PLOT_CONFIG)
    curves.plotly_chart(curves_figure(runs, setting, font_size, height), key="board_curves", config=PLOT_CONFIG)
    best = best_run(runs)
    st.markdown(f"**Best run:** “{plain(best.nickname)}” (#{best.run_id}), {best.test_accuracy:.1%} test accuracy on "
                f"{best.test_reviews:,} test reviews ({best.preset} preset, {best.units} units, learning rate "
                f"{format_value('learning_rate', best.learning_rate)}, {best.epochs} epoch{'s' * (best.epochs != 1)}, "
                f"{best.train_seconds:.0f} s). {len(runs)} run{'s' * (len(runs) != 1)} on the board (at most "
                f"{MAX_RUNS}).")
    newest = ", ".join(f"“{plain(run.nickname)}” {run.test_accuracy:.1%}" for run in reversed(runs[-NEWEST:]))
    st.caption(f"Newest on the board: {newest}.")


live_board()
with st.expander("Teacher tools: remove a run, clear the board", icon=":material/lock:"):
    board_panel.teacher_tools()
