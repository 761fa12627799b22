"""Presenter (lecture) mode: large type and one step per screen (the step page's stepper does the rest).

Presenter mode is one bool in the session, `state.PRESENTER`: a state of the session, not of a page, so every
way to another page keeps it (the navigation, buttons that switch pages, page links, the browser's back). It
is a plain session key, not the toggle's widget key: Streamlit forgets a widget's value when a button
switches pages (the widget's identity includes its page), so the toggle (`TOGGLE`) shows the session's value
and writes it back when clicked. A share link carries it only when the lecturer asks (`SHARE_ON`, "open in
presenter mode"): a link copied in a lecture opens in normal mode on a student's phone. `apply()`, called
by app.py on every run after the sidebar settings, draws the sidebar toggle; while the mode is on it adds a
constant style sheet (larger type for formulas and tables, full-contrast text in the light and the dark
theme, no toolbar, less padding; on the step page only the stepper, which lays out the step and its graph
and takes the keyboard focus), collapses
the sidebar, and shows a small bar at the top right with the keyboard shortcuts and a way out.

Streamlit 1.67: `st.set_page_config(initial_sidebar_state=...)` is honoured on a rerun whenever its value
changes, unless the user has collapsed or expanded the sidebar by hand, a choice the browser remembers and
prefers. So a switch of the mode also runs a small constant script that presses the sidebar's own
collapse (or expand) button when the sidebar is not yet as wanted. The toolbar's mode is a server-wide
option (client.toolbarMode), so the style sheet hides the toolbar instead. Neither the style sheet nor the
script ever holds user text.
"""

from __future__ import annotations

import streamlit as st

from . import state

WAS_ON = "presenter_was_on"  # the mode in the previous run, to act once on a switch (bool)
TOGGLE = "presenter_toggle"  # the sidebar toggle's widget key (it mirrors state.PRESENTER)
SHARE_ON = "share_presenter"  # links open in presenter mode (bool; the lecturer ticks it)
# The step page's containers, by key; the style sheet finds each by its class st-key-KEY. (No "<" in the
# style sheet, not even in a comment: the browser's HTML sanitizer drops a <style> holding one.)
INTRO_KEY = "step_intro"  # title and help: hidden
EDITORS_KEY = "step_editors"  # the editors while the input is valid: hidden (a bad input keeps them in view)
NETWORK_KEY = "step_network_panel"  # a network's diagram under the stepper: hidden (the stepper's graph has it all)
LANDSCAPE_INTRO_KEY = "landscape_intro"  # the landscape page's title and help: hidden (its charts come first)
BAR_KEY = "presenter_bar"

# The stepper's keyboard shortcuts (ui/components/stepper/stepper.js handles them): (keys, what they do).
SHORTCUTS = (
    ("→", "next step"),
    ("←", "previous step"),
    ("P", "play / pause"),
    ("R", "reveal the result (with Predict first)"),
    ("Home", "first step (reset)"),
    ("End", "last step"),
)

