"""Share links: the declared schema, encode/decode round trips, tampered links, and restoring a session."""

from __future__ import annotations

import html
import math
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
from conftest import ENTRY, edit_wb, edit_xy, open_app, stepper_data
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from ui import share
from ui.model import PRESETS, SEED, Model

EXAMPLE = "X=1,2;2,1;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.01&step=4"


def _numbers(m: Model):
    net, X, y, params = m.engine()
    return X.tolist(), y.tolist(), net.flatten(params).tolist(), m.hidden, float(m.lr)


def _through_the_url(params: dict[str, str]) -> dict[str, list[str]]:
    """What a server reads back from the link's query string (as Streamlit parses it)."""
    return parse_qs(share.query_string(params), keep_blank_values=True)


def _problems(params) -> str:
    with pytest.raises(share.ShareError) as caught:
        share.decode(params)
    return " | ".join(caught.value.problems)


def open_link(query: str, page: str | None = None) -> AppTest:
    """A new session opened from a link with this query string (optionally on a page)."""
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.query_params = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if page:
        at.switch_page(f"../pages/{page}.py")
    return at.run()


def _shown(at: AppTest) -> str:
    """Every text the page shows: markdown, metrics, tables, alerts."""
    parts = [m.value for m in at.markdown] + [f"{m.label} {m.value}" for m in at.metric]
    parts += [a.value for kind in (at.error, at.warning, at.success, at.info) for a in kind]
    parts += [t.value.to_string() for t in at.table]
    return "\n".join(parts)


# ---- the schema --------------------------------------------------------------------------------------------

def test_every_model_attribute_is_declared_once_in_the_schema():
    attrs = [f.attr for f in share.SCHEMA if f.home == "model" and f.attr]
    assert sorted([*attrs, "layers"]) == sorted(Model.__dataclass_fields__)
    # a network's layers travel as one field per parameter, W1, b1, ..., W4, b4
    assert [f.key for f in share.SCHEMA if f.home == "model" and not f.attr] == list(share.LAYER_KEYS)
    assert len({f.key for f in share.SCHEMA}) == len(share.SCHEMA)


def test_each_session_field_is_bound_to_a_session_state_key():
    from ui import share_ui, state

    assert {f.key for f in share.SCHEMA if f.home == "session"} == set(share_ui.BINDINGS)
    assert share_ui.BINDINGS["presenter"][0] == (state.PRESENTER,)


def test_the_issue_example_link_opens_the_seed_example():
    shared = share.decode(parse_qs(EXAMPLE))
    assert _numbers(shared.model) == _numbers(SEED)
    assert shared.model.activation == "relu" and shared.model.loss == "mse"
    assert "step" not in shared.given  # the step page reads its own parameter


def test_a_link_is_human_readable():
    q = share.query_string(share.encode(SEED))
    assert q == "X=1,2;2,1;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.01&activation=relu&loss=mse"


def test_settings_differing_from_the_defaults_travel_and_defaults_stay_out():
    m = replace(SEED, activation="sigmoid", loss="bce", precision=6, lr="0.5")
    params = share.encode(m, {"presenter": True}, {"step": 3})
    assert params["activation"] == "sigmoid" and params["loss"] == "bce" and params["decimals"] == "6"
    assert params["presenter"] == "1" and params["step"] == "3" and params["lr"] == "0.5"
    assert "decimals" not in share.encode(SEED) and "presenter" not in share.encode(SEED, {"presenter": False})
    back = share.decode(_through_the_url(params))
    assert back.model.activation == "sigmoid" and back.model.loss == "bce" and back.model.precision == 6
    assert back.session == {"presenter": True}


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_survives_a_round_trip_through_the_url(name):
    m = PRESETS[name][1]
    back = share.decode(_through_the_url(share.encode(m))).model
    assert _numbers(back) == _numbers(m)
    assert (back.activation, back.loss, back.precision) == (m.activation, m.loss, m.precision)


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 4), st.data())
def test_any_numbers_come_back_exactly(n, d, data):
    X = data.draw(st.lists(st.lists(finite, min_size=d, max_size=d), min_size=n, max_size=n))
    y, w = data.draw(st.lists(finite, min_size=n, max_size=n)), data.draw(st.lists(finite, min_size=d, max_size=d))
    b = data.draw(finite)
    lr = data.draw(st.floats(min_value=1e-12, max_value=1e6))
    m = Model(X=tuple(tuple(repr(v) for v in r) for r in X), y=tuple(map(repr, y)), w=tuple(map(repr, w)),
              b=repr(b), lr=repr(lr))
    back = share.decode(_through_the_url(share.encode(m))).model
    assert _numbers(back) == _numbers(m)


