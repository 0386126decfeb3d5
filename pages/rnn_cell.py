"""The RNN cell, step by step: a tiny SimpleRNN unrolled over a typed sentence with its real weights, in the course's
notation X_t, S_t, Y_t, W_x, W_s, W_y, b."""

import numpy as np
import streamlit as st

from rnn_demo.core.notation import OUTPUT_EQUATION, STATE_EQUATION
from rnn_demo.core.setups import Step
from rnn_demo.figures.rnn_cell import (
    input_weights_figure,
    recurrent_weights_figure,
    step_figure,
    step_latex,
)
from rnn_demo.figures.setups import unrolled_diagram
from rnn_demo.lessons import simple_rnn as lesson_task
from rnn_demo.serving.jobs import JobStatus
from rnn_demo.web import lecture, shared, streamlit_hooks, training_panel, widgets

streamlit_hooks.use_app_navigation()

JOB = "rnn_cell_lesson"

st.title("The RNN cell, step by step")
st.markdown("A simple RNN reads a sentence one word at a time. At step t it mixes the word X_t with its previous "
            "state S_(t−1) and squashes the sum with tanh; the output Y_t is read from the new state:")
st.latex(rf"{STATE_EQUATION} \qquad {OUTPUT_EQUATION}")

st.markdown(f"**The task:** {lesson_task.TASK} The network has {lesson_task.LessonSettings().units} units, so S_t "
            f"is {lesson_task.LessonSettings().units} numbers; each word is a one-hot X_t over "
            f"{len(lesson_task.WORDS)} words: {', '.join(lesson_task.WORDS)}.")
# The button beside the model it replaces, so the sentence and its unrolled picture sit above the fold at 1280x720.
button_column, model_column = st.columns([1, 4], vertical_alignment="center")
if button_column.button("Train the small RNN", key="rnn_cell_train", type="primary"):
    training_panel.start_job(JOB, lambda on_event, should_stop: lesson_task.train(on_event, should_stop),
                             name="small SimpleRNN")
with model_column:
    job = training_panel.job_panel(JOB, "")
    if job is None or not job.finished:  # before a live training: the one trained before class, so the lesson starts
        lesson = shared.shipped_rnn_cell()
        st.info(f"A small RNN trained before class (these settings, seed {lesson_task.LessonSettings().seed}; shipped "
                f"in assets/lessons/rnn_cell): right on {lesson.accuracy:.0%} of the {lesson.distinct_sentences} "
                "different sentences, measured now from its saved weights. Type a sentence and step through it; "
                "press **Train the small RNN** to train one live (a few seconds).", icon=":material/inventory_2:")
    else:
        if job.status is JobStatus.FAILED:
            widgets.show_error_and_stop(job.error)
        if job.result is None:
            widgets.show_error_and_stop("Training was cancelled before it started. Press the button again.")
        lesson = job.result
        st.success(f"Trained in {lesson.train_seconds:.1f} s{' (stopped early)' if lesson.stopped else ''}: right "
                   f"on {lesson.accuracy:.0%} of the {lesson.distinct_sentences} different sentences the task can "
                   "make.")

text_column, step_column = st.columns([3, 2])
text = text_column.text_input("A short sentence from those words", "the movie was not very good",
                              key="rnn_cell_sentence", max_chars=500)
try:
    tokens = lesson_task.read_sentence(text)
except ValueError as error:
    widgets.show_error_and_stop(str(error))
unrolled = lesson_task.unroll(lesson, tokens)
T = len(tokens)
t = step_column.slider("Step t", 1, T, T, key="rnn_cell_t") if T > 1 else 1
i = t - 1  # arrays count from 0

steps = [Step(True, True, token, f"{y:.0%} pos.") for token, y in zip(tokens, unrolled.Y)]
st.plotly_chart(lecture.sized(unrolled_diagram(steps, highlight=i)), key="rnn_cell_diagram",
                config={"displayModeBar": False})
w = unrolled.weights
state_formula, output_formula = step_latex(t, unrolled.input_part[i], unrolled.state_part[i], w["b"],
                                           unrolled.pre_activation[i], unrolled.S[i], w["W_y"], w["b_y"],
                                           float(unrolled.Y[i]))
bound = max(1.0, *(float(np.abs(w[name]).max()) for name in ("W_x", "W_s", "b", "W_y")))  # one colour range

st.latex(state_formula)
st.latex(output_formula)
left, right = st.columns([2, 3])
with left:
    st.markdown(f"**X_{t}** is the one-hot vector of *{tokens[i]}*, so **X_{t}·W_x** is the framed row of W_x.")
    st.plotly_chart(lecture.sized(input_weights_figure(lesson_task.WORDS, unrolled.X[i], w["W_x"],
                                                       lesson_task.WORDS.index(tokens[i]), bound)),
                    key="rnn_cell_weights", config={"displayModeBar": False})
with right:
    st.markdown(f"**Step {t}: the sum that makes S_{t}**, from S_{t - 1} = "
                f"[{', '.join(f'{v:.2f}' for v in unrolled.S_prev[i])}]")
    st.plotly_chart(lecture.sized(step_figure(unrolled.input_part[i], unrolled.state_part[i], w["b"],
                                              unrolled.pre_activation[i], unrolled.S[i])),
                    key="rnn_cell_step", config={"displayModeBar": False})
    st.plotly_chart(lecture.sized(recurrent_weights_figure(w["W_s"], w["b"], w["W_y"], bound)),
                    key="rnn_cell_recurrent", config={"displayModeBar": False})

change = unrolled.S[i] - unrolled.S_prev[i]
unit = int(np.argmax(np.abs(change)))
verdict = "positive" if unrolled.Y[-1] > 0.5 else "negative"
st.caption(f"At step {t} (*{tokens[i]}*) unit {unit + 1} moves most: from {unrolled.S_prev[i][unit]:.2f} to "
           f"{unrolled.S[i][unit]:.2f}. If the sentence ended here, Y_{t} = P(positive) = {unrolled.Y[i]:.3f}. "
           f"After the last word the model says **{verdict}** (Y_{T} = {unrolled.Y[-1]:.3f}); the task's rule says "
           + (("positive" if lesson_task.label_of(tokens) else "negative") + "."
              if any(token in lesson_task.POSITIVE_WORDS + lesson_task.NEGATIVE_WORDS for token in tokens)
              else "nothing: the sentence has no adjective."))
