"""The legacy-pages fix (ui/state.py) touches a private Streamlit flag: without it the app still runs, and says why."""

import logging

import pytest
from conftest import open_app, stepper_data
from streamlit.runtime import pages_manager
from streamlit.runtime.pages_manager import PagesManager

from ui import state


@pytest.fixture
def fresh_lookup():
    state._pages_manager.cache_clear()
    yield
    state._pages_manager.cache_clear()


def test_the_fix_finds_the_flag_on_the_pinned_streamlit(fresh_lookup):
    assert state._pages_manager() is PagesManager


def test_without_the_private_flag_the_fix_does_nothing_and_logs_once(fresh_lookup, monkeypatch, caplog):
    # a later Streamlit whose PagesManager has no such flag
    monkeypatch.setattr(pages_manager, "PagesManager", type("PagesManager", (), {}))
    with caplog.at_level(logging.WARNING, logger="ui.state"):
        for _ in range(3):
            state._leave_legacy_multipage_mode()  # would raise (or st.rerun) if it touched the flag
    warnings = [r for r in caplog.records if r.name == "ui.state"]
    assert len(warnings) == 1 and "uses_pages_directory" in warnings[0].getMessage()


def test_the_app_runs_with_the_fix_in_place():
    at = open_app("step_by_step")
    assert not at.exception and stepper_data(at)["step"] == 1  # the step page's stepper, mounted
