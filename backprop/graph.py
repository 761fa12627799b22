"""The computation graph of one traced pass, as a Graphviz DOT string (micrograd's picture, for N samples).

Nodes are the named quantities of `Trace` with their value and their gradient side by side:
X and θ = (w, b) feed z = Xw + b, then a = f(z), then L = loss(a, y); the backward pass adds each
sample's share δ_i·[x_i, 1], whose column sums are ∂L/∂θ. Vectors over samples are per-node tables, one
row per sample (long ones keep their first rows and the last). The node of the current step is drawn
with a thick border and its column filled. Pure string building: no Streamlit, no Plotly, no graphviz.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from .trace import Trace

MAX_ROWS = 6  # rows (samples or parameters) a node shows before it elides the middle
MAX_COLS = 6  # feature columns likewise

# Which node, and which of its parts, each step of `Trace.steps` is about.
STEP_FOCUS: dict[str, tuple[str, str]] = {
    "z": ("z", "value"),
    "activation": ("a", "value"),
    "loss": ("L", "value"),
    "dloss_dpred": ("a", "grad"),
    "dpred_dz": ("a", "local"),
    "delta": ("z", "grad"),
    "per_sample_grad": ("shares", "value"),
    "grad": ("theta", "grad"),
    "update": ("theta", "new"),
}

LOSS_NAMES = {"mse": "MSE", "bce": "BCE"}
ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "LeakyReLU", "sigmoid": "σ", "tanh": "tanh", "identity": "id"}

# Nodes are filled, so their dark text reads on a light and on a dark app background alike; edges use
# mid tones that show on both.
INK, PAPER, GRID, MUTED = "#111111", "#ffffff", "#8a94a6", "#5b6472"
OFF_FILL = "#e3e6ea"  # rows of samples whose activation passes no gradient
FOCUS, FOCUS_FILL = "#d4500f", "#ffe08a"
BACKWARD = "#d4500f"
FONT = "Helvetica"  # one whose widths Graphviz knows; the app draws it in Helvetica or Arial (same widths)


def number(value: float, precision: int = 4) -> str:
    """A number as the graph prints it: `precision` decimals with trailing zeros dropped (nodes stay narrow);
    e-form with `precision` significant digits where the app's tables use it (huge, or tiny but not zero)."""
    value = float(value)
    if value != 0 and (abs(value) >= 1e7 or abs(value) < 0.5 * 10.0 ** (-precision)):
        mantissa, exp = f"{value:.{max(precision - 1, 1)}e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exp)}"
    text = f"{value:.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_dot(trace: Trace, current: str | None = None, precision: int = 4, direction: str = "LR") -> str:
    """The DOT source of `trace`'s graph, with the node of step `current` (a `Step.key`) highlighted.

    `direction` "LR" lays the forward pass out left to right (wide, for below a step); "TB" top to bottom
    (narrow and tall, for beside one).

    Every number cell carries an ID naming what it shows, e.g. ``z.grad.2`` is ∂L/∂z for sample 2 and
    ``theta.new.0`` the updated w0; the highlighted node has ``class="current"``. An unknown or None
    `current` highlights nothing.
    """
    if direction not in ("LR", "TB"):
        raise ValueError(f"direction must be 'LR' or 'TB', not {direction!r}")
    focus_node, focus_part = STEP_FOCUS.get(current or "", (None, None))
    g = _Builder(precision, focus_node, focus_part)
    n, d = trace.X.shape
    act = ACTIVATION_NAMES.get(trace.activation, trace.activation)
    loss = LOSS_NAMES.get(trace.loss_name, trace.loss_name.upper())
    shown = _shown(n)
    off = trace.inactive
    params = trace.param_names

    def samples(cells, mark=False):
        """One row per shown sample; with `mark`, samples whose activation passes no gradient are flagged."""
        return [None if i is None else _Row(f"{i} off" if mark and off[i] else str(i), cells(i),
                                             "off" if mark and off[i] else "")
                for i in shown]

    features = _shown(d, MAX_COLS)
    g.node("X", f"X  ({n}×{d})", "inputs", [("value", f"x{j}" if j is not None else None) for j in features],
           samples(lambda i: [(f"X.{i}.{j}", _at(trace.X[i], j)) for j in features]))

    by_part = {"value": np.append(trace.w, trace.b), "grad": trace.grad}
    theta = [("value", "value"), ("grad", "∂L/∂θ")]
    rate = ""
    if trace.new_w is not None:
        by_part["new"] = np.append(trace.new_w, trace.new_b)
        theta.append(("new", "after step"))
        rate = f", η = {number(trace.lr, precision)}"
    g.node("theta", f"θ = (w, b)  ({d + 1})", f"parameters{rate}", theta,
           [None if k is None else _Row(params[k], [(f"theta.{part}.{k}", by_part[part][k]) for part, _ in theta])
            for k in _shown(d + 1)])

    g.node("z", f"z = Xw + b  ({n})", "", [("value", "z"), ("grad", "∂L/∂z = δ")],
           samples(lambda i: [(f"z.value.{i}", trace.z[i]), (f"z.grad.{i}", trace.delta[i])], mark=True))
    g.node("a", f"a = {act}(z)  ({n})", "", [("value", "a"), ("local", "∂a/∂z"), ("grad", "∂L/∂a")],
           samples(lambda i: [(f"a.value.{i}", trace.prediction[i]), (f"a.local.{i}", trace.dpred_dz[i]),
                              (f"a.grad.{i}", trace.dloss_dpred[i])], mark=True))
    g.node("y", f"y  ({n})", "targets", [("value", "y")], samples(lambda i: [(f"y.value.{i}", trace.y[i])]))
    g.node("L", f"L = {loss}(a, y)", "", [("value", "L"), ("grad", "∂L/∂L")],
           [_Row("", [("L.value", trace.loss), ("L.grad", 1.0)])], index=False)

    per_sample = np.column_stack([trace.per_sample_grad_w, trace.per_sample_grad_b])
    shares = _shown(d + 1, MAX_COLS)
    rows = samples(lambda i: [(f"shares.{i}.{k}", _at(per_sample[i], k)) for k in shares], mark=True)
    rows.append(_Row("Σ", [(f"shares.sum.{k}", _at(trace.grad, k)) for k in shares], "sum"))
    g.node("shares", f"∂L/∂θ per sample  ({n}×{d + 1})", "δᵢ·[xᵢ, 1]",
           [("value", None if k is None else params[k]) for k in shares], rows)

    forward = f'color="{GRID}"'
    backward = f'color="{BACKWARD}", style=dashed, fontcolor="{BACKWARD}"'
    edges = [
        f"X -> z [{forward}]", f"theta -> z [{forward}]", f"z -> a [{forward}]", f"a -> L [{forward}]",
        f"y -> L [{forward}]",
        f"z -> shares [{backward}, label=<{_edge_label('δ')}>]",
        f"shares -> theta [{backward}, constraint=false, label=<{_edge_label('Σᵢ')}>]",
    ]
    return "\n".join([
        "digraph backprop {",
        f'  graph [rankdir={direction}, bgcolor="transparent", nodesep=0.25, ranksep=0.4, fontname="{FONT}"];',
        f'  node [shape=plain, fontname="{FONT}", fontsize=14, fontcolor="{INK}"];',
        f'  edge [penwidth=1.6, arrowsize=0.8, fontname="{FONT}", fontsize=12];',
        *("  " + s for s in g.statements),
        "  { rank=same; X; theta; }",
        "  { rank=same; z; shares; }",
        "  { rank=same; a; y; }",
        *(f"  {e};" for e in edges),
        "}",
    ])


