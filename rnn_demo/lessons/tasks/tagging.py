"""Many-to-many, synced ("named entity recognition"): tag every word of a sentence as a person (PER), a place (LOC)
or other (O). Sentences come from templates; some names (paris, jordan, sydney...) can be a person or a place, so
the state has to carry the words before them. Unknown words map to one shared id and are tagged from context."""

from __future__ import annotations

import re

import keras
import numpy as np
from keras import layers

from rnn_demo.lessons.tasks.common import (
    Events,
    StopFlag,
    TaskResult,
    check_seed,
    fit,
    initializers,
)

PERSONS = "anna omar maria james sofia ravi chen lucas emma noah yuki fatima peter olga tom".split()
PLACES = "london tokyo lagos lima cairo berlin delhi oslo rome boston madrid seoul nairobi vienna quito".split()
EITHER = "paris jordan sydney florence georgia victoria austin chelsea".split()  # a person or a place, by context
TEMPLATES = (  # {P} = a person slot, {L} = a place slot
    "{P} lives in {L}",
    "{P} flew to {L} with {P}",
    "yesterday {P} met {P} in {L}",
    "{P} was born in {L} but grew up in {L}",
    "i was born in {L} but i grew up in {L}",
    "{P} and {P} moved to {L}",
    "the train from {L} to {L} was late",
    "{P} called {P} from {L}",
    "we visited {L} last summer with {P}",
    "my friend {P} works in {L}",
    "{P} says {L} is lovely in spring",
    "last year {P} taught {P} in {L}",
    "{L} is far from {L}",  # a sentence that opens with a place: an ambiguous first word cannot be settled yet
    "{L} has a famous museum",
)
TAGS = ("O", "PER", "LOC")
PAD, UNKNOWN = "<pad>", "<unknown>"
_TEMPLATE_WORDS = sorted({w for t in TEMPLATES for w in t.split() if not w.startswith("{")})
VOCAB = (PAD, UNKNOWN, *_TEMPLATE_WORDS, *PERSONS, *PLACES, *EITHER)  # 0 = padding, 1 = unknown word
WORD_ID = {word: i for i, word in enumerate(VOCAB)}
MAX_WORDS = 12  # longest sentence the page accepts (the longest template has 10 words)
UNKNOWN_RATE = 0.1  # in training, this share of names becomes <unknown>, so the model learns to tag them by context


def make_sentences(n: int, seed: int) -> list[tuple[list[str], list[str]]]:
    """`n` generated sentences as (words, tags); names fill the slots, drawn with a Generator seeded by `seed`."""
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(n):
        words, tags = [], []
        for token in TEMPLATES[rng.integers(len(TEMPLATES))].split():
            if token in ("{P}", "{L}"):
                names = PERSONS if token == "{P}" else PLACES
                pool = EITHER if rng.random() < 0.3 else names
                words.append(UNKNOWN if rng.random() < UNKNOWN_RATE else str(pool[rng.integers(len(pool))]))
                tags.append("PER" if token == "{P}" else "LOC")
            else:
                words.append(token)
                tags.append("O")
        sentences.append((words, tags))
    return sentences


def encode(sentences) -> tuple[np.ndarray, np.ndarray]:
    """Word ids and tag ids, both (n, MAX_WORDS), padded with 0 after the sentence."""
    x = np.zeros((len(sentences), MAX_WORDS), dtype="int32")
    y = np.zeros((len(sentences), MAX_WORDS), dtype="int32")
    for row, (words, tags) in enumerate(sentences):
        x[row, :len(words)] = [WORD_ID.get(w, 1) for w in words]
        y[row, :len(tags)] = [TAGS.index(t) for t in tags]
    return x, y


def build_model(units: int = 32, embedding_dim: int = 16, seed: int = 0) -> keras.Model:
    """Embedding (padding masked) -> LSTM returning every step's state -> Dense softmax over the tags at each step."""
    init = initializers(seed)
    words = keras.Input((None,), dtype="int32", name="words")  # (batch, time)
    x = layers.Embedding(len(VOCAB), embedding_dim, mask_zero=True, name="embedding",
                         embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seed))(words)
    states = layers.LSTM(units, return_sequences=True, name="lstm", **init(recurrent=True))(x)  # (batch, time, units)
    tags = layers.TimeDistributed(layers.Dense(len(TAGS), activation="softmax", **init()), name="tag")(states)
    model = keras.Model(words, tags, name="tagger")
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    return model


def _accuracies(model: keras.Model, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    predicted = np.asarray(model(x, training=False)).argmax(axis=-1)
    real = x > 0
    names = real & (y > 0)
    correct = predicted == y
    return {"token_accuracy": float(correct[real].mean()), "name_accuracy": float(correct[names].mean())}


def train(epochs: int = 3, n_sentences: int = 2000, batch_size: int = 32, units: int = 32, seed: int = 0,
          on_event: Events = None, should_stop: StopFlag = None) -> TaskResult:
    """Train on `n_sentences` generated sentences; report token accuracy and accuracy on name words (PER/LOC)
    over 500 fresh sentences."""
    check_seed(seed)
    x, y = encode(make_sentences(n_sentences, seed))
    model = build_model(units=units, seed=seed)
    fitted = fit(model, x, y, epochs=epochs, batch_size=batch_size, seed=seed, on_event=on_event,
                 should_stop=should_stop)
    metrics = _accuracies(model, *encode(make_sentences(500, seed + 1)))
    return TaskResult(model, metrics, fitted.seconds, fitted.stopped)


def parse_sentence(text: str) -> list[str]:
    """Lowercased words of `text` without . , ! ? ; : punctuation; ValueError saying what is accepted otherwise."""
    accepted = f"Accepted: a sentence of up to {MAX_WORDS} words, e.g. 'yesterday anna met jordan in paris'"
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"Type a sentence. {accepted}.")
    if re.search(r"[^A-Za-z\s'.,!?;:]", text):
        raise ValueError(f"Use a-z letters, spaces and . , ! ? ; : ' only (no digits or symbols). {accepted}.")
    words = re.sub(r"[.,!?;:]", " ", text.lower()).split()
    if not words:
        raise ValueError(f"Type a sentence. {accepted}.")
    if len(words) > MAX_WORDS:
        raise ValueError(f"At most {MAX_WORDS} words, got {len(words)}. {accepted}.")
    return words


def answer(model: keras.Model, text: str) -> list[dict]:
    """Tag each word of `text`: [{"word", "known", "tag", "probability"}]; unknown words are tagged from context."""
    words = parse_sentence(text)
    ids = np.array([[WORD_ID.get(w, 1) if w not in (PAD, UNKNOWN) else 1 for w in words]], dtype="int32")
    probs = np.asarray(model(ids, training=False))[0]  # (time, tags)
    return [{"word": w, "known": bool(ids[0, t] != 1), "tag": TAGS[int(probs[t].argmax())],
             "probability": float(probs[t].max())} for t, w in enumerate(words)]
