"""Data & sharing: the share link, CSV import, and exports of the trace (CSV, JSON, a runnable NumPy script)."""

import hashlib

import pandas as pd
import streamlit as st

from lesson import export
from ui import csv_import, share_ui, state, training, widgets
from ui.share_ui import escape

RESULT = "csv_result"  # (kind, message) of the last "Load into the explorer"
SCRIPT_SHOWN_ROWS = 50  # the script is shown on the page (not only downloadable) up to this many samples


@st.cache_data(max_entries=8, show_spinner=False)
def _parse(data: bytes | str) -> csv_import.Table | str:
    """The parsed table, or the CsvError's message (errors are returned, so they are cached too)."""
    try:
        return csv_import.parse(data)
    except csv_import.CsvError as err:
        return str(err)


def _load(table: csv_import.Table, features: list[str], target: str, source: str, more: tuple[str, ...] = (),
          as_classes: bool = False) -> None:
    try:
        new = csv_import.to_model(table, features, [target, *more] if more else target, state.model(), as_classes)
    except csv_import.CsvError as err:
        st.session_state[RESULT] = ("error", f"Cannot import {escape(source)}: {escape(err)}. Nothing was "
                                             "changed; the explorer keeps its current data.")
        return
    kept = "kept" if new.w == state.model().w else "set afresh"
    state.set_model(new, rebuild_editors=True)
    widgets.sync_settings()
    st.session_state[RESULT] = ("success", f"Loaded {table.n_rows:,} samples × {len(features)} features from "
                                           f"{escape(source)} (target {escape(target)}); the weights were {kept}, "
                                           "the bias and the settings kept. Every page now shows this data.")


st.title("Data & sharing", anchor=False)
st.caption("Send this exact example to someone, bring your own data, or take the computation home.")
shown = state.results_with_update()
widgets.editors_expander(expanded=shown is None or shown.stale)

st.subheader("Share link", anchor=False)
st.markdown("The link holds X, y (and the features' and classes' names), the architecture with every weight and "
            "bias, the learning rate, the activation, the loss, the regularization, the decimals, the loss "
            "landscape's and the training page's settings and, when ticked, presenter mode, in plain text you can "
            "read and edit. Opening it in any browser restores them.")
path, step = share_ui.page_choice_ui()
share_ui.link_ui(path, step)

st.subheader("Import a CSV", anchor=False)
st.markdown(f"The first line names the columns; each further line is one sample. Choose the target column "
            f"(y) and the feature columns (X) below. At most {csv_import.MAX_ROWS:,} rows, "
            f"{csv_import.MAX_COLUMNS - 1} features and {csv_import.MAX_BYTES // 1_000_000} MB; "
            "commas, semicolons or tabs between values, dots for decimals, UTF-8 text.")
upload, paste = st.columns(2)
with upload:
    uploaded = st.file_uploader("CSV file", type=["csv", "tsv", "txt"], key="csv_file", max_upload_size=1,
                                help="Up to 1 MB; a larger file is refused (hover over it for the reason).")
with paste:
    pasted = st.text_area("…or paste a table (e.g. copied from a spreadsheet)", key="csv_text", height=120,
                          placeholder="x0,x1,y\n1,2,1\n2,1,0\n-1,-2,0", max_chars=csv_import.MAX_BYTES)
if uploaded is not None:
    source, data = f"file {uploaded.name!r}", uploaded.getvalue()
elif pasted.strip():
    source, data = "the pasted table", pasted
else:
    source, data = None, None

