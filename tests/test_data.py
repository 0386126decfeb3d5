"""rnn_demo.core.data: the bundled reviews, Keras' download (never reached in tests), aclImdb folders and the splits."""

import re
import urllib.error
from collections import Counter

import keras
import numpy as np
import pytest

from rnn_demo.core import data


@pytest.fixture(scope="module")
def reviews():
    return data.load_bundled()


def _balance(part: data.Reviews) -> int:
    positives = int(part.labels.sum())
    return abs(positives - (len(part) - positives))


def test_bundled_source_gives_25000_balanced_reviews_without_html_breaks(reviews):
    assert len(reviews) == 25_000 == len(reviews.labels)
    assert int(np.sum(reviews.labels == 1)) == 12_500 and int(np.sum(reviews.labels == 0)) == 12_500
    assert not [t for t in reviews.texts if re.search(r"<\s*br", t, re.IGNORECASE)]
    assert all(t.strip() for t in reviews.texts)
    assert len(data.load("bundled")) == 25_000


def test_split_is_stratified_about_80_10_10_and_a_partition(reviews):
    splits = data.split(reviews, seed=0)
    assert (len(splits.train), len(splits.validation), len(splits.test)) == (20_000, 2_500, 2_500)
    for part in (splits.train, splits.validation, splits.test):
        assert _balance(part) <= 1
    # Every review lands in exactly one part (compared as a multiset: IMDb holds a few duplicate texts).
    parts = splits.train.texts + splits.validation.texts + splits.test.texts
    assert Counter(parts) == Counter(reviews.texts)
    assert set(splits.test.texts).isdisjoint(set(splits.train.texts) - _duplicates(reviews))


def _duplicates(reviews: data.Reviews) -> set[str]:
    return {text for text, count in Counter(reviews.texts).items() if count > 1}


def test_split_is_deterministic_for_a_seed(reviews):
    first, second = data.split(reviews, seed=7, subset=500), data.split(reviews, seed=7, subset=500)
    for a, b in ((first.train, second.train), (first.validation, second.validation), (first.test, second.test)):
        assert a.texts == b.texts and np.array_equal(a.labels, b.labels)
    assert data.split(reviews, seed=8, subset=500).train.texts != first.train.texts


def test_subset_keeps_the_balance_and_the_proportions(reviews):
    splits = data.split(reviews, seed=1, subset=1_000)
    assert (len(splits.train), len(splits.validation), len(splits.test)) == (800, 100, 100)
    for part in (splits.train, splits.validation, splits.test):
        assert _balance(part) <= 1
    small = data.split(reviews, seed=1, subset=21)
    assert len(small.train) + len(small.validation) + len(small.test) == 20  # 10 of each label, rounded
    assert min(len(small.train), len(small.validation), len(small.test)) >= 1


@pytest.mark.parametrize("subset", [0, 19, 25_001, -5])
def test_bad_subset_is_refused(reviews, subset):
    with pytest.raises(ValueError, match="subset"):
        data.split(reviews, subset=subset)


@pytest.mark.parametrize("error", [OSError("no route to host"), urllib.error.URLError("offline")])
def test_keras_source_offline_gives_a_clear_message(monkeypatch, error):
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(args)
        raise error

    monkeypatch.setattr(keras.datasets.imdb, "load_data", unreachable)
    monkeypatch.setattr(keras.datasets.imdb, "get_word_index", unreachable)
    with pytest.raises(data.DataUnavailableError, match="offline") as raised:
        data.load("keras")
    assert "bundled" in str(raised.value)  # tells the student what works instead
    assert isinstance(raised.value, ValueError) and calls


def _write_acl_tree(root, layout):
    for (split, label), texts in layout.items():
        folder = root / split / label
        folder.mkdir(parents=True)
        for index, review in enumerate(texts):
            (folder / f"{index}_7.txt").write_text(review, encoding="utf-8")


def test_load_folder_reads_an_aclimdb_tree(tmp_path):
    _write_acl_tree(tmp_path, {
        ("train", "pos"): ["Loved it.<br /><br />Great cast.", "Wonderful"],
        ("train", "neg"): ["Awful<br/>film"],
        ("test", "pos"): ["Superb"],
        ("test", "neg"): ["Boring", "Dull"],
    })
    (tmp_path / "train" / "pos" / "notes.md").write_text("not a review", encoding="utf-8")
    reviews = data.load("folder", folder=tmp_path)
    assert len(reviews) == 6 and int(reviews.labels.sum()) == 3
    by_text = dict(zip(reviews.texts, reviews.labels.tolist()))
    assert by_text["Loved it.  Great cast."] == 1 and by_text["Awful film"] == 0 and by_text["Dull"] == 0
    assert "not a review" not in by_text


def test_load_folder_with_only_a_train_split(tmp_path):
    _write_acl_tree(tmp_path, {("train", "pos"): ["good"], ("train", "neg"): ["bad"]})
    assert data.load_folder(tmp_path).labels.tolist() == [0, 1]


def test_empty_or_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(data.DataUnavailableError, match=re.escape(str(tmp_path))):
        data.load_folder(tmp_path)
    with pytest.raises(ValueError, match="nowhere"):
        data.load_folder(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="folder"):
        data.load("folder")


def test_unknown_source_is_refused():
    with pytest.raises(ValueError, match="bundled"):
        data.load("kaggle")
