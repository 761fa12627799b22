"""Session state: the one place that spells the keys. Every page reads the model through here.

The model lives under MODEL as a frozen `Model`. The editors draw their tables from EDITOR_BASE and
their edits are folded into the model on every run (ui.widgets.apply_pending_edits); anything else that
changes the cells (a preset, a new column, a link) rebuilds them: a new EDITOR_VERSION in their keys, the
new model as their base, so a data_editor never replays a stale delta. The engine's results are computed
here, cached per model, and an `InputError` becomes an `st.error` naming the cell. While the input is bad,
the pages keep showing the results of the last input the engine accepted (LAST_GOOD), marked stale.
Nothing here is module-level mutable state: sessions never share data.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import backprop as bp
import lesson

from . import budget
from .model import PRESETS, SEED, Model, random_model

MODEL = "model"
EDITOR_VERSION = "editor_version"
EDITOR_BASE = "editor_base"  # the Model the editors' tables were drawn from: their deltas are against it
EDITORS_PAGE = "editors_page"  # the last run's page: its editors' widgets are that page's (see apply_pending_edits)
PRESET = "preset"  # the example last loaded (a key of PRESETS)
OWN = "own"  # the sidebar's Example once the cells or settings are no longer the loaded example's
PRESENTER = "presenter"  # lecture mode on/off (bool)
RANDOM_SEED = "random_seed"  # the random example's seed (its widget's key)
STEP = "step"  # the step page's current step, 1-based (int)
STEP_IN_URL = "step_in_url"  # the `step` query parameter this session last wrote (str)
PAGES = "pages"  # the registered st.Page objects by url path, for st.page_link
ACTIVATION_BEFORE = "activation_before"  # the output activation a loss replaced by its own (BCE: sigmoid), or absent
LAST_GOOD = "last_good"  # (Model, Trace) of the last input the engine accepted whole, learning rate included

T = TypeVar("T")


@dataclass(frozen=True)
class Shown(Generic[T]):
    """What a page shows: an engine result (a Trace, a NotebookStep), the model it was computed from, and
    whether that model is the last valid input (`stale`: the current input has a bad cell)."""

    value: T
    model: Model
    stale: bool = False


def init(entry: bool = False) -> None:
    """Put the defaults in place for a new session (`entry`: called by app.py itself, before its st.navigation)."""
    _leave_legacy_multipage_mode(entry)
    st.session_state.setdefault(MODEL, SEED)
    st.session_state.setdefault(EDITOR_VERSION, 0)
    st.session_state.setdefault(PRESET, "seed")
    st.session_state.setdefault(PRESENTER, False)


def _leave_legacy_multipage_mode(entry: bool = False) -> None:
    """Make a deep link into a fresh server run the app, not the page file alone.

    Streamlit treats a main script with a `pages/` folder beside it as a legacy (v1) multipage app until
    some session has run `st.navigation`. Until then a first visitor arriving at /step_by_step gets
    pages/step_by_step.py run alone: no sidebar, no settings. Clearing the flag and rerunning runs
    app.py, whose st.navigation then opens the requested page (query parameters kept). The flag is
    private (streamlit/runtime/pages_manager.py, checked on 1.67; requirements.txt pins the minor version):
    without it, this logs once and does nothing, and tests/e2e/test_navigation.py's deep-link test fails.
    The flag is per process: when several first visitors arrive at once (a restarted replica's reconnects),
    one clears it while the others' runs have already started in legacy mode. A page called from such a run
    (its navigation lists the main script as a page, which app.py's never does) reruns too.
    """
    manager = _pages_manager()
    if manager is None:
        return
    if manager.uses_pages_directory:
        manager.uses_pages_directory = False
        st.rerun()
    if not entry and _page_run_alone():
        st.rerun()


def _page_run_alone() -> bool:
    """Whether this run is Streamlit's legacy one: the page file alone, app.py only one of the pages."""
    ctx = get_script_run_ctx()
    if ctx is None or ctx.pages_manager is None:
        return False
    pages = tuple(p.get("script_path", "") for p in ctx.pages_manager.get_pages().values())
    return _lists_main(ctx.main_script_path, pages)


@functools.lru_cache(maxsize=8)
def _lists_main(main: str, pages: tuple[str, ...]) -> bool:
    """Whether the registry's pages include the main script (resolved once per registry: every `model()` asks)."""
    paths = [Path(p).resolve() for p in pages]
    return len(paths) > 1 and Path(main).resolve() in paths  # before any navigation: the main script alone


@functools.cache
def _pages_manager() -> type | None:
    """Streamlit's PagesManager when it has the private flag, else None (logged once per process)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        PagesManager = None
    if not hasattr(PagesManager, "uses_pages_directory"):
        logging.getLogger(__name__).warning(
            "Streamlit %s has no PagesManager.uses_pages_directory: a first deep link into a fresh server may run "
            "the page file alone. Recheck ui/state.py's _leave_legacy_multipage_mode for this version.",
            st.__version__)
        return None
    return PagesManager


def model() -> Model:
    init()
    return st.session_state[MODEL]


def set_model(new: Model, rebuild_editors: bool = False) -> None:
    """Store the model; `rebuild_editors` when the editors' tables must start from it afresh."""
    st.session_state[MODEL] = new
    if rebuild_editors:
        st.session_state[EDITOR_VERSION] = st.session_state.get(EDITOR_VERSION, 0) + 1
        st.session_state[EDITOR_BASE] = new


def editor_base() -> Model:
    """The model the editors draw their tables from (the model when they were last rebuilt)."""
    return st.session_state.get(EDITOR_BASE) or model()


def update(**changes) -> str:
    """Change settings (lr, activation, loss, regularization, reg_rate, precision) of the model. A loss that needs a
    particular output activation (BCE: the sigmoid; cross-entropy: softmax) brings it along, and leaving that loss
    for one that needs none brings the activation it replaced back; choosing another activation under such a loss
    goes back to MSE; choosing softmax proposes cross-entropy. Returns what else changed, in words (empty when
    nothing did). A pair that cannot be (softmax with one output) is kept: the engine's error explains it."""
    was = model()
    m = replace(was, **changes)
    also = ""
    needs = bp.LOSSES[m.loss].output
    before = st.session_state.pop(ACTIVATION_BEFORE, None)
    if changes.get("activation") == "softmax" and m.loss != "ce":
        m = replace(m, loss="ce")
        also = (f"Softmax turns the outputs into class probabilities, so the loss is now {bp.LOSSES['ce'].label} "
                "(softmax + MSE works too: choose MSE again to see its Jacobian on the step page).")
        needs = None
    elif "loss" in changes and not needs and bp.LOSSES[was.loss].output == m.activation and before:
        # leaving the loss that chose the activation (BCE -> MSE): the activation it replaced comes back
        m = replace(m, activation=before)
        also = f"The activation is {bp.ACTIVATIONS[before].label} again, as before {bp.LOSSES[was.loss].label}."
    elif needs and m.activation == needs and "loss" not in changes and before:
        st.session_state[ACTIVATION_BEFORE] = before  # the loss still holds the activation it chose
    if needs and m.activation != needs:
        if "loss" in changes:
            st.session_state[ACTIVATION_BEFORE] = m.activation
            m = replace(m, activation=needs)
            also = (f"{bp.LOSSES[m.loss].label} scores a probability, so the activation is now "
                    f"{bp.ACTIVATIONS[needs].label}.")
        else:
            m = replace(m, loss="mse")
            also = (f"{bp.LOSSES[was.loss].label} needs the {bp.ACTIVATIONS[needs].label.lower()} output, so the "
                    f"loss is now {bp.LOSSES['mse'].label.lower()}.")
    set_model(m)
    return also


def set_outputs(k: int) -> str:
    """K outputs: the output layer's weights and the targets that still fit are kept (see Model.with_outputs);
    the editors are rebuilt. Returns what changed, in words."""
    new, said = model().with_outputs(k)
    set_model(new, rebuild_editors=True)
    return said


def set_one_hot(on: bool) -> str:
    """Cross-entropy's targets as one-hot columns (`on`) or one class column; what changed or why not, in words."""
    new, said = model().with_one_hot(on)
    if new != model():
        set_model(new, rebuild_editors=True)
    return said


def load_preset(name: str) -> None:
    """Replace the data with a preset's; the chosen number of decimals stays."""
    st.session_state.pop(ACTIVATION_BEFORE, None)
    set_model(replace(PRESETS[name][1], precision=model().precision), rebuild_editors=True)
    st.session_state[PRESET] = name


def load_random(seed: int) -> None:
    """Replace the data with the random example drawn with `seed`."""
    st.session_state.pop(ACTIVATION_BEFORE, None)
    set_model(replace(random_model(seed), precision=model().precision), rebuild_editors=True)
    st.session_state[PRESET] = "random"


def example() -> str:
    """The sidebar's Example: the example last loaded while the cells and settings are still its (the decimals
    aside), else a prepared example whose cells and settings they are (an opened link, an edit back), else OWN:
    after an edit, an import, a new setting or an opened link with other data."""
    name = st.session_state.get(PRESET, "seed")
    loaded = random_model(int(st.session_state.get(RANDOM_SEED, 0))) if name == "random" else PRESETS[name][1]
    if model().same_example(loaded):
        return name
    return next((k for k, (_, preset, _) in PRESETS.items() if k != "random" and model().same_example(preset)), OWN)


def editor_key(name: str) -> str:
    """The widget key of an editor for the current table version."""
    return f"{name}_editor_{st.session_state.get(EDITOR_VERSION, 0)}"


def register_pages(pages) -> None:
    """Remember the app's pages (from app.py) so pages can link to each other by url path."""
    st.session_state[PAGES] = {p.url_path: p for p in pages}


def page(url_path: str):
    """The registered page at `url_path` ("step_by_step", ...), or None when the app has no such page."""
    return st.session_state.get(PAGES, {}).get(url_path)


def show_input_error(err: bp.InputError) -> None:
    """The app's one message for bad input: st.error naming the cell, its text escaped."""
    st.error(f"Please fix the input: {_plain(str(err))}", icon="⚠️")


def _show_lr(err: bp.InputError) -> None:
    problem = _plain(str(err).removeprefix("learning rate: "))
    st.error(f"Please fix the learning rate η (sidebar): {problem}. The forward and backward passes, up to the "
             "gradient, don't use it and are shown; the update step, w ← w − η·dL/dw, needs a valid learning "
             "rate.", icon="⚠️")


def _lr_error(lr: str) -> bp.InputError | None:
    try:
        bp.validation.as_learning_rate(lr)
    except bp.InputError as err:
        return err
    return None


def _plain(text: str) -> str:
    """Text that may hold what a user typed, with Markdown's and LaTeX's special characters escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>$~#|!{}" else c for c in text)


@st.cache_data(max_entries=256, show_spinner=False)
def _trace(m: Model, update: bool = True) -> bp.Trace:
    net, X, y, params = m.engine()
    return net.forward_backward(X, y, params, lr=m.lr if update else None)


def results(m: Model | None = None) -> Shown[bp.Trace] | None:
    """The model's trace; on bad input, the InputError (st.error) and the last valid input's trace, stale.

    A bad learning rate alone stops the trace at the gradient (no update step; the trace's `lr` is None),
    with its own error: the forward and backward passes do not use it. None when no input of this session
    has been valid yet. Rows not filled in yet are left out (Model.filled).
    """
    m = (m or model()).filled()
    bad_lr = _lr_error(m.lr)
    try:
        t = _trace(m, update=bad_lr is None)
    except bp.InputError as err:
        show_input_error(err)
        if bad_lr is not None:
            _show_lr(bad_lr)
        return last_good(m.precision)
    if bad_lr is None:
        st.session_state[LAST_GOOD] = (m, t)
    else:
        _show_lr(bad_lr)
    return Shown(t, m)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={bp.Trace: lambda _: 0})
def _steps(m: Model, t: bp.Trace) -> tuple[lesson.Step, ...]:
    return lesson.steps(t, m.precision)  # the model is the key: the trace follows from it


def steps(shown: Shown[bp.Trace]) -> tuple[lesson.Step, ...]:
    """The lesson's steps of the trace shown, at its model's decimals (immutable, computed once per trace)."""
    return _steps(shown.model, shown.value)


def results_with_update(m: Model | None = None) -> Shown[bp.Trace] | None:
    """As `results`, for pages that need the update (the landscape's paths, the exports): while only the
    learning rate is bad, the last valid input's trace, stale."""
    shown = results(m)
    if shown is not None and shown.value.lr is None:
        return last_good(shown.model.precision)
    return shown


def last_good(precision: int) -> Shown[bp.Trace] | None:
    """The last valid input and its trace (stale), at `precision` decimals; None if there is none yet."""
    kept = st.session_state.get(LAST_GOOD)
    if kept is None:
        return None
    m, t = kept
    if m.precision != precision:  # the decimals are a display setting: the stale results follow them too
        m = replace(m, precision=precision)
        t = _trace(m)
        st.session_state[LAST_GOOD] = (m, t)
    return Shown(t, m, stale=True)


@st.cache_data(max_entries=64, show_spinner=False)
def _notebook(m: Model) -> lesson.NotebookStep:
    return lesson.notebook_step(m.X, m.w, m.b, m.y, m.lr)


def notebook(m: Model | None = None) -> Shown[lesson.NotebookStep] | None:
    """The seed notebook's step (ReLU, MSE) on the model's data beside the correct one; on bad input, the
    InputError (st.error) and the step on the last valid input, stale (None when there is none)."""
    m = (m or model()).filled()
    try:
        return Shown(_notebook(m), m)
    except bp.InputError as err:
        show_input_error(err)
    last = last_good(m.precision)
    try:
        return None if last is None else Shown(_notebook(last.model), last.model, stale=True)
    except bp.InputError:  # valid for its own activation and loss, but not for the notebook's
        return None


@st.cache_data(max_entries=64, show_spinner=False)
def _gradient_check(m: Model, activation: str, loss: str, eps: float) -> bp.GradientCheck:
    net, X, y, params = m.engine(activation, loss)
    return net.gradient_check(X, y, params, eps=eps)


def gradient_check(m: Model | None = None, eps: float = 1e-6, activation: str | None = None,
                   loss: str | None = None) -> bp.GradientCheck | None:
    """Finite differences against the analytic gradient (the model's activation and loss unless given)."""
    m = (m or model()).filled()
    try:
        return _gradient_check(m, activation or m.activation, loss or m.loss, eps)
    except bp.InputError as err:
        show_input_error(err)
        return None


@st.cache_data(max_entries=64, show_spinner=False)
def _train(m: Model, optimizer: str, steps: int, activation: str, loss: str) -> bp.Trajectory:
    net, X, y, params = m.engine(activation, loss)
    return net.train(X, y, params, lr=m.lr, steps=steps, optimizer=optimizer)


def trajectory(m: Model, optimizer: str, steps: int, activation: str | None = None,
               loss: str | None = None) -> bp.Trajectory | None:
    """`steps` updates of `optimizer` from the model's parameters, or None after showing the InputError."""
    try:
        return _train(m.filled(), optimizer, steps, activation or m.activation, loss or m.loss)
    except bp.InputError as err:
        show_input_error(err)
        return None


CAPACITY_STEPS = 1000


@st.cache_data(max_entries=16, show_spinner="Training the network…")
def _capacity(m: Model) -> bp.Trajectory:
    net, X, y, params = m.engine()
    return net.train(X, y, params, lr=0.05, steps=CAPACITY_STEPS, optimizer="adam")


@st.cache_data(max_entries=16, show_spinner="Training one neuron…")
def _capacity_alone(X: np.ndarray, y: np.ndarray, activation: str, loss: str, outputs: int,
                    penalty: tuple = ()) -> bp.Trajectory:
    """One neuron's side: it reads the data, the output and the penalty only, so an edit of the network's weights
    keeps it."""
    one = bp.Network(inputs=X.shape[1], output=activation, loss=loss, outputs=outputs, **dict(penalty))
    return one.train(X, y, one.init(seed=0), lr=0.05, steps=CAPACITY_STEPS, optimizer="adam")


def capacity_rows(m: Model) -> int:
    """How many rows the capacity comparison trains on: all of them, or as many as the compute budget allows."""
    return budget.capacity_rows(len(m.X), len(m.params) + (m.n_features + 1) * m.outputs, CAPACITY_STEPS)


def capacity(m: Model) -> tuple[bp.Trajectory, bp.Trajectory] | None:
    """This network and one neuron (same output and loss, He/Xavier start), each trained with Adam (η = 0.05)
    for CAPACITY_STEPS steps on the model's data (a seeded sample of capacity_rows(m) rows when the budget asks);
    None (the error shown) on bad input."""
    try:
        m = budget.sampled(m.filled(), capacity_rows(m))
        _, X, y, _ = m.engine()
        return _capacity(m), _capacity_alone(X, y, m.activation, m.loss, m.outputs,
                                             tuple(sorted(m.penalty.items())))
    except bp.InputError as err:
        show_input_error(err)
        return None
