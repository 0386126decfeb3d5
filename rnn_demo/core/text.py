"""Text -> word ids: standardising, tokenising, the vocabulary, encoding and cutting/padding to MaxLen.

Id 0 is padding and id 1 an unknown word; ids 2.. are the training reviews' most common words. Rows are padded at
the front ("pre"), as Keras' pad_sequences does, so the LSTM reads the padding first and the review last:
padding never washes out its final state.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

PAD_ID = 0
UNKNOWN_ID = 1
PAD_TOKEN = "<pad>"
UNKNOWN_TOKEN = "<unk>"
MAX_REVIEW_CHARS = 200_000  # the longest review the app and the command line accept, in characters

_LINE_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
# Control and format characters (C0/C1 controls, zero-width and bidirectional marks, BOM) become spaces.
_APOSTROPHES = str.maketrans({"´": "'", "`": "'", "‘": "'", "’": "'"})
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _combining_marks() -> str:
    """A regex class of every combining mark (Unicode category M): Arabic vowel signs, Devanagari matras, emoji
    variation selectors. Python's `re` counts them as neither word characters nor spaces, so without this class
    "हिंदी" or "كَتَبَ" would fall apart into single letters and stray marks."""
    marks = [code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)).startswith("M")]
    ranges: list[list[int]] = []
    for code in marks:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in ranges) + "]"


_MARK = _combining_marks()
# A word (letters/digits of any script with their combining marks, inner apostrophes: "don't"), or one punctuation
# mark / symbol / emoji (with its marks, e.g. the variation selector of "❤️").
_WORD = rf"[^\W_]+(?:{_MARK}+[^\W_]*)*"
_TOKEN = re.compile(rf"{_WORD}(?:['’]{_WORD})*|[^\w\s]{_MARK}*|_", re.UNICODE)
# Scripts written without spaces between words: Chinese characters (Han, with extension A and the compatibility
# block), Japanese hiragana and katakana (with the long-vowel mark ー). Each such character is one token, so
# "この映画は良い" reads as こ の 映 画 は 良 い: seven steps whose characters recur across texts and can be learned,
# instead of one "word" per run between punctuation marks that never recurs. Korean (Hangul) and Thai keep their
# runs between spaces. No IMDb review holds these characters, so English tokens are unchanged.
_SPACELESS_CHARACTER = re.compile("[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                                  "\uf900-\ufaff\uff66-\uff9f]")


UNREADABLE = "\ufffd"  # U+FFFD REPLACEMENT CHARACTER, shown as �


def well_formed(text: str) -> str:
    """`text` with every lone UTF-16 surrogate (half of an emoji, e.g. from a broken copy-paste) replaced by U+FFFD,
    as JavaScript's String.prototype.toWellFormed does; a surrogate pair becomes its one character. Text with a lone
    surrogate cannot be encoded as UTF-8, so it could not be sent to a browser, written to JSON or printed."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def unreadable_note(text: str) -> str | None:
    """A sentence for the student when `text` holds characters that could not be read (lone surrogates, or U+FFFD
    from the browser that replaced them), else None."""
    count = sum(1 for char in well_formed(text) if char == UNREADABLE) if isinstance(text, str) else 0
    if not count:
        return None
    return (f"{count} character{'s' if count != 1 else ''} of your text could not be read (half of an emoji or a "
            f"broken copy-paste) and {'are' if count != 1 else 'is'} shown as {UNREADABLE}.")


def standardize(text: str) -> str:
    """Lowercase (any script), turn HTML line breaks and control characters into spaces, normalise Unicode (NFKC),
    and replace lone surrogates with U+FFFD (see `well_formed`)."""
    if not isinstance(text, str):
        raise ValueError(f"a review must be text, got {type(text).__name__}.")
    text = well_formed(text)
    text = _LINE_BREAK.sub(" ", text)
    # Acute accents and backticks typed as apostrophes ("don´t", "don`t"); NFKC would split "´" into a space + mark.
    text = text.translate(_APOSTROPHES)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return text.lower()


def tokenize(text: str) -> list[str]:
    """Standardise, then split into words and single punctuation marks: "Great, isn't it!" -> great , isn't it !

    Chinese and Japanese characters are one token each (they are written without spaces): "映画は良い。" ->
    映 画 は 良 い 。"""
    standardized = standardize(text)
    if _SPACELESS_CHARACTER.search(standardized):
        standardized = _SPACELESS_CHARACTER.sub(r" \g<0> ", standardized)
    return _TOKEN.findall(standardized)


