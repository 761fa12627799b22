"""Rendering shared by the pages: numbers at the chosen precision, step tables, inactive-sample marks.

Everything here formats what the engine computed; nothing computes model quantities. Figures are pure
functions of a trace (or trajectories) returning a plotly `go.Figure`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import backprop as bp

ROW_LIMIT = 200  # tables show at most this many sample rows; the caption says how many there are
ACTIVE, INACTIVE = "✓ yes", "✗ no — f′(z) = 0"
PHASES = {"forward": ("Forward pass", "blue"), "backward": ("Backward pass", "orange"),
          "update": ("Update", "green")}
SUM_ROW = "Σ (sum over samples)"
SHORT_TITLES = {"z": "z = Xw + b", "activation": "a = f(z)", "loss": "loss L", "dloss_dpred": "dL/da",
                "dpred_dz": "da/dz", "delta": "δ = dL/dz", "per_sample_grad": "per-sample shares",
                "grad": "dL/dw, dL/db", "update": "update"}


def fmt(value: float, precision: int = 4) -> str:
    """A number with exactly `precision` decimals; very large or tiny (but non-zero) ones in e-notation."""
    v = float(value) + 0.0  # folds -0.0 into 0.0
    if v != 0 and (abs(v) >= 1e7 or abs(v) < 0.5 * 10.0**-precision):
        return f"{v:.{precision}e}"
    return f"{v:.{precision}f}"


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


def short_title(step: bp.Step) -> str:
    """A few characters naming the step, for the stepper's map of the steps."""
    return SHORT_TITLES.get(step.key, step.title)


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
    what = "ReLU is off (z ≤ 0)" if trace.activation == "relu" else "the activation's slope is 0"
    whole = " That is every sample, so the whole gradient is zero and the update changes nothing." \
        if len(off) == len(trace.z) else ""
    return (f"✗ Inactive sample{'s' if len(off) > 1 else ''} {names}: {what}, so da/dz = 0 and "
            f"{'they contribute' if len(off) > 1 else 'it contributes'} nothing to dL/dw and dL/db.{whole}")


def limited(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[:ROW_LIMIT]


def step_frame(step: bp.Step, trace: bp.Trace, precision: int) -> pd.DataFrame:
    """The step's value as a table of text: its row and column labels, an "active?" column on sample rows,
    the column sums on the per-sample gradient, and the old value and gradient beside an update."""
    table = step.table()
    rows = list(step.row_labels) or [step.key]
    cols = list(step.col_labels) or ["value"]
    data = {c: [fmt(v, precision) for v in table[:, j]] for j, c in enumerate(cols)}
    if step.key == "update":
        old = np.append(trace.w, trace.b)
        data = {"before": [fmt(v, precision) for v in old], "gradient": [fmt(v, precision) for v in trace.grad],
                "after": data[cols[0]]}
    frame = pd.DataFrame(data, index=rows)
    if step.key == "per_sample_grad":
        frame = limited(frame)
        frame.loc[SUM_ROW] = [fmt(v, precision) for v in trace.grad]
    sample_rows = bool(step.row_labels) and step.row_labels[0].startswith("sample")
    if sample_rows and shows_activity(trace):
        active = [INACTIVE if off else ACTIVE for off in trace.inactive[: len(frame)]]
        frame["active?"] = active + [""] * (len(frame) - len(active))
    frame.index.name = "sample" if sample_rows else ("parameter" if step.key in ("grad", "update") else "")
    return limited(frame) if step.key != "per_sample_grad" else frame


def styled(frame: pd.DataFrame):
    """Grey, struck-through rows for inactive samples and a bold sum row (the text says it too)."""

    def row_style(row: pd.Series) -> list[str]:
        if row.name == SUM_ROW:
            return ["font-weight: bold; border-top: 2px solid currentColor"] * len(row)
        if row.get("active?") == INACTIVE:
            return ["color: #888; background-color: rgba(128, 128, 128, 0.15)"] * len(row)
        return [""] * len(row)

    return frame.style.apply(row_style, axis=1)


def shape_text(step: bp.Step, trace: bp.Trace) -> str:
    """The step's shape in words, e.g. "shape (3,): one number per sample"."""
    n, d = trace.X.shape
    shape = "(" + ", ".join(map(str, step.shape)) + ("," if len(step.shape) == 1 else "") + ")"
    if not step.shape:
        what = "a single number (a scalar)"
    elif len(step.shape) == 2:
        what = f"{n} samples × {d + 1} parameters ({d} weights and the bias)"
    elif step.row_labels and step.row_labels[0].startswith("sample"):
        what = f"one number per sample (N = {n})"
    else:
        what = f"one number per parameter ({d} weights and the bias)"
    more = f" Showing the first {ROW_LIMIT} of {n} samples." if n > ROW_LIMIT and step.row_labels and \
        step.row_labels[0].startswith("sample") else ""
    return f"Shape {shape}: {what}.{more}"


CURVE_STYLES = ({"color": "#d62728", "dash": "dash"}, {"color": "#2ca02c", "dash": "solid"})


def loss_curves_figure(curves: Sequence[tuple[str, bp.Trajectory]]) -> go.Figure:
    """Loss per step for each named trajectory (the first red and dashed, the second green)."""
    fig = go.Figure()
    for k, (name, traj) in enumerate(curves):
        style = CURVE_STYLES[k % len(CURVE_STYLES)]
        fig.add_scatter(x=np.arange(len(traj.loss)), y=traj.loss, mode="lines+markers", name=name,
                        line=style, marker=dict(size=5, color=style["color"]))
    fig.update_layout(xaxis_title="update step", yaxis_title="loss L", height=360, legend_title="update rule",
                      margin=dict(t=30, b=40, l=40, r=20))
    return fig


def same(a, b) -> bool:
    """Whether two engine results agree to round-off (decides a "same" / "differs" label)."""
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-12, atol=1e-15))
