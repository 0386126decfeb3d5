"""The class board's records and what the class found: one finished run as students post it (settings, results,
validation curve; never a text), the settings the board can group by, the nickname's rules, and the finding computed
from the runs. Pure Python: the store is rnn_demo.serving.board, the pictures rnn_demo.figures.board."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import asdict, dataclass, field

from rnn_demo.core.config import RunConfig

MAX_NICKNAME_CHARS = 40  # fits a legend and a hover on a projector, and any real name or pseudonym
MAX_CURVE_POINTS = 100  # one point per epoch; the Train page allows 20 epochs, the CLI's configs at most 100
CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}
EMBEDDING_START_NAMES = {"word_counts": "word counts", "random": "random"}
# Control characters (line breaks, escapes, NUL) and the bidirectional overrides and isolates, which would flip the
# text after a nickname in a label ("Ana: 85%" read backwards): removed. Everything else (any script, emoji with their
# joiners, markup) is kept as typed and shown as text.
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Setting:
    """One setting the board can put on its x axis and group the runs by."""

    name: str  # the BoardRun field
    title: str  # the axis title and the selectbox's label
    log_axis: bool = False  # learning rates span orders of magnitude
    categorical: bool = False  # words, not numbers


SETTINGS = {setting.name: setting for setting in (
    Setting("learning_rate", "learning rate", log_axis=True),
    Setting("units", "LSTM units"),
    Setting("batch_size", "batch size"),
    Setting("epochs", "epochs trained"),
    Setting("embedding_dim", "embedding dimension"),
    Setting("embedding_start", "word-vector start", categorical=True),
    Setting("cell", "cell", categorical=True),
    Setting("maxlen", "MaxLen (words per review)"),
    Setting("vocab_size", "vocabulary size"),
)}


_FIELD_TYPES = {  # what a stored record's fields must be (a row another program wrote may not be a run)
    **dict.fromkeys(("nickname", "preset", "embedding_start", "cell"), str),
    **dict.fromkeys(("units", "embedding_dim", "batch_size", "epochs", "epochs_planned", "maxlen", "vocab_size",
                     "test_reviews"), int),
    **dict.fromkeys(("learning_rate", "test_accuracy", "train_seconds"), (int, float)),
}


@dataclass(frozen=True)
class BoardRun:
    """One run on the board, as stored: what the student chose to share, nothing of their texts."""

    nickname: str  # the student's choice, shown only as text
    preset: str
    learning_rate: float
    units: int
    embedding_dim: int
    batch_size: int
    epochs: int  # epochs completed (a run stopped early counts what it trained)
    epochs_planned: int
    maxlen: int
    vocab_size: int
    embedding_start: str  # "word counts" or "random"
    cell: str  # "LSTM" (the Train page's only cell), "GRU" or "SimpleRNN"
    test_accuracy: float  # 0..1
    train_seconds: float
    test_reviews: int
    history: tuple[tuple[int, float | None, float | None], ...] = ()  # (epoch, val_loss, val_accuracy) per epoch
    run_id: int = 0  # given by the store
    posted_at: float = 0.0  # seconds since the epoch, given by the store

    @classmethod
    def from_training(cls, nickname: str, config: RunConfig, metrics: dict) -> "BoardRun":
        """The record of a finished run: its settings (`config`) and what training.train measured (`metrics`)."""
        history = tuple((int(row["epoch"]), _rounded(row.get("val_loss")), _rounded(row.get("val_accuracy")))
                        for row in metrics.get("history", [])[:MAX_CURVE_POINTS])
        return cls(
            nickname=nickname, preset=config.name, learning_rate=float(config.train.learning_rate),
            units=config.model.units, embedding_dim=config.model.embedding_dim, batch_size=config.train.batch_size,
            epochs=int(metrics.get("epochs_completed", len(history))), epochs_planned=config.train.epochs,
            maxlen=config.text.maxlen, vocab_size=config.text.vocab_size,
            embedding_start=EMBEDDING_START_NAMES.get(config.train.embedding_start, config.train.embedding_start),
            cell=CELL_NAMES.get(config.model.cell, config.model.cell),
            test_accuracy=float(metrics["test_accuracy"]), train_seconds=float(metrics["train_seconds"]),
            test_reviews=int(metrics["test_reviews"]), history=history)

    def to_record(self) -> dict:
        """The JSON-ready record the store keeps (without its id and time, which are columns)."""
        record = asdict(self)
        del record["run_id"], record["posted_at"]
        record["history"] = [list(row) for row in self.history]
        return record

    @classmethod
    def from_record(cls, record: dict, run_id: int, posted_at: float) -> "BoardRun":
        """A stored record back; ValueError if it is not one (another program wrote the row)."""
        try:
            history = tuple((int(epoch), _number(loss), _number(accuracy))
                            for epoch, loss, accuracy in record["history"][:MAX_CURVE_POINTS])
            fields = {name: record[name] for name in cls.__dataclass_fields__ if name not in
                      ("history", "run_id", "posted_at")}
            run = cls(**fields, history=history, run_id=int(run_id), posted_at=float(posted_at))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"board row {run_id} is not a run record: {error}") from error
        wrong = [name for name, kinds in _FIELD_TYPES.items()
                 if not isinstance(getattr(run, name), kinds) or isinstance(getattr(run, name), bool)]
        if wrong or not 0 <= run.test_accuracy <= 1:
            raise ValueError(f"board row {run_id} is not a run record ({', '.join(wrong) or 'test_accuracy'}).")
        return run

    def value(self, setting: str):
        """This run's value of a setting in SETTINGS."""
        return getattr(self, SETTINGS[setting].name)

    @property
    def label(self) -> str:
        """How charts and lists name the run: its nickname and its number on the board (two Anas stay apart)."""
        return f"{self.nickname} (#{self.run_id})"