@dataclass(frozen=True)
class Vocabulary:
    """The most common words in order; word k (0-based) has id k + 2."""

    words: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of ids, including padding and unknown."""
        return len(self.words) + 2

    def __post_init__(self):
        object.__setattr__(self, "_ids", {word: index + 2 for index, word in enumerate(self.words)})

    def id_of(self, token: str) -> int:
        return self._ids.get(token, UNKNOWN_ID)

    def ids_of(self, tokens: list[str]) -> list[int]:
        """id_of for each token (one dictionary lookup each: encoding 25,000 reviews is a hot loop)."""
        lookup = self._ids.get
        return [lookup(token, UNKNOWN_ID) for token in tokens]

    def token_of(self, word_id: int) -> str:
        if word_id == PAD_ID:
            return PAD_TOKEN
        if word_id == UNKNOWN_ID:
            return UNKNOWN_TOKEN
        return self.words[word_id - 2]

    @classmethod
    def build(cls, tokenized_texts: Iterable[list[str]], vocab_size: int) -> "Vocabulary":
        """The vocab_size - 2 most frequent tokens (ties broken alphabetically, so the result is deterministic)."""
        counts = Counter()
        for tokens in tokenized_texts:
            counts.update(tokens)
        available = len(counts) + 2
        if vocab_size > available:
            raise ValueError(
                f"vocab_size {vocab_size:,} is larger than the data supports: the training reviews hold only "
                f"{len(counts):,} distinct words (+2 reserved ids = {available:,}). Choose a smaller vocab_size "
                f"or train on more reviews."
            )
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return cls(tuple(word for word, _ in ranked[: vocab_size - 2]))

    def to_json(self) -> str:
        return json.dumps({"pad": PAD_TOKEN, "unknown": UNKNOWN_TOKEN, "words": list(self.words)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Vocabulary":
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("words"), list):
            raise ValueError("vocabulary JSON must be an object with a 'words' list.")
        return cls(tuple(str(word) for word in data["words"]))

    def save(self, path: Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Vocabulary":
        path = Path(path)
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise ValueError(f"vocabulary file not found: {path}") from error
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as error:
            raise ValueError(f"vocabulary file {path} is corrupt: {error}") from error
        except RecursionError:  # JSON nested thousands of levels deep
            raise ValueError(f"vocabulary file {path} is corrupt: nested too deeply.") from None


@dataclass(frozen=True)
class EncodedReview:
    """One review as the model sees it: the kept tokens (after cutting to MaxLen), their ids, and what was lost."""

    tokens: list[str]  # the words the model saw, in order, as typed (lowercased)
    ids: np.ndarray  # (time,) int32 word ids, no padding
    unknown: np.ndarray  # (time,) bool, True where the word is not in the vocabulary (id 1)
    cut_tokens: list[str]  # words dropped because the review is longer than MaxLen
    total_tokens: int  # tokens in the whole review before cutting

    @property
    def truncated(self) -> bool:
        return bool(self.cut_tokens)


def encode(text: str, vocab: Vocabulary, maxlen: int, truncating: str = "pre") -> EncodedReview:
    """Tokenise one review and cut it to its last (truncating="pre") or first ("post") maxlen tokens."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the review is empty: type a few words.")
    tokens = tokenize(text)
    if not tokens:
        raise ValueError("the review has no words or punctuation the model can read.")
    if len(tokens) > maxlen:
        kept, cut = (tokens[-maxlen:], tokens[:-maxlen]) if truncating == "pre" else (tokens[:maxlen], tokens[maxlen:])
    else:
        kept, cut = tokens, []
    ids = np.array(vocab.ids_of(kept), dtype=np.int32)
    return EncodedReview(kept, ids, ids == UNKNOWN_ID, cut, len(tokens))


def encode_many(texts: Iterable[str], vocab: Vocabulary, maxlen: int, truncating: str = "pre") -> np.ndarray:
    """Many reviews -> (n, maxlen) int32 ids, padded with 0 at the front (pre-padding)."""
    rows = [[vocab.id_of(token) for token in tokenize(text)] for text in texts]
    return pad_rows(rows, maxlen, truncating)


def pad_rows(rows: list[list[int]], maxlen: int, truncating: str = "pre") -> np.ndarray:
    """Id lists -> (n, maxlen) int32, zero-padded at the front; long rows cut at the front ("pre") or back."""
    out = np.zeros((len(rows), maxlen), dtype=np.int32)
    for index, row in enumerate(rows):
        row = row[-maxlen:] if truncating == "pre" else row[:maxlen]
        if row:
            out[index, maxlen - len(row):] = row
    return out
