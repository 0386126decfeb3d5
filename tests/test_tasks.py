"""The set-up tasks learn within their default (small) budgets, reject bad input with a helpful message, and the
unrolled diagrams have the right steps.

Thresholds, each with the task's default `train()` budget (seconds on 2 cores):
one-to-one (10 epochs x 2,000 points) accuracy >= 0.95; one-to-many (10 epochs x 1,500 waves) MAE < 0.1 and < a
quarter of a flat line's; time series (35 epochs x ~850 windows) MAE < 0.8 x the seasonal-naive MAE; tagging
(3 epochs x 2,000 sentences) token accuracy >= 0.95 and name accuracy >= 0.9; translation (15 epochs x 800 numbers)
exact match >= 0.9 on the 200 numbers never seen in training.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnn_demo.core.events import ProgressKind
from rnn_demo.core.setups import unrolled_steps
from rnn_demo.figures.setups import forecast_figure, unrolled_diagram, wave_figure
from rnn_demo.lessons.tasks import (
    common,
    one_to_many,
    one_to_one,
    tagging,
    timeseries,
    translation,
)
from rnn_demo.serving.jobs import Job, JobStatus, TrainingSlots


@pytest.fixture(scope="module")
def trained():
    """Each task trained once with its default budget, recording the progress events it reported."""
    results, progress = {}, {}

    def get(task):
        if task not in results:
            progress[task] = []
            results[task] = task.train(on_event=progress[task].append, seed=0)
        return results[task], progress[task]

    return get


def test_one_to_one_learns_the_circle(trained):
    result, progress = trained(one_to_one)
    assert result.metrics["accuracy"] >= 0.95
    assert result.train_seconds > 0 and not result.stopped
    steps = [event for event in progress if event.kind is ProgressKind.STEP]
    assert [event.step for event in steps] == list(range(1, steps[-1].total_steps + 1))
    assert progress[-1].kind is ProgressKind.DONE and progress[-1].fraction_done == 1.0
    assert one_to_one.answer(result.model, 0.0, 0.1)["label"] == "inside"
    far = one_to_one.answer(result.model, 1.9, -1.9)
    assert far["label"] == far["truth"] == "outside" and 0.5 < far["probability"] <= 1.0


def test_one_to_many_generates_the_wave(trained):
    result, _ = trained(one_to_many)
    assert result.metrics["mae"] < 0.1
    assert result.metrics["mae"] < 0.25 * result.metrics["flat_line_mae"]
    reply = one_to_many.answer(result.model, 1.5, 0.6, steps=30)
    assert len(reply["generated"]) == len(reply["truth"]) == 30
    np.testing.assert_allclose(reply["truth"], one_to_many.wave(1.5, 0.6, 30))


def test_one_to_many_input_enters_at_the_first_step_only():
    sequences = one_to_many.as_sequence(np.array([[1.0, 0.5], [2.0, 0.3]]), steps=5)
    assert sequences.shape == (2, 5, 2)
    np.testing.assert_allclose(sequences[:, 0], [[1.0, 0.5], [2.0, 0.3]])
    assert not sequences[:, 1:].any()


def test_time_series_beats_same_weekday_last_week(trained):
    result, _ = trained(timeseries)
    assert result.metrics["mae"] < 0.8 * result.metrics["naive_mae"]
    reply = timeseries.answer(result.model, timeseries.START_RANGE[0], holidays=True)
    assert len(reply["history"]) == timeseries.WINDOW
    assert len(reply["truth"]) == len(reply["forecast"]) == len(reply["naive"]) == timeseries.FORECAST_DAYS
    assert len(reply["dates"]) == len(reply["events"]) == timeseries.WINDOW + timeseries.FORECAST_DAYS
    assert not any(timeseries.answer(result.model, 1000, holidays=False)["events"])


def test_traffic_series_has_weekly_seasonality_and_events():
    series = timeseries.make_series(seed=3)
    plain = timeseries.make_series(seed=3, holidays=False)
    weekday_means = [plain.visits[d::7].mean() for d in range(7)]
    assert max(weekday_means[5:]) < 0.75 * min(weekday_means[:5])  # weekends are quieter
    assert (series.events == -1).any() and (series.events == 1).any() and not plain.events.any()
    holiday = np.flatnonzero(series.events == -1)[0]
    assert series.visits[holiday] < 0.7 * plain.visits[holiday]
    assert np.array_equal(timeseries.make_series(seed=3).visits, series.visits)
    assert not np.array_equal(timeseries.make_series(seed=4).visits, series.visits)


def test_tagger_tags_names_by_context(trained):
    result, _ = trained(tagging)
    assert result.metrics["token_accuracy"] >= 0.95
    assert result.metrics["name_accuracy"] >= 0.9
    reply = tagging.answer(result.model, "Yesterday anna met jordan in Paris.")
    assert [r["tag"] for r in reply] == ["O", "PER", "O", "PER", "O", "LOC"]
    assert all(r["known"] and 0 < r["probability"] <= 1 for r in reply)
    unknown = tagging.answer(result.model, "my friend zorg works in blorp")
    assert [r["known"] for r in unknown] == [True, True, False, True, True, False]
    assert unknown[-1]["tag"] == "LOC"


def test_translation_exact_match_on_unseen_numbers(trained):
    result, _ = trained(translation)
    assert result.metrics["exact_match"] >= 0.9
    reply = translation.answer(result.model, "Three hundred and twelve")
    assert reply["words"] == ["three", "hundred", "and", "twelve"] and reply["expected"] == "312"
    tokens = [step["token"] for step in reply["steps"]]
    digits = [t for t in tokens if t.isdigit()]
    assert reply["output"] == "".join(digits) and tokens[len(digits):] in ([], ["<end>"])
    assert all(0 < step["probability"] <= 1 for step in reply["steps"])


def test_step_by_step_decoding_matches_the_teacher_forced_model(trained):
    """The decoder started from the encoder's final [h, c] one step at a time gives what the training model gives
    when fed the same previous tokens all at once."""
    result, _ = trained(translation)
    enc, _, _ = translation.make_data([7, 45, 312, 999], seed=1)
    tokens, probs = translation.greedy_decode(result.model, enc)
    previous = np.concatenate([np.full((4, 1), translation.TOKEN_ID["<start>"]), tokens[:, :-1]], axis=1)
    full = np.asarray(result.model([enc, previous.astype("int32")], training=False))
    np.testing.assert_allclose(np.take_along_axis(full, tokens[..., None], axis=-1)[..., 0], probs, atol=1e-5)


def test_number_words():
    assert translation.number_to_words(312) == "three hundred twelve"
    assert translation.number_to_words(312, with_and=True) == "three hundred and twelve"
    assert translation.number_to_words(0) == "zero" and translation.number_to_words(700) == "seven hundred"
    assert translation.number_to_words(41) == "forty one"
    train_numbers, test_numbers = translation.split_numbers(seed=0)
    assert not set(train_numbers) & set(test_numbers) and len(train_numbers) + len(test_numbers) == 1000


@pytest.mark.parametrize("call, accepted", [
    (lambda: one_to_one.answer(None, 2.5, 0.0), "from -2.0 to 2.0"),
    (lambda: one_to_one.answer(None, "1", 0.0), "x must be a number"),
    (lambda: one_to_many.answer(None, 5.0, 0.5), "frequency must be a number from 0.5 to 3.0"),
    (lambda: one_to_many.answer(None, 1.0, 0.5, steps=2.5), "whole number from 1 to 48"),
    (lambda: timeseries.answer(None, 10), "from 873 to 1077"),
    (lambda: tagging.answer(None, "   "), "Type a sentence"),
    (lambda: tagging.answer(None, "anna met 2 friends"), "letters"),
    (lambda: tagging.answer(None, "a " * 13), "At most 12 words"),
    (lambda: tagging.answer(None, "<script>"), "letters"),
    (lambda: translation.answer(None, "three thousand"), "Unknown word(s): thousand"),
    (lambda: translation.answer(None, "312"), "no digits"),
    (lambda: translation.answer(None, "one one one one one one"), "At most 5 words"),
    (lambda: translation.answer(None, ""), "Type a number in words"),
    (lambda: translation.parse_words("-----"), "Type a number in words"),
    (lambda: translation.answer(None, " - -- "), "Type a number in words"),
])
def test_bad_input_says_what_is_accepted(call, accepted):
    with pytest.raises(ValueError, match="accepted|Accepted|must be|At most") as error:
        call()
    assert accepted in str(error.value)


def test_seed_is_checked():
    with pytest.raises(ValueError, match="seed"):
        one_to_one.train(seed=-1)


@pytest.mark.parametrize("setup, n_in, n_out, inputs_at, outputs_at", [
    ("one_to_one", 1, 1, [0], [0]),
    ("one_to_many", 1, 4, [0], [0, 1, 2, 3]),
    ("many_to_one", 5, 1, [0, 1, 2, 3, 4], [4]),
    ("many_to_many_synced", 3, 3, [0, 1, 2], [0, 1, 2]),
])
def test_unrolled_steps(setup, n_in, n_out, inputs_at, outputs_at):
    steps = unrolled_steps(setup, [f"x{i}" for i in range(n_in)], [f"y{i}" for i in range(n_out)])
    assert [i for i, s in enumerate(steps) if s.has_input] == inputs_at
    assert [i for i, s in enumerate(steps) if s.has_output] == outputs_at
    assert [s.input_label for s in steps if s.has_input] == [f"x{i}" for i in range(n_in)]
    assert [s.output_label for s in steps if s.has_output] == [f"y{i}" for i in range(n_out)]


def test_encoder_decoder_steps_read_everything_then_feed_each_output_back():
    steps = unrolled_steps("encoder_decoder", ["x0", "x1", "x2"], ["y0", "y1"])
    assert [(s.has_input, s.has_output) for s in steps] == [(True, False)] * 3 + [(True, True)] * 2
    assert [s.input_label for s in steps] == ["x0", "x1", "x2", "<start>", "y0"]  # the decoder reads its last output
    assert [s.output_label for s in steps if s.has_output] == ["y0", "y1"]


def test_unrolled_steps_rejects_shapes_that_do_not_fit():
    with pytest.raises(ValueError, match="one output per input"):
        unrolled_steps("many_to_many_synced", ["a", "b"], ["O"])
    with pytest.raises(ValueError, match="exactly one input"):
        unrolled_steps("one_to_many", ["a", "b"], ["1", "2"])
    with pytest.raises(ValueError, match="setup must be one of"):
        unrolled_steps("two_to_two", ["a"], ["b"])


def _boxes(figure):
    """(x centre, row y, used) of every box in the diagram; dotted borders mark unused boxes."""
    return [((s.x0 + s.x1) / 2, (s.y0 + s.y1) / 2, s.line.dash == "solid") for s in figure.layout.shapes]


def test_diagram_draws_one_column_per_step_and_greys_unused_boxes():
    figure = unrolled_diagram(unrolled_steps("encoder_decoder", ["three", "hundred"], ["3", "0", "0", "<end>"]))
    boxes = _boxes(figure)
    assert len(boxes) == 6 * 3  # 6 steps x (X_t, S_t, Y_t)
    used_inputs = sorted(x for x, y, used in boxes if y == 0.0 and used)
    used_outputs = sorted(x for x, y, used in boxes if y > 2 and used)
    assert len(used_inputs) == 6 and len(used_outputs) == 4  # the decoder reads <start>, then its own outputs
    assert sorted(x for x, y, used in boxes if y > 2 and not used) == used_inputs[:2]  # the encoder writes nothing
    texts = [a.text for a in figure.layout.annotations]
    assert sum("W<sub>s</sub>" in t for t in texts) == 5 and "<i>hundred</i>" in texts


def test_long_diagrams_are_cut_with_an_ellipsis_and_labels_are_escaped():
    figure = unrolled_diagram(unrolled_steps("many_to_one", [f"<b>{i}" for i in range(21)], ["next"]), max_steps=12)
    assert len(_boxes(figure)) == 11 * 3  # 9 first steps, an ellipsis, the last 2
    texts = [a.text for a in figure.layout.annotations]
    assert "…" in texts and "S<sub>21</sub>" in texts and "S<sub>12</sub>" not in texts
    assert not any("<b>" in t for t in texts) and "<i>&lt;b&gt;0</i>" in texts


def test_one_to_one_diagram_has_no_state():
    figure = unrolled_diagram(unrolled_steps("one_to_one", ["(0, 0)"], ["inside"]), recurrent=False)
    texts = [a.text for a in figure.layout.annotations]
    assert len(_boxes(figure)) == 3 and "hidden" in texts and not any("W<sub>s</sub>" in t for t in texts)
    with pytest.raises(ValueError, match="exactly one step"):
        unrolled_diagram(unrolled_steps("many_to_one", ["a", "b"], ["c"]), recurrent=False)


def test_forecast_and_wave_figures():
    dates = [f"2026-01-{d:02d}" for d in range(1, 11)]
    figure = forecast_figure(dates, [1.0] * 7, [2.0] * 3, [2.1] * 3, [1.9] * 3, [0] * 5 + [-1] + [0] * 4)
    assert [trace.name for trace in figure.data] == ["history (the window read)", "truth", "LSTM forecast",
                                                     "same weekday last week"]
    with pytest.raises(ValueError, match="dates must cover"):
        forecast_figure(dates[:5], [1.0] * 7, [2.0] * 3, [2.1] * 3, [1.9] * 3, [0] * 5)
    assert len(wave_figure([0.1] * 30, [0.0] * 30, trained_steps=24).data) == 2


def test_fit_reports_progress_events_and_follows_the_seed():
    model = one_to_one.build_model(units=4, seed=1)
    x, y = one_to_one.make_data(100, seed=1)
    events = []
    fitted = common.fit(model, x, y, epochs=2, batch_size=50, seed=1, on_event=events.append)
    assert [event.fraction_done for event in events if event.kind is ProgressKind.STEP] == [0.25, 0.5, 0.75, 1.0]
    assert events[-1].kind is ProgressKind.DONE and not fitted.stopped
    other = one_to_one.build_model(units=4, seed=1)
    common.fit(other, x, y, epochs=2, batch_size=50, seed=1)
    for mine, theirs in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_a_set_up_training_stops_on_request_and_its_partial_model_answers():
    """Run as a job, a Stop pressed at the 5th of 313 steps ends it there (STOPPED) and the partial model answers."""

    def work(on_event, should_stop):
        def report(event):
            on_event(event)
            if event.kind is ProgressKind.STEP and event.step == 5:
                job.request_stop()  # as the page's Stop button does

        return one_to_one.train(seed=0, on_event=report, should_stop=should_stop)

    job = Job(work, TrainingSlots(1), name="one-to-one model")
    job.start().join(60)
    assert job.status is JobStatus.STOPPED and job.result.stopped
    steps = [event.step for event in job.events if event.kind is ProgressKind.STEP]
    assert steps == [1, 2, 3, 4, 5] and job.events[0].total_steps == 313
    assert job.events[-1].kind is ProgressKind.STOPPED
    reply = one_to_one.answer(job.result.model, 0.0, 0.1)
    assert reply["label"] in one_to_one.LABELS and 0.5 <= reply["probability"] <= 1.0
    assert 0.0 <= job.result.metrics["accuracy"] <= 1.0
