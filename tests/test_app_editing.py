"""AppTest: editing the model — bad input, presets, features, rows — on every page, never lost or replayed."""

import json
from dataclasses import replace

import pytest
from conftest import _editor_element, drawn_table, edit_wb, edit_xy, editor_table, open_app

from ui.model import SEED
from ui.widgets import differences

PAGES = ["overview", "step_by_step", "gradient_check", "notebook"]
BAD_CELLS = [  # (what is typed, words the error must contain)
    ("", "empty"),
    ("abc", "not a number"),
    ("nan", "NaN"),
    ("inf", "infinite"),
    ("1e308", "too large"),
]


def loss(at) -> str:
    return next(m.value for m in at.metric if m.label == "Loss L")


def open_page(page: str):
    return open_app(None if page == "overview" else page)


@pytest.mark.parametrize(("typed", "words"), BAD_CELLS)
def test_bad_x_cell_shows_an_error_naming_the_cell_and_keeps_the_table(typed, words):
    at = edit_xy(open_app(), edited={1: {"x1": typed}})
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "X row 1, column x1" in message and words in message
    assert editor_table(at, "xy").loc[1, "x1"] == typed
    assert editor_table(at, "xy").loc[0, "x0"] == "1"
    assert at.session_state["model"].X[1][1] == typed


@pytest.mark.parametrize("page", PAGES[1:])
def test_bad_input_on_each_page_shows_the_error_and_the_editors(page):
    at = open_page(page)
    at = edit_xy(at, edited={2: {"y": "abc"}})
    assert not at.exception
    assert any("y row 2" in e.value and "not a number" in e.value for e in at.error)
    assert editor_table(at, "xy").loc[2, "y"] == "abc"
    assert at.expander[0].proto.expanded


@pytest.mark.parametrize(("cell", "typed", "name"), [
    ("w1", "x", "weight w1"), ("b", "", "bias b"), ("b", "-inf", "bias b"), ("w0", "1e308", "weight w0"),
])
def test_bad_parameter_cell_names_the_parameter(cell, typed, name):
    at = edit_wb(open_app(), {cell: typed})
    assert not at.exception
    assert name in at.error[0].value
    assert editor_table(at, "wb").loc[0, cell] == typed


def test_fixing_the_bad_cell_brings_the_results_back():
    at = edit_xy(open_app(), edited={0: {"x0": "abc"}})
    assert at.error
    at = edit_xy(at, edited={0: {"x0": "3"}})
    assert not at.error and loss(at) == "0.9000"


def test_bad_learning_rate_names_the_learning_rate():
    at = open_app()
    at.text_input(key="setting_lr").input("fast").run()
    assert not at.exception and "learning rate" in at.error[0].value


def test_user_text_in_an_error_cannot_render_as_markdown():
    at = edit_xy(open_app(), edited={0: {"x0": "![x](http://example.com/a.png)"}})
    assert "\\!\\[x\\]" in at.error[0].value


def test_edits_are_kept_across_page_switches_and_never_replayed():
    at = edit_xy(open_app(), edited={0: {"x0": "3"}}, added=[{"x0": "1", "x1": "1", "y": "1"}])
    assert len(at.session_state["model"].X) == 4
    for page in PAGES[1:]:
        at.switch_page(f"../pages/{page}.py").run()
        assert not at.exception and not at.error
    at.switch_page("../pages/overview.py").run()
    at.run()
    m = at.session_state["model"]
    assert len(m.X) == 4 and m.X[0] == ("3", "2") and m.X[3] == ("1", "1")
    assert len(editor_table(at, "xy")) == 4


def test_typing_keeps_the_grids_and_another_page_draws_them_from_the_model():
    """While the user types, the editors keep their keys and their tables (the grids in the browser stay
    mounted, holding the edits); another page's editors are new widgets, drawn from the model, and a later edit
    there adds to the earlier ones."""
    at = open_app("landscape")
    version = at.session_state["editor_version"]
    at = edit_wb(edit_xy(at, edited={0: {"x0": "3"}}), {"b": "0.5"})
    assert at.session_state["editor_version"] == version
    assert drawn_table(at, "xy").loc[0, "x0"] == "1" and drawn_table(at, "wb").loc[0, "b"] == "1"
    assert editor_table(at, "xy").loc[0, "x0"] == "3" and editor_table(at, "wb").loc[0, "b"] == "0.5"
    at.switch_page("../pages/gradient_check.py").run()
    assert at.session_state["editor_version"] > version
    assert drawn_table(at, "xy").loc[0, "x0"] == "3" and drawn_table(at, "wb").loc[0, "b"] == "0.5"
    m = edit_xy(at, edited={1: {"y": "7"}}).session_state["model"]
    assert (m.X[0][0], m.b, m.y[1]) == ("3", "0.5", "7")


def test_adding_and_deleting_rows():
    at = edit_xy(open_app(), added=[{"x0": "0", "x1": "1", "y": "2"}])
    assert editor_table(at, "xy").shape == (4, 3)
    assert at.table[1].value.loc["sample 3", "z"] == "1.2000"
    at = edit_xy(at, deleted=[0, 3])
    assert at.session_state["model"].X == (("2", "1"), ("-1", "-2"))
    assert list(at.table[1].value.index) == ["sample 0", "sample 1"]


