"""Loss surfaces: the exact loss over a grid of two parameters, the others held at their values.

`Network.loss_surface` returns a `Surface` whose `loss[i, j]` is the loss at v[i] (second axis) and u[j]
(first axis), the layout of Plotly's z[i][j] at y = v[i], x = u[j]. Axes are flat parameter names
(W1[0,1], b2[0]; for one neuron also w0.., b).

Two exact methods. The blocked one ("chunked") runs the whole network's forward pass for a block of grid
points at once, every parameter batched along a leading axis: O(N R_u R_v) for any network. The fast
one, for one neuron with a piecewise-linear activation (f(z) = z for z > 0, s z for z <= 0) and MSE, costs
O(N + R_u) per grid row. Along grid row v_k, write u = c_u + delta (c_u the row's centre) and
z_i = r_i + a_i delta, with r_i the sample's z at the centre and a_i = dz_i/du. Each sample's loss term is
one of two quadratics in delta,

    on  (z_i > 0):   (r_i - y_i + a_i delta)^2
    off (z_i <= 0):  (s r_i - y_i + s a_i delta)^2,

and it switches between them once, where delta crosses t_i = -r_i / a_i. So the row's loss is
(1/N) (C0 + C1 delta + C2 delta^2) with coefficient sums C that change only where a threshold falls
between two grid points: bin every sample at its threshold's grid index, sum its coefficients per bin
(weighted bincounts) and take cumulative sums along the row. Expanding around the grid's centre
column (delta = 0), not around u = 0, keeps the coefficients of the size of the loss terms on the grid:
the expanded quadratic's rounding error stays near machine epsilon times (1/N) sum_i (|r_i - y_i| +
|a_i| span)^2, the loss scale of the grid, whatever the parameters' values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .ops import frozen
from .trace import OfNetwork
from .validation import InputError, to_number

MAX_RESOLUTION = 1001
METHODS = ("auto", "fast", "chunked")
BLOCK_ELEMENTS = 1 << 16  # grid rows x samples binned at once on the fast path: buffers reused, not re-faulted
GRID_BLOCK = 2048  # grid points whose parameter vectors are built at once on the blocked path
BLOCK_ROWS = 8  # grid rows per block (measured fastest on 2-core EPYC, 1 MB L2)


@dataclass(frozen=True, eq=False)
class Surface(OfNetwork):
    """u (R_u,) and v (R_v,) grid values of `axes` (as given); loss (R_v, R_u); `center` their given values;
    `params` all parameters by name, the others held at these values; `method` "fast" or "chunked"."""

    network: Any
    axes: tuple[str, str]
    u: np.ndarray
    v: np.ndarray
    loss: np.ndarray
    center: tuple[float, float]
    params: Mapping[str, np.ndarray]
    method: str

    def contains(self, trajectory) -> np.ndarray:
        """Which of a trajectory's steps lie within this grid, (T+1,) booleans."""
        u, v = trajectory.param(self.axes[0]), trajectory.param(self.axes[1])
        return (u >= self.u[0]) & (u <= self.u[-1]) & (v >= self.v[0]) & (v <= self.v[-1])

    def held(self) -> list[tuple[str, float]]:
        """(label, value) of every parameter not on an axis, in order."""
        on = {self.network.resolve(a) for a in self.axes}
        theta = self.network.flatten(self.params)
        return [(self.network.label(n), float(theta[k])) for k, n in enumerate(self.network.param_names())
                if n not in on]


def surface_of(net, X: Any, y: Any, params: Mapping[str, Any], axes: tuple[str, str], span: Any = 2.0,
               resolution: Any = 51, method: str = "auto") -> Surface:
    """`Network.loss_surface`: the loss on a `resolution`-point grid of each axis, value - span to value + span.

    `span` and `resolution` are one value or one per axis. `method` "auto" uses the exact fast path where one
    exists (one neuron, piecewise-linear activation, MSE), else the blocked evaluation; "fast" and "chunked"
    force one (InputError when there is no fast path)."""
    Xa, ya = net.check_data(X, y)
    p = net.check_params(params)
    axes = tuple(axes)
    if len(axes) != 2:
        raise InputError(f"axes: {axes!r} must name two parameters")
    try:
        iu, iv = net.index(axes[0]), net.index(axes[1])
    except InputError as err:
        raise InputError(f"axes: {err}") from None
    if iu == iv:
        raise InputError(f"axes: {axes!r} must be two different parameters")
    spans = _pair(span, "span", lambda s: to_number(s, "span"))
    sizes = _pair(resolution, "resolution", int)
    if any(s <= 0 for s in spans):
        raise InputError("span must be greater than 0")
    if any(not 2 <= r <= MAX_RESOLUTION for r in sizes):
        raise InputError(f"resolution must lie between 2 and {MAX_RESOLUTION}")
    if method not in METHODS:
        raise InputError(f"method: {method!r} must be one of {', '.join(METHODS)}")
    act = net.layers[-1].activation
    has_fast = net.is_neuron and act.off_slope is not None and net.loss.name == "mse" and net.penalty is None
    fast = has_fast and method != "chunked"
    if method == "fast" and not fast:
        raise InputError("the fast path needs one neuron with a piecewise-linear activation, MSE and no penalty, "
                         f"not {net!r}")
    theta = net.flatten(p)
    du = np.linspace(-spans[0], spans[0], sizes[0])
    dv = np.linspace(-spans[1], spans[1], sizes[1])
    u, v = theta[iu] + du, theta[iv] + dv
    if fast:
        A = np.column_stack([Xa, np.ones(Xa.shape[0])])  # z = A theta; column j is dz/dtheta_j
        grid = _fast_surface(A, theta, ya, iu, iv, du, dv, act.off_slope)
    else:
        grid = _blocked_surface(net, Xa, ya, theta, iu, iv, u, v)
    return Surface(net, axes, frozen(u), frozen(v), frozen(grid), (float(theta[iu]), float(theta[iv])), p,
                   "fast" if fast else "chunked")


