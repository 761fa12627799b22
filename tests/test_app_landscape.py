"""AppTest: the loss landscape page — surface, paths and their tables, divergence, slices, bad input."""

from __future__ import annotations

import json

import pytest
from conftest import edit_xy, open_app, unpack_frames

STALE = "Showing the results for the last valid input"


def charts(at) -> list[dict]:
    """The page's other Plotly figures as sent to the browser (the figure component): the model view, its figure
    with its frames (plain data the component's player plays)."""
    return [{**(data := json.loads(c.proto.json))["figure"], "frames": unpack_frames(data["frames"])}
            for c in at.get("bidi_component") if c.proto.component_name == "backprop_explorer.figure"]


def open_tab(at, position: int):
    """Open the tab under the charts at `position` (0: where each optimizer ends, 1: the model view, 2: every
    step), as a click does: the tab's label goes to the server, which reruns."""
    from ui import landscape as page

    at.session_state[page.SECTION] = at.tabs[position].label
    return at.run()


def model_view(at) -> dict:
    """The model view's figure, its tab opened."""
    (model,) = charts(open_tab(at, 1))
    return model


def landscape(at) -> dict:
    """What the page sends the landscape component (an element AppTest does not know: read its proto)."""
    from ui import landscape_chart

    found = [e for e in at.get("bidi_component") if e.proto.id.endswith(landscape_chart.KEY)
             and e.proto.component_name == "backprop_explorer.landscape"]
    assert len(found) == 1, found
    return json.loads(found[0].proto.json)


def path_names(at) -> list[str]:
    return [p["label"] for p in landscape(at)["paths"]]


def summary(at):
    return next(t.value for t in at.table if t.value.index.name == "optimizer")


def test_the_page_renders_the_seed_example_with_three_optimizers():
    at = open_app("landscape")
    assert not at.exception and not at.error
    data = landscape(at)
    assert data["steps"] == 100
    assert all(len(p["loss"]) == 101 for p in data["paths"])
    assert data["axes"] == ["w0", "w1"] and len(data["u"]) == len(data["v"]) == 51
    assert len(data["loss"]) == 51 and len(data["loss"][0]) == 51
    assert data["plotly"].endswith("/app/static/plotly.min.js")  # served by the app, not a CDN
    table = summary(at)
    assert list(table.index) == ["SGD", "Momentum", "Adam"]
    assert set(table["loss at the start"]) == {"0.8200"}
    assert all(float(v) < 0.82 for v in table["final loss"])  # all three descend
    assert set(table["final b"]) == {"1.0000"}  # only w0 and w1 train
    assert any("At the marker" in m.value and "L = 0.8200" in m.value for m in at.markdown)
    assert any("every path lies exactly on this surface" in c.value for c in at.caption)
    model = model_view(at)
    assert len(model["frames"]) == 101  # the model view animates the same 100 steps, in the browser:
    assert "sliders" not in model["layout"] and "updatemenus" not in model["layout"]  # with the component's player



def test_only_the_open_tab_under_the_charts_is_built():
    at = open_app("landscape")
    assert [t.label for t in at.tabs] == ["Where each optimizer ends", "What the neuron computes",
                                          "Every step's parameters and loss"]
    assert [t.value.index.name for t in at.table] == ["optimizer"] and not charts(at)  # nor the model view
    open_tab(at, 2)
    steps = [t.value for t in at.table if t.value.index.name == "step"]
    assert len(steps) == 3 and [len(t) for t in steps] == [101, 101, 101]  # SGD, momentum, Adam: steps 0..100
    assert list(steps[0].columns) == ["w0", "w1", "b", "loss L"] and steps[0].loc[0, "loss L"] == "0.8200"
    assert not charts(at) and all(t.value.index.name != "optimizer" for t in at.table)
    final_sgd = steps[0].loc[100, "loss L"]
    open_tab(at, 1)
    assert len(charts(at)) == 1 and not at.table
    assert any(m.value.startswith("**SGD after step 100:**") and m.value.endswith(f"L = {final_sgd}.")
               for m in at.markdown)
    open_tab(at, 0)
    assert summary(at).loc["SGD", "final loss"] == final_sgd and not charts(at)


