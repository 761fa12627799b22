"""Training: every optimizer step against the PyTorch rules written out by hand (and against
torch.optim itself when torch is installed), trainable subsets, and divergence."""

from __future__ import annotations

import math

import numpy as np
import pytest

import backprop as bp
import lesson

SEED = dict(X=[[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]], w=[0.1, 0.2], b=1.0, y=[1.0, 0.0, 0.0])
# A smooth problem (sigmoid) on which every optimizer runs many steps without touching a kink.
RNG = np.random.default_rng(3)
SMOOTH = dict(X=RNG.normal(size=(8, 3)), w=RNG.normal(size=3), b=0.2, y=RNG.uniform(size=8))


def gradient(problem, theta, activation="relu", loss="mse"):
    """The gradient at theta = (w, b), from a fresh forward/backward pass."""
    d = len(theta) - 1
    return bp.forward_backward(problem["X"], theta[:d], theta[d], problem["y"], activation, loss).grad


def start(problem):
    return np.append(problem["w"], problem["b"])


def test_sgd_steps_follow_theta_minus_lr_g():
    traj = bp.train(**SEED, lr=0.05, steps=5, optimizer="sgd")
    theta = start(SEED)
    for t in range(6):
        np.testing.assert_allclose(traj.flat[t], theta, rtol=1e-15, atol=1e-15)
        g = gradient(SEED, theta)
        np.testing.assert_allclose(traj.grad_w[t], g[:2], rtol=1e-15)
        theta = theta - 0.05 * g
    assert traj.diverged_at is None and traj.n_steps == 5


def test_first_sgd_step_is_the_correct_update_of_the_seed():
    traj = bp.train(**SEED, lr=0.01, steps=1)
    np.testing.assert_allclose(traj.w[1], [0.081333333, 0.190666667], atol=1e-9)
    assert traj.b[1] == pytest.approx(0.984)
    assert traj.loss[0] == pytest.approx(0.82) and traj.loss[1] < traj.loss[0]


def test_momentum_buffer_starts_at_the_first_gradient():
    mu, lr = 0.9, 0.02
    traj = bp.train(**SMOOTH, lr=lr, steps=6, optimizer="momentum", activation="sigmoid")
    theta, buf = start(SMOOTH), None
    for t in range(7):
        np.testing.assert_allclose(traj.flat[t], theta, rtol=1e-14, atol=1e-15)
        g = gradient(SMOOTH, theta, "sigmoid")
        buf = g if buf is None else mu * buf + g  # torch.optim.SGD: buf = g on the first step, no dampening
        theta = theta - lr * buf
    # The first step is a plain SGD step (not lr * (1 - mu) * g, nor lr * mu * 0 + ...).
    np.testing.assert_allclose(traj.flat[1], start(SMOOTH) - lr * gradient(SMOOTH, start(SMOOTH), "sigmoid"))


def test_adam_steps_use_bias_corrections():
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.01
    traj = bp.train(**SMOOTH, lr=lr, steps=6, optimizer="adam", activation="sigmoid")
    theta, m, v = start(SMOOTH), 0.0, 0.0
    for t in range(1, 8):
        np.testing.assert_allclose(traj.flat[t - 1], theta, rtol=1e-13, atol=1e-15)
        g = gradient(SMOOTH, theta, "sigmoid")
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)


def test_first_adam_step_moves_every_parameter_by_about_lr():
    traj = bp.train(**SEED, lr=0.01, steps=1, optimizer="adam")
    g = gradient(SEED, start(SEED))
    np.testing.assert_allclose(traj.flat[1] - traj.flat[0], -0.01 * np.sign(g), rtol=1e-6)


def test_adam_eps_is_added_outside_the_square_root():
    # identity + MSE on one sample: dL/dw = dL/db = 2 (0 - y) = 1e-8, as small as eps.
    traj = bp.train([[1.0]], [0.0], 0.0, [-0.5e-8], lr=0.1, steps=1, optimizer="adam", activation="identity")
    g = 1e-8
    assert traj.grad_w[0, 0] == pytest.approx(g, rel=1e-9)
    outside = 0.1 * g / (math.sqrt(g * g) + 1e-8)  # = lr / 2
    inside = 0.1 * g / math.sqrt(g * g + 1e-8)  # = about lr * 1e-4
    assert traj.w[1, 0] == pytest.approx(-outside, rel=1e-7)
    assert abs(traj.w[1, 0] + inside) > 0.04


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("params", [None, ("w1", "b")])
def test_optimizers_match_torch_optim(optimizer, params):
    torch = pytest.importorskip("torch")
    lr, steps = 0.05, 30
    traj = bp.train(**SMOOTH, lr=lr, steps=steps, optimizer=optimizer, activation="sigmoid", params=params)
    w = torch.tensor(SMOOTH["w"], requires_grad=True)
    b = torch.tensor(SMOOTH["b"], dtype=torch.float64, requires_grad=True)
    X, y = torch.tensor(SMOOTH["X"]), torch.tensor(SMOOTH["y"])
    if params is None:
        trainable = [w, b]
    else:  # w1 and b train; w0 and w2 are held still by a gradient mask on w
        trainable = [w, b]
        mask = torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)
        w.register_hook(lambda grad: grad * mask)
    opt = {"sgd": lambda: torch.optim.SGD(trainable, lr=lr),
           "momentum": lambda: torch.optim.SGD(trainable, lr=lr, momentum=0.9),
           "adam": lambda: torch.optim.Adam(trainable, lr=lr)}[optimizer]()
    for t in range(steps + 1):
        np.testing.assert_allclose(traj.w[t], w.detach().numpy(), rtol=1e-10, atol=1e-12)
        assert traj.b[t] == pytest.approx(b.item(), rel=1e-10, abs=1e-12)
        opt.zero_grad()
        loss = torch.mean((torch.sigmoid(X @ w + b) - y) ** 2)
        assert traj.loss[t] == pytest.approx(loss.item(), rel=1e-10)
        loss.backward()
        opt.step()


