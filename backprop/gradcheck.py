"""Gradient check: the analytic gradient of the trace against central finite differences.

For each parameter p: numeric = (L(p + eps) - L(p - eps)) / (2 eps). Where a ReLU-family sample's z
lies within the perturbation of its kink (|z_i| <= eps |dz_i/dp|), the finite difference straddles the
kink and is not trustworthy there; such parameters are flagged rather than failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import get_activation
from .losses import get_loss
from .trace import forward_backward
from .validation import InputError

DEFAULT_TOLERANCE = 1e-6
ABS_FLOOR = 1e-8  # below this (times the loss scale) a difference is finite-difference round-off


@dataclass(frozen=True)
class ParamCheck:
    """One parameter's check. `kink_samples` lists the samples whose kink the perturbation straddles."""

    name: str
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    passed: bool
    kink_samples: tuple[int, ...]

    @property
    def at_kink(self) -> bool:
        return bool(self.kink_samples)


@dataclass(frozen=True)
class GradientCheck:
    """Per-parameter checks, in the order w0..w{d-1}, b."""

    params: tuple[ParamCheck, ...]
    eps: float
    tolerance: float

    @property
    def passed(self) -> bool:
        """True when every parameter away from a kink agrees."""
        return all(p.passed or p.at_kink for p in self.params)

    def __getitem__(self, name: str) -> ParamCheck:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), and 0 when both are exactly 0."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def gradient_check(
    X: Any,
    w: Any,
    b: Any,
    y: Any,
    activation: str = "relu",
    loss: str = "mse",
    eps: float = 1e-6,
    tolerance: float = DEFAULT_TOLERANCE,
) -> GradientCheck:
    """Compare every analytic partial derivative with its central difference; a `GradientCheck`.

    `eps` is the perturbation of each parameter, `tolerance` the relative error that passes. Raises
    InputError on bad input.
    """
    trace = forward_backward(X, w, b, y, activation=activation, loss=loss)
    for name, value in (("eps", eps), ("tolerance", tolerance)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise InputError(f"{name}: {value!r} must be a number between 0 and 1")
    act, lossf = get_activation(activation), get_loss(loss)
    Xa, ya = trace.X, trace.y
    n, d = Xa.shape
    theta = np.append(trace.w, trace.b)
    inputs = np.column_stack([Xa, np.ones(n)])  # dz_i / dtheta_j

    def loss_at(th: np.ndarray) -> float:
        return lossf.fn(act.fn(Xa @ th[:d] + th[d]), ya)

    checks = []
    for j, name in enumerate(trace.param_names):
        up, down = theta.copy(), theta.copy()
        up[j] += eps
        down[j] -= eps
        numeric = (loss_at(up) - loss_at(down)) / (2 * eps)
        analytic = float(trace.grad[j])
        abs_err = abs(analytic - numeric)
        rel = relative_error(analytic, numeric)
        kinks = ()
        if act.has_kink:
            reach = eps * np.abs(inputs[:, j])
            kinks = tuple(int(i) for i in np.flatnonzero((np.abs(trace.z) <= reach) & (reach > 0)))
        passed = rel <= tolerance or abs_err <= ABS_FLOOR * max(1.0, trace.loss)
        checks.append(ParamCheck(name, analytic, numeric, abs_err, rel, bool(passed), kinks))
    return GradientCheck(tuple(checks), eps, tolerance)
