"""One review through a trained classifier, word by word: tokens, prediction, running P(positive), gates and states.

The numbers come from the bundle's own weights: the review is pre-padded to MaxLen exactly as in training, its
embedding rows are replayed through `lstm_math` (equal to Keras within 1e-5), and the Dense head is applied to every
hidden state h_t of the real words, so the running prediction's last value is the model's prediction.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from rnn_demo.core import lstm_math, text
from rnn_demo.core.inspection import Inspection
from rnn_demo.model.models import Bundle, ShippedBundle


def _layer(bundle: Bundle, name: str):
    try:
        return bundle.model.get_layer(name)
    except ValueError as error:
        raise ValueError(f"the model has no layer named {name!r}; only the LSTM classifier can be inspected.") from error


# Per LSTM layer: its weights, the padding step's input and the trace over MaxLen padding steps. Every review is
# pre-padded, so its replay starts with the same padding steps: only the real words are replayed per review. An entry
# is used only while the layer's weights and the padding input equal the remembered ones, and dies with its layer.
_padding_traces: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_padding_traces_lock = threading.Lock()


def _after_padding(layer, weights: list[np.ndarray], pad_input: np.ndarray, steps: int, maxlen: int) -> tuple:
    """(h, c) of the LSTM after `steps` (1..maxlen) padding steps from zero states. `layer`: the Keras LSTM layer
    the weights were read from, or the ShippedBundle that holds them."""
    with _padding_traces_lock:
        entry = _padding_traces.get(layer)
    remembered = [*weights, pad_input]
    if (entry is None or len(entry[1].hidden) < maxlen
            or not all(old is new or np.array_equal(old, new) for old, new in zip(entry[0], remembered))):
        entry = (remembered, lstm_math.lstm_trace(np.repeat(pad_input[None], maxlen, axis=0), *weights))
        with _padding_traces_lock:
            _padding_traces[layer] = entry
    return entry[1].hidden[steps - 1], entry[1].cell[steps - 1]


def _values_now(variables) -> list[np.ndarray]:
    """The values the Keras `variables` hold now (a copy each), read straight from TensorFlow: one ReadVariableOp per
    variable, what Layer.get_weights reads, without its conversions (in the server's profile of Inspect reruns they
    cost several times the reads themselves)."""
    import tensorflow as tf

    return [tf.raw_ops.ReadVariableOp(resource=variable.value.handle, dtype=variable.value.dtype).numpy()
            for variable in variables]


def _embedding_rows(bundle: Bundle, ids: np.ndarray) -> np.ndarray:
    """The embedding rows of `ids`, read from the layer's weights now (only these rows: the course model's whole
    matrix is 5 MB, more to copy than the replay costs)."""
    import tensorflow as tf

    embeddings = _layer(bundle, "embedding").embeddings.value
    return tf.raw_ops.ResourceGather(resource=embeddings.handle, indices=ids, dtype=embeddings.dtype).numpy()


def _lstm_weights(layer) -> list[np.ndarray]:
    """lstm_math.lstm_weights(layer) (kernel, recurrent kernel, bias; the same checks), read with _values_now."""
    return lstm_math.lstm_weights(layer, read=_values_now)


def inspect(bundle: Bundle, review_text: str) -> Inspection:
    """Encode `review_text` as the model would (cut to MaxLen), then trace every gate and state over its words."""
    if bundle.config.model.cell != "lstm":
        raise ValueError(f"gate pictures need an LSTM model; this one uses a {bundle.config.model.cell} layer.")
    review = text.encode(review_text, bundle.vocab, bundle.config.text.maxlen, bundle.config.text.truncating)
    padding = bundle.config.text.maxlen - len(review.ids)  # pre-padded to MaxLen, as in training
    ids = np.concatenate([[0], review.ids]).astype(np.int64)  # the padding id, then the words
    if isinstance(bundle, ShippedBundle):  # weights read from its file with h5py: no TensorFlow needed
        arrays = bundle.arrays
        rows, owner = arrays["embedding"][ids], bundle
        weights = [arrays["lstm_kernel"], arrays["lstm_recurrent_kernel"], arrays["lstm_bias"]]
        dense_kernel, dense_bias = arrays["dense_kernel"], arrays["dense_bias"]
    else:
        # Every weight this review needs, read now, one read after the other (TensorFlow's first call in a script
        # run costs the most, the next ones little).
        rows = _embedding_rows(bundle, ids)
        owner = _layer(bundle, "lstm")
        weights = _lstm_weights(owner)
        dense_kernel, dense_bias = _values_now(_layer(bundle, "dense").weights)  # (units, 1), (1,)
    # Replay the padded row as the model reads it: the padding steps (the same for every review, remembered per
    # layer) and then the real words from the state the padding left.
    h0, c0 = _after_padding(owner, weights, rows[0], padding, bundle.config.text.maxlen) if padding else (None, None)
    trace = lstm_math.lstm_trace(rows[1:], *weights, h0=h0, c0=c0)
    running = lstm_math.sigmoid(trace.hidden @ dense_kernel[:, 0] + dense_bias[0])  # (time,)
    # The model's answer is the Dense head on the last hidden state: the same number Keras' predict gives (within
    # 1e-5, tested), without a second pass through TensorFlow for every review.
    prediction = float(running[-1])
    states = {"input": trace.input_gate, "forget": trace.forget_gate, "candidate": trace.candidate,
              "output": trace.output_gate, "cell": trace.cell, "hidden": trace.hidden}
    return Inspection(review, padding, prediction, running, states)
