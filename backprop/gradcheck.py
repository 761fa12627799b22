"""Gradient check: the analytic gradient of a trace against central finite differences, for every parameter
of any network.

For each parameter p: numeric = (L(p + h) - L(p - h)) / (2 h), with L the objective (loss + penalty). The
step h is scaled to the parameter: a weight that multiplies inputs of size s gets h = eps / max(1, s) (a bias
h = eps), so that the perturbation moves each z by about eps whatever the inputs' magnitude; outside that
linear range a finite difference of a curved loss is simply wrong. Each derivative is estimated twice, at h
and at h / 10: when the two estimates disagree, the finite difference itself is unreliable at this point (the
loss curves too fast, or round-off swamps the change), and the parameter is reported inconclusive with the
reason, never failed. Where the perturbation moves some pre-activation z of a unit with a kinked activation
(the ReLU family) across 0, or an L1-penalised weight across 0, the difference straddles the kink and is not
trustworthy there; such parameters are flagged, with the samples concerned, rather than failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .trace import make_trace
from .validation import InputError

DEFAULT_EPS = 1e-6
DEFAULT_TOLERANCE = 1e-6
ABS_FLOOR = 1e-8  # below this (times the loss scale) a difference is finite-difference round-off
REFINE = 10.0  # the second estimate's step is h / REFINE


@dataclass(frozen=True)
class ParamCheck:
    """One parameter's check: `name` flat, `label` as the app shows it, `step` the h used. `kink_samples` lists the
    samples whose kink the perturbation straddles (`at_kink` is also set for an L1-penalised weight at 0);
    `inconclusive` says why the finite difference cannot decide ("" when it can)."""

    name: str
    label: str
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    passed: bool
    kink_samples: tuple[int, ...]
    step: float = DEFAULT_EPS
    inconclusive: str = ""
    penalty_kink: bool = False

    @property
    def at_kink(self) -> bool:
        return bool(self.kink_samples) or self.penalty_kink

    @property
    def failed(self) -> bool:
        """Disagreement that neither a kink nor an unreliable finite difference explains."""
        return not (self.passed or self.at_kink or self.inconclusive)


@dataclass(frozen=True)
class GradientCheck:
    """Per-parameter checks, in the network's parameter order."""

    params: tuple[ParamCheck, ...]
    eps: float
    tolerance: float

    @property
    def passed(self) -> bool:
        """True when no parameter failed: every one agrees, or sits at a kink, or cannot be decided."""
        return not any(p.failed for p in self.params)

    @property
    def inconclusive(self) -> tuple[ParamCheck, ...]:
        return tuple(p for p in self.params if p.inconclusive and not p.passed)

    def __getitem__(self, name: str) -> ParamCheck:
        for p in self.params:
            if name in (p.name, p.label):
                return p
        raise KeyError(name)


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), and 0 when both are exactly 0."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def check_network(net, X: Any, y: Any, params: Mapping[str, Any], eps: float | None = None,
                  tolerance: float = DEFAULT_TOLERANCE) -> GradientCheck:
    """`Network.gradient_check`: every analytic partial derivative against its central difference. `eps` None
    scales each parameter's step to its inputs (module docstring); a number fixes eps before that scaling."""
    trace = make_trace(net, X, y, params)
    for name, value in (("eps", DEFAULT_EPS if eps is None else eps), ("tolerance", tolerance)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise InputError(f"{name}: {value!r} must be a number between 0 and 1")
    base = DEFAULT_EPS if eps is None else float(eps)
    Xa, ya = trace.X, trace.y
    theta = net.flatten(trace.params)
    grad = trace.grad
    h = base / np.maximum(1.0, _input_scale(net, trace))
    P = len(theta)
    thetas = np.repeat(theta[None], 4 * P, axis=0)
    rows = np.arange(P)
    for k, step in enumerate((h, -h, h / REFINE, -h / REFINE)):
        thetas[k * P + rows, rows] += step
    with np.errstate(over="ignore", invalid="ignore"):
        L = net.objectives(Xa, ya, thetas).reshape(4, P)
        numeric = (L[0] - L[1]) / (2 * h)
        fine = (L[2] - L[3]) / (2 * h / REFINE)
    floor = ABS_FLOOR * max(1.0, abs(trace.loss))
    l1 = net.regularization == "l1"
    checks = []
    for j, name in enumerate(net.param_names()):
        analytic, num = float(grad[j]), float(numeric[j])
        abs_err = abs(analytic - num)
        rel = relative_error(analytic, num)
        passed = bool(rel <= tolerance or abs_err <= floor)
        kinks: tuple[int, ...] = ()
        unsure = ""
        on_l1 = l1 and name.startswith("W") and abs(theta[j]) <= h[j]
        if not passed:
            kinks = _kinks(net, Xa, theta, j, h[j])
            if not (kinks or on_l1):
                unsure = _unsure(num, float(fine[j]), tolerance, floor, h[j])
        checks.append(ParamCheck(name, net.label(name), analytic, num, abs_err, rel, passed, kinks, float(h[j]),
                                 unsure, bool(on_l1 and not passed)))
    return GradientCheck(tuple(checks), base, tolerance)


def _input_scale(net, trace) -> np.ndarray:
    """Per parameter, the size of the inputs it multiplies: max over samples of |a_{l-1}[:, i]| for W_l[i, j]; 0 for
    a bias (its step is eps itself)."""
    out = []
    for layer in net.layers:
        A = trace.record("linear", layer.index).inputs["A"]
        col = np.abs(A).max(axis=0) if A.size else np.zeros(layer.fan_in)
        out += [np.repeat(col, layer.fan_out), np.zeros(layer.fan_out)]
    return np.concatenate(out)


def _unsure(numeric: float, fine: float, tolerance: float, floor: float, h: float) -> str:
    """Why the finite difference cannot decide: its estimates at h and h/10 disagree; "" when they agree."""
    if not (np.isfinite(numeric) and np.isfinite(fine)):
        return "the loss overflows within the finite difference's step"
    if relative_error(numeric, fine) <= tolerance or abs(numeric - fine) <= floor:
        return ""
    return (f"the finite difference is unreliable here: with step {h:.2g} it gives {numeric:.6g}, with step "
            f"{h / REFINE:.2g} {fine:.6g} (the loss curves faster than the step, or round-off swamps the change)")


def _kinks(net, X: np.ndarray, theta: np.ndarray, j: int, h: float) -> tuple[int, ...]:
    """The samples whose pre-activation at a kinked unit (the ReLU family) changes sign, or touches 0, between
    theta_j - h and theta_j + h."""
    kinked = [layer.index for layer in net.layers if layer.activation.has_kink]
    if not kinked:
        return ()
    up, down = theta.copy(), theta.copy()
    up[j] += h
    down[j] -= h
    with np.errstate(over="ignore", invalid="ignore"):
        vu, vd = net.evaluate(X, net.unflatten(up)), net.evaluate(X, net.unflatten(down))
    found: set[int] = set()
    for l in kinked:
        zu, zd = vu[f"z{l}"], vd[f"z{l}"]
        crossed = ((np.sign(zu) != np.sign(zd)) | (zu == 0) | (zd == 0)) & (zu != zd)
        found.update(int(i) for i in np.flatnonzero(crossed.any(axis=1)))
    return tuple(sorted(found))
