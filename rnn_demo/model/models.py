"""The course's sentiment classifier and its saved *bundle* (weights + config.json + vocab.json + metrics.json).

The architecture always comes from code and config: a bundle stores only weights and JSON, never a whole pickled
model, so loading a bundle can run no foreign code.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rnn_demo.core.accuracy import FEW_TEST_TEXTS, uncertainty
from rnn_demo.core.config import RunConfig
from rnn_demo.core.text import Vocabulary

if TYPE_CHECKING:  # Keras (and TensorFlow under it) is imported where a model is built: a shipped model's first
    import keras  # picture needs neither (ShippedBundle), and importing them costs the server ~3 s at start

PRETRAINED_MODELS = Path(__file__).resolve().parents[2] / "assets" / "models"  # bundles shipped with the app
WEIGHTS_FILE = "model.weights.h5"
CONFIG_FILE = "config.json"
VOCAB_FILE = "vocab.json"
METRICS_FILE = "metrics.json"

# The largest settings of the Train page (vocabulary 20,000 x embedding 256, LSTM 256) give about 25 MB of weights;
# a bundle may hold up to this many bytes of float32 weights, checked before anything is built or read.
MAX_WEIGHTS_BYTES = 64 * 2**20
BYTES_PER_WEIGHT = 4  # float32

_RECURRENT_LAYERS = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}  # cell -> its keras.layers class


def build_classifier(config: RunConfig, seed: int | None = None) -> keras.Model:
    """Embedding(vocab_size, embedding_dim) -> LSTM/GRU/SimpleRNN(units) -> Dense(1, sigmoid), seeded explicitly.

    Input: (batch, time) int word ids, padded with 0 at the front. Padding is not masked (masking makes the LSTM
    about 2.5x slower on CPU, `python -m rnn_demo bench`): pre-padding alone puts the last real word last, so the
    final state is read right after it.
    """
    import keras
    from keras import layers

    config.validate()
    seed = config.train.seed if seed is None else seed
    recurrent = getattr(layers, _RECURRENT_LAYERS[config.model.cell])
    recurrent_kwargs = dict(
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 2),
        name=config.model.cell,
    )
    # Sequential, exactly as the course builds it, so that model.summary() shows its three layers.
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int32", name="word_ids"),  # (batch, time)
        layers.Embedding(
            input_dim=config.text.vocab_size, output_dim=config.model.embedding_dim,
            embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seed), name="embedding",
        ),  # (batch, time, embedding_dim)
        recurrent(config.model.units, **recurrent_kwargs),  # (batch, units), the last hidden state
        layers.Dense(
            1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 3), name="dense",
        ),  # (batch, 1) P(positive)
    ], name=f"{config.name}_sentiment")


def compile_classifier(model: keras.Model, learning_rate: float, decay_steps: int | None = None,
                       weight_average_momentum: float = 0.0) -> None:
    """Adam on binary crossentropy. With decay_steps, the step size follows a cosine from learning_rate down to a
    tenth of it over that many batches, so the last weights settle instead of jumping around a good spot. With a
    weight_average_momentum above 0, Adam also keeps a running average of the weights (Keras' `use_ema`), which
    `fit` hands over at its end and `averaged_weights` lends out during training."""
    import keras

    if decay_steps:
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=decay_steps, alpha=0.1)
    averaging = {"use_ema": True, "ema_momentum": weight_average_momentum} if weight_average_momentum > 0 else {}
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, **averaging),
                  loss="binary_crossentropy", metrics=["accuracy"])


@contextmanager
def averaged_weights(model: keras.Model):
    """Inside the block the model holds the running average of its weights, the model training would hand over if
    it ended now; afterwards the weights training is moving again. No change without averaging or before a step."""
    optimizer = getattr(model, "optimizer", None)
    if not getattr(optimizer, "use_ema", False) or int(optimizer.iterations.numpy()) == 0:
        yield model
        return
    moving = [variable.numpy() for variable in model.trainable_variables]
    optimizer.finalize_variable_values(model.trainable_variables)
    try:
        yield model
    finally:
        for variable, value in zip(model.trainable_variables, moving):
            variable.assign(value)


def keras_code(config: RunConfig) -> str:
    """The model written the way the course writes it (plain Keras, layer by layer), with this config's sizes."""
    recurrent = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}[config.model.cell]
    return f"""from keras.models import Sequential
from keras.layers import Input, Embedding, {recurrent}, Dense
from keras.utils import pad_sequences

# MaxLen: cut long reviews, pad short ones with zeros (both at the front)
x_train = pad_sequences(x_train, maxlen={config.text.maxlen})

model = Sequential()
model.add(Input(shape=(None,)))  # word ids, any length
model.add(Embedding(input_dim={config.text.vocab_size}, output_dim={config.model.embedding_dim}))
model.add({recurrent}(units={config.model.units}))
model.add(Dense(units=1, activation="sigmoid"))
model.summary()

{_word_counts_code(config)}{_compile_code(config)}
model.fit(x_train, y_train, batch_size={config.train.batch_size}, epochs={config.train.epochs})
"""


