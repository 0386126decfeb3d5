"""Small helpers every page uses: widget values that last the session (`persistent`), objects made once per session,
an error that stops the page, user text shown literally inside Markdown (`plain`), and the script that keeps typed
text well-formed."""

from __future__ import annotations

import re

import streamlit as st

# Browsers let a text box hold half of a UTF-16 surrogate pair (a broken copy-paste, half an emoji). Streamlit's
# frontend encodes it as invalid UTF-8, the server cannot parse the message, closes the connection without a word and
# the student keeps seeing the previous prediction. This listener runs before Streamlit's own (capture phase on
# window) and replaces each lone surrogate with U+FFFD, as String.prototype.toWellFormed does, so the text arrives;
# rnn_demo.core.text.unreadable_note then tells the student. It carries no user text and is added once per browser tab.
_WELL_FORMED_TEXT_SCRIPT = """<script>
if (!window.rnnDemoWellFormedText) {
  window.rnnDemoWellFormedText = true;
  // A pair stays, a lone half becomes U+FFFD. Keep "less than" signs out: DOMPurify drops a script holding one.
  const pairOrHalf = /[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[\\uD800-\\uDFFF]/g;
  window.addEventListener("input", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement || box instanceof HTMLTextAreaElement)) return;
    const text = box.value;
    const fixed = text.replace(pairOrHalf, (match) => match.length === 2 ? match : "\\uFFFD");
    if (fixed === text) return;
    const [start, end] = [box.selectionStart, box.selectionEnd];
    Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), "value").set.call(box, fixed);
    box.setSelectionRange(start, end);
  }, true);
}
</script>"""


def keep_typed_text_well_formed() -> None:
    """Make every text box of the page send well-formed text (see _WELL_FORMED_TEXT_SCRIPT); call once per run."""
    st.sidebar.html(_WELL_FORMED_TEXT_SCRIPT, unsafe_allow_javascript=True, width="content")  # no room taken there


def once_per_session(key: str, build):
    """build(), made on this session's first run and kept in its st.session_state under `key`: objects a session
    reuses on every rerun, such as app.py's pages. A session runs one script run at a time, so objects whose state a
    run changes (st.navigation marks the page it returns) are never shared between two runs at once."""
    if key not in st.session_state:
        st.session_state[key] = build()
    return st.session_state[key]


def show_error_and_stop(message: str) -> None:
    """Show `message` as an error, literally (it may carry a student's text, a file name or a link's value: never
    read as Markdown), and end this run of the page."""
    st.error(plain(message))
    st.stop()


# Characters that mean something in Streamlit's Markdown wherever they stand; a colon only before a letter or digit
# (":red[...]", ":material/icon:", ":smile:") or a slash ("http://", a bare link), a dot after "www", and "-", "+",
# "1." only where they open a line (lists, rules).
_MARKDOWN_ANYWHERE = re.compile(r"[\\`*_{}\[\]<>#|~$]|:(?=[\w/])|(?<=www)\.")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)


def plain(value: str) -> str:
    """User text inside a Markdown message, shown literally (no links, images, formatting or icons); the rest of the
    message keeps its own Markdown."""
    escaped = _MARKDOWN_ANYWHERE.sub(lambda match: "\\" + match.group(0), value)
    return _MARKDOWN_LINE_START.sub(lambda match: match.group(1) + match.group(2)[:-1] + "\\" + match.group(2)[-1],
                                    escaped)


def persistent(key: str, default, *, follows=None, options=None) -> dict:
    """Keyword arguments for a widget whose value lasts the whole session, also while another page is shown.

    Streamlit forgets a widget's value when the widget is not drawn (another page); `persist_state="session"` keeps
    it. The widget's first value is `default`, set here (so pass no value/index to the widget itself). When `follows`
    (any value, e.g. the review) differs from the previous run's, the value goes back to `default`: a choice that
    depends on something else follows it. A value no longer among `options` also falls back to `default`.
    Use: `st.selectbox("Example", names, **widgets.persistent("inspect_example", names[0], options=names))` (a page's
    model picker takes `session_models.model_choice`, whose default follows the session's latest run).
    """
    followed = st.session_state.setdefault("_persistent_follows", {})
    stale = key in followed and followed[key] != follows
    value = st.session_state.get(key)
    chosen = value if isinstance(value, (list, tuple)) else [value]  # a multiselect's or a range slider's value
    invalid = options is not None and any(choice not in list(options) for choice in chosen)
    if key not in st.session_state or stale or invalid:
        st.session_state[key] = default
    followed[key] = follows
    return {"key": key, "persist_state": "session"}
