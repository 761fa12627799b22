"""K outputs, softmax with cross-entropy, and the penalties, against independent oracles: PyTorch autograd and
torch.optim for every output activation x loss x K in {1, 2, 3} x regularization; scikit-learn's MLPClassifier
and MLPRegressor; central differences of each op on its own."""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest
from torch_oracle import data_loss as torch_data_loss
from torch_oracle import loss_and_grads, per_sample_grads, targets, tensors, torch

import backprop as bp


def close(a, b, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol)


def _grid():
    """Every output activation x loss the engine allows, for K = 1, 2, 3, with no penalty, L1 and L2."""
    for loss, K, reg in itertools.product(sorted(bp.LOSSES), (1, 2, 3), (None, "l1", "l2")):
        for out, act in bp.ACTIVATIONS.items():
            if bp.LOSSES[loss].output in (None, out) and act.min_outputs <= K:
                yield pytest.param(out, loss, K, reg, id=f"{out}-{loss}-K{K}-{reg or 'none'}")


def _problem(out, loss, K, reg, n=5, seed=0):
    rng = np.random.default_rng(seed)
    net = bp.Network(inputs=3, hidden=[(4, "tanh")], output=out, outputs=K, loss=loss, regularization=reg,
                     reg_rate=0.07 if reg else 0.0)
    params = {k: v + 0.2 * rng.normal(size=v.shape) for k, v in net.init(seed=seed).items()}
    X = rng.normal(size=(n, 3))
    if loss == "ce":
        y = rng.integers(0, K, size=n).astype(float)
    elif loss == "bce":
        y = rng.uniform(0, 1, size=(n, K) if K > 1 else n)
    else:
        y = rng.normal(size=(n, K) if K > 1 else n)
    return net, X, y, params


@pytest.mark.parametrize("out, loss, K, reg", list(_grid()))
def test_every_output_loss_k_and_penalty_matches_torch(out, loss, K, reg):
    """The loss, every gradient, every sample's share and one update's new parameters, to 1e-12."""
    net, X, y, params = _problem(out, loss, K, reg)
    t = net.forward_backward(X, y, params, lr=0.3)
    L, grads = loss_and_grads(net, params, X, y)
    close(t.loss, L)
    shares = per_sample_grads(net, params, X, y)
    P = tensors(params)
    objective = torch_data_loss(net, P, torch.tensor(X), targets(net, y))
    if reg == "l2":
        objective = objective + sum(0.5 * 0.07 * (P[k] ** 2).sum() for k in net.shapes if k[0] == "W")
    elif reg == "l1":
        objective = objective + sum(0.07 * P[k].abs().sum() for k in net.shapes if k[0] == "W")
    objective.backward()
    torch.optim.SGD(list(P.values()), lr=0.3).step()
    for k in net.shapes:
        close(t.grads[k], grads[k])
        close(t.per_sample[k], shares[k])
        close(t.new_params[k], P[k].detach().numpy())


def test_the_penalty_is_its_own_op_on_the_weights_only():
    net, X, y, params = _problem("identity", "mse", 2, "l2")
    t = net.forward_backward(X, y, params)
    assert [(r.op, r.layer) for r in t.records][-2:] == [("loss", 2), ("penalty", 2)]
    pen = t.record("penalty")
    assert set(pen.grads) == {"W1", "W2"}  # not the biases
    expected = 0.5 * 0.07 * sum(float((np.asarray(params[k]) ** 2).sum()) for k in ("W1", "W2"))
    assert t.penalty == pytest.approx(expected, rel=1e-14)
    assert t.loss == pytest.approx(t.data_loss + t.penalty, rel=1e-15)
    close(t.penalty_grads["W1"], 0.07 * np.asarray(params["W1"]))
    assert not t.penalty_grads["b1"].any()
    l1 = bp.Network(inputs=2, regularization="l1", reg_rate=0.5).forward_backward(
        [[1.0, 2.0]], [1.0], {"W1": [[0.0], [-3.0]], "b1": [1.0]})
    close(l1.penalty_grads["W1"], [[0.0], [-0.5]])  # sign(0) = 0, as torch's abs backward


