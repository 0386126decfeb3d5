"""TensorFlow's thread pools: set before the first operation, and reported honestly when that is too late."""

import subprocess
import sys

from rnn_demo.model import runtime

_REPORT = ("import tensorflow as tf; tf.constant(1.0) + 1.0; "
           "print(tf.config.threading.get_intra_op_parallelism_threads(), "
           "tf.config.threading.get_inter_op_parallelism_threads())")


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": ""}).stdout.split()


def test_configure_threads_before_tensorflow_runs_sets_the_pools():
    out = _run("from rnn_demo.model import runtime; print(runtime.configure_threads(1, 2)); " + _REPORT)
    assert out == ["True", "1", "2"]


def test_configure_threads_after_tensorflow_ran_says_it_could_not():
    out = _run("import tensorflow as tf; tf.constant(1.0) + 1.0; from rnn_demo.model import runtime; "
               "print(runtime.configure_threads(1, 2)); " + _REPORT)
    assert out[0] == "False" and out[1:] != ["1", "2"]


def test_the_test_process_trains_with_the_apps_pools():
    import tensorflow as tf

    assert tf.config.threading.get_intra_op_parallelism_threads() == runtime.INTRA_OP_THREADS
    assert tf.config.threading.get_inter_op_parallelism_threads() == runtime.INTER_OP_THREADS
