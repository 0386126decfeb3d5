"""The server's chart turn (rnn_demo.web.charts): when a class types at once, each student's prediction goes out
before anyone's charts; charts wait for predictions only a bounded time; the turn is reentrant."""

from __future__ import annotations

import threading

from rnn_demo.web import charts


def test_a_chart_turn_waits_until_no_session_is_computing_its_prediction():
    order, predicting, release = [], threading.Event(), threading.Event()

    def student_typing():
        with charts.prediction_first():
            predicting.set()
            release.wait(10)
            order.append("prediction")

    def student_drawing():
        predicting.wait(10)
        with charts.chart_turn():
            order.append("charts")

    threads = [threading.Thread(target=student_typing), threading.Thread(target=student_drawing)]
    for thread in threads:
        thread.start()
    predicting.wait(10)
    threads[1].join(0.2)  # it waits (well within PREDICTION_FIRST_MAX_WAIT) ...
    assert threads[1].is_alive() and order == []
    release.set()  # ... until the prediction is out
    for thread in threads:
        thread.join(10)
    assert order == ["prediction", "charts"]


def test_charts_are_not_starved_by_a_prediction_that_never_ends(monkeypatch):
    monkeypatch.setattr(charts, "PREDICTION_FIRST_MAX_WAIT", 0.05)
    drawn, release = threading.Event(), threading.Event()

    def student_typing():
        with charts.prediction_first():
            release.wait(10)

    typing = threading.Thread(target=student_typing)
    typing.start()
    try:
        with charts.chart_turn():  # waits at most the bound, then draws, while the prediction still runs
            drawn.set()
            assert typing.is_alive()
        assert drawn.is_set()
    finally:
        release.set()
        typing.join(10)


def test_the_turn_is_reentrant_and_waits_only_on_entry(monkeypatch):
    monkeypatch.setattr(charts, "PREDICTION_FIRST_MAX_WAIT", 30)
    inner_done, release, entered = threading.Event(), threading.Event(), threading.Event()

    def drawing():
        with charts.chart_turn():
            entered.set()
            release.wait(10)  # another student starts typing meanwhile (below) ...
            with charts.chart_turn():  # ... the nested turn of the same session does not wait for them
                inner_done.set()

    thread = threading.Thread(target=drawing)
    thread.start()
    entered.wait(10)
    with charts.prediction_first():
        release.set()
        assert inner_done.wait(10)
    thread.join(10)


def test_sessions_compute_their_predictions_one_at_a_time():
    inside, overlaps, started = [], [], threading.Barrier(4)

    def student():
        started.wait(10)
        with charts.prediction_first():
            inside.append(1)
            overlaps.append(len(inside))
            threading.Event().wait(0.02)  # the replay and the widgets, as the page does them
            inside.pop()

    threads = [threading.Thread(target=student) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert overlaps == [1, 1, 1, 1]
