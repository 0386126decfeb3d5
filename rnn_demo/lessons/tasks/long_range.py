"""A long-range dependency on purpose: the first symbol of a sequence (A or B) sets its label, and L - 1 random
distractor symbols follow. To answer, a recurrent cell must carry the first symbol through every distractor to the
end. SimpleRNN, LSTM and GRU get the same model around them and the same budget, so any difference is the cell's."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np
from keras import layers

from rnn_demo.lessons.shipped import lesson_directory, read_json, save_weights, write_json
from rnn_demo.lessons.tasks.common import (
    Events,
    StopFlag,
    TaskResult,
    check_choice,
    check_number,
    check_seed,
    fit,
    initializers,
)
from rnn_demo.model.gradients import describe as describe_gradient_norms
from rnn_demo.model.gradients import input_gradient_norms, join_names

SYMBOLS = ("A", "B", "c", "d", "e", "f", "g", "h")  # A -> label 0, B -> label 1; c..h are distractors
SIGNALS = 2  # the first SIGNALS symbols carry the label
LENGTH_RANGE = (10, 200)  # sequence lengths the page offers
CELLS = ("simple_rnn", "lstm", "gru")
CELL_NAMES = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
_LAYERS = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}
CHANCE = 0.5  # accuracy of guessing: the two labels are equally likely
LEARNED_MARGIN = 0.1  # a cell "learned" when its held-out accuracy is at least CHANCE + this
INIT_NOTE = ("The LSTM's forget gate and the GRU's update gate start open to a random degree, so each unit first "
             "keeps its memory for about 1 to L steps (*chrono* initialisation, Tallec & Ollivier 2018); a SimpleRNN "
             "has no gate that could be set this way.")


@dataclass(frozen=True)
class Dependency:
    """One of the course's two examples of a dependency in text: the words before the answer, and the clue."""

    text: str  # the words a model reads before it must answer
    answer: str  # what comes next ("?" when the course leaves it open)
    clue: tuple[str, ...]  # the words the answer depends on, as they appear in `text` (punctuation aside)

    def __post_init__(self):
        if any(word not in self.words for word in self.clue):
            raise ValueError(f"every clue word must be one of the text's words: {', '.join(self.clue)}.")

    @property
    def words(self) -> list[str]:
        """The text's words, punctuation stripped ("warm," -> "warm")."""
        return [word.strip(".,;:!?") for word in self.text.split()]

    def positions(self) -> list[int]:
        """Where each clue word stands, counted from 1 at the first word."""
        return [self.words.index(word) + 1 for word in self.clue]

    def words_back(self) -> list[int]:
        """How far before the answer each clue word stands: the text's last word is 1 word back."""
        return [len(self.words) + 1 - position for position in self.positions()]


SHORT_DEPENDENCY = Dependency("It is a warm, sunny day without a single cloud in the sky, so it is definitely",
                              "not snowing", ("warm", "sunny"))
LONG_DEPENDENCY = Dependency(
    "I really liked the movie but I was disappointed in the service and cleanliness of the cinema. The cinema "
    "should be better maintained in order to provide a better experience for customers.", "?", ("really", "liked"))
LONG_TOPIC_CHANGE = "disappointed"  # from this word on, the long example is about the cinema, not the movie


def describe_short(example: Dependency = SHORT_DEPENDENCY) -> str:
    """Where the short example's clue sits, counted from its words."""
    back = sorted(example.words_back())
    span = f"{back[0]}" if back[0] == back[-1] else f"{back[0]}–{back[-1]}"
    return (f"The clue (*{', '.join(example.clue)}*) sits {span} words before the answer: a model must carry it "
            f"{span} steps.")


def describe_long(example: Dependency = LONG_DEPENDENCY, topic_change: str = LONG_TOPIC_CHANGE) -> str:
    """Where the long example's verdict sits and how far a model must carry it, counted from its words."""
    words, first = example.words, min(example.positions())
    return (f"The verdict on the movie (*{' '.join(example.clue)}*) comes at word {first} of {len(words)}; the last "
            f"{len(words) - words.index(topic_change)} words are about the cinema. To rate the movie, a model must "
            f"carry word {first} across {len(words) - first} steps.")


