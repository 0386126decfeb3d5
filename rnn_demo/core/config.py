"""Typed settings: text preprocessing, model sizes, training, and the named presets.

Every config is a frozen dataclass whose `validate()` raises `ValueError` naming the bad field, so the CLI, the pages
and the tests all reject the same settings with the same message.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

CELL_TYPES = ("lstm", "gru", "simple_rnn")
EMBEDDING_STARTS = ("random", "word_counts")  # how word vectors start, see rnn_demo.model.word_counts


def _check_int(name: str, value, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, got {value:,}.")


@dataclass(frozen=True)
class TextConfig:
    """How a review becomes a row of word ids."""

    vocab_size: int = 10_000  # ids 0..vocab_size-1; 0 = padding, 1 = unknown word, the rest the most common words
    maxlen: int = 200  # reviews are cut or padded to this many words (the course's MaxLen)
    truncating: str = "pre"  # "pre" keeps a long review's last words (its verdict), "post" keeps its first words

    def validate(self) -> None:
        _check_int("vocab_size", self.vocab_size, 3, 200_000)
        _check_int("maxlen", self.maxlen, 1, 5_000)
        if self.truncating not in ("pre", "post"):
            raise ValueError(f"truncating must be 'pre' or 'post', got {self.truncating!r}.")


@dataclass(frozen=True)
class ModelConfig:
    """Embedding -> recurrent layer -> Dense(1, sigmoid), the course's sentiment classifier."""

    embedding_dim: int = 128  # length of each word vector
    units: int = 128  # size of the recurrent layer's state
    cell: str = "lstm"  # "lstm" (the course's model), "gru" or "simple_rnn"

    def validate(self) -> None:
        _check_int("embedding_dim", self.embedding_dim, 1, 1_024)
        _check_int("units", self.units, 1, 1_024)
        if self.cell not in CELL_TYPES:
            raise ValueError(f"cell must be one of {', '.join(CELL_TYPES)}, got {self.cell!r}.")


@dataclass(frozen=True)
class TrainConfig:
    """How long and how fast the model learns."""

    epochs: int = 2  # passes over the training reviews
    batch_size: int = 64  # reviews per gradient step
    learning_rate: float = 1e-3  # Adam step size (at the start, when it decays)
    decay_learning_rate: bool = True  # lower the step size along a cosine to a tenth by the last batch
    subset: int | None = None  # use only this many reviews in all (stratified), None = every review
    seed: int = 0  # fixes the split, the weight initialisation and the shuffling
    snapshot_every_epoch: bool = True  # keep the weights after each epoch, so pictures can show epoch k
    embedding_start: str = "random"  # "random", or "word_counts": dimension 0 starts at each word's log-count ratio
    # The model a run hands over is the running average of its weights over about the last 1 / (1 - momentum) batches
    # (Keras' Adam(use_ema=True, ema_momentum=...)); 0 = the last batch's weights, as the course's fit gives them.
    weight_average_momentum: float = 0.0

    def validate(self) -> None:
        _check_int("epochs", self.epochs, 1, 100)
        _check_int("batch_size", self.batch_size, 1, 4_096)
        if isinstance(self.learning_rate, bool) or not isinstance(self.learning_rate, (int, float)) or not 1e-6 <= self.learning_rate <= 1.0:
            raise ValueError(f"learning_rate must be between 1e-6 and 1, got {self.learning_rate!r}.")
        if self.subset is not None:
            _check_int("subset", self.subset, 20, 10_000_000)
        _check_int("seed", self.seed, 0, 2**31 - 1)
        if self.embedding_start not in EMBEDDING_STARTS:
            raise ValueError(f"embedding_start must be one of {', '.join(EMBEDDING_STARTS)}, "
                             f"got {self.embedding_start!r}.")
        momentum = self.weight_average_momentum
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0.0 <= momentum < 1.0:
            raise ValueError(f"weight_average_momentum must be at least 0 and below 1, got {momentum!r}.")

    @property
    def batches_averaged(self) -> int:
        """About how many of the last batches' weights the handed-over model averages (1: the last batch's alone)."""
        return round(1 / (1 - self.weight_average_momentum))


