"""Plotly figures of surfaces and trajectories: pure functions, engine results in, `go.Figure` out.

An animated figure is an `Animation`: the figure at step 0 (no Plotly frames, no Plotly slider) and its frames
as plain data, one per step 0..T, each holding only what changes in the traces it names. The browser plays
them (the figure component, ui/components/figure/, draws the player): plotly.py never validates a frame.
`landscape_figure` draws a loss surface twice (3D and as a contour map) with each optimizer's path, and
the loss per step below; its frames move only a marker per optimizer and never carry the surface. Paths are
drawn whole from the start; frames that grew them would make the figure O(T^2) in size.
`model_figure` draws what a network (one neuron or an MLP) computes over its input space at each step of one
trajectory.
Pure: no Streamlit.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from backprop import ACTIVATIONS, OPTIMIZER_LABELS, Surface, Trajectory, feature_names
from backprop.network import CHUNK_ELEMENTS


@dataclass(frozen=True)
class Animation:
    """A figure and its frames, as plain data the browser plays (ui/components/figure/figure.js).

    `figure` shows step 0. `frames[k]` is step k: for each index of `traces`, in order, the attributes of that
    trace that change (lists of numbers, or typed-array specs as `_typed` makes them: never NumPy arrays, so
    it is JSON as it is). `redraw`: whether a frame must redraw the plot (a heatmap, WebGL or 3D traces): the
    component shows such frames with Plotly.restyle, the others with Plotly.animate. Without frames it is a still
    figure."""

    figure: go.Figure
    frames: tuple[tuple[dict, ...], ...] = ()
    traces: tuple[int, ...] = ()
    redraw: bool = False

    @property
    def steps(self) -> int:
        """T: the frames are steps 0..T."""
        return max(len(self.frames) - 1, 0)

    @property
    def duration(self) -> int:
        """Milliseconds per frame while playing."""
        return frame_duration(self.steps)


@dataclass(frozen=True)
class Style:
    label: str
    color: str
    dash: str
    symbol: str  # a symbol both Scatter and Scatter3d draw
    dark: str = ""  # the colour on the dark theme's page, when `color` is too dark to see there

    @property
    def color_dark(self) -> str:
        return self.dark or self.color


STYLES = {  # Okabe-Ito colours, told apart without colour too: dashes and marker symbols differ
    # SGD's blue vanishes on a dark page and in Viridis' dark valley: Okabe-Ito's sky blue in the dark theme
    "sgd": Style(OPTIMIZER_LABELS["sgd"], "#0072B2", "solid", "circle", dark="#56B4E9"),
    "momentum": Style(OPTIMIZER_LABELS["momentum"], "#E69F00", "dash", "square"),
    "adam": Style(OPTIMIZER_LABELS["adam"], "#009E73", "dot", "diamond"),
    "notebook": Style(OPTIMIZER_LABELS["notebook"], "#D55E00", "dashdot", "x"),
}
LOSS_COLORS = "Viridis"
PREDICTION_COLORS = "RdBu_r"
START_COLOR = "#222222"  # the start's marker and the model view's sample edges ("ink" on a dark page)
# The model view's z = 0 line or decision boundary, black on the map's white middle (RdBu_r, where a boundary
# mostly runs); on a dark page a grey that shows 3:1 or more on the page (its legend swatch) and on the map's
# white middle and dark ends alike.
LEVEL_COLOR = "#000000"
LEVEL_COLOR_DARK = "#8C8C8C"
FRAME_DIGITS = 6  # significant digits of a marker's position in a frame: far below a pixel, a third of the bytes
MODEL_GRID = 41  # points per axis of the model view's heatmap
CURVE_POINTS = 121  # points of a network's prediction curve over one feature
# The model view's legend, in a row above the plot. Its figures get their layout when made: plotly.py's
# update_layout on a figure with traces costs several times as much (each change is dispatched to the traces).
LEGEND_ABOVE = dict(orientation="h", y=1.02, yanchor="bottom", x=0)
LEVELS = 250  # colour levels, one byte a cell; not 255, whose runs encode as "////", escaped to 6 bytes each


def dark_colors() -> dict[str, str]:
    """The figures' colours that a dark page needs changed, to their colour there ("ink": the page's text
    colour). The figure component (ui/components/figure/figure.js) swaps them when the theme is dark."""
    return {START_COLOR: "ink", LEVEL_COLOR: LEVEL_COLOR_DARK, **{s.color: s.dark for s in STYLES.values() if s.dark}}


def style(optimizer: str) -> Style:
    return STYLES.get(optimizer, Style(optimizer, "#7F7F7F", "solid", "circle"))


def is_exact(surface: Surface, trajectory: Trajectory) -> bool:
    """Whether the path lies on the surface: only the surface's two axes were trained."""
    return set(trajectory.trainable) <= {surface.network.resolve(a) for a in surface.axes}


