"""Lecture mode: the whole app laid out for a projector at 1280x720. One switch in the sidebar (or `?lecture=1` in
the link; Inspect's older `?present=1` too) that lasts the session and stays in the address bar on every page. It
collapses the sidebar, trims the empty header, enlarges the text and shows the findings (captions) at full contrast;
pages ask `is_on()` for a compact layout and wrap their charts in `sized` for the lecture's chart fonts. app.py
calls `setup()` before the page runs."""

from __future__ import annotations

import streamlit as st

from rnn_demo.core import url_state as link_state
from rnn_demo.figures.common import apply_fonts, font_size
from rnn_demo.web.widgets import plain

KEY = "lecture"  # the switch's widget key, and its name in the link

# In both modes: captions are the sentences that state each finding. Streamlit draws them at 60% opacity (about
# 3.9:1 on white, under WCAG AA's 4.5:1): here at 80% (7.2:1), in lecture mode at 100% (13.7:1). Plotly's axis titles,
# ticks, legends and subplot titles take the page's text colour instead of Streamlit's light grey (3.7:1);
# `currentColor` keeps them readable in a dark theme too. Colour changes no size, so Plotly's layout still holds.
_ALWAYS = """
[data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"] [data-testid="stTooltipHoverTarget"],
[data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"] { opacity: 0.8; }
.js-plotly-plot .main-svg :is(text[class*="title"], g[class*="tick"] > text, .legendtext, .cbtitle text,
  .annotation-text) { fill: currentColor !important; }
"""

# Lecture mode only: the header's ~100 px of empty space goes. The header becomes see-through and lets clicks pass
# except on its buttons: the one that reopens the sidebar sits in the left margin, the menu in the right one, beside
# the content. Text is larger, findings are at full contrast, titles shrink so the main picture stays above 720 px.
_LECTURE = """
[data-testid="stHeader"] { background: transparent; pointer-events: none; }
[data-testid="stHeader"] button { pointer-events: auto; }
[data-testid="stMainBlockContainer"] { padding-top: 1.25rem; padding-bottom: 2rem; }
.stMain [data-testid="stMarkdown"] :is(p, li) { font-size: 1.15rem; }
.stMain .katex-display { font-size: 1.2rem; }
.stMain :is([data-testid="stWidgetLabel"], [data-testid="stPageLink"]) p { font-size: 1rem; }
.stMain [data-testid="stCaptionContainer"], .stMain [data-testid="stCaptionContainer"] p {
  opacity: 1; font-size: 1.05rem; }
.stMain h1 { font-size: 2rem; padding-top: 0; padding-bottom: 0.5rem; }
.stMain h2 { font-size: 1.6rem; }
.stMain h3 { font-size: 1.35rem; }
"""


# The reload starts from the address the document was loaded with, not the address bar: by the time the script runs,
# the page may have written its own view there (Inspect's fallback model for a link's run that is not here), and the
# reloaded page would show that model without saying the link named another.
_RELOAD_IN_THE_SWITCH_WORDS = """<script>
const loaded = performance.getEntriesByType("navigation")[0];
const address = new URL(loaded ? loaded.name : window.location.href);
address.searchParams.delete("present");
address.searchParams.set("lecture", "true");
window.location.replace(address.href);
</script>"""


def is_on() -> bool:
    """Whether lecture mode is on: the switch's value, or before the switch exists (a session's first run) the link's
    `?lecture=1` (or `?present=1`, as Inspect's links wrote it); a value the link cannot mean is named in a warning."""
    if KEY in st.session_state:
        return bool(st.session_state[KEY])
    values, problems = link_state.parse(st.query_params.to_dict(), link_state.LECTURE_LINK)
    on = values.get("lecture", values.get("present", False))
    for problem in problems:  # the link's text shown as text, never as Markdown
        st.warning(f"In this link, {plain(problem)}; lecture mode stays off.", icon=":material/link_off:")
    # The switch is bound to the link (Streamlit keeps it on every page) and reads only true/false; Streamlit's page
    # only keeps a bound parameter the address had when it was loaded. A link in other words (lecture=1, present=1)
    # is therefore reloaded once in the switch's words; it carries no text of the link's own.
    said = {name: st.query_params[name] for name in link_state.LECTURE_LINK if name in st.query_params}
    if on and said != {KEY: "true"}:
        st.html(_RELOAD_IN_THE_SWITCH_WORDS, unsafe_allow_javascript=True, width="content")
        for name in said:
            del st.query_params[name]
        st.session_state[KEY] = True  # this run (and a test without a browser) goes on in lecture mode
    return on


def sized(figure):
    """`figure` with every text at the lecture size (rnn_demo.figures.common.font_size) when lecture mode is on, as
    Inspect draws its own; unchanged otherwise. Pages wrap each chart in it: one rule for every page's charts."""
    return apply_fonts(figure, font_size(True)) if is_on() else figure


def setup() -> None:
    """Called by app.py on every run, before the page: the page's layout for the mode, the switch in the sidebar (bound
    to the link's `lecture` parameter: Streamlit keeps a parameter bound in app.py on every page) and the CSS."""
    on = is_on()
    if on and KEY not in st.query_params:  # the link lost it (a change of page): the switch's value writes it back
        st.session_state[KEY] = True
    # Decided before the page runs; Streamlit folds the sidebar away when this changes, and its button reopens it.
    st.set_page_config(initial_sidebar_state="collapsed" if on else "auto")
    st.sidebar.toggle("Lecture mode", key=KEY, bind="query-params",
                      help="For a projector at 1280x720, on every page: sidebar folded away, large text, findings at "
                           "full contrast, each page's main picture above the fold. The link `?lecture=1` opens the "
                           "app in it.")
    st.html(f"<style>{_ALWAYS}{_LECTURE if on else ''}</style>")
