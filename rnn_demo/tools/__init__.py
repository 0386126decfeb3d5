"""Tools beside the product, run from the command line: the training benchmark (bench, bench_report), a class of
students training at once (class_bench) and the classroom load test over Streamlit's websocket (loadtest).

They may import any layer below web; the pages never import them."""
