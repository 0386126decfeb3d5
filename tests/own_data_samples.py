"""Generated labelled texts for the own-data tests: German and English sentences whose sentiment sits in a few
words among neutral ones, and Japanese sentences written without spaces. Deterministic for a given seed."""

from __future__ import annotations

import csv
import io
import random

ENGLISH = {
    "subjects": ["the film", "the food", "this phone", "the hotel", "our teacher's course", "the concert", "the book"],
    "fillers": ["yesterday", "with friends", "after work", "on Sunday", "in town", "for the second time", "again"],
    "pos": ["was wonderful", "was great", "was excellent", "made me happy", "was a delight", "is highly recommended"],
    "neg": ["was terrible", "was awful", "was boring", "made me angry", "was a waste of money", "is not recommended"],
}
GERMAN = {
    "subjects": ["der Film", "das Essen", "dieses Handy", "das Hotel", "der Kurs unserer Lehrerin", "das Konzert"],
    "fillers": ["gestern", "mit Freunden", "nach der Arbeit", "am Sonntag", "in der Stadt", "schon wieder"],
    "pos": ["war wunderbar", "war großartig", "war ausgezeichnet", "hat mich glücklich gemacht",
            "ist sehr empfehlenswert"],
    "neg": ["war schrecklich", "war furchtbar", "war langweilig", "hat mich geärgert", "war Geldverschwendung"],
}
JAPANESE = {
    "subjects": ["この映画は", "この料理は", "このホテルは", "この本は", "昨日のコンサートは"],
    "pos": ["とても良かった", "最高でした", "素晴らしかった", "楽しかった"],
    "neg": ["とても悪かった", "最低でした", "つまらなかった", "退屈だった"],
}


def sentence(language: dict, positive: bool, rng: random.Random) -> str:
    verdict = rng.choice(language["pos" if positive else "neg"])
    if "fillers" not in language:  # Japanese: no spaces, a full stop 。
        return f"{rng.choice(language['subjects'])}{verdict}。"
    return f"{rng.choice(language['subjects']).capitalize()} {verdict} {rng.choice(language['fillers'])}."


def two_language_rows(per_label: int = 120, seed: int = 0, noise: float = 0.0) -> list[tuple[str, str]]:
    """(text, label) rows, label "pos" or "neg", half German and half English, in shuffled order. A share `noise` of
    the sentences says the opposite of its label (as real labels are sometimes wrong), so no model reaches 100%."""
    rng = random.Random(seed)
    rows = [(sentence(GERMAN if index % 2 else ENGLISH, (label == "pos") != (rng.random() < noise), rng), label)
            for label in ("pos", "neg") for index in range(per_label)]
    rng.shuffle(rows)
    return rows


def japanese_rows(per_label: int = 60, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [(sentence(JAPANESE, label == "ポジティブ", rng), label)
            for label in ("ポジティブ", "ネガティブ") for _ in range(per_label)]


def to_csv(rows: list[tuple[str, str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["text", "label"])
    writer.writerows(rows)
    return out.getvalue()


def to_pasted(rows: list[tuple[str, str]]) -> str:
    return "".join(f"{label}\t{text}\n" for text, label in rows)
