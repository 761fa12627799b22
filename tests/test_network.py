"""The network engine against independent oracles: PyTorch autograd, torch.func.vmap(grad), torch.optim,
and central differences. Random networks of 0-3 hidden layers, widths 1-8, every activation, MSE and BCE."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_oracle import data_loss, loss_and_grads, penalty, per_sample_grads, targets, tensors, torch

import backprop as bp

ACTS = list(bp.ACTIVATIONS)


def close(a, b, rtol=1e-9, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


HIDDEN_ACTS = [k for k, a in bp.ACTIVATIONS.items() if a.hidden]


def targets_for(net: bp.Network, rng: np.random.Generator, n: int):
    """Random targets the network's loss reads: labels or probability rows for cross-entropy, [0, 1] for BCE."""
    K = net.outputs
    if net.loss.name == "ce":
        if rng.random() < 0.5:
            return rng.integers(0, K, size=n).astype(float)
        rows = rng.uniform(0.05, 1, size=(n, K))
        return rows / rows.sum(axis=1, keepdims=True)
    shape = (n,) if K == 1 else (n, K)
    return rng.uniform(0, 1, size=shape) if net.loss.name == "bce" else rng.normal(size=shape)


@st.composite
def problems(draw):
    """A random network (0-3 hidden layers, K outputs, every output activation x loss it allows, a penalty or
    none), data and parameters off zero."""
    depth = draw(st.integers(0, 3))
    hidden = [(draw(st.integers(1, 6)), draw(st.sampled_from(HIDDEN_ACTS))) for _ in range(depth)]
    K = draw(st.integers(1, 3))
    loss = draw(st.sampled_from(sorted(bp.LOSSES)))
    needs = bp.LOSSES[loss].output
    choices = [needs] if needs else [a for a, f in bp.ACTIVATIONS.items() if f.min_outputs <= K]
    output = draw(st.sampled_from(choices))
    if bp.ACTIVATIONS[output].min_outputs > K:
        K = bp.ACTIVATIONS[output].min_outputs
    reg = draw(st.sampled_from([None, "l2", "l1"]))
    d = draw(st.integers(1, 4))
    n = draw(st.integers(1, 7))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    net = bp.Network(inputs=d, hidden=hidden, output=output, outputs=K, loss=loss, regularization=reg,
                     reg_rate=float(rng.uniform(0, 0.3)) if reg else 0.0)
    X = rng.normal(size=(n, d))
    y = targets_for(net, rng, n)
    params = net.init(seed=seed)
    params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in params.items()}  # biases off zero
    return net, X, y, params


@settings(max_examples=80, deadline=None)
@given(problems())
def test_loss_and_every_gradient_match_torch_autograd(problem):
    net, X, y, params = problem
    t = net.forward_backward(X, y, params)
    loss, grads = loss_and_grads(net, params, X, y)
    close(t.loss, loss)
    for k in net.shapes:
        close(t.grads[k], grads[k])


@settings(max_examples=50, deadline=None)
@given(problems())
def test_per_sample_shares_match_vmap_grad_and_sum_to_the_data_gradient(problem):
    net, X, y, params = problem
    t = net.forward_backward(X, y, params)
    shares = per_sample_grads(net, params, X, y)
    for k in net.shapes:
        assert t.per_sample[k].shape == (len(y), *net.shapes[k])
        close(t.per_sample[k], shares[k])
        close(t.per_sample[k].sum(axis=0), t.data_grads[k])
        close(t.data_grads[k] + t.penalty_grads[k], t.grads[k])