def test_cross_entropy_is_stable_for_huge_logits_and_exact_where_probabilities_underflow():
    net = bp.Network(inputs=1, output="softmax", outputs=3, loss="ce")
    params = {"W1": [[1e4, -1e4, 0.0]], "b1": [0.0, 0.0, 0.0]}
    t = net.forward_backward([[1.0], [-1.0]], [1, 0], params)
    z = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]])
    expected = torch.nn.functional.cross_entropy(z, torch.tensor([1, 0]))
    assert np.isfinite(t.loss) and t.loss == pytest.approx(float(expected), rel=1e-15)  # 2e4, finite
    assert t.probabilities[0, 1] == 0.0  # the true class's probability underflows...
    close(t.delta, [[0.5, -0.5, 0.0], [-0.5, 0.5, 0.0]], rtol=0, atol=0)  # ...and δ = (p - Y)/N stays exact
    assert np.isinf(t.dloss_dpred[0, 1])  # dL/da = -1/(N p) overflows: shown, never used


def test_labels_and_their_one_hot_rows_give_the_same_trace():
    net, X, y, params = _problem("softmax", "ce", 3, None)
    a = net.forward_backward(X, y, params, lr=0.1)
    b = net.forward_backward(X, np.eye(3)[y.astype(int)], params, lr=0.1)
    assert a.loss == b.loss and np.array_equal(a.y, b.y)
    for ra, rb in zip(a.records, b.records, strict=True):
        assert (ra.op, ra.layer) == (rb.op, rb.layer)
        for k in ra.grads:
            assert np.array_equal(ra.grads[k], rb.grads[k])
    assert np.array_equal(a.new_params["W1"], b.new_params["W1"])


def test_soft_probability_targets_equal_torch():
    net, X, _, params = _problem("softmax", "ce", 3, None)
    rows = np.random.default_rng(4).uniform(0.1, 1, size=(5, 3))
    rows /= rows.sum(axis=1, keepdims=True)
    t = net.forward_backward(X, rows, params)
    L, grads = loss_and_grads(net, params, X, rows)
    close(t.loss, L), close(t.grads["W1"], grads["W1"])


def test_softmax_with_mse_goes_through_the_jacobian():
    net, X, y, params = _problem("softmax", "mse", 3, None)
    t = net.forward_backward(X, y, params)
    act = t.record("activation")
    assert act.local.shape == (5, 3, 3) and act.upstream is not None
    close(act.grads["z"], np.einsum("nij,nj->ni", act.local, act.upstream))  # J^T g, J symmetric


def test_classes_accuracy_and_probabilities():
    net = bp.Network(inputs=2, output="softmax", outputs=3, loss="ce")
    params = {"W1": [[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]], "b1": [0.0, 0.0, 0.0]}
    t = net.forward_backward([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [-1.0, -2.0]], [0, 1, 2, 1], params)
    assert t.predicted.tolist() == [0, 1, 2, 2] and t.labels.tolist() == [0, 1, 2, 1]
    assert t.correct.tolist() == [True, True, True, False] and t.accuracy == 0.75
    close(t.probabilities.sum(axis=1), np.ones(4))
    sig = bp.forward_backward([[1.0], [-1.0], [3.0]], [1.0], 0.0, [1, 1, 1], activation="sigmoid", loss="bce")
    assert sig.predicted.tolist() == [1, 0, 1] and sig.accuracy == pytest.approx(2 / 3)
    multi = bp.Network(inputs=1, output="sigmoid", outputs=2, loss="bce").forward_backward(
        [[1.0], [-1.0]], [[1, 0], [1, 1]], {"W1": [[1.0, -1.0]], "b1": [0.0, 0.0]})
    assert multi.predicted.tolist() == [[1, 0], [0, 1]] and multi.accuracy == 0.75  # multi-label: 3 of 4 outputs
    assert bp.forward_backward([[1.0]], [1.0], 0.0, [1.0]).accuracy is None  # a regression has none


