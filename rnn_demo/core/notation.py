"""The course's notation for the simple RNN, written once: Home states it and the RNN cell page computes it."""

STATE_EQUATION = r"S_t = \tanh(X_t W_x + S_{t-1} W_s + b)"
OUTPUT_EQUATION = r"Y_t = \sigma(S_t W_y + b_y)"
