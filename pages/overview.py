"""Overview: what the app is, the neuron with its numbers, the headline numbers, a way into the lesson; then
the editors and every sample's numbers."""

import pandas as pd
import streamlit as st

from ui import render, state, widgets
from viz import network, slide

st.title("Backprop Explorer", anchor=False)
st.caption("A neuron, a = f(Xw + b), or a small network of them learns from your numbers: the forward pass, the "
           "loss, the chain rule sample by sample and layer by layer, the gradient and one step of gradient descent. "
           "Edit X, y and every weight below; the sidebar holds the hidden layers, the activations, the loss, the "
           "learning rate, examples and decimals.")

m = state.model()
shown = state.results(m)
t = None if shown is None else shown.value
if t is not None:
    p = shown.model.precision
    widgets.stale_ui(shown)
    picture, numbers = st.columns(2 if t.network.is_neuron else [3, 2], vertical_alignment="center")
    with picture:
        if t.network.is_neuron:
            diagram = network.neuron_svg(t, p, shown.model.own_features)
            render.diagram_ui(diagram, "neuron-diagram")
        else:
            diagram = widgets.network_ui(t, p, inputs=shown.model.own_features)
    with numbers:
        render.headline_ui(t, p)
        if st.button("Step by step: every operation with its formula", type="primary", icon=":material/footprint:",
                     key="to_step_by_step", width="stretch") and state.page("step_by_step") is not None:
            st.switch_page(state.page("step_by_step"))
        render.save_ui(slide.overview_svg(diagram, t, p), "overview-slide", "Slide of this state")
    render.overshoot_ui(t, p)

m = widgets.editors_ui()
if t is not None:
    updated = t.lr is not None  # no update step while the learning rate is bad
    left, right = st.columns(2)
    with left:
        st.markdown("**Parameters, gradient and one update**" if updated else "**Parameters and gradient**")
        params = pd.DataFrame({
            "value now": [render.fmt(v, p) for v in t.network.flatten(t.params)],
            "gradient dL/dθ": [render.fmt(v, p) for v in t.grad],
        }, index=pd.Index(t.param_labels, name="parameter"))
        if updated:
            params["after one step"] = [render.fmt(v, p) for v in t.network.flatten(t.new_params)]
        st.table(params)
        if updated and t.network.is_neuron:
            st.caption(f"One gradient-descent step with η = {render.fmt(t.lr, p)}: w = {render.fmt_list(t.new_w, p)}, "
                       f"b = {render.fmt(t.new_b, p)}; the loss goes {render.fmt(t.loss, p)} → "
                       f"{render.fmt(t.new_loss, p)}.")
    with right:
        st.markdown("**Every sample's forward pass and error signal**")
        samples = render.samples_frame(t, p, shown.model.class_name)
        st.table(render.styled(render.limited(samples)))
    note = render.inactive_note(t)
    if note:
        st.warning(note, icon=":material/block:")
    widgets.capacity_ui(shown.model)

st.subheader("Where to go next", anchor=False)
widgets.page_link("step_by_step", "Step by step: every operation, forward then backward, with its formula",
                  help="Prev/Next buttons, ← and → keys, a slider; the step is in the URL.")
if t is not None:
    shares = [s.kind for s in state.steps(shown)].index("shares") + 1
    widgets.page_link("step_by_step", "Jump to each sample's share of the gradient", step=shares)
widgets.page_link("gradient_check", "Gradient check: the gradient against finite differences")
widgets.page_link("notebook", "The notebook: the two most common backprop bugs, on your numbers")
widgets.page_link("landscape", "Loss landscape: the loss surface and the parameters' path across it")
