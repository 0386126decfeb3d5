"""Own labelled texts (issue 10): every bad file gets a clear message; CSV, TSV, pasted lines, quotes spanning lines,
German and Japanese parse; a generated German + English sample trains above chance, is inspectable, and the CLI
trains on the same file."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from own_data_samples import japanese_rows, to_csv, to_pasted, two_language_rows

from rnn_demo.__main__ import main
from rnn_demo.core import own_data, text
from rnn_demo.core.config import ModelConfig, RunConfig, TextConfig, TrainConfig
from rnn_demo.model import inspect, training
from rnn_demo.model.models import load_bundle

ROWS = two_language_rows(per_label=120)


def parse_csv(content: str, name: str = "reviews.csv", encoding: str = "utf-8") -> own_data.OwnData:
    return own_data.parse(content.encode(encoding), name=name)


def rows_csv(per_label: int, first: str = "pos", second: str = "neg") -> str:
    return "text,label\n" + "".join(f"text number {i},{label}\n" for label in (first, second) for i in range(per_label))


# ------------------------------------------------------------------------------------------------ good files


def test_csv_gives_texts_labels_mapping_and_a_stratified_split():
    own = parse_csv(to_csv(ROWS))
    assert (own.mapping.negative, own.mapping.positive) == ("neg", "pos")
    assert own.mapping.rule == "'pos' is a known positive label"
    assert own.reviews.texts == tuple(text_ for text_, _ in ROWS)
    assert own.reviews.labels.tolist() == [int(label == "pos") for _, label in ROWS]
    assert own.counts() == {"neg": 120, "pos": 120, "train": 192, "validation": 24, "test": 24}
    for part in (own.splits.train, own.splits.validation, own.splits.test):
        assert np.mean(part.labels) == 0.5  # stratified: both labels equally often in every split
    assert not set(own.splits.train.texts) & set(own.splits.test.texts) - set(own.splits.train.texts)


@pytest.mark.parametrize("delimiter, name", [("\t", "reviews.tsv"), (";", "reviews.csv"), ("|", "reviews.txt")])
def test_tsv_and_other_delimiters_are_found_from_the_header(delimiter, name):
    own = parse_csv(to_csv(ROWS, delimiter), name)
    assert own.reviews.texts == tuple(text_ for text_, _ in ROWS) and own.counts()["pos"] == 120
    assert own.notes[0].startswith("Read as a table separated by")


def test_pasted_lines_label_tab_text_with_or_without_a_header_and_either_column_order():
    expected = tuple(text_ for text_, _ in ROWS)
    assert own_data.parse(to_pasted(ROWS)).reviews.texts == expected
    assert own_data.parse("label\ttext\n" + to_pasted(ROWS)).reviews.texts == expected
    reversed_lines = "".join(f"{text_}\t{label}\n" for text_, label in ROWS)
    swapped = own_data.parse(reversed_lines)
    assert swapped.reviews.texts == expected and "the label second" in " ".join(swapped.notes)


def test_quotes_spanning_lines_make_one_row_and_formulas_stay_text():
    rows = [("first line\nsecond line, with a comma and \"quotes\"", "pos"), ("=SUM(A1:A9)", "neg"),
            ("@cmd|' /C calc'!A0", "neg")] + ROWS
    own = parse_csv(to_csv(rows))
    assert len(own.reviews) == len(rows)
    assert own.reviews.texts[:3] == ("first line\nsecond line, with a comma and \"quotes\"", "=SUM(A1:A9)",
                                     "@cmd|' /C calc'!A0")


def test_extra_columns_blank_lines_and_rows_without_a_label_are_handled_and_counted():
    content = "id,Label , TEXT,source\n" + "".join(f"{i},{label},{text_},web\n\n"
                                                    for i, (text_, label) in enumerate(ROWS))
    own = parse_csv(content + "999,,no label here,web\n")
    assert len(own.reviews) == len(ROWS) and "1 row(s) without a text or a label were skipped" in own.notes[0]


def test_german_text_in_latin1_is_read_with_a_stated_fallback_and_utf16_is_read_too():
    csv_text = to_csv(ROWS)
    latin = own_data.parse(csv_text.encode("cp1252"), name="excel.csv")
    assert latin.reviews.texts == parse_csv(csv_text).reviews.texts  # "großartig", "geärgert" intact
    assert any("not UTF-8" in note and "Windows-1252" in note for note in latin.notes)
    utf16 = own_data.parse(csv_text.encode("utf-16"), name="unicode.txt")
    assert utf16.reviews.texts == latin.reviews.texts
    assert "großartig" in text.tokenize(" ".join(latin.reviews.texts))


def test_japanese_without_spaces_is_one_token_per_character():
    own = parse_csv(to_csv(japanese_rows()))
    assert (own.mapping.negative, own.mapping.positive) == ("ネガティブ", "ポジティブ")
    sample = "この映画はとても良かった。"
    assert sample in own.reviews.texts
    assert text.tokenize(sample) == ["こ", "の", "映", "画", "は", "と", "て", "も", "良", "か", "っ", "た", "。"]


@pytest.mark.parametrize("labels, negative, positive, rule", [
    ({"1", "0"}, "0", "1", "larger number"),
    ({"1", "2"}, "1", "2", "larger number"),  # star ratings: "1" is a number here, not a known positive spelling
    ({"-1", "+1"}, "-1", "+1", "larger number"),
    ({"good", "bad"}, "bad", "good", "known positive"),
    ({"positif", "négatif"}, "négatif", "positif", "known positive"),
    ({"schlecht", "lecker"}, "schlecht", "lecker", "known negative"),
    ({"2", "10"}, "2", "10", "larger number"),  # numerically, not alphabetically
    ({"yes", "no"}, "no", "yes", "known positive"),
    ({"sport", "politics"}, "politics", "sport", "alphabetical"),
])
def test_label_mapping_rule(labels, negative, positive, rule):
    mapping = own_data.label_mapping(labels)
    assert (mapping.negative, mapping.positive) == (negative, positive) and rule in mapping.rule


def test_swap_exchanges_the_labels():
    own = own_data.parse(to_pasted(ROWS), swap=True)
    assert (own.mapping.negative, own.mapping.positive) == ("pos", "neg")
    assert own.reviews.labels.tolist() == [int(label == "neg") for _, label in ROWS]


# ------------------------------------------------------------------------------------------------ bad files


@pytest.mark.parametrize("raw, message", [
    (b"", "is empty"),
    (b"\n \r\n\t\n", "is empty"),
    (b"text,label\n", "has a header but no rows"),
    (b"text,label\n,\n,\n", "has a header but no rows"),
    (b"PK\x03\x04" + bytes(range(256)) * 4, "binary file"),
    (pickle.dumps({"text": "x", "label": 1}), "binary file"),
    (bytes(range(256)) * 40, "binary file"),
    (b"review,sentiment\ngreat,pos\n", "lacks the columns"),
    (rows_csv(60, "pos", "pos").encode(), "every row has the label 'pos'"),
    (("text,label\n" + "".join(f"t{i},{i % 3}\n" for i in range(300))).encode(), "3 different labels"),
    (b"text,label\n" + b"".join(b"t%d,%s\n" % (i, b"pos" if i < 49 else b"neg") for i in range(200)),
     "only 49 row(s) have the label 'pos'"),
    (b"text,label\n\"never closed,pos\n" + rows_csv(60).encode(), "quoting is broken"),
    (b"text,label\n\"a\"b,pos\n", "line 2: the file's quoting is broken"),
    ("text,label\n".encode() + f"\"{'long ' * 5000}\",pos\n".encode(), "over 20,000 characters"),
    ("text,label\n".encode() + f"\"{'long ' * 40_000}\",pos\n".encode(), "line 2 holds a text over 20,000"),
])
def test_bad_file_gives_a_clear_message(raw, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        own_data.parse(raw, name="upload.csv")


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(ValueError, match=r"upload.csv is 10.0 MB; the limit is 5 MB"):
        own_data.parse(b"x" * (10 * 2**20), name="upload.csv")


def test_a_million_tiny_rows_hit_the_row_limit():
    raw = b"text,label\n" + b"a,1\n" * 1_000_000  # 4 MB: under the size limit
    assert len(raw) < own_data.MAX_FILE_BYTES
    with pytest.raises(ValueError, match="more than 50,000 rows"):
        own_data.parse(raw, name="tiny.csv")
    with pytest.raises(ValueError, match="more than 50,000 lines"):
        own_data.parse("1\ta\n" * 1_000_000)


def test_pasted_lines_without_a_tab_name_the_line():
    with pytest.raises(ValueError, match="line 3 has no tab"):
        own_data.parse("pos\tgood\nneg\tbad\npos good film\n")


# ------------------------------------------------------------------------------------------------ training


TINY = RunConfig(name="own", text=TextConfig(vocab_size=10_000, maxlen=20), model=ModelConfig(embedding_dim=8, units=8),
                 train=TrainConfig(epochs=8, batch_size=16, learning_rate=1e-2, seed=3))


def test_a_two_language_sample_trains_above_chance_and_is_inspectable():
    own = parse_csv(to_csv(two_language_rows(per_label=150, seed=1, noise=0.1)))  # 10% of labels wrong
    config, note = own_data.fit_config(TINY, own)
    assert config.text.vocab_size < TINY.text.vocab_size and f"{config.text.vocab_size:,} ids" in note
    bundle = training.train(config, own.splits)
    # 30 test texts never trained on; chance is 50%, and 10% noise caps the expected accuracy near 90%.
    assert bundle.metrics["test_reviews"] == 30 and bundle.metrics["test_accuracy"] >= 0.75, bundle.metrics
    examples = own_data.test_examples(own)
    assert len(examples) == 6 and set(examples.values()) <= set(own.splits.test.texts)
    german = next(value for value in own.splits.test.texts if " war " in value)
    result = inspect.inspect(bundle, german)
    assert result.tokens == text.tokenize(german) and not result.review.unknown.all()
    assert result.running_prediction[-1] == pytest.approx(result.prediction, abs=1e-5)


def test_cli_trains_on_a_csv_and_saves_the_label_names(tmp_path, capsys):
    data_file = tmp_path / "mine.csv"
    data_file.write_text(to_csv(two_language_rows(per_label=60)), encoding="utf-8")
    assert main(["train", "--data", str(data_file), "--out", str(tmp_path / "bundle"), "--epochs", "1",
                 "--units", "4", "--embedding-dim", "4", "--maxlen", "12", "--batch-size", "32"]) == 0
    output = capsys.readouterr()
    assert "'neg' -> 0, 'pos' -> 1" in output.err and "test accuracy" in output.out
    bundle = load_bundle(tmp_path / "bundle")
    assert bundle.metrics["labels"] == {"0": "neg", "1": "pos"} and bundle.metrics["test_reviews"] == 12
    assert "großartig" in bundle.vocab.words or "wunderbar" in bundle.vocab.words


def test_cli_reports_a_bad_data_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"review,sentiment\nfine,pos\n")
    assert main(["train", "--data", str(bad), "--out", str(tmp_path / "never")]) == 2
    assert capsys.readouterr().err.startswith("error: bad.csv lacks the columns")
    assert not (tmp_path / "never").exists()


def test_a_small_data_set_gets_enough_gradient_steps_and_the_note_says_how_many():
    """Issue 19: 120 rows with the fast preset (batch 256, 1 epoch) trained ONE gradient step."""
    from rnn_demo.core.config import preset

    own = parse_csv(to_csv(two_language_rows(per_label=60)))
    train_texts = len(own.splits.train)
    fast = preset("fast")
    assert own_data.gradient_steps(train_texts, fast.train.batch_size, fast.train.epochs) == 1
    config, note = own_data.fit_config(fast, own)
    steps = own_data.gradient_steps(train_texts, config.train.batch_size, config.train.epochs)
    assert steps >= own_data.MIN_GRADIENT_STEPS and config.train.batch_size <= own_data.SMALL_BATCH_SIZE
    assert f"{train_texts} training texts at batch size 256 for 1 epoch would be 1 gradient step" in note
    assert (f"batches of {config.train.batch_size} for {config.train.epochs} epochs: {steps:,} gradient steps"
            in note)
    big = parse_csv(to_csv(two_language_rows(per_label=800)))  # 1,280 training texts x 2 epochs at 64: 40 steps
    course = preset("course")
    fitted, _ = own_data.fit_config(course, big)
    assert own_data.gradient_steps(len(big.splits.train), fitted.train.batch_size, fitted.train.epochs) >= 100
    enough = course.with_changes(epochs=10)  # 200 steps already: left alone
    assert own_data.fit_config(enough, big)[0].train == enough.train


def test_an_accuracy_on_few_test_texts_shows_its_95_percent_interval():
    """Issue 19: the page said "100.0% test accuracy" on 12 test texts with no word of how uncertain that is."""
    from rnn_demo.core.accuracy import uncertainty, wilson_interval
    from rnn_demo.model.models import Bundle

    low, high = wilson_interval(1.0, 12)
    assert low == pytest.approx(0.7575, abs=1e-4) and high == 1.0
    low, high = wilson_interval(0.86, 2500)  # the IMDb test split: about ±1.4 points
    assert low == pytest.approx(0.8458, abs=1e-3) and high == pytest.approx(0.8731, abs=1e-3)
    assert "only 12 test texts" in uncertainty(1.0, 12) and "only" not in uncertainty(0.86, 2500)
    with pytest.raises(ValueError, match="at least one test text"):
        wilson_interval(0.5, 0)
    own = Bundle(TINY, None, None, {"test_accuracy": 1.0, "test_reviews": 12, "labels": {"0": "neg", "1": "pos"}})
    shown = own.accuracy_text()
    assert shown.startswith("test accuracy 100.0% on 12 test texts (95% interval 75.8%–100.0%; only 12 test texts")
    imdb = Bundle(TINY, None, None, {"test_accuracy": 0.86, "test_reviews": 2500})
    assert imdb.accuracy_text() == "test accuracy 86.0% on 2,500 test reviews" and imdb.accuracy_uncertainty() is None
