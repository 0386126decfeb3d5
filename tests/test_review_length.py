"""IMDb accuracy by review length: the shipped SimpleRNN bundle differs from the LSTM one only in its cell, groups
are counted and scored right, and the sentence says what the numbers say."""

from __future__ import annotations

import dataclasses

import numpy as np

from rnn_demo.model import models, review_length


def test_shipped_simple_rnn_bundle_differs_from_the_lstm_only_in_its_cell():
    simple, lstm = (models.load_bundle(models.PRETRAINED_MODELS / name) for name in ("simple_rnn", "fast"))
    assert simple.config.model.cell == "simple_rnn" and lstm.config.model.cell == "lstm"
    assert dataclasses.replace(simple.config.model, cell="lstm") == lstm.config.model
    assert simple.config.text == lstm.config.text and simple.config.train == lstm.config.train
    assert type(simple.model.get_layer("simple_rnn")).__name__ == "SimpleRNN"


class _AlwaysPositive:
    """A stand-in Keras model that answers P(positive) = 0.9 for every review."""

    def predict(self, x, batch_size=None, verbose=0):
        return np.full((len(x), 1), 0.9)


def test_groups_are_counted_and_scored():
    lstm = models.load_bundle(models.PRETRAINED_MODELS / "fast")
    bundle = models.Bundle(lstm.config, lstm.vocab, _AlwaysPositive())
    reviews = [["good"] * 50, ["bad"] * 60, ["fine"] * 200, ["long"] * 400]
    rows = review_length.accuracy_by_length({"always positive": bundle}, reviews, np.array([1, 0, 1, 1]))
    assert [(row["reviews"], row["count"], row["accuracy"]) for row in rows] == [
        ("short (≤ 120 words)", 2, 0.5), ("medium (121–250 words)", 1, 1.0), ("long (> 250 words)", 1, 1.0)]


def test_describe_by_length_follows_the_numbers():
    rows = [{"model": m, "reviews": g, "count": 10, "accuracy": a} for m, g, a in [
        ("SimpleRNN", "short", 0.88), ("SimpleRNN", "long", 0.775), ("LSTM", "short", 0.915), ("LSTM", "long", 0.845)]]
    text = review_length.describe_by_length(rows)
    assert "SimpleRNN 88.0% on short reviews and 77.5% on long ones (-10.5 points)" in text
    assert "LSTM is ahead of SimpleRNN by +3.5 points on short reviews and +7.0 on long ones: the gap widens" in text
