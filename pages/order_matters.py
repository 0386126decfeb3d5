"""Why order matters: a bag of words cannot tell "born in Paris, grew up in Tokyo" from the swap; an LSTM can."""

import numpy as np
import pandas as pd
import streamlit as st

from rnn_demo.figures.fluent import bag_of_words_figure, top_words_figure
from rnn_demo.lessons import fluent, fluent_models
from rnn_demo.serving.jobs import JobStatus
from rnn_demo.web import (
    lecture,
    session_models,
    shared,
    streamlit_hooks,
    training_panel,
    widgets,
)

streamlit_hooks.use_app_navigation()

MODELS = {"order_bow": "bag of words", "order_lstm": "LSTM"}  # session-job key -> model kind
TEXT_KEY = "order_sentence"

st.title("Why order matters")
st.markdown(f"*\"{fluent.COURSE_SENTENCE} ___\"* — the answer is the language of where one **grew up**. The same "
            "words in another order say something else, so a model that forgets the order cannot answer.")

# Lecture mode: the models' answers to the sentence above come first, visible at 1280x720 on arrival; then why a bag
# of words cannot answer, and the training.
SECTIONS = ["A bag of words forgets the order", "Two next-word models, trained on generated sentences",
            "Ask both models for the next word", "On city pairs never seen together in training"]
order = [2, 0, 1, 3] if lecture.is_on() else [0, 1, 2, 3]
heading = {section: f"{number}. {SECTIONS[section]}" for number, section in enumerate(order, start=1)}
answers = st.container() if lecture.is_on() else None

st.subheader(heading[0])
left, right = st.columns(2)
first = left.text_input("Sentence A", fluent.COURSE_CLAUSE, key="order_bag_a", max_chars=2000)
second = right.text_input("Sentence B (the slide's shuffled words)", fluent.COURSE_SHUFFLED, key="order_bag_b",
                          max_chars=2000)
vocabulary = fluent.make_corpus().vocabulary
try:
    read_a, read_b = fluent.read_sentence(first, vocabulary), fluent.read_sentence(second, vocabulary)
except ValueError as error:
    widgets.show_error_and_stop(str(error))
bags = [fluent.bag_of_words(read.ids, vocabulary.size) for read in (read_a, read_b)]
shown = sorted(set(np.flatnonzero(bags[0] + bags[1])), key=lambda i: vocabulary.token_of(int(i)))
bags_figure = bag_of_words_figure([vocabulary.token_of(int(i)) for i in shown], [bag[shown] for bag in bags],
                                  ["A", "B"])
st.plotly_chart(lecture.sized(bags_figure), key="order_bags", config={"displayModeBar": False})
differing = [vocabulary.token_of(int(i)) for i in shown if bags[0][i] != bags[1][i]]
verdict = ("**identical**: a model that reads only the bag cannot tell them apart." if not differing else
           f"different in {len(differing)} word(s): {', '.join(f'`{word}`' for word in differing)}.")
st.caption(f"Each column is a word of the {vocabulary.size - 2}-word vocabulary that A or B holds (1 = it occurs; "
           f"the other {vocabulary.size - 2 - len(shown)} words are 0 in both). The two bags are {verdict}"
           + (f" Unknown words share one column `<unk>`: {', '.join(read_a.unknown + read_b.unknown)}."
              if read_a.unknown or read_b.unknown else ""))

st.subheader(heading[1])
seed = st.session_state.get("order_seed", 0)  # "Train again" below moves to the next one
with st.expander("The corpus"):
    corpus = fluent.make_corpus(seed)  # the one both models train on (cached, read-only)
    st.markdown(f"{len(corpus.train):,} training sentences about {len(fluent.PLACES)} places, e.g. *"
                + "*, *".join(" ".join(tokens) for tokens in corpus.train[:3])
                + f"*. {len(corpus.held_out_pairs)} city pairs are held out: never seen together in training.")
    st.dataframe(pd.DataFrame(fluent.PLACES, columns=["city", "country", "language"]), hide_index=True,
                 key="order_places")


def train_both(seed: int) -> None:
    """Both models on the corpus of `seed` (a new seed: a new corpus, new held-out pairs, new starting weights)."""
    st.session_state["order_seed"] = seed
    settings = fluent_models.FluentSettings(seed=seed)
    for key, kind in MODELS.items():
        training_panel.start_job(key, lambda on_event, should_stop, kind=kind: fluent_models.train(
            kind, on_event, should_stop, settings), name=f"{kind} next-word model")


if st.button("Train both models", key="order_train", type="primary"):
    train_both(seed)
for column, (key, kind) in zip(st.columns(2), MODELS.items()):
    if (job := session_models.session_job(key)) is None or not job.finished:  # a finished job's panel would be empty
        with column:
            st.markdown(f"**{kind}**")
            training_panel.job_panel(key, "Press **Train both models** (a few seconds each).")


