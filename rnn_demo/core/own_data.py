"""A class's own labelled texts (an uploaded CSV/TSV or pasted `label<TAB>text` lines) -> texts, labels and splits.

Read as text only, with the csv module: nothing is unpickled, run or evaluated (a cell "=SUM(A1)" is the text
"=SUM(A1)"). The two labels may be spelled any way; `label_mapping` says which becomes 1 ("positive", the class the
model's P(...) is about) by a fixed rule, and the caller may swap it. Every bad file raises ValueError with a message a
student can act on. Pure Python, no Streamlit; the parsed data lives wherever the caller keeps it (a session).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from rnn_demo.core import data, text
from rnn_demo.core.config import RunConfig

MAX_FILE_BYTES = 5 * 1024 * 1024  # = .streamlit/config.toml server.maxUploadSize (5 MB): the browser and we agree
MAX_ROWS = 50_000  # twice the bundled IMDb set; training that many short texts takes about as long as IMDb
MAX_TEXT_CHARS = 20_000  # per text; longer than any IMDb review (13,700), and the model reads at most MaxLen words
MIN_ROWS_PER_LABEL = 50  # fewer gives a test split of a handful of texts and an accuracy that means nothing
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)  # train / validation / test, stratified, as for IMDb
SPLIT_SEED = 0
# A small data set still needs enough gradient steps to learn: 120 rows with the fast preset (batch 256, 1 epoch) made
# ONE step and every prediction stayed at 0.49-0.51. Below MIN_GRADIENT_STEPS a run takes batches of at most
# SMALL_BATCH_SIZE and as many epochs as it needs (at most MAX_EPOCHS, TrainConfig's limit).
MIN_GRADIENT_STEPS = 100
SMALL_BATCH_SIZE = 32
MAX_EPOCHS = 100
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
TEXT_COLUMN, LABEL_COLUMN = "text", "label"
MAX_HEADER_CHARS = 1_000  # a header line names a few columns; a longer first line is data, never a header
LIMITS = (f"Limits: files up to {MAX_FILE_BYTES // 2**20} MB, at most {MAX_ROWS:,} rows, at most "
          f"{MAX_TEXT_CHARS:,} characters per text, exactly two labels with at least {MIN_ROWS_PER_LABEL} rows each.")

# Label spellings known to mean the positive (-> 1) or the negative (-> 0) class, compared lowercased.
POSITIVE_LABELS = frozenset({
    "+", "pos", "positive", "good", "yes", "true", "like", "liked", "happy", "praise", "up",
    "positif", "positiv", "positivo", "positiva", "gut", "bon", "bien", "bueno", "buono", "ja", "oui", "sí", "si",
    "ポジティブ", "肯定", "良い", "好", "正面",
})
NEGATIVE_LABELS = frozenset({
    "-", "neg", "negative", "bad", "no", "false", "dislike", "disliked", "sad", "complaint", "down",
    "négatif", "negatif", "negativ", "negativo", "negativa", "schlecht", "mauvais", "mal", "malo", "cattivo",
    "nein", "non", "ネガティブ", "否定", "悪い", "坏", "负面",
})


@dataclass(frozen=True)
class LabelMapping:
    """Which spelling became 0 and which 1, and the rule that decided it (a sentence to show)."""

    negative: str  # -> 0
    positive: str  # -> 1
    rule: str

    def swapped(self) -> "LabelMapping":
        return LabelMapping(self.positive, self.negative, "swapped by hand")


@dataclass(frozen=True)
class OwnData:
    """Parsed texts with labels 0/1, their stratified splits, and what the page should tell the user."""

    reviews: data.Reviews
    splits: data.Splits
    mapping: LabelMapping
    notes: tuple[str, ...]  # e.g. the encoding fallback, skipped rows, the columns found
    train_words: int  # distinct tokens in the training split: the largest vocabulary these texts support, minus 2

    def counts(self) -> dict[str, int]:
        """Rows per label spelling and per split."""
        labels = self.reviews.labels
        return {self.mapping.negative: int(np.sum(labels == 0)), self.mapping.positive: int(np.sum(labels == 1)),
                "train": len(self.splits.train), "validation": len(self.splits.validation),
                "test": len(self.splits.test)}


def label_mapping(spellings: set[str]) -> LabelMapping:
    """Exactly two label spellings -> which is 0 and which is 1, by this rule, in order: two numbers: the larger is 1
    (1/0, 5/1 stars); else a known positive spelling (pos, good, positif, gut, …) is 1; else a known negative one (neg,
    bad, négatif, schlecht, …) is 0; else alphabetical: the later spelling is 1."""
    if len(spellings) != 2:
        raise ValueError(f"expected two labels, got {len(spellings)}.")
    first, second = sorted(spellings)
    try:
        low, high = sorted((first, second), key=float)
        if all(math.isfinite(float(label)) for label in (low, high)):
            return LabelMapping(low, high, "the larger number is positive")
    except ValueError:
        pass
    for known, is_positive, kind in ((POSITIVE_LABELS, True, "positive"), (NEGATIVE_LABELS, False, "negative")):
        hits = [label for label in (first, second) if label in known]
        if len(hits) == 1:
            other = second if hits[0] == first else first
            positive, negative = (hits[0], other) if is_positive else (other, hits[0])
            return LabelMapping(negative, positive, f"{hits[0]!r} is a known {kind} label")
    return LabelMapping(first, second, "alphabetical order: the later label is positive")


def _decode(raw: bytes) -> tuple[str, list[str]]:
    """Bytes -> text. UTF-8 (with or without BOM) or UTF-16 with BOM; otherwise Windows-1252/Latin-1, said in a note."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            return raw.decode("utf-16"), ["The file is UTF-16 text (Excel's “Unicode text”); read as such."]
        except UnicodeDecodeError as error:
            raise ValueError("the file starts like UTF-16 text but is not valid UTF-16; save it as CSV UTF-8."
                             ) from error
    if raw.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x80\x02", b"\x80\x03", b"\x80\x04",
                       b"\x80\x05", b"\x89PNG", b"\xff\xd8\xff", b"\x1f\x8b")) or b"\x00" in raw[:8192]:
        raise ValueError("this is a binary file (a spreadsheet, PDF, image, archive or pickle?), not text: save it "
                         "as CSV UTF-8 (Excel: File → Save as → CSV UTF-8) and upload that.")
    try:
        decoded, notes = raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        decoded = raw.decode("cp1252", errors="strict") if _is_cp1252(raw) else raw.decode("latin-1")
        notes = ["The file is not UTF-8; it was read as Western European text (Windows-1252 / Latin-1), as older "
                 "Excel versions save it. If letters look wrong below, save the file as CSV UTF-8."]
    controls = sum(1 for char in decoded[:20_000] if ord(char) < 32 and char not in "\t\n\r")
    if controls > max(3, len(decoded[:20_000]) // 100):
        raise ValueError("this looks like a binary file, not text (it holds many control characters): save it as "
                         "CSV UTF-8 and upload that.")
    return decoded, notes


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _header_delimiter(first_line: str) -> str | None:
    """The delimiter under which the header names both a text and a label column, or None."""
    if len(first_line) > MAX_HEADER_CHARS:  # no header is this long (and csv refuses fields over 131,072 characters)
        return None
    for delimiter in DELIMITERS:
        names = {name.strip().lower() for name in next(csv.reader([first_line], delimiter=delimiter), [])}
        if {TEXT_COLUMN, LABEL_COLUMN} <= names:
            return delimiter
    return None


def _excel_separator_line(decoded: str) -> tuple[str, str | None]:
    """Excel's CSV may open with a line "sep=;" naming the delimiter: the text without it, and that delimiter."""
    first, _, rest = decoded.partition("\n")
    hint = first.strip()
    if len(hint) == 5 and hint.lower().startswith("sep=") and hint[4] in DELIMITERS:
        return rest, hint[4]
    return decoded, None


def _normal_label(label: str) -> str:
    """A label as compared: lowercased and stripped, and a number written one way ("1.0" and "1" are one label)."""
    label = label.strip().lower()
    try:
        number = float(label)
    except ValueError:
        return label
    if not math.isfinite(number):
        return label  # "nan" and "inf" are words here, not numbers
    return str(int(number)) if number.is_integer() else format(number, "g")


def _table_rows(decoded: str, delimiter: str) -> tuple[list[tuple[str, str, int]], int]:
    """(label, text, line number) from a table with a header; and how many rows lacked a text or a label."""
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter, strict=True)
    header = [name.strip().lower() for name in next(reader)]
    text_at, label_at = header.index(TEXT_COLUMN), header.index(LABEL_COLUMN)
    rows, skipped = [], 0
    try:
        for cells in reader:
            if not cells or not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(rows) + skipped >= MAX_ROWS:
                raise ValueError(f"the file has more than {MAX_ROWS:,} rows; use at most {MAX_ROWS:,}.")
            row_text = cells[text_at] if text_at < len(cells) else ""
            label = _normal_label(cells[label_at]) if label_at < len(cells) else ""
            if not row_text.strip() or not label:
                skipped += 1
                continue
            rows.append((label, row_text, reader.line_num))
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # csv's own limit (131,072 characters), far over ours
            raise ValueError(f"line {reader.line_num} holds a text over {MAX_TEXT_CHARS:,} characters; shorten it, "
                             "or check for a quote that is never closed.") from error
        raise ValueError(f"line {reader.line_num}: the file's quoting is broken ({error}). A text holding the "
                         f"delimiter, a quote or a line break must be in double quotes, with inner quotes doubled "
                         f'("say ""hi""").') from error
    return rows, skipped


