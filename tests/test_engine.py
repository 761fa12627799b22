"""The traced forward/backward pass: the seed's correct numbers, every activation x loss against an
independent oracle (central differences of a separately written loss, and PyTorch's autograd when it is
installed), the per-sample decomposition, and the trace's steps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import backprop as bp
import lesson

ROOT = Path(__file__).resolve().parents[1]
SEED = dict(X=[[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]], w=[0.1, 0.2], b=1.0, y=[1.0, 0.0, 0.0])
STEP_KEYS = ["z1", "a1", "loss", "dL_da1", "fprime1", "delta1", "shares1", "grad1"]
# BCE scores the sigmoid's probability: it is defined with the sigmoid output only
COMBOS = [(a, loss) for loss in sorted(bp.LOSSES) for a in sorted(bp.ACTIVATIONS)
          if bp.LOSSES[loss].output in (None, a) and bp.ACTIVATIONS[a].min_outputs == 1]  # one neuron: one output
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- an oracle written apart from the engine: the loss as plain formulas ---------------------------

def oracle_activation(name: str, z: np.ndarray) -> np.ndarray:
    return {
        "relu": np.maximum(z, 0.0),
        "leaky_relu": np.where(z > 0, z, 0.01 * z),
        "sigmoid": 0.5 * (1.0 + np.tanh(0.5 * z)),
        "tanh": np.tanh(z),
        "identity": z,
    }[name]


def oracle_loss(X, w, b, y, activation: str, loss: str) -> float:
    z = np.asarray(X) @ np.asarray(w) + b
    a = oracle_activation(activation, z)
    y = np.asarray(y)
    d = a - y
    return float(np.mean({
        "mse": lambda: d ** 2,
        # -[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))], with log sigmoid(z) = -log(1 + e^-z)
        "bce": lambda: y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z),
        "huber": lambda: np.where(np.abs(d) < 1.0, 0.5 * d * d, np.abs(d) - 0.5),
    }[loss]()))


def central_differences(X, w, b, y, activation, loss, eps=1e-6) -> np.ndarray:
    theta = np.append(np.asarray(w, dtype=float), b)
    d = len(w)
    out = []
    for j in range(d + 1):
        up, down = theta.copy(), theta.copy()
        up[j] += eps
        down[j] -= eps
        out.append((oracle_loss(X, up[:d], up[d], y, activation, loss)
                    - oracle_loss(X, down[:d], down[d], y, activation, loss)) / (2 * eps))
    return np.array(out)


@st.composite
def problems(draw, loss: str):
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 4))
    unit = st.floats(-2.0, 2.0, allow_nan=False)
    X = draw(arrays(np.float64, (n, d), elements=unit))
    w = draw(arrays(np.float64, (d,), elements=unit))
    b = draw(unit)
    target = st.floats(0.0, 1.0) if loss == "bce" else unit
    y = draw(arrays(np.float64, (n,), elements=target))
    return X, w, b, y


# --- the seed example ------------------------------------------------------------------------------

def test_seed_example_gives_the_correct_gradient_and_update():
    t = bp.forward_backward(**SEED, lr=0.01)
    np.testing.assert_allclose(t.z, [1.5, 1.4, 0.5])
    assert t.loss == pytest.approx(0.82)
    np.testing.assert_allclose(t.dloss_dpred, [1 / 3, 2.8 / 3, 1 / 3])
    np.testing.assert_allclose(t.grad_w, [28 / 15, 14 / 15])  # [1.8667, 0.9333]
    assert t.grad_b == pytest.approx(1.6)
    np.testing.assert_allclose(t.new_w, [0.1 - 0.28 / 15, 0.2 - 0.14 / 15])  # [0.081333, 0.190667]
    assert t.new_b == pytest.approx(0.984)
    assert t.new_loss < t.loss


def test_readme_command_prints_the_correct_gradient():
    code = "import backprop as bp; print(bp.forward_backward([[1,2],[2,1],[-1,-2]],[0.1,0.2],1,[1,0,0]).grad_w)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[1.86666667 0.93333333]"


# --- gradients against central differences and PyTorch -------------------------------------------

@pytest.mark.parametrize("activation, loss", COMBOS)
@PROPERTY
@given(data=st.data())
def test_gradient_matches_central_differences(activation, loss, data):
    X, w, b, y = data.draw(problems(loss))
    z = X @ w + b
    if bp.ACTIVATIONS[activation].has_kink:
        assume(np.abs(z).min() > 1e-3)  # central differences are not trustworthy across a kink
    t = bp.forward_backward(X, w, b, y, activation=activation, loss=loss)
    numeric = central_differences(X, w, b, y, activation, loss)
    np.testing.assert_allclose(t.grad, numeric, rtol=1e-5, atol=1e-7)
    assert t.loss == pytest.approx(oracle_loss(X, w, b, y, activation, loss), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("activation, loss", COMBOS)
def test_gradient_matches_torch_autograd(activation, loss):
    from torch_oracle import torch

    functional = torch.nn.functional
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(7, 3)), rng.uniform(0, 1, size=7)
    w, b = rng.normal(size=3), 0.3
    X[2] = 0.0  # z = b exactly for one sample; and with b = 0 below, a sample exactly at a kink
    for bias in (b, 0.0):
        t = bp.forward_backward(X, w, bias, y, activation=activation, loss=loss)
        wt = torch.tensor(w, requires_grad=True)
        bt = torch.tensor(bias, dtype=torch.float64, requires_grad=True)
        z = torch.tensor(X) @ wt + bt
        a = {"relu": torch.relu, "leaky_relu": functional.leaky_relu, "sigmoid": torch.sigmoid,
             "tanh": torch.tanh, "identity": lambda v: v}[activation](z)
        yt = torch.tensor(y)
        value = {"mse": functional.mse_loss, "bce": functional.binary_cross_entropy,
                 "huber": functional.huber_loss}[loss](a, yt)  # huber: δ = 1, torch's default
        value.backward()
        assert t.loss == pytest.approx(value.item(), rel=1e-12)
        np.testing.assert_allclose(t.grad_w, wt.grad.numpy(), rtol=1e-12, atol=1e-15)
        assert t.grad_b == pytest.approx(bt.grad.item(), rel=1e-12, abs=1e-15)


def test_relu_derivative_at_zero_is_zero():
    relu = bp.ACTIVATIONS["relu"]
    assert relu.der(np.array([0.0]))[0] == 0.0
    assert relu.fn(np.array([0.0]))[0] == 0.0
    t = bp.forward_backward([[1.0], [2.0]], [1.0], -1.0, [1.0, 0.0])  # z = [0, 1]: sample 0 sits on the kink
    assert t.z[0] == 0.0
    assert t.dpred_dz[0] == 0.0 and t.delta[0] == 0.0
    assert t.inactive.tolist() == [True, False]
    np.testing.assert_array_equal(t.per_sample_grad_w[0], [0.0])
    assert 0 in lesson.step(t, "fprime1").marked


def test_leaky_relu_slope_at_and_below_zero_is_the_leak():
    leaky = bp.ACTIVATIONS["leaky_relu"]
    np.testing.assert_array_equal(leaky.der(np.array([-3.0, 0.0, 2.0])), [0.01, 0.01, 1.0])
    np.testing.assert_array_equal(leaky.fn(np.array([-3.0, 0.0, 2.0])), [-0.03, 0.0, 2.0])


@pytest.mark.parametrize("activation", sorted(k for k, a in bp.ACTIVATIONS.items() if a.elementwise))
def test_activation_derivative_matches_central_differences(activation):
    act = bp.ACTIVATIONS[activation]
    z = np.array([-30.0, -2.5, -0.3, 0.2, 1.7, 30.0])
    eps = 1e-6
    np.testing.assert_allclose(act.der(z), (act.fn(z + eps) - act.fn(z - eps)) / (2 * eps), rtol=1e-6, atol=1e-9)


def test_softmax_jacobian_matches_central_differences_column_by_column():
    act = bp.ACTIVATIONS["softmax"]
    z = np.array([[-2.0, 0.5, 1.0], [30.0, -30.0, 0.0], [0.1, 0.1, 0.1]])
    eps = 1e-6
    jac = act.local(z, act.fn(z))
    for j in range(3):
        e = np.zeros(3)
        e[j] = eps
        np.testing.assert_allclose(jac[:, :, j], (act.fn(z + e) - act.fn(z - e)) / (2 * eps), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(act.fn(z).sum(axis=1), 1.0)
    assert np.isfinite(act.fn(np.array([[1e4, -1e4, 0.0]]))).all()  # exp(z - max): no overflow


def test_bce_is_stable_for_huge_logits():
    t = bp.forward_backward([[1000.0], [-1000.0]], [1.0], 0.0, [0.0, 1.0], activation="sigmoid", loss="bce")
    assert t.loss == pytest.approx(1000.0)  # softplus(1000) / 2 + softplus(1000) / 2
    np.testing.assert_allclose(t.delta, [0.5, -0.5])  # the fused (a - y) / N, exact where sigmoid saturates
    assert np.isfinite(t.grad).all()


# --- the per-sample decomposition ------------------------------------------------------------------

@pytest.mark.parametrize("activation, loss", COMBOS)
@PROPERTY
@given(data=st.data())
def test_per_sample_rows_sum_to_the_gradient(activation, loss, data):
    X, w, b, y = data.draw(problems(loss))
    t = bp.forward_backward(X, w, b, y, activation=activation, loss=loss)
    np.testing.assert_allclose(t.per_sample_grad_w.sum(axis=0), t.grad_w, rtol=1e-12, atol=1e-15)
    assert t.per_sample_grad_b.sum() == pytest.approx(t.grad_b, rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(t.per_sample_grad_w, t.delta[:, None] * t.X, rtol=0, atol=0)
    if not bp.LOSSES[loss].fused:
        np.testing.assert_array_equal(t.delta, t.dloss_dpred * t.dpred_dz)
    table = lesson.step(t, "shares1").value
    np.testing.assert_array_equal(table, np.column_stack([t.per_sample_grad_w, t.per_sample_grad_b]))


def test_inactive_samples_contribute_nothing():
    t = bp.forward_backward([[1.0, 2.0], [-3.0, -1.0], [2.0, 1.0]], [0.5, 0.5], 0.0, [1.0, 1.0, 0.0])
    assert t.inactive.tolist() == [False, True, False]
    np.testing.assert_array_equal(t.per_sample_grad_w[1], [0.0, 0.0])
    assert t.per_sample_grad_b[1] == 0.0
    for key in ("a1", "fprime1", "delta1", "shares1"):
        assert lesson.step(t, key).marked == (1,)


# --- the trace -------------------------------------------------------------------------------------

def test_trace_arrays_are_read_only():
    t = bp.forward_backward(**SEED, lr=0.01)
    for name in ("X", "y", "w", "z", "prediction", "dloss_dpred", "dpred_dz", "delta", "per_sample_grad_w",
                 "per_sample_grad_b", "grad_w", "new_w", "grad"):
        with pytest.raises(ValueError):
            getattr(t, name)[0] = 1.0
    for s in lesson.steps(t):
        assert not np.asarray(s.value).flags.writeable


def test_inputs_in_many_shapes_give_the_same_trace():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(SEED["X"], columns=["x0", "x1"])
    texts = [["1", "2"], ["2", " 1 "], ["-1", "-2.0"]]
    for X in (SEED["X"], np.array(SEED["X"]), frame, texts):
        t = bp.forward_backward(X, np.array([0.1, 0.2]), np.float64(1.0), pd.Series([1, 0, 0]))
        np.testing.assert_allclose(t.grad_w, [28 / 15, 14 / 15])