@dataclass(frozen=True)
class Budget:
    """The training every cell gets: the same fresh examples in the same order, the same optimiser."""

    steps: int = 100  # gradient steps; every example is new, so the accuracy of each batch is on unseen sequences
    batch_size: int = 64  # sequences per step
    units: int = 16  # size of the recurrent state
    learning_rate: float = 1e-2  # Adam step size
    test_examples: int = 500  # fresh sequences for the final held-out accuracy

    def __post_init__(self):
        check_number("steps", self.steps, 1, 10_000, whole=True)
        check_number("batch_size", self.batch_size, 1, 4_096, whole=True)
        check_number("units", self.units, 1, 256, whole=True)
        check_number("learning_rate", self.learning_rate, 1e-5, 1.0)
        check_number("test_examples", self.test_examples, 1, 100_000, whole=True)


def make_data(n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` sequences as one-hot rows (n, length, len(SYMBOLS)) and their labels (n, 1): step 0 holds A (label 0) or
    B (label 1), every later step a random distractor."""
    check_number("sequence length", length, 2, 10_000, whole=True)
    rng = np.random.default_rng(seed)
    symbols = rng.integers(SIGNALS, len(SYMBOLS), size=(n, int(length)))  # (n, time) distractor ids
    labels = rng.integers(0, SIGNALS, size=n)
    symbols[:, 0] = labels
    return np.eye(len(SYMBOLS), dtype="float32")[symbols], labels[:, None].astype("float32")


def chrono_bias(cell: str, units: int, length: int, seed: int):
    """Bias initialiser that opens the memory gate of unit k to keep its state for about T_k steps, T_k drawn from
    U(1, length - 1): LSTM forget bias log(T_k) and input bias -log(T_k); GRU update bias log(T_k) (Keras' GRU keeps
    z * h_prev). Gate order in Keras' bias: LSTM [i, f, c, o], GRU [z, r, h] (a row for inputs, a row for states)."""
    log_spans = np.log(np.random.default_rng(seed).uniform(1.0, max(2.0, length - 1.0), units))

    def initializer(shape, dtype=None):
        bias = np.zeros(shape, dtype="float64")
        rows = bias.reshape(-1, shape[-1])  # (1 or 2, gates * units)
        if cell == "lstm":
            rows[0, :units], rows[0, units:2 * units] = -log_spans, log_spans
        else:
            rows[0, :units] = log_spans
        return keras.ops.convert_to_tensor(bias, dtype=dtype)

    return initializer


def build_model(cell: str, units: int = 16, seed: int = 0, learning_rate: float = 1e-2, dtype: str = "float32",
                length: int = 50) -> keras.Model:
    """One-hot symbols -> SimpleRNN/LSTM/GRU(units), last state only -> Dense(1, sigmoid): P(label 1). Gated cells
    get `chrono_bias` for sequences of `length`; the same `seed` gives the same initial weights."""
    check_choice("cell", cell, CELLS)
    init = initializers(seed)
    gates = {} if cell == "simple_rnn" else {"bias_initializer": chrono_bias(cell, units, length, seed)}
    if cell == "lstm":
        gates["unit_forget_bias"] = False  # the chrono bias sets the forget gate instead of Keras' constant 1
    symbols = keras.Input((None, len(SYMBOLS)), dtype=dtype, name="symbols")  # (batch, time, symbols)
    state = _LAYERS[cell](units, name=cell, dtype=dtype, **init(recurrent=True), **gates)(symbols)  # (batch, units)
    label = layers.Dense(1, activation="sigmoid", name="p_label_1", dtype=dtype, **init())(state)
    model = keras.Model(symbols, label, name=f"long_range_{cell}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    return float(((np.asarray(model(x, training=False)) > 0.5) == (y > 0.5)).mean())


def train(cell: str, length: int, budget: Budget = Budget(), seed: int = 0, on_event: Events = None,
          should_stop: StopFlag = None) -> TaskResult:
    """Train `cell` on `budget.steps` batches of fresh sequences of `length`; held-out accuracy in the metrics.

    The data depend on `seed` and `length` only, so the three cells see exactly the same sequences."""
    check_seed(seed)
    check_number("sequence length", length, *LENGTH_RANGE, whole=True)
    x, y = make_data(budget.steps * budget.batch_size, length, seed)
    model = build_model(cell, budget.units, seed, budget.learning_rate, length=int(length))
    fitted = fit(model, x, y, epochs=1, batch_size=budget.batch_size, seed=seed, on_event=on_event,
                 should_stop=should_stop)
    metrics = {"accuracy": accuracy(model, *make_data(budget.test_examples, length, seed + 1)),
               "length": int(length)}
    return TaskResult(model, metrics, fitted.seconds, fitted.stopped)


def gradient_norms(runs: dict[str, TaskResult], budget: Budget = Budget(), seed: int = 0,
                   examples: int = 64) -> dict[tuple[str, str], np.ndarray]:
    """||d loss / d X_t|| per time step for each run's cell at initialisation (rebuilt from the same `seed` that
    `train` used) and after training, on `examples` new sequences of the runs' length. Keys: (cell name, stage)."""
    length = next(iter(runs.values())).metrics["length"]
    x, y = make_data(examples, length, seed + 2)
    norms = {}
    for cell, run in runs.items():
        initial = build_model(cell, budget.units, seed, budget.learning_rate, length=length)
        norms[(CELL_NAMES[cell], "at initialisation")] = input_gradient_norms(initial, x, y)
        norms[(CELL_NAMES[cell], "after training")] = input_gradient_norms(run.model, x, y)
    return norms


def learned(accuracy_value: float) -> bool:
    """Whether a held-out accuracy is clearly above guessing (at least CHANCE + LEARNED_MARGIN)."""
    return accuracy_value >= CHANCE + LEARNED_MARGIN


def _names(cells) -> str:
    return join_names([CELL_NAMES[cell] for cell in cells])


def describe_run(runs: dict[str, TaskResult]) -> str:
    """A sentence on one run of the cells at one length, from their held-out accuracies."""
    length = next(iter(runs.values())).metrics["length"]
    scores = ", ".join(f"{CELL_NAMES[c]} **{r.metrics['accuracy']:.1%}**" for c, r in runs.items())
    good = [cell for cell, run in runs.items() if learned(run.metrics["accuracy"])]
    bad = [cell for cell in runs if cell not in good]
    stopped = [cell for cell, run in runs.items() if run.stopped]
    verdict = ("none of them learned the task in this budget (all within "
               f"{LEARNED_MARGIN:.0%} of guessing)" if not good else f"{_names(good)} learned it"
               + (f"; {_names(bad)} stayed within {LEARNED_MARGIN:.0%} of guessing" if bad else ""))
    note = f" ({_names(stopped)} stopped early: a partial model)" if stopped else ""
    return f"At L = {length}, accuracy on 500 new sequences: {scores}{note}. So {verdict}."


def describe_gradients(runs: dict[str, TaskResult], norms: dict[tuple[str, str], np.ndarray]) -> str:
    """`gradients.describe` of `gradient_norms(runs)`, its verdict told which cells learned the task."""
    return describe_gradient_norms(norms, {CELL_NAMES[cell]: learned(run.metrics["accuracy"])
                                           for cell, run in runs.items()})


def history_table(history: dict[int, dict[str, float]]) -> list[dict]:
    """Rows {"L", "SimpleRNN", "LSTM", "GRU"} (held-out accuracies), shortest L first."""
    return [{"L": length, **{CELL_NAMES[c]: f"{history[length][c]:.1%}" for c in CELLS if c in history[length]}}
            for length in sorted(history)]


def describe_history(history: dict[int, dict[str, float]]) -> str:
    """Where each cell stops learning, over the lengths tried so far (each with the same budget)."""
    if len(history) < 2:
        return "Train at another length to see where each cell stops learning."
    parts = []
    for cell in CELLS:
        lengths = sorted(length for length in history if cell in history[length])
        good = [length for length in lengths if learned(history[length][cell])]
        failed = [length for length in lengths if not learned(history[length][cell])]
        if not failed:
            parts.append(f"{CELL_NAMES[cell]} learned at every length tried (up to L = {max(lengths)})")
        elif not good:
            parts.append(f"{CELL_NAMES[cell]} learned at none (from L = {min(lengths)})")
        else:
            parts.append(f"{CELL_NAMES[cell]} learned up to L = {max(good)} and failed at L = "
                         f"{', '.join(map(str, failed))}")
    return "Over your runs: " + "; ".join(parts) + "."


SHIPPED = "memory"  # assets/lessons/<this>/: the three cells trained before class at SHIPPED_LENGTH, seed 0
SHIPPED_LENGTH = 50  # the page's default L


@dataclass(frozen=True)
class ShippedComparison:
    """The three cells trained before class: their models (accuracy measured anew from the loaded weights) and the
    accuracy curves recorded while they trained."""

    runs: dict[str, TaskResult]  # cell -> run, metrics {"accuracy", "length"}
    curves: dict[str, list[tuple[int, float]]]  # cell -> (gradient step, accuracy on that new batch), as measured
    budget: Budget
    seed: int


def save_shipped(runs: dict[str, TaskResult], curves: dict[str, list[tuple[int, float]]], budget: Budget, seed: int,
                 root: Path | None = None) -> None:
    """Each cell's weights and one JSON of the budget, length, seed, and each cell's accuracy, time and curve."""
    directory = lesson_directory(SHIPPED, root)
    directory.mkdir(parents=True, exist_ok=True)
    for cell, run in runs.items():
        fresh = build_model(cell, budget.units, seed, budget.learning_rate, length=run.metrics["length"])
        save_weights(run.model, fresh, directory / f"{cell}.weights.h5")
    write_json(directory / "comparison.json", {
        "budget": asdict(budget), "seed": seed, "length": next(iter(runs.values())).metrics["length"],
        "cells": {cell: {"accuracy": run.metrics["accuracy"], "train_seconds": run.train_seconds,
                         "stopped": run.stopped, "curve": [list(point) for point in curves[cell]]}
                  for cell, run in runs.items()}})


def load_shipped(root: Path | None = None) -> ShippedComparison:
    """The three cells trained before class, rebuilt by `build_model` with their weights loaded; each accuracy is
    measured anew on the same 500 new sequences `train` uses. ValueError if the files are missing."""
    directory = lesson_directory(SHIPPED, root)
    recorded = read_json(directory / "comparison.json")
    budget, seed, length = Budget(**recorded["budget"]), recorded["seed"], recorded["length"]
    test = make_data(budget.test_examples, length, seed + 1)
    runs, curves = {}, {}
    for cell, shipped in recorded["cells"].items():
        model = build_model(cell, budget.units, seed, budget.learning_rate, length=length)
        model.load_weights(directory / f"{cell}.weights.h5")
        runs[cell] = TaskResult(model, {"accuracy": accuracy(model, *test), "length": length},
                                shipped["train_seconds"], shipped["stopped"])
        curves[cell] = [(int(step), float(value)) for step, value in shipped["curve"]]
    return ShippedComparison(runs, curves, budget, seed)


def recorded_accuracies(root: Path | None = None) -> dict[str, float]:
    """Each cell's held-out accuracy as the shipping script measured it right after training."""
    cells = read_json(lesson_directory(SHIPPED, root) / "comparison.json")["cells"]
    return {cell: shipped["accuracy"] for cell, shipped in cells.items()}