def alt_text(trace: Trace, current: str | None = None) -> str:
    """A one-paragraph description of the graph for screen readers (the `alt` of the chart)."""
    n, d = trace.X.shape
    focus = STEP_FOCUS.get(current or "")
    where = f" The current step is at node {focus[0]} ({focus[1]})." if focus else ""
    return (f"Computation graph: X ({n}×{d}) and θ = (w, b) feed z = Xw + b, then a = "
            f"{ACTIVATION_NAMES.get(trace.activation, trace.activation)}(z), then the loss L with the targets y; "
            f"each node lists its values and gradients.{where}")


@dataclass(frozen=True)
class _Row:
    """A table row of a node: its index label, its cells (cell id, value; None when elided), its kind."""

    label: str
    cells: list[tuple[str, float | None]]
    kind: str = ""  # "", "off" (the sample passes no gradient) or "sum" (the total under a table)


class _Builder:
    """Collects node statements; knows which node and part the current step highlights."""

    def __init__(self, precision: int, focus_node: str | None, focus_part: str | None):
        self.precision, self.focus_node, self.focus_part = precision, focus_node, focus_part
        self.statements: list[str] = []

    def node(self, name: str, title: str, subtitle: str, columns: list[tuple[str, str | None]],
             rows: list[_Row | None], index: bool = True) -> None:
        """A node as an HTML-like table: the title, the column headers, then the rows.

        `columns` holds (part, header) pairs, part one of "value", "grad", "local", "new" (what STEP_FOCUS
        names) and header None for an elided column; a row None is the elided middle of a long table.
        """
        focused = name == self.focus_node
        lit = [focused and part == self.focus_part for part, _ in columns]
        border = f'BORDER="3" COLOR="{FOCUS}"' if focused else f'BORDER="1" COLOR="{MUTED}"'
        sub = f' <FONT POINT-SIZE="11" COLOR="{MUTED}">{_esc(subtitle)}</FONT>' if subtitle else ""
        out = [f'<TABLE {border} CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="{PAPER}">',
               f'<TR><TD COLSPAN="{len(columns) + index}"><B>{_esc(title)}</B>{sub}</TD></TR>']
        heads = ["<TD></TD>"] * index + [f'<TD{_fill(on)}><FONT COLOR="{MUTED}">{_esc(head or "…")}</FONT></TD>'
                                         for on, (_, head) in zip(lit, columns, strict=True)]
        out.append("<TR>" + "".join(heads) + "</TR>")
        for row in rows:
            if row is None:
                out.append("<TR>" + "".join(f"<TD{_fill(on)}>⋮</TD>" for on in [False] * index + lit) + "</TR>")
                continue
            lit_row = [on and row.kind != "sum" for on in lit]
            edge = ' BORDER="1" SIDES="T"' if row.kind == "sum" else ""
            tds = [f'<TD ALIGN="RIGHT"{edge}{_fill(False, row.kind)}><FONT COLOR="{MUTED}">{_esc(row.label)}'
                   "</FONT></TD>"] * index
            for on, (cell_id, value) in zip(lit_row, row.cells, strict=True):
                if value is None:
                    tds.append(f"<TD{edge}{_fill(on, row.kind)}>…</TD>")
                    continue
                text = _esc(number(value, self.precision))
                tds.append(f'<TD ALIGN="RIGHT" ID="{_esc(cell_id)}"{edge}{_fill(on, row.kind)}>'
                           + (f"<B>{text}</B>" if on else text) + "</TD>")
            out.append("<TR>" + "".join(tds) + "</TR>")
        out.append("</TABLE>")
        cls = ', class="current"' if focused else ""
        self.statements.append(f'{name} [id="node_{name}"{cls}, label=<{"".join(out)}>];')


def _shown(count: int, limit: int = MAX_ROWS) -> list[int | None]:
    """Indices to show of `count`: all when they fit, else the first ones, None (elided), the last."""
    if count <= limit:
        return list(range(count))
    return [*range(limit - 2), None, count - 1]


def _at(values: np.ndarray, k: int | None) -> float | None:
    return None if k is None else float(values[k])


def _fill(lit: bool, kind: str = "") -> str:
    if lit:
        return f' BGCOLOR="{FOCUS_FILL}"'
    return f' BGCOLOR="{OFF_FILL}"' if kind == "off" else ""


def _edge_label(text: str) -> str:
    return (f'<TABLE BORDER="0" CELLPADDING="1" BGCOLOR="{PAPER}"><TR><TD><FONT COLOR="{BACKWARD}">'
            f"{_esc(text)}</FONT></TD></TR></TABLE>")


def _esc(text: str) -> str:
    """Text for an HTML-like DOT label: markup characters escaped, so no value can end the label early."""
    return html.escape(str(text), quote=True)
