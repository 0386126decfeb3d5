"""Why order matters: the course's "I was born in Paris but I grew up in Tokyo. Therefore, I speak fluent ___".

This room holds the bag of words, a generated corpus built for the point (the answer is the language of where one
grew up, not where one was born; the born city comes first in some sentences and second in others) with held-out
city pairs, and two next-word models trained on it: a bag-of-words classifier, which cannot see order, and an LSTM
language model, which reads the words in order. Pure Python + numpy + Keras; no Streamlit.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from rnn_demo.core.text import PAD_ID, UNKNOWN_ID, Vocabulary, tokenize

COURSE_SENTENCE = "I was born in Paris but I grew up in Tokyo. Therefore, I speak fluent"
COURSE_CLAUSE = "I was born in Paris but I grew up in Tokyo"  # the part the slide shuffles
COURSE_SHUFFLED = "grew in Was Tokyo born up but I Paris"  # the slide's shuffled words, as printed
MAX_WORDS = 60  # longest typed sentence read (in words and punctuation marks); the corpus sentences are shorter

# (city, country, language): 20 places, each with its own language.
PLACES = (
    ("Paris", "France", "French"), ("Tokyo", "Japan", "Japanese"), ("Madrid", "Spain", "Spanish"),
    ("Berlin", "Germany", "German"), ("Rome", "Italy", "Italian"), ("Lisbon", "Portugal", "Portuguese"),
    ("Moscow", "Russia", "Russian"), ("Beijing", "China", "Chinese"), ("Seoul", "Korea", "Korean"),
    ("Athens", "Greece", "Greek"), ("Istanbul", "Turkey", "Turkish"), ("Warsaw", "Poland", "Polish"),
    ("Stockholm", "Sweden", "Swedish"), ("Amsterdam", "Netherlands", "Dutch"), ("Cairo", "Egypt", "Arabic"),
    ("Helsinki", "Finland", "Finnish"), ("Budapest", "Hungary", "Hungarian"), ("Hanoi", "Vietnam", "Vietnamese"),
    ("Bangkok", "Thailand", "Thai"), ("Prague", "Czechia", "Czech"),
)
LANGUAGES = tuple(language.lower() for _, _, language in PLACES)

# (subject, subject later in the sentence, "was/were", "speak/speaks", possessive)
PEOPLE = (("I", "I", "was", "speak", "my"), ("She", "she", "was", "speaks", "her"),
          ("He", "he", "was", "speaks", "his"), ("They", "they", "were", "speak", "their"),
          ("We", "we", "were", "speak", "our"), ("Anna", "she", "was", "speaks", "her"),
          ("Omar", "he", "was", "speaks", "his"), ("My friend", "she", "was", "speaks", "her"))
FILLERS = ("", "", " with {poss} grandparents", " near the sea", " for many years", " in a small flat",
           " as a child", " and loved the food there", " before moving away", " with two brothers")
ENDINGS = (". Therefore, {s} {speak} fluent", ", so {s} {speak} fluent", ". Today {s} {speak} fluent",
           ". That is why {s} {speak} fluent")
# {B}: where one was born, {G}: where one grew up. The first three name the born place first, the others second.
TEMPLATES = (
    "{S} {was} born in {B}{f1} but {s} grew up in {G}{f2}{end}",
    "Born in {B}{f1}, {s} grew up in {G}{f2}{end}",
    "{S} {was} born in {B}{f1} and grew up in {G}{f2}{end}",
    "{S} grew up in {G}{f2} although {s} {was} born in {B}{f1}{end}",
    "{S} grew up in {G}{f2}, but {s} {was} born in {B}{f1}{end}",
    "Raised in {G}{f2}, {s} {was} born in {B}{f1}{end}",
)


def sentence(template: int, born: int, grew_up: int, person: int = 0, fillers=(0, 0), ending: int = 0,
             use_country=(False, False)) -> str:
    """One corpus sentence without its answer; `born` and `grew_up` index PLACES, the rest pick the wording."""
    S, s, was, speak, poss = PEOPLE[person]
    place = [PLACES[born][1 if use_country[0] else 0], PLACES[grew_up][1 if use_country[1] else 0]]
    return TEMPLATES[template].format(
        S=S, s=s, was=was, B=place[0], G=place[1], f1=FILLERS[fillers[0]].format(poss=poss),
        f2=FILLERS[fillers[1]].format(poss=poss), end=ENDINGS[ending].format(s=s, speak=speak))


@dataclass(frozen=True)
class Corpus:
    """Token lists that end with the answer (the grew-up place's language), split by city pair."""

    train: tuple[tuple[str, ...], ...]
    held_out: tuple[tuple[str, ...], ...]  # sentences about held_out_pairs only
    held_out_pairs: tuple[tuple[int, int], ...]  # unordered PLACES index pairs never seen together in training
    vocabulary: Vocabulary  # every word of both splits; ids 0 = padding, 1 = unknown


@functools.lru_cache(maxsize=4)  # a corpus is immutable; every page run and training shares it
def make_corpus(seed: int = 0, train_sentences: int = 3000, held_out_share: float = 0.2,
                country_share: float = 0.0) -> Corpus:
    """A seeded corpus: `train_sentences` random sentences about city pairs outside the held-out ones, and 4
    sentences (2 in each order) per held-out pair."""
    rng = np.random.default_rng(seed)
    pairs = list(combinations(range(len(PLACES)), 2))
    order = rng.permutation(len(pairs))
    n_held = max(1, round(held_out_share * len(pairs)))
    held_pairs = tuple(sorted(pairs[i] for i in order[:n_held]))
    train_pairs = [pairs[i] for i in order[n_held:]]

    def random_sentence(born: int, grew_up: int) -> tuple[str, ...]:
        text = sentence(int(rng.integers(len(TEMPLATES))), born, grew_up, int(rng.integers(len(PEOPLE))),
                        tuple(rng.integers(len(FILLERS), size=2)), int(rng.integers(len(ENDINGS))),
                        tuple(rng.random(2) < country_share))
        return (*tokenize(text), LANGUAGES[grew_up].lower())

    train = []
    for _ in range(train_sentences):
        a, b = train_pairs[rng.integers(len(train_pairs))]
        train.append(random_sentence(a, b) if rng.random() < 0.5 else random_sentence(b, a))
    held = [random_sentence(*pair) for a, b in held_pairs for pair in ((a, b), (b, a), (a, b), (b, a))]
    words = sorted({token for tokens in train + held for token in tokens} | set(tokenize(COURSE_SENTENCE)))
    return Corpus(tuple(train), tuple(held), held_pairs, Vocabulary(tuple(words)))


@dataclass(frozen=True)
class ReadSentence:
    """A typed sentence as the models read it."""

    tokens: list[str]
    ids: np.ndarray  # (time,) int32, 1 where a word is unknown
    unknown: list[str]  # the words the vocabulary does not hold, each once, in order


def read_sentence(text: str, vocabulary: Vocabulary) -> ReadSentence:
    """Tokenise a typed sentence; ValueError with a message for a student when it is empty or too long."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("The sentence is empty: type a few words, e.g. the course's sentence.")
    tokens = tokenize(text)
    if not tokens:
        raise ValueError("The sentence has no words the models can read.")
    if len(tokens) > MAX_WORDS:
        raise ValueError(f"The sentence has {len(tokens):,} words and punctuation marks; the models read at most "
                         f"{MAX_WORDS}. Shorten it.")
    ids = np.array([vocabulary.id_of(token) for token in tokens], dtype=np.int32)
    unknown = list(dict.fromkeys(token for token, i in zip(tokens, ids) if i == UNKNOWN_ID))
    return ReadSentence(tokens, ids, unknown)


def bag_of_words(ids, vocabulary_size: int) -> np.ndarray:
    """The bag of words of one sentence: 1.0 for every id that occurs (as the slide lists each word once), else 0.
    Order and repeats are gone by construction. `ids` (time,) -> (vocabulary_size,) float32; padding is ignored."""
    vector = np.zeros(vocabulary_size, dtype=np.float32)
    vector[np.asarray(ids, dtype=np.int64)] = 1.0
    vector[PAD_ID] = 0.0
    return vector


def next_word_examples(corpus_tokens, vocabulary: Vocabulary, maxlen: int, answer_weight: float = 1.0):
    """For the LSTM: ids (n, maxlen) post-padded, next-word targets (n, maxlen) and loss weights (n, maxlen): 1 where
    a next word exists, `answer_weight` where it is the answer (each sentence's last word), 0 on padding. Padding goes
    after the words, so it never reaches an output that is trained."""
    n = len(corpus_tokens)
    ids, targets, weights = (np.zeros((n, maxlen), dtype=dtype) for dtype in ("int32", "int32", "float32"))
    for row, tokens in enumerate(corpus_tokens):
        encoded = [vocabulary.id_of(token) for token in tokens][:maxlen + 1]
        ids[row, :len(encoded) - 1] = encoded[:-1]
        targets[row, :len(encoded) - 1] = encoded[1:]
        weights[row, :len(encoded) - 1] = 1.0
        weights[row, len(encoded) - 2] = answer_weight
    return ids, targets, weights


def prefix_examples(corpus_tokens, vocabulary: Vocabulary):
    """For the bag-of-words model: the bag of every prefix of every sentence (n_prefixes, vocab) and its next word."""
    bags, targets = [], []
    for tokens in corpus_tokens:
        ids = [vocabulary.id_of(token) for token in tokens]
        bag = np.zeros(vocabulary.size, dtype=np.float32)
        for position in range(len(ids) - 1):
            bag[ids[position]] = 1.0
            bags.append(bag.copy())
            targets.append(ids[position + 1])
    return np.array(bags), np.array(targets, dtype=np.int32)


def top_words(probabilities: np.ndarray, vocabulary: Vocabulary, k: int = 5) -> list[tuple[str, float]]:
    """The k most likely next words (padding and unknown never offered) with their probabilities, best first."""
    probabilities = np.asarray(probabilities, dtype=np.float64).copy()
    probabilities[[PAD_ID, UNKNOWN_ID]] = -1.0
    best = np.argsort(-probabilities, kind="stable")[:k]
    return [(vocabulary.token_of(int(i)), float(probabilities[i])) for i in best]


def swap_sentences(pair: tuple[int, int]) -> tuple[str, str]:
    """The course's sentence about a city pair, and the same sentence with the two cities swapped."""
    a, b = pair
    return sentence(0, a, b, ending=0), sentence(0, b, a, ending=0)


_PLACE_NAMES = re.compile(r"\b(" + "|".join(name for place in PLACES for name in place[:2]) + r")\b", re.IGNORECASE)


def swap_places(text: str) -> str:
    """The sentence with its first two different places (cities or countries of PLACES) swapped; ValueError if it
    does not name two."""
    found: list[re.Match] = []
    for match in _PLACE_NAMES.finditer(text):
        if not found or match.group(0).lower() != found[0].group(0).lower():
            found.append(match)
        if len(found) == 2:
            break
    if len(found) < 2:
        raise ValueError("To swap, the sentence must name two different places from the list, e.g. Paris and Tokyo.")
    first, second = found
    return (text[:first.start()] + second.group(0) + text[first.end():second.start()] + first.group(0)
            + text[second.end():])
