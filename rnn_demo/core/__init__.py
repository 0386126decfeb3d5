"""The pure core: settings (config), text and vocabulary, the IMDb data and a student's own texts, the numpy
reference cells (lstm_math), the simple RNN's equations (notation), activations and losses, the link codec
(url_state), the progress events of every training (events), the inspection's data types (inspection), the set-ups'
unrolled steps (setups) and the class board's runs and what the class found from them (board).

Pure Python + numpy. It imports nothing else of rnn_demo, never TensorFlow (Keras' IMDb download is imported
lazily, only when asked for) and never Streamlit; every other layer may import it."""
