"""Shared test helpers: an AppTest factory and data_editor edit injection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

ENTRY = str(Path(__file__).with_name("app_entry.py"))


def open_app(page: str | None = None, timeout: float = 30) -> AppTest:
    """Run the app (through tests/app_entry.py), optionally switched to `page`, e.g. "step_by_step"."""
    at = AppTest.from_file(ENTRY, default_timeout=timeout).run()
    if page:
        at.switch_page(f"../pages/{page}.py").run()
    return at


def edit_xy(at: AppTest, edited=None, added=None, deleted=None) -> AppTest:
    """Inject an edit of the X|y editor as the browser would send it, and rerun."""
    key = f"xy_editor_{at.session_state['editor_version']}"
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}
    return at.run()


def edit_wb(at: AppTest, changes: dict) -> AppTest:
    """Inject an edit of the one-row w|b editor, e.g. {"w0": "0.5"}, and rerun."""
    key = f"wb_editor_{at.session_state['editor_version']}"
    at.session_state[key] = {"edited_rows": {0: changes}, "added_rows": [], "deleted_rows": []}
    return at.run()


def stepper_element(at: AppTest):
    """The step page's stepper as AppTest sees it (a components-v2 element it does not know): its proto
    carries the data sent to the browser as JSON."""
    from ui import stepper

    found = [e for e in at.get("bidi_component") if e.proto.id.endswith(stepper.KEY)]
    assert len(found) == 1, found
    return found[0]


def stepper_data(at: AppTest) -> dict:
    """The data the step page sends its stepper: steps, graph, the step to show, presenter mode."""
    return json.loads(stepper_element(at).proto.json)


def settle_step(at: AppTest, number: int) -> AppTest:
    """What the browser sends when the stepper settles on step NUMBER: the component's "step" event (a
    trigger value in the component's event list), then a run."""
    from ui import stepper

    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())  # the other widgets as they are
    event = states.widgets.add()
    event.id = f"$$STREAMLIT_INTERNAL_KEY_{stepper_element(at).proto.id}__events"  # components v2's naming
    event.json_trigger_value = json.dumps([{"event": stepper.STEP_EVENT, "value": number}])
    return at._run(states)  # AppTest has no public way to set an unknown element's state


@pytest.fixture
def app():
    """The app on its default page."""
    return open_app()


def edit_layer(at: AppTest, key: str, edited: dict) -> AppTest:
    """Inject an edit of a network's parameter editor (key W1, b1, ...), {row: {unit column: text}}, and rerun."""
    state_key = f"{key}_editor_{at.session_state['editor_version']}"
    at.session_state[state_key] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}
    return at.run()


def load_preset(at: AppTest, name: str) -> AppTest:
    """Choose a prepared example in the sidebar."""
    return at.selectbox(key="preset_select").select(name).run()
