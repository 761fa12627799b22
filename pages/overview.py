"""Overview: what the app is, the editors, the headline numbers, where to go next."""

import streamlit as st

from ui import state, widgets

st.title("Backprop Explorer")
st.markdown(
    "Type an input matrix **X**, targets **y**, weights **w** and a bias **b**, and watch one neuron "
    "learn: every operation of the forward and backward pass, with its formula and its numbers."
)
m = widgets.editors_ui()
t = state.trace(m)
if t is not None:
    p = m.precision
    st.subheader("Results")
    cols = st.columns(4)
    cols[0].metric("Loss L", f"{t.loss:.{p}f}")
    cols[1].metric("dL/db", f"{t.grad_b:.{p}f}")
    cols[2].metric("New loss after one step", f"{t.new_loss:.{p}f}")
    st.table({"parameter": t.param_names, "value": [f"{v:.{p}f}" for v in (*t.w, t.b)],
              "gradient": [f"{v:.{p}f}" for v in t.grad], "after the update": [f"{v:.{p}f}" for v in (*t.new_w, t.new_b)]})
