"""AppTest: the gradient-check page — analytic against numeric per parameter, pass/fail, kinks."""

from conftest import edit_xy, open_app


def results(at):
    return at.table[0].value


def test_gradient_check_passes_on_the_seed_example():
    at = open_app("gradient_check")
    assert not at.exception and not at.error
    table = results(at)
    assert list(table.index) == ["dL/dw0", "dL/dw1", "dL/db"]
    assert list(table["analytic (backprop)"]) == ["1.8667", "0.9333", "1.6000"]
    assert list(table["numeric (finite difference)"]) == ["1.8667", "0.9333", "1.6000"]
    assert set(table["result"]) == {"✓ pass"}
    assert "All 3 parameters" in at.success[0].value


def test_edits_flow_into_the_check():
    at = edit_xy(open_app("gradient_check"), edited={0: {"x0": "3"}})
    assert results(at).loc["dL/dw0", "analytic (backprop)"] == "2.9333"
    assert set(results(at)["result"]) == {"✓ pass"}


def test_a_sample_on_relus_kink_is_flagged_and_explained_not_failed():
    at = open_app()
    at.selectbox(key="preset_select").select("relu_kink").run()
    at.switch_page("../pages/gradient_check.py").run()
    table = results(at)
    assert all(r.startswith("⚠ at a kink (sample 0)") for r in table["result"])
    assert table.loc["dL/db", "numeric (finite difference)"] == "0.3333"  # half of ReLU's two slopes
    assert table.loc["dL/db", "analytic (backprop)"] == "0.6667"
    assert not at.error and not at.success
    assert any("derivative does not exist" in md.value for md in at.markdown)


def test_a_large_epsilon_cannot_judge_a_curved_loss_and_says_why():
    """With ε = 0.1 on a sigmoid the finite difference misses the slope: its estimates at h and h/10 disagree, so
    the check calls the parameter inconclusive, with the reason, instead of failing a correct gradient."""
    at = open_app()
    at.selectbox(key="setting_activation").select("sigmoid").run()
    at.switch_page("../pages/gradient_check.py").run()
    assert set(results(at)["result"]) == {"✓ pass"}
    at.select_slider(key="gradcheck_eps").set_value(0.1).run()
    assert "? inconclusive" in set(results(at)["result"]) and "✗ fail" not in set(results(at)["result"])
    assert "secant" in at.warning[0].value and "unreliable" in at.warning[0].value and not at.error


def test_every_activation_and_loss_passes():
    at = open_app("gradient_check")
    for activation in ("leaky_relu", "sigmoid", "tanh", "identity"):
        at.selectbox(key="setting_activation").select(activation).run()
        for loss in ("mse", "bce"):
            at.selectbox(key="setting_loss").select(loss).run()
            assert set(results(at)["result"]) == {"✓ pass"}, (activation, loss)


def test_bad_input_shows_the_error_the_open_editors_and_the_last_valid_check_labelled():
    at = edit_xy(open_app("gradient_check"), edited={0: {"x0": "3"}})
    at = edit_xy(at, edited={0: {"x1": "inf"}})
    assert not at.exception and "X row 0, column x1" in at.error[0].value
    assert at.expander[0].proto.expanded
    assert "Showing the results for the last valid input" in at.warning[0].value
    assert "X row 0, column x1 = `2`" in at.warning[0].value
    assert results(at).loc["dL/dw0", "analytic (backprop)"] == "2.9333"  # X[0][0] = 3, the last valid input
    at = edit_xy(at, edited={0: {"x1": "2"}})
    assert not at.error and not at.warning and set(results(at)["result"]) == {"✓ pass"}


def test_a_bad_learning_rate_does_not_stop_the_check_which_does_not_use_it():
    at = edit_xy(open_app("gradient_check"), edited={0: {"x0": "3"}})
    at.text_input(key="setting_lr").input("1e9").run()
    assert "learning rate η" in at.error[0].value and not at.warning
    assert results(at).loc["dL/dw0", "analytic (backprop)"] == "2.9333"