def trained(key):
    job = session_models.session_job(key)
    if job is not None and job.status is JobStatus.FAILED:
        st.error(job.error)
    elif job is not None and job.status is JobStatus.CANCELLED:
        st.info(f"The {job.name} was cancelled before it started: press **Train both models** again.")
    return job.result if job is not None and job.finished and job.result is not None else None


models = {kind: trained(key) for key, kind in MODELS.items()}
before_class = not all(models.values())
if before_class:  # before both live models are in: the two trained before class, so the lesson starts
    models = {kind: shared.shipped_next_word_model(kind) for kind in MODELS.values()}
    st.info(f"Two models trained before class (these settings, seed {fluent_models.FluentSettings().seed}; shipped "
            "in assets/lessons/order_matters): their answers below are computed now from their saved weights. "
            "Press **Train both models** to train them live.", icon=":material/inventory_2:")


def swap_cities() -> None:
    try:
        st.session_state[TEXT_KEY] = fluent.swap_places(st.session_state[TEXT_KEY])
    except ValueError as error:
        st.session_state["order_swap_error"] = str(error)


with answers or st.container():
    st.subheader(heading[2])
    st.session_state.setdefault(TEXT_KEY, fluent.COURSE_SENTENCE)  # set here, not as a widget default: Swap edits it
    typed, swap = st.columns([4, 1], vertical_alignment="bottom")
    typed.text_area("Sentence (edit it; the models guess the word after it)", key=TEXT_KEY, max_chars=5000, height=80)
    swap.button("Swap the two cities", key="order_swap", on_click=swap_cities, icon=":material/swap_horiz:")
    if message := st.session_state.pop("order_swap_error", None):
        st.warning(message)
    text = st.session_state[TEXT_KEY]
    try:
        read = fluent.read_sentence(text, vocabulary)
    except ValueError as error:
        widgets.show_error_and_stop(str(error))
    rankings = {kind: fluent.top_words(model.probabilities(text), model.corpus.vocabulary)
                for kind, model in models.items()}
    names = [f"{kind} (trained {'before class in ' if before_class else ''}{models[kind].train_seconds:.1f} s"
             f"{', stopped early' if models[kind].stopped else ''})"
             for kind in rankings]
    st.plotly_chart(lecture.sized(top_words_figure(list(rankings.values()), names)), key="order_top5",
                    config={"displayModeBar": False})
    if read.unknown:
        st.info(f"Not in the models' vocabulary, read as one shared *unknown* word: {', '.join(read.unknown)}.")
    (bow_word, bow_p), (lstm_word, lstm_p) = rankings["bag of words"][0], rankings["LSTM"][0]
    st.caption(f"After *…{' '.join(read.tokens[-4:])}* the bag of words bets on **{bow_word}** ({bow_p:.1%}), the "
               f"LSTM on **{lstm_word}** ({lstm_p:.1%}). Press *Swap the two cities*: the bag of words sees the same "
               "bag and must give the same answer; the LSTM reads the order.")

st.subheader(heading[3])
bow_result, lstm_result = models["bag of words"].held_out, models["LSTM"].held_out
n_pairs = len(lstm_result.pairs)
st.markdown(
    f"For each of the {n_pairs} held-out pairs, the course's sentence and its swap: the **LSTM** names the language "
    f"of the city of growing up in both orders for **{lstm_result.follows_grew_up:.0%}** of pairs, and its answer "
    f"changes with the swap for {lstm_result.answer_changed:.0%}. The **bag of words** changes its answer for "
    f"{bow_result.answer_changed:.0%} of pairs (it cannot: both orders give the same bag) and is right in both "
    f"orders for {bow_result.follows_grew_up:.0%}.")
if lstm_result.follows_grew_up < fluent_models.LEARNED_SHARE:
    # Said after every training, from this model's answers: a run that did not learn shows as such.
    st.warning(f"This LSTM did not learn the point: it follows the city of growing up in both orders for only "
               f"{lstm_result.follows_grew_up:.0%} of the held-out pairs (seed {seed}). Its training got stuck; "
               "a new start usually learns it (seeds 0-9 all did, measured).", icon=":material/warning:")
    st.button("Train both again with another seed", key="order_train_again", on_click=train_both, args=(seed + 1,))
places = [city for city, _, _ in fluent.PLACES]
st.dataframe(pd.DataFrame({
    "born in": [places[a] for a, b in lstm_result.pairs], "grew up in": [places[b] for a, b in lstm_result.pairs],
    "LSTM": [answer[0] for answer in lstm_result.answers],
    "LSTM, swapped": [answer[1] for answer in lstm_result.answers],
    "bag of words": [answer[0] for answer in bow_result.answers],
    "bag of words, swapped": [answer[1] for answer in bow_result.answers]}), hide_index=True, key="order_held_out")
