"""rnn_demo.core.text: standardising, tokenising, the vocabulary, encoding, pre-padding, and why pre-padding matters."""

import json

import keras
import numpy as np
import pytest

from rnn_demo.core import text
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model.models import build_classifier, compile_classifier


@pytest.fixture(scope="module")
def small_vocab():
    return text.Vocabulary.build([text.tokenize("a good film, a good story. a bad end")], vocab_size=8)


# ------------------------------------------------------------------------------------------------ standardising


def test_standardize_strips_line_breaks_and_lowercases_any_script():
    assert text.tokenize("Great<br />film<BR>and<br/>more") == ["great", "film", "and", "more"]
    assert "<br" not in text.standardize("one<br /><br />two")
    assert text.standardize("ÇA VA") == "ça va"
    assert text.tokenize("ÉNORME Straße ΚΑΛΌ") == ["énorme", "straße", "καλό"]


def test_lone_surrogates_become_the_replacement_character_and_pairs_join():
    """Half of an emoji (a lone UTF-16 surrogate) cannot be encoded as UTF-8: left in, it broke every place that
    sends the words on (the browser connection, JSON, the terminal)."""
    assert text.tokenize("good \ud800 film") == ["good", text.UNREADABLE, "film"]
    assert text.tokenize("x\udfff") == ["x", text.UNREADABLE]
    assert text.standardize("a \ud83d\ude00") == "a \U0001f600"  # a surrogate pair is one emoji
    for typed in ("good \ud800 film", "\udc00" * 3, "\ud83d"):
        json.dumps(text.tokenize(typed), ensure_ascii=False).encode("utf-8")  # raised UnicodeEncodeError before
    assert text.unreadable_note("good \ud800 film \ufffd").startswith("2 characters of your text could not be read")
    assert text.unreadable_note("good film \U0001f600") is None


def test_tokenize_separates_punctuation_and_keeps_contractions():
    assert text.tokenize("Great, isn't it!") == ["great", ",", "isn't", "it", "!"]
    assert text.tokenize("I don't like it...really") == ["i", "don't", "like", "it", ".", ".", ".", "really"]
    # Curly apostrophes, acute accents and backticks typed as apostrophes all become one: the same vocabulary word.
    assert text.tokenize("It’s fine") == ["it's", "fine"]
    assert text.tokenize("don´t don`t") == ["don't", "don't"]


def test_emoji_cjk_arabic_and_control_characters_give_sensible_tokens():
    assert text.tokenize("loved it 😀👍") == ["loved", "it", "😀", "👍"]
    assert text.tokenize("I ❤️ it") == ["i", "❤️", "it"]  # the variation selector stays with its heart
    # Chinese and Japanese are written without spaces: one token per character (NFKC turns the full-width "！" into "!").
    assert text.tokenize("这部电影很好看！") == ["这", "部", "电", "影", "很", "好", "看", "!"]
    assert text.tokenize("この映画は最高。ｶﾀｶﾅ") == ["こ", "の", "映", "画", "は", "最", "高", "。", "カ", "タ", "カ", "ナ"]
    assert text.tokenize("abc日本def 한국어 영화") == ["abc", "日", "本", "def", "한국어", "영화"]  # Korean keeps its words
    assert text.tokenize("الفيلم رائع جدا") == ["الفيلم", "رائع", "جدا"]  # right-to-left, in reading order
    assert text.tokenize("كَتَبَ الفيلمُ") == ["كَتَبَ", "الفيلمُ"]  # vowel signs stay inside their words
    assert text.tokenize("हिंदी फ़िल्म") == ["हिंदी", "फ़िल्म"]
    assert text.tokenize("bad\x00movie\u200b\u202eworst\x1b\ufeffever") == ["bad", "movie", "worst", "ever"]


# ------------------------------------------------------------------------------------------------ vocabulary


def test_vocabulary_keeps_the_most_common_words_in_order_with_reserved_ids():
    vocab = text.Vocabulary.build([["b", "a", "b", "d"], ["c", "a", "b"]], vocab_size=5)
    assert vocab.words == ("b", "a", "c")  # b x3, a x2, then c before d (ties alphabetically)
    assert vocab.size == 5
    assert [vocab.id_of(word) for word in ("b", "a", "c", "d")] == [2, 3, 4, text.UNKNOWN_ID]
    assert (text.PAD_ID, text.UNKNOWN_ID) == (0, 1)
    assert [vocab.token_of(i) for i in range(5)] == ["<pad>", "<unk>", "b", "a", "c"]


def test_vocabulary_json_round_trip(tmp_path):
    vocab = text.Vocabulary.build([text.tokenize("ça 这部 film film ❤️ don't")], vocab_size=7)
    vocab.save(tmp_path / "vocab.json")
    assert text.Vocabulary.load(tmp_path / "vocab.json") == vocab
    assert json.loads((tmp_path / "vocab.json").read_text(encoding="utf-8"))["words"][0] == "film"


@pytest.mark.parametrize("content", ["{not json", '["a", "b"]', '{"words": "abc"}', None])
def test_corrupt_or_missing_vocabulary_file_names_the_file(tmp_path, content):
    path = tmp_path / "my_vocab.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="my_vocab.json"):
        text.Vocabulary.load(path)


def test_vocab_size_larger_than_the_distinct_words_is_refused():
    with pytest.raises(ValueError, match="vocab_size"):
        text.Vocabulary.build([["only", "three", "words"]], vocab_size=10)
    assert text.Vocabulary.build([["only", "three", "words"]], vocab_size=5).size == 5


