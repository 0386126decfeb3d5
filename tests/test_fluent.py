"""Why order matters: the bag of words forgets order by construction; on city pairs never seen together in training,
swapping the two cities cannot change the bag-of-words model's answer, while the LSTM follows the city of growing up."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_demo.lessons import fluent
from rnn_demo.lessons.fluent import (
    COURSE_CLAUSE,
    COURSE_SENTENCE,
    COURSE_SHUFFLED,
    LANGUAGES,
    PLACES,
    bag_of_words,
    make_corpus,
    read_sentence,
    swap_places,
    swap_sentences,
    top_words,
)
from rnn_demo.lessons import fluent_models
from rnn_demo.lessons.fluent_models import BAG_OF_WORDS, LSTM, FluentSettings, train

VOCABULARY = make_corpus().vocabulary


def bag(text: str) -> np.ndarray:
    return bag_of_words(read_sentence(text, VOCABULARY).ids, VOCABULARY.size)


def test_the_course_sentence_and_its_shuffled_words_have_identical_bags():
    course, shuffled = bag(COURSE_CLAUSE), bag(COURSE_SHUFFLED)
    assert np.array_equal(course, shuffled)
    assert course.sum() == 9  # the slide's nine distinct words
    assert not np.array_equal(course, bag("I was born in Paris but I grew up in Rome"))  # a changed word shows


def test_any_order_gives_the_same_bag():
    tokens = read_sentence(COURSE_SENTENCE, VOCABULARY).tokens
    shuffled = " ".join(np.random.default_rng(0).permutation(tokens))
    assert np.array_equal(bag(COURSE_SENTENCE), bag(shuffled))


def test_the_corpus_is_seeded_and_holds_out_city_pairs():
    corpus, again = make_corpus(seed=3), make_corpus(seed=3)
    assert corpus == again and corpus != make_corpus(seed=4)
    assert len(PLACES) >= 15 and len(set(LANGUAGES)) == len(PLACES)
    names = {name.lower(): index for index, place in enumerate(PLACES) for name in place[:2]}
    held = {frozenset(pair) for pair in corpus.held_out_pairs}
    born_first = 0
    for tokens in corpus.train:
        places = [names[token] for token in tokens if token in names]
        assert len(places) == 2 and frozenset(places) not in held
        assert tokens[-1] in (LANGUAGES[places[0]], LANGUAGES[places[1]])
        born_place = names[tokens[tokens.index("born") + 2]]  # every template says "born in <place>"
        grew_up_place = places[1] if born_place == places[0] else places[0]
        assert tokens[-1] == LANGUAGES[grew_up_place]  # the answer: where one grew up, not where one was born
        born_first += born_place == places[0]
    assert 0.3 < born_first / len(corpus.train) < 0.7  # the born city comes first in some sentences, second in others
    assert len({len(tokens) for tokens in corpus.train}) >= 8  # varied lengths


def test_typed_sentences_get_clear_messages():
    with pytest.raises(ValueError, match="empty"):
        read_sentence("   ", VOCABULARY)
    with pytest.raises(ValueError, match="at most"):
        read_sentence("word " * 1000, VOCABULARY)
    read = read_sentence("I grew up in Lyon 🙂 <b>", VOCABULARY)
    assert read.unknown == ["lyon", "🙂", "<", "b", ">"]
    assert list(read.ids[-5:]) == [1] * 5


def test_swap_places_swaps_the_first_two_places():
    assert swap_places(COURSE_SENTENCE) == COURSE_SENTENCE.replace("Paris", "X").replace("Tokyo", "Paris").replace(
        "X", "Tokyo")
    assert swap_places("Born in japan, raised in Paris") == "Born in Paris, raised in japan"
    with pytest.raises(ValueError, match="two different places"):
        swap_places("I grew up in Paris, Paris")


def test_top_words_never_offers_padding_or_unknown():
    probabilities = np.zeros(VOCABULARY.size)
    probabilities[[0, 1]] = 0.4
    probabilities[VOCABULARY.id_of("french")] = 0.2
    assert top_words(probabilities, VOCABULARY, k=1) == [("french", 0.2)]


@pytest.fixture(scope="module")
def models():
    """Both models with the app's own settings (each trains in seconds)."""
    return {kind: train(kind) for kind in (BAG_OF_WORDS, LSTM)}


def test_swapping_held_out_cities_cannot_change_the_bag_of_words_answer(models):
    model = models[BAG_OF_WORDS]
    assert len(model.corpus.held_out_pairs) >= 30
    for pair in model.corpus.held_out_pairs:
        original, swapped = swap_sentences(pair)
        assert original != swapped
        assert np.array_equal(model.probabilities(original), model.probabilities(swapped))
    assert model.held_out.answer_changed == 0.0


def test_the_lstm_follows_the_city_of_growing_up_on_held_out_pairs(models):
    model = models[LSTM]
    follows = []
    for a, b in model.corpus.held_out_pairs:  # born in a, grew up in b; then swapped
        original, swapped = (VOCABULARY.token_of(int(np.argmax(model.probabilities(text))))
                             for text in swap_sentences((a, b)))
        follows.append(original == LANGUAGES[b] and swapped == LANGUAGES[a])
    print(f"\nLSTM follows the grew-up city in both orders on {np.mean(follows):.0%} of "
          f"{len(follows)} held-out pairs; trained in {model.train_seconds:.1f} s")
    assert np.mean(follows) >= 0.9
    assert model.held_out.follows_grew_up == pytest.approx(np.mean(follows))
    ranking = top_words(model.probabilities(COURSE_SENTENCE), model.corpus.vocabulary)
    assert ranking[0][0] == "japanese" and len(ranking) == 5
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)


@pytest.mark.parametrize("seed", [3, 5, 8])
def test_the_lstm_learns_the_point_for_seeds_that_used_to_get_stuck(seed):
    """Issue 22: at the old settings (Adam 1e-2, 8 epochs) seeds 3, 5 and 8 followed the grew-up city on 87%, 5%
    and 47% of held-out pairs; the lesson's LSTM must learn it whatever the seed (seeds 0-9 measured: all 100%)."""
    model = train(LSTM, settings=FluentSettings(seed=seed))
    assert model.held_out.follows_grew_up >= fluent_models.LEARNED_SHARE, model.held_out


def test_a_stopped_training_keeps_its_partial_model():
    model = train(BAG_OF_WORDS, should_stop=lambda: True, settings=FluentSettings(train_sentences=200))
    assert model.stopped
    assert model.probabilities(COURSE_SENTENCE).sum() == pytest.approx(1.0, abs=1e-4)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        train("transformer")
    assert fluent.MAX_WORDS >= 40
