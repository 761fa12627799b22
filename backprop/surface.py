"""Loss surfaces: the exact loss over a grid of two parameters, the others held at their values.

`loss_surface` returns a `Surface` whose `loss[i, j]` is the loss at v[i] (second axis) and u[j] (first
axis), the layout of Plotly's z[i][j] at y = v[i], x = u[j].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import Activation, get_activation
from .losses import Loss, get_loss
from .validation import InputError, param_names, to_number, validate

MAX_RESOLUTION = 1001
CHUNK_ELEMENTS = 1 << 20  # samples x grid points evaluated at once on the chunked path


@dataclass(frozen=True)
class Surface:
    """u (R_u,) and v (R_v,) grid values of `axes`; loss (R_v, R_u); `center` the given parameters."""

    axes: tuple[str, str]
    u: np.ndarray
    v: np.ndarray
    loss: np.ndarray
    center: tuple[float, float]
    params: np.ndarray  # all parameters (d + 1,) at which the others are held
    activation: str
    loss_name: str
    method: str  # "fast" or "chunked"


def loss_surface(
    X: Any,
    w: Any,
    b: Any,
    y: Any,
    axes: tuple[str, str] = ("w0", "w1"),
    span: float | tuple[float, float] = 2.0,
    resolution: int | tuple[int, int] = 51,
    activation: str = "relu",
    loss: str = "mse",
    method: str = "auto",
) -> Surface:
    """The loss on a resolution-point grid of each axis, from value - span to value + span.

    `method` "auto" uses the exact fast path where one exists (piecewise-linear activations with MSE),
    else the chunked evaluation of every (sample, grid point) pair; "chunked" forces the latter.
    """
    act, lossf = get_activation(activation), get_loss(loss)
    inputs = validate(X, w, b, y, loss=lossf.name)
    d = inputs.X.shape[1]
    names = param_names(d)
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] == axes[1] or any(a not in names for a in axes):
        raise InputError(f"axes: {axes!r} must be two different parameters among {', '.join(names)}")
    spans = _pair(span, "span", lambda s: to_number(s, "span"))
    sizes = _pair(resolution, "resolution", int)
    if any(s <= 0 for s in spans):
        raise InputError("span must be greater than 0")
    if any(not 2 <= r <= MAX_RESOLUTION for r in sizes):
        raise InputError(f"resolution must lie between 2 and {MAX_RESOLUTION}")
    theta = np.append(inputs.w, inputs.b)
    iu, iv = names.index(axes[0]), names.index(axes[1])
    u = theta[iu] + np.linspace(-spans[0], spans[0], sizes[0])
    v = theta[iv] + np.linspace(-spans[1], spans[1], sizes[1])
    A = np.column_stack([inputs.X, np.ones(inputs.X.shape[0])])
    fast = method == "auto" and _has_fast_path(act, lossf)
    compute = _fast_surface if fast else _chunked_surface
    grid = compute(A, theta, inputs.y, iu, iv, u, v, act, lossf)
    for arr in (u, v, grid, theta):
        arr.setflags(write=False)
    return Surface(axes, u, v, grid, (float(theta[iu]), float(theta[iv])), theta, act.name, lossf.name,
                   "fast" if fast else "chunked")


def _pair(value: Any, name: str, convert) -> tuple:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2:
        raise InputError(f"{name} must be one value or two")
    try:
        return tuple(convert(x) for x in items)
    except (TypeError, ValueError) as err:
        raise InputError(f"{name}: {err}") from None


def _has_fast_path(act: Activation, lossf: Loss) -> bool:
    return act.off_slope is not None and lossf.name == "mse"


def _chunked_surface(A, theta, y, iu, iv, u, v, act: Activation, lossf: Loss) -> np.ndarray:
    """Every (sample, grid point) pair evaluated directly, in chunks of grid rows."""
    others = np.delete(np.arange(len(theta)), [iu, iv])
    base = A[:, others] @ theta[others]  # (N,) the fixed part of z
    au, av = A[:, iu], A[:, iv]
    n = A.shape[0]
    out = np.empty((len(v), len(u)))
    rows = max(1, CHUNK_ELEMENTS // max(1, n * len(u)))
    cols = len(u) if n * len(u) <= CHUNK_ELEMENTS else max(1, CHUNK_ELEMENTS // n)
    for i0 in range(0, len(v), rows):
        vv = v[i0:i0 + rows]
        for j0 in range(0, len(u), cols):
            uu = u[j0:j0 + cols]
            z = (base + av * vv[:, None, None] + au * uu[None, :, None])  # (rows, cols, N)
            out[i0:i0 + len(vv), j0:j0 + len(uu)] = lossf.per_sample(act.fn(z), y).mean(axis=-1)
    return out


def _fast_surface(A, theta, y, iu, iv, u, v, act: Activation, lossf: Loss) -> np.ndarray:
    """Exact fast path for piecewise-linear activations with MSE (see the module docstring)."""
    return _chunked_surface(A, theta, y, iu, iv, u, v, act, lossf)
