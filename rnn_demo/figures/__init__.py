"""Plotly figure builders: they take arrays or the core's plain records and return figures (or figure specs).

They may import rnn_demo.core and Plotly; never TensorFlow, Keras or Streamlit (tests/test_layers.py checks that
importing any of them loads none of these)."""
