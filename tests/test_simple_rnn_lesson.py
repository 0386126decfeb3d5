"""The RNN cell lesson: a tiny SimpleRNN learns that "not" flips the verdict, and the unrolled numbers (numpy, in the
course's notation) equal Keras' SimpleRNN layer to 1e-5."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnn_demo.lessons.simple_rnn import (
    WORDS,
    Lesson,
    LessonSettings,
    every_sentence,
    label_of,
    one_hot,
    read_sentence,
    train,
    unroll,
)

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return train()


def test_labels_follow_the_negation():
    assert label_of("the movie was good".split()) == 1
    assert label_of("the movie was not very good".split()) == 0
    assert label_of("was not awful".split()) == 1
    with pytest.raises(ValueError, match="adjective"):
        label_of("the movie was".split())


def test_the_small_rnn_learns_negation(lesson):
    assert lesson.distinct_sentences == len(every_sentence()) == 144
    assert lesson.accuracy >= 0.95
    assert unroll(lesson, "the movie was not good".split()).Y[-1] < 0.5
    assert unroll(lesson, "the movie was not very bad".split()).Y[-1] > 0.5


@pytest.mark.parametrize("sentence", ["the movie was not very good", "is great", "not not bad", "fun"])
def test_unrolled_numbers_equal_keras_simple_rnn(lesson, sentence):
    tokens = sentence.split()
    unrolled = unroll(lesson, tokens)
    states, outputs = lesson.model(one_hot(tokens)[None], training=False)
    assert np.abs(unrolled.S - np.asarray(states)[0]).max() <= TOLERANCE
    assert np.abs(unrolled.Y - np.asarray(outputs)[0, :, 0]).max() <= TOLERANCE
    # A separately built keras.layers.SimpleRNN with the same weights gives the same states.
    w = unrolled.weights
    layer = keras.layers.SimpleRNN(w["W_s"].shape[0], return_sequences=True)
    layer.build((1, len(tokens), len(WORDS)))
    layer.set_weights([w["W_x"], w["W_s"], w["b"]])
    assert np.abs(unrolled.S - np.asarray(layer(one_hot(tokens)[None]))[0]).max() <= TOLERANCE


def test_each_step_is_the_course_formula(lesson):
    tokens = "the movie was not good".split()
    u = unroll(lesson, tokens)
    w = u.weights
    assert np.allclose(u.S_prev[0], 0.0) and np.allclose(u.S_prev[1:], u.S[:-1])
    for t, token in enumerate(tokens):
        assert np.allclose(u.input_part[t], w["W_x"][WORDS.index(token)])  # a one-hot X_t picks its word's row
        assert np.allclose(u.state_part[t], u.S_prev[t] @ w["W_s"])
        assert np.allclose(u.pre_activation[t], u.input_part[t] + u.state_part[t] + w["b"])
        assert np.allclose(u.S[t], np.tanh(u.pre_activation[t]))
        assert np.isclose(u.Y[t], 1 / (1 + np.exp(-(u.S[t] @ w["W_y"][:, 0] + w["b_y"][0]))))


def test_typed_sentences_get_clear_messages():
    assert read_sentence("The movie was NOT good") == ["the", "movie", "was", "not", "good"]
    with pytest.raises(ValueError, match="empty"):
        read_sentence("  ")
    with pytest.raises(ValueError, match="at most"):
        read_sentence("good " * 13)
    with pytest.raises(ValueError, match="not: superb, 🙂"):
        read_sentence("the movie was superb 🙂")


def test_a_stopped_training_keeps_its_partial_model():
    lesson = train(should_stop=lambda: True, settings=LessonSettings(sentences=64))
    assert lesson.stopped and 0.0 <= lesson.accuracy <= 1.0
    assert unroll(lesson, ["good"]).S.shape == (1, LessonSettings().units)


def test_the_equations_shown_are_what_the_model_computes():
    """The notation Home and the RNN cell page show: a tanh state and a sigmoid output with its own bias b_y."""
    from rnn_demo.core.notation import OUTPUT_EQUATION, STATE_EQUATION
    from rnn_demo.lessons.simple_rnn import build_model

    model = build_model(units=3, learning_rate=0.01, seed=0)
    rnn, output = model.get_layer("rnn"), model.get_layer("output")
    assert rnn.cell.activation is keras.activations.tanh and rnn.cell.use_bias and r"\tanh" in STATE_EQUATION
    assert output.activation is keras.activations.sigmoid and output.use_bias
    assert OUTPUT_EQUATION == r"Y_t = \sigma(S_t W_y + b_y)"
