"""Many-to-many, encoder-decoder ("machine translation"): English number words -> digits, e.g.
"three hundred and twelve" -> "312". An encoder LSTM reads the words; its final [h, c] state starts a decoder LSTM
that writes one digit per step (teacher forcing in training, greedy step-by-step decoding when answering)."""

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

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
WORDS = ("<pad>", *ONES, *TENS, "hundred", "and")  # input ids; 0 = padding
WORD_ID = {word: i for i, word in enumerate(WORDS)}
TOKENS = ("<pad>", "<start>", "<end>", *"0123456789")  # output ids; the decoder starts from <start>, stops at <end>
TOKEN_ID = {token: i for i, token in enumerate(TOKENS)}
MAX_WORDS = 5  # longest input: "seven hundred and seventy seven"
MAX_DIGITS = 3  # numbers 0..999
LARGEST = 999


def number_to_words(number: int, with_and: bool = False) -> str:
    """English words for 0..999, e.g. 312 -> "three hundred twelve" ("three hundred and twelve" with `with_and`)."""
    if not 0 <= number <= LARGEST:
        raise ValueError(f"numbers must be between 0 and {LARGEST}, got {number}.")
    hundreds, rest = divmod(number, 100)
    words = [ONES[hundreds], "hundred"] if hundreds else []
    if rest and hundreds and with_and:
        words.append("and")
    if rest >= 20:
        words.append(TENS[rest // 10 - 2])
        if rest % 10:
            words.append(ONES[rest % 10])
    elif rest or not hundreds:
        words.append(ONES[rest])
    return " ".join(words)


def _encode_words(words: list[str]) -> np.ndarray:
    return np.array([WORD_ID[w] for w in words] + [0] * (MAX_WORDS - len(words)), dtype="int32")


def make_data(numbers, seed: int):
    """Encoder inputs (n, MAX_WORDS), decoder inputs and targets (n, MAX_DIGITS + 1) for `numbers`; about half of
    the spellings use "and" (chosen by `seed`)."""
    rng = np.random.default_rng(seed)
    enc, dec_in, dec_out = [], [], []
    for number in numbers:
        enc.append(_encode_words(number_to_words(int(number), with_and=bool(rng.integers(2))).split()))
        digits = [TOKEN_ID[d] for d in str(int(number))]
        pad = [0] * (MAX_DIGITS - len(digits))
        dec_in.append([TOKEN_ID["<start>"], *digits, *pad])
        dec_out.append([*digits, TOKEN_ID["<end>"], *pad])
    return np.array(enc), np.array(dec_in, dtype="int32"), np.array(dec_out, dtype="int32")


def split_numbers(seed: int, test_fraction: float = 0.2):
    """0..999 shuffled by `seed` into (train numbers, held-out numbers): the test numbers are never seen in training."""
    numbers = np.random.default_rng(seed).permutation(LARGEST + 1)
    n_test = int(len(numbers) * test_fraction)
    return numbers[n_test:], numbers[:n_test]


def build_model(units: int = 64, embedding_dim: int = 16, seed: int = 0) -> keras.Model:
    """Encoder LSTM -> final [h, c] -> initial state of a decoder LSTM -> Dense softmax over digit tokens."""
    init = initializers(seed)
    words = keras.Input((None,), dtype="int32", name="words")  # (batch, input steps)
    previous = keras.Input((None,), dtype="int32", name="previous_tokens")  # (batch, output steps), teacher forcing
    x = layers.Embedding(len(WORDS), embedding_dim, mask_zero=True, name="word_embedding",
                         embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seed))(words)
    _, h, c = layers.LSTM(units, return_state=True, name="encoder", **init(recurrent=True))(x)
    y = layers.Embedding(len(TOKENS), embedding_dim, mask_zero=True, name="token_embedding",
                         embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seed + 1))(previous)
    y, _, _ = layers.LSTM(units, return_sequences=True, return_state=True, name="decoder",
                          **init(recurrent=True))(y, initial_state=[h, c])
    probs = layers.Dense(len(TOKENS), activation="softmax", name="next_token", **init())(y)
    model = keras.Model([words, previous], probs, name="number_translator")
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    return model


