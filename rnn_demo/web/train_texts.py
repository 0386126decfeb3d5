"""The Train page's words: the settings' choices as the student reads them, what happens when Start is pressed, and
the captions computed from a run's settings and metrics. Plain text, no widgets: the page lays them out."""

from __future__ import annotations

from rnn_demo.core.config import RunConfig, TrainConfig
from rnn_demo.serving import runs
from rnn_demo.web.widgets import plain

PRESETS = {"fast": "fast: small LSTM (32 units), learns in seconds",
           "course": "course: the course's model (128 units), slower"}
SOURCES = {"bundled": "25,000 IMDb reviews shipped with the app (offline)",
           "keras": "Keras' 50,000 IMDb reviews (downloads; needs the internet)"}
STARTS = {"word_counts": "from word counts: number 0 of each word vector = how much more often the word is in "
                         "positive than in negative training reviews (learns faster)",
          "random": "at random, as in the course's code"}
WEIGHTS_HANDED_OVER = {  # momentum of the running average of the weights -> what the run hands over
    momentum: runs.weights_handed_over(TrainConfig(weight_average_momentum=momentum))
    + (" (as the course's fit)" if momentum == 0 else "") for momentum in (0.0, 0.9, 0.95, 0.99)}

INTRO = ("Embedding → LSTM → Dense(1, sigmoid), trained on the 25,000 labelled IMDb reviews shipped with the app. "
         "Your models are yours alone: other students keep theirs, and the pretrained ones never change.")
BEFORE_START = ("The preset's settings are below: press **Start training** as they are, or change any first. The "
                "*fast* preset trains in about 10 s on a free 2-core machine (longer while others train).")

START_EXPLAINED = (
    "1. Each review becomes word ids (the *vocabulary size* most common words; others become *unknown*), cut "
    "or padded to **MaxLen** words. Padding goes at the front, so the LSTM reads the padding first and the "
    "review last: its final state comes right after the last real word (the padding is not masked; the LSTM "
    "reads it too).\n"
    "2. The **embedding** turns each id into a vector; the **LSTM** reads the vectors one by one, updating its "
    "cell state (current memory) and hidden state (overall memory); the **Dense** layer turns the last hidden "
    "state into P(positive). The word vectors start at random, or (*from word counts*) with number 0 of "
    "each vector set to how much more often the word appears in positive than in negative training reviews "
    "(log of the ratio, halved): a word found mostly in positive reviews starts above 0, one found mostly in "
    "negative reviews below 0, one found equally in both near 0. Training "
    "still changes every number, and the LSTM still has to learn to read them in order.\n"
    "3. After each batch, Adam nudges every weight to lower the *binary crossentropy* loss. Each batch "
    "pushes the weights its own way, so the model after one batch can be a few points better or worse "
    "than after the next. With *average* chosen under **Weights handed over**, Adam also keeps a running "
    "average of the weights over about the last 20 (or 10, 100) batches, and that average is the model "
    "you get: it moves less from batch to batch. After each epoch the model you would get is checked on "
    "validation reviews it never trains on.")

PARAMETERS_EXPLAINED = ("The embedding holds one vector per vocabulary word; the LSTM's 4 gates each have input, "
                        "recurrent and bias weights: 4 × (embedding + units + 1) × units.")


def curves_caption(train: TrainConfig) -> str | None:
    """What the live curves' solid and dashed lines are, for a run that hands over averaged weights (else None)."""
    if train.weight_average_momentum == 0:
        return None
    return ("Solid lines: each batch's own loss and accuracy, with the weights as Adam moves them. Dashed: the model "
            f"you would get after that epoch ({runs.weights_handed_over(train)}) on the validation reviews.")


def course_code_caption(config: RunConfig, metrics: dict) -> str:
    """How this app trained the run, next to the course's Keras code for the same layers: the optimiser's settings,
    the reviews used, and where the run departs from the course (word-count start, averaged weights)."""
    train = config.train
    decay = ", lowered along a cosine to a tenth by the last batch" if train.decay_learning_rate else ""
    departures = (" Number 0 of each word vector started from word counts (the extra lines below); the course starts "
                  "them at random." if train.embedding_start == "word_counts" else "")
    if train.weight_average_momentum > 0:
        departures += (f" The model you got is the {runs.weights_handed_over(train)} (the Adam lines below); the "
                       "course's fit hands over the last batch's weights.")
    return (f"These layers give the summary's parameter counts. This app trains them with Adam at learning rate "
            f"{train.learning_rate:g}{decay}, on {metrics['train_reviews']:,} training reviews, and checks "
            f"{metrics.get('validation_reviews', 0):,} held-out validation reviews after each epoch; the course "
            "compiles with Keras' default Adam (learning rate 0.001)." + departures)


def word_counts_caption(start_words: dict) -> str:
    """Where number 0 of the word vectors started: the most positive and most negative of the common words (the
    words come from the reviews, so they are shown as text)."""
    shown = lambda pairs: ", ".join(f"{plain(word)} {value:+.2f}" for word, value in pairs)
    return (f"Where number 0 of the word vectors started, among the 1,000 most common words of these training "
            f"reviews: most positive {shown(start_words['positive'])}; most negative {shown(start_words['negative'])}.")