@pytest.mark.parametrize("value", [0.1, 2.0, -3.5, 1e-7, 1e20, 123456789.123, -0.0, 5e-324])
def test_numbers_are_written_short_and_exact(value):
    text = share.number_text(value)
    assert float(text) == value and "+" not in text and not text.endswith(".0")


def test_sharing_a_bad_cell_is_refused_naming_it():
    bad = SEED.edited({1: {"x1": "abc"}}, [], [])
    with pytest.raises(share.ShareError, match="X row 1, column x1"):
        share.encode(bad)


def test_a_link_without_known_parameters_restores_nothing():
    assert share.decode({}) is None
    assert share.decode({"utm_source": "mail", "step": "2"}) is None


def test_missing_parameters_take_the_defaults():
    m = share.decode({"lr": "0.5"}).model
    assert m.lr == "0.5" and _numbers(replace(m, lr=SEED.lr)) == _numbers(SEED)


# ---- tampered, truncated, huge and nonsensical links ---------------------------------------------------------

@pytest.mark.parametrize("params, expected", [
    ({"X": "1,2;2,x;-1,-2"}, "X row 1, column x1: 'x' is not a number"),
    ({"X": "1,2;2;-1,-2"}, "X row 1 has 1 values but row 0 has 2"),
    ({"X": ""}, "X is empty"),
    ({"X": "1,2;2,1;-1,-2;4,4"}, "the link sets X but not y"),
    ({"y": "1,0"}, "y has 2 values but X has 3 rows"),
    ({"w": "0.1,0.2,"}, "w has 3 values but X has 2 feature columns"),
    ({"w": "0.1"}, "w has 1 values but X has 2 feature columns"),
    ({"b": "nan"}, "bias b: the cell is empty or NaN"),
    ({"b": "inf"}, "bias b: 'inf' is infinite"),
    ({"b": "1e308"}, "bias b: 1e+308 is too large"),
    ({"lr": "0"}, "learning rate: 0 must be greater than 0"),
    ({"lr": "-1"}, "learning rate: -1 must be greater than 0"),
    ({"lr": "1e7"}, "learning rate: 1e+07 is too large"),
    ({"lr": "fast"}, "learning rate: 'fast' is not a number"),
    ({"activation": "softmax"}, "the softmax output needs at least 2 outputs"),
    ({"activation": "swish"}, "activation: 'swish' is not the output activation's name"),
    ({"loss": "hinge"}, "loss: 'hinge' is not the loss's name"),
    ({"decimals": "99"}, "decimals: '99' must be a whole number from 1 to 10"),
    ({"decimals": "4.5"}, "decimals: '4.5' must be a whole number"),
    ({"presenter": "maybe"}, "presenter: 'maybe' must be 1 (on) or 0 (off)"),
    ({"loss": "bce", "y": "1,0,2"}, "y row 2: 2 is outside [0, 1]"),
    ({"X": ["1,2;2,1;-1,-2", "0,0;0,0;0,0"]}, "parameter 'X' appears 2 times"),
    ({"b": "__import__('os').system('true')"}, "is not a number"),
    ({"X": "1," * 5000}, "a link holds at most 8,192"),
])
def test_a_bad_link_names_the_problem(params, expected):
    assert expected in _problems(params)


def test_a_link_lists_all_its_problems_at_once():
    problems = _problems({"activation": "x", "decimals": "0", "lr": "-2"})
    assert "activation" in problems and "decimals" in problems and "learning rate" in problems


def test_a_truncated_link_is_refused():
    full = share.query_string(share.encode(PRESETS["dead_relu"][1]))
    cut = full[: full.index("&w=") + 5]  # cut inside w
    assert "w has 1 values" in _problems(parse_qs(cut))


