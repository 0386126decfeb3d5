"""Live training for a class: the one job path (jobs: queued, stoppable, owned by a session), a session's kept runs
and the server's memory ledger (runs), where an IMDb training runs (training_backends: the job's thread, this
server's worker processes, or a Dask cluster), the worker processes (worker_pool), the Dask relay (cluster), the
relay both use to bring events, Stop and the result back (relay), the plain form settings and models take across
a process boundary (plain_training), and the class board's store: the runs students post, in one SQLite file (board).

It may import rnn_demo.core and rnn_demo.model; never Streamlit, figures, lessons or web."""
