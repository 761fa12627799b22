"""Small teaching data sets, TensorFlow Playground's shapes: each returns X (N, d) float64 and y (N,) float64.

- `xor()`: the four corners of the unit square, y = x0 XOR x1. No line separates them: one neuron cannot
  fit it, one hidden layer can.
- `circles(n, noise, seed)`: two concentric rings, the inner one (radius 0.5) y = 1, the outer (radius 1) y = 0.
- `moons(n, noise, seed)`: two interleaving half-moons (the upper y = 0, the lower y = 1), as sklearn's make_moons.
- `sine(n, noise, seed)`: x evenly spaced over [-π, π], y = sin x plus Gaussian noise: one feature, a regression.
- `spiral(n, classes, noise, seed)`: `classes` interleaved spiral arms, y the arm's label 0..K-1: a K-class problem
  no straight boundary separates (cs231n's spiral).
- `sincos(n, noise, seed)`: x evenly spaced over [-π, π], y = (sin x, cos x) plus noise: two outputs at once.
- `split(X, y, test_fraction, seed)`: a seeded train/test split of any data.

Points are evenly spaced along each shape and then jittered by Gaussian noise of standard deviation `noise`
from `np.random.default_rng(seed)`, so a seed always gives the same data. Values are rounded (X to 2
decimals, the sine's y to 3) to read well in a table. Samples are listed class 0 first, then class 1.
"""

from __future__ import annotations

import numpy as np

from .validation import InputError

MIN_POINTS, MAX_POINTS = 4, 1000


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table: X (4, 2) [[0,0],[0,1],[1,0],[1,1]], y (4,) [0,1,1,0]."""
    return np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0.0, 1.0, 1.0, 0.0])


def circles(n: int = 60, noise: float = 0.08, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two rings, n // 2 points on the outer one (radius 1, y = 0) and the rest on the inner (radius 0.5,
    y = 1): X (n, 2), y (n,)."""
    n, noise, rng = _checked(n, noise, seed)
    outer, inner = _split(n)
    t0 = np.linspace(0.0, 2 * np.pi, outer, endpoint=False)
    t1 = np.linspace(0.0, 2 * np.pi, inner, endpoint=False) + np.pi / inner  # offset: the rings' points interleave
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]), 0.5 * np.column_stack([np.cos(t1), np.sin(t1)])])
    return _finish(X, rng, noise, outer, inner)


def moons(n: int = 60, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two half-moons: n // 2 points on the upper arc (centre (0, 0), y = 0) and the rest on the lower arc
    (centre (1, 0.5), y = 1), interleaved as sklearn's make_moons: X (n, 2), y (n,)."""
    n, noise, rng = _checked(n, noise, seed)
    upper, lower = _split(n)
    t0, t1 = np.linspace(0.0, np.pi, upper), np.linspace(0.0, np.pi, lower)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])])
    return _finish(X, rng, noise, upper, lower)


def sine(n: int = 40, noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """y = sin x + noise at n points x evenly spaced over [-π, π]: X (n, 1) to 2 decimals, y (n,) to 3."""
    n, noise, rng = _checked(n, noise, seed)
    x = np.linspace(-np.pi, np.pi, n).round(2)
    y = (np.sin(x) + noise * rng.standard_normal(n)).round(3) + 0.0  # + 0.0 turns -0.0 into 0.0
    return x[:, None], y


def spiral(n: int = 60, classes: int = 3, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`classes` spiral arms from the centre out, about n / classes points each (the first arms take the rest),
    each arm's angle jittered by Gaussian noise of standard deviation `noise` (in radians, times 4): X (n, 2),
    y (n,) the arm's label 0..classes-1, arm 0 first."""
    n, noise, rng = _checked(n, noise, seed)
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or not 2 <= classes <= 8:
        raise InputError(f"classes: {classes!r} must be a whole number from 2 to 8")
    counts = [n // classes + (k < n % classes) for k in range(classes)]
    X, y = [], []
    for k, m in enumerate(counts):
        r = np.linspace(0.1, 1.0, m)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, m) + 4.0 * noise * rng.standard_normal(m)
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(m, float(k)))
    return np.concatenate(X).round(2) + 0.0, np.concatenate(y)


def sincos(n: int = 40, noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """y = (sin x, cos x) + noise at n points x evenly spaced over [-π, π]: X (n, 1) to 2 decimals, y (n, 2) to 3."""
    n, noise, rng = _checked(n, noise, seed)
    x = np.linspace(-np.pi, np.pi, n).round(2)
    y = (np.column_stack([np.sin(x), np.cos(x)]) + noise * rng.standard_normal((n, 2))).round(3) + 0.0
    return x[:, None], y


def split(X, y, test_fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_test, y_test): round(test_fraction · N) samples (at least one when the fraction is above
    0) drawn for the test set by `np.random.default_rng(seed).permutation(N)`, the rest for training, each in
    the permutation's order. InputError when no training sample would be left."""
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float, np.floating)) \
            or not 0 <= test_fraction < 1:
        raise InputError(f"test fraction: {test_fraction!r} must be a number from 0 up to (not including) 1")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed: {seed!r} must be a whole number, 0 or more")
    n_test = max(1, round(test_fraction * n)) if test_fraction > 0 else 0
    if n_test >= n:
        raise InputError(f"test fraction {test_fraction:g} of {n} samples leaves no training sample; use a smaller "
                         "fraction or more data")
    perm = np.random.default_rng(int(seed)).permutation(n)
    test, train = perm[:n_test], perm[n_test:]
    return X[train], y[train], X[test], y[test]


def _checked(n: int, noise: float, seed: int) -> tuple[int, float, np.random.Generator]:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not MIN_POINTS <= n <= MAX_POINTS:
        raise InputError(f"n: {n!r} must be a whole number of points from {MIN_POINTS} to {MAX_POINTS}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)) \
            or not 0 <= noise <= 1:
        raise InputError(f"noise: {noise!r} must be a number from 0 to 1")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed: {seed!r} must be a whole number, 0 or more")
    return int(n), float(noise), np.random.default_rng(int(seed))


def _split(n: int) -> tuple[int, int]:
    """Class 0's and class 1's counts: as equal as n allows."""
    return n // 2, n - n // 2


def _finish(X: np.ndarray, rng: np.random.Generator, noise: float, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    """X jittered and rounded to 2 decimals, with y: n0 zeros then n1 ones."""
    X = (X + noise * rng.standard_normal(X.shape)).round(2) + 0.0
    return X, np.concatenate([np.zeros(n0), np.ones(n1)])


__all__ = ["MAX_POINTS", "MIN_POINTS", "circles", "moons", "sincos", "sine", "spiral", "split", "xor"]
