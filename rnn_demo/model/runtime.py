"""TensorFlow's thread pools for this app, set once per process before TensorFlow runs its first operation.

Measured on the 2-core machine the app is served from (`python -m rnn_demo bench`, Keras 3.15 / TensorFlow 2.21, CPU):
TensorFlow's default, a pool of 2 threads inside every operation, splits the small matrix products of an LSTM step
across the cores and then waits for both, which costs more than it gives. One thread per operation, with operations
that do not depend on each other (the forward and backward passes of different steps, the embedding's gradient and
the recurrent loop) run side by side on one thread per core, trained the course's 128/128 LSTM at 711 reviews/s
instead of 373, and the fast preset at batch 128 at 2,441 instead of 1,453. Inference on one review does not use a
second thread either.
"""

from __future__ import annotations

import os

INTRA_OP_THREADS = 1  # threads inside one operation (a matrix product)
INTER_OP_THREADS = max(1, os.cpu_count() or 1)  # operations run side by side: one per core

_configured = False


def configure_threads(intra_op: int = INTRA_OP_THREADS, inter_op: int = INTER_OP_THREADS) -> bool:
    """Set TensorFlow's thread pools; True if they are set now (or were already), False if TensorFlow had already
    started with other settings (it then keeps them: the pools cannot change once created)."""
    global _configured
    if _configured:
        return True
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra_op)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)
    except RuntimeError:  # TensorFlow is already running: its pools are fixed for this process
        return (tf.config.threading.get_intra_op_parallelism_threads() == intra_op
                and tf.config.threading.get_inter_op_parallelism_threads() == inter_op)
    _configured = True
    return True
