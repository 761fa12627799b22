"""Every page with a network (the XOR preset's 2-2-1 tanh network): its numbers are the engine's, its cells are
editable, its architecture is set in the sidebar, and bad cells are named."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import edit_layer, load_preset, open_app, pictures

import backprop as bp
import lesson
from ui.model import PRESETS

XOR = PRESETS["xor"][1]


def engine_trace(m) -> bp.Trace:
    net, X, y, params = m.engine()
    return net.forward_backward(X, y, params, lr=m.lr)


@pytest.fixture
def xor():
    return load_preset(open_app(), "xor")


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_xor_preset_shows_the_network_its_numbers_and_that_one_neuron_cannot_learn_it(xor):
    assert not xor.exception and not xor.error
    t = engine_trace(XOR)
    assert metric(xor, "Loss L") == f"{t.loss:.4f}" == "0.3301"
    assert metric(xor, "New loss after one step") == f"{t.new_loss:.4f}"
    table = next(tb.value for tb in xor.table if "gradient dL/dθ" in tb.value.columns)
    assert list(table.index) == XOR.params
    assert list(table["gradient dL/dθ"]) == [f"{g:.4f}" for g in t.grad]
    svg = pictures(xor)["network-diagram"]
    assert 'id="unit_1_0"' in svg and 'id="edge_2_1_0"' in svg  # units are boxes, weights are edges


def open_capacity(at):
    """Open the capacity panel's expander, as a click does: its state goes to the server, which reruns."""
    from ui import widgets

    at.session_state[widgets.CAPACITY_OPEN] = True
    return at.run()


def test_one_neuron_cannot_learn_xor_says_the_capacity_panel_once_opened_and_it_stays_open(xor):
    (panel,) = [e for e in xor.expander if "need the hidden layers" in e.label]
    assert not [m for m in xor.metric if m.label == "One neuron"]  # closed: nothing trained, nothing sent
    at = open_capacity(xor)
    assert not at.exception and not at.error
    text = " ".join(md.value for md in at.markdown)
    assert "One neuron cannot learn this; the 2-2-1 network can" in text
    assert float(metric(at, "This 2-2-1 network")) < 0.01 < 0.2 < float(metric(at, "One neuron"))
    at = edit_layer(at, "W1", {0: {"h1[0]": "2"}})  # an edit: the panel stays open and follows it
    assert [m for m in at.metric if m.label == "One neuron"]
    at.switch_page("../pages/step_by_step.py").run()
    at.switch_page("../pages/overview.py").run()  # and after a visit elsewhere
    assert not at.exception and [m for m in at.metric if m.label == "One neuron"]


def test_editing_a_weight_cell_changes_the_loss_to_the_engines(xor):
    at = edit_layer(xor, "W1", {0: {"h1[0]": "2"}})
    m = at.session_state["model"]
    assert m.layers[0][0][0] == ("2", "-0.4")
    assert metric(at, "Loss L") == f"{engine_trace(m).loss:.4f}" != "0.3301"


def test_a_bad_weight_cell_is_named_and_the_last_results_stay(xor):
    at = edit_layer(xor, "b1", {0: {"h1[1]": "abc"}})
    assert any("layer 1, b1[1]: 'abc' is not a number" in e.value.replace("\\", "") for e in at.error)
    assert metric(at, "Loss L") == "0.3301"  # the last valid input's, labelled stale
    assert any("last valid input" in w.value for w in at.warning)


def test_the_architecture_is_set_in_the_sidebar_and_says_what_it_kept(app):
    app.selectbox(key="arch_depth").select(1).run()
    m = app.session_state["model"]
    assert m.hidden == ((2, "tanh"),) and not app.exception
    assert [s.key for s in app.sidebar.number_input][:1] == ["arch_width_1"]
    app.number_input(key="arch_width_1").set_value(3).run()
    m = app.session_state["model"]
    assert m.hidden == ((3, "tanh"),) and len(m.layers[0][1]) == 3 and len(m.w) == 3
    assert any("Architecture changed: kept" in t.value for t in app.toast)
    app.selectbox(key="arch_depth").select(0).run()
    assert app.session_state["model"].is_neuron and not app.exception


