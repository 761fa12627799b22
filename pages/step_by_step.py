"""Step by step: the trace's operations one at a time, forward, backward, update; the step is in the URL.

The stepper component steps in the browser; the page hears of the step only when it settles."""

import streamlit as st

from ui import presenter, render, state, stepper, widgets

with st.container(key=presenter.INTRO_KEY):
    st.title("Step by step", anchor=False)
    st.caption("Forward, then backward, then the update: one operation at a time, with its formula, its numbers "
               "and why. Keys, while the stepper has the focus (it takes it as the page opens): " +
               ", ".join(f"{keys} {what}" for keys, what in presenter.SHORTCUTS) + ".")

shown = state.results()
fine = shown is not None and not shown.stale
if not fine:  # a bad input: the editors stay at the top, open, beside the message naming the cell
    widgets.editors_expander(expanded=True)
if shown is None:
    st.stop()
widgets.stale_ui(shown)
t = shown.value
steps = state.steps(shown)
n = len(steps)

requested = st.query_params.get("step")
if requested is not None and requested != st.session_state.get(state.STEP_IN_URL):
    number = stepper.parse_step(requested, n)
    if number is None:
        st.warning(f"The link asks for step {render.code_span(requested)}, but the steps are numbered 1 to {n}: "
                   "showing step 1.", icon=":material/link_off:")
    st.session_state[state.STEP] = number or 1
current = min(max(int(st.session_state.get(state.STEP, 1)), 1), n)
st.session_state[state.STEP] = current
st.query_params["step"] = str(current)
st.session_state[state.STEP_IN_URL] = str(current)

stepper.stepper_ui(stepper.cached_payload(shown.model, t), current, presenter=presenter.is_on())
if t.lr is None:
    st.caption("Update: the last step, w ← w − η·dL/dw, needs a valid learning rate η (sidebar); the steps up "
               "to the gradient don't use it.")
if not t.network.is_neuron:
    with st.container(key=presenter.NETWORK_KEY):
        st.subheader("The network at this step", anchor=False)
        st.caption("The outlined layer is the settled step's. Edges are coloured by sign and sized by magnitude; "
                   "tap or hover a unit or an edge for its formula with the numbers.")
        widgets.network_ui(t, shown.model.precision, current=steps[current - 1], key="step_network",
                           inputs=shown.model.own_features)
if fine:
    with st.container(key=presenter.EDITORS_KEY):  # presenter mode hides them
        widgets.editors_expander()