def test_an_added_row_is_left_out_quietly_until_it_is_filled_in():
    at = edit_xy(open_app(), added=[{}])
    assert not at.error and not at.warning, "an empty new row is not an error"
    assert any("Row 3: not filled in yet" in c.value for c in at.caption)
    assert any(c.value.startswith("3 samples × 2 features") for c in at.caption), "the count is of the samples used"
    columns = json.loads(_editor_element(at, "xy").proto.columns)  # a new row's cells start empty, not "None"
    assert all(columns[c]["default"] == "" for c in ("x0", "x1", "y"))
    assert loss(at) == "0.8200"
    at = edit_xy(at, edited={3: {"x0": "1"}})
    assert not at.error and loss(at) == "0.8200"
    at = edit_xy(at, edited={3: {"x1": "-1", "y": "abc"}})
    assert "y row 3" in at.error[0].value, "a complete row is checked like every other"
    at = edit_xy(at, edited={3: {"y": "0.5"}})
    assert not at.error and not any("not filled in" in c.value for c in at.caption)
    assert at.table[1].value.loc["sample 3", "z"] == "0.9000"  # 1 * 0.1 - 1 * 0.2 + 1


def test_deleting_every_row_asks_for_a_sample():
    at = edit_xy(open_app(), deleted=[0, 1, 2])
    assert not at.exception and "X is empty" in at.error[0].value
    at = edit_xy(at, added=[{"x0": "1", "x1": "2", "y": "1"}])
    assert not at.error and loss(at) == "0.2500"  # z = 1.5, (1.5 - 1)^2


def test_add_and_remove_feature_column_resizes_x_and_w():
    at = open_app()
    at.button(key="add_feature").click().run()
    assert list(editor_table(at, "xy").columns) == ["x0", "x1", "x2", "y"]
    assert list(editor_table(at, "wb").columns) == ["w0", "w1", "w2", "b"]
    assert loss(at) == "0.8200"  # a zero column with a zero weight changes nothing
    at = edit_xy(at, edited={0: {"x2": "1"}})
    at = edit_wb(at, {"w2": "1"})
    assert loss(at) == "1.4867"  # z0 = 2.5: ((2.5 - 1)^2 + 1.4^2 + 0.5^2) / 3 = 4.46 / 3
    at.button(key="remove_feature").click().run()
    at.button(key="remove_feature").click().run()
    assert list(editor_table(at, "wb").columns) == ["w0", "b"]
    assert at.button(key="remove_feature").disabled


@pytest.mark.parametrize("name", ["seed", "dead_relu", "all_dead", "saturated_sigmoid", "diverging_lr",
                                  "relu_kink", "random"])
def test_every_preset_loads_and_renders(name):
    at = open_app()
    at.selectbox(key="preset_select").select(name).run()
    assert not at.exception and not at.error
    from ui.model import PRESETS

    expected = PRESETS[name][1]
    assert at.session_state["model"].X == expected.X
    assert at.session_state["setting_activation"] == expected.activation
    assert at.text_input(key="setting_lr").value == expected.lr


def test_a_preset_replaces_edits_and_keeps_the_decimals():
    at = open_app()
    at.slider(key="setting_precision").set_value(2).run()
    at = edit_xy(at, edited={0: {"x0": "3"}})
    at.selectbox(key="preset_select").select("dead_relu").run()
    assert at.session_state["model"].X[0] == ("1", "2")
    assert loss(at) == "0.88"
    assert len(editor_table(at, "xy")) == 4


def test_random_preset_takes_a_seed():
    at = open_app()
    at.selectbox(key="preset_select").select("random").run()
    seed0 = at.session_state["model"].X
    at.number_input(key="random_seed").set_value(7).run()
    seed7 = at.session_state["model"].X
    at.number_input(key="random_seed").set_value(0).run()
    assert not at.exception and seed7 != seed0
    assert seed0 == at.session_state["model"].X


def test_differences_name_the_last_valid_inputs_cells_with_their_old_values():
    typed = replace(SEED, X=(("1", "2"), ("2", "abc"), ("-1", "-2")), b="")
    assert differences(SEED, typed) == ["X row 1, column x1 = `1`", "bias b = `1`"]
    assert differences(SEED, replace(typed, lr="0", activation="tanh")) == [
        "X row 1, column x1 = `1`", "bias b = `1`", "learning rate η = `0.01`", "…"]
    assert differences(SEED, replace(SEED, X=SEED.X[:2], y=SEED.y[:2])) == ["3 samples × 2 features"]
    assert differences(SEED, replace(SEED, loss="bce")) == ["loss Mean squared error"]
    assert differences(SEED, SEED) == []


def test_leaving_bce_for_mse_brings_back_the_activation_bce_replaced():
    at = open_app()
    at.selectbox(key="setting_loss").select("bce").run()
    assert at.session_state["model"].activation == "sigmoid"
    at.selectbox(key="setting_loss").select("mse").run()
    assert at.session_state["model"].activation == "relu" and at.selectbox(key="setting_activation").value == "relu"
    assert any("ReLU again" in t.value for t in at.toast)
    at.selectbox(key="setting_activation").select("sigmoid").run()  # chosen by hand: MSE on a sigmoid stays
    at.selectbox(key="setting_loss").select("bce").run()
    at.selectbox(key="setting_loss").select("mse").run()
    assert at.session_state["model"].activation == "sigmoid"
