"""The lessons: their catalogue in the course's order (catalog), and the small tasks each lesson trains live:
"why order matters" (fluent corpus and its two next-word models), the simple RNN cell (simple_rnn), and the
set-ups, time series and long-memory tasks (tasks/).

It may import rnn_demo.core, rnn_demo.model (for the one Keras progress callback and gradients), Keras and
TensorFlow; never Streamlit, serving, figures or web. catalog and fluent are pure Python."""
