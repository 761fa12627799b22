"""Widgets shared by the pages: the model's editors and the sidebar settings.

Each `*_ui()` draws its widgets and writes changes back into the session's model (ui.state).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

import backprop as bp
import lesson

from . import render, state
from .model import (
    ACTIVATION_CHOICES,
    LOSS_CHOICES,
    MAX_SHOWN_WIDTH,
    OUTPUT_CHOICES,
    OUTPUTS_RANGE,
    PRECISION_RANGE,
    PRESETS,
    REG_RATE_RANGE,
    REGULARIZATIONS,
    Model,
)
from .render import code_span

SETTINGS = {"lr": "setting_lr", "activation": "setting_activation", "outputs": "setting_outputs",
            "loss": "setting_loss", "regularization": "setting_reg", "reg_rate": "setting_reg_rate",
            "precision": "setting_precision"}
ONE_HOT = "y_one_hot"  # cross-entropy's targets as one-hot columns (on) or one class column (off)
DEPTH = "arch_depth"  # the sidebar's number of hidden layers; its layers' widths and activations below
INIT_KIND, INIT_SEED, INIT_VALUE = "init_kind", "init_seed", "init_value"
CAPACITY_OPEN = "capacity_open"  # the capacity panel's expander
CAPACITY_KEPT = "capacity_kept"  # whether it was left open: a widget's state goes with the page that drew it
INIT_KINDS = {"auto": "He / Xavier (by activation)", "he": "He", "xavier": "Xavier", "constant": "Constant"}


def _width_key(l: int) -> str:
    return f"arch_width_{l}"


def _act_key(l: int) -> str:
    return f"arch_act_{l}"


def _xy_frame(m: Model) -> pd.DataFrame:
    data = {name: [r[j] for r in m.X] for j, name in enumerate(m.features)}
    for j, name in enumerate(m.y_columns):
        data[name] = [r[j] for r in m.y_rows]
    return pd.DataFrame(data, dtype="string" if m.X else object)


def _target_columns(m: Model) -> dict:
    """The targets' column configs: y; a class column (labels 0..K-1, named when the data named them); or one
    column per output."""
    if m.outputs == 1:
        return {"y": st.column_config.TextColumn("y", help="target", default="")}
    if m.labelled:
        names = ", ".join(m.class_name(k) for k in range(m.outputs))
        return {"class": st.column_config.TextColumn("class", help=f"the class label, a whole number 0 to "
                                                     f"{m.outputs - 1}: {names}", default="")}
    return {c: st.column_config.TextColumn(c, help=f"output {k}'s target" + (
        f" (class {m.class_name(k)})" if m.loss == "ce" else ""), default="") for k, c in enumerate(m.output_names)}


def _wb_frame(m: Model) -> pd.DataFrame:
    return pd.DataFrame({name: [v] for name, v in zip(m.params, (*m.w, m.b), strict=True)}, dtype="string")


def _layer_frame(m: Model, key: str) -> pd.DataFrame:
    """One layer's W (rows: the units it reads; columns: its units) or b (one row), as text cells."""
    l = int(key[1:])
    texts = m.param_texts()[key]
    cols = m.unit_names(l)
    if key[0] == "W":
        return pd.DataFrame([list(r) for r in texts], columns=cols, index=m.unit_names(l - 1), dtype="string")
    return pd.DataFrame([list(texts)], columns=cols, index=[key], dtype="string")


def _layer_keys(m: Model) -> list[str]:
    return [] if m.is_neuron else [k for l in range(1, len(m.hidden) + 2) for k in (f"W{l}", f"b{l}")]


def apply_pending_edits(page: str) -> None:
    """Fold the editors' edits into the model, before anything on the page reads it.

    A data_editor's widget state is every edit made in it so far (a delta) against the table it was drawn
    from. The editors draw their tables from one base model (`state.editor_base`) and keep their keys while
    the user types, so the grids in the browser stay as they are (no remount after each cell); the model's
    cells are the base with each editor's delta applied, recomputed every run. The editors are rebuilt from
    the model (new keys, the model as the base) whenever the editors about to be drawn are new widgets: on
    another PAGE (a widget's identity includes its page), or when the last run did not draw them. The same
    path serves the browser and AppTest, which injects the delta as the key's state.
    """
    m = state.model()
    base = state.editor_base()
    deltas = {k: st.session_state[state.editor_key(k)] for k in _editor_names(base)
              if state.editor_key(k) in st.session_state}
    if deltas:
        cells = _with_deltas(base, deltas)
        m = replace(m, X=cells.X, y=cells.y, w=cells.w, b=cells.b, layers=cells.layers)
    rebuild = not deltas or st.session_state.get(state.EDITORS_PAGE) != page
    if rebuild or m != state.model():
        state.set_model(m, rebuild_editors=rebuild)
    st.session_state[state.EDITORS_PAGE] = page