def _compile_code(config: RunConfig) -> str:
    """The course's compile line, or (when this config averages the weights) the same with an Adam that does."""
    if config.train.weight_average_momentum <= 0:
        return 'model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])'
    return f"""# This app's Adam also keeps a running average of the weights over about the last
# {config.train.batches_averaged} batches; fit() hands the average over at its end.
from keras.optimizers import Adam
model.compile(loss="binary_crossentropy", metrics=["accuracy"],
              optimizer=Adam(use_ema=True, ema_momentum={config.train.weight_average_momentum:g}))"""


def _word_counts_code(config: RunConfig) -> str:
    if config.train.embedding_start != "word_counts":
        return ""
    return """# This app's start for the word vectors (rnn_demo/model/word_counts.py): number 0 of each
# word's vector is 0.5 x log(P(word | positive) / P(word | negative)), counted over
# the training reviews; the other numbers stay random.
import numpy as np

def in_reviews(label):  # in how many reviews of this label each word id appears
    ids = [w for row, y in zip(x_train, y_train) if y == label
           for w in set(row) if w > 1]  # once per review; not padding (0) or unknown (1)
    return np.bincount(ids, minlength=%d) + 1  # + 1: no word counts as never seen

positive, negative = in_reviews(1), in_reviews(0)
ratio = np.log(positive / positive.sum()) - np.log(negative / negative.sum())
ratio[:2] = 0  # padding and unknown words say nothing
vectors = model.layers[0].get_weights()[0]
vectors[:, 0] = 0.5 * ratio
model.layers[0].set_weights([vectors])

""" % config.text.vocab_size


def summary_rows(model: keras.Model) -> list[dict]:
    """The course's summary table: one row per layer with its type, output shape and parameter count."""
    import keras

    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        rows.append({
            "Layer (type)": f"{layer.name} ({type(layer).__name__})",
            "Output Shape": str(tuple(layer.output.shape)).replace(",)", ")"),
            "Param #": layer.count_params(),
        })
    return rows


def summary_text(model: keras.Model) -> str:
    lines: list[str] = []
    model.summary(print_fn=lambda line, **_: lines.append(line), line_length=80)
    return "\n".join(lines)