def _number(value) -> float | None:
    return None if value is None else float(value)


def _rounded(value) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else round(float(value), 4)


def clean_nickname(typed: str) -> tuple[str, str | None]:
    """The nickname to store and, if it was changed, a sentence saying how: control and direction-override characters
    become spaces, and more than MAX_NICKNAME_CHARS characters are cut. ValueError if nothing is left to show."""
    # Half of a UTF-16 pair (a broken paste) cannot be stored as UTF-8: it becomes U+FFFD, as a browser sends it.
    typed = typed.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    nickname = " ".join(_UNSHOWABLE.sub(" ", typed).split())
    if not nickname:
        raise ValueError("Choose a nickname first: the class sees it beside your run (any name you like).")
    notes = []
    if nickname != " ".join(typed.split()):
        notes.append("control characters were left out")
    if len(nickname) > MAX_NICKNAME_CHARS:
        notes.append(f"it was cut to its first {MAX_NICKNAME_CHARS} characters (of {len(nickname):,})")
        nickname = nickname[:MAX_NICKNAME_CHARS]
    return nickname, ("Your nickname: " + "; ".join(notes) + ".") if notes else None


def format_value(setting: str, value) -> str:
    """A setting's value as the board writes it: learning rates as 3e-3, sizes as 10,000."""
    if setting == "learning_rate":
        mantissa, exponent = f"{value:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}" if float(f"{value:.0e}") == value else f"{value:g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@dataclass(frozen=True)
class Group:
    """The runs that share one value of the chosen setting."""

    value: object
    runs: tuple[BoardRun, ...]
    mean: float = field(init=False)  # mean test accuracy, 0..1

    def __post_init__(self):
        object.__setattr__(self, "mean", statistics.fmean(run.test_accuracy for run in self.runs))


def groups(runs: list[BoardRun], setting: str) -> list[Group]:
    """The runs grouped by `setting`, in the setting's order (numbers ascending, words alphabetically)."""
    by_value: dict = {}
    for run in runs:
        by_value.setdefault(run.value(setting), []).append(run)
    return [Group(value, tuple(members)) for value, members in sorted(by_value.items(), key=lambda item: item[0])]


def best_run(runs: list[BoardRun]) -> BoardRun | None:
    """The run with the highest test accuracy (the earlier post on a tie), or None on an empty board."""
    return max(runs, key=lambda run: (run.test_accuracy, -run.run_id), default=None)


def run_to_run_spread(runs: list[BoardRun], setting: str) -> float:
    """How much test accuracy varies between runs at one value of `setting` (a standard deviation, 0..1): pooled over
    the groups with two runs or more, and never less than the test set's own sampling error (a run scored on n test
    reviews is uncertain by about sqrt(p(1 - p) / n) even with nothing else changed)."""
    squares, degrees = 0.0, 0
    for group in groups(runs, setting):
        if len(group.runs) > 1:
            squares += sum((run.test_accuracy - group.mean) ** 2 for run in group.runs)
            degrees += len(group.runs) - 1
    sampling = statistics.fmean(math.sqrt(run.test_accuracy * (1 - run.test_accuracy) / max(run.test_reviews, 1))
                                for run in runs)
    return max(math.sqrt(squares / degrees) if degrees else 0.0, sampling)


def _runs_at(group: Group, setting: str) -> str:
    count = len(group.runs)
    where = "with" if SETTINGS[setting].categorical else "at"
    title = SETTINGS[setting].title
    value = format_value(setting, group.value)
    named = f"{value} {title}" if setting in ("units", "epochs") else f"{title} {value}"
    return f"{count} run{'s' * (count != 1)} {where} {named}"


def finding(runs: list[BoardRun], setting: str) -> str:
    """What the class found about `setting`, in one or two sentences computed from the runs: the best and the worst
    group's mean test accuracy, and whether their gap is larger than runs at one setting differ by chance."""
    if setting not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r}; choose one of: {', '.join(SETTINGS)}.")
    found = groups(runs, setting)
    if not runs:
        return "Nothing to compare yet: the board is empty."
    if len(found) < 2:
        only, one = found[0], len(found[0].runs) == 1
        shared = _runs_at(only, setting).split(" ", 3)[3]  # "learning rate 3e-3" of "4 runs at learning rate 3e-3"
        verb = ("has" if one else "have") if SETTINGS[setting].categorical else ("is at" if one else "are at")
        whose = f"the one run {verb}" if one else f"all {len(only.runs)} runs {verb}"
        return (f"Nothing to compare yet: {whose} {shared}. Runs that change the {SETTINGS[setting].title} will show "
                "whether it matters.")
    high, low = max(found, key=lambda group: group.mean), min(found, key=lambda group: group.mean)
    gap = 100 * (high.mean - low.mean)  # percentage points
    # Two group means differ by chance by about spread * sqrt(1/n1 + 1/n2); twice that is a gap the class can trust.
    spread = run_to_run_spread(runs, setting)
    chance = 100 * spread * math.sqrt(1 / len(high.runs) + 1 / len(low.runs))
    sentence = (f"The {_runs_at(low, setting)} ended {gap:.1f} points below the {_runs_at(high, setting)} "
                f"(mean test accuracy {low.mean:.1%} against {high.mean:.1%}).")
    if gap > 2 * chance:
        verdict = (f" Runs at one setting differ by about {100 * spread:.1f} points, so this gap is more than "
                   "chance.")
    else:
        verdict = (f" Runs at one setting differ by about {100 * spread:.1f} points, so this gap could be chance: "
                   "no clear difference yet (more runs will tell).")
    return sentence + verdict