@dataclass(frozen=True)
class RunConfig:
    """Everything one training run needs: text, model and training settings."""

    name: str = "custom"
    text: TextConfig = field(default_factory=TextConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def validate(self) -> "RunConfig":
        self.text.validate()
        self.model.validate()
        self.train.validate()
        return self

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def parameter_count(self) -> int:
        """Weights of Embedding -> recurrent layer -> Dense(1), as Keras counts them (equal to model.count_params()),
        known before anything is built."""
        embedding, units = self.model.embedding_dim, self.model.units
        per_gate = units * (embedding + units) + units
        recurrent = {"lstm": 4 * per_gate, "gru": 3 * (per_gate + units), "simple_rnn": per_gate}[self.model.cell]
        return self.text.vocab_size * embedding + recurrent + units + 1

    @classmethod
    def from_dict(cls, data: dict) -> "RunConfig":
        if not isinstance(data, dict) or not all(isinstance(data.get(part), dict) for part in ("text", "model", "train")):
            raise ValueError("config is missing its 'text', 'model' or 'train' object (a config is a JSON object of three).")
        try:
            return cls(
                name=data.get("name", "custom"),
                text=TextConfig(**data["text"]),
                model=ModelConfig(**data["model"]),
                train=TrainConfig(**data["train"]),
            ).validate()
        except (KeyError, TypeError) as error:
            raise ValueError(f"config is missing or has an unknown field: {error}") from error

    def with_changes(self, **changes) -> "RunConfig":
        """Return a copy with fields replaced by name (e.g. units=32, maxlen=100), validated."""
        sections = {"text": {}, "model": {}, "train": {}}
        for key, value in changes.items():
            if value is None and key != "subset":
                continue
            for section in sections:
                if key in {f.name for f in dataclasses.fields(getattr(self, section))}:
                    sections[section][key] = value
                    break
            else:
                raise ValueError(f"unknown setting {key!r}.")
        return dataclasses.replace(
            self,
            text=dataclasses.replace(self.text, **sections["text"]),
            model=dataclasses.replace(self.model, **sections["model"]),
            train=dataclasses.replace(self.train, **sections["train"]),
        ).validate()


PRESETS: dict[str, RunConfig] = {
    # The course's model, Embedding(10000, 128) -> LSTM(128) -> Dense(1, sigmoid), with its layers unchanged; batches
    # of 64 at 5e-4, word vectors that start from word counts and the weights averaged over about the last 20 batches,
    # because of the settings tried these gave the highest and steadiest accuracy after 15 s of training
    # (history: docs/measurements.md).
    "course": RunConfig(
        name="course",
        text=TextConfig(vocab_size=10_000, maxlen=200),
        model=ModelConfig(embedding_dim=128, units=128),
        train=TrainConfig(epochs=2, batch_size=64, learning_rate=5e-4, embedding_start="word_counts",
                          weight_average_momentum=0.95),
    ),
    # A smaller LSTM for live training in class: 32/32 with batches of 256 at 3e-3 (steps of 256 cost about what 128
    # did, and 5e-3 was unstable) and a word-count start, for one epoch because that keeps a class of 30 within 5
    # minutes on 2 cores; a student can still choose 2 epochs on the Train page (history: docs/measurements.md).
    "fast": RunConfig(
        name="fast",
        text=TextConfig(vocab_size=10_000, maxlen=200),
        model=ModelConfig(embedding_dim=32, units=32),
        train=TrainConfig(epochs=1, batch_size=256, learning_rate=3e-3, embedding_start="word_counts"),
    ),
}


# Older names still accepted on the command line: "seed" was the course preset's first name (it read like a random
# seed to students).
PRESET_ALIASES = {"seed": "course"}


def preset(name: str) -> RunConfig:
    """The named preset ("course" or "fast"; the alias "seed" means "course")."""
    name = PRESET_ALIASES.get(name, name)
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}.")
    return PRESETS[name]
