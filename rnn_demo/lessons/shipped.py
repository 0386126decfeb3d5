"""Where the lessons' models trained before class live (assets/lessons/<lesson>/, written by
`python -m rnn_demo.tools.ship_lesson_models`): Keras weights plus a small JSON of what the page needs. A page shows
one of these on arrival, so a teacher has a picture to talk about before any live training finishes."""

from __future__ import annotations

import json
from pathlib import Path

SHIPPED_LESSONS = Path(__file__).resolve().parents[2] / "assets" / "lessons"


def lesson_directory(lesson: str, root: Path | None = None) -> Path:
    """assets/lessons/<lesson> (or <root>/<lesson>)."""
    return (SHIPPED_LESSONS if root is None else Path(root)) / lesson


def write_json(path: Path, content: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=1) + "\n")


def read_json(path: Path) -> dict:
    """The JSON at `path`; ValueError naming the file and the command that writes it when it is missing."""
    if not path.is_file():
        raise ValueError(f"{path} is missing: run `python -m rnn_demo.tools.ship_lesson_models` to write it.")
    return json.loads(path.read_text())


def save_weights(trained, fresh, path: Path) -> None:
    """`trained`'s weights written through `fresh`, a newly built model of the same architecture, so the file holds
    the weights without the optimizer's state (which a loaded model would skip with a warning, at 2-3x the size)."""
    fresh.set_weights(trained.get_weights())
    fresh.save_weights(path)
