"""The Keras layer: the course's classifier and its saved bundles (models), training on IMDb or own texts
(training, progress, word_counts), one review word by word (inspect), the analysis lab (analysis, unit_search,
probes), gradients through time, accuracy by review length, the export zip, and TensorFlow's thread settings
(runtime).

It may import rnn_demo.core, Keras and TensorFlow; never Streamlit, never the serving, lessons, figures or web layers."""
