"""Widgets shared by the pages: the model's editors and the sidebar settings.

Each `*_ui()` draws its widgets and writes changes back into the session's model (ui.state).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import backprop as bp

from . import state
from .model import ACTIVATION_CHOICES, LOSS_CHOICES, PRECISION_RANGE, PRESETS, Model
from .render import code_span

SETTINGS = {"lr": "setting_lr", "activation": "setting_activation", "loss": "setting_loss",
            "precision": "setting_precision"}


def _xy_frame(m: Model) -> pd.DataFrame:
    data = {name: [r[j] for r in m.X] for j, name in enumerate(m.features)}
    data["y"] = list(m.y)
    return pd.DataFrame(data, dtype="string" if m.X else object)


def _wb_frame(m: Model) -> pd.DataFrame:
    return pd.DataFrame({name: [v] for name, v in zip(m.params, (*m.w, m.b), strict=True)}, dtype="string")


def apply_pending_edits() -> None:
    """Fold the editors' pending edits into the model, before anything on the page reads it.

    A data_editor's widget state is a delta against the table it was drawn from. Applying it here, then
    drawing fresh tables under a new key, means a delta is never replayed onto data that already holds
    it. The same path serves the browser and AppTest, which injects the delta as the key's state.
    """
    new = state.model()
    xy = st.session_state.get(state.editor_key("xy")) or {}
    wb = st.session_state.get(state.editor_key("wb")) or {}
    xy_pending = any(xy.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
    if xy_pending:
        new = new.edited(xy.get("edited_rows", {}), xy.get("added_rows", []), xy.get("deleted_rows", []))
    if wb.get("edited_rows"):
        new = new.params_edited(next(iter(wb["edited_rows"].values())))
    if xy_pending or wb.get("edited_rows"):
        state.set_model(new, rebuild_editors=True)


def _change_features(add: bool) -> None:
    m = state.model()
    state.set_model(m.with_feature_added() if add else m.with_feature_removed(), rebuild_editors=True)


def editors_ui() -> Model:
    """The X|y table (samples as rows; add and delete rows) and the w|b table; returns the model."""
    m = state.model()
    text_columns = {c: st.column_config.TextColumn(c, help=f"feature {c}") for c in m.features}
    text_columns["y"] = st.column_config.TextColumn("y", help="target")
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Samples: X and y** — one row per sample, numbered from 0 as the results and messages name "
                    "them; add rows at the bottom, delete with the row menu.")
        key = state.editor_key("xy")
        # One index-like column only: the editor's own row markers (they select rows to delete).
        st.data_editor(_xy_frame(m), key=key, num_rows="dynamic", column_config=text_columns, width="stretch",
                       hide_index=True)
        unfilled = m.unfilled_rows()
        if unfilled:
            rows = ", ".join(map(str, unfilled))
            st.caption(f"Row{'s' if len(unfilled) > 1 else ''} {rows}: not filled in yet, so left out of the results "
                       "until every cell holds a number.")
    with right:
        st.markdown("**Parameters: w and b**")
        key = state.editor_key("wb")
        st.data_editor(_wb_frame(m), key=key, hide_index=True, width="stretch",
                       column_config={c: st.column_config.TextColumn(c) for c in m.params})
        add, remove = st.columns(2)
        add.button("Add feature", icon=":material/add:", on_click=_change_features, args=(True,),
                   disabled=m.n_features >= bp.validation.MAX_FEATURES, key="add_feature", width="stretch")
        remove.button("Remove feature", icon=":material/remove:", on_click=_change_features, args=(False,),
                      disabled=m.n_features <= 1, key="remove_feature", width="stretch")
        st.caption(f"{len(m.X)} samples × {m.n_features} features. Cells take any number, e.g. 0.5, -2, 1e-3.")
    return m


def editors_expander(expanded: bool = False) -> Model:
    """The editors inside an expander (open when the input needs fixing), for pages about something else."""
    with st.expander("Edit X, y, w and b", expanded=expanded, icon=":material/edit:"):
        return editors_ui()


def stale_ui(shown: state.Shown) -> None:
    """While the input is bad, say that the results below are the last valid input's, and how it differed."""
    if not shown.stale:
        return
    was = differences(shown.model, state.model())
    st.warning("**Showing the results for the last valid input**" + (f" ({'; '.join(was)})" if was else "")
               + ", not for the input as it is now. Fix the input named in the error above and they update.",
               icon=":material/history:")


