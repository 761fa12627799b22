"""Presenter (lecture) mode, the live computation graph, and play/pause for the step page.

Presenter mode is one bool in the session, `state.PRESENTER` (the share link carries it). `apply()`, called
by app.py on every run after the sidebar settings, draws the sidebar toggle; while the mode is on it adds a
constant style sheet (larger type for formulas and tables, full-contrast text in the light and the dark
theme, no toolbar, less padding; on the step page only the step itself and the graph beside it), collapses
the sidebar, and shows a small bar at the top right with the keyboard shortcuts and a way out.

Streamlit 1.67: `st.set_page_config(initial_sidebar_state=...)` is honoured on a rerun whenever its value
changes, unless the user has collapsed or expanded the sidebar by hand, a choice the browser remembers and
prefers. So a switch of the mode also runs a small constant script that presses the sidebar's own
collapse (or expand) button when the sidebar is not yet as wanted. The toolbar's mode is a server-wide
option (client.toolbarMode), so the style sheet hides the toolbar instead. Neither the style sheet nor the
script ever holds user text.
"""

from __future__ import annotations

import time

import streamlit as st

import backprop as bp
from viz import graph

from . import state

WAS_ON = "presenter_was_on"  # the mode in the previous run, to act once on a switch (bool)
PLAYING = "step_playing"  # the step page moves on by itself (bool)
PLAYED_AT = "step_played_at"  # time.monotonic() when the current step went on screen while playing (float)
PLAY_SECONDS = 4.0
# The step page's containers, by key; the style sheet finds each by its class st-key-KEY. (No "<" in the
# style sheet, not even in a comment: the browser's HTML sanitizer drops a <style> holding one.)
GRAPH_KEY = "step_graph"  # the computation graph: a panel beside the step
INTRO_KEY = "step_intro"  # title and help: hidden
EDITORS_KEY = "step_editors"  # the editors while the input is valid: hidden (a bad input keeps them in view)
MAP_KEY = "step_map"  # the slider and the roadmap: hidden
SHARES_KEY = "step_shares"  # the bar chart of each sample's share: hidden (the table has the numbers)
BAR_KEY = "presenter_bar"

# The step page's keyboard shortcuts as its buttons declare them: (keys shown, what they do, button key,
# shortcut as Streamlit normalises it). tests/test_app_presenter.py checks them against the page.
SHORTCUTS = (
    ("→", "next step", "step_next", "right"),
    ("←", "previous step", "step_prev", "left"),
    ("P", f"play / pause (a step every {PLAY_SECONDS:g} s)", "step_play", "p"),
    ("Home", "first step (reset)", "step_first", "home"),
    ("End", "last step", "step_last", "end"),
)

LEGEND = ("Each node shows its values and, beside them, the gradient of the loss L with respect to them "
          "(micrograd's picture, one row per sample). Solid arrows: the forward pass; dashed: where the "
          "backward pass turns δ = ∂L/∂z into each sample's share and sums the shares into ∂L/∂θ. The node of "
          "the current step is outlined, its column filled; grey rows are samples that pass no gradient.")

