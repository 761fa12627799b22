"""AppTest: presenter mode (toggle, style sheet, bar, sidebar switch), the live graph and play/pause."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

from conftest import edit_xy, open_app
from streamlit.testing.v1 import AppTest

from ui import presenter, render, state


def html_bodies(at: AppTest, where=None) -> list[str]:
    """The bodies of the st.html elements, as sent (Streamlit strips the surrounding whitespace)."""
    return [h.proto.body for h in (where or at).get("html")]


def sent(constant: str) -> str:
    return constant.strip()


def styled(at: AppTest) -> bool:
    """Whether the page carries presenter mode's style sheet."""
    return sent(presenter.CSS) in html_bodies(at)


def switch_scripts(at: AppTest) -> list[str]:
    return [b for b in html_bodies(at, at.sidebar) if "<script>" in b]


def dot(at: AppTest) -> str:
    charts = at.get("graphviz_chart")
    assert len(charts) == 1
    return charts[0].proto.spec


def graph_cells(spec: str) -> dict[str, str]:
    """{cell id: text} of every number cell in the DOT's HTML-like labels."""
    out = {}
    for label in re.findall(r"label=<(<TABLE.*?</TABLE>)>\];", spec):
        for td in ET.fromstring(label).iter("TD"):
            if "ID" in td.attrib:
                out[td.attrib["ID"]] = "".join(td.itertext())
    return out


def current_node(spec: str) -> list[str]:
    return re.findall(r'^\s*(\w+) \[id="node_\w+", class="current"', spec, flags=re.M)


def turn_on(at: AppTest) -> AppTest:
    return at.toggle(key=state.PRESENTER).set_value(True).run()


def test_presenter_mode_is_off_by_default_with_its_toggle_in_the_sidebar():
    at = open_app("step_by_step")
    assert not at.exception
    assert at.sidebar.toggle(key=state.PRESENTER).value is False
    assert not styled(at) and not switch_scripts(at)
    assert "presenter_exit" not in [b.key for b in at.button]


def test_toggling_presenter_mode_adds_then_removes_its_style_sheet_and_bar():
    at = turn_on(open_app("step_by_step"))
    assert not at.exception and at.session_state[state.PRESENTER] is True
    assert styled(at) and at.button(key="presenter_exit")
    assert switch_scripts(at) == [sent(presenter.SIDEBAR_JS % "collapsed")]  # collapse the sidebar, once
    at.button(key="step_next").click().run()
    assert styled(at) and not switch_scripts(at)
    at.toggle(key=state.PRESENTER).set_value(False).run()
    assert not styled(at) and "presenter_exit" not in [b.key for b in at.button]
    assert switch_scripts(at) == [sent(presenter.SIDEBAR_JS % "expanded")]


def test_presenter_mode_survives_page_switches():
    at = turn_on(open_app("step_by_step"))
    for page in ("overview", "gradient_check", "step_by_step"):
        at.switch_page(f"../pages/{page}.py").run()
        assert not at.exception, page
        assert styled(at) and at.toggle(key=state.PRESENTER).value is True, page
        assert not switch_scripts(at), page  # nothing to switch: the sidebar stays collapsed


def test_exit_button_leaves_presenter_mode():
    at = turn_on(open_app("overview"))
    at.button(key="presenter_exit").click().run()
    assert at.session_state[state.PRESENTER] is False and at.toggle(key=state.PRESENTER).value is False
    assert not styled(at)


def test_style_sheet_and_scripts_are_constants_with_no_room_for_user_text():
    at = edit_xy(turn_on(open_app("step_by_step")), edited={0: {"x0": "<style>*{display:none}</style>"}})
    assert at.error  # the bad cell is reported as text...
    constants = {sent(c) for c in (presenter.CSS, presenter.GRAPH_CSS, presenter.SIDEBAR_JS % "collapsed")}
    assert html_bodies(at) and set(html_bodies(at)) <= constants  # ...and never reaches raw HTML


def test_help_panel_lists_the_step_pages_real_shortcuts():
    at = turn_on(open_app("step_by_step"))
    panel = at.get("popover")[0].markdown[0].value
    for keys, what, button, shortcut in presenter.SHORTCUTS:
        assert f"**{keys}** {what}" in panel
        assert at.button(key=button).proto.shortcut == shortcut, button


def test_step_page_graph_highlights_the_current_step_and_follows_the_buttons():
    at = open_app("step_by_step")
    assert current_node(dot(at)) == ["z1"] and "rankdir=LR" in dot(at)
    at.button(key="step_next").click().run()
    assert current_node(dot(at)) == ["a1"]
    at.button(key="step_last").click().run()
    assert current_node(dot(at)) == ["theta1"]
    assert "Computation graph" in [h.value for h in at.subheader]


