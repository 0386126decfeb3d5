"""The Train page's "my own texts": upload or paste, the label mapping, the counts and the split; and, for a model
trained on them, their test examples and label names. The texts live in this session's st.session_state only:
never in a shared cache, never on disk."""

from __future__ import annotations

import hashlib

import streamlit as st

from rnn_demo.core.own_data import LIMITS as OWN_LIMITS
from rnn_demo.core.own_data import OwnData
from rnn_demo.core.own_data import parse as parse_own_data
from rnn_demo.core.own_data import test_examples as own_test_examples
from rnn_demo.model.models import Bundle
from rnn_demo.serving.jobs import Job
from rnn_demo.web.session_models import current_job, my_runs
from rnn_demo.web.widgets import persistent, plain

_OWN_KEY = "own_data_of_job"  # job id -> OwnData of this session's own-texts runs, in session_state only
_OWN_NOTE_KEY = "own_data_note"
# (file name, bytes) of the last upload that could be read, in session_state only. Streamlit forgets an uploaded file
# when its page is left; this copy keeps it for the session. One file, and parsing refused anything over 5 MB.
_KEPT_UPLOAD_KEY = "own_data_upload"


def remember_run(job: Job, own_data: OwnData | None, note: str | None) -> None:
    """Keep which own texts this session's new run `job` trains on (None for IMDb), and forget those of runs no
    longer kept; `note` says how the settings were fitted to the texts (shown under the form)."""
    kept = {run.job.job_id for run in my_runs()}
    owned = {job_id: texts for job_id, texts in (st.session_state.get(_OWN_KEY) or {}).items() if job_id in kept}
    if own_data is not None:
        owned[job.job_id] = own_data
        st.session_state[_OWN_NOTE_KEY] = note
    st.session_state[_OWN_KEY] = owned  # job id -> OwnData of this session's own-texts runs, in session_state only


def fit_note(job: Job | None) -> str | None:
    """How the settings of `job` were fitted to its own texts (vocabulary, gradient steps), if it trained on them."""
    if job is None or job.job_id not in (st.session_state.get(_OWN_KEY) or {}):
        return None
    return st.session_state.get(_OWN_NOTE_KEY)


def _own_data_of(bundle: Bundle) -> OwnData | None:
    """The own texts `bundle` (one of this session's runs, or one of its epochs) was trained on, else None."""
    owned = st.session_state.get(_OWN_KEY) or {}
    for run in my_runs():  # an epoch's copy (Bundle.at_epoch) shares its run's vocabulary object
        if run.bundle is not None and run.bundle.vocab is bundle.vocab:
            return owned.get(run.job.job_id)
    return None


def examples_for(bundle: Bundle) -> dict[str, str]:
    """A few texts from the test split of the own texts `bundle` was trained on (name -> text); {} for IMDb models."""
    own = _own_data_of(bundle)
    return own_test_examples(own) if own is not None else {}


def label_names(bundle: Bundle) -> tuple[str, str]:
    """What the model's 0 and 1 mean: the own texts' label spellings, else ("negative", "positive")."""
    own = _own_data_of(bundle)
    return (own.mapping.negative, own.mapping.positive) if own is not None else ("negative", "positive")


def _parsed_own_data(raw: bytes | str, name: str, swap: bool) -> OwnData | str:
    """own_data.parse, remembered for the last input of this session (the page reruns often); an error as text."""
    payload = raw.encode("utf-8") if isinstance(raw, str) else raw
    key = (hashlib.sha256(payload).hexdigest(), name, swap)
    memo = st.session_state.get("own_data_parsed")
    if memo is None or memo[0] != key:
        try:
            with st.spinner("Reading your texts…"):
                memo = (key, parse_own_data(raw, name=name, swap=swap))
        except ValueError as error:
            memo = (key, str(error))
        st.session_state["own_data_parsed"] = memo
    return memo[1]