def _editor_names(m: Model) -> list[str]:
    return ["xy", *(["wb"] if m.is_neuron else _layer_keys(m))]


def _with_deltas(base: Model, deltas: dict[str, dict]) -> Model:
    """BASE with the editors' deltas applied: {editor name: its widget state}."""
    new = base
    xy = deltas.get("xy") or {}
    if xy:
        new = new.edited(xy.get("edited_rows", {}), xy.get("added_rows", []), xy.get("deleted_rows", []))
    wb = deltas.get("wb") or {}
    if wb.get("edited_rows") and new.is_neuron:
        new = new.params_edited(next(iter(wb["edited_rows"].values())))
    for key in _layer_keys(new):
        edits = (deltas.get(key) or {}).get("edited_rows")
        if edits:
            cols = new.unit_names(int(key[1:]))
            new = new.layer_edited(key, {i: {cols.index(c) if c in cols else int(c): v for c, v in row.items()}
                                         for i, row in edits.items()})
    return new


def _change_features(add: bool) -> None:
    m = state.model()
    state.set_model(m.with_feature_added() if add else m.with_feature_removed(), rebuild_editors=True)


def editors_ui() -> Model:
    """The X|y table (samples as rows; add and delete rows) and the w|b table; returns the model. The tables are
    drawn from the editors' base (see apply_pending_edits): the edits since are the grids' own state."""
    m, base = state.model(), state.editor_base()
    # a new row starts with empty cells (default ""), not the grid's grey "None"
    text_columns = {c: st.column_config.TextColumn(c, help=f"feature {c}", default="") for c in m.features}
    text_columns |= _target_columns(base)
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Samples: X and y** — one row per sample, numbered from 0 as the results and messages name "
                    "them; add rows at the bottom, delete with the row menu.")
        key = state.editor_key("xy")
        # One index-like column only: the editor's own row markers (they select rows to delete).
        st.data_editor(_xy_frame(base), key=key, num_rows="dynamic", column_config=text_columns, width="stretch",
                       hide_index=True)
        targets_ui(m)
        unfilled = m.unfilled_rows()
        if unfilled:
            rows = ", ".join(map(str, unfilled))
            st.caption(f"Row{'s' if len(unfilled) > 1 else ''} {rows}: not filled in yet, so left out of the results "
                       "until every cell holds a number.")
    with right:
        if m.is_neuron:
            st.markdown("**Parameters: w and b**")
            key = state.editor_key("wb")
            st.data_editor(_wb_frame(base), key=key, hide_index=True, width="stretch",
                           column_config={c: st.column_config.TextColumn(c) for c in m.params})
        else:
            layers_ui(m)
        with st.container(horizontal=True):  # wraps onto a second line rather than cutting a label short
            st.button("Add feature", icon=":material/add:", on_click=_change_features, args=(True,),
                      disabled=m.n_features >= bp.validation.MAX_FEATURES, key="add_feature")
            st.button("Remove feature", icon=":material/remove:", on_click=_change_features, args=(False,),
                      disabled=m.n_features <= 1, key="remove_feature")
            init_ui()
        filled = len(m.X) - len(m.unfilled_rows())  # the samples the results use; rows being filled in are not
        st.caption(f"{filled} sample{'s' if filled != 1 else ''} × {m.n_features} features. Cells take any number, "
                   "e.g. 0.5, -2, 1e-3.")
    return m


def targets_ui(m: Model) -> None:
    """For cross-entropy with K classes: the switch between one class column and one-hot columns, and the classes'
    names when the data named them."""
    if m.outputs == 1 or m.loss != "ce":
        return
    st.session_state[ONE_HOT] = not m.labelled
    st.toggle("One-hot columns", key=ONE_HOT, on_change=_on_one_hot,
              help="Off: one class column of whole numbers 0 to K−1. On: K columns per sample, a 1 under its class "
                   "and 0 elsewhere (or class probabilities summing to 1).")
    if m.classes:
        st.caption("Classes: " + "; ".join(m.class_name(k) for k in range(m.outputs)))


def _on_one_hot() -> None:
    said = state.set_one_hot(bool(st.session_state[ONE_HOT]))
    if said:
        st.toast(said, icon=":material/table_rows:")