def train(epochs: int = 15, batch_size: int = 64, units: int = 64, seed: int = 0,
          on_event: Events = None, should_stop: StopFlag = None) -> TaskResult:
    """Train on 80% of 0..999 and report exact-match accuracy of greedy decoding on the unseen 20%."""
    check_seed(seed)
    train_numbers, test_numbers = split_numbers(seed)
    enc, dec_in, dec_out = make_data(train_numbers, seed)
    model = build_model(units=units, seed=seed)
    fitted = fit(model, [enc, dec_in], dec_out, epochs=epochs, batch_size=batch_size, seed=seed,
                 on_event=on_event, should_stop=should_stop)
    test_enc, _, _ = make_data(test_numbers, seed + 1)
    tokens, _ = greedy_decode(model, test_enc)
    exact = np.mean([_digits(row) == str(n) for row, n in zip(tokens, test_numbers)])
    metrics = {"exact_match": float(exact), "test_numbers": len(test_numbers)}
    return TaskResult(model, metrics, fitted.seconds, fitted.stopped)


def _step_models(model: keras.Model):
    """Inference halves sharing the trained layers: words -> [h, c], and (token, h, c) -> (probs, h, c)."""
    words = keras.Input((None,), dtype="int32")
    _, h, c = model.get_layer("encoder")(model.get_layer("word_embedding")(words))
    encoder = keras.Model(words, [h, c])
    token = keras.Input((1,), dtype="int32")
    h_prev, c_prev = keras.Input((model.get_layer("decoder").units,)), keras.Input((model.get_layer("decoder").units,))
    y, h, c = model.get_layer("decoder")(model.get_layer("token_embedding")(token), initial_state=[h_prev, c_prev])
    decoder = keras.Model([token, h_prev, c_prev], [model.get_layer("next_token")(y), h, c])
    return encoder, decoder


def greedy_decode(model: keras.Model, enc: np.ndarray):
    """Encode a batch, then decode one token per step from the encoder's final state, feeding each chosen token
    back in. Returns token ids and their probabilities, both (batch, MAX_DIGITS + 1)."""
    encoder, decoder = _step_models(model)
    h, c = (np.asarray(state) for state in encoder(enc, training=False))  # (batch, units) each
    token = np.full((len(enc), 1), TOKEN_ID["<start>"], dtype="int32")
    chosen, chosen_probs = [], []
    for _ in range(MAX_DIGITS + 1):
        probs, h, c = (np.asarray(out) for out in decoder([token, h, c], training=False))
        probs = probs[:, 0]  # (batch, tokens)
        token = probs.argmax(axis=1).astype("int32")[:, None]
        chosen.append(token[:, 0])
        chosen_probs.append(probs[np.arange(len(enc)), token[:, 0]])
    return np.stack(chosen, axis=1), np.stack(chosen_probs, axis=1)


def _digits(token_row) -> str:
    """The digits before the first <end> (or anything that is not a digit)."""
    text = ""
    for token in token_row:
        if not TOKENS[token].isdigit():
            break
        text += TOKENS[token]
    return text


_SPELLINGS = {number_to_words(n, with_and): str(n) for n in range(LARGEST + 1) for with_and in (False, True)}
ACCEPTED = f"English number words for 0 to {LARGEST} (e.g. 'three hundred and twelve'), using: {', '.join(WORDS[1:])}"


def parse_words(text: str) -> list[str]:
    """Lowercased words of `text` (hyphens split words); ValueError saying what is accepted otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"Type a number in words. Accepted: {ACCEPTED}.")
    if re.search(r"[^A-Za-z\s-]", text):
        raise ValueError(f"Use a-z letters, spaces and hyphens only (no digits or symbols). Accepted: {ACCEPTED}.")
    words = text.lower().replace("-", " ").split()
    if not words:  # only hyphens, e.g. "-----"
        raise ValueError(f"Type a number in words, not only hyphens. Accepted: {ACCEPTED}.")
    unknown = [w for w in words if w not in WORD_ID or w == "<pad>"]
    if unknown:
        raise ValueError(f"Unknown word(s): {', '.join(unknown)}. Accepted: {ACCEPTED}.")
    if len(words) > MAX_WORDS:
        raise ValueError(f"At most {MAX_WORDS} words, got {len(words)}. Accepted: {ACCEPTED}.")
    return words


def reference(words: list[str]) -> str | None:
    """The right digits for correctly spelled number words, else None (e.g. for "hundred hundred")."""
    return _SPELLINGS.get(" ".join(words))


def answer(model: keras.Model, text: str) -> dict:
    """Translate `text` step by step: {"words", "output", "steps": [{"step", "token", "probability"}], "expected"}.
    "expected" is the right digits when `text` is a correctly spelled number, else None."""
    words = parse_words(text)
    tokens, probs = greedy_decode(model, _encode_words(words)[None, :])
    steps = []
    for step, (token, prob) in enumerate(zip(tokens[0], probs[0]), start=1):
        steps.append({"step": step, "token": TOKENS[token], "probability": float(prob)})
        if not TOKENS[token].isdigit():
            break
    return {"words": words, "output": _digits(tokens[0]), "steps": steps, "expected": reference(words)}
