"""AppTest: the overview page shows the editors, the headline numbers and where to go next."""

from conftest import edit_wb, edit_xy, open_app, pictures, stepper_data

from ui import state


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def markdown_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_overview_renders_the_seed_example_without_exceptions():
    at = open_app()
    assert not at.exception and not at.error
    assert metric(at, "Loss L") == "0.8200"
    assert metric(at, "dL/db") == "1.6000"
    assert metric(at, "New loss after one step") == "0.7533"
    assert metric(at, "dL/dw") == "[1.8667, 0.9333]"
    assert any("w = [0.0813, 0.1907], b = 0.9840" in c.value for c in at.caption)


def test_overview_parameter_table_holds_values_gradient_and_update():
    at = open_app()
    table = at.table[0].value
    assert list(table.index) == ["w0", "w1", "b"]
    assert list(table["gradient dL/dθ"]) == ["1.8667", "0.9333", "1.6000"]
    assert list(table["after one step"]) == ["0.0813", "0.1907", "0.9840"]


def test_editing_x00_to_3_makes_the_loss_0_9():
    at = edit_xy(open_app(), edited={0: {"x0": "3"}})
    assert not at.exception and not at.error
    assert metric(at, "Loss L") == "0.9000"
    samples = at.table[1].value
    assert samples.loc["sample 0", "z"] == "1.7000"


def test_editing_a_weight_flows_to_the_numbers():
    at = edit_wb(open_app(), {"w0": "1"})
    # z = [2.4, 3.2, -0.4]: sample 2 turns off; L = (1.4^2 + 3.2^2 + 0^2) / 3 = 12.2 / 3
    assert metric(at, "Loss L") == "4.0667"
    assert at.table[1].value.loc["sample 2", "active?"].startswith("✗")
    assert any("Inactive sample 2" in w.value for w in at.warning)


def test_activation_and_loss_switches_change_the_results():
    at = open_app()
    at.selectbox(key="setting_activation").select("sigmoid").run()
    sigmoid_loss = metric(at, "Loss L")
    assert sigmoid_loss != "0.8200" and not at.exception
    at.selectbox(key="setting_loss").select("bce").run()
    assert not at.exception and not at.error
    assert metric(at, "Loss L") not in (sigmoid_loss, "0.8200")


def test_decimals_setting_changes_every_number_shown():
    at = open_app()
    at.slider(key="setting_precision").set_value(6).run()
    assert metric(at, "Loss L") == "0.820000"
    assert at.table[0].value.loc["w0", "gradient dL/dθ"] == "1.866667"


def test_learning_rate_setting_changes_the_update():
    at = open_app()
    at.text_input(key="setting_lr").input("0.1").run()
    assert at.table[0].value.loc["w0", "after one step"] == "-0.0867"


def test_where_to_go_next_links_every_page():
    at = open_app()
    links = [link.proto.page for link in at.get("page_link")]
    assert {"step_by_step", "gradient_check", "notebook"} <= set(links)
    shares = next(link for link in at.get("page_link") if "share" in link.proto.label)
    assert shares.proto.query_string == "step=7"


STALE = "Showing the results for the last valid input"


def test_a_bad_cell_keeps_the_last_valid_results_on_screen_labelled_stale():
    at = edit_xy(open_app(), edited={0: {"x0": "3"}})  # loss 0.9
    at = edit_xy(at, edited={1: {"x1": "abc"}})
    assert not at.exception and "X row 1, column x1" in at.error[0].value
    assert STALE in at.warning[0].value and "X row 1, column x1 = `1`" in at.warning[0].value
    assert metric(at, "Loss L") == "0.9000"  # the last valid input's, not the seed's
    assert at.table[1].value.loc["sample 0", "z"] == "1.7000"
    at = edit_xy(at, edited={1: {"x1": "1"}})
    assert not at.error and not any(STALE in w.value for w in at.warning)
    assert metric(at, "Loss L") == "0.9000"


def test_stale_results_follow_the_decimals_setting():
    at = edit_wb(open_app(), {"b": "one"})
    at.slider(key="setting_precision").set_value(2).run()
    assert "bias b" in at.error[0].value and STALE in at.warning[0].value
    assert metric(at, "Loss L") == "0.82" and at.table[0].value.loc["w0", "gradient dL/dθ"] == "1.87"


def test_before_any_valid_input_there_is_nothing_stale_to_show():
    at = open_app()
    at.session_state[state.LAST_GOOD] = None  # as if the session had started on a bad input
    at = edit_xy(at, edited={0: {"y": ""}})
    assert at.error and not at.metric and not at.warning


def test_a_bad_learning_rate_still_shows_the_forward_and_backward_pass():
    at = open_app()
    at.text_input(key="setting_lr").input("-0.5").run()
    assert not at.exception and len(at.error) == 1
    assert "learning rate η" in at.error[0].value and "-0.5 must be greater than 0" in at.error[0].value
    assert "update step" in at.error[0].value and not at.warning  # current numbers, not stale ones
    assert metric(at, "Loss L") == "0.8200" and metric(at, "dL/db") == "1.6000"
    assert metric(at, "New loss after one step") == "needs a valid η"
    assert list(at.table[0].value.columns) == ["value now", "gradient dL/dθ"]
    at = edit_xy(at, edited={0: {"x0": "3"}})  # edits still flow through
    assert metric(at, "Loss L") == "0.9000" and len(at.error) == 1
    at.text_input(key="setting_lr").input("0.01").run()
    assert not at.error and metric(at, "New loss after one step") != "needs a valid η"


def test_a_bad_learning_rate_and_a_bad_cell_show_both_errors_and_the_last_valid_results():
    at = open_app()
    at.text_input(key="setting_lr").input("fast").run()
    at = edit_xy(at, edited={0: {"y": "?"}})
    errors = [e.value for e in at.error]
    assert len(errors) == 2 and "y row 0" in errors[0] and "learning rate η" in errors[1]
    assert STALE in at.warning[0].value and "learning rate η = `0.01`" in at.warning[0].value
    assert metric(at, "New loss after one step") == "0.7533"  # the last valid input had η = 0.01


def test_the_landing_page_pictures_the_neuron_with_its_numbers():
    at = open_app()
    svg = pictures(at)["neuron-diagram"]
    assert "w₀ = 0.1000" in svg and "∂L/∂w₀ = 1.8667" in svg and "b = 1.0000" in svg and "= 0.8200" in svg


def test_the_new_loss_shows_its_change_as_a_delta():
    at = open_app()
    new = next(m for m in at.metric if m.label == "New loss after one step")
    assert new.value == "0.7533" and new.proto.delta == "-0.0667"  # 0.82 → 0.7533: down, shown green (inverse)


def test_a_learning_rate_that_overshoots_is_not_called_downhill():
    at = open_app()
    at.text_input(key="setting_lr").input("10").run()
    assert metric(at, "New loss after one step") == "159.2315"
    warning = " ".join(w.value for w in at.warning)
    assert "The step overshot" in warning and "0.8200 to 159.2315" in warning and "η = 10.0000" in warning
    at.text_input(key="setting_lr").input("0.01").run()
    assert not any("overshot" in w.value for w in at.warning)


def test_one_button_leads_into_step_by_step():
    at = open_app()
    at.button(key="to_step_by_step").click().run()
    assert not at.exception and stepper_data(at)["step"] == 1  # the stepper, at its first step