def _pasted_rows(decoded: str) -> tuple[list[tuple[str, str, int]], list[str]]:
    """(label, text, line number) from lines `label<TAB>text`; a first line `label<TAB>text` naming the columns is
    skipped."""
    lines = [(number, line) for number, line in enumerate(decoded.splitlines(), 1) if line.strip()]
    if lines and [cell.strip().lower() for cell in lines[0][1].split("\t", 1)] == [LABEL_COLUMN, TEXT_COLUMN]:
        lines = lines[1:]
    if len(lines) > MAX_ROWS:
        raise ValueError(f"there are more than {MAX_ROWS:,} lines; use at most {MAX_ROWS:,}.")
    without_tab = [number for number, line in lines if "\t" not in line]
    if without_tab:
        raise ValueError(f"line {without_tab[0]} has no tab: each line must be a label, a tab, then the text "
                         f"({len(without_tab):,} line(s) lack a tab).")
    pairs = [(number, *line.split("\t", 1)) for number, line in lines]
    notes: list[str] = []
    if not pairs:
        return [], notes
    firsts, seconds = ({cell.strip().lower() for cell in column} for column in list(zip(*pairs))[1:])
    if len(firsts) > 2 and len(seconds) == 2:
        pairs = [(number, second, first) for number, first, second in pairs]
        notes.append("The lines were text<TAB>label (the label second); read them that way.")
    return [(_normal_label(label), row_text, number) for number, label, row_text in pairs], notes