CSS = """
<style>
/* Presenter mode (ui/presenter.py). A constant: it never holds user text. A room's screen only: on a phone
   (a lecturer's link opened by a student) the page stays in normal mode. */
@media (min-width: 641px) {
[data-testid="stToolbarActions"], [data-testid="stAppDeployButton"],
[data-testid="stStatusWidget"], [data-testid="stDecoration"] { display: none !important; }
/* The ⋮ menu stays, beside the presenter bar: its Settings switch the theme (light, dark) in the room. */
/* The header stays (its button brings the sidebar back) but lets clicks through to the page below it. */
[data-testid="stHeader"] { background: transparent !important; }
[data-testid="stHeader"], [data-testid="stHeader"] * { pointer-events: none !important; }
[data-testid="stHeader"] button { pointer-events: auto !important; }
.stMainBlockContainer { padding: 0.6rem 2rem 0.5rem 3.5rem !important; max-width: none !important; }

/* Full contrast in either theme: the inherited text colour pushed to black (light) or white (dark). */
.stMain, [data-testid="stSidebar"] {
  color: rgb(from currentColor clamp(0, calc((r - 128) * 8 + 128), 255)
             clamp(0, calc((g - 128) * 8 + 128), 255) clamp(0, calc((b - 128) * 8 + 128), 255));
}
.stMain [data-testid="stCaptionContainer"], .stMain [data-testid="stTable"] th,
.stMain [data-testid="stWidgetLabel"] { color: inherit !important; opacity: 1 !important; }
.stMain [data-testid="stTable"] td, .stMain [data-testid="stTable"] th { border-color: currentColor !important; }

/* Larger type for the lesson: text, formulas, tables. */
.stMain [data-testid="stMarkdown"] p, .stMain [data-testid="stMarkdown"] li { font-size: 1.25rem; line-height: 1.4; }
.stMain [data-testid="stCaptionContainer"] p { font-size: 1.125rem; }
/* The settings on the screen (axes, learning rate, steps): labels and values at 18 px too. */
.stMain [data-testid="stWidgetLabel"] p, .stMain [role="radiogroup"] p, .stMain input,
.stMain [data-baseweb="select"] > div,
.stMain [data-testid="stSliderThumbValue"], .stMain [data-testid="stSliderTickBar"] p {
  font-size: 1.125rem !important;
}
/* Buttons, metrics, messages, code and links at 18 px too: every text the room reads (the floor a browser
   test checks on every page, tests/e2e/test_readability_e2e.py). */
.stMain button p, .st-key-presenter_bar button p, .stMain [data-testid="stMetricLabel"] p,
.stMain [data-testid="stMetricLabel"] label, .stMain [data-testid^="stAlert"] :is(p, li, strong, em, code),
.stMain table :is(td, th) p, .stMain [data-testid="stPageLink"] p, .stMain [data-testid="stPageLink"] span,
.stMain [data-testid="stExpander"] summary p, .stMain [data-testid="stCheckbox"] p,
.stMain [data-testid="stMarkdown"] code,
.stMain [data-testid="stCode"] code, .stMain [data-testid="stCode"] span, .stMain [data-testid="stMetricDelta"] div,
.stMain .bpx-share-link code, .stMain .bpx-share-link button,
.stMain [data-baseweb="tag"] span, .stMain [data-testid="stDataFrame"],
.stMain [data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 1.125rem !important; }
.stMain [data-testid="stMetricValue"] { font-size: 2.2rem; }
.stMain h3 { font-size: 1.8rem; padding: 0.2rem 0 0; }
.stMain [role="tab"] p { font-size: 1.25rem; } /* tabs name the sections under them, as headings do */
.stMain .katex { font-size: 1.25em; }
.stMain [data-testid="stTable"] th, .stMain [data-testid="stTable"] td {
  font-size: 1.15rem; padding: 0.15rem 0.7rem; white-space: nowrap;
}
.stMain [data-testid="stVerticalBlock"] { gap: 0.45rem; }

/* The grids (st.data_editor, st.dataframe): glide-data-grid draws their text on a canvas at 14 px, from a
   theme object no style sheet reaches, so each grid is zoomed 1.3x (18.2 px). CSS zoom, unlike a transform,
   takes part in layout and in getBoundingClientRect, and glide maps a pointer through the canvas's size on
   screen over its own (rect.width / width): a click, a double-click, a column's resize handle land on the
   cell drawn under the pointer. Streamlit measures the frame around the grid on screen (getBoundingClientRect)
   and gives the grid that many of its own CSS pixels: the frame is narrowed by the zoom, stDataFrame widened
   back to the column's width, and the zoom sits inside stDataFrame, on the resizable box (Streamlit compares
   stDataFrame's size with the grid's on screen to tell whether the grid scrolls: zoomed itself, it would
   seem to, and the grid would grow by a scrollbar's width and be cut). A grid given a height takes its zoomed
   height. The cell editor opens outside the grid (glide's portal): 18 px there; the full-screen button,
   whose grid would be sized without the zoom, is hidden. tests/e2e/test_presenter_e2e.py edits, scrolls and
   resizes a zoomed grid. */
.stMain { --bpx-grid-zoom: 1.3; }
.stMain [data-testid="stFullScreenFrame"]:has(> [data-testid="stDataFrame"]) {
  width: calc(100% / var(--bpx-grid-zoom)) !important;
}
.stMain [data-testid="stDataFrame"] { width: calc(100% * var(--bpx-grid-zoom)) !important; }
.stMain [data-testid="stDataFrameResizable"] { zoom: var(--bpx-grid-zoom); }
.stMain .stElementContainer:has(> [data-testid="stFullScreenFrame"] > [data-testid="stDataFrame"]) {
  flex: 0 0 auto !important; height: auto !important;  /* a grid of a given height: the zoomed height */
}
.stMain [data-testid="stDataFrame"] [data-testid="stElementToolbarButton"]:has(button[aria-label="Fullscreen"]) {
  display: none !important;
}
[data-testid="portal"] .gdg-clip-region { --gdg-editor-font-size: 1.125rem !important; }

/* The presenter bar: shortcuts and the way out, where the toolbar was. Nothing readable under it: at the top
   of a page the content leaves its corner free (the stepper's own bar ends before it), whatever the page is
   scrolled to (scrollIntoView, a link's anchor, a focused field, Page Down) stops below it, and once the page
   is scrolled, what passes under it is hidden behind a backdrop of the page's colour (a scroll-driven
   animation of the main area's scrolling: none at the top, where it would cut the first row's border). */
.st-key-presenter_bar {
  position: fixed; top: 0.5rem; right: 3.5rem; z-index: 999991; width: auto !important;
  flex-direction: row !important; gap: 0.5rem !important;
}
[data-testid="stMain"] { scroll-padding-top: 3.5rem; scroll-timeline: --bpx-main block; }
@supports (animation-timeline: scroll()) {
  .st-key-presenter_bar::before {
    content: ""; position: absolute; inset: -0.5rem -0.25rem -0.5rem -0.5rem; z-index: -1; opacity: 0;
    /* the page's colour, from the bar's text colour (black or white here): white, or Streamlit's dark
       background #171614 (no theme variable reaches the page outside a component) */
    background: rgb(from currentColor calc(255 - r * 232 / 255) calc(255 - g * 233 / 255) calc(255 - b * 235 / 255));
    border-radius: 0 0 0.5rem 0.5rem;
    animation: bpx-bar-backdrop linear both; animation-timeline: --bpx-main; animation-range: 0px 8px;
  }
  @keyframes bpx-bar-backdrop { to { opacity: 1; } }
}

/* The step page: only the stepper (it lays out the step and the graph itself). Every part is found by its
   container's key (st.container(key="x") gives the class st-key-x), never by its position. Title and help,
   and the editors (while the input is valid). */
.st-key-step_intro, .st-key-step_editors, .st-key-step_network_panel { display: none !important; }
/* The loss landscape: its title and help (the page puts the charts above its settings in this mode). */
.st-key-landscape_intro { display: none !important; }
}
@media (max-width: 640px) { .st-key-presenter_bar { display: none !important; } }
</style>
"""