def test_initialise_sets_every_parameter(xor):
    xor.selectbox(key="init_kind").select("constant").run()
    xor.number_input(key="init_value").set_value(0.5).run()
    xor.button(key="init_apply").click().run()
    assert set(xor.session_state["model"].flat_texts()) == {"0.5"}


def test_the_step_page_walks_every_operation_of_the_network(xor):
    t = engine_trace(XOR)
    assert len(lesson.steps(t)) == 16
    keys = [s.key for s in lesson.steps(t)]
    assert keys == ["z1", "a1", "z2", "a2", "loss", "dL_da2", "fprime2", "delta2", "shares2", "grad2", "passed2",
                    "fprime1", "delta1", "shares1", "grad1", "update"]
    xor.switch_page("../pages/step_by_step.py").run()
    assert not xor.exception
    hidden_delta = lesson.step(t, "delta1")
    np.testing.assert_allclose(hidden_delta.value, t.records[0].upstream)


def test_gradient_check_covers_every_layer(xor):
    xor.switch_page("../pages/gradient_check.py").run()
    assert not xor.exception
    table = xor.table[0].value
    assert list(table.index) == [f"dL/d{name}" for name in XOR.params]
    assert all("✓" in r for r in table["result"])


def test_the_notebook_page_says_it_is_one_neuron(xor):
    xor.switch_page("../pages/notebook.py").run()
    assert not xor.exception and any("Hidden layers" in i.value for i in xor.info)


def test_the_data_page_exports_the_network(xor, tmp_path):
    import subprocess
    import sys

    xor.switch_page("../pages/data.py").run()
    assert not xor.exception
    script = next(c.value for c in xor.code if c.value.startswith('"""Backprop Explorer export'))
    path = tmp_path / "net.py"
    path.write_text(script)
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    t = engine_trace(XOR)
    assert f"5. loss L = {t.loss:.4f}" in out and f"new loss L' = {t.new_loss:.4f}" in out
    assert "13. δ₁:" in out


def test_the_landscape_takes_any_two_parameters_and_trains_the_whole_network(xor):
    import json

    from ui import landscape_chart

    xor.switch_page("../pages/landscape.py").run()
    assert not xor.exception and not xor.error
    assert xor.selectbox(key="landscape_axis_u").options == XOR.params
    xor.selectbox(key="landscape_axis_u").set_value("W1[0,1]").run()
    xor.selectbox(key="landscape_axis_v").set_value("b2[0]").run()
    assert xor.checkbox(key="landscape_only").value is False  # a network's paths train every parameter
    sent = next(json.loads(e.proto.json) for e in xor.get("bidi_component")
                if e.proto.component_name == "backprop_explorer.landscape" and e.proto.id.endswith(landscape_chart.KEY))
    assert sent["steps"] == 100 and {p["label"] for p in sent["paths"]} >= {"SGD", "Adam"}
    net, X, y, params = XOR.engine()
    adam = net.train(X, y, params, lr=0.1, steps=100, optimizer="adam")
    table = next(t.value for t in xor.table if t.value.index.name == "optimizer")
    assert table.loc["Adam", "final loss"] == lesson.latex.text(adam.loss[-1], 4) and adam.loss[-1] < 0.01
    assert list(c for c in table.columns if c.startswith("final W") or c.startswith("final b")) == [
        "final W1[0,1]", "final b2[0]"]
    assert any("other parameters as in the editors" in md.value for md in xor.markdown)
    assert xor.tabs[1].label == "What the network computes"
    assert any("the 7 other parameters at their current values" in w.value for w in xor.warning)  # the slice
