"""The loss-landscape page's widgets, cached engine calls and tables.

`controls_ui()` draws the page's settings and returns them as a `Settings`; `compute()` trains the chosen
optimizers and evaluates the surface (each result cached on its inputs, a progress bar when the work is
large), or shows the InputError and returns None. The tables format what the engine returned. Under the
charts, `sections_ui()` draws three tabs of which only the open one is built: the summary table, the model
view (`model_view_ui()`) and every step's table (`paths_ui()`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import backprop as bp
from viz import figures

from . import budget, landscape_chart, render, state, widgets
from .model import Model

OPTIMIZERS = {"sgd": "SGD", "momentum": "Momentum (μ = 0.9)", "adam": "Adam (β = 0.9, 0.999)"}
RESOLUTIONS = (11, 21, 31, 41, 51, 61, 81, 101, 151, 201)  # odd: the current parameters sit on a grid point
FIT_LIMIT = 10.0  # a fitted span grows to at most this many times the chosen one
PROGRESS_WORK = 5e6  # sample-steps plus sample-grid points above which a progress bar is shown
LOG_LABEL = "Log-scale loss"  # the checkbox's label, which the divergence hint names
LR = "landscape_lr"
AXIS_U, AXIS_V = "landscape_axis_u", "landscape_axis_v"
FOLLOW = "landscape_follow"
FEATURE_A, FEATURE_B = "landscape_feature_a", "landscape_feature_b"
SECTION = "landscape_section"  # which tab under the charts is open: only its content is built and sent


@dataclass(frozen=True)
class Settings:
    axes: tuple[str, str]
    span: float
    fit: bool
    resolution: int
    optimizers: tuple[str, ...]  # in drawing order; "notebook" last when overlaid
    steps: int
    only_axes: bool  # train only the two axes' parameters
    show_3d: bool
    log_loss: bool
    colour: str  # the colour scale of the loss: "log" or "clip" (to the paths' range)
    rows: int | None = None  # the surface and the paths use a seeded sample of this many rows (None: all of them)
    note: str = ""  # what the compute budget lowered, to be said on the page (empty when nothing)


@dataclass(frozen=True)
class Result:
    surface: bp.Surface
    trajectories: tuple[bp.Trajectory, ...]
    fitted: bool  # the span was widened to fit the paths
    outside: tuple[str, ...]  # optimizers whose path leaves the plotted region
    start_loss: float  # the loss at the current parameters on the rows used (the surface's centre)


DEFAULTS = {"landscape_span": 2.0, "landscape_resolution": 51, "landscape_steps": 100, "landscape_only": True,
            "landscape_fit": True, "landscape_notebook": False, "landscape_log": False, "landscape_3d": True,
            "landscape_colour": "log",
            **{f"landscape_opt_{k}": True for k in OPTIMIZERS}}
SAVED = "landscape_saved"  # the settings' last values: Streamlit drops a widget's state on pages without it
KEPT = (*DEFAULTS, AXIS_U, AXIS_V, FOLLOW, FEATURE_A, FEATURE_B, SECTION)


def _restore() -> None:
    """Give every setting its value from the last visit (or its default) before the widgets are drawn."""
    saved = st.session_state.get(SAVED, {})
    for key in KEPT:
        if key not in st.session_state and (key in saved or key in DEFAULTS):
            st.session_state[key] = saved.get(key, DEFAULTS.get(key))


def _save() -> None:
    st.session_state[SAVED] = {k: st.session_state[k] for k in KEPT if k in st.session_state}


def _valid(key: str, options: list, default) -> None:
    """Put a valid value under a widget's key before the widget is drawn (the options may have changed)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def _on_lr() -> None:
    state.update(lr=st.session_state[LR].strip())
    widgets.sync_settings()


