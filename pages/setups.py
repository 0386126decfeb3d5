"""RNN set-ups: the course's one-to-one, one-to-many, many-to-one and many-to-many pictures, each a small live model."""

import pandas as pd
import streamlit as st

from rnn_demo.core.setups import unrolled_steps
from rnn_demo.core.text import unreadable_note
from rnn_demo.figures.setups import forecast_figure, unrolled_diagram, wave_figure
from rnn_demo.lessons.tasks import (
    one_to_many,
    one_to_one,
    tagging,
    timeseries,
    translation,
)
from rnn_demo.serving.jobs import JobStatus
from rnn_demo.web import lecture, streamlit_hooks, training_panel, widgets

streamlit_hooks.use_app_navigation()

TEACHING = {
    "One-to-one": "One input goes in, one output comes out, and nothing is remembered: a plain feed-forward net "
                  "(like an image classifier). Here a point (x, y) goes in and *inside / outside the unit circle* "
                  "comes out. There is no state S_t, so every answer starts from scratch.",
    "One-to-many": "One input, a whole sequence out, like *image captioning*. Here a (frequency, amplitude) vector "
                   "enters at step 1 only; at later steps X_t is empty, so the state S_t alone carries what the wave "
                   "must look like, and each Y_t is read from it.",
    "Many-to-one": "A sequence goes in, one output comes out at the end, like *sentiment analysis* and *time-series "
                   "prediction*. Here 21 days of website traffic go in; the state gathers the weekly rhythm and "
                   "upcoming holidays, and only the last state gives Y: tomorrow's visits.",
    "Many-to-many (synced)": "One output per input, in step, like *named entity recognition*. Each word goes in and "
                             "its tag (person, place, other) comes out at once; the state carries the words so far, "
                             "so 'in paris' reads as a place and 'met paris' as a person.",
    "Many-to-many (encoder-decoder)": "A sequence in, one of another length out, like *machine translation*. The "
                                      "encoder LSTM reads every word, giving no output; its final state [h, c] starts "
                                      "the decoder LSTM, which writes a digit per step and feeds it back in.",
}
PROBABILITY = st.column_config.ProgressColumn("probability", min_value=0.0, max_value=1.0)
PLAIN_DELTA = {"delta_color": "off", "delta_arrow": "off"}  # a metric's note, not a rise or fall
METRICS = {  # how each task's held-out metric reads
    one_to_one: lambda m: f"held-out accuracy {m['accuracy']:.1%}",
    one_to_many: lambda m: f"held-out mean absolute error {m['mae']:.3f} (a flat line: {m['flat_line_mae']:.3f})",
    timeseries: lambda m: f"held-out MAE {m['mae']:.0f} visits/day (same weekday last week: {m['naive_mae']:.0f})",
    tagging: lambda m: f"held-out accuracy {m['token_accuracy']:.1%} of words, {m['name_accuracy']:.1%} of names",
    translation: lambda m: f"exact match on {m['test_numbers']} unseen numbers: {m['exact_match']:.1%}",
}


def trained_model(name: str, task):
    """The Train button and the job's queue place, progress and Stop; returns this session's model for `task` (the
    partial one if it was stopped), or None."""
    key = f"setups_{name}"
    button_column, panel_column = st.columns([1, 8], vertical_alignment="center")  # one row: the picture stays high
    if button_column.button("Train", key=f"setups_train_{name}", type="primary"):
        training_panel.start_job(key, lambda on_event, should_stop: task.train(on_event=on_event, should_stop=should_stop),
                                 name=f"{choice} model")
    with panel_column:
        job = training_panel.job_panel(key, "Press **Train** to train this model (a few seconds), then change the "
                                            "input and watch.")
    if job is None or not job.finished:
        return None
    if job.status is JobStatus.FAILED:
        st.error(job.error)
    elif job.status is JobStatus.CANCELLED:
        st.info("Training was cancelled before it started. Press **Train** to try again.")
    elif job.result.stopped:
        st.warning(f"Stopped after {job.result.train_seconds:.1f} s: the answers below come from this partly trained "
                   f"model, {METRICS[task](job.result.metrics)}.", icon=":material/pause_circle:")
    else:
        st.success(f"Trained in {job.result.train_seconds:.1f} s: {METRICS[task](job.result.metrics)}.")
    return job.result.model if job.status in (JobStatus.DONE, JobStatus.STOPPED) else None


def typed_answer(name: str, task, parse, label: str, default: str, key: str):
    """A text box, the Train button, then (words read, the model's answer or None); st.error on bad input."""
    text = st.text_input(label, default, key=key, max_chars=200)
    if note := unreadable_note(text):
        st.warning(note)
    model = trained_model(name, task)
    try:
        return parse(text), task.answer(model, text) if model else None
    except ValueError as error:
        widgets.show_error_and_stop(str(error))


def show_diagram(setup: str, inputs: list[str], outputs: list[str], recurrent: bool = True) -> None:
    st.plotly_chart(lecture.sized(unrolled_diagram(unrolled_steps(setup, inputs, outputs), recurrent=recurrent)),
                    key=f"setups_diagram_{setup}", config={"displayModeBar": False})


