"""Mini-batch training against a torch loop fed the same index order (SGD, momentum, Adam; B in {1, 3, N}), the
documented batch order, the per-epoch records and held-out data, and the training settings' errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from torch_oracle import data_loss, penalty, targets, tensors, torch

import backprop as bp

N = 7


def _problem(loss="ce", reg=None):
    rng = np.random.default_rng(11)
    if loss == "ce":
        net = bp.Network(inputs=2, hidden=[(5, "tanh")], output="softmax", outputs=3, loss="ce", regularization=reg,
                         reg_rate=0.02 if reg else 0.0)
        y = rng.integers(0, 3, size=N).astype(float)
    else:
        net = bp.Network(inputs=2, hidden=[(5, "relu")], output="identity", outputs=2, loss="mse",
                         regularization=reg, reg_rate=0.02 if reg else 0.0)
        y = rng.normal(size=(N, 2))
    X = rng.normal(size=(N, 2))
    params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in net.init(seed=3).items()}
    return net, X, y, params


def _order(seed: int, B: int, epochs: int) -> list[np.ndarray]:
    """The documented order, written out again: one generator, one permutation per epoch, consecutive cuts."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(epochs):
        perm = rng.permutation(N)
        out += [perm[k:k + B] for k in range(0, N, B)]
    return out


OPTIMIZERS = {"sgd": lambda p: torch.optim.SGD(p, lr=0.1),
              "momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
              "adam": lambda p: torch.optim.Adam(p, lr=0.1)}


@pytest.mark.parametrize("B", [1, 3, N])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("loss, reg", [("ce", None), ("mse", "l2")])
def test_minibatch_training_equals_a_torch_loop_on_the_same_order(optimizer, B, loss, reg):
    net, X, y, params = _problem(loss, reg)
    epochs = 3
    traj = net.train(X, y, params, lr=0.1, optimizer=optimizer, batch_size=B, epochs=epochs, seed=42)
    batches = _order(42, B, epochs)
    assert traj.n_steps == len(batches) == epochs * math.ceil(N / B)
    P = tensors(params)
    opt = OPTIMIZERS[optimizer](list(P.values()))
    Xt, Yt = torch.tensor(X), targets(net, y)
    for k, idx in enumerate(batches):
        for name in net.shapes:
            np.testing.assert_allclose(traj.params[name][k], P[name].detach().numpy(), rtol=1e-9, atol=1e-12)
        opt.zero_grad()
        L = data_loss(net, P, Xt[idx], Yt[idx]) + penalty(net, P)  # the batch's mean loss, plus the penalty
        assert traj.batch_loss[k] == pytest.approx(L.item(), rel=1e-9)
        L.backward()
        opt.step()
    for name in net.shapes:
        np.testing.assert_allclose(traj.params[name][-1], P[name].detach().numpy(), rtol=1e-9, atol=1e-12)


def test_full_batch_is_todays_training_and_draws_no_random_numbers():
    net, X, y, params = _problem("mse")
    full = net.train(X, y, params, lr=0.05, steps=20, optimizer="adam")
    again = net.train(X, y, params, lr=0.05, steps=20, optimizer="adam", seed=123)  # the seed is not used
    assert full.batch_size is None and np.array_equal(full.loss, again.loss)
    np.testing.assert_array_equal(full.batch_loss, full.loss[:-1])
    assert full.epoch_steps.tolist() == list(range(21))  # full batch: every step is an epoch


