"""The network diagram: units as nodes, weights as edges (TensorFlow Playground's picture), as Graphviz DOT.

Edges are coloured by sign (blue positive, orange negative) and drawn thicker the larger their magnitude.
They show what the caller chooses: the weights W, the batch gradient dL/dW, or one sample's share of it.
Each unit shows its bias (or its gradient, or the sample's share) and, for the chosen sample, its z and a.
The layer of the current step (`Step.layer`) is outlined; hovering an edge or a unit shows the formula
with its numbers (the SVG's <title>). Every number drawn is also in the tables the page shows beside it.
Pure string building: no Streamlit, no Plotly.
"""

from __future__ import annotations

import html

import numpy as np

from backprop import Trace
from lesson import Step, latex

SHOWS = {"weights": "the weights W", "grad": "the batch gradient dL/dW", "sample": "one sample's share of dL/dW"}
POSITIVE, NEGATIVE, ZERO = "#1f6fb4", "#d4500f", "#9aa3ad"
FOCUS = "#d4500f"
INK, PAPER, MUTED = "#111111", "#ffffff", "#5b6472"
FONT = "Helvetica"
MAX_LABELLED_EDGES = 32  # edge labels only up to this many edges per layer (the tooltip and the table have all)


def values(trace: Trace, show: str, layer: int, sample: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """What the diagram draws for layer `layer`: (W-shaped edge values, b-shaped unit values)."""
    if show == "weights":
        return trace.params[f"W{layer}"], trace.params[f"b{layer}"]
    if show == "grad":
        return trace.grads[f"W{layer}"], trace.grads[f"b{layer}"]
    if show == "sample":
        return trace.per_sample[f"W{layer}"][sample], trace.per_sample[f"b{layer}"][sample]
    raise ValueError(f"show must be one of {', '.join(SHOWS)}, not {show!r}")


def network_dot(trace: Trace, show: str = "weights", sample: int = 0, current: Step | None = None,
                precision: int = 4, direction: str = "LR") -> str:
    """The DOT source of the diagram; `show` picks the edges' numbers, `sample` the sample whose z, a (and share,
    for show="sample") are drawn, `current` the step whose layer is outlined."""
    net = trace.network
    n = trace.X.shape[0]
    if not 0 <= sample < n:
        raise ValueError(f"sample {sample} is not among the {n} samples")
    if direction not in ("LR", "TB"):
        raise ValueError(f"direction must be 'LR' or 'TB', not {direction!r}")
    fmt = lambda v: latex.text(v, precision)  # noqa: E731
    lit = current.layer if current is not None and current.layer else None
    updating = current is not None and current.kind == "update"
    out = [
        "digraph network {",
        f'  graph [rankdir={direction}, bgcolor="transparent", nodesep=0.15, ranksep=0.75, fontname="{FONT}", '
        'splines=true, pad=0.05];',
        f'  node [shape=circle, fixedsize=true, width=1.3, fontname="{FONT}", fontsize=19, fontcolor="{INK}", '
        f'style=filled, fillcolor="{PAPER}", color="{MUTED}"];',
        f'  edge [fontname="{FONT}", fontsize=16, arrowsize=0.7];',
    ]
    x = trace.X[sample]
    for j in range(net.inputs):
        tip = f"input x{j} of sample {sample} = {fmt(x[j])}"
        out.append(f'  x{j} [id="unit_0_{j}", label=<x<SUB>{j}</SUB><BR/>{_esc(fmt(x[j]))}>, shape=box, width=0.95, '
                   f'height=0.7, tooltip="{_esc(tip)}"];')
    all_w = np.concatenate([np.abs(values(trace, show, layer.index, sample)[0]).ravel() for layer in net.layers])
    biggest = float(all_w.max()) if all_w.size and all_w.max() > 0 else 1.0
    for layer in net.layers:
        l = layer.index
        lin, act = trace.layer_records(l)
        W, b = values(trace, show, l, sample)
        focused = updating or lit == l
        top = l == net.depth
        for j in range(layer.fan_out):
            z, a = lin.output[sample, j], act.output[sample, j]
            name = "out" if top else f"h{l}_{j}"
            dead = layer.activation.has_kink and act.local[sample, j] == 0
            what = {"weights": "b", "grad": "∂L/∂b", "sample": f"∂L/∂b|{sample}"}[show]
            label = (f"<B>{'ŷ' if top else f'h<SUB>{l},{j}</SUB>'}</B><BR/><FONT POINT-SIZE=\"15\">"
                     f"{what} {_esc(fmt(b[j]))}<BR/>a {_esc(fmt(a))}</FONT>")
            terms = " + ".join(f"{fmt(lin.inputs['A'][sample, k])}·{fmt(lin.inputs['W'][k, j])}"
                               for k in range(layer.fan_in))
            tip = (f"layer {l}, unit {j}, sample {sample}: z = {terms} + {fmt(lin.inputs['b'][j])} = {fmt(z)}; "
                   f"a = {layer.activation.label}(z) = {fmt(a)}"
                   + ("; f'(z) = 0: a dead unit for this sample, no gradient flows back through it" if dead else ""))
            style = f'penwidth={3.5 if focused else 1.2}, color="{FOCUS if focused else MUTED}"'
            fill = ', fillcolor="#e3e6ea", style="filled,dashed"' if dead else ""
            out.append(f'  {name} [id="unit_{l}_{j}", label=<{label}>, {style}{fill}, tooltip="{_esc(tip)}"];')
        many = W.size > MAX_LABELLED_EDGES
        for k in range(layer.fan_in):
            src = f"x{k}" if l == 1 else f"h{l - 1}_{k}"
            for j in range(layer.fan_out):
                dst = "out" if top else f"h{l}_{j}"
                v = float(W[k, j])
                color = POSITIVE if v > 0 else NEGATIVE if v < 0 else ZERO
                width = 0.8 + 6.0 * abs(v) / biggest
                tip = _edge_tip(trace, show, l, k, j, sample, fmt)
                text = "" if many else f', label=" {_esc(fmt(v))} ", fontcolor="{color}"'
                out.append(f'  {src} -> {dst} [id="edge_{l}_{k}_{j}", color="{color}", penwidth={width:.2f}'
                           f'{text}, tooltip="{_esc(tip)}", style={"bold" if focused else "solid"}];')
    for l in range(net.depth + 1):
        units = ([f"x{j}" for j in range(net.inputs)] if l == 0 else
                 ["out"] if l == net.depth else [f"h{l}_{j}" for j in range(net.layers[l - 1].fan_out)])
        out.append("  { rank=same; " + "; ".join(units) + "; }")
    out.append("}")
    return "\n".join(out)


def _edge_tip(trace: Trace, show: str, l: int, k: int, j: int, sample: int, fmt) -> str:
    """The formula behind an edge's number, with its numbers."""
    lin, _ = trace.layer_records(l)
    source = f"x{k}" if l == 1 else f"a{l - 1}[{k}]"
    if show == "weights":
        return f"W{l}[{k},{j}] = {fmt(lin.inputs['W'][k, j])}: from {source} to unit {j} of layer {l}"
    A, delta = lin.inputs["A"], lin.upstream
    if show == "sample":
        return (f"sample {sample}'s share of dL/dW{l}[{k},{j}] = {source} · δ{l}[{j}] = "
                f"{fmt(A[sample, k])} · {fmt(delta[sample, j])} = {fmt(A[sample, k] * delta[sample, j])}")
    return (f"dL/dW{l}[{k},{j}] = Σᵢ {source},ᵢ · δ{l}[{j}]ᵢ = {fmt(trace.grads[f'W{l}'][k, j])} "
            f"(the sum of {len(A)} samples' shares)")


def alt_text(trace: Trace, show: str = "weights") -> str:
    """A sentence for screen readers."""
    widths = " → ".join([str(trace.network.inputs)] + [str(layer.fan_out) for layer in trace.network.layers])
    return (f"Network diagram, layers of {widths} units; each edge is coloured by the sign of {SHOWS[show]} and "
            "drawn thicker the larger it is. The tables list every number.")


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)