def controls_ui(m: Model) -> Settings:
    """The page's settings: axes, span, resolution, optimizers, learning rate, steps."""
    if "landscape_only" not in st.session_state.get(SAVED, {}):
        st.session_state.setdefault("landscape_only", m.is_neuron)  # a network's paths train the whole network
    _restore()
    fit = _fit_budget(m)
    names = m.params
    with st.container(border=True):
        a, b, c, d = st.columns(4)
        _valid(AXIS_U, names, names[0])
        u = a.selectbox("Horizontal axis", names, key=AXIS_U, help="The parameter along the surface's width.")
        rest = [n for n in names if n != u]
        _valid(AXIS_V, rest, rest[0])
        v = b.selectbox("Depth axis", rest, key=AXIS_V, help="The parameter along the surface's depth.")
        span = c.number_input("Span ± around the current values", min_value=0.05, max_value=1000.0, step=0.5,
                              key="landscape_span", help="The grid runs from value − span to value + span.")
        resolution = d.select_slider("Resolution (points per axis)", RESOLUTIONS, key="landscape_resolution",
                                     help="More points: a finer surface, a larger page.")
        a, b, c, d = st.columns(4)
        with a:
            chosen = tuple(k for k, label in OPTIMIZERS.items() if st.checkbox(label, key=f"landscape_opt_{k}"))
            notebook = st.toggle("Notebook's rule", key="landscape_notebook",
                                 help="Overlay the seed notebook's update θ + η∇L/N: the gradient divided by N twice, "
                                      "and climbed.")
        st.session_state[LR] = state.model().lr  # the learning rate as typed, shared with the sidebar
        b.text_input("Learning rate η", key=LR, on_change=_on_lr, help="The same η as in the sidebar.")
        steps = b.slider("Update steps", 1, 1000, key="landscape_steps")
        two = len(names) == 2
        only = c.checkbox(f"Train only {u} and {v}", key="landscape_only", disabled=two,
                          help="The other parameters stay at their current values, so the paths lie exactly on "
                               "the surface. Off: all parameters train and the surface is a slice.")
        fit_span = c.checkbox("Fit span to paths", key="landscape_fit",
                         help=f"Widen the span, up to {FIT_LIMIT:g}× the chosen one, so that each path stays on "
                              "the map.")
        with d:
            show_3d = st.checkbox("Show the 3D surface", key="landscape_3d",
                                  help="Without it the animation runs faster on computers without graphics "
                                       "acceleration.")
            log_loss = st.checkbox(LOG_LABEL, key="landscape_log",
                                   help="The loss per step on a log scale: shows slow convergence near the minimum "
                                        "and divergence on one chart.")
            colour = st.radio("Colours of the loss", list(landscape_chart.COLOUR_SCALES), key="landscape_colour",
                              format_func=lambda k: landscape_chart.COLOUR_SCALES[k].capitalize(), horizontal=True,
                              help="The paths cross a small part of the loss's range: a log scale, or colours "
                                   "clipped to the loss along the paths, separates the levels they cross.")
    _save()
    return Settings((u, v), float(span), fit_span, int(resolution), chosen + (("notebook",) if notebook else ()),
                    int(steps), only or two, show_3d, log_loss, colour, fit.rows if fit.rows < len(m.X) else None,
                    fit.note)


def _fit_budget(m: Model) -> budget.Fit:
    """Lower the resolution and the update steps to the compute budget of one rerun (ui/budget.py) before their
    widgets are drawn, so that the widgets show what runs; the Fit says what was lowered and how many rows run."""
    optimizers = sum(bool(st.session_state.get(f"landscape_opt_{k}")) for k in OPTIMIZERS) + bool(
        st.session_state.get("landscape_notebook"))
    fit = budget.landscape(len(m.X), len(m.params), int(st.session_state["landscape_resolution"]),
                           int(st.session_state["landscape_steps"]), optimizers, RESOLUTIONS)
    st.session_state["landscape_resolution"], st.session_state["landscape_steps"] = fit.resolution, fit.updates
    return fit


@st.cache_data(max_entries=64, show_spinner=False)
def _trajectory(m: Model, optimizer: str, steps: int, params: tuple[str, ...] | None) -> bp.Trajectory:
    net, X, y, values = m.engine()
    return net.train(X, y, values, lr=m.lr, steps=steps, optimizer=optimizer, trainable=params)


@st.cache_data(max_entries=16, show_spinner=False)
def _surface(m: Model, axes: tuple[str, str], spans: tuple[float, float], resolution: int) -> bp.Surface:
    net, X, y, values = m.engine()
    return net.loss_surface(X, y, values, axes=axes, span=spans, resolution=resolution)


def budget_note_ui(s: Settings) -> None:
    """Say what the compute budget lowered in this run, if anything."""
    if s.note:
        st.info(s.note, icon=":material/speed:")