def test_epochs_record_the_training_and_test_loss_and_accuracy():
    net, X, y, params = _problem("ce", "l2")
    rng = np.random.default_rng(0)
    Xt, yt = rng.normal(size=(4, 2)), np.array([0.0, 1.0, 2.0, 1.0])
    traj = net.train(X, y, params, lr=0.2, batch_size=3, epochs=4, seed=1, X_test=Xt, y_test=yt)
    assert traj.epoch_steps.tolist() == [0, 3, 6, 9, 12]
    for e, step in enumerate(traj.epoch_steps):
        at = traj.at(int(step))
        train = net.forward_backward(X, y, at)
        test = net.forward_backward(Xt, yt, at)
        assert traj.train_loss[e] == pytest.approx(train.data_loss, rel=1e-12)  # the data's loss, no penalty
        assert traj.loss[step] == pytest.approx(train.loss, rel=1e-12)  # the objective, penalty included
        assert traj.test_loss[e] == pytest.approx(test.data_loss, rel=1e-12)
        assert traj.train_accuracy[e] == train.accuracy and traj.test_accuracy[e] == test.accuracy
    regression = _problem("mse")[0].train(*_problem("mse")[1:], lr=0.1, batch_size=2, epochs=2)
    assert regression.train_accuracy is None and regression.test_loss is None


def test_steps_may_end_inside_an_epoch():
    net, X, y, params = _problem("mse")
    traj = net.train(X, y, params, lr=0.1, steps=5, batch_size=2, seed=0)
    assert traj.n_steps == 5 and traj.epoch_steps.tolist() == [0, 4]  # ceil(7/2) = 4 batches an epoch


def test_the_split_is_seeded_and_keeps_every_sample_once():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10.0)
    Xtr, ytr, Xte, yte = bp.datasets.split(X, y, test_fraction=0.3, seed=4)
    assert len(Xte) == 3 and len(Xtr) == 7
    assert sorted(np.concatenate([ytr, yte]).tolist()) == y.tolist()
    np.testing.assert_array_equal(Xtr[:, 0] / 2, ytr)  # rows stay whole
    again = bp.datasets.split(X, y, test_fraction=0.3, seed=4)
    assert np.array_equal(again[3], yte) and not np.array_equal(bp.datasets.split(X, y, 0.3, seed=5)[3], yte)
    assert len(bp.datasets.split(X, y, 0.0, seed=0)[2]) == 0


@pytest.mark.parametrize("call, match", [
    (lambda net, X, y, p: net.train(X, y, p, 0.1, batch_size=0, epochs=1),
     r"batch size: 0 must be a whole number from 1"),
    (lambda net, X, y, p: net.train(X, y, p, 0.1, batch_size=8, epochs=1), r"batch size: 8 must be .* N = 7"),
    (lambda net, X, y, p: net.train(X, y, p, 0.1, epochs=10_001), r"epochs: 10001 must be a whole number from 0 to"),
    (lambda net, X, y, p: net.train(X, y, p, 0.1, batch_size=1, epochs=20_000), "epochs"),
    (lambda net, X, y, p: net.train(np.ones((20, 2)), np.zeros(20), p, 0.1, batch_size=1, epochs=6_000),
     r"epochs: 6,000 epochs of 20 batches are 120,000 updates; the limit is 100,000"),
    (lambda net, X, y, p: net.train(X, y, p, 0.1, steps=3, epochs=1), "either steps .* or epochs .*, not both"),
    (lambda net, X, y, p: net.train(X, y, p, 0.1), "not neither"),
    (lambda net, X, y, p: net.train(X, y, p, 0.1, steps=1, X_test=np.ones((2, 3)), y_test=[0, 1]),
     "X_test has 3 feature columns but X has 2"),
    (lambda net, X, y, p: net.train(X, y, p, 0.1, steps=1, X_test=np.ones((2, 2))), "needs both X_test and y_test"),
    (lambda net, X, y, p: net.train(X, y, p, 0.1, steps=1, optimizer="adam", betas=(0.9,)),
     r"betas: \(0.9,\) must be two"),
    (lambda net, X, y, p: net.train(X, y, p, 1e300, steps=1),
     r"learning rate: 1e\+300 is too large; the limit is 1e\+06"),
    (lambda net, X, y, p: bp.datasets.split(X, y, 0.95, seed=0),
     "test fraction 0.95 of 7 samples leaves no training sample"),
    (lambda net, X, y, p: bp.datasets.split(X, y, -0.1, seed=0), "test fraction: -0.1 must be"),
])
def test_training_settings_are_checked_with_input_errors(call, match):
    net, X, y, params = _problem("ce")
    with pytest.raises(bp.InputError, match=match):
        call(net, X, y, params)
