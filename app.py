"""Backprop Explorer: the entrypoint. Shared sidebar and session defaults, then the chosen page."""

from pathlib import Path

import streamlit as st

from ui import presenter, share_ui, state, widgets

PAGES = Path(__file__).parent / "pages"  # absolute, so tests can run this file from tests/

st.set_page_config(page_title="Backprop Explorer", page_icon="🧮", layout="wide")
state.init()

pages = [
    st.Page(PAGES / "overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page(PAGES / "step_by_step.py", title="Step by step", icon=":material/footprint:"),
    st.Page(PAGES / "gradient_check.py", title="Gradient check", icon=":material/fact_check:"),
    st.Page(PAGES / "notebook.py", title="The notebook", icon=":material/bug_report:"),
    st.Page(PAGES / "landscape.py", title="Loss landscape", icon=":material/landscape:"),
    st.Page(PAGES / "data.py", title="Data & sharing", icon=":material/share:"),
]
state.register_pages(pages)
page = st.navigation(pages)
widgets.apply_pending_edits(page.url_path)
share_ui.restore_once()
share_ui.restore_after_reconnect()
widgets.settings_ui()
presenter.apply()
share_ui.sidebar_ui(page)
share_ui.write_url()
page.run()
