"""An IMDb training whose result travels as plain values, for trainings run in another process: a local worker
(`rnn_demo.serving.worker_pool`) or a Dask worker (`rnn_demo.serving.cluster`).

`train_imdb_plain(...)` runs in the worker and returns weights (numpy arrays), config, vocabulary, metrics and
per-epoch snapshots; `bundle_from_plain(...)` rebuilds the Bundle in the server, the architecture from code + config.
No model object is ever pickled. Importing this module imports no TensorFlow.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=2)
def reviews(source: str = "bundled"):
    """The reviews of a source, each tokenised at most once in this process whatever subsets and seeds are asked for
    (`training.TokenizedReviews`; tokenising is the slow part of a small training). Read-only, shared by threads."""
    from rnn_demo.core import data
    from rnn_demo.model import training

    return training.TokenizedReviews(data.load(source))


@functools.lru_cache(maxsize=2)
def encoded_splits(source: str, seed: int, subset: int | None, text_config):
    """The split (seed, subset) of a source as id matrices for `text_config`, made once per process (a whole class
    trains the same preset: the vocabulary and the encoding, ~1 s together, are the same for all). Read-only."""
    from rnn_demo.core.config import RunConfig
    from rnn_demo.model import training

    encoded = training.encode_splits(RunConfig(text=text_config), reviews(source).splits(seed, subset))
    for array in (encoded.x_train, encoded.y_train, encoded.x_validation, encoded.y_validation, encoded.x_test,
                  encoded.y_test):
        array.flags.writeable = False  # shared by every training of these settings in this process
    return encoded


def train_imdb_plain(config_dict: dict, source: str, on_event, should_stop) -> dict:
    """Train in this (worker) process; return the bundle as plain values (see `bundle_from_plain`)."""
    from rnn_demo.model import runtime

    runtime.configure_threads()  # a worker that has not run TensorFlow yet takes the app's thread pools
    from rnn_demo.core.config import RunConfig
    from rnn_demo.model import training

    config = RunConfig.from_dict(config_dict)
    bundle = training.train(config, encoded_splits(source, config.train.seed, config.train.subset, config.text),
                            on_event, should_stop)
    return {"config": config.to_dict(), "vocab": list(bundle.vocab.words), "weights": bundle.model.get_weights(),
            "metrics": bundle.metrics, "snapshots": bundle.snapshots}


def bundle_from_plain(plain: dict):
    """Rebuild a Bundle from weights, config, vocabulary and metrics: the architecture comes from code + config."""
    from rnn_demo.core.config import RunConfig
    from rnn_demo.core.text import Vocabulary
    from rnn_demo.model.models import Bundle, build_classifier

    config = RunConfig.from_dict(plain["config"])
    model = build_classifier(config)
    model.set_weights(plain["weights"])
    return Bundle(config, Vocabulary(tuple(plain["vocab"])), model, plain["metrics"], plain["snapshots"])
