"""An IMDb training whose result travels as plain values, for trainings run in another process: a local worker
(`rnn_demo.serving.worker_pool`) or a Dask worker (`rnn_demo.serving.cluster`).

`relayed_imdb_training(relay, config, source)` is the one crossing, whichever backend relays: the settings go as
`config.to_dict()`, `train_imdb_plain(...)` reads them back once in the worker, trains, and returns weights (numpy
arrays), vocabulary, metrics and per-epoch snapshots; `bundle_from_plain(config, ...)` puts them in a Bundle in the
server, with the server's own config and the architecture from code + config. No model object is ever pickled.
Importing this module imports no TensorFlow.
"""

from __future__ import annotations

import functools
from typing import Callable


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


def relayed_imdb_training(relay: Callable, config, source: str = "bundled") -> Callable:
    """The work function (for `rnn_demo.serving.jobs.Job`) of an IMDb training of `config` that `relay(task, *args)`
    runs in another process; its result is a Bundle of this very `config`, as a training in the server's is. The
    settings cross the boundary in one plain form, `config.to_dict()`, read back once there (`train_imdb_plain`)."""
    relayed = relay(train_imdb_plain, config.to_dict(), source)
    return lambda on_event, should_stop: bundle_from_plain(config, relayed(on_event, should_stop))


def train_imdb_plain(config_dict: dict, source: str, on_event, should_stop) -> dict:
    """Train in this (worker) process; return the trained model as plain values (see `bundle_from_plain`)."""
    from rnn_demo.model import runtime

    runtime.configure_threads()  # a worker that has not run TensorFlow yet takes the app's thread pools
    from rnn_demo.core.config import RunConfig
    from rnn_demo.model import training

    config = RunConfig.from_dict(config_dict)
    bundle = training.train(config, encoded_splits(source, config.train.seed, config.train.subset, config.text),
                            on_event, should_stop)
    return {"vocab": list(bundle.vocab.words), "weights": bundle.model.get_weights(), "metrics": bundle.metrics,
            "snapshots": bundle.snapshots}


def bundle_from_plain(config, plain: dict):
    """In the server: the Bundle of a training of `config` from its weights, vocabulary and metrics; the
    architecture comes from code + config, as when a bundle is loaded from disk."""
    from rnn_demo.core.text import Vocabulary
    from rnn_demo.model.models import Bundle, build_classifier

    model = build_classifier(config)
    model.set_weights(plain["weights"])
    return Bundle(config, Vocabulary(tuple(plain["vocab"])), model, plain["metrics"], plain["snapshots"])
