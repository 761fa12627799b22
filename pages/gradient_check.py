"""Gradient check: every analytic partial derivative against its central finite difference."""

import numpy as np
import pandas as pd
import streamlit as st

import backprop as bp
from ui import render, state, widgets

st.title("Gradient check", anchor=False)
st.markdown(
    "Backpropagation's gradient is only as good as its derivation. The independent check: nudge one parameter "
    "by a small ε up and down, rerun the forward pass, and see how much the loss moves. If the two agree, the "
    "chain rule was applied correctly."
)
st.latex(r"\frac{\partial L}{\partial \theta_j} \approx \frac{L(\theta + \varepsilon e_j) - L(\theta - "
         r"\varepsilon e_j)}{2\varepsilon}, \qquad \text{relative error} = "
         r"\frac{|g_{\text{analytic}} - g_{\text{numeric}}|}{\max(|g_{\text{analytic}}|, |g_{\text{numeric}}|)}")

eps = st.select_slider("Finite-difference step ε", options=[10.0**-k for k in range(1, 11)], value=1e-6,
                       key="gradcheck_eps", format_func=lambda e: f"{e:.0e}",
                       help="Large ε: the secant misses the curvature (truncation error). Tiny ε: the two losses "
                            "agree in almost every digit and round-off dominates. 1e-6 is a good middle. A weight's "
                            "step is ε divided by the size of the inputs it multiplies (when they exceed 1), so that "
                            "z moves by about ε whatever the data's scale.")
shown = state.results()
widgets.editors_expander(expanded=shown is None or shown.stale)
check = None if shown is None else state.gradient_check(shown.model, eps)
if check is None:
    st.stop()
widgets.stale_ui(shown)
m, t = shown.model, shown.value
p = m.precision


def _verdict(c: bp.ParamCheck) -> str:
    if c.passed:
        return "✓ pass"
    if c.kink_samples:
        return f"⚠ at a kink (sample {', '.join(map(str, c.kink_samples))})"
    if c.penalty_kink:
        return "⚠ at the L1 penalty's kink (the weight is within the step of 0)"
    if c.inconclusive:
        return "? inconclusive"
    return "✗ fail"


table = pd.DataFrame({
    "analytic (backprop)": [render.fmt(c.analytic, p) for c in check.params],
    "numeric (finite difference)": [render.fmt(c.numeric, p) for c in check.params],
    "|difference|": [f"{c.abs_error:.2e}" for c in check.params],
    "relative error": [f"{c.rel_error:.2e}" for c in check.params],
    "step h": [f"{c.step:.0e}" for c in check.params],
    "result": [_verdict(c) for c in check.params],
}, index=pd.Index([f"dL/d{c.label}" for c in check.params], name="parameter"))
st.table(table)
st.caption(f"ε = {check.eps:.0e}; each weight's step h is ε / max(1, the largest input it multiplies). Each "
           "derivative is estimated at h and at h/10: when the two disagree, the finite difference cannot judge "
           "the parameter, which is marked inconclusive (with the reason below), never failed. A parameter passes "
           f"when its relative error is at most {check.tolerance:.0e}, "
           f"or when the difference is below {bp.gradcheck.ABS_FLOOR:.0e} × max(1, L) (both sides are then zero "
           f"up to round-off). Activation: {bp.ACTIVATIONS[m.activation].label}; loss: {bp.LOSSES[m.loss].label}.")

failed = [c.label for c in check.params if c.failed]
unsure = check.inconclusive
kinked = [c for c in check.params if c.kink_samples]
if failed:
    st.error(f"✗ {', '.join(failed)}: the analytic gradient and the finite difference disagree beyond the "
             "tolerance. With a smooth activation, try ε = 1e-6; a large ε measures the secant, not the slope.")
elif check.passed and any(c.passed for c in check.params):
    agree = sum(c.passed for c in check.params)
    st.success(f"✓ All {agree} parameters the finite difference can judge agree: the backward pass matches the "
               "forward pass it differentiates.")

if unsure:
    reasons = "; ".join(f"dL/d{render.code_span(c.label)}: {c.inconclusive}" for c in unsure[:8])
    st.warning(f"? Inconclusive: {reasons}. The backward pass is not in question: the finite difference itself is "
               "not accurate enough here. A large ε measures the secant, not the slope; a tiny one drowns in "
               "round-off: try another ε.", icon=":material/help:")

if kinked:
    st.subheader("Kinks: where the derivative does not exist", anchor=False)
    samples = sorted({i for c in kinked for i in c.kink_samples})
    zs = ", ".join(f"z{render.subscript(i)} = {render.fmt(float(np.ravel(t.z[i])[0]), p)}" for i in samples)
    st.markdown(
        f"Sample{'s' if len(samples) > 1 else ''} {', '.join(map(str, samples))} sit{'s' if len(samples) == 1 else ''} "
        f"within ε of the activation's corner at z = 0 ({zs}). Nudging the parameter up and down lands on both "
        "sides of the corner, so the finite difference averages two different slopes, while backprop uses the "
        "one-sided convention f′(0) = 0 for ReLU (PyTorch's choice; Leaky ReLU uses its negative slope). "
        "Neither number is wrong: at a kink the derivative does not exist, so the check cannot judge these "
        "parameters and flags them ⚠ instead of failing them."
    )
else:
    st.info("ReLU and Leaky ReLU have a corner at z = 0. When a sample's z lies within ε of it, the finite "
            "difference straddles the corner and this page marks the affected parameters ⚠ instead of failing "
            "them. Try the example “A sample exactly at ReLU's kink” in the sidebar.", icon=":material/info:")

with st.expander("Why central differences, and why ε matters"):
    st.markdown(
        "The one-sided difference (L(θ + ε) − L(θ)) / ε is off by a term proportional to ε; the central one "
        "cancels it and is off by a term proportional to ε². With MSE and a piecewise-linear activation the "
        "loss is exactly quadratic between kinks, so the central difference is exact up to round-off for any "
        "ε. With sigmoid or tanh, a large ε leaves a visible truncation error, and a tiny ε (1e-10) loses "
        "digits to round-off: the loss is computed to about 16 significant digits, and dividing by 2ε "
        "magnifies that error."
    )
widgets.page_link("notebook", "See a gradient that fails this check: the seed notebook's, divided by N twice")
