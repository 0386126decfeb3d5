"""The simple RNN cell, step by step, in the course's notation: a SimpleRNN with a few units learns "is this review
positive?" on a tiny word set where "not" flips the verdict ("the movie was not very good" is negative), so its state
must remember whether "not" came before the adjective. For a typed sentence the cell is unrolled with its real
weights: X_t, S_(t-1), W_x, W_s, b, S_t = tanh(X_t·W_x + S_(t-1)·W_s + b) and Y_t = sigmoid(S_t·W_y + b_y).
Pure Python + numpy + Keras; no Streamlit."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import keras
import numpy as np
from keras import layers

from rnn_demo.core.events import Progress
from rnn_demo.core.lstm_math import sigmoid, simple_rnn_outputs, simple_rnn_trace
from rnn_demo.core.text import tokenize
from rnn_demo.lessons.shipped import lesson_directory, read_json, save_weights, write_json
from rnn_demo.lessons.tasks.common import initializers
from rnn_demo.model.progress import KerasProgress

TASK = 'Is this review positive? ("not" before the adjective flips it)'
POSITIVE_WORDS = ("good", "great", "fun")
NEGATIVE_WORDS = ("bad", "boring", "awful")
WORDS = ("the", "movie", "was", "is", "not", "very", "really", *POSITIVE_WORDS, *NEGATIVE_WORDS)  # X_t is one-hot
MAX_WORDS = 12  # longest sentence unrolled (the picture has one column per word)
# The cell's two equations in the course's notation, as LaTeX: what `build_model` computes (a SimpleRNN with tanh, then
# Dense(1, sigmoid) with its bias b_y). Home and the RNN cell page both show these, so the app has one notation.


@dataclass(frozen=True)
class LessonSettings:
    """The tiny task and its training budget (a few seconds on 2 cores)."""

    units: int = 3  # state size: S_t has this many numbers, so W_s is units x units
    sentences: int = 800  # generated training sentences
    epochs: int = 8
    batch_size: int = 64
    learning_rate: float = 0.05  # Adam
    seed: int = 0


def label_of(tokens: list[str]) -> int:
    """1 (positive) when the last adjective is positive and no "not" came before it, or negative after a "not"."""
    adjectives = [i for i, token in enumerate(tokens) if token in POSITIVE_WORDS + NEGATIVE_WORDS]
    if not adjectives:
        raise ValueError("the sentence needs an adjective: " + ", ".join(POSITIVE_WORDS + NEGATIVE_WORDS) + ".")
    last = adjectives[-1]
    negated = "not" in tokens[:last]
    return int((tokens[last] in POSITIVE_WORDS) != negated)


def make_sentences(n: int, seed: int) -> list[list[str]]:
    """Random sentences "[the movie] was|is [not] [very|really] <adjective>"; half of them contain "not"."""
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(n):
        words = ["the", "movie"] if rng.random() < 0.6 else []
        words.append(str(rng.choice(["was", "is"])))
        if rng.random() < 0.5:
            words.append("not")
        if rng.random() < 0.5:
            words.append(str(rng.choice(["very", "really"])))
        words.append(str(rng.choice(POSITIVE_WORDS + NEGATIVE_WORDS)))
        sentences.append(words)
    return sentences


def one_hot(tokens: list[str]) -> np.ndarray:
    """X: one row per word, a 1 in the word's column of WORDS. (time, len(WORDS)) float32."""
    X = np.zeros((len(tokens), len(WORDS)), dtype=np.float32)
    X[np.arange(len(tokens)), [WORDS.index(token) for token in tokens]] = 1.0
    return X