@settings(max_examples=40, deadline=None)
@given(problems())
def test_one_update_equals_torch_sgd_with_weight_decay_to_1e_12(problem):
    """One step of the trace's update: torch.optim.SGD, the L2 rate as weight_decay on the weights' group (L1 as
    an explicit penalty in the loss)."""
    net, X, y, params = problem
    t = net.forward_backward(X, y, params, lr=0.1)
    P = tensors(params)
    weights = [P[k] for k in net.shapes if k[0] == "W"]
    biases = [P[k] for k in net.shapes if k[0] == "b"]
    l2 = net.regularization == "l2"
    opt = torch.optim.SGD([{"params": weights, "weight_decay": net.reg_rate if l2 else 0.0},
                           {"params": biases, "weight_decay": 0.0}], lr=0.1)
    Xt, Yt = torch.tensor(X), targets(net, y)
    objective = data_loss(net, P, Xt, Yt) + (0.0 if l2 else penalty(net, P))
    objective.backward()
    opt.step()
    for k in net.shapes:
        np.testing.assert_allclose(t.new_params[k], P[k].detach().numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(problems())
def test_every_gradient_matches_central_differences(problem):
    net, X, y, params = problem
    check = net.gradient_check(X, y, params, tolerance=1e-5)
    assert check.passed, [p for p in check.params if p.failed]


def test_records_hold_each_ops_inputs_output_and_gradients():
    net = bp.Network(inputs=2, hidden=[(3, "tanh")], output="identity")
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(4, 2)), rng.normal(size=4)
    params = net.init(seed=1)
    t = net.forward_backward(X, y, params)
    assert [(r.op, r.layer) for r in t.records] == [("linear", 1), ("activation", 1), ("linear", 2),
                                                    ("activation", 2), ("loss", 2)]
    lin1, act1, lin2, act2, loss = t.records
    close(lin1.output, X @ params["W1"] + params["b1"])
    close(act1.output, np.tanh(lin1.output))
    close(lin2.inputs["A"], act1.output)
    close(act1.local, 1 - np.tanh(lin1.output) ** 2)  # from the output a: 1 - a^2
    # the chain rule, op by op: the activation's upstream is what layer 2's Linear passed down
    close(act1.upstream, lin2.grads["A"])
    close(lin2.grads["A"], lin2.upstream @ params["W2"].T)
    close(act1.grads["z"], act1.upstream * act1.local)
    close(lin1.grads["W"], X.T @ lin1.upstream)
    close(loss.local[:, 0], 2 * (act2.output[:, 0] - y) / 4)
    assert loss.inputs["x"] is act2.output or np.array_equal(loss.inputs["x"], act2.output)  # MSE reads a
    assert not lin1.output.flags.writeable


def test_linear_and_activation_ops_backward_against_torch():
    rng = np.random.default_rng(3)
    A, W, b, g = rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(5, 2))
    At, Wt, bt = (torch.tensor(v, requires_grad=True) for v in (A, W, b))
    (At @ Wt + bt).backward(torch.tensor(g))
    _, grads = bp.Linear(2, "a1").backward({"A": A, "W": W, "b": b}, A @ W + b, g)
    dW, db, dA = grads["W"], grads["b"], grads["A"]
    close(bp.Linear.forward(A, W, b), (At @ Wt + bt).detach().numpy())
    close(dW, Wt.grad.numpy()), close(db, bt.grad.numpy()), close(dA, At.grad.numpy())
    w_share, b_share = bp.Linear.shares(A, g)
    close(w_share.sum(axis=0), dW), close(b_share.sum(axis=0), db)
    from torch_oracle import ACT

    z = rng.normal(size=(5, 2))
    z[0, 0] = 0.0  # ReLU'(0) = 0, as torch
    for name, act in bp.ACTIVATIONS.items():
        op = bp.ActivationOp(1, act)
        zt = torch.tensor(z, requires_grad=True)
        ACT[name](zt).backward(torch.tensor(g))
        local, grads = op.backward({"z": z}, op.forward(z), g)
        if act.elementwise:
            np.testing.assert_allclose(local, act.der(z), rtol=1e-12, atol=1e-15)
        else:  # softmax: the Jacobian, whose product with g is what autograd computes
            close(np.einsum("nij,ni->nj", local, g), zt.grad.numpy())
        close(grads["z"], zt.grad.numpy()), close(op.forward(z), ACT[name](torch.tensor(z)).numpy())


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_trajectories_follow_torch_optim(optimizer):
    net = bp.Network(inputs=2, hidden=[(3, "tanh"), (2, "relu")], output="identity")
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(6, 2)), rng.normal(size=6)
    params = net.init(seed=7)
    traj = net.train(X, y, params, lr=0.05, steps=25, optimizer=optimizer)
    P = tensors(params)
    opt = {"sgd": lambda p: torch.optim.SGD(p, lr=0.05),
           "momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
           "adam": lambda p: torch.optim.Adam(p, lr=0.05)}[optimizer](list(P.values()))
    from torch_oracle import loss_fn

    for step in range(26):
        opt.zero_grad()
        L = loss_fn(net, P, torch.tensor(X), targets(net, y))
        close(traj.loss[step], L.item(), rtol=1e-9)
        for k in net.shapes:
            close(traj.params[k][step], P[k].detach().numpy(), rtol=1e-9)
        L.backward()
        opt.step()
    assert traj.loss.shape == (26,) and traj.params["W2"].shape == (26, 3, 2) and traj.diverged_at is None


