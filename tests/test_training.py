"""rnn_demo.model.training on 600 real reviews with a tiny LSTM: progress events, stopping, snapshots, reproducibility."""

import numpy as np
import pytest

from rnn_demo.core import data
from rnn_demo.core.config import preset
from rnn_demo.core.events import ProgressKind
from rnn_demo.model import training
from rnn_demo.model.models import build_classifier

CONFIG = preset("fast").with_changes(vocab_size=2_000, maxlen=80, embedding_dim=8, units=8, epochs=2, batch_size=32,
                                     subset=600, seed=11)
BATCHES_PER_EPOCH = 15  # 480 training reviews / 32


@pytest.fixture(scope="module")
def tokenized():
    splits = data.split(data.load_bundled(), seed=CONFIG.train.seed, subset=CONFIG.train.subset)
    assert (len(splits.train), len(splits.validation), len(splits.test)) == (480, 60, 60)
    return training.tokenize_splits(splits)


@pytest.fixture(scope="module")
def encoded(tokenized):
    return training.encode_splits(CONFIG, tokenized)


@pytest.fixture(scope="module")
def run(encoded):
    events = []
    bundle = training.train(CONFIG, encoded, on_event=events.append)
    return bundle, events
STEP, EPOCH = ProgressKind.STEP, ProgressKind.EPOCH


def _predict(model, rows):
    return np.asarray(model(rows, training=False))[:, 0]


def test_events_arrive_per_batch_and_per_epoch(run):
    bundle, events = run
    kinds = [event.kind for event in events]
    assert kinds.count(STEP) == 2 * BATCHES_PER_EPOCH and kinds.count(EPOCH) == 2 and kinds[-1] is ProgressKind.DONE
    assert kinds.index(EPOCH) == BATCHES_PER_EPOCH  # the first epoch event follows its 15 batches
    progress = [event.fraction_done for event in events]
    assert all(b >= a for a, b in zip(progress, progress[1:])) and progress[0] == pytest.approx(1 / 30)
    assert progress[-1] == 1.0
    batch_events = [event for event in events if event.kind is STEP]
    assert [(e.epoch, e.step_in_epoch, e.step) for e in batch_events[14:16]] == [(1, 15, 15), (2, 1, 16)]
    for event in events:
        assert event.elapsed >= 0 and event.epochs == 2 and event.steps_per_epoch == BATCHES_PER_EPOCH
        assert event.eta is None or event.eta >= 0
    assert [event.eta is None for event in batch_events[:3]] == [True, True, False]  # the first step traces the graph
    for event in batch_events:
        assert event.samples_per_second > 0 and np.isfinite(event.metrics["loss"])
        assert 0 <= event.metrics["accuracy"] <= 1 and "val_accuracy" not in event.metrics
    assert batch_events[-1].eta == pytest.approx(0, abs=5)  # only the last validation pass is left
    elapsed = [event.elapsed for event in events]
    assert all(b >= a for a, b in zip(elapsed, elapsed[1:]))
    for event in (e for e in events if e.kind is EPOCH):
        assert 0 <= event.metrics["val_accuracy"] <= 1 and np.isfinite(event.metrics["val_loss"])
    assert [row["epoch"] for row in bundle.metrics["history"]] == [1, 2]


def test_the_training_curve_does_not_restart_at_each_epoch(run):
    """Keras logs running means that restart at every epoch (a sawtooth); the events carry each batch's value,
    smoothed across epochs, so the first batch of epoch 2 lies close to the last batch of epoch 1."""
    _, events = run
    losses = [event.metrics["loss"] for event in events if event.kind is STEP]
    end_of_first, start_of_second = losses[BATCHES_PER_EPOCH - 1], losses[BATCHES_PER_EPOCH]
    typical_step = np.median(np.abs(np.diff(losses)))
    assert abs(start_of_second - end_of_first) <= 3 * typical_step + 1e-9


def test_test_metrics_include_a_confusion_matrix(run, encoded):
    bundle, _ = run
    metrics = bundle.metrics
    confusion = np.array(metrics["confusion"])
    assert confusion.shape == (2, 2) and confusion.sum() == metrics["test_reviews"] == 60
    assert confusion.sum(axis=1).tolist() == [30, 30]  # true negatives + false positives = the 30 negative reviews
    assert metrics["test_accuracy"] == pytest.approx(np.trace(confusion) / 60)
    predicted = _predict(bundle.model, encoded.x_test) >= 0.5
    assert metrics["test_accuracy"] == pytest.approx(np.mean(predicted == encoded.y_test))
    assert metrics["train_reviews"] == 480 and metrics["epochs_completed"] == 2 and not metrics["stopped_early"]
    assert bundle.vocab.size == CONFIG.text.vocab_size


def test_one_snapshot_per_epoch_and_at_epoch_uses_it(run, encoded):
    bundle, _ = run
    assert len(bundle.snapshots) == 2
    rows = encoded.x_test[:20]
    first = bundle.at_epoch(1)
    reference = build_classifier(CONFIG)
    reference.set_weights(bundle.snapshots[0])
    np.testing.assert_allclose(_predict(first.model, rows), _predict(reference, rows), atol=1e-6)
    assert first.metrics["epoch"] == 1
    assert not np.allclose(_predict(first.model, rows), _predict(bundle.model, rows))  # epoch 2 moved on
    np.testing.assert_allclose(_predict(bundle.at_epoch(2).model, rows), _predict(bundle.model, rows), atol=1e-6)
    for epoch in (0, 3):
        with pytest.raises(ValueError, match="epoch"):
            bundle.at_epoch(epoch)


