"""AppTest: presenter mode (toggle, style sheet, bar, sidebar switch) and the live graph the stepper is sent."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import edit_xy, open_app, settle_step, stepper_data
from streamlit.testing.v1 import AppTest

from ui import presenter, state


def html_bodies(at: AppTest, where=None) -> list[str]:
    """The bodies of the st.html elements, as sent (Streamlit strips the surrounding whitespace)."""
    return [h.proto.body for h in (where or at).get("html")]


def sent(constant: str) -> str:
    return constant.strip()


def styled(at: AppTest) -> bool:
    """Whether the page carries presenter mode's style sheet."""
    return sent(presenter.CSS) in html_bodies(at)


def switch_scripts(at: AppTest) -> list[str]:
    """The sidebar's scripts that collapse or expand it (not the share link's Copy button)."""
    return [b for b in html_bodies(at, at.sidebar) if "<script>" in b and "bpx-share-link" not in b]


def graph(at: AppTest) -> dict:
    """The computation graph as sent to the stepper: {node id: node}."""
    return {node["id"]: node for node in stepper_data(at)["graph"]["nodes"]}


def cells(node: dict, head: str) -> list[str]:
    return next(c["cells"] for c in node["columns"] if c["head"] == head)


def turn_on(at: AppTest) -> AppTest:
    return at.toggle(key=presenter.TOGGLE).set_value(True).run()


def test_presenter_mode_is_off_by_default_with_its_toggle_in_the_sidebar():
    at = open_app("step_by_step")
    assert not at.exception
    assert at.sidebar.toggle(key=presenter.TOGGLE).value is False
    assert not styled(at) and not switch_scripts(at)
    assert "presenter_exit" not in [b.key for b in at.button]


def test_toggling_presenter_mode_adds_then_removes_its_style_sheet_and_bar():
    at = turn_on(open_app("step_by_step"))
    assert not at.exception and at.session_state[state.PRESENTER] is True
    assert styled(at) and at.button(key="presenter_exit")
    assert switch_scripts(at) == [sent(presenter.SIDEBAR_JS % "collapsed")]  # collapse the sidebar, once
    settle_step(at, 2)
    assert styled(at) and not switch_scripts(at) and stepper_data(at)["presenter"] is True
    at.toggle(key=presenter.TOGGLE).set_value(False).run()
    assert not styled(at) and "presenter_exit" not in [b.key for b in at.button]
    assert switch_scripts(at) == [sent(presenter.SIDEBAR_JS % "expanded")]


def test_presenter_mode_survives_page_switches():
    at = turn_on(open_app("step_by_step"))
    for page in ("overview", "gradient_check", "step_by_step"):
        at.switch_page(f"../pages/{page}.py").run()
        assert not at.exception, page
        assert styled(at) and at.toggle(key=presenter.TOGGLE).value is True, page
        assert not switch_scripts(at), page  # nothing to switch: the sidebar stays collapsed


def test_exit_button_leaves_presenter_mode():
    at = turn_on(open_app("overview"))
    at.button(key="presenter_exit").click().run()
    assert at.session_state[state.PRESENTER] is False and at.toggle(key=presenter.TOGGLE).value is False
    assert not styled(at)


def test_style_sheet_and_scripts_are_constants_with_no_room_for_user_text():
    at = edit_xy(turn_on(open_app("step_by_step")), edited={0: {"x0": "<style>*{display:none}</style>"}})
    assert at.error  # the bad cell is reported as text...
    constants = {sent(c) for c in (presenter.CSS, presenter.SIDEBAR_JS % "collapsed")}
    assert html_bodies(at) and set(html_bodies(at)) <= constants  # ...and never reaches raw HTML


# The key each shortcut names, as the browser reports it in KeyboardEvent.key
EVENT_KEYS = {"→": "ArrowRight", "←": "ArrowLeft", "P": "p", "R": "r", "Home": "Home", "End": "End"}


def test_help_panel_lists_the_shortcuts_the_stepper_handles():
    at = turn_on(open_app("step_by_step"))
    panel = at.get("popover")[0].markdown[0].value
    js = (Path(__file__).parents[1] / "ui" / "components" / "stepper" / "stepper.js").read_text()
    actions = re.search(r"const actions = \{(.*?)\};", js, flags=re.S).group(1)
    handled = set(re.findall(r"(\w+): \(\) =>", actions))
    assert {EVENT_KEYS[keys] for keys, _ in presenter.SHORTCUTS} <= handled
    for keys, what in presenter.SHORTCUTS:
        assert f"**{keys}** {what}" in panel


def test_each_step_names_its_graph_node_and_the_node_has_that_step_s_column():
    at = open_app("step_by_step")
    steps, nodes = stepper_data(at)["steps"], graph(at)
    assert [s["node"] for s in steps] == ["z1", "a1", "L", "a1", "a1", "z1", "shares1", "theta1", "theta1"]
    for k, step in enumerate(steps):
        assert any(c["step"] == k for c in nodes[step["node"]]["columns"]), step["title"]
    assert {"X", "theta1", "y"} <= set(nodes)  # the inputs, shown from the start (step -1)
    assert all(c["step"] == -1 for n in ("X", "y") for c in nodes[n]["columns"])


