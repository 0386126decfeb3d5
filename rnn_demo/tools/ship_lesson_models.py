"""Train the lessons' small models with the pages' default settings at seed 0 and ship them under assets/lessons/
(Keras weights + a small JSON each, no pickles), so Why order matters, the RNN cell and Long memory show a picture on
arrival. Run: python -m rnn_demo.tools.ship_lesson_models [--root DIR]"""

from __future__ import annotations

import argparse
from pathlib import Path

from rnn_demo.figures.memory import step_accuracies
from rnn_demo.lessons import fluent_models, simple_rnn
from rnn_demo.lessons.tasks import long_range


def ship_order_matters(root: Path | None) -> None:
    settings = fluent_models.FluentSettings()  # the page's defaults; seed 0
    for kind in (fluent_models.BAG_OF_WORDS, fluent_models.LSTM):
        trained = fluent_models.train(kind, settings=settings)
        fluent_models.save_shipped(trained, settings, root)
        print(f"order_matters / {kind}: {trained.train_seconds:.1f} s, follows the grew-up city on "
              f"{trained.held_out.follows_grew_up:.0%} of held-out pairs")


def ship_rnn_cell(root: Path | None) -> None:
    settings = simple_rnn.LessonSettings()
    lesson = simple_rnn.train(settings=settings)
    simple_rnn.save_shipped(lesson, settings, root)
    print(f"rnn_cell: {lesson.train_seconds:.1f} s, right on {lesson.accuracy:.0%} of the sentences")


def ship_memory(root: Path | None) -> None:
    budget, seed = long_range.Budget(), 0  # the page's budget
    runs, curves = {}, {}
    for cell in long_range.CELLS:
        events = []
        runs[cell] = long_range.train(cell, long_range.SHIPPED_LENGTH, budget, seed, on_event=events.append)
        curves[cell] = step_accuracies(events)
    long_range.save_shipped(runs, curves, budget, seed, root)
    print("memory: " + long_range.describe_run(runs))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="write here instead of assets/lessons")
    root = parser.parse_args(argv).root
    ship_order_matters(root)
    ship_rnn_cell(root)
    ship_memory(root)


if __name__ == "__main__":
    main()