st.title("RNN set-ups, live")
st.caption("Each picture from the course becomes a small model: train it, then give it an input. Boxes: X_t input, "
           "S_t state, Y_t output; greyed boxes are steps that take no input or give no output.")
choice = st.radio("Set-up", list(TEACHING), key="setups_choice", horizontal=True)
st.markdown(TEACHING[choice])

if choice == "One-to-one":
    left, right = st.columns(2)
    x = left.number_input("x", *one_to_one.COORDINATE_RANGE, value=0.5, step=0.1, key="setups_x")
    y = right.number_input("y", *one_to_one.COORDINATE_RANGE, value=0.5, step=0.1, key="setups_y")
    model = trained_model("one_to_one", one_to_one)
    reply = one_to_one.answer(model, x, y) if model else None
    show_diagram("one_to_one", [f"({x:g}, {y:g})"], [reply["label"] if reply else ""], recurrent=False)
    if reply:
        st.metric("The net says", reply["label"], f"probability {reply['probability']:.1%}", **PLAIN_DELTA)
        st.caption(f"Truth: the point is {reply['truth']} the circle.")

elif choice == "One-to-many":
    cols = st.columns(3)
    frequency = cols[0].slider("Frequency (cycles per 24 steps)", *one_to_many.FREQUENCY_RANGE, 1.0, key="setups_freq")
    amplitude = cols[1].slider("Amplitude", *one_to_many.AMPLITUDE_RANGE, 0.8, key="setups_amp")
    steps = cols[2].slider("Steps to generate", 1, one_to_many.MAX_STEPS, one_to_many.STEPS, key="setups_steps")
    model = trained_model("one_to_many", one_to_many)
    reply = one_to_many.answer(model, frequency, amplitude, steps) if model else None
    outputs = [f"{v:.2f}" for v in reply["generated"]] if reply else [""] * steps
    show_diagram("one_to_many", [f"f={frequency:g}, a={amplitude:g}"], outputs)
    if reply:
        st.plotly_chart(lecture.sized(wave_figure(reply["generated"], reply["truth"], one_to_many.STEPS)),
                        key="setups_wave")
        st.caption(f"Mean absolute error of this wave: {reply['mae']:.3f}. Beyond step {one_to_many.STEPS} the "
                   "model runs longer than anything it was trained on.")

elif choice == "Many-to-one":
    st.page_link("pages/train_lstm.py", label="Train the IMDb sentiment LSTM", icon=":material/model_training:")
    st.page_link("pages/inspect_gates.py", label="Watch it read a review, word by word", icon=":material/biotech:")
    left, right = st.columns([3, 1])
    start = left.slider("First forecast day (held-out days only)", *timeseries.START_RANGE, 1000, key="setups_start")
    holidays = right.toggle("Holidays and sales days", value=True, key="setups_holidays")
    model = trained_model("many_to_one", timeseries)
    reply = timeseries.answer(model, start, holidays) if model else None
    show_diagram("many_to_one", timeseries.window_labels(start), [f"{reply['forecast'][0]:,.0f}" if reply else ""])
    if reply:
        fields = ("dates", "history", "truth", "forecast", "naive", "events")
        st.plotly_chart(lecture.sized(forecast_figure(*(reply[k] for k in fields))), key="setups_forecast")
        st.caption(f"These {timeseries.FORECAST_DAYS} days: LSTM MAE {reply['mae']:,.0f} visits, same weekday last "
                   f"week {reply['naive_mae']:,.0f}. Each day is forecast from the true {timeseries.WINDOW} before it.")

elif choice == "Many-to-many (synced)":
    words, reply = typed_answer("synced", tagging, tagging.parse_sentence, "A sentence (letters only)",
                                "yesterday anna met jordan in paris", key="setups_sentence")
    show_diagram("many_to_many_synced", words, [r["tag"] for r in reply] if reply else [""] * len(words))
    if reply:
        st.dataframe(pd.DataFrame(reply), hide_index=True, key="setups_tags", column_config={
            "known": st.column_config.CheckboxColumn("in vocabulary"),
            "probability": PROBABILITY})
        if unknown := [r["word"] for r in reply if not r["known"]]:
            st.info(f"Not in the vocabulary, so read as one shared *unknown* word, tagged from context: "
                    f"{', '.join(unknown)}.")

else:
    words, reply = typed_answer("encoder_decoder", translation, translation.parse_words, "A number from 0 to 999 in "
                                "English words", "three hundred and twelve", key="setups_number")
    expected = translation.reference(words)
    outputs = [s["token"] for s in reply["steps"]] if reply else [*(expected or "?"), "<end>"]
    show_diagram("encoder_decoder", words, outputs)
    if reply:
        verdict = "no reference: not a correctly spelled number" if expected is None else (
            "right" if reply["output"] == expected else f"wrong, should be {expected}")
        st.metric("Decoder output (step by step below)", reply["output"] or "(none)", verdict, **PLAIN_DELTA)
        st.dataframe(pd.DataFrame(reply["steps"]), hide_index=True, key="setups_steps_table",
                     column_config={"probability": PROBABILITY})