def test_the_open_tab_stays_open_across_pages_and_a_switch_to_a_network():
    at = open_app("landscape")
    open_tab(at, 1)
    at.switch_page("../pages/overview.py").run()
    at.switch_page("../pages/landscape.py").run()
    assert len(charts(at)) == 1
    at.selectbox(key="arch_depth").select(1).run()
    assert not at.exception and at.tabs[1].label == "What the network computes" and len(charts(at)) == 1


def test_changing_an_axis_redraws_over_the_new_pair_and_says_what_is_held():
    at = open_app("landscape")
    at.selectbox(key="landscape_axis_v").set_value("b").run()
    assert landscape(at)["axes"] == ["w0", "b"]
    assert any("w1 stays at the current values (w1 = 0.2000)" in c.value for c in at.caption)
    assert set(summary(at)["final w1"]) == {"0.2000"}
    at.selectbox(key="landscape_axis_u").set_value("b").run()  # the depth axis moves out of the way
    assert at.selectbox(key="landscape_axis_v").value != "b" and not at.exception


def test_optimizers_toggle_and_the_notebook_rule_climbs():
    at = open_app("landscape")
    at.checkbox(key="landscape_opt_momentum").uncheck().run()
    at.toggle(key="landscape_notebook").set_value(True).run()
    table = summary(at)
    assert list(table.index) == ["SGD", "Adam", "The notebook's rule"]
    assert float(table.loc["The notebook's rule", "final loss"]) > 0.82
    names = path_names(at)
    assert "The notebook's rule" in names and "Momentum" not in names
    notebook = landscape(at)["paths"][-1]
    assert notebook["ownAxis"] is True and not any(p["ownAxis"] for p in landscape(at)["paths"][:-1])


def test_the_notebook_overlay_does_not_widen_the_map():
    at = open_app("landscape")
    before = landscape(at)
    at.toggle(key="landscape_notebook").set_value(True).run()
    after = landscape(at)
    assert (after["u"][0], after["u"][-1], after["v"][0], after["v"][-1]) == \
        (before["u"][0], before["u"][-1], before["v"][0], before["v"][-1])


def test_the_colour_scale_is_log_or_clipped_to_the_paths_and_says_which():
    at = open_app("landscape")
    data = landscape(at)
    assert data["colour"]["scale"] == "log" and data["colour"]["label"] == "logarithmic"
    at.radio(key="landscape_colour").set_value("clip").run()
    clipped = landscape(at)["colour"]
    along = [L for p in landscape(at)["paths"] for L in p["loss"]]
    assert clipped["label"] == "clipped to the paths' range"
    assert clipped["min"] == pytest.approx(min(along), rel=1e-5)
    assert clipped["max"] == pytest.approx(max(along), rel=1e-5)
    assert clipped["max"] < max(max(row) for row in landscape(at)["loss"]) / 10  # the surface spans far more


def test_no_optimizer_leaves_the_surface_and_a_hint():
    at = open_app("landscape")
    for name in ("sgd", "momentum", "adam"):
        at.checkbox(key=f"landscape_opt_{name}").uncheck()
    at.run()
    assert not at.exception and "Tick at least one optimizer" in at.info[0].value
    assert landscape(at)["paths"] == [] and landscape(at)["steps"] == 0 and len(landscape(at)["loss"]) == 51


def test_a_learning_rate_of_10_stops_sgd_at_step_3_and_says_so():
    at = open_app("landscape")
    at.text_input(key="landscape_lr").input("10").run()
    assert not at.exception
    assert at.session_state["model"].lr == "10" and at.text_input(key="setting_lr").value == "10"
    errors = [e.value for e in at.error]
    assert any("SGD diverged at step 3" in e and "ends at step 2" in e for e in errors)
    assert summary(at).loc["SGD", "diverged at step"] == "3"
    assert summary(at).loc["SGD", "steps run"] == "2"
    hint = next(e for e in errors if "diverged" in e)  # it names the checkbox by the label the page shows
    assert "*Log-scale loss*" in hint and at.checkbox(key="landscape_log").label == "Log-scale loss"
    assert json.dumps(model_view(at), allow_nan=False)  # the model view: no NaN either
    sent = json.dumps(landscape(at), allow_nan=False)  # raises on a NaN or an infinity
    assert landscape(at)["paths"][0]["divergedAt"] == 3 and len(landscape(at)["paths"][0]["loss"]) == 3 and sent


def test_training_every_parameter_labels_the_surface_a_slice():
    at = open_app("landscape")
    at.checkbox(key="landscape_only").uncheck().run()
    assert "slice" in at.warning[0].value and "b = 1.0000" in at.warning[0].value
    assert any(v != "1.0000" for v in summary(at)["final b"])  # b trains too