HELD_LISTED = 3  # held parameters named one by one; more are counted (a network's are in its tables)


def held_text(surface: Surface, precision: int = 4) -> str:
    """The parameters a surface holds fixed, e.g. "b = 1.0000", or "" when it has no others; more than
    HELD_LISTED are counted instead ("the 7 other parameters at their current values")."""
    held = surface.held()
    if len(held) > HELD_LISTED:
        return f"the {len(held)} other parameters at their current values"
    return ", ".join(f"{n} = {v:.{precision}f}" for n, v in held)


def frame_duration(steps: int) -> int:
    """Milliseconds per frame: a run plays in about eight seconds, 20 to 150 ms a frame."""
    return int(min(150, max(20, 8000 // max(steps, 1))))


def _short(values) -> list[float]:
    return [float(f"{v:.{FRAME_DIGITS}g}") for v in np.ravel(values)]


def _typed(a: np.ndarray) -> dict:
    """A NumPy array as Plotly.js's typed-array spec (what plotly.py sends arrays as): plain JSON, one to eight bytes
    a number (NaN included) where a list of numbers takes a dozen, and read by the browser in one step."""
    dtype = {"uint8": "u1", "int8": "i1", "int32": "i4", "float32": "f4", "float64": "f8"}[str(a.dtype)]
    return {"dtype": dtype, "bdata": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii"),
            **({"shape": ", ".join(map(str, a.shape))} if a.ndim > 1 else {})}


def _at(trajectory: Trajectory, step: int) -> int:
    """The recorded row shown at `step`: a run that stopped early stays at its last recorded state."""
    return min(step, trajectory.n_steps)


def landscape_figure(surface: Surface, trajectories: Sequence[Trajectory], start_loss: float,
                     precision: int = 4, log_loss: bool = False, show_3d: bool = True,
                     height: int = 940) -> Animation:
    """The surface in 3D (unless `show_3d` is off) and as contours, each trajectory's path on both, and the
    loss per step below, animated.

    `start_loss` is the loss at the surface's centre (the current parameters). With trajectories it has one
    frame per step 0..T (T their common `steps`), each moving one marker per optimizer; without, none.
    """
    un, vn = surface.axes
    p = precision
    held = held_text(surface, p)
    title = f"Loss over ({un}, {vn})" + (f", {held} held" if held else "")
    if show_3d:
        fig = make_subplots(rows=2, cols=2, specs=[[{"type": "scene"}, {"type": "xy"}],
                                                   [{"type": "xy", "colspan": 2}, None]],
                            row_heights=[0.64, 0.36], horizontal_spacing=0.1, vertical_spacing=0.2,
                            subplot_titles=(title, "Contour map (seen from above)", "Loss per update step"))
        at = {"scene": dict(row=1, col=1), "map": dict(row=1, col=2), "loss": dict(row=2, col=1)}
    else:
        fig = make_subplots(rows=2, cols=1, row_heights=[0.64, 0.36], vertical_spacing=0.2,
                            subplot_titles=(title + ": contour map", "Loss per update step"))
        at = {"map": dict(row=1, col=1), "loss": dict(row=2, col=1)}
    u0, v0 = surface.center
    hover = f"{un} = %{{x:.{p}f}}<br>{vn} = %{{y:.{p}f}}<br>L = %{{z:.{p}f}}<extra>surface</extra>"
    start_hover = (f"current parameters<br>{un} = {u0:.{p}f}<br>{vn} = {v0:.{p}f}<br>L = {start_loss:.{p}f}"
                   "<extra></extra>")
    start = dict(mode="markers", name="current parameters", legendgroup="start", hovertemplate=start_hover)
    if show_3d:
        fig.add_trace(go.Surface(x=surface.u, y=surface.v, z=surface.loss, colorscale=LOSS_COLORS, showscale=False,
                                 opacity=0.92, name="loss surface", hovertemplate=hover,
                                 contours_z=dict(show=True, usecolormap=True, width=1)),  # no floor projection
                      **at["scene"])
        fig.add_trace(go.Scatter3d(x=[u0], y=[v0], z=[start_loss], showlegend=False, **start,
                                   marker=dict(color=START_COLOR, symbol="diamond", size=5)), **at["scene"])
    fig.add_trace(go.Contour(x=surface.u, y=surface.v, z=surface.loss, colorscale=LOSS_COLORS, ncontours=24,
                             name="loss contours", hovertemplate=hover.replace("surface", "contour map"),
                             colorbar=dict(title=dict(text="loss L"), len=0.6, y=1.0, yanchor="top", thickness=14),
                             line=dict(width=0.5)), **at["map"])
    fig.add_trace(go.Scatter(x=[u0], y=[v0], **start, marker=dict(color=START_COLOR, symbol="diamond", size=12,
                                                                  line=dict(color="white", width=1.5))),
                  **at["map"])
    for t in trajectories:
        _add_path(fig, surface, t, p, at)
    if show_3d:
        zs = [surface.loss.ravel()] + [t.loss[surface.contains(t)] for t in trajectories]
        zmin, zmax = min(float(z.min()) for z in zs if z.size), max(float(z.max()) for z in zs if z.size)
        pad = 0.02 * (zmax - zmin) or 1.0
        fig.update_scenes(xaxis_title_text=un, yaxis_title_text=vn, zaxis_title_text="loss L",
                          xaxis_range=[surface.u[0], surface.u[-1]], yaxis_range=[surface.v[0], surface.v[-1]],
                          zaxis_range=[zmin - pad, zmax + pad], aspectmode="manual",
                          aspectratio=dict(x=1, y=1, z=0.7), camera=dict(eye=dict(x=1.6, y=-1.6, z=1.05)),
                          domain_x=[0.08, fig.layout.scene.domain.x[1]])  # room for the loss axis' labels
    fig.update_xaxes(title_text=un, range=[surface.u[0], surface.u[-1]], **at["map"])
    fig.update_yaxes(title_text=vn, range=[surface.v[0], surface.v[-1]], **at["map"])
    fig.update_xaxes(title_text="update step", **at["loss"])
    fig.update_yaxes(title_text="loss L", type="log" if log_loss else "linear", **at["loss"])
    fig.update_layout(height=height, margin=dict(t=40, b=20, l=20, r=20), legend=dict(
        orientation="h", yanchor="middle", y=0.37, xanchor="left", x=0.0, title_text="optimizer"))
    return _animate_landscape(fig, surface, trajectories, at) if trajectories else Animation(fig)


def _add_path(fig: go.Figure, surface: Surface, t: Trajectory, p: int, at: dict) -> None:
    s = style(t.optimizer)
    un, vn = surface.axes
    u, v = t.param(un), t.param(vn)
    steps = np.arange(t.n_steps + 1)
    where = "" if is_exact(surface, t) else " (true loss, off the slice)"
    hover = (f"{s.label} · step %{{customdata[0]}}<br>{un} = %{{x:.{p}f}}<br>{vn} = %{{y:.{p}f}}"
             f"<br>L = %{{customdata[1]:.{p}f}}{where}<extra></extra>")
    data = np.column_stack([steps, t.loss])
    line = dict(color=s.color, dash=s.dash)
    if "scene" in at:
        fig.add_trace(go.Scatter3d(x=u, y=v, z=t.loss, mode="lines+markers", name=s.label, legendgroup=t.optimizer,
                                   showlegend=False, customdata=data, hovertemplate=hover,
                                   line=dict(**line, width=5), marker=dict(color=s.color, size=2)), **at["scene"])
    fig.add_trace(go.Scatter(x=u, y=v, mode="lines+markers", name=s.label, legendgroup=t.optimizer, customdata=data,
                             hovertemplate=hover, line=dict(**line, width=2.5),
                             marker=dict(color=s.color, size=4, symbol=s.symbol)), **at["map"])
    fig.add_trace(go.Scatter(x=steps, y=t.loss, mode="lines", name=s.label, legendgroup=t.optimizer, showlegend=False,
                             line=dict(**line, width=2),
                             hovertemplate=f"{s.label} · step %{{x}}<br>L = %{{y:.{p}f}}<extra></extra>"), **at["loss"])
    if t.diverged_at is not None:
        fig.add_trace(go.Scatter(
            x=[steps[-1]], y=[t.loss[-1]], mode="markers+text", legendgroup=t.optimizer, showlegend=False,
            marker=dict(color=s.color, symbol="x", size=11), text=[f"{s.label} diverged at step {t.diverged_at}"],
            textposition="middle right", hovertemplate=f"{s.label}: the update of step {t.diverged_at} made the loss "
                                                   f"explode; the path stops at step {steps[-1]}<extra></extra>"),
            **at["loss"])


def _heads(surface: Surface, trajectories: Sequence[Trajectory], step: int, show_3d: bool) -> tuple[dict, ...]:
    """One frame: each optimizer's position at `step` in 3D (unless `show_3d` is off), on the map and on the loss
    curve, as the x, y (and z) of three marker traces."""
    rows = [_at(t, step) for t in trajectories]
    u = _short([t.param(surface.axes[0])[k] for t, k in zip(trajectories, rows, strict=True)])
    v = _short([t.param(surface.axes[1])[k] for t, k in zip(trajectories, rows, strict=True)])
    loss = _short([t.loss[k] for t, k in zip(trajectories, rows, strict=True)])
    heads = (dict(x=u, y=v), dict(x=rows, y=loss))
    return (dict(x=u, y=v, z=loss), *heads) if show_3d else heads


def _animate_landscape(fig: go.Figure, surface: Surface, trajectories: Sequence[Trajectory], at: dict) -> Animation:
    """Marker traces (one point per optimizer, in 3D, on the map, on the loss curve) and their frames.

    The 2D markers are WebGL traces on purpose: a frame that changes an SVG scatter trace makes plotly.js
    re-plot that subplot with only the changed traces, which removes its contour layer (plotly.js issue
    4491). WebGL markers are left alone by that step and drawn by the redraw, which the 3D markers need
    anyway (plotly.js issue 1221).
    """
    show_3d = "scene" in at
    marker = dict(color=[style(t.optimizer).color for t in trajectories],
                  symbol=[style(t.optimizer).symbol for t in trajectories], line=dict(color="white", width=1.5))
    first = len(fig.data)
    places = (["scene"] if show_3d else []) + ["map", "loss"]
    sizes = {"scene": 7, "map": 13, "loss": 10}
    for head, place in zip(_heads(surface, trajectories, 0, show_3d), places, strict=True):
        trace = go.Scatter3d if place == "scene" else go.Scattergl
        fig.add_trace(trace(head, mode="markers", showlegend=False, hoverinfo="skip",
                            marker=dict(marker, size=sizes[place])), **at[place])
    steps = max(t.steps for t in trajectories)
    return Animation(fig, tuple(_heads(surface, trajectories, k, show_3d) for k in range(steps + 1)),
                     tuple(range(first, len(fig.data))), redraw=True)


def model_figure(trajectory: Trajectory, X, y, features: tuple[int, int] = (0, 1), precision: int = 4,
                 max_points: int = 2000, height: int = 520) -> Animation:
    """What the network (`trajectory.network`) computes at each step of `trajectory`, with the samples, animated:
    frames 0..steps, a run that diverged staying at its last recorded state (and saying so).

    One feature: the prediction against x0 over the samples (x0, y). Two features: a heatmap of the prediction
    over the plane with the samples coloured by target, and the line where one neuron's z = 0 or where a
    network's prediction crosses its threshold (`threshold`). More features: one neuron keeps the plane of
    `features`, the others held at their mean; a network plots each sample's prediction against its target.
    At most `max_points` samples are drawn (evenly spaced).
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    shown = np.unique(np.linspace(0, len(y) - 1, min(len(y), max_points)).round().astype(int))
    if X.shape[1] == 1:
        return _model_line(trajectory, X[:, 0], y, shown, precision, height)
    if X.shape[1] == 2 or trajectory.network.is_neuron:
        return _model_plane(trajectory, X, y, features, shown, precision, height)
    return _model_fit(trajectory, X, y, shown, precision, height)


def threshold(trajectory: Trajectory, y) -> float:
    """Where a network's decision boundary lies: a = 0.5 for a probability (BCE), else the targets' midpoint."""
    if trajectory.loss_name == "bce":
        return 0.5
    y = np.asarray(y, dtype=np.float64)
    return float(y.min() + y.max()) / 2


def _predict(trajectory: Trajectory, z: np.ndarray) -> np.ndarray:
    return ACTIVATIONS[trajectory.activation].fn(z)


def _network(trajectory: Trajectory, step: int, X: np.ndarray) -> np.ndarray:
    """The network's prediction (N,) for the rows of X (N, d) with the parameters after `step` updates."""
    return trajectory.network.predict(X, trajectory.at(step))


def _predictions(trajectory: Trajectory, X: np.ndarray) -> np.ndarray:
    """The network's prediction (T+1, N) for the rows of X (N, d) at every recorded step: blocks of steps in one
    forward pass each (the parameters stacked along a leading axis, as `Network.objectives` evaluates them)."""
    net, flat = trajectory.network, trajectory.flat
    block = max(1, CHUNK_ELEMENTS // max(1, len(X) * max(layer.fan_out for layer in net.layers)))
    return np.concatenate([net.predict(X, net.unflatten(flat[s:s + block])) for s in range(0, len(flat), block)])


def _prediction_label(trajectory: Trajectory) -> str:
    return f"prediction a = {ACTIVATIONS[trajectory.activation].label}(z)"


def _span(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    pad = 0.1 * (hi - lo) or 1.0
    return lo - pad, hi + pad


def _levels(a: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Predictions as colour levels 0..LEVELS over [lo, hi], clipped at both ends: one byte a cell."""
    return np.clip(np.rint((a - lo) / (hi - lo) * LEVELS), 0, LEVELS).astype(np.uint8)


def _stopped(fig: go.Figure, trajectory: Trajectory) -> None:
    if trajectory.diverged_at is not None:
        fig.add_annotation(text=f"{style(trajectory.optimizer).label} diverged at step {trajectory.diverged_at}: "
                                f"from there on this shows step {trajectory.n_steps}",
                           xref="paper", yref="paper", x=0.01, y=0.99, xanchor="left", yanchor="top",
                           showarrow=False, bgcolor="rgba(255,255,255,0.85)", font=dict(color="#B00020"))


def _neuron_curve(t: Trajectory, lo: float, hi: float):
    """One neuron's line at step k, exactly: two points, or three with the kink where z = 0."""
    act = ACTIVATIONS[t.activation]
    grid = np.linspace(lo, hi, 61 if act.off_slope is None else 2)

    def curve(k: int) -> tuple[np.ndarray, np.ndarray]:
        w, b = t.w[k, 0], t.b[k]
        xs = grid
        if act.off_slope is not None and w != 0 and lo < -b / w < hi:  # a straight line but for one kink
            xs = np.sort(np.append(grid, -b / w))
        return xs, _predict(t, w * xs + b)

    return curve


def _model_line(t: Trajectory, x: np.ndarray, y: np.ndarray, shown: np.ndarray, p: int, height: int) -> Animation:
    lo, hi = _span(x)
    if t.network.is_neuron:
        curve = _neuron_curve(t, lo, hi)
    else:
        grid = np.linspace(lo, hi, CURVE_POINTS)

        def curve(k: int) -> tuple[np.ndarray, np.ndarray]:
            return grid, _network(t, k, grid[:, None])

    s = style(t.optimizer)
    label = _prediction_label(t)
    curves = [curve(k) for k in range(t.n_steps + 1)]
    x0, a0 = curves[0]
    ylo, yhi = _span(np.clip(np.concatenate([y, a0, curves[-1][1]]), *_clip_range(y)))
    fig = go.Figure(layout=dict(height=height, xaxis=dict(title=dict(text="x0"), range=[lo, hi]),
                                yaxis=dict(title=dict(text=label), range=[ylo, yhi]), legend=LEGEND_ABOVE,
                                margin=dict(t=60, b=20, l=20, r=20)))
    fig.add_scatter(x=x0, y=a0, mode="lines", name="at the start", line=dict(color="#999999", dash="dot"),
                    hovertemplate=f"x0 = %{{x:.{p}f}}<br>a = %{{y:.{p}f}}<extra>start</extra>")
    fig.add_scatter(x=x[shown], y=y[shown], mode="markers", name="samples (x0, y)",
                    marker=dict(color=START_COLOR, size=9, symbol="circle-open", line=dict(width=2)),
                    customdata=shown, hovertemplate=f"sample %{{customdata}}<br>x0 = %{{x:.{p}f}}<br>"
                                                    f"y = %{{y:.{p}f}}<extra></extra>")
    fig.add_scatter(x=x0, y=a0, mode="lines", name=f"{s.label}: {label}", line=dict(color=s.color, width=3),
                    hovertemplate=f"x0 = %{{x:.{p}f}}<br>a = %{{y:.{p}f}}<extra>{s.label}</extra>")

    def moved(c: tuple[np.ndarray, np.ndarray]) -> dict:  # a network's grid stays put: its frames carry only y
        return dict(x=_short(c[0]), y=_short(c[1])) if t.network.is_neuron else dict(y=_short(c[1]))

    _stopped(fig, t)
    return Animation(fig, tuple((moved(curves[_at(t, k)]),) for k in range(t.steps + 1)), (2,))


def _clip_range(y: np.ndarray) -> tuple[float, float]:
    """The targets' range widened twice over: predictions beyond it are cut off, not allowed to flatten the view."""
    lo, hi = float(min(y.min(), 0.0)), float(max(y.max(), 0.0))
    width = hi - lo or 1.0
    return lo - width, hi + width


def _line(x, y, name: str) -> dict:
    """A frame's line: its points (float32 arrays as typed-array specs: their NaN gaps are bytes, not JSON), or one
    gap point when it lies off the view, so that its name, which then says so, stays in the legend (Plotly leaves
    a trace without points out of the legend)."""
    if not len(x):
        return dict(x=[None], y=[None], name=name)
    return dict(x=_typed(x), y=_typed(y), name=name) if isinstance(x, np.ndarray) else dict(x=x, y=y, name=name)


def _neuron_state(t: Trajectory, gx: np.ndarray, gy: np.ndarray, i: int, j: int, others: list[int],
                  means: np.ndarray, clo: float, chi: float):
    """Step k -> one neuron's colour levels over the grid and its z = 0 line (ends, and a name saying if it is off
    view)."""
    on = "where ReLU switches on" if t.activation in ("relu", "leaky_relu") else "the activation's centre"
    box = (gx[0], gx[-1]), (gy[0], gy[-1])

    def state(k: int) -> tuple[np.ndarray, dict]:
        w, b = t.w[k], t.b[k] + float(t.w[k, others] @ means)
        z = w[i] * gx[None, :] + w[j] * gy[:, None] + b
        bx, by = _zero_line(w[i], w[j], b, *box)
        sign = ">" if z[MODEL_GRID // 2, MODEL_GRID // 2] > 0 else "<"
        name = f"z = 0 ({on})" if bx else f"z = 0 lies outside this view: z {sign} 0 everywhere here"
        return _levels(_predict(t, z), clo, chi), _line(bx, by, name)

    return state


def _network_state(t: Trajectory, gx: np.ndarray, gy: np.ndarray, i: int, j: int, others: list[int],
                   means: np.ndarray, clo: float, chi: float, level: float):
    """Step k -> a network's colour levels over the grid and the curve where its prediction crosses `level`."""
    points = np.empty((len(gy) * len(gx), len(others) + 2))
    points[:, i], points[:, j] = np.tile(gx, len(gy)), np.repeat(gy, len(gx))  # row r of the grid is y = gy[r]
    points[:, others] = means
    shown = f"{level:.4g}"
    every = _predictions(t, points)

    def state(k: int) -> tuple[np.ndarray, dict]:
        a = every[k].reshape(len(gy), len(gx))
        bx, by = _level_set(gx, gy, a, level)
        sign = ">" if a[MODEL_GRID // 2, MODEL_GRID // 2] > level else "<"
        name = f"a = {shown} (the decision boundary)" if len(bx) else \
            f"a = {shown} lies outside this view: a {sign} {shown} everywhere here"
        return _levels(a, clo, chi), _line(bx, by, name)

    return state


def _model_plane(t: Trajectory, X: np.ndarray, y: np.ndarray, features: tuple[int, int], shown: np.ndarray,
                 p: int, height: int) -> Animation:
    i, j = features
    names = feature_names(X.shape[1])
    others = [k for k in range(X.shape[1]) if k not in (i, j)]
    means = X[:, others].mean(axis=0)
    xlo, xhi = _span(X[:, i])
    ylo, yhi = _span(X[:, j])
    gx, gy = np.linspace(xlo, xhi, MODEL_GRID), np.linspace(ylo, yhi, MODEL_GRID)
    label = _prediction_label(t)
    clo, chi = _color_range(t, y)
    if t.network.is_neuron:
        state = _neuron_state(t, gx, gy, i, j, others, means, clo, chi)
    else:
        state = _network_state(t, gx, gy, i, j, others, means, clo, chi, threshold(t, y))

    ticks = np.linspace(0, LEVELS, 5)
    text = [f"{clo + v / LEVELS * (chi - clo):.{min(p, 3)}f}" for v in ticks]
    text[0], text[-1] = f"≤ {text[0]}", f"≥ {text[-1]}"  # the colours are clipped at both ends
    s = style(t.optimizer)
    held = f"; {', '.join(names[k] for k in others)} held at {'its' if len(others) == 1 else 'their'} mean" \
        if others else ""
    fig = go.Figure(layout=dict(
        height=height, margin=dict(t=90, b=20, l=20, r=20), showlegend=True, legend=LEGEND_ABOVE,
        title=dict(text=f"{s.label}: {label} over ({names[i]}, {names[j]}){held}", font=dict(size=14), x=0,
                   xanchor="left", y=0.98, yanchor="top"),
        xaxis=dict(title=dict(text=names[i]), range=[xlo, xhi]),
        yaxis=dict(title=dict(text=names[j]), range=[ylo, yhi])))
    level, line = state(0)
    # zsmooth "fast": a 41 x 41 image that the browser scales smoothly; "best" looks the same but encodes an image
    # the plot's size on every frame
    fig.add_heatmap(x=gx, y=gy, z=level, zmin=0, zmax=LEVELS, colorscale=PREDICTION_COLORS, zsmooth="fast",
                    hoverinfo="skip", name=label,
                    colorbar=dict(title=dict(text="prediction / target"), tickvals=ticks, ticktext=text))
    # SVG: the component shows a frame that redraws by Plotly.restyle, which keeps the heatmap (Plotly.animate
    # would drop it, plotly.js issue 4491), and a WebGL context costs a first draw 0.5 s in software rendering
    fig.add_trace(go.Scatter(**line, mode="lines", hoverinfo="skip", showlegend=True, connectgaps=False,
                             line=dict(color=LEVEL_COLOR, width=3, dash="dash")))
    extra = "".join(f"<br>{names[k]} = %{{customdata[{n + 2}]:.{p}f}}" for n, k in enumerate(others[:3]))
    data = np.column_stack([shown, y[shown], X[shown][:, others[:3]]]) if others else np.column_stack([shown, y[shown]])
    few = len(shown) < 200
    scatter = go.Scatter if few else go.Scattergl
    fig.add_trace(scatter(
        x=X[shown, i], y=X[shown, j], mode="markers", name="samples, coloured by target y", customdata=data,
        marker=dict(color=y[shown], colorscale=PREDICTION_COLORS, cmin=clo, cmax=chi, size=11 if few else 5,
                    line=dict(color=START_COLOR, width=1.5 if few else 0.5)),
        hovertemplate=f"sample %{{customdata[0]}}<br>{names[i]} = %{{x:.{p}f}}<br>{names[j]} = %{{y:.{p}f}}"
                      f"<br>target y = %{{customdata[1]:.{p}f}}{extra}<extra></extra>"))
    _stopped(fig, t)
    frames = []
    for k in range(t.steps + 1):
        level, line = state(_at(t, k))
        frames.append((dict(z=_typed(level)), line))
    return Animation(fig, tuple(frames), (0, 1), redraw=True)


def _model_fit(t: Trajectory, X: np.ndarray, y: np.ndarray, shown: np.ndarray, p: int, height: int) -> Animation:
    """Each sample's prediction against its target, with the line a = y where a perfect fit would put them."""
    s = style(t.optimizer)
    label = _prediction_label(t)
    Xs, ys = X[shown], y[shown]
    preds = [_network(t, k, Xs) for k in range(t.n_steps + 1)]
    lo, hi = _span(np.clip(np.concatenate([ys, preds[0], preds[-1]]), *_clip_range(y)))
    fig = go.Figure(layout=dict(height=height, xaxis=dict(title=dict(text="target y"), range=[lo, hi]),
                                yaxis=dict(title=dict(text=label), range=[lo, hi]), legend=LEGEND_ABOVE,
                                margin=dict(t=60, b=20, l=20, r=20)))
    fig.add_scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="a = y (a perfect fit)", hoverinfo="skip",
                    line=dict(color="#999999", dash="dash"))
    few = len(shown) < 200
    scatter = go.Scatter if few else go.Scattergl
    fig.add_trace(scatter(
        x=ys, y=preds[0], mode="markers", name=f"{s.label}: samples (target y, prediction a)", customdata=shown,
        marker=dict(color=s.color, size=9 if few else 5, symbol=s.symbol, line=dict(color="white", width=1)),
        hovertemplate=f"sample %{{customdata}}<br>target y = %{{x:.{p}f}}<br>a = %{{y:.{p}f}}<extra></extra>"))
    _stopped(fig, t)
    return Animation(fig, tuple((dict(y=_short(preds[_at(t, k)])),) for k in range(t.steps + 1)), (1,),
                     redraw=not few)  # WebGL markers move only on a redraw


def _color_range(t: Trajectory, y: np.ndarray) -> tuple[float, float]:
    """The colour scale's range: the targets' (and 0's), or (0, 1) for probabilities."""
    if t.loss_name == "bce":
        return 0.0, 1.0
    lo, hi = float(min(y.min(), 0.0)), float(max(y.max(), 0.0))
    return (lo, hi) if hi > lo else (lo - 1.0, hi + 1.0)


def _zero_line(wa: float, wb: float, c: float, xr: tuple[float, float], yr: tuple[float, float]) -> tuple[list, list]:
    """The segment of wa x + wb y + c = 0 inside the box xr x yr: its two ends, or empty lists when it misses."""
    points = []
    if wb != 0:
        points += [(x, -(c + wa * x) / wb) for x in xr]
    if wa != 0:
        points += [(-(c + wb * yv) / wa, yv) for yv in yr]
    eps = 1e-9 * (xr[1] - xr[0] + yr[1] - yr[0])
    inside = [(x, yv) for x, yv in points if xr[0] - eps <= x <= xr[1] + eps and yr[0] - eps <= yv <= yr[1] + eps]
    if len(inside) < 2:
        return [], []
    inside.sort()
    (x1, y1), (x2, y2) = inside[0], inside[-1]
    return _short([x1, x2]), _short([y1, y2])


def _level_set(gx: np.ndarray, gy: np.ndarray, f: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The curve f = `level` over the grid (f (len(gy), len(gx)), row r at y = gy[r]) by marching squares, each
    crossing linearly interpolated along a cell's edge: x and y as float32 arrays (a third of float64's bytes, far
    below a pixel), NaN between its separate pieces; empty when f never crosses the level."""
    s = f - level
    c00, c01, c10, c11 = s[:-1, :-1], s[:-1, 1:], s[1:, :-1], s[1:, 1:]
    x0, x1 = np.broadcast_to(gx[None, :-1], c00.shape), np.broadcast_to(gx[None, 1:], c00.shape)
    y0, y1 = np.broadcast_to(gy[:-1, None], c00.shape), np.broadcast_to(gy[1:, None], c00.shape)

    def cross(a, b, pa, pb):  # where the edge from a (at point pa) to b (at pb) meets the level
        with np.errstate(divide="ignore", invalid="ignore"):
            u = np.where(a != b, a / (a - b), 0.0)
        return pa[0] + u * (pb[0] - pa[0]), pa[1] + u * (pb[1] - pa[1])

    # each cell's edges in order around it: 0 bottom, 1 right, 2 top, 3 left
    edges = [(c00, c01, (x0, y0), (x1, y0)), (c01, c11, (x1, y0), (x1, y1)),
             (c10, c11, (x0, y1), (x1, y1)), (c00, c10, (x0, y0), (x0, y1))]
    hit = np.stack([(a > 0) != (b > 0) for a, b, _, _ in edges], axis=-1)  # (R, C, 4)
    px, py = (np.stack(v, axis=-1) for v in zip(*(cross(*e) for e in edges), strict=True))
    count = hit.sum(axis=-1)
    first, last = np.argmax(hit, axis=-1), 3 - np.argmax(hit[..., ::-1], axis=-1)
    # a saddle (all four edges crossed): the centre's side decides which corners the two segments cut off
    saddle = count == 4
    joined = saddle & ((c00 + c01 + c10 + c11 > 0) == (c00 > 0))
    split = saddle & ~joined
    pairs = [(count == 2, first, last),
             (joined, 0, 1), (joined, 2, 3),  # c00 joins c11 through the centre: cut off corners c01 and c10
             (split, 3, 0), (split, 1, 2)]  # else cut off corners c00 and c11
    segments = []
    for mask, e1, e2 in pairs:
        r, c = np.nonzero(mask)
        a, b = (e[r, c] if np.ndim(e) else np.full(len(r), e) for e in (e1, e2))
        ends = np.column_stack([px[r, c, a], py[r, c, a], px[r, c, b], py[r, c, b]]).astype(np.float32)
        segments += [((xa, ya), (xb, yb)) for xa, ya, xb, yb in ends.tolist() if (xa, ya) != (xb, yb)]
    points = [p for line in _chain(segments) for p in [*line, (np.nan, np.nan)]][:-1]
    out = np.array(points, dtype=np.float32).reshape(-1, 2)
    return out[:, 0], out[:, 1]


def _chain(segments: list[tuple[tuple, tuple]]) -> list[list[tuple]]:
    """Segments joined into polylines where they share an end (neighbouring cells compute it identically), so
    the dashes run on and each point is sent once: open curves from their ends first, then closed loops."""
    at = defaultdict(list)
    for n, (a, b) in enumerate(segments):
        at[a].append(n)
        at[b].append(n)
    used = [False] * len(segments)
    lines = []
    for start in [q for q, ns in at.items() if len(ns) == 1] + [a for a, _ in segments]:
        line, q = [start], start
        while True:
            for n in at[q]:  # the next unused segment at this end (a plain loop: this runs per point, per frame)
                if not used[n]:
                    break
            else:
                break
            used[n] = True
            a, b = segments[n]
            q = b if a == q else a
            line.append(q)
        if len(line) > 1:
            lines.append(line)
    return lines