if data is not None:
    table = _parse(data)
    if isinstance(table, str):
        st.error(f"Cannot import {escape(source)}: {escape(table)}. Nothing was changed; the explorer keeps "
                 "its current data.", icon=":material/error:")
    else:
        digest = hashlib.sha1("\x1f".join(table.header).encode()).hexdigest()[:10]
        st.caption(f"{escape(source)}: {table.n_rows:,} rows × {len(table.header)} columns, separated by "
                   f"{csv_import.DELIMITERS[table.delimiter]}s. The first rows:")
        st.dataframe(pd.DataFrame(list(table.rows[:5]), columns=list(table.header)), hide_index=True)
        left, right = st.columns([1, 2])
        target = left.selectbox("Target column (y)", table.header, key=f"csv_target_{digest}",
                                index=table.header.index(csv_import.default_target(table)))
        as_classes = left.toggle("Classes", key=f"csv_classes_{digest}_{target}",
                                 value=not all(csv_import._is_number(r[table.header.index(target)])
                                               for r in table.rows[:50]),
                                 help="The target column names classes (text such as “setosa”, or numbers): its "
                                      "distinct values become the classes 0..K−1, with softmax and cross-entropy.")
        more: list[str] = []
        if as_classes:
            names = csv_import.classes_of(table, target)
            left.caption("Classes: " + "; ".join(f"{k} = {escape(n)}" for k, n in enumerate(names[:8]))
                         + (f" … ({len(names)} distinct values)" if len(names) > 8 else ""))
        else:
            more = left.multiselect("More target columns (K outputs)", [c for c in table.header if c != target],
                                    key=f"csv_more_{digest}_{target}", max_selections=7)
        others = [c for c in table.header if c != target and c not in more]
        features = right.multiselect("Feature columns (X)", others, default=others[: csv_import.MAX_COLUMNS - 1],
                                     key=f"csv_features_{digest}_{target}_{len(more)}",
                                     max_selections=csv_import.MAX_COLUMNS - 1)
        st.button("Load into the explorer", type="primary", icon=":material/upload:", key="csv_load",
                  on_click=_load, args=(table, features, target, source, tuple(more), as_classes),
                  disabled=not features,
                  help="Replaces X and y with the chosen columns; you can undo by loading an example.")
result = st.session_state.pop(RESULT, None)
if result:
    (st.error if result[0] == "error" else st.success)(result[1])

st.subheader("Export", anchor=False)
if shown is None:
    st.info("Fix the input (the message above names the cell) to export its trace.", icon=":material/info:")
    st.stop()
widgets.stale_ui(shown)
t, precision, names = shown.value, shown.model.precision, shown.model.own_features
settings = training.export_settings()
script = export.numpy_script(t, precision, settings)
st.markdown("The numbers are written exactly (full float64 precision). The NumPy script recomputes the forward "
            "pass, every gradient and the update with the same operations as the app and prints them as the "
            "app shows them; it needs only NumPy. The JSON and the script also hold the number of outputs, the loss, "
            "the regularization and the training page's settings (optimizer, batch size, epochs, seed, test "
            "fraction); the script prints the first epoch's mini-batches in the order the training page uses.")
with st.container(horizontal=True):
    st.download_button("Samples (CSV)", lambda: export.samples_csv(t, names), "backprop_samples.csv", "text/csv",
                       key="dl_samples", icon=":material/table:", on_click="ignore",
                       help="One row per sample: x, y, z, a, dL/da, da/dz, δ and its share of each gradient.")
    st.download_button("Parameters (CSV)", lambda: export.parameters_csv(t), "backprop_parameters.csv",
                       "text/csv", key="dl_params", icon=":material/tune:", on_click="ignore",
                       help="One row per parameter: value, gradient, value after the update.")
    st.download_button("Data X, y (CSV)", lambda: export.data_csv(t, names), "backprop_data.csv", "text/csv",
                       key="dl_data", icon=":material/dataset:", on_click="ignore",
                       help="Just the features and the target: imports back on this page.")
    st.download_button("Whole trace (JSON)", lambda: export.trace_json(t, precision, settings), "backprop_trace.json",
                       "application/json", key="dl_json", icon=":material/data_object:", on_click="ignore")
    st.download_button("NumPy script (.py)", script, "backprop_step.py", "text/x-python", key="dl_script",
                       icon=":material/code:", on_click="ignore", type="primary")
if len(t.z) <= SCRIPT_SHOWN_ROWS:
    with st.expander("The NumPy script", icon=":material/code:"):
        st.code(script, language="python", line_numbers=True)
else:
    st.caption(f"With {len(t.z):,} samples the script is only downloadable (it holds the data).")