def differences(old: Model, new: Model, limit: int = 3) -> list[str]:
    """Where `old` differs from `new`, in words with old's values (at most `limit` items, then "…")."""
    out = []
    if (len(old.X), old.n_features) != (len(new.X), new.n_features):
        out.append(f"{len(old.X)} samples × {old.n_features} features")
    else:  # same shape: name the cells
        for i, (row_a, row_b) in enumerate(zip(old.X, new.X, strict=True)):
            out += [f"X row {i}, column {name} = {code_span(a)}"
                    for name, a, b in zip(old.features, row_a, row_b, strict=True) if a != b]
        out += [f"y row {i} = {code_span(a)}" for i, (a, b) in enumerate(zip(old.y, new.y, strict=True)) if a != b]
        out += [f"{'bias' if name == 'b' else 'weight'} {name} = {code_span(a)}"
                for name, a, b in zip(old.params, (*old.w, old.b), (*new.w, new.b), strict=True) if a != b]
    if old.lr != new.lr:
        out.append(f"learning rate η = {code_span(old.lr)}")
    if old.activation != new.activation:
        out.append(f"activation {bp.ACTIVATIONS[old.activation].label}")
    if old.loss != new.loss:
        out.append(f"loss {bp.LOSSES[old.loss].label}")
    return out[:limit] + (["…"] if len(out) > limit else [])


def page_link(url_path: str, label: str, help: str | None = None, **query) -> None:
    """A link to another page of the app (skipped when the app has no such page)."""
    target = state.page(url_path)
    if target is not None:
        st.page_link(target, label=label, help=help, query_params=query or None)


def _on_setting(name: str) -> None:
    value = st.session_state[SETTINGS[name]]
    also = state.update(**{name: value.strip() if isinstance(value, str) else value})
    if also:
        sync_settings()
        st.toast(also, icon=":material/sync_alt:")


def _on_preset() -> None:
    name = st.session_state["preset_select"]
    if name == "random":
        state.load_random(int(st.session_state.get(state.RANDOM_SEED, 0)))
    else:
        state.load_preset(name)
    sync_settings()


def _on_random_seed() -> None:
    state.load_random(int(st.session_state[state.RANDOM_SEED]))
    sync_settings()


def sync_settings() -> None:
    """Show the model's settings in the sidebar widgets (after a preset or a shared link)."""
    m = state.model()
    for name, key in SETTINGS.items():
        st.session_state[key] = getattr(m, name)


def settings_ui() -> Model:
    """Preset, activation, loss, learning rate and precision, in the sidebar."""
    m = state.model()
    for name, key in SETTINGS.items():
        st.session_state.setdefault(key, getattr(m, name))
    example = state.example()
    st.session_state["preset_select"] = example
    st.session_state.setdefault(state.RANDOM_SEED, 0)
    with st.sidebar:
        st.header("Model")
        st.selectbox("Example", [*PRESETS, *([state.OWN] if example == state.OWN else [])], key="preset_select",
                     on_change=_on_preset, format_func=lambda k: PRESETS[k][0] if k in PRESETS else "Your own data",
                     help="Load a prepared example (replaces the tables). After an edit, an import or a link with "
                          "other data it reads \"Your own data\".")
        if example in PRESETS:
            st.caption(PRESETS[example][2])
        if st.session_state["preset_select"] == "random":
            st.number_input("Random seed", min_value=0, max_value=2**31 - 1, step=1, key=state.RANDOM_SEED,
                            on_change=_on_random_seed, help="The same seed always gives the same data.")
        st.selectbox("Activation", ACTIVATION_CHOICES, key=SETTINGS["activation"], on_change=_on_setting,
                     args=("activation",), format_func=lambda k: bp.ACTIVATIONS[k].label)
        st.selectbox("Loss", LOSS_CHOICES, key=SETTINGS["loss"], on_change=_on_setting, args=("loss",),
                     format_func=lambda k: bp.LOSSES[k].label)
        st.text_input("Learning rate η", key=SETTINGS["lr"], on_change=_on_setting, args=("lr",))
        st.slider("Decimals shown", *PRECISION_RANGE, key=SETTINGS["precision"], on_change=_on_setting,
                  args=("precision",))
    return state.model()
