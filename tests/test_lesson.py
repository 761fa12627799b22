"""The lesson's steps of a trace: their order, the values they show, the formulas with the numbers substituted
(checked by hand), for one neuron, a network, K outputs, softmax with cross-entropy and the penalty; and the
exported NumPy script, which prints the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

import backprop as bp
import lesson

SEED = dict(X=[[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]], w=[0.1, 0.2], b=1.0, y=[1.0, 0.0, 0.0])
STEP_KEYS = ["z1", "a1", "loss", "dL_da1", "fprime1", "delta1", "shares1", "grad1"]


def keyed(t, precision=4) -> dict:
    return {s.key: s for s in lesson.steps(t, precision)}


def test_steps_are_the_ordered_operations_of_the_pass():
    t = bp.forward_backward(**SEED)
    assert [s.key for s in lesson.steps(t)] == STEP_KEYS
    assert [s.phase for s in lesson.steps(t)] == ["forward"] * 3 + ["backward"] * 5
    assert lesson.steps(bp.forward_backward(**SEED, lr=0.1))[-1].key == "update"
    for s in lesson.steps(t):
        assert s.title and s.formula and s.explanation
        assert np.shape(s.value) == s.shape
        assert s.explanation.count(".") >= 1


def test_steps_carry_the_values_of_the_trace():
    t = bp.forward_backward(**SEED, lr=0.01)
    step = keyed(t)
    np.testing.assert_array_equal(step["z1"].value, t.z)
    np.testing.assert_array_equal(step["a1"].value, t.prediction)
    assert float(step["loss"].value) == t.loss and step["loss"].shape == ()
    np.testing.assert_array_equal(step["dL_da1"].value, t.dloss_dpred)
    np.testing.assert_array_equal(step["fprime1"].value, t.dpred_dz)
    np.testing.assert_array_equal(step["delta1"].value, t.delta)
    np.testing.assert_array_equal(step["grad1"].value, t.grad)
    np.testing.assert_array_equal(step["update"].value, np.append(t.new_w, t.new_b))
    assert step["shares1"].shape == (3, 3)
    assert step["shares1"].col_labels == ("w0", "w1", "b")
    assert step["z1"].row_labels == ("sample 0", "sample 1", "sample 2")
    assert step["z1"].table().shape == (3, 1)
    with pytest.raises(KeyError):
        step["nope"]


def test_small_steps_substitute_the_numbers():
    t = bp.forward_backward(**SEED, lr=0.01)
    step = keyed(t)
    z = step["z1"]
    assert z.formula_numbers.endswith(r"= \begin{bmatrix}1.5000 \\ 1.4000 \\ 0.5000\end{bmatrix}")
    assert z.details[0] == r"z_{0} = 1.0000 \cdot 0.1000 + 2.0000 \cdot 0.2000 + 1.0000 = 1.5000"
    assert z.details[2] == r"z_{2} = (-1.0000) \cdot 0.1000 + (-2.0000) \cdot 0.2000 + 1.0000 = 0.5000"
    assert step["loss"].formula_numbers == (
        r"L = \frac{1}{3}\left[(1.5000 - 1.0000)^2 + (1.4000 - 0.0000)^2 + (0.5000 - 0.0000)^2\right] = 0.8200")
    assert step["dL_da1"].details[1] == (
        r"\frac{\partial L}{\partial a_{1}} = \frac{2}{3}(1.4000 - 0.0000) = 0.9333")
    assert step["grad1"].details[2] == r"\frac{\partial L}{\partial b} = 0.3333 + 0.9333 + 0.3333 = 1.6000"
    assert step["update"].details[0] == r"w_{0}' = 0.1000 - 0.0100 \cdot 1.8667 = 0.0813"
    assert "0.8200 to " in step["update"].explanation and "downhill" in step["update"].explanation
    overshoot = lesson.step(bp.forward_backward(**SEED, lr=10), "update").explanation
    assert "0.8200 up to 159.2" in overshoot and "overshot" in overshoot and "downhill)" not in overshoot
    assert len(step["shares1"].details) == 3


def test_precision_sets_the_decimals_of_the_formulas():
    t = bp.forward_backward(**SEED)
    assert lesson.step(t, "dL_da1", precision=2).formula_numbers == (
        r"\frac{\partial L}{\partial a} = \begin{bmatrix}0.33 \\ 0.93 \\ 0.33\end{bmatrix}")
    with pytest.raises(bp.InputError, match="precision"):
        lesson.steps(t, precision=-1)


def test_large_inputs_keep_the_formulas_symbolic():
    rng = np.random.default_rng(0)
    t = bp.forward_backward(rng.normal(size=(50, 3)), [0.1, 0.2, 0.3], 0.0, rng.normal(size=50), lr=0.1)
    step = keyed(t)
    for s in lesson.steps(t)[:-1]:
        assert s.formula_numbers is None and s.details == ()
    assert step["update"].formula_numbers is not None  # four parameters still fit
    assert len(step["update"].details) == 5
    wide = bp.forward_backward(np.ones((2, 10)), np.zeros(10), 0.0, [0.0, 1.0], lr=0.1)
    assert lesson.step(wide, "update").formula_numbers is None


def test_a_networks_steps_read_layer_by_layer_checked_by_hand():
    """XOR's 2-2-1 tanh network, sample 0 (x = [0, 0]): z1 = b1 = [0.1, -0.2], h = tanh(z1) = [0.0997, -0.1974],
    out = 0.0997 * 0.7 + (-0.1974) * (-0.6) + 0.05 = 0.2382, dL/dout = 2 * 0.2382 / 4 = 0.1191, passed back to h0:
    0.1191 * 0.7 = 0.0834, and through tanh: 0.0834 * (1 - 0.0997^2) = 0.0834 * 0.9901 = 0.0825."""
    net = bp.Network(inputs=2, hidden=[(2, "tanh")], output="identity")
    params = {"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]}
    t = net.forward_backward([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], params, lr=0.1)
    step = keyed(t)
    assert step["z1"].details[1] == r"z^{(1)}_{0,1} = 0.0000 \cdot (-0.4000) + 0.0000 \cdot 0.8000 - 0.2000 = -0.2000"
    assert step["a2"].formula_numbers.endswith(r"\begin{bmatrix}0.2382 \\ -0.0063 \\ 0.7482 \\ 0.4330\end{bmatrix}")
    assert step["dL_da2"].details[0] == r"\frac{\partial L}{\partial a_{0}} = \frac{2}{4}(0.2382 - 0.0000) = 0.1191"
    assert step["passed2"].details[0] == r"\frac{\partial L}{\partial a^{(1)}_{0,0}} = 0.1191 \cdot 0.7000 = 0.0834"
    assert step["delta1"].details[0] == r"\delta^{(1)}_{0,0} = 0.0834 \cdot 0.9901 = 0.0825"
    assert step["update"].details[0] == r"W^{(1)}_{0,0}' = 0.5000 - 0.1000 \cdot 0.0111 = 0.4989"
    assert step["passed2"].title == "Passed back: dL/da₁ = δ₂ W₂ᵀ" and step["passed2"].node == "a1"
    kinds = [(s.kind, s.layer) for s in lesson.steps(t)][8:12]
    assert kinds == [("shares", 2), ("grad", 2), ("passed", 2), ("local", 1)]


def test_bce_steps_show_the_fused_derivative():
    t = bp.forward_backward(SEED["X"], SEED["w"], SEED["b"], SEED["y"], activation="sigmoid", loss="bce", lr=0.1)
    step = keyed(t)
    delta = step["delta1"]
    assert delta.details[0] == r"\delta_{0} = \frac{1}{3}(0.8176 - 1.0000) = -0.0608"
    assert "they cancel" in delta.explanation and "saturates" in delta.explanation
    assert step["dL_da1"].details[0].startswith(r"\frac{\partial L}{\partial a_{0}} = \frac{1}{3}\,\frac{0.8176 - ")



# ---- K outputs, softmax and cross-entropy, the penalty ---------------------------------------------------------

def _three_classes(reg=None, lr=0.5):
    net = bp.Network(inputs=2, hidden=[(3, "tanh")], output="softmax", outputs=3, loss="ce", regularization=reg,
                     reg_rate=0.1 if reg else 0.0)
    params = {"W1": [[0.5, -0.4, 0.2], [0.3, 0.8, -0.6]], "b1": [0.1, -0.2, 0.0],
              "W2": [[0.7, -0.6, 0.1], [-0.2, 0.4, 0.9], [0.5, 0.3, -0.8]], "b2": [0.05, 0.0, -0.05]}
    X, y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 2, 1]
    return net.forward_backward(X, y, params, lr=lr)


def test_softmax_is_shown_as_z_its_exponentials_their_sum_and_p():
    t = _three_classes()
    a2 = keyed(t)["a2"]
    z = t.record("linear").output
    e = np.exp(z - z.max(axis=1, keepdims=True))
    labels = [c for c, _ in a2.extra]
    assert labels == ["e^(z−max)[0]", "e^(z−max)[1]", "e^(z−max)[2]", "Σ e^(z−max)"]
    np.testing.assert_allclose(np.column_stack([v for _, v in a2.extra]), np.column_stack([e, e.sum(axis=1)]))
    np.testing.assert_allclose(a2.value, e / e.sum(axis=1, keepdims=True))
    assert len(a2.details) == 4 and r"\sum = " in a2.details[0] and r"e^{z - \max z}" in a2.details[0]
    assert a2.title == "Layer 2: activation a₂ = softmax(z₂)"


def test_cross_entropy_is_minus_log_p_of_the_true_class_then_the_mean():
    t = _three_classes()
    loss = keyed(t)["loss"]
    p = t.probabilities
    terms = -np.log(p[np.arange(4), [0, 1, 2, 1]])
    assert loss.details[0] == (rf"\ell_{{0}} = -\log a_{{0,0}} = -\log {lesson.latex.num(p[0, 0])} = "
                               rf"{lesson.latex.num(terms[0])}\quad\text{{(class 0)}}")
    assert loss.formula_numbers.startswith(r"L = \frac{1}{4}\left[-\log ")
    assert loss.formula_numbers.endswith(f"= {lesson.latex.num(terms.mean())}")
    assert "(a_i - y_i)^2" not in loss.formula and r"\log" in loss.formula  # never another loss's formula


def test_delta_of_softmax_and_cross_entropy_is_p_minus_y_over_n_and_says_why():
    t = _three_classes()
    d = keyed(t)["delta2"]
    np.testing.assert_allclose(d.value, (t.probabilities - np.eye(3)[[0, 1, 2, 1]]) / 4)
    assert d.formula == r"\delta_{ik} = \frac{\partial L}{\partial z_{ik}} = \frac{1}{N}(a_{ik} - y_{ik})"
    assert "taught together" in d.explanation and "one-hot" in d.explanation
    assert d.details[0].startswith(r"\delta^{(2)}_{0,0} = \frac{1}{4}(")


def test_softmax_with_mse_shows_the_jacobian_product():
    net = bp.Network(inputs=1, output="softmax", outputs=2, loss="mse")
    t = net.forward_backward([[1.0], [-1.0]], [[1.0, 0.0], [0.0, 1.0]], {"W1": [[1.0, -1.0]], "b1": [0.0, 0.0]})
    step = keyed(t)
    assert step["fprime1"].value.shape == (2, 4) and step["fprime1"].col_labels[1] == "da[0]/dz[1]"
    assert "Jacobian" in step["delta1"].explanation and r"a_i \odot" in step["delta1"].formula
    assert "taught together" not in step["delta1"].explanation


def test_the_penalty_and_its_gradient_are_steps_and_the_update_shows_both_gradients():
    t = _three_classes(reg="l2")
    steps = lesson.steps(t)
    keys = [s.key for s in steps]
    assert keys[keys.index("loss"):keys.index("loss") + 4] == ["loss", "penalty", "penalty_grad", "dL_da2"]
    step = keyed(t)
    assert float(step["penalty"].value) == pytest.approx(t.penalty) and step["penalty"].phase == "forward"
    assert step["penalty_grad"].phase == "backward" and "λ times each weight" in step["penalty_grad"].explanation
    np.testing.assert_allclose(step["penalty_grad"].value, 0.1 * np.concatenate(
        [np.ravel(t.params["W1"]), np.ravel(t.params["W2"])]))
    update = step["update"]
    assert [c for c, _ in update.extra] == ["before", "data gradient dL/dθ", "penalty gradient dR/dθ"]
    extra = dict(update.extra)
    np.testing.assert_allclose(update.value, extra["before"] - 0.5 * (extra["data gradient dL/dθ"]
                                                                     + extra["penalty gradient dR/dθ"]))
    assert "shrinks" in update.explanation
    l1 = keyed(_three_classes(reg="l1"))["penalty_grad"]
    assert "sign" in l1.formula and "however small" in l1.explanation


def test_every_formula_works_for_k_outputs_and_names_only_the_chosen_loss():
    for out, loss, K in [("identity", "mse", 2), ("sigmoid", "bce", 3), ("softmax", "ce", 4), ("tanh", "mse", 3)]:
        net = bp.Network(inputs=2, hidden=[(2, "relu")], output=out, outputs=K, loss=loss)
        rng = np.random.default_rng(0)
        y = rng.integers(0, K, 3).astype(float) if loss == "ce" else rng.uniform(0, 1, (3, K))
        t = net.forward_backward(rng.normal(size=(3, 2)), y, net.init(seed=1), lr=0.1)
        others = {"mse": r"^2", "bce": r"\log(1 - ", "ce": r"\log a_{i, c_i}"}
        for s in lesson.steps(t):
            assert s.formula and s.explanation
            if s.kind in ("loss", "loss_grad"):
                for name, marker in others.items():
                    if name != loss:
                        assert marker not in s.formula + (s.formula_numbers or ""), (loss, s.key, name)
            if s.formula_numbers is not None:
                assert "nan" not in s.formula_numbers.lower()


def test_one_output_titles_read_as_the_math():
    net = bp.Network(inputs=2, hidden=[(2, "tanh")], output="identity")
    t = net.forward_backward([[0, 0], [1, 1]], [0, 1], net.init(seed=0))
    step = keyed(t)
    assert step["a2"].title == "Layer 2: activation a₂ = id(z₂)"
    assert step["z2"].explanation.startswith("The layer's one unit weighs the sample's inputs")
    assert "1 unit weighs" not in step["z2"].explanation


def test_a_saturated_bce_sample_shows_the_fused_delta_and_why_dl_da_overflows():
    """One sigmoid neuron with BCE, X = [[800], [1]], y = [0, 1], w = 1, b = 0: sample 0's a rounds to 1, so
    dL/da = 1/(N (1 - a)) overflows, while δ = (a - y)/N = 0.5 carries the gradient: it is not "inactive"."""
    t = bp.forward_backward([[800.0], [1.0]], [1.0], 0.0, [0.0, 1.0], activation="sigmoid", loss="bce")
    step = keyed(t)
    assert np.isinf(step["dL_da1"].value[0]) and "infinite" in step["dL_da1"].explanation
    assert "δ does not divide" in step["dL_da1"].explanation
    assert step["delta1"].value[0] == 0.5 and step["delta1"].marked == () and not t.inactive.any()
    assert "Sample 0" not in step["delta1"].explanation
    mse = bp.forward_backward([[800.0], [1.0]], [1.0], 0.0, [0.0, 1.0], activation="sigmoid", loss="mse")
    assert mse.inactive.tolist() == [True, False]  # here δ is exactly 0: the slope rounds to 0
    assert "rounds to 0" in keyed(mse)["delta1"].explanation


def test_the_exported_script_of_a_three_class_network_prints_the_steps_numbers(tmp_path):
    import subprocess
    import sys

    t = _three_classes(reg="l2")
    path = tmp_path / "three.py"
    path.write_text(lesson.export.numpy_script(t, 6))
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    lines = dict(line.rsplit(" = ", 1) for line in out.splitlines() if " = " in line and not line.startswith("  "))
    step = keyed(t, 6)
    numbered = {f"{k}. {s.short}": s for k, s in enumerate(lesson.steps(t, 6), 1)}
    fmt = lambda v: lesson.latex.text(v, 6)  # noqa: E731
    for label, s in numbered.items():
        if np.ndim(s.value) == 0:
            assert lines[label] == fmt(s.value), label
        elif np.ndim(s.value) == 1:
            assert lines[label] == "[" + ", ".join(fmt(v) for v in s.value) + "]", label
    rows = [line for line in out.splitlines() if line.startswith("  sample 0 = ")]
    assert "  sample 0 = [" + ", ".join(fmt(v) for v in step["a2"].value[0]) + "]" in rows
    assert lines["new loss L'"] == fmt(t.new_loss)
