"""Files a student takes home.

One review's activations: CSV and JSON, one row per word and unit. Each row holds the word (as the model saw it, with
its position and whether it is unknown), the unit, every gate and state by name, and the running P(positive) after
that word. Pure functions of an `Inspection`.

The trained model: one zip of the bundle's four files (weights, config.json, vocab.json, metrics.json), which
`python -m rnn_demo inspect --model model.zip` reads back. Reading a zip is for the command line and local files only:
the app never loads a model file uploaded through the browser. Even so, a zip is checked before anything in it is
used: exactly the four bundle files, flat (no folders, no "..", no absolute paths), each within a size limit counted
while decompressing (a header can lie). The architecture is rebuilt from code and config.json and only the weights
are loaded (models.load_bundle): no pickle.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

from rnn_demo.core.inspection import LSTM_STATES, Inspection
from rnn_demo.model.models import (CONFIG_FILE, MAX_WEIGHTS_BYTES, METRICS_FILE, VOCAB_FILE, WEIGHTS_FILE, Bundle,
                                   load_bundle)

# Column of each recorded quantity (keys as in LSTM_STATES), named as the pictures name them.
STATE_COLUMNS = {"input": "input_gate", "forget": "forget_gate", "candidate": "candidate", "output": "output_gate",
                 "cell": "cell_state", "hidden": "hidden_state"}
COLUMNS = ["position", "word", "unknown", "unit", *STATE_COLUMNS.values(), "running_p_positive"]


def activation_rows(inspection: Inspection):
    """Yield one dict per (word, unit), words in reading order (position 1 = first word the model saw)."""
    units = inspection.states["hidden"].shape[1]
    for position, (word, unknown) in enumerate(zip(inspection.tokens, inspection.review.unknown.tolist()), start=1):
        running = round(float(inspection.running_prediction[position - 1]), 6)
        for unit in range(units):
            row = {"position": position, "word": word, "unknown": unknown, "unit": unit}
            row.update({column: round(float(inspection.states[name][position - 1, unit]), 6)
                        for name, column in STATE_COLUMNS.items()})
            row["running_p_positive"] = running
            yield row


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's CSV injection advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet shows as text: a leading formula character gets a ' in front (numbers as
    they are)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def activations_csv(inspection: Inspection) -> str:
    """The activations as CSV text with a header row (words are quoted where needed by the csv module, and a word a
    spreadsheet would run as a formula, such as "=1+1", is written as text)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({name: spreadsheet_safe(value) for name, value in row.items()}
                     for row in activation_rows(inspection))
    return buffer.getvalue()


def activations_json(inspection: Inspection) -> str:
    """The activations as a JSON object: the prediction, the words and gate names, and the rows."""
    return json.dumps({
        "prediction": round(inspection.prediction, 6), "label": inspection.label,
        "words": inspection.tokens, "words_cut_by_maxlen": len(inspection.review.cut_tokens),
        "gates": {column: LSTM_STATES[name] for name, column in STATE_COLUMNS.items()},
        "columns": COLUMNS, "rows": list(activation_rows(inspection)),
    }, ensure_ascii=False)


BUNDLE_FILES = (WEIGHTS_FILE, CONFIG_FILE, VOCAB_FILE, METRICS_FILE)
MAX_JSON_BYTES = 8 * 2**20
MAX_ZIP_BYTES = 128 * 2**20


def bundle_zip(bundle: Bundle) -> bytes:
    """The bundle as a zip held in memory: its four files at the top level (see models.Bundle.save)."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="rnn_demo_export_") as folder:
        saved = bundle.save(Path(folder) / "bundle")
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in BUNDLE_FILES:
                archive.write(saved / name, arcname=name)
    return buffer.getvalue()


def _member_limit(name: str) -> int:
    return MAX_WEIGHTS_BYTES if name == WEIGHTS_FILE else MAX_JSON_BYTES


def _checked_members(archive: zipfile.ZipFile, path: Path) -> dict[str, bytes]:
    """The four bundle files' bytes, or ValueError naming what is wrong with the zip."""
    names = [info.filename for info in archive.infolist()]
    unsafe = [name for name in names if name not in BUNDLE_FILES]
    if unsafe:
        raise ValueError(f"model zip {path} holds {', '.join(map(repr, unsafe[:3]))}; a model zip holds exactly "
                         f"{', '.join(BUNDLE_FILES)} at its top level (no folders).")
    if len(names) != len(set(names)):
        raise ValueError(f"model zip {path} holds a file twice.")
    missing = [name for name in BUNDLE_FILES if name not in names]
    if missing:
        raise ValueError(f"model zip {path} lacks {', '.join(missing)}.")
    contents = {}
    for name in BUNDLE_FILES:
        limit = _member_limit(name)
        if archive.getinfo(name).file_size > limit:
            raise ValueError(f"model zip {path}: {name} is larger than {limit // 2**20} MB.")
        with archive.open(name) as member:
            data = member.read(limit + 1)  # counted while decompressing, whatever the header says
        if len(data) > limit:
            raise ValueError(f"model zip {path}: {name} is larger than {limit // 2**20} MB.")
        contents[name] = data
    return contents


def read_bundle_zip(path: str | Path) -> Bundle:
    """A bundle from a zip written by `bundle_zip` (or any zip of the four bundle files); ValueError if the zip is
    not one, is damaged, too large, or holds anything else."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"model zip not found: {path}")
    if path.stat().st_size > MAX_ZIP_BYTES:
        raise ValueError(f"model zip {path} is larger than {MAX_ZIP_BYTES // 2**20} MB.")
    try:
        with zipfile.ZipFile(path) as archive:
            contents = _checked_members(archive, path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        raise ValueError(f"model zip {path} is damaged or not a zip: {error}") from error
    with tempfile.TemporaryDirectory(prefix="rnn_demo_import_") as folder:
        for name, data in contents.items():  # written under fixed names: nothing in the zip chooses a path
            (Path(folder) / name).write_bytes(data)
        try:
            return load_bundle(folder)
        except ValueError as error:
            raise ValueError(f"model zip {path}: {str(error).replace(folder + '/', '')}") from error


def load_model(path: str | Path) -> Bundle:
    """A bundle folder or a model zip, whichever `path` is."""
    path = Path(path)
    if path.is_file():
        return read_bundle_zip(path)
    return load_bundle(path)
