"""The teaching data sets: shapes, determinism, balance, rounding, and that each teaches what it should."""

from __future__ import annotations

import numpy as np
import pytest

import backprop as bp
from backprop import datasets

SHAPES = {"circles": 2, "moons": 2, "sine": 1}


def make(name, **kw):
    return getattr(bp.datasets, name)(**kw)


def test_xor_is_the_truth_table():
    X, y = bp.datasets.xor()
    assert X.dtype == y.dtype == np.float64
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [0, 1, 1, 0]
    assert np.array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))


@pytest.mark.parametrize("name", SHAPES)
@pytest.mark.parametrize("n", [4, 41, 60])
def test_shapes_and_dtypes(name, n):
    X, y = make(name, n=n)
    assert X.shape == (n, SHAPES[name]) and y.shape == (n,)
    assert X.dtype == y.dtype == np.float64 and np.isfinite(X).all() and np.isfinite(y).all()


@pytest.mark.parametrize("name", SHAPES)
def test_defaults_are_small_enough_for_a_table_and_rounded(name):
    X, y = make(name)
    assert 40 <= len(y) <= 60
    assert np.array_equal(X, X.round(2)) and np.array_equal(y, y.round(3))


@pytest.mark.parametrize("name", SHAPES)
def test_a_seed_always_gives_the_same_data_and_another_seed_other_data(name):
    X1, y1 = make(name, seed=3)
    X2, y2 = make(name, seed=3)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    X3, y3 = make(name, seed=4)
    assert not (np.array_equal(X1, X3) and np.array_equal(y1, y3))


@pytest.mark.parametrize("name", ["circles", "moons"])
@pytest.mark.parametrize("n", [40, 41, 60])
def test_classes_are_balanced(name, n):
    _, y = make(name, n=n)
    assert set(y.tolist()) == {0.0, 1.0} and abs(int(y.sum()) - n / 2) <= 0.5


def test_circles_inner_ring_is_class_one_and_the_sine_follows_sin():
    X, y = bp.datasets.circles(noise=0.0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 1], 0.5, atol=0.01) and np.allclose(r[y == 0], 1.0, atol=0.01)
    x, t = bp.datasets.sine(noise=0.0)
    assert x[0, 0] == pytest.approx(-np.pi, abs=0.005) and x[-1, 0] == pytest.approx(np.pi, abs=0.005)
    assert np.allclose(t, np.sin(x[:, 0]), atol=0.0005)


@pytest.mark.parametrize("kw, match", [
    (dict(n=3), "n: 3"), (dict(n=10_000), "n: 10000"), (dict(n=2.5), "n: 2.5"), (dict(n=True), "n: True"),
    (dict(noise=-0.1), "noise"), (dict(noise=float("nan")), "noise"), (dict(seed=-1), "seed"),
])
def test_bad_arguments_name_what_is_wrong(kw, match):
    with pytest.raises(bp.InputError, match=match):
        datasets.moons(**kw)


@pytest.mark.parametrize("name", ["circles", "moons"])
def test_a_2_4_1_tanh_network_separates_the_two_classes(name):
    X, y = make(name)
    net = bp.Network(inputs=2, hidden=[(4, "tanh")], output="sigmoid", loss="bce")
    t = net.train(X, y, net.init(seed=0), lr=0.05, steps=500, optimizer="adam")
    assert t.loss[-1] < 0.1 * t.loss[0]
    a = net.predict(X, t.at(t.n_steps))
    assert ((a > 0.5) == (y == 1)).mean() >= 0.95


def test_a_1_8_1_tanh_network_fits_the_sine():
    X, y = bp.datasets.sine()
    net = bp.Network(inputs=1, hidden=[(8, "tanh")], output="identity", loss="mse")
    t = net.train(X, y, net.init(seed=0), lr=0.05, steps=1000, optimizer="adam")
    assert t.loss[0] > 0.5 and t.loss[-1] < 0.05


def test_one_neuron_cannot_fit_xor_and_one_hidden_layer_can():
    X, y = bp.datasets.xor()
    neuron = bp.Network(inputs=2, hidden=[], output="identity", loss="mse")
    for seed in range(3):
        t = neuron.train(X, y, neuron.init(seed=seed), lr=0.05, steps=800, optimizer="adam")
        assert t.loss.min() > 0.2  # a line's best on XOR is 0.25
    mlp = bp.Network(inputs=2, hidden=[(2, "tanh")], output="identity", loss="mse")
    start = {"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]}
    assert mlp.train(X, y, start, lr=0.05, steps=1500, optimizer="adam").loss[-1] < 0.01
