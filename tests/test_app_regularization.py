"""The sidebar's regularization (beside the loss) is the objective of every page: the overview's loss, the step page's
penalty steps and its update (the data's and the penalty's gradients apart), the gradient check, the training page's
first run and the share link. The update is checked against torch: SGD with weight_decay on the weights for L2, the
formula w - η(dL/dw + λ sign w) for L1."""

from __future__ import annotations

import numpy as np
import pytest
import torch_oracle
from conftest import load_preset, open_app, stepper_data
from torch_oracle import torch

import backprop as bp


def _regularize(at, kind: str, rate: float):
    at = at.selectbox(key="setting_reg").select(kind).run()
    return at.number_input(key="setting_reg_rate").set_value(rate).run()


def _steps(at) -> dict:
    return {s["title"]: s for s in stepper_data(at)["steps"]}


def _torch_update(net: bp.Network, X, y, params: dict, lr: float) -> dict:
    """One step of torch.optim.SGD: the data loss alone, the L2 penalty as weight_decay on the weights' group; the L1
    penalty added to the objective (torch has no L1 decay)."""
    P = torch_oracle.tensors(params)
    weights = [v for k, v in P.items() if k[0] == "W"]
    biases = [v for k, v in P.items() if k[0] == "b"]
    l2 = net.regularization == "l2"
    opt = torch.optim.SGD([{"params": weights, "weight_decay": net.reg_rate if l2 else 0.0},
                           {"params": biases}], lr=lr)
    loss = torch_oracle.data_loss(net, P, torch.tensor(X), torch_oracle.targets(net, y))
    if not l2:
        loss = loss + torch_oracle.penalty(net, P)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return {k: v.detach().numpy() for k, v in P.items()}


@pytest.fixture(scope="module")
def xor_l2():
    at = load_preset(open_app(), "xor")
    at = at.slider(key="setting_precision").set_value(10).run()
    return _regularize(at, "l2", 0.05)


def test_l2_in_the_sidebar_is_the_step_pages_objective_and_its_update_is_torchs_weight_decay(xor_l2):
    m = xor_l2.session_state["model"]
    assert (m.regularization, m.reg_rate) == ("l2", 0.05)
    assert any(mt.label == "Loss L + penalty R" for mt in xor_l2.metric)
    at = xor_l2.switch_page("../pages/step_by_step.py").run()
    assert not at.exception and not at.error
    steps = _steps(at)
    titles = list(steps)
    penalty = next(t for t in titles if t.startswith("Penalty R (L2"))
    assert "λ = 0.0500000000" in penalty
    grad = titles.index("Gradient of the penalty, dR/dW")
    assert titles.index(penalty) < grad < next(i for i, t in enumerate(titles) if "δ" in t or "delta" in t.lower())
    net, X, y, params = m.engine()
    # the penalty's gradient step: λW for every weight, as text
    rows = {r[0]: float(r[1]) for r in steps["Gradient of the penalty, dR/dW"]["table"]["rows"]}
    for name in (n for n in net.param_names() if n[0] == "W"):
        np.testing.assert_allclose(rows[name], 0.05 * net.flatten(params)[net.index(name)], atol=1e-10)
    for node in stepper_data(at)["graph"]["nodes"]:  # every graph column has a cell per row of its node
        assert all(len(col["cells"]) == len(node["rows"]) for col in node["columns"]), node["id"]
    assert {"R", "dR"} <= {node["id"] for node in stepper_data(at)["graph"]["nodes"]}
    update = steps["Gradient-descent update"]["table"]
    cols = update["columns"]
    assert cols[:3] == ["before", "data gradient dL/dθ", "penalty gradient dR/dθ"]
    new = _torch_update(net, X, y, params, float(m.lr))
    for row in update["rows"]:
        name, values = row[0], dict(zip(cols, map(float, row[1:]), strict=True))
        expected = net.flatten(new)[net.index(name)]
        np.testing.assert_allclose(values["after"], expected, atol=1e-9)
        np.testing.assert_allclose(values["before"] - float(m.lr) * (values["data gradient dL/dθ"]
                                                                     + values["penalty gradient dR/dθ"]),
                                   expected, atol=1e-9)
        if name[0] == "b":
            assert values["penalty gradient dR/dθ"] == 0


def test_l1_on_one_neuron_is_a_step_and_its_update_is_the_sign_formula():
    at = open_app()
    at = at.slider(key="setting_precision").set_value(10).run()
    at = _regularize(at, "l1", 0.1)
    at = at.switch_page("../pages/step_by_step.py").run()
    assert not at.exception and not at.error
    steps = _steps(at)
    assert any(t.startswith("Penalty R (L1") for t in steps)
    m = at.session_state["model"]
    net, X, y, params = m.engine()
    rows = {r[0]: float(r[1]) for r in steps["Gradient of the penalty, dR/dW"]["table"]["rows"]}
    w = params["W1"][:, 0]
    np.testing.assert_allclose([rows["w0"], rows["w1"]], 0.1 * np.sign(w), atol=1e-12)
    _, data_grads = torch_oracle.loss_and_grads(bp.Network(inputs=2, output="relu"), params, X, y)
    new = _torch_update(net, X, y, params, 0.01)
    after = {r[0]: float(r[-1]) for r in steps["Gradient-descent update"]["table"]["rows"]}
    np.testing.assert_allclose([after["w0"], after["w1"]], w - 0.01 * (data_grads["W1"][:, 0] + 0.1 * np.sign(w)),
                               atol=1e-9)
    np.testing.assert_allclose([after["w0"], after["w1"], after["b"]], [*new["W1"][:, 0], new["b1"][0]], atol=1e-9)


def test_the_gradient_check_and_the_link_carry_the_penalty(xor_l2):
    at = xor_l2.switch_page("../pages/gradient_check.py").run()
    assert not at.exception and not at.error
    assert "reg=l2" in "&".join(f"{k}={v}" for k, v in at.query_params.items())
    assert at.query_params["reg_rate"] == "0.05"
    from ui import share

    shared = share.decode(dict(at.query_params))
    assert (shared.model.regularization, shared.model.reg_rate) == ("l2", 0.05)


def test_the_training_pages_first_run_trains_the_sidebars_penalty(xor_l2):
    at = xor_l2.switch_page("../pages/training.py").run()
    assert not at.exception and not at.error
    assert any("Regularization: **L2**, λ = 0.05" in md.value for md in at.markdown)
    assert "L2 λ = 0.05" in at.markdown[-1].value


def test_a_link_with_a_penalty_opens_it_in_the_sidebar():
    from urllib.parse import parse_qs

    from conftest import ENTRY
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.query_params = {k: v[0] for k, v in parse_qs("X=1,2;2,1&y=1,0&w=0.5,-0.5&b=0&reg=l1&reg_rate=0.2").items()}
    at = at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="setting_reg").value == "l1" and at.number_input(key="setting_reg_rate").value == 0.2
    assert any(mt.label == "Loss L + penalty R" for mt in at.metric)


def test_the_notebook_page_compares_without_the_penalty_and_says_so():
    at = _regularize(open_app(), "l2", 0.5)
    at = at.switch_page("../pages/notebook.py").run()
    assert not at.exception and not at.error
    assert any("compares it with the correct step without the sidebar's penalty" in i.value for i in at.info)
    assert at.session_state["model"].regularization == "l2"  # the page leaves the sidebar's setting as it is