@dataclass
class Bundle:
    """A trained classifier with everything needed to use it again: config, vocabulary, metrics, epoch snapshots."""

    config: RunConfig
    vocab: Vocabulary
    model: keras.Model
    metrics: dict = field(default_factory=dict)
    snapshots: list[list[np.ndarray]] = field(default_factory=list)  # model.get_weights() after each epoch

    def at_epoch(self, epoch: int) -> "Bundle":
        """A copy whose model holds the weights saved after `epoch` (1-based); the last epoch is this bundle."""
        if not 1 <= epoch <= len(self.snapshots):
            raise ValueError(f"epoch must be between 1 and {len(self.snapshots)}, got {epoch}.")
        model = build_classifier(self.config)
        model.set_weights(self.snapshots[epoch - 1])
        history = self.metrics.get("history", [])
        metrics = {"epoch": epoch, **(history[epoch - 1] if epoch <= len(history) else {})}
        if "validation_reviews" in self.metrics:
            metrics["validation_reviews"] = self.metrics["validation_reviews"]
        return Bundle(self.config, self.vocab, model, metrics, [])

    def accuracy_text(self) -> str:
        """The model's accuracy named for what it is, the same words on every page: a trained model's test accuracy,
        or an epoch snapshot's validation accuracy ("validation accuracy after epoch 1: 80.0% on 60 validation
        reviews")."""
        metrics = self.metrics
        if "test_accuracy" in metrics:
            if (note := self.accuracy_uncertainty()) is not None:
                return f"test accuracy {metrics['test_accuracy']:.1%} on {self.test_texts()} ({note})"
            reviews = f" on {metrics['test_reviews']:,} test reviews" if "test_reviews" in metrics else ""
            return f"test accuracy {metrics['test_accuracy']:.1%}{reviews}"
        if "val_accuracy" in metrics:
            reviews = (f" on {metrics['validation_reviews']:,} validation reviews"
                       if "validation_reviews" in metrics else "")
            return f"validation accuracy after epoch {metrics['epoch']}: {metrics['val_accuracy']:.1%}{reviews}"
        return "accuracy not measured"

    def test_texts(self) -> str:
        """"2,500 test reviews", or "12 test texts" for a model of a class's own texts (its metrics name labels)."""
        return f"{self.metrics['test_reviews']:,} test {'texts' if 'labels' in self.metrics else 'reviews'}"

    def accuracy_uncertainty(self) -> str | None:
        """The test accuracy's 95% interval (and a warning under FEW_TEST_TEXTS) for a model of own texts or with
        few test texts; None for the IMDb models' 2,500 test reviews or when no test accuracy was measured."""
        metrics = self.metrics
        if "test_accuracy" not in metrics or "test_reviews" not in metrics:
            return None
        if "labels" not in metrics and metrics["test_reviews"] >= FEW_TEST_TEXTS:
            return None
        return uncertainty(metrics["test_accuracy"], metrics["test_reviews"], self.test_texts().split(" ", 1)[1])

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        # Saved from an uncompiled copy: Keras would otherwise store the optimizer's state too (3x the size).
        weights_only = build_classifier(self.config)
        weights_only.set_weights(self.model.get_weights())
        weights_only.save_weights(folder / WEIGHTS_FILE)
        (folder / CONFIG_FILE).write_text(json.dumps(self.config.to_dict(), indent=2), encoding="utf-8")
        self.vocab.save(folder / VOCAB_FILE)
        (folder / METRICS_FILE).write_text(json.dumps(self.metrics, indent=2), encoding="utf-8")
        return folder