def read_sentence(text: str) -> list[str]:
    """The words of a typed sentence; ValueError with a message for a student if it is empty, too long, or uses
    words outside the lesson's small vocabulary."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("The sentence is empty: type a few words, e.g. 'the movie was not good'.")
    tokens = tokenize(text)
    if not tokens:
        raise ValueError("The sentence has no words. Use these: " + ", ".join(WORDS) + ".")
    if len(tokens) > MAX_WORDS:
        raise ValueError(f"The sentence has {len(tokens)} words; the unrolled picture shows at most {MAX_WORDS}.")
    unknown = list(dict.fromkeys(token for token in tokens if token not in WORDS))
    if unknown:
        raise ValueError(f"This small RNN knows only {len(WORDS)} words ({', '.join(WORDS)}); not: "
                         f"{', '.join(unknown)}.")
    return tokens


def build_model(units: int, learning_rate: float, seed: int) -> keras.Model:
    """One-hot words (time, words) -> SimpleRNN (every step) -> Dense(1, sigmoid): Y_t = P(positive) after word t."""
    init = initializers(seed)
    words = keras.Input((None, len(WORDS)), name="X")  # (batch, time, words)
    # (batch, time, units): S_t after every word, so the page can read Y_t at every step
    states = layers.SimpleRNN(units, return_sequences=True, name="rnn", **init(recurrent=True))(words)
    outputs = layers.Dense(1, activation="sigmoid", name="output", **init())(states)  # (batch, time, 1)
    model = keras.Model(words, [states, outputs], name="simple_rnn_sentiment")
    # Only the output after the last word is trained (its sample weight is 1; the others and the padding have 0).
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=[None, "binary_crossentropy"])
    return model


@dataclass(frozen=True)
class Lesson:
    """The trained SimpleRNN and its weights in the course's names."""

    model: keras.Model
    accuracy: float  # on every distinct sentence the generator can make
    distinct_sentences: int
    train_seconds: float
    stopped: bool = False

    @property
    def weights(self) -> dict[str, np.ndarray]:
        """W_x (words, units), W_s (units, units), b (units,), W_y (units, 1), b_y (1,)."""
        W_x, W_s, b = self.model.get_layer("rnn").get_weights()
        W_y, b_y = self.model.get_layer("output").get_weights()
        return {"W_x": W_x, "W_s": W_s, "b": b, "W_y": W_y, "b_y": b_y}

    def predict(self, tokens: list[str]) -> float:
        """P(positive) after the last word, from the Keras model."""
        return float(np.asarray(self.model(one_hot(tokens)[None], training=False)[1])[0, -1, 0])


def every_sentence() -> list[list[str]]:
    """Every distinct sentence the generator can make (for a fair accuracy)."""
    sentences = []
    for opener in ([], ["the", "movie"]):
        for verb in ("was", "is"):
            for negation in ([], ["not"]):
                for intensifier in ([], ["very"], ["really"]):
                    sentences += [opener + [verb] + negation + intensifier + [adjective]
                                  for adjective in POSITIVE_WORDS + NEGATIVE_WORDS]
    return sentences


