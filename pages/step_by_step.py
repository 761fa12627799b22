"""Step by step: the trace's operations one at a time, forward, backward, update; the step is in the URL."""

import streamlit as st

from ui import presenter, render, state, widgets

with st.container(key=presenter.INTRO_KEY):
    st.title("Step by step", anchor=False)
    st.caption("Forward, then backward, then the update: one operation at a time, with its formula, its numbers "
               "and why. Keys: " + ", ".join(f"{keys} {what}" for keys, what, _, _ in presenter.SHORTCUTS) + ".")

shown = state.results()
fine = shown is not None and not shown.stale
with st.container(key=presenter.EDITORS_KEY if fine else None):  # presenter mode hides them only when fine
    widgets.editors_expander(expanded=not fine)
if shown is None:
    st.stop()
widgets.stale_ui(shown)
t, precision = shown.value, shown.model.precision
steps = t.steps
n = len(steps)


def _parse(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and 1 <= int(text) <= n else None


requested = st.query_params.get("step")
if requested is not None and requested != st.session_state.get(state.STEP_IN_URL):
    number = _parse(requested)
    if number is None:
        st.warning(f"The link asks for step {render.code_span(requested)}, but the steps are numbered 1 to {n}: "
                   "showing step 1.", icon=":material/link_off:")
    st.session_state[state.STEP] = number or 1
current = min(max(int(st.session_state.get(state.STEP, 1)), 1), n)
st.session_state[state.STEP] = current
st.query_params["step"] = str(current)
st.session_state[state.STEP_IN_URL] = str(current)


def _go(number: int) -> None:
    st.session_state[state.STEP] = number


def _move(by: int, last: int) -> None:
    st.session_state[state.STEP] = min(max(int(st.session_state.get(state.STEP, 1)) + by, 1), last)


def _on_slider() -> None:
    st.session_state[state.STEP] = st.session_state["step_slider"]


with st.container(horizontal=True, vertical_alignment="center"):
    st.button("First", key="step_first", icon=":material/first_page:", on_click=_go, args=(1,),
              disabled=current == 1, shortcut="Home")
    st.button("Previous", key="step_prev", icon=":material/chevron_left:", on_click=_move, args=(-1, n),
              disabled=current == 1, shortcut="Left")
    st.button("Next", key="step_next", icon=":material/chevron_right:", icon_position="right", type="primary",
              on_click=_move, args=(1, n), disabled=current == n, shortcut="Right")
    st.button("Last", key="step_last", icon=":material/last_page:", icon_position="right", on_click=_go,
              args=(n,), disabled=current == n, shortcut="End")
    presenter.play_ui(n)
    st.markdown(f"**Step {current} of {n}**")

st.session_state["step_slider"] = current
with st.container(key=presenter.MAP_KEY):
    st.select_slider("Step", options=list(range(1, n + 1)), key="step_slider", on_change=_on_slider,
                     format_func=lambda k: f"{k} · {render.short_title(steps[k - 1])}",
                     help="Drag to any operation; the URL keeps the step, so a link opens here.")
    st.markdown(render.roadmap(steps, current))
    if t.lr is None:
        st.caption("Update: the last step, w ← w − η·dL/dw, needs a valid learning rate η (sidebar); the steps up "
                   "to the gradient don't use it.")
    st.divider()

step = steps[current - 1]
render.render_step(step, t, current, n, precision)
if step.kind == "shares":
    with st.container(key=presenter.SHARES_KEY):
        st.plotly_chart(render.share_figure(t, precision), key="share_chart")
        st.caption("The Σ row of the table is the gradient dL/dw, dL/db of the next step: the per-sample shares "
                   "add up.")
presenter.graph_ui(t, step, precision)
