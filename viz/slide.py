"""The overview as one slide, SVG text: the diagram (viz.network's SVG, nested as it is) above the loss and
one gradient-descent step with its numbers, θ ← θ − η·dL/dθ for every parameter (value, gradient, after the
step) as a table. Every text is an SVG <text> of `network.FONT` user units, escaped; ink is `currentColor`.
Pure string building: no Streamlit.
"""

from __future__ import annotations

import re

from backprop import Trace
from lesson import latex

from .network import CHAR, FAMILY, FONT, LINE, _esc, _text

MAX_ROWS = 16  # parameters listed; the rest are counted (every one is in the app's tables)


def _nested(svg: str) -> tuple[str, float, float]:
    """The diagram as an <svg> to nest at the top left, cut above its tip lines (they show what the pointer
    hovers: nothing on a slide), with its width and height."""
    end = svg.index(">")
    head, rest = svg[:end], svg[end:]
    width, height = float(re.search(r' width="([\d.]+)"', head)[1]), float(re.search(r' height="([\d.]+)"', head)[1])
    hint = re.search(r'<text x="[\d.]+" y="([\d.]+)"[^>]*class="bpx-hint"', rest)
    if hint:
        height = float(hint[1]) - LINE
    head = re.sub(r' viewBox="[^"]*"', f' viewBox="0 0 {width:.0f} {height:.0f}"', head)
    head = re.sub(r' height="[^"]*"', f' height="{height:.0f}"', head)
    return '<svg x="0" y="0"' + head[head.index("<svg") + 4:] + rest, width, height


def overview_svg(diagram: str, trace: Trace, precision: int = 4) -> str:
    """The slide: `diagram` (an SVG from viz.network) over the loss, the new loss after one step and the
    step's numbers for every parameter (at most MAX_ROWS rows, the rest counted)."""
    fmt = lambda v: latex.text(v, precision)  # noqa: E731
    nested, dw, dh = _nested(diagram)
    lines = [f"Loss L = {fmt(trace.loss)}"]
    if trace.accuracy is not None and trace.network.outputs > 1:
        lines[0] += f", accuracy {trace.accuracy:.0%}"
    updated = trace.lr is not None
    if updated:
        lines[0] += f"; after one step {fmt(trace.new_loss)}"
        lines.append(f"One step of gradient descent: θ ← θ − η · dL/dθ, with η = {fmt(trace.lr)}")
    labels = list(trace.param_labels)
    columns = [["parameter", *labels], ["value θ", *map(fmt, trace.network.flatten(trace.params))],
               ["dL/dθ", *map(fmt, trace.grad)]]
    if updated:
        columns.append(["after one step", *map(fmt, trace.network.flatten(trace.new_params))])
    more = max(len(labels) - MAX_ROWS, 0)
    columns = [c[: MAX_ROWS + 1] for c in columns]
    widths = [max(len(t) for t in c) * CHAR + 28 for c in columns]
    margin = 16
    width = max(dw, sum(widths) + 2 * margin, max(len(t) for t in lines) * CHAR + 2 * margin)
    y = dh + margin + FONT
    body = [nested]
    for k, text in enumerate(lines):
        body.append(_text(margin, y, text, anchor="start", weight="bold" if k == 0 else "normal"))
        y += LINE
    y += 6
    top = y - FONT
    for r in range(len(columns[0])):
        x = margin
        for c, col in enumerate(columns):
            right = c > 0
            body.append(_text(x + widths[c] - 14 if right else x, y, col[r], anchor="end" if right else "start",
                              weight="bold" if r == 0 else "normal"))
            x += widths[c]
        if r == 0:
            body.append(f'<line x1="{margin}" y1="{y + 7:.1f}" x2="{margin + sum(widths):.1f}" y2="{y + 7:.1f}" '
                        'stroke="currentColor" stroke-opacity="0.5"/>')
        y += LINE
    if more:
        body.append(_text(margin, y, f"… and {more} more parameters", anchor="start"))
        y += LINE
    height = max(y, top) + margin
    label = f"The model on one slide: its diagram, the loss {fmt(trace.loss)} and one gradient-descent step"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{_esc(label)}" font-family="{FAMILY}" font-size="{FONT}">'
            f"<title>{_esc(label)}</title>" + "".join(body) + "</svg>")
