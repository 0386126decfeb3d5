"""The dashboard's lessons in the course's order: one list that app.py's navigation and the Home page's map both
read, so a page added here appears in both, in the same place. Pure data, no Streamlit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """One page of the dashboard and what it teaches."""

    script: str  # the page file, relative to the repository
    title: str  # its name in the menu and on Home
    icon: str  # a Material icon (emoji fonts are missing on some projector laptops)
    url_path: str  # the page's address, equal to its file name (see rnn_demo.web.streamlit_hooks.use_app_navigation)
    part: str  # the half of the lecture it belongs to
    summary: str  # what a student does and learns there, for Home's map


FOUNDATIONS = "Part 1 · Foundations: sequences and the simple RNN"
LSTM = "Part 2 · The LSTM on IMDb reviews"

LESSONS = (
    Lesson("pages/order_matters.py", "Why order matters", ":material/format_list_numbered:", "order_matters",
           FOUNDATIONS, "\"I was born in Paris but I grew up in Tokyo. Therefore, I speak fluent ___\": a bag of words "
           "cannot tell the two cities apart, an LSTM can. Train both live, swap the cities, compare the top 5."),
    Lesson("pages/rnn_cell.py", "The RNN cell, step by step", ":material/functions:", "rnn_cell", FOUNDATIONS,
           "A small SimpleRNN reads your sentence: for each step t see X_t, S_(t-1), W_x, W_s, W_y and b with their "
           "real numbers, and S_t = tanh(X_t·W_x + S_(t-1)·W_s + b)."),
    Lesson("pages/setups.py", "RNN set-ups", ":material/account_tree:", "setups", FOUNDATIONS,
           "One-to-one, one-to-many, many-to-one and many-to-many: train a small model for each in seconds, then ask "
           "it something."),
    Lesson("pages/activations.py", "Activations & losses", ":material/show_chart:", "activations", FOUNDATIONS,
           "Sigmoid, tanh, ReLU and softmax with their slopes, and the three losses with their gradients: move the "
           "input and see where a gradient vanishes, and which of the app's models uses which."),
    Lesson("pages/memory.py", "Long memory & vanishing gradients", ":material/timeline:", "memory", FOUNDATIONS,
           "A clue at the start of a long sequence: SimpleRNN, LSTM and GRU trained side by side, the gradient at "
           "each step measured through time, and IMDb accuracy on short versus long reviews."),
    Lesson("pages/train_lstm.py", "Train the LSTM", ":material/model_training:", "train_lstm", LSTM,
           "Watch the course's IMDb model (Embedding → LSTM → Dense) learn live: loss, accuracy, a confusion matrix "
           "and the model summary. Stop it any time; the model is yours."),
    Lesson("pages/class_board.py", "Class board", ":material/leaderboard:", "class_board", LSTM,
           "Put your finished run on the class board under a nickname: on the projector, every run's accuracy "
           "against the setting the teacher picks, the curves overlaid, the best run, and what the class found."),
    Lesson("pages/inspect_gates.py", "Inspect the gates", ":material/biotech:", "inspect_gates", LSTM,
           "Type a review and see the forget, input and output gates, the cell state (current memory) and the hidden "
           "state (overall memory) for every word, and how the verdict changes word by word."),
    Lesson("pages/lab.py", "Analysis lab", ":material/science:", "lab", LSTM,
           "Why did it decide that? Drop words, switch off units or clamp gates and watch the verdict change, find "
           "units that fire on a phrase in other reviews, and follow one word through the equations."),
    Lesson("pages/lab_probes.py", "Probes: where the model fails", ":material/fact_check:", "lab_probes", LSTM,
           "A fixed set of tricky reviews (negation, contrast, long reviews, MaxLen) with pass/fail for each model, "
           "plus your own probes."),
)