def test_one_feature_has_exactly_two_parameters_and_a_line_model_view():
    at = open_app("landscape")
    at.button(key="remove_feature").click().run()
    assert not at.exception
    assert any("exactly two parameters, w0 and b" in c.value for c in at.caption)
    assert at.checkbox(key="landscape_only").disabled
    model = model_view(at)
    assert model["layout"]["xaxis"]["title"]["text"] == "x0" and model["data"][2]["mode"] == "lines"
    assert landscape(at)["axes"] == ["w0", "b"] and landscape(at)["held"] == ""


def test_steps_and_resolution_shape_the_figure():
    at = open_app("landscape")
    at.slider(key="landscape_steps").set_value(12).run()
    at.select_slider(key="landscape_resolution").set_value(21).run()
    assert landscape(at)["steps"] == 12 and len(landscape(at)["u"]) == 21
    assert any("Grid: 21 × 21 points" in c.value for c in at.caption)
    assert landscape(at)["dotEvery"] == 1 and any("a dot marks every step" in c.value for c in at.caption)
    at.slider(key="landscape_steps").set_value(60).run()  # at most 25 dots a path: 60 steps, a dot every 3
    assert landscape(at)["dotEvery"] == 3 and any("the dots are 3 steps apart" in c.value for c in at.caption)


def test_bad_input_names_the_cell_and_keeps_the_last_valid_landscape_labelled_stale():
    at = open_app("landscape")
    before = landscape(at)
    edit_xy(at, edited={0: {"x1": "abc"}})
    assert not at.exception
    assert "X row 0, column x1" in at.error[0].value
    assert STALE in at.warning[0].value and "X row 0, column x1 = `2`" in at.warning[0].value
    assert landscape(at)["paths"] == before["paths"], "the last valid input's surface and paths stay on screen"
    edit_xy(at, edited={0: {"x1": "2"}})
    assert not at.error and not any(STALE in w.value for w in at.warning)


def test_a_bad_learning_rate_keeps_the_last_valid_paths_labelled_stale():
    at = open_app("landscape")
    at.text_input(key="landscape_lr").input("fast").run()
    assert not at.exception and "learning rate" in at.error[0].value.lower()
    assert STALE in at.warning[0].value and "learning rate η = `0.01`" in at.warning[0].value
    assert at.text_input(key="landscape_lr").value == "fast" and landscape(at)["paths"]


def test_settings_survive_a_visit_to_another_page():
    at = open_app("landscape")
    at.selectbox(key="landscape_axis_v").set_value("b").run()
    at.slider(key="landscape_steps").set_value(7).run()
    at.switch_page("../pages/overview.py").run()
    at.switch_page("../pages/landscape.py").run()
    assert at.selectbox(key="landscape_axis_v").value == "b" and at.slider(key="landscape_steps").value == 7
    assert landscape(at)["steps"] == 7


def test_the_model_view_follows_the_chosen_optimizer_and_names_held_features():
    at = open_tab(open_app("landscape"), 1)
    at.selectbox(key="landscape_follow").set_value("adam").run()
    assert charts(at)[0]["layout"]["title"]["text"].startswith("Adam: prediction")
    assert any(m.value.startswith("**Adam after step 100:**") for m in at.markdown)
    at.button(key="add_feature").click().run()
    assert not at.exception
    at.selectbox(key="landscape_feature_b").set_value("x2").run()
    title = charts(at)[0]["layout"]["title"]["text"]
    assert "over (x0, x2); x1 held at its mean" in title
    assert any("x1 held at its mean over the samples" in c.value for c in at.caption)


def test_in_presenter_mode_the_charts_come_before_the_settings():
    def order(at) -> tuple[int, int]:
        shown = list(at.main)  # every element, in page order
        chart = next(i for i, e in enumerate(shown) if getattr(e, "type", "") == "bidi_component")
        axis = next(i for i, e in enumerate(shown) if getattr(e, "key", None) == "landscape_axis_u")
        return chart, axis

    at = open_app("landscape")
    chart, axis = order(at)
    assert axis < chart and landscape(at)["presenter"] is False
    at.toggle(key="presenter_toggle").set_value(True).run()
    chart, axis = order(at)
    assert chart < axis and landscape(at)["presenter"] is True