@pytest.mark.parametrize("make, match", [
    (lambda: bp.Network(inputs=2, output="softmax", outputs=1, loss="ce"), "softmax output needs at least 2"),
    (lambda: bp.Network(inputs=2, output="tanh", outputs=3, loss="ce"), "needs the softmax output"),
    (lambda: bp.Network(inputs=2, outputs=9), "outputs: 9 must be a whole number of output units from 1 to 8"),
    (lambda: bp.Network(inputs=2, outputs=0), "from 1 to 8"),
    (lambda: bp.Network(inputs=2, hidden=[(2, "softmax")], output="identity"), "hidden layer 1: Softmax is an output"),
    (lambda: bp.Network(inputs=2, regularization="l2", reg_rate=-0.1), "regularization rate λ: -0.1 must be 0 or more"),
    (lambda: bp.Network(inputs=2, regularization="l3"), "regularization: unknown 'l3'"),
])
def test_bad_settings_name_the_setting(make, match):
    with pytest.raises(bp.InputError, match=match):
        make()


@pytest.mark.parametrize("loss, output, K, y, match", [
    ("mse", "identity", 2, [[1.0], [2.0]], "y has 1 column but the network has 2 outputs"),
    ("mse", "identity", 1, [[1.0, 2.0], [2.0, 3.0]], "y has 2 columns but the network has 1 output"),
    ("ce", "softmax", 3, [0, 3], r"y row 1: 3 is not a class label; the labels of 3 classes are the whole numbers "
                                 "0 to 2"),
    ("ce", "softmax", 3, [0, -1], "y row 1: -1 is not a class label"),
    ("ce", "softmax", 3, [0, 1.5], "y row 1: 1.5 is not a class label"),
    ("ce", "softmax", 3, [0, "cat"], r"y row 1: 'cat' is not a number"),
    ("ce", "softmax", 2, [[0.5, 0.4], [1, 0]], "y row 0: its probabilities sum to 0.9, not 1"),
    ("ce", "softmax", 2, [[1.5, -0.5], [1, 0]], r"y row 0, column y1: -0.5 is negative"),
    ("bce", "sigmoid", 2, [[0.5, 1.2], [1, 0]], r"y row 0, column y1: 1.2 is outside \[0, 1\]"),
])
def test_bad_targets_name_the_cell(loss, output, K, y, match):
    net = bp.Network(inputs=1, output=output, outputs=K, loss=loss)
    with pytest.raises(bp.InputError, match=match):
        net.forward_backward([[1.0], [2.0]], y, net.init(seed=0))


# ---- each op on its own, against central differences -------------------------------------------------------

def _fd(f, x, eps=1e-6):
    out = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps
        out[idx] = (f(up) - f(down)) / (2 * eps)
    return out