def train(on_event: Callable[[Progress], None] = lambda event: None, should_stop: Callable[[], bool] = lambda: False,
          settings: LessonSettings = LessonSettings()) -> Lesson:
    """Train the lesson's SimpleRNN (the job's work); returns it also when stopped early."""
    sentences = make_sentences(settings.sentences, settings.seed)
    maxlen = max(map(len, sentences))
    X = np.zeros((len(sentences), maxlen, len(WORDS)), dtype=np.float32)  # padded after the words (never trained)
    y = np.zeros((len(sentences), maxlen, 1), dtype=np.float32)
    weight = np.zeros((len(sentences), maxlen), dtype=np.float32)
    for row, tokens in enumerate(sentences):
        X[row, :len(tokens)] = one_hot(tokens)
        y[row, :, 0] = label_of(tokens)
        weight[row, len(tokens) - 1] = 1.0
    model = build_model(settings.units, settings.learning_rate, settings.seed)
    rng = np.random.default_rng(settings.seed)
    order = np.concatenate([rng.permutation(len(sentences)) for _ in range(settings.epochs)])
    progress = KerasProgress(on_event, should_stop, epochs=1, steps_per_epoch=-(-len(order) // settings.batch_size),
                             batch_size=settings.batch_size)
    started = time.perf_counter()
    model.fit(X[order], [np.zeros((len(order), maxlen, settings.units), "float32"), y[order]],
              sample_weight=[weight[order], weight[order]], batch_size=settings.batch_size, epochs=1, shuffle=False,
              verbose=0, callbacks=[progress])
    seconds = time.perf_counter() - started
    return scored(model, seconds, progress.stopped)


def scored(model: keras.Model, train_seconds: float, stopped: bool) -> Lesson:
    """The Lesson of a trained `model`, its accuracy measured on every distinct sentence."""
    test = every_sentence()
    lesson = Lesson(model, 0.0, len(test), train_seconds, stopped)
    # The numpy replay gives Keras' numbers (tested) without one eager model call per sentence.
    correct = [(unroll(lesson, tokens).Y[-1] > 0.5) == label_of(tokens) for tokens in test]
    return Lesson(model, float(np.mean(correct)), len(test), train_seconds, stopped)


SHIPPED = "rnn_cell"  # assets/lessons/<this>/: the SimpleRNN trained before class with LessonSettings() (seed 0)


def save_shipped(lesson: Lesson, settings: LessonSettings, root: Path | None = None) -> None:
    """The model's weights and a JSON of its settings, training time and measured accuracy."""
    directory = lesson_directory(SHIPPED, root)
    directory.mkdir(parents=True, exist_ok=True)
    save_weights(lesson.model, build_model(settings.units, settings.learning_rate, settings.seed),
                 directory / "simple_rnn.weights.h5")
    write_json(directory / "simple_rnn.json", {"settings": asdict(settings), "train_seconds": lesson.train_seconds,
                                               "stopped": lesson.stopped, "accuracy": lesson.accuracy})


def load_shipped(root: Path | None = None) -> Lesson:
    """The SimpleRNN trained before class, rebuilt by `build_model` with its weights loaded and its accuracy measured
    anew from them. ValueError if the files are missing."""
    directory = lesson_directory(SHIPPED, root)
    recorded = read_json(directory / "simple_rnn.json")
    settings = LessonSettings(**recorded["settings"])
    model = build_model(settings.units, settings.learning_rate, settings.seed)
    model.load_weights(directory / "simple_rnn.weights.h5")
    return scored(model, recorded["train_seconds"], recorded["stopped"])


def recorded_accuracy(root: Path | None = None) -> float:
    """The accuracy the shipping script measured right after training."""
    return read_json(lesson_directory(SHIPPED, root) / "simple_rnn.json")["accuracy"]


@dataclass(frozen=True)
class Unrolled:
    """Every number of the cell for one sentence; t counts from 0 here (the page shows t + 1)."""

    tokens: list[str]
    X: np.ndarray  # (time, words) one-hot inputs X_t
    S: np.ndarray  # (time, units) states S_t
    S_prev: np.ndarray  # (time, units) S_(t-1); zeros before the first word
    input_part: np.ndarray  # (time, units) X_t·W_x (the row of W_x of word t)
    state_part: np.ndarray  # (time, units) S_(t-1)·W_s
    pre_activation: np.ndarray  # (time, units) X_t·W_x + S_(t-1)·W_s + b
    Y: np.ndarray  # (time,) Y_t = sigmoid(S_t·W_y + b_y): P(positive) if the sentence ended at word t
    weights: dict[str, np.ndarray]


def unroll(lesson: Lesson, tokens: list[str]) -> Unrolled:
    """Replay the cell with numpy (rnn_demo.core.lstm_math) over `tokens`; equals Keras' SimpleRNN to 1e-5."""
    w = lesson.weights
    X = one_hot(tokens).astype(np.float64)
    S = simple_rnn_trace(X, w["W_x"], w["W_s"], w["b"])  # (time, units)
    S_prev = np.vstack([np.zeros((1, S.shape[1])), S[:-1]])
    input_part, state_part = X @ w["W_x"], S_prev @ w["W_s"]
    Y = sigmoid(simple_rnn_outputs(S, w["W_y"], w["b_y"]))[:, 0]
    return Unrolled(tokens, X, S, S_prev, input_part, state_part, input_part + state_part + w["b"], Y, w)