def test_step_page_graph_numbers_are_the_tables_numbers():
    at = open_app("step_by_step")
    cells = graph_cells(dot(at))
    assert [float(cells[f"z1.value.{i}"]) for i in range(3)] == [float(v) for v in at.table[0].value["z"]]
    edit_xy(at, edited={0: {"x0": "3"}})  # the seed with X[0][0] = 3: loss 0.9
    at.button(key="step_next").click().run()
    at.button(key="step_next").click().run()
    cells = graph_cells(dot(at))
    assert cells["L.value"] == "0.9000" and current_node(dot(at)) == ["L"]
    assert float(cells["L.value"]) == float(at.table[0].value.iloc[0, 0])


def test_presenter_mode_lays_the_graph_out_top_to_bottom_beside_the_step():
    at = turn_on(open_app("step_by_step"))
    assert "rankdir=TB" in dot(at) and "Computation graph" not in [h.value for h in at.subheader]


def test_play_toggles_to_pause_and_from_the_last_step_starts_over():
    at = open_app("step_by_step")
    at.button(key="step_play").click().run()
    assert at.session_state[presenter.PLAYING] is True and at.button(key="step_play").label == "Pause"
    at.button(key="step_play").click().run()
    assert at.session_state[presenter.PLAYING] is False and at.button(key="step_play").label == "Play"
    at.button(key="step_last").click().run()
    at.button(key="step_play").click().run()
    assert at.session_state[state.STEP] == 1 and at.session_state[presenter.PLAYING] is True


def _advance_script():
    import streamlit as st

    from ui import presenter, state

    st.session_state.setdefault(state.STEP, 8)
    st.session_state.setdefault(presenter.PLAYING, True)
    st.session_state.setdefault(presenter.PLAYED_AT, 0.0)
    st.write(presenter.advance(9))


def test_playing_advances_once_the_step_has_been_shown_long_enough_and_stops_at_the_end():
    at = AppTest.from_function(_advance_script).run()
    assert at.session_state[state.STEP] == 9 and at.session_state[presenter.PLAYING] is True
    at.session_state[presenter.PLAYED_AT] = time.monotonic()  # just shown: too early to move on
    at.run()
    assert at.session_state[state.STEP] == 9 and at.markdown[-1].value == "`False`"
    at.session_state[presenter.PLAYED_AT] = time.monotonic() - presenter.PLAY_SECONDS
    at.run()
    assert at.session_state[state.STEP] == 9 and at.session_state[presenter.PLAYING] is False  # the end: stop


def test_graph_has_a_text_alternative_naming_the_current_node():
    at = open_app("step_by_step")
    alt = at.get("graphviz_chart")[0].proto.alt
    assert alt.startswith("Computation graph") and "node z1 (value)" in alt


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
    seen = keyed(at)  # step 1: z, its table beside "where each number comes from"
    at.select_slider(key="step_slider").set_value(7).run()
    seen |= keyed(at)  # step 7: the per-sample shares and their bar chart
    assert css_keys() <= set(seen), css_keys() - set(seen)
    assert {"title"} <= kinds(seen[presenter.INTRO_KEY]) and "step_slider" in keyed(at)
    assert "select_slider" in kinds(seen[presenter.MAP_KEY]) and "markdown" in kinds(seen[presenter.MAP_KEY])
    assert "expander" in kinds(seen[presenter.EDITORS_KEY])
    assert "table" in kinds(seen[render.VALUES_KEY]) and "table" not in kinds(seen[render.VALUES_LABEL_KEY])
    assert "latex" in kinds(seen[render.ORIGIN_KEY]) and "table" not in kinds(seen[render.ORIGIN_KEY])
    assert "plotly_chart" in kinds(seen[presenter.SHARES_KEY])
    assert not re.search(r"nth-|first-child|last-child|\+ \*|~ \*", presenter.CSS)  # nothing found by position


def test_with_a_bad_input_presenter_mode_keeps_the_error_and_the_editors_in_view():
    at = edit_xy(turn_on(open_app("step_by_step")), edited={0: {"y": "?"}})
    assert at.error and presenter.EDITORS_KEY not in keyed(at) and at.expander[0].proto.expanded
    at = edit_xy(at, edited={0: {"y": "1"}})
    assert not at.error and presenter.EDITORS_KEY in keyed(at)


def test_the_step_pages_caption_lists_every_shortcut_play_included():
    at = open_app("step_by_step")
    caption = at.caption[0].value
    for keys, what, _, _ in presenter.SHORTCUTS:
        assert f"{keys} {what}" in caption
    assert "P play / pause" in caption


def test_no_angle_bracket_inside_the_style_sheets_the_browsers_sanitizer_would_drop_them():
    for sheet in (presenter.CSS, presenter.GRAPH_CSS):
        body = sheet.strip().removeprefix("<style>").removesuffix("</style>")
        assert "<" not in body  # even in a comment: "st-key-<key>" once made the whole sheet vanish
