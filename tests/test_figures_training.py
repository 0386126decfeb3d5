"""rnn_demo.figures.training: curves a projector audience can tell apart (colour, name, legend per panel), titles the
toolbar cannot cover, readable fonts, and the comparison of runs."""

from __future__ import annotations

import pytest

from rnn_demo.core.events import Progress, ProgressKind
from rnn_demo.figures.common import FONT_SIZE, NEGATIVE, POSITIVE
from rnn_demo.figures.training import (
    PLOT_CONFIG,
    confusion_figure,
    runs_figure,
    training_curves,
)


def _events(epochs: int = 2, steps: int = 5) -> list[Progress]:
    events = []
    for step in range(1, epochs * steps + 1):
        epoch = (step - 1) // steps + 1
        metrics = {"loss": 0.7 - 0.02 * step, "accuracy": 0.5 + 0.02 * step}
        events.append(Progress(ProgressKind.STEP, step, steps, epoch, epochs, step * 0.1, 100.0, 1.0, metrics))
        if step % steps == 0:
            events.append(Progress(ProgressKind.EPOCH, step, steps, epoch, epochs, step * 0.1, 100.0, 1.0,
                                   {**metrics, "val_loss": 0.6 - 0.05 * epoch, "val_accuracy": 0.6 + 0.05 * epoch}))
    return events


def _fonts_at_least(figure, size: int) -> None:
    layout = figure.layout
    assert layout.font.size >= size
    for annotation in layout.annotations:
        assert annotation.font.size is None or annotation.font.size >= size


def test_each_curve_has_its_own_colour_name_and_panel_legend():
    figure = training_curves(_events())
    traces = list(figure.data)
    assert len(traces) == 4
    colours = [trace.line.color for trace in traces]
    assert len(set(colours)) == 4  # loss and accuracy, training and validation: four colours
    assert not {colour.upper() for colour in colours} & {POSITIVE, NEGATIVE}  # those two mean sentiment
    names = [trace.name for trace in traces]
    assert len(set(names)) == 4 and all(("loss" in name) != ("accuracy" in name) for name in names)
    # The loss panel's curves are listed in the loss panel's legend, the accuracy curves in the other one.
    legends = {trace.name: trace.legend for trace in traces}
    assert {legends[name] for name in names if "loss" in name} == {"legend"}
    assert {legends[name] for name in names if "accuracy" in name} == {"legend2"}
    validation = [trace for trace in traces if trace.name.startswith("validation")]
    assert all(trace.line.dash == "dash" and "markers" in trace.mode for trace in validation)  # not colour alone


def test_titles_sit_on_the_axes_where_the_toolbar_cannot_cover_them():
    figure = training_curves(_events())
    assert not figure.layout.annotations  # no titles above the panels, where Plotly's toolbar appears
    assert figure.layout.yaxis.title.text == "loss (binary crossentropy)"
    assert figure.layout.yaxis2.title.text == "accuracy"
    assert figure.layout.xaxis.title.text == figure.layout.xaxis2.title.text == "epochs done"
    assert PLOT_CONFIG["displayModeBar"] == "hover"
    _fonts_at_least(figure, FONT_SIZE)


def test_the_curves_plot_the_events_values():
    events = _events()
    figure = training_curves(events)
    training_loss, validation_loss = figure.data[0], figure.data[1]
    assert list(training_loss.y) == [event.metrics["loss"] for event in events if event.kind is ProgressKind.STEP]
    assert list(validation_loss.x) == [1, 2] and list(validation_loss.y) == pytest.approx([0.55, 0.5])


def test_runs_figure_draws_each_runs_validation_curves_in_its_own_colour():
    histories = [(1, "run 1: fast, 32 units, 80.0% test accuracy",
                  [{"epoch": 1, "val_loss": 0.5, "val_accuracy": 0.7}, {"epoch": 2, "val_loss": 0.4, "val_accuracy": 0.8}]),
                 (2, "run 2: <b>x</b>", [{"epoch": 1, "val_loss": 0.45, "val_accuracy": 0.75}])]
    figure = runs_figure(histories)
    assert len(figure.data) == 4  # loss and accuracy for each run
    first, second = figure.data[:2], figure.data[2:]  # each run: loss, then accuracy
    assert first[0].line.color == first[1].line.color != second[0].line.color == second[1].line.color
    assert list(first[1].y) == [0.7, 0.8] and list(second[0].y) == [0.45]
    assert second[0].name == "run 2: &lt;b&gt;x&lt;/b&gt;"  # labels are escaped, never markup
    assert [trace.showlegend for trace in figure.data] == [True, False, True, False]  # one legend entry per run
    assert figure.layout.yaxis2.title.text == "validation accuracy"
    _fonts_at_least(figure, FONT_SIZE)


def test_confusion_matrix_fonts_are_readable():
    figure = confusion_figure([[10, 2], [3, 9]])
    assert figure.data[0].textfont.size >= FONT_SIZE
    _fonts_at_least(figure, FONT_SIZE)