def _forget_removed_upload() -> None:
    """The uploader's callback: a file the student removed (its x) is not brought back from the kept copy."""
    if st.session_state.get("own_data_file") is None:
        st.session_state.pop(_KEPT_UPLOAD_KEY, None)


def _upload() -> tuple[bytes | None, str]:
    """The uploaded file's bytes and name: the one in the uploader, else the one kept from earlier in the session
    (said so, with a button to forget it), else (None, "")."""
    upload = st.file_uploader("CSV, TSV or TXT file", type=["csv", "tsv", "txt"], key="own_data_file",
                              on_change=_forget_removed_upload)
    if upload is not None:
        return upload.getvalue(), upload.name
    if (kept := st.session_state.get(_KEPT_UPLOAD_KEY)) is None:
        return None, ""
    name, raw = kept
    st.caption(f"Using {plain(name)} (uploaded earlier). Upload another file above to replace it.")
    if st.button("Forget this file", key="own_data_forget"):
        st.session_state.pop(_KEPT_UPLOAD_KEY, None)
        st.rerun()
    return raw, name


def own_data_section() -> OwnData | None:
    """The Train page's data source "my own texts": upload or paste, then the label mapping, the counts and the split
    it will train on. Returns the parsed texts, or None (IMDb chosen, nothing given yet, or a bad file, shown)."""
    if not st.toggle("Train on my own texts instead of IMDb", **persistent("own_data_on", False),
                     help="A CSV/TSV with the columns text and label, or lines label<TAB>text, in any language."):
        return None
    st.caption(f"{OWN_LIMITS} A header line names the columns text and label (separated by commas, semicolons, tabs "
               "or |); a text with line breaks or commas goes in double quotes. Your texts stay in this browser "
               "session only: never saved on the server, gone when you close the tab. Any language works; Chinese "
               "and Japanese, written without spaces, are read one character per step. All rows are used "
               "(80% train, 10% validation, 10% test); the IMDb settings below are ignored.")
    how = st.radio("Your texts", ["upload", "paste"], horizontal=True, **persistent("own_data_how", "upload"),
                   format_func={"upload": "upload a file", "paste": "paste lines label<TAB>text"}.get)
    if how == "upload":
        raw, name = _upload()
    else:
        pasted = st.text_area("One text per line: the label, a tab, then the text", height=160,
                              **persistent("own_data_paste", ""),
                              placeholder="pos\tA wonderful film, I laughed all evening.\n"
                                          "neg\tBoring and far too long.")
        raw, name = (pasted, "pasted text") if pasted.strip() else (None, "")
    if raw is None:
        st.info("Upload a file or paste lines to see how they will be read.")
        return None
    own = _parsed_own_data(raw, name, bool(st.session_state.get("own_data_swap", False)))
    if how == "upload":  # the last upload is kept if it can be read, else the student has replaced the kept one
        st.session_state[_KEPT_UPLOAD_KEY] = (name, raw) if not isinstance(own, str) else None
    if isinstance(own, str):
        st.error(f"Cannot train on these texts: {plain(own)}")
        return None
    counts = own.counts()
    st.dataframe([{"label in your texts": own.mapping.negative, "the model's class": "0 (negative)",
                   "rows": counts[own.mapping.negative]},
                  {"label in your texts": own.mapping.positive, "the model's class": "1 (positive: P(...) is about it)",
                   "rows": counts[own.mapping.positive]}], hide_index=True, key="own_data_mapping")
    st.caption(f"Mapping rule: {plain(own.mapping.rule)}. Split: {counts['train']:,} texts to train on, "
               f"{counts['validation']:,} to validate after each epoch, {counts['test']:,} to test (never trained on). "
               + " ".join(plain(note) for note in own.notes))
    st.toggle("Swap the two labels (make the other one positive)", **persistent("own_data_swap", False))
    if note := fit_note(current_job()):
        st.caption(plain(note))
    return own