def test_backward_and_update_columns_are_computed_only_at_their_steps():
    at = open_app("step_by_step")
    steps, nodes = stepper_data(at)["steps"], graph(at)
    first_backward = [s["phase"] for s in steps].index("backward")
    for node in nodes.values():
        for col in node["columns"]:
            if col["step"] >= 0 and steps[col["step"]]["phase"] != "forward":
                assert col["step"] >= first_backward, (node["id"], col["head"])
    assert [c["head"] for c in nodes["z1"]["columns"]] == ["z", "delta"]
    assert [c["step"] for c in nodes["theta1"]["columns"]] == [-1, 7, 8]


def test_graph_numbers_are_the_tables_numbers():
    at = open_app("step_by_step")
    first = stepper_data(at)["steps"][0]["table"]
    assert cells(graph(at)["z1"], "z") == [row[1] for row in first["rows"]]
    edit_xy(at, edited={0: {"x0": "3"}})  # the seed with X[0][0] = 3: loss 0.9
    assert cells(graph(at)["L"], "L") == ["0.9000"]
    assert stepper_data(at)["steps"][2]["table"]["rows"][0][1] == "0.9000"


def test_presenter_mode_tells_the_stepper_to_lay_the_graph_beside_the_step():
    at = open_app("step_by_step")
    assert stepper_data(at)["presenter"] is False
    assert stepper_data(turn_on(at))["presenter"] is True


def keyed(at: AppTest) -> dict:
    """Every keyed container and widget on the page: {key: node}."""
    found, todo = {}, [at._tree]
    while todo:
        node = todo.pop()
        if getattr(node, "key", None):
            found[str(node.key)] = node
        todo.extend(getattr(node, "children", {}).values())
    return found


def kinds(node) -> set[str]:
    """The element types inside a container."""
    out, todo = set(), [node]
    while todo:
        n = todo.pop()
        out.add(type(n).__name__ if not hasattr(n, "type") else str(n.type))
        todo.extend(getattr(n, "children", {}).values())
    return out


def css_keys() -> set[str]:
    return set(re.findall(r"\.st-key-([\w-]+)", presenter.CSS))


def test_the_style_sheet_finds_every_part_of_the_step_page_by_its_key():
    at = turn_on(open_app("step_by_step"))
    seen = keyed(at)
    seen |= keyed(at.switch_page("../pages/landscape.py").run())
    at.switch_page("../pages/step_by_step.py").run()
    seen |= keyed(at.selectbox(key="preset_select").select("xor").run())  # a network's diagram panel
    assert css_keys() <= set(seen), css_keys() - set(seen)
    assert "bidi_component" in kinds(seen[presenter.NETWORK_KEY])  # the diagram (the picture component)
    assert "title" in kinds(seen[presenter.LANDSCAPE_INTRO_KEY])
    assert {"title"} <= kinds(seen[presenter.INTRO_KEY])
    assert "expander" in kinds(seen[presenter.EDITORS_KEY])
    assert "bidi_component" not in kinds(seen[presenter.INTRO_KEY]) | kinds(seen[presenter.EDITORS_KEY])
    assert not re.search(r"nth-|first-child|last-child|\+ \*|~ \*", presenter.CSS)  # nothing found by position


def test_with_a_bad_input_presenter_mode_keeps_the_error_and_the_editors_in_view():
    at = edit_xy(turn_on(open_app("step_by_step")), edited={0: {"y": "?"}})
    assert at.error and presenter.EDITORS_KEY not in keyed(at) and at.expander[0].proto.expanded
    at = edit_xy(at, edited={0: {"y": "1"}})
    assert not at.error and presenter.EDITORS_KEY in keyed(at)


def test_the_step_pages_caption_lists_every_shortcut_play_included():
    at = open_app("step_by_step")
    caption = at.caption[0].value
    for keys, what in presenter.SHORTCUTS:
        assert f"{keys} {what}" in caption
    assert "P play / pause" in caption


def test_no_angle_bracket_inside_the_style_sheets_the_browsers_sanitizer_would_drop_them():
    body = presenter.CSS.strip().removeprefix("<style>").removesuffix("</style>")
    assert "<" not in body  # even in a comment: "st-key-<key>" once made the whole sheet vanish


def test_presenter_mode_survives_the_overview_s_big_button_and_page_links():
    at = turn_on(open_app())
    at.button(key="to_step_by_step").click().run()
    assert not at.exception and at.session_state[state.PRESENTER] is True and styled(at)
    assert stepper_data(at)["presenter"] is True and at.toggle(key=presenter.TOGGLE).value is True
    at.switch_page("../pages/overview.py").run()  # a page link is a page switch too
    assert styled(at) and at.toggle(key=presenter.TOGGLE).value is True