def compute(m: Model, s: Settings) -> Result | None:
    """Train each chosen optimizer from the current parameters and evaluate the surface around them, on the rows
    the budget allows (`s.rows`)."""
    m = budget.sampled(m, s.rows)
    n = len(m.X)
    work = n * ((s.steps + 1) * len(s.optimizers) + s.resolution**2)
    bar = st.progress(0.0, text="Training…") if work > PROGRESS_WORK else None
    total = len(s.optimizers) + 1
    try:
        trajectories = []
        for i, name in enumerate(s.optimizers):
            if bar:
                bar.progress(i / total, text=f"Training {figures.style(name).label}: {s.steps} steps on {n:,} samples…")
            trajectories.append(_trajectory(m, name, s.steps, s.axes if s.only_axes else None))
        if bar:
            bar.progress(len(s.optimizers) / total, text=f"Evaluating the loss on {s.resolution}² grid points…")
        net, _, _, values = m.engine()
        start = net.flatten(values)
        fitted = [t for t in trajectories if t.optimizer != "notebook"]  # the notebook climbs: not its span
        spans = bp.surface.fit_span(fitted, s.axes, [start[net.index(a)] for a in s.axes], s.span,
                                    FIT_LIMIT if s.fit else 1.0)
        surface = _surface(m, s.axes, spans, s.resolution)
    except bp.InputError as err:
        state.show_input_error(err)
        return None
    finally:
        if bar:
            bar.empty()
    outside = tuple(t.optimizer for t in trajectories if not surface.contains(t).all())
    centre = float(surface.loss[len(surface.v) // 2, len(surface.u) // 2])  # odd resolutions: the current values
    return Result(surface, tuple(trajectories), spans != (s.span, s.span), outside, centre)


def grid_note(result: Result, p: int) -> str:
    """The grid's size and span, the paths that leave it, and the lowest loss on it, in words."""
    surface = result.surface
    u, v = surface.axes
    spans = [render.fmt(s, 4).rstrip("0").rstrip(".") for s in
             (surface.u[-1] - surface.center[0], surface.v[-1] - surface.center[1])]
    notes = [f"Grid: {len(surface.u)} × {len(surface.v)} points, {u} within ±{spans[0]} and {v} within ±{spans[1]} "
             "of their current values" + (" (widened to fit the paths)." if result.fitted else ".")]
    if result.outside:
        who = ", ".join(figures.style(o).label for o in result.outside)
        notes.append(f"Outside the plotted region: {who}; widen the span to follow.")
    i, j = divmod(int(surface.loss.argmin()), len(surface.u))
    notes.append(f"Lowest loss on the grid: {render.fmt(surface.loss[i, j], p)} at {u} = "
                 f"{render.fmt(surface.u[j], p)}, {v} = {render.fmt(surface.v[i], p)}.")
    if result.trajectories:
        every = landscape_chart.dot_every(max(t.n_steps for t in result.trajectories))
        gap = "a dot marks every step" if every == 1 else f"the dots are {every} steps apart: the wider, the faster"
        notes.append(f"On the contour map {gap}.")
    return " ".join(notes)


def summary_table(trajectories, names: list[str], p: int) -> pd.DataFrame:
    """Per optimizer: steps run, start and final loss, the lowest loss and its step, final parameters, divergence."""
    rows = {}
    for t in trajectories:
        best = int(np.argmin(t.loss))
        row = {"steps run": str(t.n_steps), "loss at the start": render.fmt(t.loss[0], p),
               "final loss": render.fmt(t.loss[-1], p), "lowest loss (step)": f"{render.fmt(t.loss[best], p)} ({best})"}
        row |= {f"final {name}": render.fmt(t.param(name)[-1], p) for name in names}
        row["diverged at step"] = "—" if t.diverged_at is None else str(t.diverged_at)
        rows[figures.style(t.optimizer).label] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("optimizer")


def path_table(t: bp.Trajectory, names: list[str], p: int) -> pd.DataFrame:
    """One trajectory's parameters and loss per step (at most render.ROW_LIMIT evenly spaced steps, the last kept)."""
    shown = np.unique(np.linspace(0, t.n_steps, min(t.n_steps + 1, render.ROW_LIMIT)).round().astype(int))
    data = {name: [render.fmt(v, p) for v in t.param(name)[shown]] for name in names}
    data["loss L"] = [render.fmt(v, p) for v in t.loss[shown]]
    return pd.DataFrame(data, index=pd.Index(shown, name="step"))


def _section_labels(is_neuron: bool) -> tuple[str, str, str]:
    """The tabs under the charts: where each optimizer ends, the model view, and every step's numbers."""
    return ("Where each optimizer ends", f"What the {'neuron' if is_neuron else 'network'} computes",
            "Every step's parameters and loss")


def sections_ui(m: Model):
    """The tabs under the charts, of which only the open one is built (`.open`): the model view redraws a
    Plotly figure and the step tables hold hundreds of rows, work an edit would otherwise wait for."""
    labels = _section_labels(m.is_neuron)
    other = _section_labels(not m.is_neuron)
    if st.session_state.get(SECTION) in other:  # the same tab after a switch between a neuron and a network
        st.session_state[SECTION] = labels[other.index(st.session_state[SECTION])]
    _valid(SECTION, list(labels), labels[0])
    tabs = st.tabs(labels, key=SECTION, on_change="rerun")
    _save()
    return tabs


def paths_ui(runs, names: list[str], p: int) -> None:
    """Every step's parameters and loss, one tab per optimizer."""
    tabs = st.tabs([figures.style(r.optimizer).label for r in runs])
    for tab, run in zip(tabs, runs, strict=True):
        with tab:
            table = path_table(run, names, p)
            if len(table) <= run.n_steps:
                st.caption(f"{len(table)} of the {run.n_steps + 1} steps, evenly spaced; the last is included.")
            st.table(table)


def divergence_note(trajectories, p: int) -> str | None:
    """Which runs diverged, at which step, where their paths end and why they stopped; None when none did."""
    stopped = [t for t in trajectories if t.diverged_at is not None]
    if not stopped:
        return None
    lines = [f"- **{figures.style(t.optimizer).label} diverged at step {t.diverged_at}**: its path ends at step "
             f"{t.n_steps}, where L = {render.fmt(t.loss[-1], p)}." for t in stopped]
    return ("\n".join(lines) + "\n\nA run stops at the first update that makes the loss more than 10⁶ × (its "
            f"starting loss + 1), a parameter larger than {bp.validation.MAX_ABS:,.0f} or a number non-finite. "
            f"The learning rate η = {render.fmt(stopped[0].lr, p)} is too large here: try a smaller one. Tick "
            f"*{LOG_LABEL}* to see every curve at once.")


def _follow_ui(result: Result, m: Model) -> tuple[bp.Trajectory, tuple[int, int]]:
    """Which trajectory the model view follows and, with more than two features, which two it shows."""
    labels = {t.optimizer: figures.style(t.optimizer).label for t in result.trajectories}
    keys = list(labels)
    _valid(FOLLOW, keys, keys[0])
    cols = st.columns(3)
    follow = cols[0].selectbox("Follow", keys, key=FOLLOW, format_func=labels.get,
                               help="The optimizer whose model the model view shows, step by step.")
    features = (0, 1)
    if m.n_features > 2 and m.is_neuron:  # a network's view of 3+ features is prediction against target
        _valid(FEATURE_A, m.features, m.features[0])
        fa = cols[1].selectbox("Horizontal feature", m.features, key=FEATURE_A)
        rest = [f for f in m.features if f != fa]
        _valid(FEATURE_B, rest, rest[0])
        fb = cols[2].selectbox("Vertical feature", rest, key=FEATURE_B)
        features = (m.features.index(fa), m.features.index(fb))
    _save()
    return result.trajectories[keys.index(follow)], features


def _model_caption(m: Model, followed: bp.Trajectory, y, features: tuple[int, int]) -> str:
    """What the model view shows and how to read it, for its kind of plot."""
    kind = "neuron" if m.is_neuron else "network"
    if m.n_features == 1:
        return (f"The line is the {kind}'s prediction for every x0 at the slider's step; the circles are the samples "
                "(x0, y). Training pulls the line towards the circles. Its own ▶ Play runs the same steps.")
    if not m.is_neuron and m.n_features > 2:
        return ("Each point is a sample: its target across, the network's prediction up; on the dashed line a = y "
                "the prediction is right. Its own ▶ Play runs the same steps.")
    if not m.is_neuron:
        return (f"Colour: the network's prediction over the ({m.features[0]}, {m.features[1]}) plane. Points: the "
                "samples, coloured by their target on the same scale, so a sample that matches its background is "
                f"fitted. Dashed: the decision boundary, where the prediction is {figures.threshold(followed, y):g}; "
                "with hidden layers it bends (TensorFlow Playground's picture). Its own ▶ Play runs the same steps.")
    shown = [m.features[i] for i in features]
    held = [f for f in m.features if f not in shown]
    return (f"Colour: the prediction over the ({shown[0]}, {shown[1]}) plane"
            + (f", with {', '.join(held)} held at {'its' if len(held) == 1 else 'their'} mean over the samples"
               if held else "")
            + ". Points: the samples, coloured by their target on the same scale, so a sample that matches its "
              "background is fitted. Dashed: the line z = 0. Its own ▶ Play runs the same steps.")


def model_view_ui(result: Result, m: Model, t: bp.Trace, names: list[str], presenter: bool) -> None:
    """The model view: what the followed optimizer's neuron or network predicts at each of its steps, animated
    in the browser, with how to read it and its parameters after the last step."""
    followed, features = _follow_ui(result, m)
    p = m.precision
    landscape_chart.figure_ui(figures.model_figure(followed, t.X, t.y, features, precision=p),
                              key="landscape_model_chart", presenter=presenter,
                              alt="The model's prediction over the input space with the samples.")
    st.caption(_model_caption(m, followed, t.y, features))
    last = followed.n_steps
    final = dict(zip(m.params, followed.flat[last], strict=True))
    values = ", ".join(f"{n} = {render.fmt(final[n], p)}" for n in names)
    st.markdown(f"**{figures.style(followed.optimizer).label} after step {last}:** {values}; "
                f"L = {render.fmt(followed.loss[last], p)}.")