def test_bce_is_the_textbook_logistic_unit_and_equals_both_torch_losses():
    X, y = [[1, 2], [2, 1], [-1, -2]], [1, 0, 0]
    t = bp.forward_backward(X, [0.1, 0.2], 1, y, activation="sigmoid", loss="bce")
    p = 1 / (1 + np.exp(-(np.array(X) @ [0.1, 0.2] + 1)))
    textbook = -np.mean(np.array(y) * np.log(p) + (1 - np.array(y)) * np.log(1 - p))
    assert round(t.loss, 3) == 0.932 and t.loss == pytest.approx(textbook, rel=1e-12)
    close(t.prediction, p)  # the probability scored is the activation shown (no second sigmoid)
    z = torch.tensor(np.array(X) @ [0.1, 0.2] + 1.0)
    yt = torch.tensor(y, dtype=torch.float64)
    assert float(torch.nn.functional.binary_cross_entropy(torch.sigmoid(z), yt)) == pytest.approx(t.loss, rel=1e-12)
    assert float(torch.nn.functional.binary_cross_entropy_with_logits(z, yt)) == pytest.approx(t.loss, rel=1e-12)
    close(t.delta, (p - y) / 3)  # the fused derivative


def test_bce_stays_exact_where_the_sigmoid_saturates():
    t = bp.forward_backward([[1.0], [-1.0]], [60.0], 0, [0, 1], activation="sigmoid", loss="bce")
    assert np.isfinite(t.loss) and t.loss == pytest.approx(60.0, rel=1e-12)
    close(t.delta, [0.5, -0.5])


def test_xor_needs_a_hidden_layer():
    X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    mlp = bp.Network(inputs=2, hidden=[(2, "tanh")], output="identity")
    start = {"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]}
    trained = mlp.train(X, y, start, lr=0.05, steps=1500, optimizer="adam")
    assert trained.loss[-1] < 0.01
    neuron = bp.Network(inputs=2, hidden=[], output="identity")
    best = neuron.train(X, y, neuron.init(seed=0), lr=0.05, steps=1500, optimizer="adam")
    assert best.loss[-1] > 0.2  # a linear unit's best on XOR is 0.25: the four points are not linearly separable
    for seed in range(5):  # not a bad start: no start reaches what the hidden layer does
        other = neuron.train(X, y, neuron.init(seed=seed), lr=0.05, steps=800, optimizer="adam")
        assert other.loss[-1] > 0.2


def test_init_scales_and_shapes():
    net = bp.Network(inputs=3, hidden=[(8, "relu"), (4, "tanh")], output="sigmoid", loss="bce")
    p = net.init(seed=0)
    assert {k: v.shape for k, v in p.items()} == {"W1": (3, 8), "b1": (8,), "W2": (8, 4), "b2": (4,), "W3": (4, 1),
                                                 "b3": (1,)}
    big = bp.Network(inputs=12, hidden=[(64, "relu")], output="tanh").init(seed=1)
    assert np.std(big["W1"]) == pytest.approx(np.sqrt(2 / 12), rel=0.1)  # He for ReLU
    assert np.std(big["W2"]) == pytest.approx(np.sqrt(2 / 65), rel=0.3)  # Xavier for tanh
    assert not any(v.any() for k, v in p.items() if k.startswith("b"))
    assert net.init(seed=0)["W1"].tolist() == p["W1"].tolist() and net.init(seed=1)["W1"].tolist() != p["W1"].tolist()


def test_flat_names_and_one_neuron_aliases():
    net = bp.Network(inputs=2, hidden=[(2, "tanh")])
    assert net.param_names() == ["W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "b1[0]", "b1[1]", "W2[0,0]",
                                 "W2[1,0]", "b2[0]"]
    one = bp.neuron(2)
    assert one.param_names() == ["W1[0,0]", "W1[1,0]", "b1[0]"] and one.param_labels() == ["w0", "w1", "b"]
    assert one.resolve("w1") == "W1[1,0]" and one.resolve("b") == "b1[0]"
    with pytest.raises(bp.InputError, match="not a parameter"):
        net.resolve("w0")


def test_surface_axes_by_flat_name_hold_the_others():
    net = bp.Network(inputs=2, hidden=[(2, "tanh")])
    X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]
    params = net.init(seed=2)
    s = net.loss_surface(X, y, params, axes=("W1[0,1]", "b2[0]"), span=1.0, resolution=(5, 4))
    assert s.loss.shape == (4, 5) and s.method == "chunked"
    for i, vv in enumerate(s.v):
        for j, uu in enumerate(s.u):
            q = {k: np.array(v, dtype=float) for k, v in params.items()}
            q["W1"][0, 1], q["b2"][0] = uu, vv
            assert s.loss[i, j] == pytest.approx(net.forward_backward(X, y, q).loss, rel=1e-12)