# Run once when the mode switches: make the sidebar collapsed (on) or expanded (off), if it is not yet,
# by pressing Streamlit's own button, after the page has had a moment to apply set_page_config.
SIDEBAR_JS = """
<script>
(() => {
  const want = "%s";
  let tries = 0;
  const check = () => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    if (!sidebar) return;
    const collapsed = sidebar.getAttribute("data-collapsed") === "true";
    const button = collapsed
      ? document.querySelector('[data-testid="stExpandSidebarButton"]')
      : document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (collapsed === (want === "collapsed")) return;  // as wanted: a later click by the user is theirs
    if (button) { button.click(); return; }
    if (++tries < 10) setTimeout(check, 100);
  };
  setTimeout(check, 150);
})();
</script>
"""


def is_on() -> bool:
    return bool(st.session_state.get(state.PRESENTER, False))


def apply() -> None:
    """The sidebar toggle; while presenter mode is on, its style sheet, its bar and a collapsed sidebar."""
    st.session_state[TOGGLE] = is_on()
    with st.sidebar:
        st.toggle("Presenter mode", key=TOGGLE, on_change=_toggled,
                  help="For lectures: large type, high contrast, no sidebar or toolbar, one step per screen. "
                       "Keys on the step page: → next, ← previous, P play/pause, R reveal, Home first, End last.")
    on = is_on()
    switched = on != st.session_state.get(WAS_ON, False)
    st.session_state[WAS_ON] = on
    st.set_page_config(initial_sidebar_state="collapsed" if on else "auto")
    if switched:
        with st.sidebar:
            st.html(SIDEBAR_JS % ("collapsed" if on else "expanded"), unsafe_allow_javascript=True)
    if on:
        st.html(CSS)
        _bar_ui()


def _toggled() -> None:
    st.session_state[state.PRESENTER] = bool(st.session_state[TOGGLE])


def _leave() -> None:
    st.session_state[state.PRESENTER] = False


def share_choice_ui(key: str) -> bool:
    """The "open in presenter mode" tick for a share link (widget `key`; every such tick shows one session
    value, SHARE_ON). Returns whether links carry presenter mode."""
    st.session_state[key] = bool(st.session_state.get(SHARE_ON, False))
    st.checkbox("Open in presenter mode", key=key, on_change=_share_ticked, args=(key,),
                help="Without it the link (and the address bar) opens in normal mode, which suits a phone or a "
                     "student's laptop.")
    return st.session_state[key]


def _share_ticked(key: str) -> None:
    st.session_state[SHARE_ON] = bool(st.session_state[key])


def _bar_ui() -> None:
    with st.container(key=BAR_KEY, horizontal=True):
        with st.popover("Keys", icon=":material/keyboard:", help="Keyboard shortcuts"):
            st.markdown("**Keyboard shortcuts** (step by step page)\n\n" + "\n".join(
                f"- **{keys}** {what}" for keys, what in SHORTCUTS))
            st.caption("The keys work while the stepper or nothing has the focus, never in a text field.")
        st.button("Exit", key="presenter_exit", icon=":material/close_fullscreen:", on_click=_leave,
                  help="Leave presenter mode")
