"""Loss landscape: the loss over two parameters, and the paths SGD, momentum and Adam take across it, animated."""

import streamlit as st

from ui import landscape, landscape_chart, presenter, render, state, widgets
from viz import figures

with st.container(key=presenter.LANDSCAPE_INTRO_KEY):
    st.title("Loss landscape", anchor=False)
    st.markdown(
        "Pick two parameters: the loss is drawn over a grid of their values, as a surface and as a contour map, "
        "with your current parameters marked ◇. Each optimizer then starts there and takes its steps; press "
        "**▶ Play** to watch them move on the contour map and down the loss curve at the same time (it runs in "
        "your browser; the 3D markers follow when it pauses), or drag the step slider."
    )

shown = state.results_with_update()
widgets.editors_expander(expanded=shown is None or shown.stale)
if shown is None:
    st.stop()
widgets.stale_ui(shown)
t, m = shown.value, shown.model
p = m.precision
chart_slot = st.container() if presenter.is_on() else None  # in presenter mode the charts come first
settings = landscape.controls_ui(m)
landscape.budget_note_ui(settings)  # one rerun's work is bounded (lowered before the widgets), and the page says so
if chart_slot is None:  # a container, not st.empty(): a run empties a placeholder first, hiding the plots
    chart_slot = st.container()
if not settings.optimizers:
    st.info("Tick at least one optimizer to draw its path; the surface alone is below.", icon=":material/info:")
result = landscape.compute(m, settings)
if result is None:
    st.stop()

surface, runs = result.surface, result.trajectories
u, v = settings.axes
names = m.params
others = [n for n in names if n not in settings.axes]
listed = names if m.is_neuron else [u, v]  # a network's other parameters are in its editors and tables
values = dict(zip(names, t.network.flatten(t.params), strict=True))
here = ", ".join(f"{n} = {render.fmt(values[n], p)}" for n in listed) + (
    "" if m.is_neuron else f"; its {len(others)} other parameters as in the editors")
st.markdown(f"**At the marker ◇ (the current parameters):** {here}; loss **L = {render.fmt(t.loss, p)}**" + (
    "." if settings.rows is None else f" on all {len(m.X):,} samples, {render.fmt(result.start_loss, p)} on the "
    f"sample of {settings.rows:,} that the surface and the paths use."))
if not others:
    st.caption(f"The model has exactly two parameters, {u} and {v}: this surface is the whole loss, and every path "
               "lies on it.")
elif settings.only_axes:
    st.caption(f"Only {u} and {v} train; {', '.join(others)} {'stays' if len(others) == 1 else 'stay'} at the current "
               "values "
               f"({figures.held_text(surface, p)}), so every path lies exactly on this surface.")
else:
    st.warning(f"All parameters train, but the surface can only show two. It is the **slice** through the starting "
               f"values of the others ({figures.held_text(surface, p)}). As those change, a path leaves the slice: "
               f"it is drawn at its true loss, above or below the surface, and on the contour map at its ({u}, {v}) "
               "position, where the contours no longer give its loss.", icon=":material/layers:")
diverged = landscape.divergence_note(runs, p)
if diverged:
    st.error(diverged, icon=":material/trending_up:")
st.caption(landscape.grid_note(result, p))

with chart_slot:
    landscape_chart.landscape_ui(landscape_chart.payload(
        surface, runs, t.loss if settings.rows is None else result.start_loss, p, scale=settings.colour,
        log_loss=settings.log_loss, show_3d=settings.show_3d),
        presenter=presenter.is_on())
if not runs:
    st.stop()

ends, computes, every_step = landscape.sections_ui(m)  # only the open tab is built
if ends.open:
    with ends:
        st.table(landscape.summary_table(runs, listed, p))
        st.caption(f"η = {render.fmt(runs[0].lr, p)}, {settings.steps} steps. Momentum and Adam follow "
                   "torch.optim.SGD (μ = 0.9) and torch.optim.Adam (β = 0.9, 0.999, ε = 1e-8); the notebook's rule is "
                   "θ + η∇L/N.")
if computes.open:
    with computes:
        landscape.model_view_ui(result, m, t, listed, presenter=presenter.is_on())
if every_step.open:
    with every_step:
        landscape.paths_ui(runs, listed, p)
