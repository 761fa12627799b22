"""The network diagram and the neuron diagram as static SVG, laid out here in Python (TensorFlow Playground's
picture: units as nodes, weights as edges).

Why SVG text and not Graphviz: a layered network's layout is simple, and a static SVG that a rerun replaces costs
the browser a few milliseconds, where `st.graphviz_chart` morphs the old picture into the new one (~400 ms an
edit). The SVG is self-contained (its style sheet inside), so the same text is shown in the page and offered as
a download (`network_svg`, `neuron_svg`).

Edges are coloured by sign (blue positive, orange negative) and drawn thicker the larger their magnitude. They
show what the caller chooses: the weights W, the batch gradient dL/dW, or one sample's share of it. Each unit
shows its bias (or its gradient, or the sample's share) and, for the chosen sample, its a. The layer of the
current step (`Step.layer`) is outlined. Tapping (focus) or hovering a unit or an edge shows its formula with
its numbers in the diagram's last lines. Every text is an SVG <text> element (DOM text) of at least `FONT` user
units; ink is `currentColor` and fills are tints of it, so the picture follows the page's light or dark theme;
label halos use the CSS system colour `Canvas`. Every text is escaped. Pure string building: no Streamlit.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import backprop as bp
from backprop import Trace
from lesson import Step, latex

SHOWS = {"weights": "the weights W", "grad": "the batch gradient dL/dW", "sample": "one sample's share of dL/dW"}
POSITIVE, NEGATIVE, ZERO = "#3a86d4", "#e0641b", "#9aa3ad"  # mid tones: readable on a light and a dark page
FOCUS = "#e0641b"
MUTED = "#8a94a6"
FONT = 18  # every text, in user units: at the diagram's natural size (and larger) each label is >= 18 px
CHAR = 0.58 * FONT  # a text's width per character, an estimate for the layout (digits of a sans-serif)
LINE = FONT + 6
MAX_LABELLED_EDGES = 8  # edge labels only up to this many edges per layer (the tips and the table have all)
FAMILY = "'Source Sans Pro', 'Source Sans 3', 'Helvetica Neue', Arial, sans-serif"
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

# The diagram's own style sheet (inside the <svg>, so a downloaded file behaves the same). A constant: no user
# text, and no "<" (the page's sanitizer drops a style sheet holding one).
STYLE = """
.bpx-tip { display: none; }
.bpx-item { cursor: pointer; outline: none; }
.bpx-item:hover .bpx-tip, .bpx-item:focus .bpx-tip { display: inline; }
svg:has(.bpx-item:hover) .bpx-item:focus:not(:hover) .bpx-tip { display: none; }
svg:has(.bpx-item:hover, .bpx-item:focus) .bpx-hint { display: none; }
.bpx-item:focus .bpx-shape, .bpx-item:hover .bpx-shape { stroke-width: 4; }
.bpx-item:focus .bpx-edge, .bpx-item:hover .bpx-edge { stroke-opacity: 1; filter: brightness(1.15); }
.bpx-halo { paint-order: stroke; stroke: Canvas; stroke-width: 5px; stroke-linejoin: round; }
"""


def values(trace: Trace, show: str, layer: int, sample: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """What the diagram draws for layer `layer`: (W-shaped edge values, b-shaped unit values)."""
    if show == "weights":
        return trace.params[f"W{layer}"], trace.params[f"b{layer}"]
    if show == "grad":
        return trace.grads[f"W{layer}"], trace.grads[f"b{layer}"]
    if show == "sample":
        return trace.per_sample[f"W{layer}"][sample], trace.per_sample[f"b{layer}"][sample]
    raise ValueError(f"show must be one of {', '.join(SHOWS)}, not {show!r}")


@dataclass(frozen=True)
class Layout:
    """Where a layered network's units sit: `boxes[l][j]` = (x, y, width, height) of unit j of layer l (layer 0
    the inputs), in user units; `width`, `height` of the drawing above its tip lines."""

    boxes: tuple[tuple[tuple[float, float, float, float], ...], ...]
    width: float
    height: float


def layout(sizes: list[int], widths: list[float], heights: list[float], gaps: list[float],
           margin: float = 12, spacing: float = 22) -> Layout:
    """Columns of `sizes[l]` boxes (1-8 each) of width `widths[l]` and height `heights[l]`, `gaps[l]` between
    column l and l + 1, each column centred vertically."""
    if not (len(sizes) == len(widths) == len(heights) == len(gaps) + 1) or min(sizes) < 1:
        raise ValueError("one size, width and height per column, one gap between two columns, sizes >= 1")
    tall = max((n * h + (n - 1) * spacing) for n, h in zip(sizes, heights, strict=True))
    boxes, x = [], margin
    for l, (n, w, h) in enumerate(zip(sizes, widths, heights, strict=True)):
        column = n * h + (n - 1) * spacing
        top = margin + (tall - column) / 2
        boxes.append(tuple((x, top + j * (h + spacing), w, h) for j in range(n)))
        x += w + (gaps[l] if l < len(gaps) else 0)
    return Layout(tuple(boxes), x + margin, tall + 2 * margin)


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _width(text: str) -> float:
    return len(text) * CHAR


def _text(x: float, y: float, text: str, anchor: str = "middle", weight: str = "normal", cls: str = "",
          fill: str = "currentColor") -> str:
    extra = f' class="{cls}"' if cls else ""
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{bold}{extra}>'
            f"{_esc(text)}</text>")


def _tip(lines: list[str], x: float, y: float) -> str:
    """The formula of an item, shown in the tip lines while it has the focus (a tap) or the pointer."""
    return "".join(_text(x, y + k * LINE, line, anchor="start", cls="bpx-tip") for k, line in enumerate(lines))


def _wrap(text: str, width: float) -> list[str]:
    return textwrap.wrap(text, max(20, int(width / CHAR)), break_on_hyphens=False) or [""]


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    """One self-contained SVG on one line (the page shows it as it is, and a slide or a file embeds it whole)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{_esc(label)}" '
            f'font-family="{FAMILY}" font-size="{FONT}" class="bpx-diagram">'
            f'<title>{_esc(label)}</title><style>{" ".join(STYLE.split())}</style>' + "".join(body) + "</svg>")