# ---- the app: a session opened from a link -------------------------------------------------------------------

LINK = "X=3,2;2,1;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.01&activation=relu&loss=mse&decimals=3"


def test_opening_a_link_restores_the_state_and_the_address_keeps_it():
    at = open_link(LINK)
    assert not at.exception
    m = at.session_state["model"]
    assert m.X[0] == ("3", "2") and m.precision == 3
    assert any("Opened a shared example" in t.value for t in at.toast)  # a toast: dismissible, shown once
    assert not at.success
    assert "Loss L 0.900" in _shown(at)  # X[0][0] = 3 makes the loss 0.9, shown with 3 decimals
    assert at.query_params == {k: v[0] for k, v in parse_qs(LINK).items()}  # a reload reopens the same work
    assert at.session_state["setting_precision"] == 3  # the sidebar shows the link's settings


def test_a_link_opens_at_its_page_and_step():
    at = open_link(EXAMPLE.replace("w=0.1,0.2", "w=0.5,0.2"), page="step_by_step")
    assert not at.exception
    assert stepper_data(at)["step"] == 4  # what the page tells the stepper to show
    assert at.session_state["model"].w == ("0.5", "0.2")
    assert at.query_params["step"] == "4" and at.query_params["w"] == "0.5,0.2"


def test_a_link_turns_presenter_mode_on():
    at = open_link("presenter=1")
    assert not at.exception and at.session_state["presenter"] is True
    assert not at.toast  # the default example in presenter mode is not "a shared example"
    assert at.query_params["presenter"] == "1" and at.checkbox(key="share_presenter_sidebar").value is True


def test_a_presenter_link_opens_its_example_without_a_notice_over_the_lesson():
    at = open_link(LINK + "&presenter=1", page="step_by_step")
    assert not at.exception and at.session_state["presenter"] is True
    assert at.session_state["model"].X[0] == ("3", "2")  # the link's example
    assert not at.toast  # the room's screen: no notice over the graph


def test_the_shared_example_notice_shows_once():
    at = open_link(LINK)
    assert any("Opened a shared example" in t.value for t in at.toast)
    for page in ("step_by_step", "overview"):
        at.switch_page(f"../pages/{page}.py").run()
        assert not any("shared example" in t.value for t in at.toast) and not at.success, page


def test_links_from_presenter_mode_open_in_normal_mode_unless_ticked():
    at = open_app()
    at.toggle(key="presenter_toggle").set_value(True).run()
    assert at.session_state["presenter"] is True
    assert "presenter" not in at.query_params  # the address bar, copied, opens in normal mode
    [link] = share_links(at, at.sidebar)  # the sidebar's "Copy share link"
    assert "X=1,2" in link and "presenter=" not in link
    at.checkbox(key="share_presenter_sidebar").check().run()
    assert at.query_params["presenter"] == "1" and "presenter=1" in share_links(at, at.sidebar)[0]


def test_a_tampered_link_says_what_is_wrong_and_shows_the_defaults():
    at = open_link("X=1,2;2,oops;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.01")
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "This link could not be opened" in errors and "X row 1, column x1" in errors and "oops" in errors
    assert at.session_state["model"] == SEED
    assert "Loss L 0.8200" in _shown(at)
    assert at.query_params["X"] == "1,2;2,1;-1,-2", "the address should hold the example shown, not the bad link"


def test_a_huge_link_is_refused_before_anything_is_parsed():
    at = open_link("X=" + ";".join(["1,2"] * 3000))
    assert "at most 8,192" in " ".join(e.value for e in at.error)
    assert at.session_state["model"] == SEED


def test_unknown_parameters_are_mentioned_and_left_alone():
    at = open_link("hello=world&lr=0.02")
    assert "`hello`" in " ".join(w.value for w in at.warning)
    assert at.session_state["model"].lr == "0.02"
    assert at.query_params["hello"] == "world" and at.query_params["lr"] == "0.02"


def test_the_link_message_stays_until_the_user_changes_the_model_and_the_link_is_read_once():
    at = open_link("X=1,2;2,oops;-1,-2")
    at.run()
    assert at.error, "the message should survive a rerun"
    edit_xy(at, edited={0: {"x0": "3"}})
    assert not at.error
    at.query_params = {"X": "9,9;9,9;9,9"}
    at.run()
    assert at.session_state["model"].X[0] == ("3", "2"), "a running session must not re-read a link"


