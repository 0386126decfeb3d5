"""A page's view in its link: restored from the query parameters on the page's first run, written back as the
student changes it, and shown as a link to copy (the parsing and its limits are rnn_demo.core.url_state's)."""

from __future__ import annotations

import streamlit as st

from rnn_demo.core import url_state as state
from rnn_demo.web.widgets import plain


def restore_view(spec: dict[str, state.UrlParam]) -> None:
    """On this page's first run in the session, set its widgets from the link's query parameters (call before the
    widgets are drawn); a value the page cannot take is named in a warning and the default is kept."""
    flag = "url_restored_" + ",".join(sorted(spec))
    if st.session_state.get(flag):
        return
    st.session_state[flag] = True
    values, problems = state.parse(st.query_params.to_dict(), spec)
    for name, value in values.items():
        st.session_state[spec[name].widget or name] = value
    for problem in problems:
        # The link's text is shown as text: Markdown in it would fetch images or show links inside the app.
        st.warning(f"In this link, {plain(problem)}; the default is used instead.", icon=":material/link_off:")


def save_view(spec: dict[str, state.UrlParam]) -> None:
    """Write this page's shareable settings into the address bar, so the current URL reproduces the view."""
    current = {name: st.session_state[param.widget or name] for name, param in spec.items()
               if (param.widget or name) in st.session_state}
    query = state.encode(current, spec)
    # Only this page's own parameters change: the others (lecture mode's, bound to its switch) stay as they are.
    for name in [name for name in spec if name in st.query_params and name not in query]:
        del st.query_params[name]
    if changed := {name: text for name, text in query.items() if st.query_params.get(name) != text}:
        st.query_params.update(changed)


def share_link(spec: dict[str, state.UrlParam]) -> None:
    """The link to this exact view, with a copy button (st.code draws one), naming what a link cannot carry."""
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?")[0]
    query = st.query_params.to_dict()
    st.code(f"{base}?{urlencode(query)}" if query else base, language=None, wrap_lines=True)
    st.caption("Copy this link (the icon at its right) to open this exact view in another browser: the page, the "
               "review, the model and the main choices.")
    left_out = [name for name, param in spec.items()
                if st.session_state.get(param.widget or name) not in (None, "", []) and name not in query]
    if left_out:
        st.caption(f"Not in the link, too long for a web address (over {spec[left_out[0]].max_length:,} characters): "
                   f"{', '.join(left_out)}. The link opens with the default instead.")
