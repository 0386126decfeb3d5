"""The lab's occlusion figures: one sign convention with the rest of the app. A word or sentence that pushes
P(positive) up (dropping it lowers P) is drawn in the positive colour, in word mode and sentence mode alike."""

from __future__ import annotations

import numpy as np
from plotly.colors import find_intermediate_color, hex_to_rgb

from rnn_demo.figures import lab
from rnn_demo.figures.common import NEGATIVE, POSITIVE


def _heatmap_colour(trace, value: float) -> tuple:
    """The colour a heatmap gives `value` (linear in its colour scale between zmin and zmax)."""
    where = (value - trace.zmin) / (trace.zmax - trace.zmin)
    stops = [(float(at), hex_to_rgb(colour) if colour.startswith("#") else colour) for at, colour in trace.colorscale]
    for (low, low_colour), (high, high_colour) in zip(stops, stops[1:]):
        if low <= where <= high:
            return find_intermediate_color(low_colour, high_colour, (where - low) / (high - low))
    raise AssertionError(f"{value} is outside the colour scale")


def test_a_word_that_pushes_towards_negative_is_drawn_in_the_negative_colour_in_both_modes():
    """Issue 19: "bad" (dropping it raises P) was dark green in word mode while sentence mode drew the same sign
    orange (negative)."""
    change = np.array([0.30, -0.20, 0.0])  # dropping "bad" raises P(positive) by 0.3; dropping "great" lowers it
    words = lab.occlusion_words_figure(["bad", "great", "film"], [False, False, False], change).data[0]
    z = np.asarray(words.z, dtype=float).ravel()
    assert z[0] < 0 < z[1]  # drawn as pushes: with the word minus without it
    assert _heatmap_colour(words, z[0]) == hex_to_rgb(NEGATIVE)
    assert _heatmap_colour(words, words.zmax) == hex_to_rgb(POSITIVE)
    bars = lab.occlusion_sentences_figure(["It is bad.", "It is great.", "A film."], change).data[0]
    assert list(bars.marker.color[:2]) == [NEGATIVE, POSITIVE]
    assert list(bars.x[:2]) == [-0.30, 0.20]
