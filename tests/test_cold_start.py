"""A server's first picture does not wait for TensorFlow (issue 21): Home and Inspect on a shipped model are drawn
from numpy and h5py alone, TensorFlow and the training workers come in the background right after, and the
shipped model's pictures are the same numbers Keras computes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_demo.model import inspect, models

REPO = Path(__file__).resolve().parents[1]
REVIEWS = ["This movie was wonderful, I loved the acting.", "Dull and far too long. Not worth it.",
           "good " * 300]  # the last one cut to MaxLen, no padding


def _heavy_after(code: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


def test_home_and_inspect_are_drawn_without_tensorflow():
    code = """
import sys
from rnn_demo.web import shared
shared.WARM_UP_DELAY_SECONDS = 3600  # the background warm-up would import TensorFlow: not during this check
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120)
at.run()
assert not at.exception and at.title, "Home"
at.switch_page("pages/inspect_gates.py").run()
assert not at.exception
assert len(at.get("plotly_chart")) >= 3 and any("P(positive) = " in item.value for item in at.subheader)
for page in sorted(shared.WITHOUT_TENSORFLOW - {"home", "inspect_gates"}):
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, page
print(sorted({name.split('.')[0] for name in sys.modules} & {"tensorflow", "keras"}))
"""
    assert _heavy_after(code) == []


def test_a_page_that_needs_tensorflow_waits_for_its_one_import():
    """TensorFlow's import is not safe in two threads at once: a page outside WITHOUT_TENSORFLOW imports it (or waits
    for the warm-up that does) before it runs, and the warm-up that comes later has nothing left to do."""
    code = """
import sys
from rnn_demo.web import shared
shared.WARM_UP_DELAY_SECONDS = 3600
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120)
at.switch_page("pages/lab.py").run()
assert not at.exception and shared._tensorflow_ready
print(sorted({name.split('.')[0] for name in sys.modules} & {"tensorflow", "keras"}))
"""
    assert _heavy_after(code) == ["keras", "tensorflow"]


def test_the_warm_up_imports_tensorflow_in_the_background_after_the_first_page():
    code = """
import sys, time
from rnn_demo.web import shared
shared.WARM_UP_DELAY_SECONDS = 0.1
from streamlit.testing.v1 import AppTest
AppTest.from_file("app.py", default_timeout=120).run()
deadline = time.monotonic() + 240
while "keras" not in sys.modules and time.monotonic() < deadline:
    time.sleep(0.2)
shared._warm_up.join(240)
from rnn_demo.model import runtime
print(sorted({name.split('.')[0] for name in sys.modules} & {"tensorflow", "keras"}) + [runtime._configured])
"""
    assert _heavy_after(code) == ["keras", "tensorflow", True]


@pytest.mark.parametrize("preset", ["fast", "course"])
def test_a_shipped_models_replay_from_its_file_equals_keras(preset):
    folder = models.PRETRAINED_MODELS / preset
    shipped, loaded = models.load_bundle(folder, keras_later=True), models.load_bundle(folder)
    assert isinstance(shipped, models.ShippedBundle) and shipped._model is None
    for review in REVIEWS:
        from_file, from_keras = inspect.inspect(shipped, review), inspect.inspect(loaded, review)
        assert shipped._model is None  # the replay did not need the Keras model
        for state, values in from_file.states.items():
            np.testing.assert_allclose(values, from_keras.states[state], atol=1e-6, err_msg=state)
        ids = np.pad(from_file.review.ids, (shipped.config.text.maxlen - len(from_file.review.ids), 0))[None]
        assert from_file.prediction == pytest.approx(float(loaded.model.predict(ids, verbose=0)[0, 0]), abs=1e-5)
    # Its Keras model, built when a page first asks, holds the file's weights.
    np.testing.assert_array_equal(shipped.model.get_layer("embedding").get_weights()[0], shipped.arrays["embedding"])
    assert shipped.model is shipped.model


def test_a_weights_file_that_does_not_fit_its_config_is_refused_before_any_picture(tmp_path):
    import shutil

    import h5py

    folder = tmp_path / "bundle"
    shutil.copytree(models.PRETRAINED_MODELS / "fast", folder)
    with h5py.File(folder / models.WEIGHTS_FILE, "r+") as weights:  # the dense kernel as (1, 32) instead of (32, 1)
        kernel = weights["layers/dense/vars/0"][()]
        del weights["layers/dense/vars/0"]
        weights["layers/dense/vars/0"] = kernel.T
    with pytest.raises(ValueError, match="does not fit config.json: layers/dense/vars/0"):
        models.load_bundle(folder, keras_later=True)
