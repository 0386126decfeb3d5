"""IMDb accuracy by review length: does a model that must carry a verdict over many words (SimpleRNN) lose more on
long reviews than an LSTM? Both are scored on the same test reviews, grouped by how many words each has."""

from __future__ import annotations

import numpy as np

from rnn_demo.model.models import Bundle
from rnn_demo.model.training import encode_tokens

LENGTH_GROUPS = ((0, 120, "short (≤ 120 words)"), (121, 250, "medium (121–250 words)"),
                 (251, 10**9, "long (> 250 words)"))  # (fewest words, most words, label)


def accuracy_by_length(bundles: dict[str, Bundle], reviews: list[list[str]], labels: np.ndarray) -> list[dict]:
    """For each model (display name -> bundle) and each length group: {"model", "reviews", "accuracy", "count"} on
    the tokenised `reviews` with 0/1 `labels`. Lengths count a review's words before MaxLen cuts it."""
    lengths = np.array([len(tokens) for tokens in reviews])
    labels = np.asarray(labels).astype(int)
    rows = []
    for name, bundle in bundles.items():
        x = encode_tokens(reviews, bundle.vocab, bundle.config)  # (reviews, maxlen)
        predicted = (bundle.model.predict(x, batch_size=512, verbose=0)[:, 0] >= 0.5).astype(int)
        for fewest, most, label in LENGTH_GROUPS:
            group = (lengths >= fewest) & (lengths <= most)
            if group.any():
                rows.append({"model": name, "reviews": label, "count": int(group.sum()),
                             "accuracy": float((predicted[group] == labels[group]).mean())})
    return rows


def describe_by_length(rows: list[dict]) -> str:
    """How each model's accuracy changes from the shortest to the longest group, and the gap between the models."""
    models = list(dict.fromkeys(row["model"] for row in rows))
    groups = list(dict.fromkeys(row["reviews"] for row in rows))
    score = {(row["model"], row["reviews"]): row["accuracy"] for row in rows}
    first, last = groups[0], groups[-1]
    parts = [f"{model} {score[model, first]:.1%} on {first} reviews and {score[model, last]:.1%} on {last} ones "
             f"({100 * (score[model, last] - score[model, first]):+.1f} points)" for model in models]
    text = "; ".join(parts) + "."
    if len(models) == 2:
        a, b = models
        gap_first, gap_last = (100 * (score[b, g] - score[a, g]) for g in (first, last))
        change = "widens" if abs(gap_last) > abs(gap_first) else "narrows"
        text += (f" {b} is ahead of {a} by {gap_first:+.1f} points on {first} reviews and {gap_last:+.1f} on "
                 f"{last} ones: the gap {change} with length.")
    return text