def fit_span(trajectories, axes: tuple[str, str], center, span: float, limit: float = 1.0) -> tuple[float, float]:
    """Per axis, `span` widened so that every trajectory's path lies inside the grid with a margin, to at most
    `limit` x span. `center` holds the axes' starting values. Widened spans are rounded up to two significant
    digits."""
    out = []
    for name, c in zip(axes, center, strict=True):
        reach = max((float(np.abs(t.param(name) - c).max()) for t in trajectories), default=0.0)
        wide = 1.1 * reach
        if wide > span:
            unit = 10.0 ** (math.floor(math.log10(wide)) - 1)
            wide = math.ceil(wide / unit) * unit
        out.append(float(min(max(span, wide), limit * span)))
    return out[0], out[1]


def _pair(value: Any, name: str, convert) -> tuple:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2:
        raise InputError(f"{name} must be one value or two")
    try:
        return tuple(convert(x) for x in items)
    except (TypeError, ValueError, OverflowError) as err:
        raise InputError(f"{name}: {err}") from None


def _blocked_surface(net, X: np.ndarray, y: np.ndarray, theta: np.ndarray, iu: int, iv: int,
                     u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The network's objective at every grid point, (R_v, R_u): `Network.objectives` on every grid point's
    parameters (blocks of points run the forward pass together)."""
    gu, gv = len(u), len(v)
    out = np.empty(gu * gv)
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, gu * gv, GRID_BLOCK):
            k = np.arange(start, min(gu * gv, start + GRID_BLOCK))
            thetas = np.broadcast_to(theta, (len(k), len(theta))).copy()
            thetas[:, iu] = u[k % gu]
            thetas[:, iv] = v[k // gu]
            out[k] = net.objectives(X, y, thetas)
    return out.reshape(gv, gu)


def _fast_surface(A, theta, y, iu, iv, du, dv, s: float) -> np.ndarray:
    """Exact MSE surface of a piecewise-linear activation with off slope `s` (module docstring): (R_v, R_u).

    du (R_u,) and dv (R_v,) are the grid's offsets from the centre theta[iu], theta[iv]. Samples with
    a_i = 0 are constant along a row and are summed directly per row. Every other sample is binned, per
    row, at the first grid index where its "upper" piece applies: the "on" piece when a_i > 0 (z grows
    with u), the "off" piece when a_i < 0. `upper` sums the upper pieces' coefficients per bin and
    `lower` the lower pieces'; a row's coefficients at index j are the prefix sum of `upper` up to j
    plus the suffix sum of `lower` beyond j, so no sample's term is ever added and taken away again.
    """
    n = A.shape[0]
    gu = len(du)
    half, step = du[-1], (du[-1] - du[0]) / (gu - 1)
    a, av = A[:, iu], A[:, iv]
    z0 = A @ theta  # (N,) z at the grid's centre
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        # On iff r + a delta_j > 0 with delta_j = -half + j step, i.e. (for a > 0) j > q = r alpha + half / step,
        # alpha = -1 / (a step); with r = z0 + av dv_k, q = q0 + q1 dv_k. The on/off bin is floor(q) + 1 for
        # either sign of a (for a < 0 it differs from ceil(q) only where z = 0 exactly, where the pieces agree).
        alpha = -1.0 / (a * step)
        q0 = z0 * alpha + (half / step + 1.0)
        q1 = av * alpha
    binned = (a != 0) & np.isfinite(q0) & np.isfinite(q1)
    flat = a == 0
    extreme = ~(binned | flat)  # |a| so small that alpha overflows: evaluated directly, as rare as it is exact
    coef = np.zeros((3, len(dv), gu))
    if binned.any():
        coef += _binned_coefficients(binned, a, av, z0, y, q0, q1, dv, s, gu)
    total = coef[0] + du * (coef[1] + du * coef[2])
    if flat.any():
        total += _flat_rows(av[flat], z0[flat], y[flat], dv, s)[:, None]
    if extreme.any():
        total += _direct(z0[extreme], a[extreme], av[extreme], y[extreme], du, dv, s)
    return total / n


def _binned_coefficients(binned, a, av, z0, y, q0, q1, dv, s, gu) -> np.ndarray:
    """Coefficient sums (3, R_v, R_u) of the binned samples' quadratics in delta at every grid point."""
    gv = len(dv)
    upper = np.zeros((3, gv, gu + 1))  # [C0, C1, C2] sums per row and bin
    lower = np.zeros((3, gv, gu + 1))
    rows = max(1, min(gv, BLOCK_ROWS))
    width = max(1, BLOCK_ELEMENTS // rows)
    for rising in (True, False):
        group = np.flatnonzero(binned & ((a > 0) if rising else (a < 0)))
        on_to, off_to = (upper, lower) if rising else (lower, upper)
        for c0 in range(0, group.size, width):
            i = group[c0:c0 + width]
            _bin_chunk(a[i], av[i], z0[i] - y[i], y[i], q0[i], q1[i], dv, s, gu, rows, on_to, off_to)
    prefix = np.cumsum(upper, axis=2)[:, :, :gu]
    suffix = np.cumsum(lower[:, :, ::-1], axis=2)[:, :, ::-1][:, :, 1:]
    return prefix + suffix


def _bin_chunk(a, av, rmy0, y, q0, q1, dv, s, gu, rows, on_to, off_to) -> None:
    """Add one chunk of samples' piece coefficients, binned per grid row, into `on_to` and `off_to`.

    On piece (r - y + a delta)^2 = (r - y)^2 + 2 a (r - y) delta + a^2 delta^2; off piece the same with
    s r and s a. r - y = rmy0 + av dv_k. All temporaries are (rows, m) buffers reused across row blocks.
    """
    m, gv = a.shape[0], len(dv)
    shape = (rows, m)
    q, t0, t1 = np.empty(shape), np.empty(shape), np.empty(shape)
    bins = np.empty(shape, dtype=np.intp)
    row_start = (np.arange(rows, dtype=np.intp) * (gu + 1))[:, None]
    two_a = 2.0 * a
    on_c2 = np.broadcast_to(a * a, shape).copy()
    if s == 0.0:
        off_c0 = np.broadcast_to(y * y, shape).copy()
    else:
        off_c2 = np.broadcast_to((s * s) * (a * a), shape).copy()
        ry_s = s * rmy0 + (s - 1.0) * y  # s r - y = ry_s + s av dv_k
        s_av, two_sa = s * av, 2.0 * s * a
    for k0 in range(0, gv, rows):
        kb = min(rows, gv - k0)
        sl, dvk = slice(None, kb), dv[k0:k0 + kb, None]
        np.multiply(q1, dvk, out=q[sl])
        q[sl] += q0
        np.clip(q[sl], 0.0, gu, out=q[sl])
        np.copyto(bins[sl], q[sl], casting="unsafe")  # truncation = floor on [0, gu]
        bins[sl] += row_start[sl]
        flat, size = bins[sl].ravel(), kb * (gu + 1)
        np.multiply(av, dvk, out=t0[sl])
        t0[sl] += rmy0  # r - y
        np.multiply(t0[sl], two_a, out=t1[sl])
        np.square(t0[sl], out=t0[sl])
        _add(on_to, k0, kb, gu, flat, size, (t0[sl], t1[sl], on_c2[sl]))
        if s == 0.0:
            _add(off_to, k0, kb, gu, flat, size, (off_c0[sl], None, None))
        else:
            np.multiply(s_av, dvk, out=t0[sl])
            t0[sl] += ry_s  # s r - y
            np.multiply(t0[sl], two_sa, out=t1[sl])
            np.square(t0[sl], out=t0[sl])
            _add(off_to, k0, kb, gu, flat, size, (t0[sl], t1[sl], off_c2[sl]))


def _add(acc, k0, kb, gu, flat, size, weights) -> None:
    for c, w in enumerate(weights):
        if w is not None:
            acc[c, k0:k0 + kb] += np.bincount(flat, w.ravel(), minlength=size).reshape(kb, gu + 1)


def _piece(z: np.ndarray, y: np.ndarray, s: float) -> np.ndarray:
    """(f(z) - y)^2 for f(z) = z (z > 0), s z (z <= 0)."""
    return (np.where(z > 0, z, s * z) - y) ** 2


def _flat_rows(av, z0, y, dv, s) -> np.ndarray:
    """Per-row loss sums (R_v,) of samples with a_i = 0, whose z = z0 + av dv_k does not change along a row."""
    out = np.empty(len(dv))
    rows = max(1, BLOCK_ELEMENTS // max(1, len(z0)))
    for k0 in range(0, len(dv), rows):
        out[k0:k0 + rows] = _piece(z0 + av * dv[k0:k0 + rows, None], y, s).sum(axis=1)
    return out


def _direct(z0, a, av, y, du, dv, s) -> np.ndarray:
    """Summed loss (R_v, R_u) of a few samples, evaluated at every grid point."""
    out = np.empty((len(dv), len(du)))
    for k, dvk in enumerate(dv):
        z = (z0 + av * dvk)[None, :] + a[None, :] * du[:, None]
        out[k] = _piece(z, y, s).sum(axis=1)
    return out