def test_linear_backward_matches_central_differences_of_its_forward():
    rng = np.random.default_rng(2)
    A, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    g = rng.normal(size=(4, 2))
    lin = bp.Linear(2, "a1")
    _, grads = lin.backward({"A": A, "W": W, "b": b}, lin.forward(A, W, b), g)
    close(grads["W"], _fd(lambda w: float((lin.forward(A, w, b) * g).sum()), W), rtol=1e-7, atol=1e-8)
    close(grads["b"], _fd(lambda c: float((lin.forward(A, W, c) * g).sum()), b), rtol=1e-7, atol=1e-8)
    close(grads["A"], _fd(lambda a: float((lin.forward(a, W, b) * g).sum()), A), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
def test_activation_backward_matches_central_differences_of_its_forward(name):
    rng = np.random.default_rng(3)
    z, g = rng.normal(size=(4, 3)) + 0.05, rng.normal(size=(4, 3))
    op = bp.ActivationOp(1, bp.ACTIVATIONS[name])
    _, got = op.backward({"z": z}, op.forward(z), g)
    close(got["z"], _fd(lambda v: float((op.forward(v) * g).sum()), z), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(bp.LOSSES))
def test_loss_backward_matches_central_differences_of_its_forward(name):
    rng = np.random.default_rng(4)
    loss = bp.LOSSES[name]
    Y = np.eye(3)[[0, 2, 1, 2]] if loss.targets == "classes" else rng.uniform(0, 1, size=(4, 3))
    x = rng.normal(size=(4, 3))
    op = bp.LossOp(1, loss)
    _, got = op.backward({"x": x, "Y": Y}, op.forward(x, Y), 1.0)
    close(got["x"], _fd(lambda v: float(op.forward(v, Y)), x), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(bp.PENALTIES))
def test_penalty_backward_matches_central_differences_of_its_forward(name):
    rng = np.random.default_rng(5)
    op = bp.PenaltyOp(2, bp.PENALTIES[name], 0.3)
    W1, W2 = rng.normal(size=(2, 3)), rng.normal(size=(3, 1))
    _, got = op.backward({"W1": W1, "W2": W2}, op.forward(W1, W2), 1.0)
    close(got["W1"], _fd(lambda w: float(op.forward(w, W2)), W1), rtol=1e-6, atol=1e-9)
    close(got["W2"], _fd(lambda w: float(op.forward(W1, w)), W2), rtol=1e-6, atol=1e-9)


def test_a_wrong_backward_fails_the_gradient_check(monkeypatch):
    """The gradient check compares the backward pass with the forward pass: an op whose backward is off by a
    factor is caught, though its forward (what the finite differences use) is untouched."""
    net, X, y, params = _problem("softmax", "ce", 3, "l2")
    assert net.gradient_check(X, y, params).passed
    right = bp.Linear.backward

    def off_by_two(self, inputs, output, delta):
        local, grads = right(self, inputs, output, delta)
        return local, {**grads, "W": 2.0 * grads["W"]} if self.layer == 1 else grads

    monkeypatch.setattr(bp.Linear, "backward", off_by_two)
    check = net.gradient_check(X, y, params)
    assert not check.passed
    assert {p.name[:2] for p in check.params if p.failed} == {"W1"}


# ---- scikit-learn --------------------------------------------------------------------------------------------

if os.environ.get("CI"):  # under CI the oracle must run, never skip
    import sklearn.neural_network as sklearn
else:
    sklearn = pytest.importorskip("sklearn.neural_network")


def _sklearn_start(model, X, Y, params, L):
    """A scikit-learn MLP whose next partial_fit is one full-batch SGD step from `params`: a first partial_fit
    builds it, then its weights are set (with momentum 0 its optimizer keeps no state between steps)."""
    if isinstance(model, sklearn.MLPClassifier):
        model.partial_fit(X, Y, classes=np.unique(Y))
    else:
        model.partial_fit(X, Y)
    model.coefs_ = [np.array(params[f"W{l}"], dtype=float) for l in range(1, L + 1)]
    model.intercepts_ = [np.array(params[f"b{l}"], dtype=float) for l in range(1, L + 1)]
    return model


def _sgd(cls, lr, alpha, n, **kw):
    return cls(hidden_layer_sizes=(4,), activation="tanh", solver="sgd", learning_rate="constant",
               learning_rate_init=lr, momentum=0.0, nesterovs_momentum=False, batch_size=n, shuffle=False,
               alpha=alpha, max_iter=1, **kw)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("lam", [0.0, 0.05])
def test_softmax_cross_entropy_equals_sklearns_mlpclassifier(lam):
    """MLPClassifier (3 classes: softmax, log-loss) adds alpha ||W||² / (2N): its alpha is our λ·N. One SGD step,
    then a 200-step loss curve."""
    net, X, y, params = _problem("softmax", "ce", 3, "l2" if lam else None, n=12, seed=5)
    if lam:
        net = bp.Network(inputs=3, hidden=[(4, "tanh")], output="softmax", outputs=3, loss="ce",
                         regularization="l2", reg_rate=lam)
    labels = y.astype(int)
    clf = _sklearn_start(_sgd(sklearn.MLPClassifier, 0.2, lam * 12, 12), X, labels, params, 2)
    clf.partial_fit(X, labels)
    t = net.forward_backward(X, y, params, lr=0.2)
    for l, (W, b) in enumerate(zip(clf.coefs_, clf.intercepts_, strict=True), 1):
        close(W, t.new_params[f"W{l}"]), close(b, t.new_params[f"b{l}"])
    clf = _sklearn_start(_sgd(sklearn.MLPClassifier, 0.2, lam * 12, 12), X, labels, params, 2)
    clf.loss_curve_ = []
    for _ in range(200):
        clf.partial_fit(X, labels)
    ours = net.train(X, y, params, lr=0.2, steps=200)
    close(clf.loss_curve_, ours.loss[:200], rtol=1e-9)
    close(clf.coefs_[0], ours.params["W1"][200], rtol=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("lam", [0.0, 0.05])
def test_two_outputs_regression_equals_sklearns_mlpregressor(lam):
    """MLPRegressor reports half the MSE, but its gradient is (a - y)/N, the mean over the N samples only: for
    K = 2 outputs that is exactly our MSE's gradient 2 (a - y)/(N K). So its step at our η, with alpha = λ·N,
    equals ours (for K = 1 it would be 2η and λ·N/2), and its reported loss is ours / 2 plus half our penalty."""
    net = bp.Network(inputs=3, hidden=[(4, "tanh")], output="identity", outputs=2, loss="mse",
                     regularization="l2" if lam else None, reg_rate=lam)
    _, X, y, params = _problem("identity", "mse", 2, None, n=12, seed=6)
    reg = _sklearn_start(_sgd(sklearn.MLPRegressor, 0.1, lam * 12, 12), X, y, params, 2)
    reg.partial_fit(X, y)
    t = net.forward_backward(X, y, params, lr=0.1)
    for l, (W, b) in enumerate(zip(reg.coefs_, reg.intercepts_, strict=True), 1):
        close(W, t.new_params[f"W{l}"]), close(b, t.new_params[f"b{l}"])
    reg = _sklearn_start(_sgd(sklearn.MLPRegressor, 0.1, lam * 12, 12), X, y, params, 2)
    reg.loss_curve_ = []
    for _ in range(200):
        reg.partial_fit(X, y)
    ours = net.train(X, y, params, lr=0.1, steps=200)
    data = np.array([net.forward_backward(X, y, ours.at(k)).data_loss for k in range(200)])
    penalty = ours.loss[:200] - data
    close(reg.loss_curve_, data / 2 + penalty, rtol=1e-9)
    close(reg.coefs_[1], ours.params["W2"][200], rtol=1e-9)


def test_huber_is_squared_near_the_target_and_linear_beyond_it():
    """torch.nn.HuberLoss (δ = 1): the registry entry alone brings it to the network, the trace and the lesson."""
    net = bp.Network(inputs=1, output="identity", outputs=2, loss="huber")
    t = net.forward_backward([[1.0], [2.0]], [[1.5, -3.0], [2.0, 0.0]], {"W1": [[1.0, 1.0]], "b1": [0.0, 0.0]})
    d = np.array([[-0.5, 4.0], [0.0, 2.0]])
    assert t.loss == pytest.approx(np.mean(np.where(np.abs(d) <= 1, 0.5 * d**2, np.abs(d) - 0.5)), rel=1e-15)
    close(t.dloss_dpred, np.clip(d, -1, 1) / 4)
    import lesson

    loss = {s.key: s for s in lesson.steps(t)}["loss"]
    assert r"h(" in loss.formula and "h(1.0000 - 1.5000)" in loss.formula_numbers