CSS = """
<style>
/* Presenter mode (ui/presenter.py). A constant: it never holds user text. */
[data-testid="stToolbarActions"], [data-testid="stAppDeployButton"], [data-testid="stMainMenu"],
[data-testid="stStatusWidget"], [data-testid="stDecoration"] { display: none !important; }
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
.stMain [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
.stMain h3 { font-size: 1.8rem; padding: 0.2rem 0 0; }
.stMain .katex { font-size: 1.25em; }
.stMain [data-testid="stTable"] th, .stMain [data-testid="stTable"] td {
  font-size: 1.15rem; padding: 0.15rem 0.7rem; white-space: nowrap;
}
.stMain [data-testid="stVerticalBlock"] { gap: 0.45rem; }

/* The presenter bar: shortcuts and the way out, where the toolbar was. */
.st-key-presenter_bar {
  position: fixed; top: 0.5rem; right: 1rem; z-index: 999991; width: auto !important;
  flex-direction: row !important; gap: 0.5rem !important;
}

/* The step page: the step on the left, the graph in a panel on the right, nothing else. Every part is found
   by its container's key (st.container(key="x") gives the class st-key-x), never by its position. */
.stMainBlockContainer:has(.st-key-step_graph) { padding-right: calc(34vw + 3rem) !important; }
.st-key-step_graph {
  position: fixed; top: 3.25rem; right: 1.5rem; width: 34vw !important; height: calc(100vh - 4rem);
  display: flex; align-items: flex-start; justify-content: center; z-index: 2;
}
.st-key-step_graph svg { max-width: 34vw !important; max-height: calc(100vh - 4.5rem) !important;
  width: auto !important; height: auto !important; }
/* Title and help, the editors (while the input is valid), slider and roadmap, the "Values" label, the bar
   chart of shares; and "Where each number comes from", with the column it sits in: the graph shows it. */
.st-key-step_intro, .st-key-step_editors, .st-key-step_map, .st-key-step_values_label, .st-key-step_shares,
.st-key-step_origin, [data-testid="stColumn"]:has(.st-key-step_origin):not(:has(.st-key-step_values)) {
  display: none !important;
}
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
    if (collapsed !== (want === "collapsed") && button) { button.click(); return; }
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
    with st.sidebar:
        st.toggle("Presenter mode", key=state.PRESENTER,
                  help="For lectures: large type, high contrast, no sidebar or toolbar, one step per screen. "
                       "Keys on the step page: → next, ← previous, P play/pause, Home first, End last.")
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


def _leave() -> None:
    st.session_state[state.PRESENTER] = False


def _bar_ui() -> None:
    with st.container(key=BAR_KEY, horizontal=True):
        with st.popover("Keys", icon=":material/keyboard:", help="Keyboard shortcuts"):
            st.markdown("**Keyboard shortcuts** (step by step page)\n\n" + "\n".join(
                f"- **{keys}** {what}" for keys, what, _, _ in SHORTCUTS))
            st.caption("Click the page first if a key does nothing (the focus may be in a text field).")
        st.button("Exit", key="presenter_exit", icon=":material/close_fullscreen:", on_click=_leave,
                  help="Leave presenter mode")


GRAPH_CSS = """
<style>
/* The graph's layout is computed for Helvetica's widths: draw it in Helvetica (or its metric twin Arial). */
.st-key-step_graph .stGraphVizChart text { font-family: Helvetica, Arial, "Liberation Sans", sans-serif !important; }
</style>
"""


def graph_ui(trace: bp.Trace, current: bp.Step, precision: int) -> None:
    """The live computation graph with the current step's node highlighted: below the step, or in
    presenter mode in a panel beside it (top to bottom, so it fits the screen's height)."""
    on = is_on()
    st.html(GRAPH_CSS)
    with st.container(key=GRAPH_KEY):
        if not on:
            st.subheader("Computation graph", anchor=False)
            st.caption(LEGEND)
        st.graphviz_chart(graph.to_dot(trace, current, precision, direction="TB" if on else "LR"),
                          alt=graph.alt_text(trace, current))


def _toggle_play(total: int) -> None:
    playing = not st.session_state.get(PLAYING, False)
    st.session_state[PLAYING] = playing
    if playing and int(st.session_state.get(state.STEP, 1)) >= total:
        st.session_state[state.STEP] = 1  # play from the end starts over


def play_ui(total: int) -> None:
    """A Play / Pause button (key P) for the step page; while playing, the next step every PLAY_SECONDS."""
    playing = bool(st.session_state.get(PLAYING, False))
    st.button("Pause" if playing else "Play", key="step_play", on_click=_toggle_play, args=(total,),
              icon=":material/pause:" if playing else ":material/play_arrow:", shortcut="P",
              help=f"Move on by itself, one step every {PLAY_SECONDS:g} seconds (key P)")
    if playing:
        st.session_state[PLAYED_AT] = time.monotonic()  # this run shows the step: its time starts now
        _ticker(total)


def advance(total: int) -> bool:
    """One automatic step if the current one has been on screen long enough; stops at the last step.
    Returns whether the step page must be redrawn."""
    if not st.session_state.get(PLAYING, False):
        return False
    if time.monotonic() - st.session_state.get(PLAYED_AT, 0.0) < 0.9 * PLAY_SECONDS:
        return False
    step = int(st.session_state.get(state.STEP, 1))
    if step >= total:
        st.session_state[PLAYING] = False
    else:
        st.session_state[state.STEP] = step + 1
    return True


@st.fragment(run_every=PLAY_SECONDS)
def _ticker(total: int) -> None:
    if advance(total):
        st.rerun()
