"""Long memory & vanishing gradients: short and long dependencies, SimpleRNN vs LSTM vs GRU trained live on a
long-range task, the gradient through time measured, and the same comparison on IMDb reviews by length."""

import streamlit as st

from rnn_demo.figures.memory import (
    accuracy_by_length_figure,
    accuracy_curves,
    gradient_norms_figure,
    step_accuracies,
)
from rnn_demo.lessons.tasks import long_range
from rnn_demo.model.review_length import describe_by_length
from rnn_demo.serving.jobs import JobStatus
from rnn_demo.web import lecture, shared, streamlit_hooks, training_panel, widgets

streamlit_hooks.use_app_navigation()

BUDGET = long_range.Budget()

st.title("Long memory & vanishing gradients")
# Lecture mode: the two examples folded, so the accuracy curves start above the fold at 1280x720.
left, right = (st.expander("Two examples: a short- and a long-term dependency") if lecture.is_on() else st).columns(2)
with left.container(border=True):
    short = long_range.SHORT_DEPENDENCY
    st.markdown(f"**Short-term dependency.** *“{short.text} …”* → **{short.answer}**")
    st.caption(long_range.describe_short(short))
with right.container(border=True):
    st.markdown(f"**Long-term dependency.** *“{long_range.LONG_DEPENDENCY.text}”* → **?**")
    st.caption(long_range.describe_long())

st.subheader("A long-range task: remember the first symbol")
st.markdown(
    f"Each sequence starts with **A** (label 0) or **B** (label 1), then L − 1 random distractors "
    f"({', '.join(long_range.SYMBOLS[long_range.SIGNALS:])}): the label must be carried to the end. SimpleRNN, LSTM "
    f"and GRU ({BUDGET.units} units each) train on the **same** {BUDGET.steps} batches of {BUDGET.batch_size} new "
    "sequences.")
lecture_on = lecture.is_on()
# Lecture mode: the curves right under the task, visible at 1280x720 on arrival; the settings and trainings below.
picture = st.container() if lecture_on else None
st.caption(long_range.INIT_NOTE)
slider_column, button_column = st.columns([4, 1], vertical_alignment="bottom")
length = slider_column.slider("Sequence length L", *long_range.LENGTH_RANGE, 50, step=5, key="memory_length")
if button_column.button("Train all three", key="memory_train", type="primary"):
    for cell in long_range.CELLS:
        training_panel.start_job(f"memory_{cell}", lambda on_event, should_stop, cell=cell: long_range.train(
            cell, length, BUDGET, on_event=on_event, should_stop=should_stop),
            name=f"{long_range.CELL_NAMES[cell]} (L = {length})")


def outcome(job) -> None:
    if job.status is JobStatus.FAILED:
        st.error(job.error)
    elif job.status is JobStatus.CANCELLED:
        st.info("Cancelled before it started.")
    elif job.finished and job.result is not None:
        stopped = " (stopped early)" if job.result.stopped else ""
        st.caption(f"{job.result.train_seconds:.1f} s of training{stopped}: {job.result.metrics['accuracy']:.1%} "
                   f"on 500 new sequences of L = {job.result.metrics['length']}.")


jobs = {}
for column, cell in zip(st.columns(3), long_range.CELLS):
    with column:
        st.markdown(f"**{long_range.CELL_NAMES[cell]}**")
        jobs[cell] = training_panel.job_panel(f"memory_{cell}", "Press **Train all three**.", draw=outcome)

finished = {cell: job for cell, job in jobs.items()
            if job is not None and job.status in (JobStatus.DONE, JobStatus.STOPPED)}
with picture or st.container():
    if finished:
        runs = {cell: job.result for cell, job in finished.items()}
        curves = {cell: step_accuracies(job.events) for cell, job in finished.items()}
    else:  # before a live training: the three cells trained before class, so the lesson has its picture at once
        shipped = shared.shipped_memory_comparison()
        runs, curves = shipped.runs, shipped.curves
        st.info(f"Three cells trained before class (seed {shipped.seed}, L = {runs['lstm'].metrics['length']}, the "
                "same budget; shipped in assets/lessons/memory): the curves were measured while they trained, the "
                "accuracies below are measured now from their saved weights. Press **Train all three** to train them "
                "live at the L you choose.", icon=":material/inventory_2:")
    st.plotly_chart(lecture.sized(accuracy_curves({long_range.CELL_NAMES[c]: curve for c, curve in curves.items()},
                                                  total_steps=BUDGET.steps)), key="memory_curves")
    st.markdown(long_range.describe_run(runs))
if finished:
    history = st.session_state.setdefault("memory_history", {})
    if len(runs) == len(long_range.CELLS) and not any(run.stopped for run in runs.values()):
        history[next(iter(runs.values())).metrics["length"]] = {c: run.metrics["accuracy"] for c, run in runs.items()}
    if history:
        st.dataframe(long_range.history_table(history), hide_index=True, key="memory_history_table")
        st.markdown(long_range.describe_history(history))

st.subheader("Backpropagation through time, measured")
if len(finished) == len(long_range.CELLS):
    memo_key = tuple(job.job_id for job in finished.values())
    if st.session_state.get("memory_gradients", (None,))[0] != memo_key:
        st.session_state["memory_gradients"] = (memo_key, long_range.gradient_norms(runs, BUDGET))
    norms = st.session_state["memory_gradients"][1]
elif not finished:  # the cells trained before class, shown above: their gradients (measured once per server)
    norms = shared.shipped_memory_gradients()
    st.caption("Of the three cells trained before class, measured now from their saved weights.")
else:
    norms = None
    st.info("After the three trainings, this shows ‖∂ loss / ∂ X_t‖ for each time step t: how much the loss at "
            "the end can still change the weights through the input t steps back (64 new sequences).")
if norms is not None:
    st.plotly_chart(lecture.sized(gradient_norms_figure(norms)), key="memory_gradients_chart")
    st.markdown(long_range.describe_gradients(runs, norms))

st.subheader("The same on IMDb: SimpleRNN vs LSTM by review length")
shipped = shared.pretrained_bundle("fast").config
st.caption(f"Both models were trained by the command line with the same settings (embedding "
           f"{shipped.model.embedding_dim}, {shipped.model.units} units, MaxLen {shipped.text.maxlen}, "
           f"{shipped.train.epochs} epochs) and ship with the app; only the recurrent cell differs.")
if st.toggle("Score both on the 2,500 test reviews", key="memory_imdb"):
    try:
        rows = shared.imdb_accuracy_by_length()
    except ValueError as error:
        widgets.show_error_and_stop(f"The shipped models cannot be scored: {error}")
    st.plotly_chart(lecture.sized(accuracy_by_length_figure(rows)), key="memory_imdb_chart")
    st.markdown(describe_by_length(rows))
