"""One-to-many ("image captioning" in the course): one input vector -> a whole sequence. Here the vector is
(frequency, amplitude) and the sequence a sine wave. The vector enters at the first step only; at every later step
the input is empty (zeros), so the wave has to unfold from what the state carries."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from rnn_demo.lessons.tasks.common import (
    Events,
    StopFlag,
    TaskResult,
    check_number,
    check_seed,
    fit,
    initializers,
)

STEPS = 24  # length of the training waves
FREQUENCY_RANGE = (0.5, 3.0)  # cycles over STEPS steps
AMPLITUDE_RANGE = (0.2, 1.0)
MAX_STEPS = 48  # longest wave the page may ask for (beyond STEPS the model extrapolates)


def wave(frequency: float, amplitude: float, steps: int = STEPS) -> np.ndarray:
    """amplitude * sin(2 pi frequency t / STEPS) for t = 1..steps, shape (steps,)."""
    t = np.arange(1, steps + 1)
    return amplitude * np.sin(2 * np.pi * frequency * t / STEPS)


def as_sequence(vectors: np.ndarray, steps: int = STEPS) -> np.ndarray:
    """(n, 2) vectors -> (n, steps, 2) sequences holding the vector at step 1 and zeros afterwards."""
    sequences = np.zeros((len(vectors), steps, 2), dtype="float32")
    sequences[:, 0] = vectors
    return sequences


def make_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` random (frequency, amplitude) vectors (n, 2) and their waves (n, STEPS, 1)."""
    rng = np.random.default_rng(seed)
    vectors = np.stack([rng.uniform(*FREQUENCY_RANGE, n), rng.uniform(*AMPLITUDE_RANGE, n)], axis=1)
    waves = np.stack([wave(f, a) for f, a in vectors])[..., None]
    return vectors.astype("float32"), waves.astype("float32")


def build_model(units: int = 32, seed: int = 0) -> keras.Model:
    """LSTM over (vector, 0, 0, ...) returning every step's state -> Dense(1) at each step: the wave's value."""
    init = initializers(seed)
    inputs = keras.Input((None, 2), name="vector_then_zeros")  # (batch, time, [frequency, amplitude])
    states = layers.LSTM(units, return_sequences=True, name="lstm", **init(recurrent=True))(inputs)
    values = layers.TimeDistributed(layers.Dense(1, **init()), name="value")(states)  # (batch, time, 1)
    model = keras.Model(inputs, values, name="wave_generator")
    model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="mse")
    return model


def train(epochs: int = 10, n_examples: int = 1500, batch_size: int = 32, units: int = 32, seed: int = 0,
          on_event: Events = None, should_stop: StopFlag = None) -> TaskResult:
    """Train on `n_examples` random waves; report mean absolute error on 300 fresh ones, next to the error of always
    answering 0 (a flat line)."""
    check_seed(seed)
    vectors, waves = make_data(n_examples, seed)
    model = build_model(units=units, seed=seed)
    fitted = fit(model, as_sequence(vectors), waves, epochs=epochs, batch_size=batch_size, seed=seed,
                 on_event=on_event, should_stop=should_stop)
    test_vectors, test_waves = make_data(300, seed + 1)
    predicted = np.asarray(model(as_sequence(test_vectors), training=False))
    metrics = {"mae": float(np.abs(predicted - test_waves).mean()), "flat_line_mae": float(np.abs(test_waves).mean())}
    return TaskResult(model, metrics, fitted.seconds, fitted.stopped)


def answer(model: keras.Model, frequency: float, amplitude: float, steps: int = STEPS) -> dict:
    """Generate `steps` values from one (frequency, amplitude): {"generated", "truth", "mae"} as plain floats."""
    check_number("frequency", frequency, *FREQUENCY_RANGE)
    check_number("amplitude", amplitude, *AMPLITUDE_RANGE)
    check_number("steps", steps, 1, MAX_STEPS, whole=True)
    sequence = as_sequence(np.array([[frequency, amplitude]], dtype="float32"), int(steps))
    generated = np.asarray(model(sequence, training=False))[0, :, 0]
    truth = wave(frequency, amplitude, int(steps))
    return {"generated": generated.tolist(), "truth": truth.tolist(), "mae": float(np.abs(generated - truth).mean())}
