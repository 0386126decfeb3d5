"""Home: what the dashboard teaches, where each lesson lives, and which model is active."""

import streamlit as st

from rnn_demo.core.notation import OUTPUT_EQUATION, STATE_EQUATION
from rnn_demo.lessons.catalog import LESSONS
from rnn_demo.model import export
from rnn_demo.web import session_models, shared, streamlit_hooks

streamlit_hooks.use_app_navigation()

st.title("Recurrent neural networks, hands on")
st.markdown(
    "A feed-forward network sees its input all at once; it has no memory of what came before. Text, speech and "
    "traffic data are **sequences**: *\"I was born in Paris but I grew up in Tokyo. Therefore, I speak fluent …\"* "
    "only makes sense in order. A **recurrent neural network** reads a sequence one step at a time and carries a "
    f"**state** $S_t$ from step to step: ${STATE_EQUATION}$, and its output is ${OUTPUT_EQUATION}$ (σ: the sigmoid). "
    "An **LSTM** adds gates that decide what to forget, what to write and what to show, so it can remember over "
    "long distances.")

st.subheader("Lessons, in the lecture's order")
for part in dict.fromkeys(lesson.part for lesson in LESSONS):
    st.markdown(f"**{part}**")
    lessons = [lesson for lesson in LESSONS if lesson.part == part]
    for row in range(0, len(lessons), 3):
        for column, lesson in zip(st.columns(3), lessons[row:row + 3]):
            with column.container(border=True):
                st.page_link(lesson.script, label=f"{LESSONS.index(lesson) + 1}. {lesson.title}", icon=lesson.icon)
                st.caption(lesson.summary)

st.subheader("Active model")
mine = session_models.my_bundle()
if mine is not None:
    st.success(f"Your own model ({mine.config.name} preset, {mine.config.model.units} LSTM units), "
               f"{mine.accuracy_text()}. The Inspect page can also show your other runs and the pretrained models.")
    st.download_button("Download your model (.zip)", data=lambda: export.bundle_zip(mine), on_click="ignore",
                       file_name=f"rnn_demo_{mine.config.name}_{mine.config.model.units}_units.zip",
                       mime="application/zip", icon=":material/download:", key="home_download_model",
                       help="Weights, config, vocabulary and metrics. Read it back on a computer with "
                            "`python -m rnn_demo inspect --model <file>.zip --text \"...\"`.")
else:
    try:
        pretrained = shared.pretrained_bundle()
        st.info(f"The pretrained model ({pretrained.config.model.units} LSTM units, MaxLen "
                f"{pretrained.config.text.maxlen}, {pretrained.accuracy_text()}). Train your own on the Train page.")
    except ValueError as error:
        st.error(f"The pretrained model cannot be loaded: {error}")
