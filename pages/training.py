"""Training: mini-batches, epochs, regularization, a held-out test set and feature transforms, watched as the
loss curves, the decision map, the confusion matrices and each unit's map move; two settings side by side."""

import streamlit as st

from ui import presenter, state, training, training_chart, widgets

st.title("Training", anchor=False)
if not presenter.is_on():  # in a lecture the charts say it
    st.markdown(
        "Train the network from its current weights with the settings below, then press **▶ Play** to watch it "
        "learn epoch by epoch (in your browser): the loss of each step's batch and of each epoch on the training and "
        "the test samples, the decision map with the training samples (●) and the test samples (▲), the accuracy and "
        "the confusion matrices, and beside them what each unit computes over the input plane (click one to enlarge "
        "it). Turn on **Compare** to train a second setting from the same weights on the same data.")

shown = state.results_with_update()
widgets.editors_expander(expanded=shown is None or shown.stale)
if shown is None:
    st.stop()
widgets.stale_ui(shown)
m = shown.model
chart_slot = st.container() if presenter.is_on() else None  # in presenter mode the charts come first
settings = training.controls_ui(m)
if chart_slot is None:
    chart_slot = st.container()
result = training.compute(m, settings)
if result is None:
    result = st.session_state.get(training.LAST_GOOD)
    if result is None:
        st.stop()
    st.warning("**Showing the last good training run**, not one with the settings as they are now: fix the setting "
               "named above and it trains again.", icon=":material/history:")
else:
    st.session_state[training.LAST_GOOD] = result
if result.X_train.shape[1] != 2:
    st.caption(f"The maps over the input plane need data with two features; this data has {result.X_train.shape[1]}.")
with chart_slot:
    training_chart.training_ui(training_chart.payload(result, m.precision, training.unit_names(result.network)),
                               presenter=presenter.is_on())
st.markdown(training.summary(result, m.precision))