def layers_ui(m: Model) -> None:
    """A network's parameters: per layer, W_l (rows: the units it reads, columns: its units) and b_l below it."""
    widths = " → ".join(str(n) for n in [m.n_features, *(w for w, _ in m.hidden), m.outputs])
    st.markdown(f"**Parameters of the {widths} network**: every weight and bias is a cell")
    L = len(m.hidden) + 1
    base = state.editor_base()  # the tables the editors were drawn from (their deltas are against them)
    for l in range(1, L + 1):
        act = m.activation if l == L else m.hidden[l - 1][1]
        what = "the output" if l == L else f"hidden layer {l}"
        st.caption(f"Layer {l}, {what} ({bp.ACTIVATIONS[act].label}): W{l} (a row per unit it reads, a column per "
                   f"unit), then b{l}")
        for key in (f"W{l}", f"b{l}"):
            frame = _layer_frame(base, key)
            st.data_editor(frame, key=state.editor_key(key), hide_index=False, width="stretch",
                           column_config={c: st.column_config.TextColumn(c) for c in frame.columns})


def init_ui() -> None:
    """Initialise every weight and bias: He / Xavier with a seed, or a constant."""
    m = state.model()
    with st.popover("Initialise", icon=":material/casino:", help="Set every weight and bias afresh"):
        st.selectbox("Scheme", list(INIT_KINDS), format_func=INIT_KINDS.get, key=INIT_KIND,
                     help="He: N(0, 2/fan_in), for the ReLU family; Xavier: N(0, 2/(fan_in + fan_out)), for the "
                          "others; biases 0.")
        if st.session_state.get(INIT_KIND) == "constant":
            st.number_input("Value", key=INIT_VALUE, value=0.1, step=0.1, format="%.4f")
        else:
            st.number_input("Seed", min_value=0, max_value=2**31 - 1, step=1, key=INIT_SEED, value=0)
        st.button("Initialise", key="init_apply", on_click=_on_init,
                  help=f"Sets all {len(m.flat_texts())} weights and biases")


def _on_init() -> None:
    m = state.model()
    kind = st.session_state.get(INIT_KIND, "auto")
    try:
        new = m.with_init(kind, seed=int(st.session_state.get(INIT_SEED, 0)),
                          value=float(st.session_state.get(INIT_VALUE, 0.1)))
    except bp.InputError as err:
        st.toast(f"Cannot initialise: {err}", icon=":material/error:")
        return
    state.set_model(new, rebuild_editors=True)
    st.toast(f"Every weight and bias initialised ({INIT_KINDS[kind]}).", icon=":material/casino:")


def architecture_ui() -> None:
    """Hidden layers (0-3), each one's width (1-8) and activation, in the sidebar. A change keeps the weights that
    still fit and initialises the rest, and says which."""
    m = state.model()
    st.session_state.setdefault(DEPTH, len(m.hidden))
    st.selectbox("Hidden layers", list(range(bp.MAX_HIDDEN + 1)), key=DEPTH, on_change=_on_architecture,
                 help="0 is one neuron. Each hidden layer's width and activation follow.")
    for l in range(1, int(st.session_state[DEPTH]) + 1):
        width, act = m.hidden[l - 1] if l <= len(m.hidden) else (2, "tanh")
        st.session_state.setdefault(_width_key(l), width)
        st.session_state.setdefault(_act_key(l), act)
        left, right = st.columns([2, 3])
        left.number_input(f"Layer {l} units", min_value=1, max_value=MAX_SHOWN_WIDTH, step=1, key=_width_key(l),
                          on_change=_on_architecture)
        right.selectbox(f"Layer {l} activation", ACTIVATION_CHOICES, key=_act_key(l), on_change=_on_architecture,
                        format_func=lambda k: bp.ACTIVATIONS[k].label)


def _on_architecture() -> None:
    m = state.model()
    depth = int(st.session_state[DEPTH])
    hidden = tuple((int(st.session_state.get(_width_key(l), 2)), st.session_state.get(_act_key(l), "tanh"))
                   for l in range(1, depth + 1))
    try:
        new, said = m.with_architecture(hidden, seed=0)
    except bp.InputError as err:
        st.toast(f"Cannot change the architecture: {err}", icon=":material/error:")
        return
    state.set_model(new, rebuild_editors=True)
    if said:
        st.toast(said, icon=":material/account_tree:")


EDGES_SHOW, EDGES_SAMPLE = "network_edges", "network_sample"


