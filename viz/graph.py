"""The computation graph of one traced pass, as a Graphviz DOT string (micrograd's picture, for N samples).

Nodes are the named quantities of a `Trace` with their value and their gradient side by side, per layer l:
the input (X, or a_{l-1}) and θ_l = (W_l, b_l) feed z_l, then a_l = f_l(z_l); the last a and y feed the loss
L. The backward pass adds each sample's share of ∂L/∂θ_l, whose column sums are ∂L/∂θ_l. For one neuron
this is X and θ = (w, b) → z = Xw + b → a = f(z) → L. Vectors over samples are per-node tables, one row
per sample (long ones keep their first rows and the last). The node and part a step names (`Step.node`,
`Step.part`) are drawn with a thick border and a filled column. Pure string building: no Streamlit, no
Plotly, no graphviz.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from backprop import Step, Trace, latex

MAX_ROWS = 6  # rows (samples or parameters) a node shows before it elides the middle
MAX_COLS = 6  # feature columns likewise

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
    """A number as the graph prints it: the app's one format (`backprop.latex.text`)."""
    return latex.text(value, precision)


MAX_UNITS = 4  # units of a layer a node shows per part before it elides the middle


def to_dot(trace: Trace, current: Step | None = None, precision: int = 4, direction: str = "LR") -> str:
    """The DOT source of `trace`'s graph, with the node and part of step `current` highlighted (None: nothing).

    `direction` "LR" lays the forward pass out left to right (wide, for below a step); "TB" top to bottom
    (narrow and tall, for beside one).

    Every number cell carries an ID naming what it shows, e.g. ``z1.grad.2`` is ∂L/∂z of layer 1 for sample 2
    (``z1.grad.2.0`` for unit 0 of a layer with several units) and ``theta1.new.0`` the first parameter after
    the update; highlighted nodes have ``class="current"``.
    """
    if direction not in ("LR", "TB"):
        raise ValueError(f"direction must be 'LR' or 'TB', not {direction!r}")
    net = trace.network
    focus = (None, None) if current is None else (current.node, current.part)
    g = _Builder(precision, *focus)
    n, d = trace.X.shape
    shown = _shown(n)
    neuron = net.is_neuron

    def sub(l: int) -> str:
        return "" if neuron else str(l).translate(SUBSCRIPTS)

    def unit_cells(node, part, arr, i, units):
        if arr.shape[1] == 1:
            return [(f"{node}.{part}.{i}", float(arr[i, 0]))]
        return [(None, None) if j is None else (f"{node}.{part}.{i}.{j}", float(arr[i, j])) for j in units]

    def headers(part, label, width, units):
        if width == 1:
            return [(part, label)]
        return [(part, None if j is None else f"{label}[{j}]") for j in units]

    def samples(cells, off=None):
        """One row per shown sample; `off` (N,) marks samples that pass no gradient."""
        return [None if i is None else _Row(f"{i} off" if off is not None and off[i] else str(i), cells(i),
                                            "off" if off is not None and off[i] else "")
                for i in shown]

    features = _shown(d, MAX_COLS)
    g.node("X", f"X  ({n}×{d})", "inputs", [("value", f"x{j}" if j is not None else None) for j in features],
           samples(lambda i: [(f"X.{i}.{j}", _at(trace.X[i], j)) for j in features]))
    labels = net.param_labels()
    flat_grad = trace.grad
    flat_old = net.flatten(trace.params)
    flat_new = None if trace.new_params is None else net.flatten(trace.new_params)
    offset = 0
    edges = []
    forward = f'color="{GRID}"'
    backward = f'color="{BACKWARD}", style=dashed, fontcolor="{BACKWARD}"'
    for layer in net.layers:
        l, width = layer.index, layer.fan_out
        lin, actrec = trace.layer_records(l)
        units = _shown(width, MAX_UNITS)
        off = (actrec.local == 0).all(axis=1)
        count = layer.fan_in * width + width
        idx = list(range(offset, offset + count))
        offset += count
        parts = [("value", "value"), ("grad", "∂L/∂θ")]
        by_part = {"value": flat_old, "grad": flat_grad}
        rate = ""
        if flat_new is not None:
            by_part["new"] = flat_new
            parts.append(("new", "after step"))
            rate = f", η = {number(trace.lr, precision)}"
        theta_title = "θ = (w, b)" if neuron else f"θ{sub(l)} = (W{sub(l)}, b{sub(l)})"
        g.node(f"theta{l}", f"{theta_title}  ({count})", f"parameters{rate}", parts,
               [None if k is None else _Row(labels[idx[k]], [(f"theta{l}.{part}.{k}", by_part[part][idx[k]])
                                                             for part, _ in parts])
                for k in _shown(count)], focus_alias="theta")
        z, delta = lin.output, lin.upstream
        zt = "z = Xw + b" if neuron else f"z{sub(l)} = {'X' if l == 1 else 'a' + sub(l - 1)}W{sub(l)} + b{sub(l)}"
        g.node(f"z{l}", f"{zt}  ({n}{'' if width == 1 else f'×{width}'})", "",
               headers("value", "z", width, units) + headers("grad", "∂L/∂z = δ" if width == 1 else "δ", width, units),
               samples(lambda i, z=z, delta=delta, l=l, units=units: unit_cells(f"z{l}", "value", z, i, units)
                       + unit_cells(f"z{l}", "grad", delta, i, units), off))
        a, local, up = actrec.output, actrec.local, actrec.upstream
        name = ACTIVATION_NAMES.get(layer.activation.name, layer.activation.name)
        g.node(f"a{l}", f"a{sub(l)} = {name}(z{sub(l)})  ({n}{'' if width == 1 else f'×{width}'})", "",
               headers("value", "a", width, units) + headers("local", "∂a/∂z" if width == 1 else "f′", width, units)
               + headers("grad", "∂L/∂a", width, units),
               samples(lambda i, a=a, local=local, up=up, l=l, units=units:
                       unit_cells(f"a{l}", "value", a, i, units) + unit_cells(f"a{l}", "local", local, i, units)
                       + unit_cells(f"a{l}", "grad", up, i, units), off))
        per_sample = np.concatenate([trace.per_sample[f"W{l}"].reshape(n, -1), trace.per_sample[f"b{l}"]], axis=1)
        cols = _shown(count, MAX_COLS)
        rows = samples(lambda i, ps=per_sample, cols=cols, l=l: [(f"shares{l}.{i}.{k}", _at(ps[i], k)) for k in cols],
                       off)
        rows.append(_Row("Σ", [(f"shares{l}.sum.{k}", _at(flat_grad[idx], k)) for k in cols], "sum"))
        share_sub = "δᵢ·[xᵢ, 1]" if neuron else f"({'xᵢ' if l == 1 else 'a' + sub(l - 1) + 'ᵢ'}, 1) ⊗ δ{sub(l)}ᵢ"
        g.node(f"shares{l}", f"∂L/∂θ{sub(l)} per sample  ({n}×{count})", share_sub,
               [("value", None if k is None else labels[idx[k]]) for k in cols], rows)
        source = "X" if l == 1 else f"a{l - 1}"
        edges += [f"{source} -> z{l} [{forward}]", f"theta{l} -> z{l} [{forward}]", f"z{l} -> a{l} [{forward}]",
                  f"z{l} -> shares{l} [{backward}, label=<{_edge_label('δ')}>]",
                  f"shares{l} -> theta{l} [{backward}, constraint=false, label=<{_edge_label('Σᵢ')}>]"]
    L = net.depth
    g.node("y", f"y  ({n})", "targets", [("value", "y")], samples(lambda i: [(f"y.value.{i}", trace.y[i])]))
    loss = LOSS_NAMES.get(trace.loss_name, trace.loss_name.upper())
    g.node("L", f"L = {loss}(a{sub(L)}, y)", "", [("value", "L"), ("grad", "∂L/∂L")],
           [_Row("", [("L.value", trace.loss), ("L.grad", 1.0)])], index=False)
    edges += [f"a{L} -> L [{forward}]", f"y -> L [{forward}]"]
    ranks = ["  { rank=same; X; theta1; }"] + [f"  {{ rank=same; z{layer.index}; shares{layer.index}; }}"
                                               for layer in net.layers] + [f"  {{ rank=same; a{L}; y; }}"]
    return "\n".join([
        "digraph backprop {",
        f'  graph [rankdir={direction}, bgcolor="transparent", nodesep=0.25, ranksep=0.4, fontname="{FONT}"];',
        f'  node [shape=plain, fontname="{FONT}", fontsize=14, fontcolor="{INK}"];',
        f'  edge [penwidth=1.6, arrowsize=0.8, fontname="{FONT}", fontsize=12];',
        *("  " + s for s in g.statements),
        *ranks,
        *(f"  {e};" for e in edges),
        "}",
    ])


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def alt_text(trace: Trace, current: Step | None = None) -> str:
    """A one-paragraph description of the graph for screen readers (the `alt` of the chart)."""
    n, d = trace.X.shape
    net = trace.network
    where = f" The current step is at node {current.node} ({current.part})." if current is not None else ""
    if net.is_neuron:
        body = (f"X ({n}×{d}) and θ = (w, b) feed z = Xw + b, then a = "
                f"{ACTIVATION_NAMES.get(trace.activation, trace.activation)}(z), then the loss L with the targets y")
    else:
        widths = " → ".join(str(layer.fan_out) for layer in net.layers)
        body = (f"X ({n}×{d}) feeds {net.depth} layers of widths {widths}, each z = A W + b then a = f(z), then "
                "the loss L with the targets y")
    return f"Computation graph: {body}; each node lists its values and gradients.{where}"


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
             rows: list[_Row | None], index: bool = True, focus_alias: str | None = None) -> None:
        """A node as an HTML-like table: the title, the column headers, then the rows.

        `columns` holds (part, header) pairs, part one of "value", "grad", "local", "new" (what STEP_FOCUS
        names) and header None for an elided column; a row None is the elided middle of a long table.
        """
        focused = self.focus_node is not None and self.focus_node in (name, focus_alias)
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