def test_user_text_in_a_link_is_shown_escaped():
    at = open_link("X=1,2;2,**bold**<b>x</b>;-1,-2")
    error = " ".join(e.value for e in at.error)
    assert "\\*\\*bold\\*\\*" in error and "\\<b\\>" in error


# ---- the share control -------------------------------------------------------------------------------------

def share_links(at: AppTest, where=None) -> list[str]:
    """The share links on screen (or in `where`, e.g. at.sidebar): the text of each share box's <code>
    (ui.share_ui.LINK_HTML)."""
    bodies = [h.proto.body for h in (where or at).get("html") if "bpx-share-link" in h.proto.body]
    return [html.unescape(m[1]) for body in bodies for m in re.finditer(r"<code[^>]*>(.*?)</code>", body)]


def _link_query(at: AppTest) -> str:
    links = [c for c in share_links(at) if "X=" in c]
    assert links, "no share link on screen"
    return links[0].split("?", 1)[1]


def test_the_sidebar_link_follows_edits_and_opens_the_same_state_elsewhere():
    at = open_app()
    edit_xy(at, edited={0: {"x0": "3"}})
    edit_wb(at, {"b": "0.75"})
    query = _link_query(at)
    assert "X=3,2;2,1;-1,-2" in query and "b=0.75" in query
    other = open_link(query)
    assert other.session_state["model"] == at.session_state["model"]


def test_the_data_page_link_can_open_at_a_chosen_step():
    at = open_app("data")
    at.selectbox(key="share_link_page").set_value("step_by_step").run()
    at.number_input(key="share_link_step").set_value(6).run()
    links = [c for c in share_links(at) if c.startswith("/step_by_step?")]
    assert len(links) == 1 and links[0].endswith("&step=6")
    opened = open_link(links[0].split("?", 1)[1], page="step_by_step")
    assert stepper_data(opened)["step"] == 6


def test_no_link_while_a_cell_is_bad_and_a_note_says_why():
    at = open_app("data")
    edit_xy(at, edited={2: {"y": "abc"}})
    assert not [c for c in share_links(at) if "X=" in c]
    assert any("fix the input before sharing" in i.value and "y row 2" in i.value for i in at.info)


# Samples whose link is longer than MAX_LINK_CHARS (~25 characters a row): few rows, so the app's runs stay short
TOO_LARGE = [{"x0": f"{i}.123456789", "x1": "1.23456789", "y": "0"} for i in range(450)]


def test_data_too_large_for_a_link_points_to_csv():
    at = open_app("data")
    edit_xy(at, added=TOO_LARGE)
    assert any("8 KB" in i.value and "CSV" in i.value for i in at.info)


def test_math_and_numbers_in_links_never_need_eval():
    source = (Path(__file__).parents[1] / "ui" / "share.py").read_text()
    assert "eval(" not in source and "exec(" not in source
    assert math.isclose(float(share.number_text(0.1 + 0.2)), 0.1 + 0.2, rel_tol=0)
    assert np.float64(share.number_text(np.float64(1 / 3))) == 1 / 3


# ---- the loss-landscape page's settings ------------------------------------------------------------------------

def _landscape_values(at: AppTest) -> dict:
    from ui import share_ui

    return {field: value_of([at.session_state[k] for k in keys])
            for field, (keys, _, value_of) in share_ui.BINDINGS.items()
            if all(k.startswith("landscape_") for k in keys)}


def test_the_schema_defaults_are_the_landscape_pages_defaults():
    at = open_app("landscape")
    assert not at.exception
    defaults = {f.key: f.default for f in share.SCHEMA if f.key in _landscape_values(at)}
    values = _landscape_values(at)
    assert values.pop("axes") == ("w0", "w1")  # the first two parameters
    assert values == {k: v for k, v in defaults.items() if k != "axes"}


