"""Rendering shared by the pages: numbers at the chosen precision, step tables, inactive-sample marks.

Everything here formats what the engine computed; nothing computes model quantities. Figures are pure
functions of a trace (or trajectories) in `viz/`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

import backprop as bp
import lesson
from viz import curves as curves_svg

from . import presenter

ROW_LIMIT = 200  # tables show at most this many sample rows; the caption says how many there are
ACTIVE, INACTIVE = "✓ yes", "✗ no — δ = 0"
PHASES = {"forward": ("Forward pass", "blue"), "backward": ("Backward pass", "orange"),
          "update": ("Update", "green")}
SUM_ROW = "Σ (sum over samples)"


def fmt(value: float, precision: int = 4) -> str:
    """A number with exactly `precision` decimals; very large or tiny (but non-zero) ones in e-notation: the
    app's one number format, the lesson's (`lesson.latex.text`), so tables and formulas agree."""
    return lesson.latex.text(value, precision)


def fmt_list(values, precision: int = 4) -> str:
    """A vector as `[0.1000, 0.2000]`."""
    return "[" + ", ".join(fmt(v, precision) for v in np.ravel(values)) + "]"


SUBSCRIPTS = str.maketrans("0123456789i", "₀₁₂₃₄₅₆₇₈₉ᵢ")
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
GREEK = {"delta": "δ", "eta": "η", "theta": "θ", "sigma": "σ"}


def subscript(index: int | str) -> str:
    """A sample index as Unicode subscript digits: z + subscript(12) reads z₁₂."""
    return str(index).translate(SUBSCRIPTS)


def prose(text: str) -> str:
    """The engine's plain-text math as Markdown that reads as math: `delta_i` → δᵢ, `x_i . w` → xᵢ · w, a
    LaTeX number `2.4 \\times 10^{11}` → 2.4 × 10¹¹. No underscore or asterisk is left to become emphasis."""
    text = re.sub(r"(\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}", lambda m: f"{m[1]} × 10{m[2].translate(SUPERSCRIPTS)}",
                  text)
    text = re.sub(r"\b([A-Za-z]+)_(\d+|i)\b", lambda m: GREEK.get(m[1], m[1]) + subscript(m[2]), text)
    text = re.sub(r"(?<=\S) \. (?=\S)", " · ", text)
    return text.replace("_", "\\_").replace("*", "\\*")


def code_span(text: str, limit: int = 40) -> str:
    """User text shown literally inside Markdown: a code span, backticks removed, shortened."""
    text = str(text).replace("`", "'")
    return f"`{text[:limit]}{'…' if len(text) > limit else ''}`"


def short_title(step: lesson.Step) -> str:
    """A few characters naming the step, for the stepper's map of the steps."""
    return step.short


def shows_activity(trace: bp.Trace) -> bool:
    """Whether sample tables get an "active?" column: for ReLU, and whenever some sample passes no gradient."""
    return trace.activation == "relu" or bool(trace.inactive.any())


def inactive_samples(trace: bp.Trace) -> list[int]:
    return [int(i) for i in np.flatnonzero(trace.inactive)]


def inactive_note(trace: bp.Trace) -> str | None:
    """A sentence naming the samples that pass no gradient back, or None."""
    off = inactive_samples(trace)
    if not off:
        return None
    names = ", ".join(map(str, off[:20])) + (" …" if len(off) > 20 else "")
    whole = " That is every sample, so the whole gradient is zero and the update changes nothing." \
        if len(off) == len(trace.X) and not trace.has_penalty else ""
    what = "dL/dw and dL/db" if trace.network.is_neuron else "the gradient"
    return (f"✗ Inactive sample{'s' if len(off) > 1 else ''} {names}: {lesson.inactive_why(trace)}, so δ = 0 and "
            f"{'they contribute' if len(off) > 1 else 'it contributes'} nothing to {what}.{whole}")


