"""AppTest: the step-by-step page — what it sends the stepper component (every step's formula, table and
marks, at once), the step it settles on, the URL, and what happens on a bad input.

AppTest draws a components-v2 component as an element it does not know: its data are read from the proto,
and the browser's report of a settled step is injected as the component's widget state."""

from pathlib import Path

import pytest
from conftest import edit_xy, open_app, settle_step, stepper_data
from streamlit.testing.v1 import AppTest

import backprop as bp
import lesson
from ui import stepper
from ui.render import INACTIVE, SUM_ROW

KEYS = ["z1", "a1", "loss", "dL_da1", "fprime1", "delta1", "shares1", "grad1", "update"]


sent = stepper_data
settle = settle_step


def current(at) -> int:
    """The step the page tells the stepper to show."""
    return sent(at)["step"]


def step_sent(at, number: int | None = None) -> dict:
    data = sent(at)
    return data["steps"][(number or data["step"]) - 1]


def heading(at) -> str:
    return step_sent(at)["title"]


def values(at, number: int | None = None):
    """The step's value table as sent: {column: [cells]} and its row labels."""
    table = step_sent(at, number)["table"]
    rows = {r[0]: r[1:] for r in table["rows"]}
    return table["columns"], rows


def column(at, name: str, number: int | None = None) -> list[str]:
    columns, rows = values(at, number)
    j = columns.index(name)
    return [cells[j] for cells in rows.values()]


def open_at_step(step: str) -> AppTest:
    at = open_app()
    at.query_params["step"] = step
    return at.switch_page("../pages/step_by_step.py").run()


def test_step_page_opens_at_step_1_on_z():
    at = open_app("step_by_step")
    assert not at.exception and not at.error
    assert current(at) == 1 and heading(at).startswith("Pre-activation")
    assert column(at, "z") == ["1.5000", "1.4000", "0.5000"]
    assert at.query_params["step"] == "1"


def test_the_stepper_gets_every_step_at_once_as_plain_lists():
    at = open_app("step_by_step")
    data = sent(at)
    assert [s["short"] for s in data["steps"]][:3] == ["z = Xw + b", "a = f(z)", "loss L"]
    assert [s["phase"] for s in data["steps"]] == ["forward"] * 3 + ["backward"] * 5 + ["update"]
    assert column(at, "gradient", 8) == ["1.8667", "0.9333", "1.6000"]
    assert column(at, "after", 9) == ["0.0813", "0.1907", "0.9840"]
    assert step_sent(at, 3)["formula"].startswith("<math")  # MathML, made on the server


def test_a_settled_step_lands_in_the_session_and_the_url():
    at = open_app("step_by_step")
    settle(at, 3)
    assert not at.exception
    assert current(at) == 3 and "Loss" in heading(at) and column(at, "value") == ["0.8200"]
    assert at.query_params["step"] == "3" and at.session_state["step"] == 3
    settle(at, 2)
    assert current(at) == 2 and at.query_params["step"] == "2"


def test_the_last_step_settles_too():
    at = open_app("step_by_step")
    settle(at, 9)
    assert current(at) == 9 and "update" in heading(at) and at.query_params["step"] == "9"
    settle(at, 1)
    assert current(at) == 1


def test_query_param_opens_that_step():
    at = open_at_step("8")
    assert not at.exception and not at.warning
    assert current(at) == 8 and "Sum over samples" in heading(at)
    assert column(at, "gradient") == ["1.8667", "0.9333", "1.6000"]


@pytest.mark.parametrize("bad", ["0", "10", "-1", "abc", "2.5", "", "９"])
def test_invalid_query_param_falls_back_to_step_1_with_a_message(bad):
    at = open_at_step(bad)
    assert not at.exception
    assert current(at) == 1
    assert "showing step 1" in at.warning[0].value
    assert at.query_params["step"] == "1"


def test_step_survives_a_page_switch():
    at = open_app("step_by_step")
    settle(at, 5)
    at.switch_page("../pages/overview.py").run()
    at.switch_page("../pages/step_by_step.py").run()
    assert current(at) == 5 and at.query_params["step"] == "5"


def test_an_edit_in_the_expander_shows_immediately_in_the_stepper():
    at = open_app("step_by_step")
    settle(at, 3)
    at = edit_xy(at, edited={0: {"x0": "3"}})
    assert current(at) == 3
    assert column(at, "value") == ["0.9000"]
    assert "0.9" in step_sent(at)["numbers"]
    assert not at.expander[0].proto.expanded


def test_each_step_shows_formula_numbers_details_table_and_shape():
    trace = bp.forward_backward([[1, 2], [2, 1], [-1, -2]], [0.1, 0.2], 1, [1, 0, 0], lr=0.01)
    at = open_app("step_by_step")
    assert len(sent(at)["steps"]) == len(KEYS)
    for number, step in enumerate(lesson.steps(trace), 1):
        shown = step_sent(at, number)
        assert step.key == KEYS[number - 1] and shown["title"] == step.title
        assert shown["formula"] == stepper.mathml(step.formula)  # symbolic, then with the numbers
        assert shown["numbers"] == stepper.mathml(step.formula_numbers)
        assert shown["details"] == [stepper.mathml(line) for line in step.details]  # where each number comes from
        assert shown["explanation"] == stepper.plain(step.explanation)
        assert shown["shape"].startswith("Shape ("), step.key


