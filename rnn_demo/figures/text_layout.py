"""Where words go when a figure sets them as running text: each word's width estimated from its characters, and the
words wrapped into lines of a given width, as a browser would wrap a paragraph. Plotly cannot measure text, so the
estimate errs on the wide side: a word's box may be a little wider than the word, never narrower."""

from __future__ import annotations

import html
import unicodedata

import numpy as np

# Character widths in font sizes, a little over Source Sans' (measured in Chromium: "expectations" 0.45 a letter,
# "m" 0.80, "w" 0.70, "i" 0.26): boxes come out a little wide, never narrower than their word.
WIDE_LATIN_EM, NARROW_EM, UPPER_EM, CHAR_EM = 0.85, 0.35, 0.68, 0.58
WIDE_LATIN, NARROW = set("mwMW@%"), set("ijlftrI.,;:!'|()[]-")
WIDE_CHAR_EM = 1.15  # CJK, full-width forms and emoji take a whole em, plus room for fallback fonts
WORD_PADDING_EM = 0.7  # inside a word's box, both sides together: the coloured box frames the word
WORD_GAP_EM = 0.3  # between two boxes, so each word's colour stands on its own


def word_px(label: str, font_size: int) -> float:
    """Estimated width in px of the (HTML-escaped) `label` at `font_size`, with its box's padding."""
    text = html.unescape(label)
    ems = sum(0.0 if unicodedata.combining(char) else
              WIDE_CHAR_EM if unicodedata.east_asian_width(char) in "WF" or ord(char) > 0x1F000 else
              WIDE_LATIN_EM if char in WIDE_LATIN else NARROW_EM if char in NARROW else
              UPPER_EM if char.isupper() else CHAR_EM for char in text)
    return (ems + WORD_PADDING_EM) * font_size


def wrap(labels: list[str], font_size: int, line_px: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each label's line (0 = top), left edge and width in px, filling lines of `line_px` from the left; a word wider
    than a line gets a line of its own."""
    gap = WORD_GAP_EM * font_size
    lines, lefts, widths = np.zeros(len(labels), int), np.zeros(len(labels)), np.zeros(len(labels))
    line, x = 0, 0.0
    for index, label in enumerate(labels):
        width = word_px(label, font_size)
        if x > 0 and x + width > line_px:
            line, x = line + 1, 0.0
        lines[index], lefts[index], widths[index] = line, x, width
        x += width + gap
    return lines, lefts, widths