def parse(raw: bytes | str, name: str = "pasted text", swap: bool = False) -> OwnData:
    """An uploaded file's bytes (CSV/TSV with a header naming `text` and `label`, or .txt lines `label<TAB>text`)
    or pasted text -> OwnData. `swap` exchanges which label is positive. ValueError for every bad input."""
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > MAX_FILE_BYTES:
        raise ValueError(f"{name} is {size / 2**20:.1f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB. Use fewer "
                         "or shorter texts.")
    decoded, notes = (raw.lstrip("\ufeff"), []) if isinstance(raw, str) else _decode(raw)
    if not decoded.strip():
        raise ValueError(f"{name} is empty: it needs a header line naming the columns text and label, then one row "
                         "per text (or lines label<TAB>text).")
    decoded, excel_delimiter = _excel_separator_line(decoded.lstrip("\r\n"))
    if not decoded.strip():
        raise ValueError(f"{name} holds only Excel's sep= line: it needs a header line naming the columns text and "
                         "label, then one row per text.")
    first_line = decoded.lstrip("\r\n").splitlines()[0]
    delimiter = _header_delimiter(first_line)
    if excel_delimiter is not None and delimiter not in (None, excel_delimiter):
        notes.append(f"Excel's first line names the {DELIMITERS[excel_delimiter]} as delimiter, but the header is "
                     f"separated by {DELIMITERS[delimiter]}s; read it by the header.")
    if delimiter is not None:
        rows, skipped = _table_rows(decoded.lstrip("\r\n"), delimiter)
        notes.append(f"Read as a table separated by {DELIMITERS[delimiter]}s, columns '{TEXT_COLUMN}' and "
                     f"'{LABEL_COLUMN}'." + (f" {skipped:,} row(s) without a text or a label were skipped."
                                             if skipped else ""))
        if not rows:
            raise ValueError(f"{name} has a header but no rows with both a text and a label.")
    elif name.lower().endswith((".csv", ".tsv")) or "\t" not in decoded:
        shown = first_line[:MAX_HEADER_CHARS]  # a line of any length: only its start is read and named
        found = ", ".join(repr(cell.strip()[:40]) for cell in next(csv.reader([shown], delimiter=excel_delimiter or ","),
                                                                    [])[:6])
        raise ValueError(f"{name} lacks the columns: its first line must name the columns '{TEXT_COLUMN}' and "
                         f"'{LABEL_COLUMN}' (found: {found or 'nothing'}). Or paste lines label<TAB>text.")
    else:
        rows, pasted_notes = _pasted_rows(decoded)
        notes += ["Read as lines label<TAB>text."] + pasted_notes
        if not rows:
            raise ValueError(f"{name} has a header but no lines label<TAB>text.")
    too_long = [number for _, row_text, number in rows if len(row_text) > MAX_TEXT_CHARS]
    if too_long:
        raise ValueError(f"line {too_long[0]} holds a text over {MAX_TEXT_CHARS:,} characters ({len(too_long):,} "
                         f"such text(s)); shorten them (the model reads at most a few hundred words anyway).")
    return _labelled(rows, notes, swap)


