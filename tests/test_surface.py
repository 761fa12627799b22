"""Loss surfaces: the grid against direct evaluation, and the exact fast path against the chunked one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop as bp

SEED = dict(X=[[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]], w=[0.1, 0.2], b=1.0, y=[1.0, 0.0, 0.0])
PIECEWISE = ["relu", "leaky_relu", "identity"]
ACCURACY = 1e-9  # max |fast - chunked| / max |chunked|


def relative_gap(X, w, b, y, **kwargs) -> float:
    fast = bp.loss_surface(X, w, b, y, method="fast", **kwargs)
    slow = bp.loss_surface(X, w, b, y, method="chunked", **kwargs)
    assert fast.method == "fast" and slow.method == "chunked"
    np.testing.assert_array_equal(fast.u, slow.u)
    np.testing.assert_array_equal(fast.v, slow.v)
    scale = np.abs(slow.loss).max()
    return float(np.abs(fast.loss - slow.loss).max() / (scale if scale else 1.0))


@pytest.mark.parametrize("method", ["fast", "chunked"])
@pytest.mark.parametrize("axes", [("w0", "w1"), ("w1", "b"), ("b", "w0")])
def test_surface_equals_direct_evaluation_at_grid_points(method, axes):
    s = bp.loss_surface(**SEED, axes=axes, span=(1.5, 0.75), resolution=(9, 7), method=method)
    assert s.loss.shape == (7, 9) and s.axes == axes
    for i, j in [(0, 0), (3, 4), (6, 8), (2, 7), (5, 1)]:
        theta = np.append(SEED["w"], SEED["b"])
        names = bp.neuron_labels(2)
        theta[names.index(axes[0])] = s.u[j]
        theta[names.index(axes[1])] = s.v[i]
        direct = bp.forward_backward(SEED["X"], theta[:2], theta[2], SEED["y"]).loss
        assert s.loss[i, j] == pytest.approx(direct, rel=1e-12, abs=1e-15)


def test_grid_is_centred_on_the_given_parameters():
    s = bp.loss_surface(**SEED, axes=("w1", "b"), span=(2.0, 0.5), resolution=(5, 3))
    np.testing.assert_allclose(s.u, [-1.8, -0.8, 0.2, 1.2, 2.2])
    np.testing.assert_allclose(s.v, [0.5, 1.0, 1.5])
    assert s.center == (0.2, 1.0)
    np.testing.assert_array_equal(s.network.flatten(s.params), [0.1, 0.2, 1.0])
    assert s.held() == [("w0", 0.1)]
    assert s.loss[1, 2] == pytest.approx(0.82)  # the centre is the given point
    assert (s.activation, s.loss_name) == ("relu", "mse")
    assert not s.loss.flags.writeable


@pytest.mark.parametrize("activation", PIECEWISE)
@pytest.mark.parametrize("seed", range(4))
def test_fast_path_matches_chunked_on_random_data(activation, seed):
    rng = np.random.default_rng(seed)
    n, d = 300, 3
    X = rng.normal(size=(n, d)) * rng.choice([0.1, 1.0, 30.0], size=d)
    X[rng.random((n, d)) < 0.15] = 0.0  # samples with a_i = 0 along either axis
    y = rng.normal(size=n) * 2
    names = bp.neuron_labels(d)
    for _ in range(3):
        axes = tuple(rng.choice(names, 2, replace=False))
        gap = relative_gap(X, rng.normal(size=d), float(rng.normal()), y, axes=axes, activation=activation,
                           span=(float(rng.uniform(0.1, 4)), float(rng.uniform(0.1, 4))),
                           resolution=(int(rng.integers(2, 60)), int(rng.integers(2, 60))))
        assert gap <= ACCURACY


@pytest.mark.parametrize("activation", PIECEWISE)
@pytest.mark.parametrize("axes", [("w0", "w1"), ("w0", "b"), ("b", "w1")])
def test_fast_path_is_exact_with_samples_on_kinks(activation, axes):
    # Integer data on an integer grid: many samples sit exactly at z = 0 at grid points.
    rng = np.random.default_rng(11)
    X = rng.integers(-2, 3, size=(120, 2)).astype(float)
    y = rng.integers(-1, 3, size=120).astype(float)
    for resolution in (5, 9, (5, 9)):
        assert relative_gap(X, [0.0, 0.0], 0.0, y, axes=axes, span=2.0, resolution=resolution,
                            activation=activation) <= ACCURACY
    dead = bp.loss_surface(X, [0.0, 0.0], 0.0, y, axes=axes, span=2.0, resolution=5, activation=activation)
    center = bp.forward_backward(X, [0.0, 0.0], 0.0, y, activation=activation).loss  # every z is exactly 0
    assert dead.loss[2, 2] == pytest.approx(center, rel=1e-14)


def test_fast_path_with_a_whole_zero_column():
    rng = np.random.default_rng(5)
    X = np.column_stack([np.zeros(200), rng.normal(size=200)])
    y = rng.normal(size=200)
    assert relative_gap(X, [0.4, -0.3], 0.1, y, axes=("w0", "w1"), resolution=(11, 13)) <= ACCURACY
    assert relative_gap(X, [0.4, -0.3], 0.1, y, axes=("w1", "w0"), resolution=(11, 13)) <= ACCURACY


def test_fast_path_keeps_its_accuracy_far_from_the_origin():
    # Large targets fitted almost exactly: the loss is tiny next to y^2 and z^2 (cancellation guard).
    rng = np.random.default_rng(9)
    X = rng.normal(size=(2000, 2))
    w, b = np.array([3.0, -1.0]), 1000.0
    y = X @ w + b + 1e-3 * rng.normal(size=2000)
    for activation in PIECEWISE:
        assert relative_gap(X, w, b, y, axes=("w0", "b"), span=1e-2, resolution=21,
                            activation=activation) <= ACCURACY


def test_fast_path_with_extreme_scales():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(100, 2))
    X[:5, 0] = 1e-310  # dz/du so small that its threshold overflows
    assert relative_gap(X, [0.5, 0.2], 0.1, rng.normal(size=100), resolution=(7, 9)) <= ACCURACY
    big = np.clip(rng.normal(size=(100, 2)), -1, 1) * 1e9
    assert relative_gap(big, [1e9, -1e9], 1e9, np.clip(rng.normal(size=100), -1, 1) * 1e9,
                        span=1e9, resolution=(7, 9)) <= ACCURACY


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), d=st.integers(1, 3),
       activation=st.sampled_from(PIECEWISE), ru=st.integers(2, 25), rv=st.integers(2, 25))
def test_fast_path_matches_chunked_property(seed, n, d, activation, ru, rv):
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(n, d)) * 2, int(rng.integers(0, 3)))  # rounding puts samples on kinks
    names = bp.neuron_labels(d)
    axes = tuple(rng.choice(names, 2, replace=False))
    w, b = np.round(rng.normal(size=d), 1), round(float(rng.normal()), 1)
    assert relative_gap(X, w, b, rng.normal(size=n), axes=axes, activation=activation,
                        span=float(rng.choice([0.5, 1.0, 3.0])), resolution=(ru, rv)) <= ACCURACY


def test_medium_sized_problem_agrees():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20_000, 2))
    y = np.maximum(X @ [1.0, -2.0] + 0.5, 0) + 0.1 * rng.normal(size=20_000)
    assert relative_gap(X, [0.5, -1.0], 0.2, y, resolution=(31, 29)) <= ACCURACY


def test_method_is_chosen_by_activation_and_loss():
    assert bp.loss_surface(**SEED).method == "fast"
    assert bp.loss_surface(**SEED, activation="leaky_relu").method == "fast"
    assert bp.loss_surface(**SEED, activation="sigmoid").method == "chunked"
    assert bp.loss_surface(**SEED, activation="sigmoid", loss="bce").method == "chunked"
    assert bp.loss_surface(**SEED, method="chunked").method == "chunked"
    with pytest.raises(bp.InputError, match="fast path"):
        bp.loss_surface(**SEED, activation="tanh", method="fast")
    with pytest.raises(bp.InputError, match="method"):
        bp.loss_surface(**SEED, method="sampled")


@pytest.mark.parametrize("activation, loss", [("sigmoid", "mse"), ("tanh", "mse"), ("sigmoid", "bce")])
def test_chunked_surface_of_smooth_activations_equals_direct_evaluation(activation, loss):
    s = bp.loss_surface(**SEED, axes=("w0", "b"), resolution=(4, 5), activation=activation, loss=loss)
    for i, j in [(0, 0), (4, 3), (2, 1)]:
        direct = bp.forward_backward(SEED["X"], [s.u[j], 0.2], s.v[i], SEED["y"], activation, loss).loss
        assert s.loss[i, j] == pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(axes=("w0", "w0")), "axes"), (dict(axes=("w0", "w5")), "axes"), (dict(axes=("w0",)), "axes"),
    (dict(span=0), "span"), (dict(span=-1.0), "span"), (dict(span="wide"), "span"), (dict(span=(1, 2, 3)), "span"),
    (dict(resolution=1), "resolution"), (dict(resolution=5000), "resolution"), (dict(resolution="many"), "resolution"),
    (dict(activation="softplus"), "activation"), (dict(loss="l1"), "loss"),
])
def test_bad_surface_settings_raise_input_error(kwargs, match):
    with pytest.raises(bp.InputError, match=match):
        bp.loss_surface(**SEED, **kwargs)
