"""Backprop Explorer: the entrypoint. Shared sidebar and session defaults, then the chosen page."""

from pathlib import Path

import streamlit as st

from ui import presenter, share_ui, state, throttle, widgets

PAGES = Path(__file__).parent / "pages"  # absolute, so tests can run this file from tests/
FULL_RUN = "app_full_run"  # set by each run of the whole script, taken by the page's fragment (bool)

st.set_page_config(page_title="Backprop Explorer", page_icon="🧮", layout="wide")
state.init(entry=True)
throttle.wait_turn()  # a session that asks for runs faster than a person clicks waits its turn

pages = [
    st.Page(PAGES / "overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page(PAGES / "step_by_step.py", title="Step by step", icon=":material/footprint:"),
    st.Page(PAGES / "gradient_check.py", title="Gradient check", icon=":material/fact_check:"),
    st.Page(PAGES / "notebook.py", title="The notebook", icon=":material/bug_report:"),
    st.Page(PAGES / "landscape.py", title="Loss landscape", icon=":material/landscape:"),
    st.Page(PAGES / "training.py", title="Training", icon=":material/model_training:"),
    st.Page(PAGES / "data.py", title="Data & sharing", icon=":material/share:"),
]
state.register_pages(pages)
page = st.navigation(pages)
widgets.apply_pending_edits(page.url_path)
share_ui.restore_once()
share_ui.restore_after_reconnect()
widgets.settings_ui()
presenter.apply()
st.session_state[FULL_RUN] = True


@st.fragment
def body() -> None:
    """The page, its share link and the address bar. An edit inside the page (a cell, a page's widget) reruns only
    this, so the sidebar's settings are not sent again unchanged; the link and the address follow every edit."""
    if not st.session_state.pop(FULL_RUN, False):  # this part alone reruns: fold in the edit first
        throttle.wait_turn()
        widgets.apply_pending_edits(page.url_path)
        if widgets.settings_stale():  # the edit changed what the sidebar says ("Your own data"): redraw it too
            st.rerun(scope="app")
        # Streamlit lets a page run once per run of this script; a rerun of this fragment alone is a new run of the
        # page within the same page (its hash, so its widgets keep their identity). Private flag of st.Page (1.67).
        page._can_be_called = True
    share_ui.sidebar_ui(page)
    try:
        page.run()
    finally:  # the address last, as the page ends: the browser records it (a history entry) without an extra layout
        share_ui.write_url()


body()