def _read_json(path: Path) -> dict:
    if not path.is_file():
        raise ValueError(f"model bundle file is missing: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"model bundle file {path} is corrupt: {error}") from error
    except RecursionError:  # JSON nested thousands of levels deep
        raise ValueError(f"model bundle file {path} is corrupt: nested too deeply.") from None
    if not isinstance(data, dict):
        raise ValueError(f"model bundle file {path} must hold a JSON object, not {type(data).__name__}.")
    return data


def _check_weights_file(path: Path, config: RunConfig) -> None:
    """Refuse a weights file whose HDF5 datasets declare more than the config's weights, before Keras reads them:
    a dataset may declare gigabytes with nothing stored, and reading it would allocate them all."""
    import h5py

    expected = config.parameter_count()
    declared, datasets = 0, []
    try:
        with h5py.File(path, "r") as weights:
            weights.visititems(lambda name, item: datasets.append((name, item.shape, item.dtype.itemsize))
                               if isinstance(item, h5py.Dataset) else None)
    except (OSError, ValueError, RuntimeError) as error:
        raise ValueError(f"model bundle file {path} is corrupt or does not fit config.json (not an HDF5 file): "
                         f"{_first_line(error)}") from None
    for name, shape, itemsize in datasets:
        count = int(np.prod(shape, dtype=np.float64)) if shape else 1
        declared += count
        if count > expected or count * itemsize > MAX_WEIGHTS_BYTES:
            raise ValueError(f"model bundle file {path}: dataset {name!r} declares {count:,} values; the model of "
                             f"config.json has {expected:,} weights in all.")
    if declared > expected:
        raise ValueError(f"model bundle file {path} declares {declared:,} values; the model of config.json has "
                         f"{expected:,} weights.")


def _first_line(error: Exception, limit: int = 300) -> str:
    """An error's first line (Keras' shape errors carry multi-line tensor dumps), at most `limit` characters."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return line if len(line) <= limit else line[:limit] + "…"


# Where Keras 3 keeps each weight of the LSTM classifier in a .weights.h5 file, and the name inspect.py reads it by.
_LSTM_DATASETS = {"embedding": "layers/embedding/vars/0", "lstm_kernel": "layers/lstm/cell/vars/0",
                  "lstm_recurrent_kernel": "layers/lstm/cell/vars/1", "lstm_bias": "layers/lstm/cell/vars/2",
                  "dense_kernel": "layers/dense/vars/0", "dense_bias": "layers/dense/vars/1"}


def _lstm_arrays(path: Path, config: RunConfig) -> dict[str, np.ndarray]:
    """The LSTM classifier's weights read from its weights file with h5py, each checked against config.json's shape."""
    import h5py

    vocab, dim, units = config.text.vocab_size, config.model.embedding_dim, config.model.units
    shapes = {"embedding": (vocab, dim), "lstm_kernel": (dim, 4 * units), "lstm_recurrent_kernel": (units, 4 * units),
              "lstm_bias": (4 * units,), "dense_kernel": (units, 1), "dense_bias": (1,)}
    arrays = {}
    with h5py.File(path, "r") as weights:
        for name, dataset in _LSTM_DATASETS.items():
            item = weights.get(dataset)
            if not isinstance(item, h5py.Dataset) or item.shape != shapes[name]:
                found = "missing" if item is None else getattr(item, "shape", "not an array")
                raise ValueError(f"model bundle file {path} does not fit config.json: {dataset} is {found}, "
                                 f"expected {shapes[name]}.")
            arrays[name] = np.asarray(item[()], dtype=np.float32)
    return arrays


class ShippedBundle(Bundle):
    """A bundle read from disk whose weights are at hand as numpy arrays (`arrays`, by the names of _LSTM_DATASETS)
    before any Keras model exists: Inspect replays a review from them (model/inspect.py) without TensorFlow, so a
    server's first picture does not wait ~3 s for TensorFlow's import. `model` builds the Keras model from the same
    file the first time a page needs it (the Analysis lab, Probes), once, under a lock; it is read-only afterwards.
    Equal only to itself (and hashable), so that comparing two never builds their models."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(self, config: RunConfig, vocab: Vocabulary, metrics: dict, weights_file: Path,
                 arrays: dict[str, np.ndarray]):
        self._model = None
        self._model_lock = threading.Lock()
        super().__init__(config, vocab, None, metrics)
        self.weights_file, self.arrays = weights_file, arrays

    @property
    def model(self) -> keras.Model:
        with self._model_lock:
            if self._model is None:
                model = build_classifier(self.config)
                try:
                    model.load_weights(self.weights_file)
                except Exception as error:  # h5py and keras raise many kinds for a damaged file
                    raise ValueError(f"model bundle file {self.weights_file} is corrupt or does not fit config.json: "
                                     f"{_first_line(error)}") from None
                self._model = model
            return self._model

    @model.setter
    def model(self, value) -> None:  # Bundle's __init__ sets it (None)
        self._model = value


def load_bundle(folder: str | Path, keras_later: bool = False) -> Bundle:
    """Rebuild the architecture from config.json and code, then load the weights file. Errors name the bad file.
    keras_later: an LSTM classifier comes back as a ShippedBundle, its weights read with h5py and its Keras model
    built when first asked for (for the bundles shipped with the app: Inspect's first picture needs no TensorFlow)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"model bundle folder not found: {folder}")
    config = RunConfig.from_dict(_read_json(folder / CONFIG_FILE))
    if config.parameter_count() * BYTES_PER_WEIGHT > MAX_WEIGHTS_BYTES:
        raise ValueError(f"{folder / CONFIG_FILE} describes {config.parameter_count():,} weights "
                         f"({config.parameter_count() * BYTES_PER_WEIGHT / 2**20:,.0f} MB); a model bundle may hold "
                         f"at most {MAX_WEIGHTS_BYTES // 2**20} MB.")
    vocab = Vocabulary.load(folder / VOCAB_FILE)
    metrics = _read_json(folder / METRICS_FILE)
    if vocab.size > config.text.vocab_size:
        raise ValueError(f"{folder / VOCAB_FILE} has {vocab.size:,} ids but config.json allows {config.text.vocab_size:,}.")
    weights = folder / WEIGHTS_FILE
    if not weights.is_file():
        raise ValueError(f"model bundle file is missing: {weights}")
    _check_weights_file(weights, config)
    if keras_later and config.model.cell == "lstm":
        return ShippedBundle(config, vocab, metrics, weights, _lstm_arrays(weights, config))
    model = build_classifier(config)
    try:
        model.load_weights(weights)
    except Exception as error:  # h5py and keras raise many kinds for a damaged file
        raise ValueError(f"model bundle file {weights} is corrupt or does not fit config.json: "
                         f"{_first_line(error)}") from None
    return Bundle(config, vocab, model, metrics)
