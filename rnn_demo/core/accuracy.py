"""How sure a test accuracy is: the 95% Wilson score interval of a share of correct answers, and the sentence the app
shows beside an accuracy measured on few texts (a student's own data set may leave a dozen test texts). Pure Python."""

from __future__ import annotations

import math

FEW_TEST_TEXTS = 100  # under this many test texts an accuracy is flagged as uncertain (the interval is ±10 points wide or more)
Z_95 = 1.959964  # the standard normal quantile of a two-sided 95% interval


def wilson_interval(accuracy: float, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval (lower, upper) of an accuracy measured on `total` texts; unlike accuracy ± 2 SE it
    stays inside [0, 1] and is not zero wide at 100% (12 of 12 right: 75.8% to 100%)."""
    if total < 1:
        raise ValueError(f"an accuracy needs at least one test text, got {total}.")
    if not 0.0 <= accuracy <= 1.0:
        raise ValueError(f"an accuracy is between 0 and 1, got {accuracy!r}.")
    z2 = z * z
    centre = (accuracy + z2 / (2 * total)) / (1 + z2 / total)
    half = z / (1 + z2 / total) * math.sqrt(accuracy * (1 - accuracy) / total + z2 / (4 * total * total))
    return max(0.0, centre - half), min(1.0, centre + half)


def uncertainty(accuracy: float, total: int, texts: str = "test texts") -> str:
    """"95% interval 75.8–100.0%", and under FEW_TEST_TEXTS a warning that the accuracy rests on few `texts`."""
    lower, upper = wilson_interval(accuracy, total)
    sentence = f"95% interval {lower:.1%}–{upper:.1%}"
    if total < FEW_TEST_TEXTS:
        sentence += (f"; only {total:,} {texts}, under {FEW_TEST_TEXTS}: one text more or less right moves the "
                     f"accuracy by {1 / total:.1%}, so this number is uncertain")
    return sentence