def test_same_seed_gives_identical_weights(run, tokenized):
    bundle, _ = run
    again = training.train(CONFIG, tokenized)  # from token lists this time: the same vocabulary is rebuilt
    assert again.vocab == bundle.vocab
    for a, b in zip(bundle.model.get_weights(), again.model.get_weights()):
        assert np.allclose(a, b, atol=1e-6)
    assert again.metrics["confusion"] == bundle.metrics["confusion"]


def test_stop_flag_ends_training_promptly_and_keeps_a_usable_model(encoded):
    events = []
    stop_after = 3
    bundle = training.train(CONFIG, encoded, on_event=events.append,
                            should_stop=lambda: sum(e.kind is STEP for e in events) >= stop_after)
    batches = [event for event in events if event.kind is STEP]
    assert stop_after <= len(batches) <= stop_after + 1
    assert [event.kind for event in events if event.kind is not STEP] == [ProgressKind.STOPPED]
    metrics = bundle.metrics
    assert metrics["stopped_early"] and metrics["epochs_completed"] == 0 and bundle.snapshots == []
    assert sum(map(sum, metrics["confusion"])) == metrics["test_reviews"] == 60
    probabilities = _predict(bundle.model, encoded.x_test)
    assert probabilities.shape == (60,) and np.all((probabilities >= 0) & (probabilities <= 1))
    untrained = build_classifier(CONFIG)
    assert not np.allclose(untrained.get_weights()[0], bundle.model.get_weights()[0])  # it did learn a little


def test_training_refuses_a_vocabulary_the_data_cannot_fill(tokenized):
    with pytest.raises(ValueError, match="vocab_size"):
        training.train(CONFIG.with_changes(vocab_size=150_000), tokenized)


def test_a_kept_model_holds_weights_only_and_names_its_accuracy(run):
    bundle, _ = run
    assert not bundle.model.compiled  # no optimizer: Adam's moments (2x the weights) are not kept with the run
    metrics = bundle.metrics
    assert metrics["validation_reviews"] == 60
    # 60 test reviews are under accuracy.FEW_TEST_TEXTS: the accuracy says how uncertain it is
    assert bundle.accuracy_text().startswith(f"test accuracy {metrics['test_accuracy']:.1%} on 60 test reviews "
                                             "(95% interval ")
    assert "only 60 test reviews, under 100" in bundle.accuracy_text()
    first = bundle.metrics["history"][0]["val_accuracy"]
    assert bundle.at_epoch(1).accuracy_text() == f"validation accuracy after epoch 1: {first:.1%} on 60 validation reviews"


def test_tokenized_reviews_give_the_same_splits_and_tokenise_each_review_once(tokenized):
    reviews = training.TokenizedReviews(data.load_bundled())
    assert reviews.tokenized_count == 0  # nothing is tokenised before a split asks for it
    small = reviews.splits(seed=CONFIG.train.seed, subset=600)
    assert small.train == tokenized.train and small.test == tokenized.test
    assert (small.validation_labels == tokenized.validation_labels).all()
    assert reviews.tokenized_count == 600
    larger = reviews.splits(seed=CONFIG.train.seed, subset=800)
    assert reviews.tokenized_count == 800  # a larger subset of the same seed holds the smaller one: 200 more
    shared = {id(tokens) for tokens in small.train + small.validation + small.test}
    in_both = [tokens for tokens in larger.train + larger.validation + larger.test if id(tokens) in shared]
    assert len(in_both) == 600  # the same token lists, not copies


def test_trainings_of_the_same_text_settings_share_one_read_only_encoding_and_train_as_before():
    from rnn_demo.serving import plain_training

    tiny = CONFIG.with_changes(subset=200, vocab_size=400, maxlen=30, embedding_dim=4, units=4, epochs=1,
                               batch_size=16, seed=7)
    encoded = lambda run: plain_training.encoded_splits("bundled", run.train.seed, run.train.subset, run.text)  # noqa: E731
    shared = encoded(tiny)
    assert encoded(tiny.with_changes(units=8, learning_rate=1e-2)) is shared
    assert encoded(tiny.with_changes(maxlen=40)) is not shared
    assert encoded(tiny.with_changes(seed=8)) is not shared
    assert not shared.x_train.flags.writeable and not shared.y_test.flags.writeable
    in_worker = plain_training.train_imdb_plain(tiny.to_dict(), "bundled", lambda event: None, lambda: False)
    splits = data.split(data.load_bundled(), seed=7, subset=200)
    here = training.train(tiny, splits)
    assert in_worker["vocab"] == list(here.vocab.words)
    for a, b in zip(in_worker["weights"], here.model.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_a_warming_worker_encodes_the_default_preset_before_the_first_training():
    from rnn_demo.serving import plain_training, worker_pool

    text_config = CONFIG.with_changes(vocab_size=300, maxlen=25).text
    worker_pool._warm(worker_pool.WarmUp("bundled", 7, 200, text_config))
    hits = plain_training.encoded_splits.cache_info().hits
    plain_training.encoded_splits("bundled", 7, 200, text_config)
    assert plain_training.encoded_splits.cache_info().hits == hits + 1
