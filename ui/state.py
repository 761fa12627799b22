"""Session state: the one place that spells the keys. Every page reads the model through here.

The model lives under MODEL as a frozen `Model`; editors write their edits back into it and bump
EDITOR_VERSION when the table must be rebuilt (a preset, a new column), so a data_editor never replays
a stale delta. Nothing here is module-level mutable state: sessions never share data.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import backprop as bp

from .model import PRESETS, SEED, Model

MODEL = "model"
EDITOR_VERSION = "editor_version"
PRESET = "preset"
PRESENTER = "presenter"  # lecture mode on/off (bool)


def init() -> None:
    """Put the defaults in place for a new session."""
    st.session_state.setdefault(MODEL, SEED)
    st.session_state.setdefault(EDITOR_VERSION, 0)
    st.session_state.setdefault(PRESET, "seed")
    st.session_state.setdefault(PRESENTER, False)


def model() -> Model:
    init()
    return st.session_state[MODEL]


def set_model(new: Model, rebuild_editors: bool = False) -> None:
    """Store the model; `rebuild_editors` when the editors' tables must start from it afresh."""
    st.session_state[MODEL] = new
    if rebuild_editors:
        st.session_state[EDITOR_VERSION] = st.session_state.get(EDITOR_VERSION, 0) + 1


def update(**changes) -> None:
    """Change settings (lr, activation, loss, precision) of the model."""
    set_model(replace(model(), **changes))


def load_preset(name: str) -> None:
    set_model(PRESETS[name][1], rebuild_editors=True)
    st.session_state[PRESET] = name


def editor_key(name: str) -> str:
    """The widget key of an editor for the current table version."""
    return f"{name}_editor_{st.session_state.get(EDITOR_VERSION, 0)}"


@st.cache_data(max_entries=256, show_spinner=False)
def _trace(m: Model) -> bp.Trace:
    return bp.forward_backward(m.X, m.w, m.b, m.y, activation=m.activation, loss=m.loss, lr=m.lr,
                               precision=m.precision)


def trace(m: Model | None = None) -> bp.Trace | None:
    """The current model's trace, or None after showing the InputError with st.error."""
    try:
        return _trace(m or model())
    except bp.InputError as err:
        st.error(f"Please fix the input: {err}", icon="⚠️")
        return None