def network_ui(trace: bp.Trace, precision: int, current: lesson.Step | None = None, key: str = "network",
               inputs: list[str] | None = None) -> str:
    """The network diagram (units as nodes, weights as edges coloured by sign and sized by magnitude) with a choice
    of what the edges show, the chosen sample, and every drawn number as text in a table under it; `inputs` names
    the features (default x₀, x₁, ...). Returns the diagram's SVG text."""
    from viz import network

    n = trace.X.shape[0]
    # the choice on a row of its own, so that no option is cut short in the overview's narrower column
    show = st.segmented_control("Edges show", list(network.SHOWS), key=f"{key}_{EDGES_SHOW}", default="weights",
                                  format_func=lambda k: {"weights": "weights W", "grad": "batch gradient dL/dW",
                                                         "sample": "one sample's share"}[k],
                                  help="Blue edges are positive, orange negative; thicker is larger.") or "weights"
    sample = st.selectbox("Sample", list(range(n)), key=f"{key}_{EDGES_SAMPLE}",
                             format_func=lambda i: f"sample {i}",
                             help="Whose z and a the units show (and whose share, for “one sample's share”).")
    sample = min(int(sample or 0), n - 1)
    svg = network.network_svg(trace, show, sample, current, precision, inputs)
    render.diagram_ui(svg, f"{key.replace('_', '-')}-diagram")
    rows = []
    for layer in trace.network.layers:
        W, b = network.values(trace, show, layer.index, sample)
        names = [f"W{layer.index}[{k},{j}]" for k in range(layer.fan_in) for j in range(layer.fan_out)]
        rows += list(zip(names, W.ravel(), strict=True)) + [(f"b{layer.index}[{j}]", v) for j, v in enumerate(b)]
    what = {"weights": "value", "grad": "dL/dθ (batch)", "sample": f"sample {sample}'s share of dL/dθ"}[show]
    st.dataframe(pd.DataFrame({what: [render.fmt(v, precision) for _, v in rows]},
                              index=pd.Index([k for k, _ in rows], name="parameter")),
                 key=f"{key}_table", height=min(38 + 35 * len(rows), 250))
    return svg


def capacity_ui(m: Model) -> None:
    """For a network: does it need its hidden layers? It and one neuron, trained on the same data, side by side.
    Closed until opened, and built only while open: the two trainings are the page's heaviest work, which every
    edit would otherwise wait for. Open, it stays open (on every page visit) until closed."""
    if not m.hidden:
        return
    panel = st.expander("Does this data need the hidden layers? Train this network and one neuron" + (
        " per output" if m.outputs > 1 else "") + f" (Adam, {state.CAPACITY_STEPS:,} steps each)",
                        expanded=st.session_state.get(CAPACITY_KEPT, False), key=CAPACITY_OPEN,
                        on_change="rerun", icon=":material/compare_arrows:")
    st.session_state[CAPACITY_KEPT] = bool(panel.open)
    if not panel.open:
        return
    with panel:
        rows = state.capacity_rows(m)
        result = state.capacity(m)
        if result is None:
            return
        mine, alone = result
        widths = "-".join(str(n) for n in [m.n_features, *(w for w, _ in m.hidden), m.outputs])
        ours, theirs = float(mine.loss[-1]), float(alone.loss[-1])
        p = m.precision
        left, right = st.columns(2)
        left.metric(f"This {widths} network", render.fmt(ours, p), help="Its loss after training")
        right.metric("One neuron" if m.outputs == 1 else f"No hidden layer ({m.n_features} → {m.outputs})",
                     render.fmt(theirs, p), help="Its loss after the same training")
        if theirs > 2 * ours and theirs - ours > 0.02:
            st.markdown(
                f"**One neuron cannot learn this; the {widths} network can.** A neuron computes a = f(w·x + b), so "
                "the inputs it tells apart are split by one straight line (where w·x + b = 0). Here no straight line "
                "separates the targets (XOR is the classic case). Each hidden unit draws a line of its own, and the "
                "layer above combines them into a boundary that bends.")
        else:
            st.markdown("**Here one neuron does about as well**: a straight boundary (a plane) already fits this "
                        "data, so the hidden layers add little.")
        render.loss_curves_ui([("one neuron", alone), (f"{widths} network", mine)], "capacity-curves")
        st.caption(f"Both trained with Adam, η = 0.05, {state.CAPACITY_STEPS:,} steps; the network from its current "
                   "weights, the neuron from He / Xavier weights with seed 0"
                   + (f"; on a random sample of {rows:,} of the {len(m.X):,} samples (the same on every run), to keep "
                      "one run within the server's compute budget, so the losses are that sample's." if rows < len(m.X)
                      else "."))


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
    if old.hidden != new.hidden:
        out.append("hidden layers " + (", ".join(f"{w}:{a}" for w, a in old.hidden) or "none"))
    elif old.outputs != new.outputs or old.labelled != new.labelled:
        out.append(f"{old.outputs} output{'s' if old.outputs > 1 else ''}"
                   + (" with class labels" if old.labelled else ""))
    elif (len(old.X), old.n_features) != (len(new.X), new.n_features):
        out.append(f"{len(old.X)} samples × {old.n_features} features")
    else:  # same shape: name the cells
        for i, (row_a, row_b) in enumerate(zip(old.X, new.X, strict=True)):
            out += [f"X row {i}, column {name} = {code_span(a)}"
                    for name, a, b in zip(old.features, row_a, row_b, strict=True) if a != b]
        out += [f"y row {i} = {code_span(', '.join(a))}"
                for i, (a, b) in enumerate(zip(old.y_rows, new.y_rows, strict=True)) if a != b]
        out += [f"{'bias' if name[0] == 'b' else 'weight'} {name} = {code_span(a)}"
                for name, a, b in zip(old.params, old.flat_texts(), new.flat_texts(), strict=True) if a != b]
    if old.lr != new.lr:
        out.append(f"learning rate η = {code_span(old.lr)}")
    if old.activation != new.activation:
        out.append(f"activation {bp.ACTIVATIONS[old.activation].label}")
    if old.loss != new.loss:
        out.append(f"loss {bp.LOSSES[old.loss].label}")
    if old.penalty != new.penalty:
        out.append("no regularization" if not old.penalty else
                   f"{REGULARIZATIONS[old.regularization]}, λ = {old.reg_rate:g}")
    return out[:limit] + (["…"] if len(out) > limit else [])


