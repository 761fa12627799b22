"""Gradient check: the analytic gradient of a trace against central finite differences, for every parameter
of any network.

For each parameter p: numeric = (L(p + eps) - L(p - eps)) / (2 eps). Where the perturbation moves some
pre-activation z of a unit with a kinked activation (the ReLU family) across 0, the finite difference
straddles the kink and is not trustworthy there; such parameters are flagged, with the samples concerned,
rather than failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import Network
from .trace import make_trace, neuron_inputs
from .validation import InputError

DEFAULT_TOLERANCE = 1e-6
ABS_FLOOR = 1e-8  # below this (times the loss scale) a difference is finite-difference round-off


@dataclass(frozen=True)
class ParamCheck:
    """One parameter's check: `name` flat, `label` as the app shows it. `kink_samples` lists the samples
    whose kink the perturbation straddles."""

    name: str
    label: str
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
    """Per-parameter checks, in the network's parameter order."""

    params: tuple[ParamCheck, ...]
    eps: float
    tolerance: float

    @property
    def passed(self) -> bool:
        """True when every parameter away from a kink agrees."""
        return all(p.passed or p.at_kink for p in self.params)

    def __getitem__(self, name: str) -> ParamCheck:
        for p in self.params:
            if name in (p.name, p.label):
                return p
        raise KeyError(name)


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), and 0 when both are exactly 0."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def check_network(net: Network, X: Any, y: Any, params: Mapping[str, Any], eps: float = 1e-6,
                  tolerance: float = DEFAULT_TOLERANCE) -> GradientCheck:
    """`Network.gradient_check`: every analytic partial derivative against its central difference."""
    trace = make_trace(net, X, y, params)
    for name, value in (("eps", eps), ("tolerance", tolerance)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise InputError(f"{name}: {value!r} must be a number between 0 and 1")
    Xa, ya = trace.X, trace.y
    theta = net.flatten(trace.params)
    grad = trace.grad
    kinked = [layer.activation.has_kink for layer in net.layers]

    def at(th: np.ndarray) -> tuple[float, list[np.ndarray]]:
        zs, as_ = net.forward(Xa, net.unflatten(th))
        return net.loss.fn(zs[-1][:, 0], as_[-1][:, 0], ya), zs

    checks = []
    for j, name in enumerate(net.param_names()):
        up, down = theta.copy(), theta.copy()
        up[j] += eps
        down[j] -= eps
        (l_up, z_up), (l_down, z_down) = at(up), at(down)
        numeric = (l_up - l_down) / (2 * eps)
        analytic = float(grad[j])
        abs_err = abs(analytic - numeric)
        rel = relative_error(analytic, numeric)
        kinks: set[int] = set()
        for k, has in enumerate(kinked):
            if has:  # a z that changes sign (or touches 0) between the two perturbations
                crossed = (np.sign(z_up[k]) != np.sign(z_down[k])) | (z_up[k] == 0) | (z_down[k] == 0)
                crossed &= z_up[k] != z_down[k]
                kinks.update(int(i) for i in np.flatnonzero(crossed.any(axis=1)))
        passed = rel <= tolerance or abs_err <= ABS_FLOOR * max(1.0, trace.loss)
        checks.append(ParamCheck(name, net.label(name), analytic, numeric, abs_err, rel, bool(passed),
                                 tuple(sorted(kinks))))
    return GradientCheck(tuple(checks), eps, tolerance)


def gradient_check(X: Any, w: Any, b: Any, y: Any, activation: str = "relu", loss: str = "mse", eps: float = 1e-6,
                   tolerance: float = DEFAULT_TOLERANCE) -> GradientCheck:
    """One neuron's gradient check (parameters w0.., b): `Network.gradient_check` without hidden layers."""
    net, Xa, ya, p = neuron_inputs(X, w, b, y, activation, loss)
    return check_network(net, Xa, ya, p, eps, tolerance)