def _labelled(rows: list[tuple[str, str, int]], notes: list[str], swap: bool) -> OwnData:
    spellings = {label for label, _, _ in rows}
    if len(spellings) == 1:
        raise ValueError(f"every row has the label {next(iter(spellings))!r}: a classifier needs two labels "
                         f"(e.g. pos and neg), each on at least {MIN_ROWS_PER_LABEL} rows.")
    if len(spellings) > 2:
        shown = ", ".join(repr(label) for label in sorted(spellings)[:8])
        raise ValueError(f"there are {len(spellings):,} different labels ({shown}{', …' if len(spellings) > 8 else ''}"
                         f"); the model tells exactly two apart. Keep two, or merge them.")
    mapping = label_mapping(spellings)
    mapping = mapping.swapped() if swap else mapping
    labels = np.array([int(label == mapping.positive) for label, _, _ in rows], dtype=np.int8)
    for value, spelling in ((0, mapping.negative), (1, mapping.positive)):
        if (count := int(np.sum(labels == value))) < MIN_ROWS_PER_LABEL:
            raise ValueError(f"only {count} row(s) have the label {spelling!r}; each label needs at least "
                             f"{MIN_ROWS_PER_LABEL}, or the test accuracy would rest on a handful of texts.")
    reviews = data.Reviews(tuple(row_text.strip() for _, row_text, _ in rows), labels)
    splits = data.split(reviews, seed=SPLIT_SEED, fractions=SPLIT_FRACTIONS)
    train_words = len({token for review in splits.train.texts for token in text.tokenize(review)})
    return OwnData(reviews, splits, mapping, tuple(notes), train_words)


def gradient_steps(train_texts: int, batch_size: int, epochs: int) -> int:
    """Gradient steps of a training: equal-sized batches per epoch (at least one), times the epochs."""
    return max(1, train_texts // batch_size) * epochs


def fit_config(config: RunConfig, own: OwnData) -> tuple[RunConfig, str | None]:
    """`config` for training on `own`: every row (no IMDb subset), a vocabulary no larger than the training texts
    hold, and at least MIN_GRADIENT_STEPS gradient steps (smaller batches, then more epochs, for a small data set);
    returns the config and sentences saying what changed and why (or None)."""
    distinct, train_texts = own.train_words, len(own.splits.train)
    vocab_size = min(config.text.vocab_size, distinct + 2)
    batch_size, epochs = config.train.batch_size, config.train.epochs
    if gradient_steps(train_texts, batch_size, epochs) < MIN_GRADIENT_STEPS:
        batch_size = min(batch_size, SMALL_BATCH_SIZE)
        per_epoch = gradient_steps(train_texts, batch_size, 1)
        epochs = min(MAX_EPOCHS, max(epochs, math.ceil(MIN_GRADIENT_STEPS / per_epoch)))
    fitted = config.with_changes(vocab_size=vocab_size, subset=None, batch_size=batch_size, epochs=epochs)
    notes = []
    if vocab_size < config.text.vocab_size:
        notes.append(f"Your training texts hold {distinct:,} different words, so the vocabulary has {vocab_size:,} "
                     f"ids (not {config.text.vocab_size:,}).")
    if (batch_size, epochs) != (config.train.batch_size, config.train.epochs):
        before = gradient_steps(train_texts, config.train.batch_size, config.train.epochs)
        notes.append(
            f"{train_texts:,} training texts at batch size {config.train.batch_size} for {config.train.epochs} "
            f"epoch{'s' if config.train.epochs > 1 else ''} would be {before} gradient step{'s' if before > 1 else ''}"
            f": too few to move a model away from guessing. So this run takes batches of {batch_size} for {epochs} "
            f"epochs: {gradient_steps(train_texts, batch_size, epochs):,} gradient steps (at least "
            f"{MIN_GRADIENT_STEPS} where the data allow).")
    return fitted, " ".join(notes) or None


def test_examples(own: OwnData, count: int = 6) -> dict[str, str]:
    """A few test-split texts (never trained on), alternating labels: display name -> text."""
    test = own.splits.test
    names = {0: own.mapping.negative, 1: own.mapping.positive}
    by_label = [[i for i in range(len(test)) if test.labels[i] == value] for value in (0, 1)]
    order = [index for pair in zip(*by_label) for index in pair][:count]
    shorten = lambda value: value if len(value) <= 50 else value[:49] + "…"  # noqa: E731
    return {f"test text {n} ({names[int(test.labels[i])]}): {shorten(' '.join(test.texts[i].split()))}":
            test.texts[i] for n, i in enumerate(order, 1)}
