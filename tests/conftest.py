"""Shared test helpers: an AppTest factory and data_editor edit injection."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
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


def _editor_state(at: AppTest, name: str) -> tuple[str, dict]:
    """Editor NAME's widget key and its state so far: every edit since it was drawn, as the browser holds it."""
    key = f"{name}_editor_{at.session_state['editor_version']}"
    before = at.session_state.get(key, {})
    return key, {"edited_rows": {int(i): dict(r) for i, r in (before.get("edited_rows") or {}).items()},
                 "added_rows": [dict(r) for r in before.get("added_rows") or []],
                 "deleted_rows": list(before.get("deleted_rows") or [])}


def _editor_element(at: AppTest, name: str):
    return next(df for df in at.dataframe if str(df.key).startswith(f"{name}_editor_"))


def drawn_table(at: AppTest, name: str) -> pd.DataFrame:
    """The table the app draws editor NAME from (what its grid's edits are against)."""
    return _editor_element(at, name).value


def editor_table(at: AppTest, name: str) -> pd.DataFrame:
    """Editor NAME's table as its grid shows it: the table drawn, with the edits its state holds applied (the
    browser applies them; the app keeps drawing the table the edits are against)."""
    element = _editor_element(at, name)
    table = element.value.copy()
    delta = at.session_state.get(element.key, {})
    for i, changes in (delta.get("edited_rows") or {}).items():
        for col, value in changes.items():
            table.iloc[int(i), table.columns.get_loc(col)] = value
    if delta.get("added_rows"):
        table = pd.concat([table, pd.DataFrame(delta["added_rows"], columns=table.columns, dtype=table.dtypes.iloc[0])],
                          ignore_index=True)
    return table.drop(index=table.index[list(delta.get("deleted_rows") or [])]).reset_index(drop=True)


def edit_xy(at: AppTest, edited=None, added=None, deleted=None) -> AppTest:
    """Edit the X|y editor as the browser would, and rerun: its state holds every edit since it was drawn.
    Rows are numbered as drawn, then the added ones after them; an added row edited or deleted changes
    `added_rows`, as in Streamlit's data editor."""
    key, delta = _editor_state(at, "xy")
    drawn = len(at.session_state["editor_base"].X)
    for i, changes in (edited or {}).items():
        target = delta["edited_rows"].setdefault(i, {}) if i < drawn else delta["added_rows"][i - drawn]
        target.update(changes)
    delta["added_rows"] += [dict(r) for r in added or []]
    for i in sorted(deleted or [], reverse=True):
        if i < drawn:
            delta["deleted_rows"] = sorted({*delta["deleted_rows"], i})
        else:
            del delta["added_rows"][i - drawn]
    at.session_state[key] = delta
    return at.run()


def edit_wb(at: AppTest, changes: dict) -> AppTest:
    """Edit the one-row w|b editor, e.g. {"w0": "0.5"}, as the browser would, and rerun."""
    return _edit_rows(at, "wb", {0: changes})


def _edit_rows(at: AppTest, name: str, edited: dict) -> AppTest:
    key, delta = _editor_state(at, name)
    for i, changes in edited.items():
        delta["edited_rows"].setdefault(int(i), {}).update(changes)
    at.session_state[key] = delta
    return at.run()


def stepper_element(at: AppTest):
    """The step page's stepper as AppTest sees it (a components-v2 element it does not know): its proto
    carries the data sent to the browser as JSON."""
    from ui import stepper

    found = [e for e in at.get("bidi_component") if e.proto.id.endswith(stepper.KEY)]
    assert len(found) == 1, found
    return found[0]


def pictures(at: AppTest) -> dict[str, str]:
    """The pictures the page shows (diagrams, small charts: the picture component), their SVG text by name."""
    data = [json.loads(e.proto.json) for e in at.get("bidi_component")
            if e.proto.component_name == "backprop_explorer.picture"]
    return {d["name"]: d["svg"] for d in data if d["show"]}


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
    """Edit a network's parameter editor (key W1, b1, ...), {row: {unit column: text}}, as the browser would, and
    rerun."""
    return _edit_rows(at, key, edited)


def load_preset(at: AppTest, name: str) -> AppTest:
    """Choose a prepared example in the sidebar."""
    return at.selectbox(key="preset_select").select(name).run()
