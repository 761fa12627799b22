"""AppTest: the notebook page reproduces the seed's output and explains its two bugs."""

from conftest import edit_xy, open_app, pictures

# The output saved in the seed notebook (shared/seed/backprop_notebook.txt), for its own example.
SEED_OUTPUT = """Ouput after 1 layer: [1.5 1.4 0.5]
Prediction after 1 layer: [1.5 1.4 0.5]
Loss after 1 layer 0.82
dL_dpred shape: (3,)
dpred_dz shape: (3,)
dL_dpred: [0.33333333 0.93333333 0.33333333]
dpred_dz: [1 1 1]
[[ 0.33333333  0.66666667]
 [ 1.86666667  0.93333333]
 [-0.33333333 -0.66666667]]

 ####################################################################################################
Loss with respect to weight: [0.62222222 0.31111111]
Loss with respect to bias: 0.5333333333333333
New Weights: [0.10622222 0.20311111]
New bias: 1.0053333333333334"""


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def comparison(at):
    return next(t.value for t in at.table if t.value.index.name == "quantity")


def test_notebook_page_prints_exactly_what_the_seed_notebook_printed():
    at = open_app("notebook")
    assert not at.exception and not at.error
    assert SEED_OUTPUT in [c.value for c in at.code]


def test_notebook_code_runs_on_the_current_numbers():
    at = edit_xy(open_app("notebook"), edited={0: {"x0": "3"}})
    listing = at.code[0].value
    assert "x = [[3.0,2.0]," in listing and "learning_rate = 0.01" in listing
    assert "nw = w - learning_rate * -dL_dw" in listing
    assert "Loss after 1 layer 0.9" in at.code[1].value


def test_the_notebooks_step_raises_the_loss_and_the_correct_one_lowers_it():
    at = open_app("notebook")
    assert metric(at, "Loss now") == "0.8200"
    assert metric(at, "After the notebook's step") == "0.8433"
    assert metric(at, "After the correct step") == "0.7533"
    summary = "\n".join(md.value for md in at.markdown)
    assert "The notebook's step: the loss **rises**" in summary
    assert "The correct step: the loss **falls**" in summary


def test_line_by_line_table_locates_both_bugs_and_finite_differences_side_with_the_correct_column():
    table = comparison(open_app("notebook"))
    assert table.loc["loss L", "verdict"] == "✓ same"
    assert table.loc["per-sample rows δᵢ·xᵢ", "verdict"] == "✓ same"
    assert table.loc["dL/dw", "the notebook"] == "[0.6222, 0.3111]"
    assert table.loc["dL/dw", "correct"] == "[1.8667, 0.9333]"
    assert table.loc["dL/dw", "finite differences"] == "[1.8667, 0.9333]"
    assert table.loc["dL/db", "verdict"].startswith("✗ bug 1: divided by N = 3")
    assert table.loc["new w", "verdict"].startswith("✗ bug 2")
    assert table.loc["new b", "the notebook"] == "1.0053"


def test_both_differences_are_explained_with_code_and_formulas():
    at = open_app("notebook")
    headings = [h.value for h in at.subheader]
    assert "Bug 1: The gradient is divided by N twice" in headings
    assert "Bug 2: The update climbs the gradient" in headings
    latex = "\n".join(x.value for x in at.latex)
    assert r"\frac{1}{3}" in latex and "0.6222" in latex
    assert r"\theta' =" in latex and "0.1062" in latex and "0.0813" in latex


def test_loss_curves_over_many_steps():
    at = open_app("notebook")
    at.slider(key="notebook_steps").set_value(50).run()
    chart = pictures(at)["notebook-curves"]
    assert "bpx-chart" in chart and chart.count("<polyline") == 2 and not at.get("plotly_chart")
    runs = next(t.value for t in at.table if t.value.index.name == "update rule")
    assert list(runs.columns)[1] == "after 50 steps"
    assert float(runs.loc["the notebook", "after 50 steps"]) > 0.82 > float(runs.loc["correct", "after 50 steps"])


def test_other_activations_say_the_notebook_is_relu_mse_and_still_show_it():
    at = open_app()
    at.selectbox(key="setting_activation").select("tanh").run()
    at.switch_page("../pages/notebook.py").run()
    assert not at.exception and not at.error
    assert "written for ReLU and mean squared error" in at.info[0].value
    assert SEED_OUTPUT in [c.value for c in at.code]


def test_a_learning_rate_that_overshoots_is_called_out():
    at = open_app()
    at.selectbox(key="preset_select").select("diverging_lr").run()
    at.switch_page("../pages/notebook.py").run()
    assert "The step overshot" in at.warning[0].value and "too long" in at.warning[0].value


def test_bad_input_shows_the_error_the_open_editors_and_the_last_valid_step_labelled():
    at = edit_xy(open_app("notebook"), edited={1: {"y": ""}})
    assert not at.exception and "y row 1" in at.error[0].value
    assert at.expander[0].proto.expanded
    assert "last valid input** (y row 1 = `0`)" in at.warning[0].value
    assert SEED_OUTPUT in [c.value for c in at.code] and metric(at, "Loss now") == "0.8200"
    assert any("start from the last valid input" in c.value for c in at.caption)


def test_the_notebook_ignores_a_bce_target_it_does_not_use():
    at = open_app()
    at.selectbox(key="setting_loss").select("bce").run()
    at = edit_xy(at, edited={0: {"y": "3"}})  # outside [0, 1]: bad for BCE, fine for the notebook's MSE
    at.switch_page("../pages/notebook.py").run()
    assert not at.exception and not at.error and not at.warning
    assert "Loss after 1 layer 1.48666" in at.code[1].value  # ((1.5 - 3)^2 + 1.4^2 + 0.5^2) / 3


def test_a_bad_learning_rate_keeps_the_last_valid_notebook_step_labelled():
    at = open_app("notebook")
    at.text_input(key="setting_lr").input("0").run()
    assert not at.exception and "learning rate" in at.error[0].value
    assert "learning rate η = `0.01`" in at.warning[0].value  # the update is the point of this page
    assert metric(at, "After the notebook's step") == "0.8433"