# ------------------------------------------------------------------------------------------------ encoding


def test_encode_marks_unknown_words(small_vocab):
    review = text.encode("a good zebra", small_vocab, maxlen=10)
    assert review.tokens == ["a", "good", "zebra"]
    assert review.unknown.tolist() == [False, False, True]
    assert review.ids.dtype == np.int32 and review.ids[2] == text.UNKNOWN_ID
    only_unknown = text.encode("Zebras juggle quietly", small_vocab, maxlen=10)
    assert only_unknown.unknown.all() and (only_unknown.ids == text.UNKNOWN_ID).all()
    assert only_unknown.tokens == ["zebras", "juggle", "quietly"]


def test_a_100000_character_review_is_cut_to_maxlen_and_the_cut_is_reported(small_vocab):
    words = [f"word{k}" for k in range(20_000)]
    long_review = " ".join(words)[:100_000]
    total = len(long_review.split())
    review = text.encode(long_review, small_vocab, maxlen=50)
    assert len(review.tokens) == len(review.ids) == len(review.unknown) == 50
    assert review.truncated and review.total_tokens == total
    assert len(review.cut_tokens) == total - 50
    assert review.tokens == long_review.split()[-50:]  # "pre" keeps the end of the review (its verdict)
    assert review.cut_tokens[:2] == ["word0", "word1"]
    kept_first = text.encode(long_review, small_vocab, maxlen=50, truncating="post")
    assert kept_first.tokens == words[:50] and kept_first.cut_tokens[-1] == long_review.split()[-1]
    short = text.encode("a good film", small_vocab, maxlen=50)
    assert not short.truncated and short.cut_tokens == [] and short.total_tokens == 3


@pytest.mark.parametrize("empty", ["", "   ", "\n\t ", "\x00\u200b"])
def test_empty_or_whitespace_review_is_refused(small_vocab, empty):
    with pytest.raises(ValueError, match="review"):
        text.encode(empty, small_vocab, maxlen=10)


def test_pad_rows_pads_at_the_front_and_cuts_either_end():
    rows = [[5, 6], [7, 8, 9, 10], []]
    assert text.pad_rows(rows, 3).tolist() == [[0, 5, 6], [8, 9, 10], [0, 0, 0]]
    assert text.pad_rows(rows, 3, truncating="post").tolist() == [[0, 5, 6], [7, 8, 9], [0, 0, 0]]
    assert text.pad_rows(rows, 3).dtype == np.int32


def test_encode_many_matches_encode_with_front_padding(small_vocab):
    matrix = text.encode_many(["a good film", "bad"], small_vocab, maxlen=5)
    assert matrix.shape == (2, 5)
    assert matrix[0].tolist() == [0, 0, *text.encode("a good film", small_vocab, 5).ids.tolist()]
    assert matrix[1, :4].tolist() == [0, 0, 0, 0] and matrix[1, 4] == small_vocab.id_of("bad")


# ------------------------------------------------------------------------------------------------ padding


WORDS = [f"w{k}" for k in range(28)]
MAXLEN = 60


def _first_word_task(count: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Short reviews of 3-8 words; the label is 1 when the FIRST word is one of w0..w13, whatever follows."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(count):
        words = rng.choice(len(WORDS), size=rng.integers(3, 9))
        texts.append(" ".join(WORDS[w] for w in words))
        labels.append(float(words[0] < 14))
    return texts, np.array(labels, dtype=np.float32)


def _post_padded(pre_padded: np.ndarray) -> np.ndarray:
    """The same rows with the words moved to the front and the zeros to the back."""
    out = np.zeros_like(pre_padded)
    for index, row in enumerate(pre_padded):
        words = row[row != text.PAD_ID]
        out[index, : len(words)] = words
    return out


def _accuracy_after_training(model, x_train, y_train, x_test, y_test) -> float:
    compile_classifier(model, learning_rate=1e-2)
    model.fit(x_train, y_train, epochs=4, batch_size=32, shuffle=False, verbose=0)  # data is already shuffled
    return float(np.mean((model.predict(x_test, verbose=0)[:, 0] >= 0.5) == y_test))


def test_pre_padding_keeps_the_first_word_but_post_padding_washes_it_out():
    """The label sits in the first word; 52+ padding steps follow it when rows are padded at the back."""
    config = RunConfig(name="padding", text=TextConfig(vocab_size=30, maxlen=MAXLEN),
                       model=ModelConfig(embedding_dim=8, units=8), train=TrainConfig(seed=3))
    train_texts, y_train = _first_word_task(1000, seed=1)
    test_texts, y_test = _first_word_task(500, seed=2)
    vocab = text.Vocabulary.build([text.tokenize(review) for review in train_texts], config.text.vocab_size)
    x_train = text.encode_many(train_texts, vocab, MAXLEN)
    x_test = text.encode_many(test_texts, vocab, MAXLEN)
    assert (x_train[:, : MAXLEN - 8] == text.PAD_ID).all()  # most of every row is padding, at the front

    ours = build_classifier(config)  # Embedding -> LSTM -> Dense, as the app trains it
    plain = keras.models.clone_model(ours)  # the same layers and initial weights
    assert all(np.array_equal(a, b) for a, b in zip(ours.get_weights(), plain.get_weights()))

    assert _accuracy_after_training(ours, x_train, y_train, x_test, y_test) >= 0.9
    post_padded_accuracy = _accuracy_after_training(plain, _post_padded(x_train), y_train, _post_padded(x_test), y_test)
    assert post_padded_accuracy <= 0.7
