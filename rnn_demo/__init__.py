"""rnn-demo: an interactive dashboard that teaches recurrent neural networks.

The package is layered; each layer may import only the layers below it:

- `web`      the Streamlit layer (the only package that imports streamlit): caches, session models, the training
             panel, charts, link state, forms, and the few Streamlit hooks with no public equivalent.
- `serving`  live training for a class: the job queue, a session's runs, worker processes and the Dask relay.
- `model`    the Keras layer: the classifier, training, the word-by-word inspection, analysis, probes, export.
- `lessons`  the lessons' small live-trained tasks and their catalogue (the order of the pages).
- `figures`  Plotly figure builders (import neither TensorFlow nor Streamlit).
- `core`     pure Python + numpy: settings, text, data, own texts, the numpy cells, activations, losses, link codec,
             progress events and the inspection's data types.
- `tools`    beside the product: the benchmark and the classroom load test.

`python -m rnn_demo` is the command line (rnn_demo/__main__.py).
"""