def test_a_link_restores_the_landscape_settings():
    query = ("X=1,2;2,1;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.05&axes=w0,b&span=3.5&resolution=21"
             "&optimizers=adam,notebook&updates=40&only_axes=0&fit=0&log_loss=1")
    at = open_link(query, page="landscape")
    assert not at.exception and not at.error
    assert _landscape_values(at) == {"axes": ("w0", "b"), "span": 3.5, "resolution": 21,
                                     "optimizers": ("adam", "notebook"), "updates": 40, "only_axes": False,
                                     "fit": False, "log_loss": True}
    assert at.session_state["model"].lr == "0.05"


def test_the_link_carries_the_landscape_settings_a_user_changed():
    at = open_app("landscape")
    at.number_input(key="landscape_span").set_value(4.0).run()
    at.checkbox(key="landscape_opt_momentum").uncheck().run()
    at.selectbox(key="landscape_axis_v").set_value("b").run()
    query = _link_query(at)
    assert "span=4&" in query and "optimizers=sgd,adam" in query and "axes=w0,b" in query
    assert "updates=" not in query  # unchanged settings stay out of the link
    assert _landscape_values(open_link(query, page="landscape"))["span"] == 4.0


@pytest.mark.parametrize("params, expected", [
    ({"axes": "w0,w7"}, "axes: 'w0,w7' must name two different parameters of the model"),
    ({"axes": "b,b"}, "must name two different parameters"),
    ({"resolution": "50"}, "resolution: '50' must be a whole number among 11, 21"),
    ({"optimizers": "adam,rmsprop"}, "optimizers: 'adam,rmsprop' must list distinct names"),
    ({"span": "-1"}, "span: '-1' must be a number from 0.05 to 1000"),
    ({"updates": "0"}, "updates: '0' must be a whole number from 1 to 1000"),
])
def test_bad_landscape_settings_in_a_link_are_named(params, expected):
    assert expected in _problems(params)