def limited(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[:ROW_LIMIT]


@dataclass(frozen=True)
class StepTable:
    """A step's numbers as text: row labels (`index`, its header `index_name`) and named columns of cells."""

    index_name: str
    index: list[str]
    columns: dict[str, list[str]]

    def rows(self) -> list[list[str]]:
        """Each row: its label, then its cells in the columns' order."""
        return [[label, *cells] for label, *cells in zip(self.index, *self.columns.values(), strict=True)]


def step_table(step: lesson.Step, trace: bp.Trace, precision: int) -> StepTable:
    """The step's value as a table of text: its extra columns (the softmax's exponentials, the update's old value and
    gradients), its row and column labels, an "active?" column on sample rows, and the column sums on the
    per-sample gradient. At most ROW_LIMIT sample rows (and the sums). Plain lists: the stepper sends every step's
    table on each edit, and a DataFrame per step cost ~1 ms each."""
    table = step.table()
    index = (list(step.row_labels) or [step.short])[:ROW_LIMIT]
    cols = list(step.col_labels) or ["value"]
    n = len(index)
    columns = {c: [fmt(v, precision) for v in np.ravel(values)[:n]] for c, values in step.extra}
    columns |= {c: [fmt(v, precision) for v in table[:n, j]] for j, c in enumerate(cols)}
    if step.kind == "shares":
        index.append(SUM_ROW)
        for c, total in zip(columns, step.value.sum(axis=0), strict=True):
            columns[c].append(fmt(total, precision))
    sample_rows = step.samples
    pad = [""] * (len(index) - n)  # the sum row's cell
    if sample_rows and shows_activity(trace) and step.layer == trace.network.depth and step.kind != "passed":
        columns["active?"] = [INACTIVE if off else ACTIVE for off in trace.inactive[:n]] + pad
    elif sample_rows and step.kind != "passed" and 0 < step.layer < trace.network.depth:
        dead = dead_units(trace, step.layer)
        if dead is not None:
            columns["dead units (f′(z) = 0)"] = dead[:n] + pad
    name = "sample" if sample_rows else ("parameter" if step.kind in ("grad", "update") else "")
    return StepTable(name, index, columns)


def dead_units(trace: bp.Trace, layer: int) -> list[str] | None:
    """For a hidden layer with a kinked activation (the ReLU family), each sample's units whose slope is 0, in
    words ("✗ h1[0], h1[2]" or "none"); None for other activations."""
    spec = trace.network.layers[layer - 1]
    if not spec.activation.has_kink:
        return None
    local = trace.layer_records(layer)[1].local
    return [("✗ " + ", ".join(f"h{layer}[{j}]" for j in np.flatnonzero(row == 0))) if (row == 0).any() else "none"
            for row in local[:ROW_LIMIT]]


def styled(frame: pd.DataFrame):
    """Grey rows for inactive samples and a bold sum row (the text says it too); the frame itself, a plain table
    that costs the browser less, when no row needs a style."""

    def row_style(row: pd.Series) -> list[str]:
        if row.name == SUM_ROW:
            return ["font-weight: bold; border-top: 2px solid currentColor"] * len(row)
        if row.get("active?") == INACTIVE:
            return ["color: #888; background-color: rgba(128, 128, 128, 0.15)"] * len(row)
        return [""] * len(row)

    if SUM_ROW not in frame.index and not (frame.get("active?", pd.Series(dtype=object)) == INACTIVE).any():
        return frame
    return frame.style.apply(row_style, axis=1)


def shape_text(step: lesson.Step, trace: bp.Trace) -> str:
    """The step's shape in words, e.g. "shape (3,): one number per sample"."""
    n = trace.X.shape[0]
    shape = "(" + ", ".join(map(str, step.shape)) + ("," if len(step.shape) == 1 else "") + ")"
    count = len(step.col_labels) if step.kind == "shares" else len(step.row_labels)
    params = (f"{count - 1} weights and the bias" if trace.network.is_neuron else f"layer {step.layer}'s weights "
              "and biases")
    if not step.shape:
        what = "a single number (a scalar)"
    elif step.kind == "shares":
        what = f"{n} samples × {count} parameters ({params})"
    elif len(step.shape) == 2:
        what = f"{n} samples × {step.shape[1]} units"
    elif step.samples:
        what = f"one number per sample (N = {n})"
    else:
        what = f"one number per parameter ({params})" if step.kind != "update" or trace.network.is_neuron else \
            "one number per parameter"
    more = f" Showing the first {ROW_LIMIT} of {n} samples." if n > ROW_LIMIT and step.samples else ""
    return f"Shape {shape}: {what}.{more}"


def samples_frame(trace: bp.Trace, precision: int, class_name=str) -> pd.DataFrame:
    """Every sample's target, z, prediction and δ = dL/dz as text: one column each for one output; for K outputs one
    per output (ŷ0, ...), and for a classifier its probabilities, the predicted class and whether it is right
    (`class_name(k)` names class k)."""
    p, t, k = precision, trace, trace.network.outputs
    index = pd.Index([f"sample {i}" for i in range(len(t.X))], name="sample")
    if k == 1:
        frame = pd.DataFrame({"y": [fmt(v, p) for v in t.y], "z": [fmt(v, p) for v in t.z],
                              "a (prediction)": [fmt(v, p) for v in t.prediction],
                              "δ = dL/dz": [fmt(v, p) for v in t.delta]}, index=index)
    else:
        softmax = t.probabilities is not None and t.predicted is not None and t.predicted.ndim == 1
        data = {}
        if softmax:
            data["class"] = [class_name(int(c)) for c in t.labels]
        else:
            data |= {f"y{j}": [fmt(v, p) for v in t.Y[:, j]] for j in range(k)}
        data |= {f"z{j}": [fmt(v, p) for v in t.z[:, j]] for j in range(k)}
        data |= {(f"p{j}" if softmax else f"a{j}"): [fmt(v, p) for v in t.prediction[:, j]] for j in range(k)}
        data |= {f"δ{j}": [fmt(v, p) for v in t.delta[:, j]] for j in range(k)}
        frame = pd.DataFrame(data, index=index)
    if shows_activity(t):
        frame["active?"] = [INACTIVE if off else ACTIVE for off in t.inactive]
    if t.predicted is not None and t.predicted.ndim == 1:
        frame["predicted"] = [class_name(int(c)) for c in t.predicted]
        frame["right?"] = ["✓ yes" if c else "✗ no" for c in t.correct]
    return frame


def overshoot_note(loss: float, new_loss: float, lr: float, precision: int) -> str | None:
    """Why a gradient-descent step raised the loss (it overshot), or None when it did not."""
    if not new_loss > loss:
        return None
    return (f"**The step overshot: the loss went up**, from {fmt(loss, precision)} to {fmt(new_loss, precision)}. "
            f"Each parameter moved against its gradient, the downhill direction where they stand, but the gradient "
            f"holds only near the current point: η = {fmt(lr, precision)} makes the step so long that it jumps past "
            "the valley's bottom and lands higher up the other side. The direction is right; the step is too long. "
            "Try a smaller η.")


def overshoot_ui(trace: bp.Trace, precision: int) -> None:
    """The overshoot note as a warning, when the trace's update raised the loss."""
    note = None if trace.lr is None else overshoot_note(trace.loss, trace.new_loss, trace.lr, precision)
    if note:
        st.warning(note, icon=":material/trending_up:")


HEADLINE_KEY = "headline_numbers"
# The headline metrics a size smaller than Streamlit's, so that a gradient vector fits beside the bias's.
# A constant: it never holds user text.
HEADLINE_CSS = """<style>
.st-key-headline_numbers [data-testid="stMetricValue"] { font-size: 1.75rem; }
</style>"""


def headline_ui(trace: bp.Trace, precision: int) -> None:
    """The headline numbers as metrics: the loss, the new loss after one step with its change (green when it
    falls), the gradient of the weights and of the bias."""
    p = precision
    st.html(HEADLINE_CSS)
    with st.container(key=HEADLINE_KEY):
        top, bottom = st.columns(2), st.columns([3, 2])
        if trace.has_penalty:
            net = trace.network
            top[0].metric("Loss L + penalty R", fmt(trace.loss, p),
                          help=f"The objective: the data loss L = {fmt(trace.data_loss, p)} plus the "
                               f"{net.penalty.label} penalty R = {fmt(trace.penalty, p)} (λ = {net.reg_rate:g}).")
            top[0].caption(f"L = {fmt(trace.data_loss, p)}, R = {fmt(trace.penalty, p)}")
        else:
            top[0].metric("Loss L", fmt(trace.loss, p), help="The mean loss of the current w and b.")
        if trace.lr is not None:
            top[1].metric("New loss after one step", fmt(trace.new_loss, p), delta=fmt(trace.new_loss - trace.loss, p),
                          delta_color="inverse",
                          help=f"After w ← w − η·dL/dw and b ← b − η·dL/db with η = {fmt(trace.lr, p)}.")
        else:
            top[1].metric("New loss after one step", "needs a valid η", help="Fix the learning rate in the sidebar.")
        if trace.accuracy is not None and trace.network.outputs > 1:
            st.metric("Accuracy", f"{trace.accuracy:.0%}", help="The share of samples whose predicted class (the most "
                      f"probable) is their true class: {int(round(trace.accuracy * len(trace.X)))} of "
                      f"{len(trace.X)}.")
        if trace.network.is_neuron:
            bottom[0].metric("dL/dw", fmt_list(trace.grad_w, p), help="The gradient's weight components.")
            bottom[1].metric("dL/db", fmt(trace.grad_b, p), help="The gradient's bias component.")
            return
        weights = [trace.grads[k].ravel() for k in trace.network.shapes if k[0] == "W"]
        biases = [trace.grads[k].ravel() for k in trace.network.shapes if k[0] == "b"]
        bottom[0].metric("‖dL/dW‖", fmt(float(np.linalg.norm(np.concatenate(weights))), p),
                         help="The length of the gradient of every weight of every layer; each one is in the table "
                              "below.")
        bottom[1].metric("‖dL/db‖", fmt(float(np.linalg.norm(np.concatenate(biases))), p),
                         help="The length of the gradient of every bias.")


DIAGRAM_MIN_SCALE = 0.75  # a narrow column (a phone) scrolls the diagram sideways rather than shrink its text more
PICTURE_DIR = Path(__file__).parent / "components" / "picture"
PICTURE = st.components.v2.component(
    "backprop_explorer.picture",
    html=(PICTURE_DIR / "picture.html").read_text(encoding="utf-8"),
    css=(PICTURE_DIR / "picture.css").read_text(encoding="utf-8"),
    js="\n".join((PICTURE_DIR / f).read_text(encoding="utf-8") for f in ("picture.js", "../download.js")),
)


def save_ui(svg: str, name: str, label: str) -> None:
    """A row that downloads the SVG text `svg` as `name`.svg or `name`.png (twice its size), on the page's
    background or transparent: the browser makes the files. Hidden in presenter mode (slides are saved in
    normal mode)."""
    _picture(svg, name, label)


def diagram_ui(svg: str, name: str, label: str = "Diagram") -> None:
    """A diagram's SVG text (viz.network, viz.curves) in the page as DOM, and under it the row that downloads it
    (`save_ui`): as wide as its column (its text grows with it), never below DIAGRAM_MIN_SCALE of its natural size
    (a narrower column scrolls it sideways). Drawn by the picture component, not as Markdown: a rerun with new
    numbers replaces its SVG in a few milliseconds, and no page needs Markdown's HTML parser. The SVG escapes every
    text it holds."""
    natural = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg)[1])
    _picture(svg, name, label, least=round(natural * DIAGRAM_MIN_SCALE))


def _picture(svg: str, name: str, label: str, least: int | None = None) -> None:
    """The picture component: its download row, and the picture itself at least `least` px wide (None: not shown)."""
    PICTURE(key=f"save_{name}", data={"svg": svg, "name": name, "label": label, "presenter": presenter.is_on(),
                                      "show": least is not None, "least": least})


def loss_curves_ui(curves: Sequence[tuple[str, bp.Trajectory]], name: str = "loss-curves") -> None:
    """Loss per step for each named trajectory (the first red and dashed, the second green), as a small SVG
    chart (viz.curves): no Plotly on a page for a chart this simple. It downloads as `name` (PNG, SVG)."""
    diagram_ui(curves_svg.loss_curves_svg([(label, traj.loss) for label, traj in curves]), name, "Chart")


def same(a, b) -> bool:
    """Whether two engine results agree to round-off (decides a "same" / "differs" label)."""
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-12, atol=1e-15))
