"""Small generated tasks, one per RNN set-up (one-to-one, one-to-many, many-to-one, synced and encoder-decoder
many-to-many): each module has a seeded data generator, a Keras model builder, `train(..., on_event, should_stop)`
(run as a job, see rnn_demo.serving.jobs) and `answer`. `long_range` is the long-memory lesson's task (no `answer`)."""