def page_link(url_path: str, label: str, help: str | None = None, **query) -> None:
    """A link to another page of the app (skipped when the app has no such page)."""
    target = state.page(url_path)
    if target is not None:
        st.page_link(target, label=label, help=help, query_params=query or None)


def _on_setting(name: str) -> None:
    value = st.session_state[SETTINGS[name]]
    if name == "outputs":
        try:
            said = state.set_outputs(int(value))
        except bp.InputError as err:
            st.toast(f"Cannot change the outputs: {err}", icon=":material/error:")
            return
        if said:
            st.toast(said, icon=":material/output:")
        return
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
    st.session_state[DEPTH] = len(m.hidden)
    for l, (width, act) in enumerate(m.hidden, 1):
        st.session_state[_width_key(l)], st.session_state[_act_key(l)] = width, act


def settings_stale() -> bool:
    """Whether the sidebar's settings, drawn in the last full run, no longer say what the model is (an edit turned
    an example into "Your own data")."""
    return st.session_state.get("preset_select") != state.example()


def settings_ui() -> Model:
    """Preset, activation, loss, regularization, learning rate and precision, in the sidebar."""
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
        architecture_ui()
        left, right = st.columns([3, 2])
        left.selectbox("Output activation" if st.session_state.get(DEPTH) else "Activation", OUTPUT_CHOICES,
                       key=SETTINGS["activation"], on_change=_on_setting, args=("activation",),
                       format_func=lambda k: bp.ACTIVATIONS[k].label,
                       help="Softmax turns K ≥ 2 outputs into class probabilities (it proposes cross-entropy).")
        right.number_input("Outputs K", *OUTPUTS_RANGE, step=1, key=SETTINGS["outputs"], on_change=_on_setting,
                           args=("outputs",), help="Output units: one per target column, or one per class. A change "
                                                   "keeps the weights and targets that still fit.")
        st.selectbox("Loss", LOSS_CHOICES, key=SETTINGS["loss"], on_change=_on_setting, args=("loss",),
                     format_func=lambda k: bp.LOSSES[k].label)
        left, right = st.columns([3, 2])
        left.selectbox("Regularization", list(REGULARIZATIONS), key=SETTINGS["regularization"],
                       on_change=_on_setting, args=("regularization",), format_func=REGULARIZATIONS.get,
                       help="A penalty on the weights (never the biases) added to the loss: L2 is (λ/2) Σ W², L1 is "
                            "λ Σ |W|. Every page computes the loss plus the penalty; the step page shows the penalty "
                            "and its gradient as steps of their own.")
        right.number_input("Rate λ", *REG_RATE_RANGE, step=0.001, format="%g", key=SETTINGS["reg_rate"],
                           on_change=_on_setting, args=("reg_rate",), disabled=m.regularization == "none")
        st.text_input("Learning rate η", key=SETTINGS["lr"], on_change=_on_setting, args=("lr",))
        st.slider("Decimals shown", *PRECISION_RANGE, key=SETTINGS["precision"], on_change=_on_setting,
                  args=("precision",))
    return state.model()
