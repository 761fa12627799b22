"""Gradient check: analytic gradients agree with central differences on smooth problems, and samples
sitting on a kink are flagged instead of failing the check."""

from __future__ import annotations

import numpy as np
import pytest

import backprop as bp

RNG = np.random.default_rng(4)
PROBLEM = dict(X=RNG.normal(size=(6, 3)), w=RNG.normal(size=3), b=0.1, y=RNG.uniform(size=6))


@pytest.mark.parametrize("activation, loss", [("sigmoid", "mse"), ("tanh", "mse"), ("identity", "mse"),
                                              ("sigmoid", "bce")])
def test_smooth_problems_pass(activation, loss):
    check = bp.gradient_check(**PROBLEM, activation=activation, loss=loss)
    assert check.passed
    assert [p.label for p in check.params] == ["w0", "w1", "w2", "b"]
    assert [p.name for p in check.params] == ["W1[0,0]", "W1[1,0]", "W1[2,0]", "b1[0]"]
    trace = bp.forward_backward(**PROBLEM, activation=activation, loss=loss)
    for p, g in zip(check.params, trace.grad, strict=True):
        assert p.passed and not p.at_kink
        assert p.analytic == g
        assert p.rel_error < 1e-6 and p.numeric == pytest.approx(g, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_piecewise_linear_away_from_kinks_passes_without_flags(activation):
    z = PROBLEM["X"] @ PROBLEM["w"] + PROBLEM["b"]
    assert np.abs(z).min() > 1e-3
    check = bp.gradient_check(**PROBLEM, activation=activation)
    assert check.passed and not any(p.at_kink for p in check.params)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_a_sample_on_the_kink_is_flagged_not_failed(activation):
    # z = [0, 1]: sample 0 sits exactly on the kink, where f'(0) is a convention, not a derivative.
    check = bp.gradient_check([[1.0], [2.0]], [1.0], -1.0, [1.0, 0.0], activation=activation)
    for name in ("w0", "b"):
        p = check[name]
        assert p.kink_samples == (0,) and p.at_kink
        assert not p.passed  # the one-sided slopes differ, so the central difference disagrees ...
        assert abs(p.numeric - p.analytic) > 0.1
    assert check.passed  # ... and the check reports the kink rather than a wrong gradient


def test_identity_and_smooth_activations_never_flag_kinks():
    for activation in ("identity", "sigmoid", "tanh"):
        check = bp.gradient_check([[1.0], [2.0]], [1.0], -1.0, [1.0, 0.0], activation=activation)
        assert not any(p.at_kink for p in check.params) and check.passed


def test_a_wrong_gradient_would_fail():
    check = bp.gradient_check(**PROBLEM, activation="tanh")
    p = check["w1"]
    assert bp.gradcheck.relative_error(p.analytic * 1.001, p.numeric) > check.tolerance
    assert bp.gradcheck.relative_error(0.0, 0.0) == 0.0


def test_check_reports_its_settings_and_rejects_bad_ones():
    check = bp.gradient_check(**PROBLEM, eps=1e-5, tolerance=1e-4)
    assert check.eps == 1e-5 and check.tolerance == 1e-4
    with pytest.raises(KeyError):
        check["w9"]
    for kwargs in (dict(eps=0), dict(eps=-1e-6), dict(eps="small"), dict(tolerance=0)):
        with pytest.raises(bp.InputError):
            bp.gradient_check(**PROBLEM, **kwargs)
    with pytest.raises(bp.InputError, match="X row 0, column x0"):
        bp.gradient_check([["a"]], [1.0], 0.0, [1.0])


@pytest.mark.parametrize("scale", [1.0, 1e-6])
@pytest.mark.parametrize("act, loss", [("tanh", "mse"), ("sigmoid", "bce"), ("identity", "mse"), ("sigmoid", "mse")])
def test_large_inputs_never_fail_a_gradient_that_equals_torchs(act, loss, scale):
    """Inputs of about 1e6: a fixed step of 1e-6 moves z by about 1, far outside the linear range, and used to fail
    correct gradients. The step is scaled to the inputs; what finite differences cannot decide is inconclusive,
    with its reason, never failed."""
    from torch_oracle import loss_and_grads

    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 2)) * 1e6
    y = rng.uniform(0, 1, 5)
    net = bp.Network(inputs=2, hidden=[(3, "tanh")], output=act, loss=loss)
    params = {k: v * scale if k == "W1" else v for k, v in net.init(seed=2).items()}
    _, grads = loss_and_grads(net, params, X, y)
    t = net.forward_backward(X, y, params)
    for k in net.shapes:
        np.testing.assert_allclose(t.grads[k], grads[k], rtol=1e-9, atol=1e-15)
    check = net.gradient_check(X, y, params)
    assert check.passed, [(p.name, p.rel_error) for p in check.params if p.failed]
    assert all(p.passed or p.inconclusive for p in check.params)
    for p in check.params:
        if p.name.startswith("W1"):
            assert p.step <= 1e-6 / 1e5  # scaled to inputs of about 1e6


def test_an_unreliable_finite_difference_is_inconclusive_with_its_reason():
    c = bp.gradcheck._unsure(1.0, 1.5, 1e-6, 1e-8, 1e-3)
    assert "unreliable" in c and "1e-03" not in c and "0.001" in c
    assert bp.gradcheck._unsure(1.0, 1.0 + 1e-9, 1e-6, 1e-8, 1e-3) == ""