def test_per_sample_step_has_the_table_its_sums_and_bars_that_add_up():
    at = open_at_step("7")
    columns, rows = values(at)
    assert columns[:3] == ["w0", "w1", "b"]
    assert rows["sample 1"][:3] == ["1.8667", "0.9333", "0.9333"]
    assert rows[SUM_ROW][:3] == ["1.8667", "0.9333", "1.6000"]
    assert step_sent(at)["table"]["kinds"][-1] == "sum"
    bars = step_sent(at)["bars"]
    assert [b["name"] for b in bars["series"]] == ["∂L/∂w0", "∂L/∂w1", "∂L/∂b"] and bars["samples"] == ["0", "1", "2"]
    assert [sum(b["values"]) for b in bars["series"]] == pytest.approx([1.8667, 0.9333, 1.6], abs=1e-4)  # add up
    assert not at.get("plotly_chart") and [s["bars"] is not None for s in sent(at)["steps"]].count(True) == 1


def test_inactive_samples_are_marked_in_text_on_mask_delta_and_per_sample_rows():
    at = open_app()
    at.selectbox(key="preset_select").select("dead_relu").run()
    at.switch_page("../pages/step_by_step.py").run()
    for step in (2, 5, 6, 7):
        columns, rows = values(at, step)
        active = columns.index("active?")
        assert [rows["sample 2"][active], rows["sample 3"][active]] == [INACTIVE, INACTIVE], step
        assert rows["sample 0"][active].startswith("✓")
        assert step_sent(at, step)["table"]["kinds"][2:4] == ["off", "off"]
        assert "Inactive samples 2, 3" in step_sent(at, step)["note"]


def test_update_step_shows_before_gradient_after_and_the_new_loss():
    at = open_at_step("9")
    assert values(at)[0] == ["before", "gradient", "after"]
    assert column(at, "after") == ["0.0813", "0.1907", "0.9840"]
    assert "from 0.8200 to 0.7533" in step_sent(at)["explanation"]


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "sigmoid", "tanh", "identity"])
def test_every_step_renders_for_every_activation_and_loss(activation):
    at = open_app()
    at.selectbox(key="setting_activation").select(activation).run()
    at.switch_page("../pages/step_by_step.py").run()
    for loss in ("mse", "bce"):
        at.selectbox(key="setting_loss").select(loss).run()
        assert not at.exception and not at.error, (activation, loss)
        assert len(sent(at)["steps"]) == 9
        settle(at, 7)
        assert not at.exception and current(at) == 7, (activation, loss)


def test_more_samples_than_fit_in_a_formula_still_show_every_value():
    at = open_app()
    at.selectbox(key="preset_select").select("random").run()
    at.switch_page("../pages/step_by_step.py").run()
    assert len(values(at)[1]) == 8
    assert step_sent(at)["numbers"] is None and step_sent(at)["details"] == []


def test_a_page_reached_before_app_py_ran_still_gets_the_whole_app():
    # app.py itself as the main script has pages/ beside it: Streamlit's legacy multipage mode would run the
    # page file alone (no sidebar) until st.navigation has run; the state module leaves that mode.
    at = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=30).run()
    at.switch_page("pages/step_by_step.py").run()
    assert not at.exception
    assert [s.key for s in at.sidebar.selectbox][:3] == ["preset_select", "arch_depth", "setting_activation"]
    settle(at, 2)
    assert current(at) == 2 and at.sidebar.selectbox


def test_a_bad_cell_keeps_the_last_valid_step_on_screen_labelled_and_stepping_works():
    at = open_at_step("3")
    at = edit_xy(at, edited={2: {"x0": "nan"}})
    assert not at.exception and "X row 2, column x0" in at.error[0].value
    assert at.expander[0].proto.expanded
    assert "Showing the results for the last valid input" in at.warning[0].value
    assert current(at) == 3 and column(at, "value") == ["0.8200"]  # the seed's loss, labelled
    settle(at, 4)
    assert current(at) == 4 and "dL/da" in heading(at) and at.error
    at = edit_xy(at, edited={2: {"x0": "-1"}, 0: {"x0": "3"}})
    assert not at.error and not at.warning and current(at) == 4
    assert column(at, "value", 3) == ["0.9000"]


def test_a_bad_learning_rate_leaves_every_step_up_to_the_gradient():
    at = open_at_step("9")
    at.text_input(key="setting_lr").input("0").run()
    assert not at.exception and "learning rate η" in at.error[0].value
    assert current(at) == 8 and "Sum over samples" in heading(at)
    assert len(sent(at)["steps"]) == 8 and "update" not in [s["phase"] for s in sent(at)["steps"]]
    assert column(at, "gradient") == ["1.8667", "0.9333", "1.6000"]
    assert any("needs a valid learning rate" in c.value for c in at.caption)
    at.text_input(key="setting_lr").input("0.01").run()
    settle(at, 9)
    assert current(at) == 9 and not at.error


def test_explanations_read_as_math_not_as_underscores():
    at = open_at_step("7")
    assert "Since zᵢ = xᵢ · w + b, dzᵢ/dw = xᵢ and dzᵢ/db = 1: each sample contributes δᵢ times its own inputs." \
        in step_sent(at)["explanation"]
    at.text_input(key="setting_lr").input("1e-7").run()
    assert "learning rate 1.0000 × 10⁻⁷:" in step_sent(at, 9)["explanation"]