@pytest.mark.parametrize("optimizer", bp.OPTIMIZERS)
def test_trainable_subset_holds_the_others_still(optimizer):
    traj = bp.train(**SMOOTH, lr=0.05, steps=20, optimizer=optimizer, activation="sigmoid", params=["w0"])
    assert traj.trainable == ("W1[0,0]",)
    np.testing.assert_array_equal(traj.w[:, 1:], np.tile(SMOOTH["w"][1:], (21, 1)))
    np.testing.assert_array_equal(traj.b, np.full(21, SMOOTH["b"]))
    assert np.all(np.diff(traj.w[:, 0]) != 0)
    assert np.abs(traj.grad_w[:, 1]).max() > 0  # the gradient is still recorded for every parameter
    only_b = bp.train(**SMOOTH, lr=0.05, steps=3, optimizer=optimizer, activation="sigmoid", params="b")
    assert only_b.trainable == ("b1[0]",) and len(set(only_b.b)) == 4


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "notebook"])
def test_divergence_stops_with_diverged_at_and_finite_arrays(optimizer):
    traj = bp.train(**SEED, lr=10, steps=100, optimizer=optimizer)
    assert traj.diverged_at is not None and traj.diverged_at < 100
    assert len(traj.loss) == traj.diverged_at == traj.n_steps + 1
    for arr in (traj.w, traj.b, traj.loss, traj.grad_w, traj.grad_b):
        assert np.isfinite(arr).all()
    assert traj.loss[-1] > traj.loss[0]


def test_a_huge_learning_rate_diverges_at_the_first_step():
    traj = bp.train(**SEED, lr=1e6, steps=10)
    assert traj.diverged_at == 1 and traj.n_steps == 0
    np.testing.assert_array_equal(traj.w[0], SEED["w"])


def test_notebook_optimizer_takes_the_notebooks_step():
    traj = bp.train(**SEED, lr=0.01, steps=1, optimizer="notebook")
    step = lesson.notebook_step(**SEED, lr=0.01)
    np.testing.assert_allclose(traj.w[1], step.new_w, rtol=1e-15)
    assert traj.b[1] == pytest.approx(step.new_b, rel=1e-15)


def test_gradient_descent_on_a_linear_model_reaches_least_squares():
    X = RNG.normal(size=(20, 2))
    y = X @ [1.5, -0.5] + 0.3 + 0.01 * RNG.normal(size=20)
    traj = bp.train(X, [0.0, 0.0], 0.0, y, lr=0.1, steps=500, activation="identity")
    solution, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(20)]), y, rcond=None)
    np.testing.assert_allclose(traj.flat[-1], solution, atol=1e-6)
    assert np.all(np.diff(traj.loss) <= 1e-15)


def test_zero_steps_records_the_start():
    traj = bp.train(**SEED, lr=0.1, steps=0)
    assert traj.n_steps == 0 and traj.loss.shape == (1,) and traj.w.shape == (1, 2)
    assert traj.param("b").tolist() == [1.0]


def test_trajectory_arrays_are_read_only():
    traj = bp.train(**SEED, lr=0.1, steps=2)
    with pytest.raises(ValueError):
        traj.w[0, 0] = 5.0


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(lr=0), "learning rate"), (dict(lr=-1), "learning rate"), (dict(lr=float("nan")), "learning rate"),
    (dict(lr="fast"), "learning rate"), (dict(lr=1e7), "learning rate"),
    (dict(steps=-1), "steps"), (dict(steps=2.5), "steps"), (dict(steps=True), "steps"), (dict(steps=10**6), "steps"),
    (dict(optimizer="rmsprop"), "optimizer"), (dict(params=["w7"]), "params"), (dict(params=[]), "params"),
    (dict(momentum=1.0), "momentum"), (dict(betas=(0.9, 1.5)), "betas"), (dict(eps=0), "eps"),
    (dict(activation="softmax"), "activation"), (dict(loss="hinge"), "loss"),
])
def test_bad_training_settings_raise_input_error(kwargs, match):
    args = dict(lr=0.1, steps=3) | kwargs
    with pytest.raises(bp.InputError, match=match):
        bp.train(**SEED, **args)


def test_sgd_update_is_one_gradient_descent_step():
    t = bp.forward_backward(**SEED)
    new_w, new_b = bp.sgd_update(t.w, t.b, t.grad_w, t.grad_b, 0.01)
    np.testing.assert_allclose(new_w, [0.081333333, 0.190666667], atol=1e-9)
    assert new_b == pytest.approx(0.984) and isinstance(new_b, float)
    for lr in (0, -0.1, float("inf"), "x"):
        with pytest.raises(bp.InputError, match="learning rate"):
            bp.sgd_update(t.w, t.b, t.grad_w, t.grad_b, lr)
