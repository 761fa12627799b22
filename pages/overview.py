"""Overview: what the app is, the editors, the headline numbers, where to go next."""

import pandas as pd
import streamlit as st

from ui import render, state, widgets

st.title("Backprop Explorer", anchor=False)
st.markdown(
    "One neuron, **a = f(Xw + b)**, learns from your numbers. Type the inputs **X**, the targets **y**, the "
    "weights **w** and the bias **b** below; every page follows at once: the forward pass, the loss, the chain "
    "rule sample by sample, the gradient, and one step of gradient descent, each with its formula and numbers."
)
st.caption("Change a cell, press Enter, and the results follow. Activation, loss, learning rate, examples and "
           "decimals are in the sidebar.")

m = widgets.editors_ui()
shown = state.results(m)
t = None if shown is None else shown.value
if t is not None:
    p = m.precision
    st.subheader("Results for the last valid input" if shown.stale else "Results", anchor=False)
    widgets.stale_ui(shown)
    cols = st.columns(3)
    cols[0].metric("Loss L", render.fmt(t.loss, p), help="The mean loss of the current w and b.")
    cols[1].metric("dL/db", render.fmt(t.grad_b, p), help="The gradient's bias component; dL/dw is below.")
    updated = t.lr is not None  # no update step while the learning rate is bad
    if updated:
        cols[2].metric("New loss after one step", render.fmt(t.new_loss, p),
                       help=f"After w ← w − η·dL/dw and b ← b − η·dL/db with η = {render.fmt(t.lr, p)}.")
        after = f"w = {render.fmt_list(t.new_w, p)}, b = {render.fmt(t.new_b, p)}"
    else:
        cols[2].metric("New loss after one step", "needs a valid η", help="Fix the learning rate in the sidebar.")
        after = "needs a valid learning rate η (sidebar)"
    st.markdown(f"**Gradient:** dL/dw = {render.fmt_list(t.grad_w, p)}, dL/db = {render.fmt(t.grad_b, p)}  \n"
                f"**After one step:** {after}")
    if updated:
        went = "goes down" if t.new_loss < t.loss else "goes up" if t.new_loss > t.loss else "stays the same"
        st.caption(f"One gradient-descent step with learning rate η = {render.fmt(t.lr, p)}: the loss {went} "
                   f"({render.fmt(t.loss, p)} → {render.fmt(t.new_loss, p)}).")
    left, right = st.columns(2)
    with left:
        st.markdown("**Parameters, gradient and one update**" if updated else "**Parameters and gradient**")
        params = pd.DataFrame({
            "value now": [render.fmt(v, p) for v in (*t.w, t.b)],
            "gradient dL/dθ": [render.fmt(v, p) for v in t.grad],
        }, index=pd.Index(t.param_labels, name="parameter"))
        if updated:
            params["after one step"] = [render.fmt(v, p) for v in (*t.new_w, t.new_b)]
        st.table(params)
    with right:
        st.markdown("**Every sample's forward pass and error signal**")
        samples = pd.DataFrame({"y": [render.fmt(v, p) for v in t.y], "z": [render.fmt(v, p) for v in t.z],
                                "a (prediction)": [render.fmt(v, p) for v in t.prediction],
                                "δ = dL/dz": [render.fmt(v, p) for v in t.delta]},
                               index=pd.Index([f"sample {i}" for i in range(len(t.z))], name="sample"))
        if render.shows_activity(t):
            samples["active?"] = [render.INACTIVE if off else render.ACTIVE for off in t.inactive]
        st.table(render.styled(render.limited(samples)))
    note = render.inactive_note(t)
    if note:
        st.warning(note, icon=":material/block:")

st.subheader("Where to go next", anchor=False)
widgets.page_link("step_by_step", "Step by step: every operation, forward then backward, with its formula",
                  help="Prev/Next buttons, ← and → keys, a slider; the step is in the URL.")
if t is not None:
    shares = [s.kind for s in t.steps].index("shares") + 1
    widgets.page_link("step_by_step", "Jump to each sample's share of the gradient", step=shares)
widgets.page_link("gradient_check", "Gradient check: the gradient against finite differences")
widgets.page_link("notebook", "The notebook: the two most common backprop bugs, on your numbers")
widgets.page_link("landscape", "Loss landscape: the loss surface and the parameters' path across it")