def test_the_schema_and_the_csv_reader_need_no_streamlit():
    import subprocess
    import sys

    code = ("import sys, ui.share, ui.csv_import, lesson.export; "
            "print(sorted(m for m in ('streamlit', 'plotly') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[1]).stdout.strip()
    assert out == "[]"


def test_the_sidebar_link_on_a_deep_linked_step_page_keeps_the_step():
    at = open_link("step=5", page="step_by_step")
    links = [c for c in share_links(at) if c.startswith("/step_by_step?")]
    assert links and links[0].endswith("&step=5")


# ---- the address bar holds the work ------------------------------------------------------------------------------

def test_every_valid_change_is_written_into_the_address_and_a_bad_cell_keeps_the_last_valid_one():
    at = open_app()
    assert at.query_params["X"] == "1,2;2,1;-1,-2" and at.query_params["lr"] == "0.01"
    edit_xy(at, edited={0: {"x0": "3"}})
    assert at.query_params["X"] == "3,2;2,1;-1,-2"
    at.toggle(key="presenter_toggle").set_value(True).run()
    at.checkbox(key="share_presenter_sidebar").check().run()  # "open in presenter mode"
    assert at.query_params["presenter"] == "1"
    edit_xy(at, edited={1: {"y": "oops"}})
    assert at.query_params["y"] == "1,0,0", "while a cell is bad the address keeps the last valid state"


def test_reopening_the_address_restores_the_same_work():
    at = open_app()
    edit_xy(at, edited={0: {"x0": "3"}})
    edit_wb(at, {"b": "0.75"})
    at.selectbox(key="setting_activation").select("tanh").run()
    reloaded = open_link(share.query_string(dict(at.query_params.items())))
    assert reloaded.session_state["model"] == at.session_state["model"]
    assert [m.value for m in reloaded.metric] == [m.value for m in at.metric]


def test_data_too_large_for_the_address_says_so_once_and_leaves_it():
    at = open_app()
    edit_xy(at, added=TOO_LARGE)
    assert len(at.session_state["model"].X) == 453 and "X" not in at.query_params
    said = [t.value for t in at.toast]
    assert len(said) == 1 and "too large for the address bar" in said[0] and "CSV" in said[0]
    edit_wb(at, {"b": "2"})
    assert not at.toast, "said once"


def test_the_example_reads_your_own_data_after_an_edit_an_import_or_a_link():
    at = open_app()
    assert at.selectbox(key="preset_select").value == "seed"
    edit_xy(at, edited={0: {"x0": "3"}})
    assert at.selectbox(key="preset_select").value == "own"
    assert "Your own data" in at.selectbox(key="preset_select").options
    at.selectbox(key="preset_select").select("dead_relu").run()
    assert at.selectbox(key="preset_select").value == "dead_relu"
    assert at.session_state["model"].same_example(PRESETS["dead_relu"][1])
    assert open_link("X=3,2;2,1;-1,-2").selectbox(key="preset_select").value == "own"
    assert open_link("w=0.1,0.2&decimals=3").selectbox(key="preset_select").value == "seed"  # the seed's example
    assert open_link("lr=10").selectbox(key="preset_select").value == "own"


def test_a_link_to_a_prepared_example_names_it():
    for name in ("xor", "dead_relu"):
        query = share.query_string(share.encode(PRESETS[name][1]))
        at = open_link(query)
        assert at.selectbox(key="preset_select").value == name, name
        assert at.session_state["model"].same_example(PRESETS[name][1])


def test_the_landscape_settings_stay_in_the_address_on_other_pages():
    at = open_app("landscape")
    at.slider(key="landscape_steps").set_value(7).run()
    assert at.query_params["updates"] == "7"
    at.switch_page("../pages/overview.py").run()
    at.run()  # Streamlit drops the landscape widgets' state after a run without them
    assert at.query_params["updates"] == "7"


# ---- networks ---------------------------------------------------------------------------------------------

ISSUE_LINK = ("X=0,0;0,1;1,0;1,1&y=0,1,1,0&hidden=2:tanh&activation=identity&loss=mse&W1=0.5,-0.4;0.3,0.8"
              "&b1=0.1,-0.2&W2=0.7;-0.6&b2=0.05&lr=0.1")


def test_the_issue_link_opens_a_2_2_1_network_and_round_trips():
    from urllib.parse import parse_qsl

    shared = share.decode(dict(parse_qsl(ISSUE_LINK)))
    m = shared.model
    assert m.hidden == ((2, "tanh"),) and m.activation == "identity"
    assert m.param_texts() == {"W1": [["0.5", "-0.4"], ["0.3", "0.8"]], "b1": ["0.1", "-0.2"],
                               "W2": [["0.7"], ["-0.6"]], "b2": ["0.05"]}
    link = share.query_string(share.encode(m))
    assert "hidden=2:tanh" in link and "W2=0.7;-0.6" in link and "&w=" not in link and "&b=" not in link
    again = share.decode(dict(parse_qsl(link))).model
    assert again == m
    net, X, y, params = m.engine()
    assert net.forward_backward(X, y, params).loss == pytest.approx(0.33005042432, rel=1e-9)


@pytest.mark.parametrize("query, problem", [
    ("hidden=2:tanh&W1=1,2&b1=0,0&W2=1;2&b2=0", "W1 has shape (1, 2); layer 1 needs (2, 2)"),
    ("hidden=2:tanh&W1=1,2;3,4&b1=0,0&W2=1;2", "b2 is missing: the architecture needs it with shape (1,)"),
    ("hidden=2:tanh&W1=1,2;3,x&b1=0,0&W2=1;2&b2=0", "layer 1, W1[1,1]: 'x' is not a number"),
    ("hidden=2:tanh&W1=1,2;3,4&b1=0,0&W2=1;2&b2=0&w=1,2", "w: one neuron's weights"),
    ("W1=1,2;3,4", "W1: layers W1, b1, ... need hidden="),
    ("hidden=9:tanh", "hidden: layer 1's width '9' must be a whole number from 1 to 8"),
    ("hidden=2:swish", "hidden: layer 1's activation 'swish'"),
    ("hidden=2:tanh,2:tanh,2:tanh,2:tanh", "hidden: 4 hidden layers"),
])
def test_a_network_link_that_does_not_fit_names_the_parameter_and_the_shape(query, problem):
    from urllib.parse import parse_qsl

    with pytest.raises(share.ShareError) as err:
        share.decode(dict(parse_qsl("X=0,0;0,1&y=0,1&" + query)))
    assert any(problem in p for p in err.value.problems), err.value.problems
