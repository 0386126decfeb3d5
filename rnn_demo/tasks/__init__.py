"""Small generated tasks, one per RNN set-up (one-to-one, one-to-many, many-to-one, synced and encoder-decoder
many-to-many): each module has a seeded data generator, a Keras model builder, `train` and `answer`."""