def unit_names(net: bp.Network, inputs: Sequence[str] | None = None) -> list[list[str]]:
    """Each layer's unit names as the diagram writes them: x₀ … for the inputs (or the features' own `inputs`
    names), h1[0] … for hidden units (the tables' names), ŷ (one output) or ŷ₀ … ŷₖ₋₁ (K outputs)."""
    names = [list(inputs) if inputs else [f"x{str(j).translate(SUB)}" for j in range(net.inputs)]]
    for layer in net.layers:
        if layer.index == net.depth:
            names.append(["ŷ"] if layer.fan_out == 1 else [f"ŷ{str(j).translate(SUB)}" for j in range(layer.fan_out)])
        else:
            names.append([f"h{layer.index}[{j}]" for j in range(layer.fan_out)])
    return names


def network_svg(trace: Trace, show: str = "weights", sample: int = 0, current: Step | None = None,
                precision: int = 4, inputs: Sequence[str] | None = None) -> str:
    """The network diagram as SVG text; `show` picks the edges' numbers, `sample` the sample whose inputs and
    activations (and share, for show="sample") are drawn, `current` the step whose layer is outlined, `inputs` the
    features' names (default x₀, x₁, ...)."""
    net = trace.network
    n = trace.X.shape[0]
    if not 0 <= sample < n:
        raise ValueError(f"sample {sample} is not among the {n} samples")
    if show not in SHOWS:
        raise ValueError(f"show must be one of {', '.join(SHOWS)}, not {show!r}")
    fmt = lambda v: latex.text(v, precision)  # noqa: E731
    lit = current.layer if current is not None and current.layer else None
    updating = current is not None and current.kind == "update"
    what = {"weights": "b", "grad": "∂L/∂b", "sample": "∂L/∂b"}[show]
    names = unit_names(net, inputs)

    x = trace.X[sample]
    lines = [[[names[0][j], fmt(x[j])] for j in range(net.inputs)]]
    for layer in net.layers:
        _, act = trace.layer_records(layer.index)
        b = values(trace, show, layer.index, sample)[1]
        lines.append([[names[layer.index][j], f"{what} {fmt(b[j])}", f"a {fmt(act.output[sample, j])}"]
                      for j in range(layer.fan_out)])
    widths = [max(_width(t) for unit in col for t in unit) + 20 for col in lines]
    heights = [len(col[0]) * LINE + 10 for col in lines]
    labelled = [layer.fan_in * layer.fan_out <= MAX_LABELLED_EDGES for layer in net.layers]
    edge_w = max(_width(fmt(v)) for layer in net.layers for v in values(trace, show, layer.index, sample)[0].ravel())
    gaps = [max(120, 1.8 * edge_w + 30) if lab else 110 for lab in labelled]
    at = layout([len(col) for col in lines], widths, heights, gaps)

    all_w = np.concatenate([np.abs(values(trace, show, layer.index, sample)[0]).ravel() for layer in net.layers])
    biggest = float(all_w.max()) if all_w.size and all_w.max() > 0 else 1.0
    edges, labels, units = [], [], []
    for layer in net.layers:
        l = layer.index
        W = values(trace, show, l, sample)[0]
        for k in range(layer.fan_in):
            sx, sy, sw, sh = at.boxes[l - 1][k]
            for j in range(layer.fan_out):
                tx, ty, _, th = at.boxes[l][j]
                v = float(W[k, j])
                color = POSITIVE if v > 0 else NEGATIVE if v < 0 else ZERO
                width = 1.0 + 6.0 * abs(v) / biggest
                x1, y1, x2, y2 = sx + sw, sy + sh / 2, tx, ty + th / 2
                tip = _edge_tip(trace, show, l, k, j, sample, fmt)
                edges.append((f'<g class="bpx-item" id="edge_{l}_{k}_{j}" tabindex="0" data-value="{_esc(fmt(v))}">'
                              f"<title>{_esc(tip)}</title>"
                              f'<line class="bpx-edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                              f'stroke="{color}" stroke-width="{width:.2f}" stroke-opacity="0.85"/>', tip))
                if labelled[l - 1]:
                    t = 0.5 if layer.fan_out == 1 else 0.28 + 0.44 * j / (layer.fan_out - 1)
                    lx, ly = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                    labels.append(_text(lx, ly - 5, fmt(v), cls="bpx-halo", fill="currentColor"))
    for l, col in enumerate(lines):
        for j, texts in enumerate(col):
            bx, by, bw, bh = at.boxes[l][j]
            if l == 0:
                tip = f"input {names[0][j]} of sample {sample} = {fmt(x[j])}"
                dead, focused = False, False
            else:
                layer = net.layers[l - 1]
                lin, act = trace.layer_records(l)
                z, a = lin.output[sample, j], act.output[sample, j]
                dead = layer.activation.has_kink and act.local[sample, j] == 0
                focused = updating or lit == l
                terms = " + ".join(f"{fmt(lin.inputs['A'][sample, k])}·{fmt(lin.inputs['W'][k, j])}"
                                   for k in range(layer.fan_in))
                tip = (f"layer {l}, unit {j} ({names[l][j]}), sample {sample}: z = {terms} + "
                       f"{fmt(lin.inputs['b'][j])} = {fmt(z)}; a = {layer.activation.label}(z) = {fmt(a)}"
                       + ("; f′(z) = 0: a dead unit for this sample, no gradient flows back through it" if dead
                          else ""))
            stroke, sw_ = (FOCUS, 3.5) if focused else (MUTED, 1.5)
            dash = ' stroke-dasharray="6 4"' if dead else ""
            cls = "bpx-item bpx-unit" + (" bpx-focused" if focused else "") + (" bpx-dead" if dead else "")
            body = "".join(_text(bx + bw / 2, by + 5 + (k + 1) * LINE - 6, t, weight="bold" if k == 0 else "normal")
                           for k, t in enumerate(texts))
            units.append((f'<g class="{cls}" id="unit_{l}_{j}" tabindex="0"><title>{_esc(tip)}</title>'
                          f'<rect class="bpx-shape" x="{bx:.1f}" y="{by:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                          f'rx="{8 if l else 3}" fill="currentColor" fill-opacity="{0.04 if dead else 0.09}" '
                          f'stroke="{stroke}" stroke-width="{sw_}"{dash}/>{body}', tip))
    return _with_tips(at.width, at.height, [], edges + units, labels, alt_text(trace, show),
                      "Tap or hover a unit or an edge: its formula with the numbers shows here.")


def _with_tips(width: float, height: float, before: list[str], items: list[tuple[str, str]], after: list[str],
               label: str, hint: str) -> str:
    """Assemble the drawing (`before`, the items, `after`) and the tip lines under it (the hint until an item has
    the focus or the pointer). `items` are pairs of an item's open <g> with its drawing, and its tip."""
    wrapped = [_wrap(tip, width - 24) for _, tip in items]
    rows = max(2, max((len(w) for w in wrapped), default=1))
    y0 = height + LINE
    groups = [group + _tip(lines, 12, y0) + "</g>" for (group, _), lines in zip(items, wrapped, strict=True)]
    hints = [_text(12, y0 + k * LINE, line, anchor="start", cls="bpx-hint", fill=MUTED)
             for k, line in enumerate(_wrap(hint, width - 24))]
    return _svg(width, height + rows * LINE + 12, before + groups + after + hints, label)


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
            "drawn thicker the larger it is. The table lists every number.")


MAX_NEURON_INPUTS = 4  # more inputs: the first two, "… n more", the last


def neuron_svg(trace: Trace, precision: int = 4, names: Sequence[str] | None = None) -> str:
    """The neuron with its numbers as SVG text: each input x_j (or its feature's name from `names`) with its weight
    w_j and ∂L/∂w_j, the bias, z = Xw + b, a = f(z) and the loss L with the targets y."""
    fmt = lambda v: latex.text(v, precision)  # noqa: E731
    d = trace.X.shape[1]
    shown = list(range(d)) if d <= MAX_NEURON_INPUTS else [0, 1, d - 1]
    act = bp.ACTIVATIONS[trace.activation].abbrev
    loss = bp.LOSSES[trace.loss_name].short
    sub = lambda j: str(j).translate(SUB)  # noqa: E731
    x = (lambda j: names[j]) if names else (lambda j: f"x{sub(j)}")  # noqa: E731
    inputs = [[f"{x(j)} · w{sub(j)}", f"w{sub(j)} = {fmt(trace.w[j])}", f"∂L/∂w{sub(j)} = {fmt(trace.grad_w[j])}"]
              for j in shown]
    if len(shown) < d:
        inputs.insert(2, [f"… {d - len(shown)} more inputs"])
    inputs.append(["bias", f"b = {fmt(trace.b)}", f"∂L/∂b = {fmt(trace.grad_b)}"])
    tips = [f"input {names[j] if names else f'x{j}'}, weight w{j} = {fmt(trace.w[j])}; the gradient ∂L/∂w{j} = "
            f"{fmt(trace.grad_w[j])}" for j in shown]
    if len(shown) < d:
        tips.insert(2, f"{d - len(shown)} more inputs: every weight and gradient is in the table")
    tips.append(f"the bias b = {fmt(trace.b)}; its gradient ∂L/∂b = {fmt(trace.grad_b)}")
    chain = [["z = Xw + b"], [f"a = {act}(z)"], [f"L = {loss}(a, y)", f"= {fmt(trace.loss)}"]]
    chain_tips = ["z = Xw + b: each sample's weighted sum of its inputs plus the bias",
                  f"a = {bp.ACTIVATIONS[trace.activation].label}(z): each sample's prediction",
                  f"the loss L = {fmt(trace.loss)}: the {bp.LOSSES[trace.loss_name].label} of the predictions a "
                  "against the targets y"]
    in_w = max(_width(t) for box in inputs for t in box) + 20
    in_h = [len(box) * LINE + 10 for box in inputs]
    ch_w = max(_width(t) for box in chain for t in box) + 20
    spacing, margin, gap = 14, 12, 56
    tall = sum(in_h) + spacing * (len(inputs) - 1)
    boxes, y = [], margin
    for h in in_h:
        boxes.append((margin, y, in_w, h))
        y += h + spacing
    cx = margin + in_w + gap
    mid = margin + tall / 2
    z_box = (cx, mid - (LINE + 10) / 2, ch_w, LINE + 10)
    a_box = (cx + ch_w + gap / 2, z_box[1], ch_w, LINE + 10)
    l_box = (a_box[0], z_box[1] + LINE + 10 + 40, ch_w, 2 * LINE + 10)
    y_box = (cx, l_box[1] + 5, ch_w, LINE + 10)
    width = a_box[0] + ch_w + margin
    height = max(margin + tall, l_box[1] + l_box[3]) + margin
    arrows = [(bx + bw, by + bh / 2, z_box[0], z_box[1] + z_box[3] / 2) for bx, by, bw, bh in boxes]
    arrows += [(z_box[0] + ch_w, z_box[1] + z_box[3] / 2, a_box[0], a_box[1] + a_box[3] / 2),
               (a_box[0] + ch_w / 2, a_box[1] + a_box[3], l_box[0] + ch_w / 2, l_box[1]),
               (y_box[0] + ch_w, y_box[1] + y_box[3] / 2, l_box[0], y_box[1] + y_box[3] / 2)]
    body = ['<defs><marker id="bpx-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{MUTED}"/></marker></defs>']
    body += [f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{MUTED}" stroke-width="1.5" '
             'marker-end="url(#bpx-arrow)"/>' for x1, y1, x2, y2 in arrows]
    items = []
    all_boxes = [*zip(boxes, inputs, tips, strict=True),
                 *zip([z_box, a_box, l_box], chain, chain_tips, strict=True),
                 (y_box, ["targets y"], f"the targets y: {', '.join(fmt(v) for v in trace.y[:8])}"
                  + (" …" if len(trace.y) > 8 else ""))]
    for k, ((bx, by, bw, bh), texts, tip) in enumerate(all_boxes):
        loss_box = texts is chain[2]
        drawn = "".join(_text(bx + bw / 2, by + 5 + (i + 1) * LINE - 6, t, weight="bold" if loss_box else "normal")
                        for i, t in enumerate(texts))
        items.append((f'<g class="bpx-item" id="neuron_{k}" tabindex="0"><title>{_esc(tip)}</title>'
                      f'<rect class="bpx-shape" x="{bx:.1f}" y="{by:.1f}" width="{bw:.1f}" height="{bh:.1f}" rx="8" '
                      f'fill="currentColor" fill-opacity="0.09" stroke="{MUTED}" '
                      f'stroke-width="{2.5 if loss_box else 1.5}"/>{drawn}', tip))
    act_label = bp.ACTIVATIONS[trace.activation].label
    label = (f"The neuron: inputs weighted by w = [{', '.join(fmt(v) for v in trace.w)}] and the bias b = "
             f"{fmt(trace.b)} make z = Xw + b, then a = {act_label}(z), then the loss L = {fmt(trace.loss)}.")
    return _with_tips(width, height, body, items, [], label, "Tap or hover a box: what it holds shows here.")
