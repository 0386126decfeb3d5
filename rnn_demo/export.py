"""One review's activations as files a student can open elsewhere: CSV and JSON, one row per word and unit.

Each row holds the word (as the model saw it, with its position and whether it is unknown), the unit, every gate and
state by name, and the running P(positive) after that word. Pure functions of an `Inspection`.
"""

from __future__ import annotations

import csv
import io
import json

from rnn_demo.inspect import LSTM_STATES, Inspection

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


def activations_csv(inspection: Inspection) -> str:
    """The activations as CSV text with a header row (words are quoted where needed by the csv module)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(activation_rows(inspection))
    return buffer.getvalue()


def activations_json(inspection: Inspection) -> str:
    """The activations as a JSON object: the prediction, the words and gate names, and the rows."""
    return json.dumps({
        "prediction": round(inspection.prediction, 6), "label": inspection.label,
        "words": inspection.tokens, "words_cut_by_maxlen": len(inspection.review.cut_tokens),
        "gates": {column: LSTM_STATES[name] for name, column in STATE_COLUMNS.items()},
        "columns": COLUMNS, "rows": list(activation_rows(inspection)),
    }, ensure_ascii=False)