@pytest.mark.parametrize("make, match", [
    (lambda: bp.Network(inputs=2, hidden=[(0, "relu")]), "hidden layer 1: width 0"),
    (lambda: bp.Network(inputs=2, hidden=[(65, "relu")]), "hidden layer 1: width 65"),
    (lambda: bp.Network(inputs=2, hidden=[(2, "swish")]), "hidden layer 1: unknown activation 'swish'"),
    (lambda: bp.Network(inputs=2, hidden=[(2, "relu")] * 4), "4 hidden layers"),
    (lambda: bp.Network(inputs=2, hidden=[(64, "relu"), (64, "relu")]), "parameters; the limit is 1,000"),
    (lambda: bp.Network(inputs=2, output="relu", loss="bce"), "needs the sigmoid output"),
])
def test_bad_networks_name_what_is_wrong(make, match):
    with pytest.raises(bp.InputError, match=match):
        make()


@pytest.mark.parametrize("change, match", [
    (lambda p: p.pop("b2"), r"layer 2's biases b2 are missing; expected shape \(1,\)"),
    (lambda p: p.update(W2=[[1.0, 2.0]]), r"layer 2's weights W2 have shape \(1, 2\); expected \(2, 1\)"),
    (lambda p: p.update(W1=[[0.5, "abc"], [0.3, 0.8]]), r"layer 1, W1\[0,1\]: 'abc' is not a number"),
    (lambda p: p.update(W1=[[0.5, float("nan")], [0.3, 0.8]]), r"layer 1, W1\[0,1\]: the cell is empty or NaN"),
    (lambda p: p.update(b1=[0.1, float("inf")]), r"layer 1, b1\[1\]: .* is infinite"),
])
def test_bad_parameters_name_the_layer_the_parameter_and_the_cell(change, match):
    net = bp.Network(inputs=2, hidden=[(2, "tanh")])
    params = {"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]}
    change(params)
    with pytest.raises(bp.InputError, match=match):
        net.forward_backward([[0, 0], [1, 1]], [0, 1], params)


@settings(max_examples=30, deadline=None)
@given(problems())
def test_predict_is_the_traced_forward_pass_and_loss_value_its_loss(problem):
    net, X, y, params = problem
    Xa, ya = net.check_data(X, y)
    p = net.check_params(params)
    t = net.forward_backward(X, y, params)
    a = net.predict(Xa, p)
    assert a.shape == ((len(y),) if net.outputs == 1 else (len(y), net.outputs))
    close(a, t.prediction)
    close(net.loss_value(Xa, ya, p), t.loss)
