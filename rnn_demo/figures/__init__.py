"""Plotly figure builders: they take arrays or the core's plain records and return figures (or figure specs). One
module per page (the class board's: board), with what they share in common (safe text, word axes, colours, font
sizes) and text_layout (words wrapped as running text).

They may import rnn_demo.core and Plotly; never TensorFlow, Keras or Streamlit (tests/test_layers.py checks that
importing any of them loads none of these)."""
