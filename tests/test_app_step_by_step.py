"""AppTest: the step-by-step page — buttons, slider, URL, every step's formula, table and marks."""

from pathlib import Path

import pytest
from conftest import edit_xy, open_app
from streamlit.testing.v1 import AppTest

import backprop as bp
from ui import render
from ui.render import INACTIVE, SUM_ROW

KEYS = ["z1", "a1", "loss", "dL_da1", "fprime1", "delta1", "shares1", "grad1", "update"]


def current(at) -> int:
    return at.select_slider(key="step_slider").value


def heading(at) -> str:
    return at.subheader[0].value


def values(at):
    """The step's value table (the first table on the page)."""
    return at.table[0].value


def open_at_step(step: str) -> AppTest:
    at = open_app()
    at.query_params["step"] = step
    return at.switch_page("../pages/step_by_step.py").run()


def test_step_page_opens_at_step_1_on_z():
    at = open_app("step_by_step")
    assert not at.exception and not at.error
    assert current(at) == 1 and heading(at).startswith("1. Pre-activation")
    assert list(values(at)["z"]) == ["1.5000", "1.4000", "0.5000"]
    assert at.query_params["step"] == "1"
    assert at.button(key="step_prev").disabled and at.button(key="step_first").disabled


def test_next_and_previous_buttons_step_forward_and_back():
    at = open_app("step_by_step")
    at.button(key="step_next").click().run()
    at.button(key="step_next").click().run()
    assert current(at) == 3 and "Loss" in heading(at)
    assert values(at).iloc[0, 0] == "0.8200"
    assert at.query_params["step"] == "3"
    at.button(key="step_prev").click().run()
    assert current(at) == 2 and at.query_params["step"] == "2"


def test_first_and_last_buttons_and_their_limits():
    at = open_app("step_by_step")
    at.button(key="step_last").click().run()
    assert current(at) == 9 and "update" in heading(at)
    assert at.button(key="step_next").disabled and not at.button(key="step_prev").disabled
    at.button(key="step_first").click().run()
    assert current(at) == 1


def test_buttons_have_keyboard_shortcuts():
    at = open_app("step_by_step")
    assert at.button(key="step_next").proto.shortcut == "right"
    assert at.button(key="step_prev").proto.shortcut == "left"


def test_slider_jumps_to_a_step_and_updates_the_url():
    at = open_app("step_by_step")
    at.select_slider(key="step_slider").set_value(6).run()
    assert current(at) == 6 and "delta" in heading(at)
    assert at.query_params["step"] == "6"
    at.button(key="step_next").click().run()
    assert current(at) == 7


def test_query_param_opens_that_step():
    at = open_at_step("8")
    assert not at.exception and not at.warning
    assert current(at) == 8 and "Sum over samples" in heading(at)
    assert list(values(at)["gradient"]) == ["1.8667", "0.9333", "1.6000"]


@pytest.mark.parametrize("bad", ["0", "10", "-1", "abc", "2.5", "", "９"])
def test_invalid_query_param_falls_back_to_step_1_with_a_message(bad):
    at = open_at_step(bad)
    assert not at.exception
    assert current(at) == 1
    assert "showing step 1" in at.warning[0].value
    assert at.query_params["step"] == "1"


def test_step_survives_a_page_switch():
    at = open_app("step_by_step")
    at.select_slider(key="step_slider").set_value(5).run()
    at.switch_page("../pages/overview.py").run()
    at.switch_page("../pages/step_by_step.py").run()
    assert current(at) == 5 and at.query_params["step"] == "5"


def test_an_edit_in_the_expander_shows_immediately_in_the_stepper():
    at = open_app("step_by_step")
    at.select_slider(key="step_slider").set_value(3).run()
    at = edit_xy(at, edited={0: {"x0": "3"}})
    assert current(at) == 3
    assert values(at).iloc[0, 0] == "0.9000"
    assert any("0.9" in line.value for line in at.latex)
    assert not at.expander[0].proto.expanded


def test_each_step_shows_formula_numbers_details_table_and_shape():
    trace = bp.forward_backward([[1, 2], [2, 1], [-1, -2]], [0.1, 0.2], 1, [1, 0, 0], lr=0.01)
    at = open_app("step_by_step")
    for number, step in enumerate(trace.steps, 1):
        assert current(at) == number and step.key == KEYS[number - 1]
        latex = [line.value.removeprefix("$$\n").removesuffix("\n$$") for line in at.latex]
        assert latex[:2] == [step.formula, step.formula_numbers]  # symbolic, then with the numbers
        assert set(step.details) <= set(latex)  # where each number comes from
        assert render.prose(step.explanation) in [md.value for md in at.markdown]
        assert any(c.value.startswith("Shape (") for c in at.caption), step.key
        if number < len(KEYS):
            at.button(key="step_next").click().run()


def test_per_sample_step_has_the_table_its_sums_and_a_bar_chart():
    at = open_at_step("7")
    table = values(at)
    assert list(table.columns)[:3] == ["w0", "w1", "b"]
    assert list(table.loc["sample 1", ["w0", "w1", "b"]]) == ["1.8667", "0.9333", "0.9333"]
    assert list(table.loc[SUM_ROW, ["w0", "w1", "b"]]) == ["1.8667", "0.9333", "1.6000"]
    chart = at.get("plotly_chart")
    assert len(chart) == 1 and "Each sample" in chart[0].proto.spec


