"""Small line charts as static SVG text: the loss per update step of a few trajectories.

A page whose first screen holds such a chart need not load Plotly's 4.6 MB of JavaScript for it: this is a
polyline per curve, axes with round ticks and a legend, every text an SVG <text> (DOM text) of `FONT` user units,
ink `currentColor` (the page's theme). Pure string building; every text is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np

FONT = 18
CHAR = 0.58 * FONT
STYLES = (("#d62728", "8 5"), ("#2ca02c", ""), ("#3a86d4", "2 4"), ("#9467bd", "12 4 2 4"))  # colour, dash
MAX_POINTS = 400  # a curve of more steps is drawn through its min and max per stretch of steps


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("the range must be finite")
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    out, v = [], first
    while v <= high + step * 1e-9:
        out.append(round(v, 12))
        v += step
    if out[-1] < high:
        out.append(round(out[-1] + step, 12))
    return out


def _label(v: float) -> str:
    text = f"{v:.6g}"
    return "0" if text in ("-0", "0") else text


def _thin(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most MAX_POINTS points that keep each stretch's min and max (a spike stays visible)."""
    x = np.arange(len(y))
    if len(y) <= MAX_POINTS:
        return x, y
    keep = set()
    for part in np.array_split(np.arange(len(y)), MAX_POINTS // 2):
        keep.update((int(part[np.argmin(y[part])]), int(part[np.argmax(y[part])])))
    idx = np.array(sorted(keep | {0, len(y) - 1}))
    return x[idx], y[idx]


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _text(x: float, y: float, text: str, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="currentColor"{extra}>{_esc(text)}</text>'


def loss_curves_svg(curves: Sequence[tuple[str, Sequence[float]]], x_title: str = "update step",
                    y_title: str = "loss L", width: float = 720, height: float = 340) -> str:
    """One line per named curve of values per step (the first red and dashed, the second green), as SVG text."""
    if not curves:
        raise ValueError("no curve to draw")
    ys = [np.asarray(values, dtype=float) for _, values in curves]
    finite = np.concatenate([y[np.isfinite(y)] for y in ys])
    if not finite.size:
        raise ValueError("no finite value to draw")
    steps = max(len(y) for y in ys)
    y_ticks = ticks(float(finite.min()), float(finite.max()))
    x_ticks = [t for t in ticks(0, max(1, steps - 1)) if t == int(t)]
    legend_h = FONT + 14
    left = max(len(_label(t)) for t in y_ticks) * CHAR + FONT + 22
    top, right, bottom = legend_h + 8, 16, 2 * FONT + 22
    pw, ph = width - left - right, height - top - bottom
    x_max, (y_min, y_max) = x_ticks[-1], (y_ticks[0], y_ticks[-1])
    px = lambda v: left + pw * v / x_max  # noqa: E731
    py = lambda v: top + ph * (1 - (v - y_min) / (y_max - y_min))  # noqa: E731
    body = [f'<line class="bpx-grid" data-value="{t!r}" x1="{left:.1f}" y1="{py(t):.1f}" x2="{left + pw:.1f}" '
            f'y2="{py(t):.1f}" stroke="currentColor" stroke-opacity="{0.35 if t == y_min else 0.12}"/>'
            + _text(left - 8, py(t) + FONT / 3, _label(t), "end")
            for t in y_ticks]
    body += [_text(px(t), top + ph + FONT + 6, _label(t)) for t in x_ticks]
    body.append(_text(left + pw / 2, height - 8, x_title))
    body.append(_text(FONT, top + ph / 2, y_title, extra=f' transform="rotate(-90 {FONT:.1f} {top + ph / 2:.1f})"'))
    lx = left
    for k, ((name, _), y) in enumerate(zip(curves, ys, strict=True)):
        color, dash = STYLES[k % len(STYLES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        x, v = _thin(y)
        ok = np.isfinite(v)
        points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(x[ok], v[ok], strict=True))
        body.append(f'<polyline class="bpx-curve" data-name="{_esc(name)}" points="{points}" fill="none" '
                    f'stroke="{color}" stroke-width="2.5"{dashed}><title>{_esc(name)}: last value '
                    f"{_label(float(y[-1]))}</title></polyline>")
        body.append(f'<line x1="{lx:.1f}" y1="{legend_h / 2 + 4:.1f}" x2="{lx + 34:.1f}" y2="{legend_h / 2 + 4:.1f}" '
                    f'stroke="{color}" stroke-width="3"{dashed}/>')
        body.append(_text(lx + 42, legend_h / 2 + 4 + FONT / 3, name, "start"))
        lx += 42 + len(name) * CHAR + 28
    label = f"{y_title} per {x_title}: " + "; ".join(
        f"{name} from {_label(float(y[0]))} to {_label(float(y[-1]))}" for (name, _), y in zip(curves, ys, strict=True))
    width = max(width, lx)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{_esc(label)}" font-size="{FONT}" '
            "font-family=\"'Source Sans Pro', 'Source Sans 3', 'Helvetica Neue', Arial, sans-serif\" "
            f'class="bpx-chart"><title>{_esc(label)}</title>' + "".join(body) + "</svg>")
