"""The Keras layer: the course's classifier and its saved bundles (models; a shipped LSTM as a ShippedBundle, its
weights read with h5py and its Keras model built on first use), training on IMDb or own texts (training, progress,
word_counts), one review word by word (inspect), the analysis lab (analysis, unit_search, probes), gradients through
time, accuracy by review length, the export zip, and TensorFlow's thread settings (runtime).

It may import rnn_demo.core, Keras and TensorFlow (models and inspect only where a Keras model is built or read, so a
shipped model's first picture needs no TensorFlow); never Streamlit, never the serving, lessons, figures or web
layers."""