def test_inactive_samples_are_marked_in_text_on_mask_delta_and_per_sample_rows():
    at = open_app()
    at.selectbox(key="preset_select").select("dead_relu").run()
    at.switch_page("../pages/step_by_step.py").run()
    for step in (2, 5, 6, 7):
        at.select_slider(key="step_slider").set_value(step).run()
        table = values(at)
        assert list(table.loc[["sample 2", "sample 3"], "active?"]) == [INACTIVE, INACTIVE], step
        assert table.loc["sample 0", "active?"].startswith("✓")
        assert "Inactive samples 2, 3" in at.warning[0].value


def test_update_step_shows_before_gradient_after_and_the_new_loss():
    at = open_at_step("9")
    table = values(at)
    assert list(table.columns) == ["before", "gradient", "after"]
    assert list(table["after"]) == ["0.0813", "0.1907", "0.9840"]
    assert any("from 0.8200 to 0.7533" in md.value for md in at.markdown)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "sigmoid", "tanh", "identity"])
def test_every_step_renders_for_every_activation_and_loss(activation):
    at = open_app()
    at.selectbox(key="setting_activation").select(activation).run()
    at.switch_page("../pages/step_by_step.py").run()
    for loss in ("mse", "bce"):
        at.selectbox(key="setting_loss").select(loss).run()
        for step in (1, 3, 5, 7, 9):
            at.select_slider(key="step_slider").set_value(step).run()
            assert not at.exception and not at.error, (activation, loss, step)


def test_more_samples_than_fit_in_a_formula_still_show_every_value():
    at = open_app()
    at.selectbox(key="preset_select").select("random").run()
    at.switch_page("../pages/step_by_step.py").run()
    assert len(values(at)) == 8
    assert any("not written out" in c.value for c in at.caption)


def test_a_page_reached_before_app_py_ran_still_gets_the_whole_app():
    # app.py itself as the main script has pages/ beside it: Streamlit's legacy multipage mode would run the
    # page file alone (no sidebar) until st.navigation has run; the state module leaves that mode.
    at = AppTest.from_file(str(Path(__file__).parents[1] / "app.py"), default_timeout=30).run()
    at.switch_page("pages/step_by_step.py").run()
    assert not at.exception
    assert [s.key for s in at.sidebar.selectbox][:3] == ["preset_select", "arch_depth", "setting_activation"]
    at.button(key="step_next").click().run()
    assert current(at) == 2 and at.sidebar.selectbox


def test_a_bad_cell_keeps_the_last_valid_step_on_screen_labelled_and_stepping_works():
    at = open_at_step("3")
    at = edit_xy(at, edited={2: {"x0": "nan"}})
    assert not at.exception and "X row 2, column x0" in at.error[0].value
    assert at.expander[0].proto.expanded
    assert "Showing the results for the last valid input" in at.warning[0].value
    assert current(at) == 3 and values(at).iloc[0, 0] == "0.8200"  # the seed's loss, labelled
    at.button(key="step_next").click().run()
    assert current(at) == 4 and "dL/da" in heading(at) and at.error
    at = edit_xy(at, edited={2: {"x0": "-1"}, 0: {"x0": "3"}})
    assert not at.error and not at.warning and current(at) == 4
    at.button(key="step_prev").click().run()
    assert values(at).iloc[0, 0] == "0.9000"


def test_a_bad_learning_rate_leaves_every_step_up_to_the_gradient():
    at = open_at_step("9")
    at.text_input(key="setting_lr").input("0").run()
    assert not at.exception and "learning rate η" in at.error[0].value
    assert current(at) == 8 and "Sum over samples" in heading(at)
    assert at.select_slider(key="step_slider").options[-1].startswith("8")
    assert list(values(at)["gradient"]) == ["1.8667", "0.9333", "1.6000"]
    assert any("needs a valid learning rate" in c.value for c in at.caption)
    roadmap = next(md.value for md in at.markdown if md.value.startswith("Forward pass"))
    assert "**▶ 8 dL/dw, dL/db**" in roadmap and "Update:" not in roadmap
    at.text_input(key="setting_lr").input("0.01").run()
    at.button(key="step_next").click().run()
    assert current(at) == 9 and not at.error


def test_explanations_read_as_math_not_as_underscores():
    at = open_at_step("7")
    assert "Since zᵢ = xᵢ · w + b, dzᵢ/dw = xᵢ and dzᵢ/db = 1: each sample contributes δᵢ times its own inputs." \
        in " ".join(md.value for md in at.markdown)
    at.text_input(key="setting_lr").input("1e-7").run()
    at.button(key="step_last").click().run()
    assert any("learning rate 1.0000 × 10⁻⁷:" in md.value for md in at.markdown)


def test_an_update_that_raises_the_loss_says_it_overshot():
    at = open_app()
    at.text_input(key="setting_lr").input("10").run()
    at.switch_page("../pages/step_by_step.py")
    at.query_params["step"] = str(len(KEYS))  # the update, as a link opens it
    at.run()
    assert "Gradient-descent update" in [h.value for h in at.subheader][0]
    said = " ".join(md.value for md in at.markdown)
    assert "The step overshot" in said and "159.2315" in said and "(downhill)" not in said
    at.text_input(key="setting_lr").input("0.01").run()
    said = " ".join(md.value for md in at.markdown)
    assert "overshot" not in said and "(downhill)" in said
