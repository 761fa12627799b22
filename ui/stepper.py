"""The step page's stepper: a custom component (Streamlit components v2) that steps through a whole trace
in the browser, with no script rerun per step.

Python sends the trace once as plain lists (`payload`): every step's title, phase, formulas as MathML
(from `latex2mathml`, rendered natively by the browser, nothing fetched), explanation, values table, and
the computation graph with the step at which each of its columns is computed. The browser moves between
steps (buttons, slider, play, keys) and reports the step back only when it settles (the `STEP_EVENT`
trigger: an event, not a kept state, so reporting the step Python already had still lands), for `?step=` and
the share link. Every number is DOM text set with `textContent`; only MathML made here from
the engine's LaTeX is set as markup.

`payload` is the one function that reads the engine's Step and Trace.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import streamlit as st
from latex2mathml.converter import convert

import backprop as bp
import lesson

from . import render, state
from .model import Model

HERE = Path(__file__).parent / "components" / "stepper"
KEY = "stepper"  # the component's widget key
STEP_EVENT = "step"  # its event (a trigger value, one run long): the step it settled on, 1-based
# one module from three files, split by view (function declarations: their order does not matter)
JS = "\n".join((HERE / f).read_text(encoding="utf-8") for f in ("stepper.js", "graph.js", "bars.js", "../download.js"))
COMPONENT = st.components.v2.component(
    "backprop_explorer.stepper",
    html=(HERE / "stepper.html").read_text(encoding="utf-8"),
    css=(HERE / "stepper.css").read_text(encoding="utf-8"),
    js=JS,
)

GRAPH_ROWS = 6  # rows (samples) a graph node shows before it elides the middle
GRAPH_COLS = 6  # columns of X, and of any step's value, likewise (a 3-class Jacobian's 9: the first 4, …, the last)
# Where a graph node sits: (rank along the forward pass, slot within the rank), by its name's stem and layer
# ("z" or "z2"): layer l's input and θ_l, then z_l beside its shares of ∂L/∂θ_l, then a_l; y beside the last
# a, then L. Other nodes follow, one rank each.
STEMS = {"theta": (0, 1), "z": (1, 0), "shares": (1, 1), "a": (2, 0)}


def _split(name: str) -> tuple[str, int]:
    stem = name.rstrip("0123456789")
    return stem, int(name[len(stem):] or 1)


def layout(names: list[str]) -> tuple[dict[str, tuple[int, int]], list[tuple[str, str, str, bool]]]:
    """Each node's (rank, slot) and the edges (from, to, label, backward?) of a graph with these nodes: the
    single neuron's X, θ, z, a, y, L and shares, or those of a network's layers (z1, a1, theta1, ..., zL)."""
    layers = max((_split(n)[1] for n in names if _split(n)[0] in STEMS), default=1)
    place: dict[str, tuple[int, int]] = {}
    extra = 2 * layers + 2  # the first rank after L
    for name in names:
        stem, layer = _split(name)
        if name == "X":
            place[name] = (0, 0)
        elif stem in STEMS:
            rank, slot = STEMS[stem]
            place[name] = (2 * (layer - 1) + rank, slot)
        elif name == "y":
            place[name] = (2 * layers, 1)
        elif name == "L":
            place[name] = (2 * layers + 1, 0)
        else:
            place[name], extra = (extra, 0), extra + 1
    like = {_split(n): n for n in names}  # (stem, layer) -> the node's name as the trace spells it
    edges = []

    def edge(a, b, label="", backward=False):
        if a in place and b in place:
            edges.append((a, b, label, backward))

    for layer in range(1, layers + 1):
        z, a, theta, shares = (like.get((stem, layer)) for stem in ("z", "a", "theta", "shares"))
        edge("X" if layer == 1 else like.get(("a", layer - 1)), z)
        edge(theta, z)
        edge(z, a)
        edge(z, shares, "δ", True)
        edge(shares, theta, "Σᵢ", True)
    edge(like.get(("a", layers)), "L")
    edge("y", "L")
    return place, edges




def mathml(latex: str | None) -> str | None:
    """Engine-made LaTeX as a MathML string (display block), or None.

    latex2mathml writes a bracketed matrix as `[`, the table, `]` in the middle of a row, where the browser
    does not stretch the brackets; each is wrapped in its own row so they span the matrix."""
    return _mathml(latex) if latex else None


@functools.lru_cache(maxsize=2048)
def _mathml(latex: str) -> str:
    """Remembered: after an edit half of a trace's formulas are the same text (the symbolic ones, the numbers the edit
    did not touch), and converting them was half of the step page's run."""
    out = convert(latex, display="block")
    for left, right in (("&#x0005B;", "&#x0005D;"), ("&#x00028;", "&#x00029;")):
        out = out.replace(f"<mo>{left}</mo><mtable>", f"<mrow><mo>{left}</mo><mtable>")
        out = out.replace(f"</mtable><mo>{right}</mo>", f"</mtable><mo>{right}</mo></mrow>")
    return out


def plain(text: str) -> str:
    """The engine's plain-text math as text that reads as math (δᵢ, ·, ×10ⁿ), for textContent."""
    return render.prose(text).replace("\\_", "_").replace("\\*", "*")


def _table(step: lesson.Step, trace: bp.Trace, precision: int) -> dict:
    table = render.step_table(step, trace, precision)
    marked = set(step.marked)
    kinds = ["sum" if label == render.SUM_ROW else "off" if i in marked else "" for i, label in enumerate(table.index)]
    return {"index": table.index_name, "columns": list(table.columns), "rows": table.rows(), "kinds": kinds}


BAR_SAMPLES = 20  # samples the bar chart of shares shows (the table lists them all)


def _bars(step: lesson.Step, precision: int) -> dict | None:
    """Each sample's share of each gradient, for a bar chart: the step's (N, P) value by sample, when its rows
    are samples and it has columns (the per-sample shares); None for every other step."""
    value = np.asarray(step.value, dtype=float)
    if value.ndim != 2 or not step.row_labels or not step.row_labels[0].startswith("sample"):
        return None
    shown = value[:BAR_SAMPLES]
    off = set(step.marked)
    return {"samples": [label.removeprefix("sample ") + (" ✗ off" if i in off else "")
                        for i, label in enumerate(step.row_labels[:BAR_SAMPLES])],
            "series": [{"name": f"∂L/∂{name}", "values": shown[:, j].tolist(),
                        "text": [render.fmt(v, precision) for v in shown[:, j]]}
                       for j, name in enumerate(step.col_labels)],
            "more": max(len(value) - BAR_SAMPLES, 0)}


def _shown(count: int, limit: int) -> list[int | None]:
    return list(range(count)) if count <= limit else [*range(limit - 2), None, count - 1]


def _cells(values: np.ndarray, rows: list[int | None], fmt: Callable[[float], str]) -> list[str | None]:
    return [None if i is None else fmt(values[i]) for i in rows]


def _graph(trace: bp.Trace, precision: int, inputs: list[str] | None = None) -> dict:
    """The graph's nodes, each a small table of columns (head, cells, the step that computes it: -1 for the
    inputs), and its edges; X's columns are named by `inputs` (default x0, x1, ...). Cells are text; None is an
    elided row."""
    fmt = lambda v: render.fmt(v, precision)  # noqa: E731
    n, d = trace.X.shape
    samples = _shown(n, GRAPH_ROWS)
    sample_labels = [None if i is None else str(i) for i in samples]
    net = trace.network
    labels = net.param_labels()
    nodes: dict[str, dict] = {}

    def node(name: str, title: str, labels: list[str | None]) -> dict:
        return nodes.setdefault(name, {"id": name, "title": title, "rows": labels, "columns": [], "off": []})

    x = node("X", f"X  ({n}×{d})", sample_labels)
    for j in _shown(d, GRAPH_COLS):
        x["columns"].append({"head": "…" if j is None else inputs[j] if inputs else f"x{j}", "step": -1,
                             "cells": [None if i is None or j is None else fmt(trace.X[i, j]) for i in samples]})
    theta = net.flatten(trace.params)
    spans = {}  # each layer's parameters: their range in the flat order
    start = 0
    for layer in net.layers:
        count = layer.fan_in * layer.fan_out + layer.fan_out
        l, spans[layer.index] = layer.index, (start, start + count)
        sub = render.subscript(l)
        title = "θ = (w, b)" if net.is_neuron else f"θ{sub} = (W{sub}, b{sub})"
        node(f"theta{l}", title, labels[start:start + count])["columns"].append(
            {"head": "value", "step": -1, "cells": [fmt(v) for v in theta[start:start + count]]})
        start += count
    Y = trace.Y  # (N, K): one column per output (one-hot rows for class labels)
    target = node("y", f"y  ({n})" if Y.shape[1] == 1 else f"Y  ({n}×{Y.shape[1]})", sample_labels)
    for j in range(Y.shape[1]):
        target["columns"].append({"head": "y" if Y.shape[1] == 1 else f"y{j}", "step": -1,
                                  "cells": _cells(Y[:, j], samples, fmt)})
    for k, step in enumerate(lesson.steps(trace, precision)):
        name, part = step.node, step.part
        value = np.asarray(step.value, dtype=float)
        if step.kind == "update":  # every layer's parameters after the step, in each layer's node
            for l, (a, b) in spans.items():
                nodes[f"theta{l}"]["columns"].append({"head": "after step", "step": k, "part": part,
                                                      "cells": [fmt(v) for v in value[a:b]]})
            continue
        if value.ndim == 0:
            target = node(name, render.short_title(step), [""])
            target["columns"].append({"head": render.short_title(step).split(" ")[-1], "step": k, "part": part,
                                      "cells": [fmt(value)]})
            continue
        per_sample = len(step.row_labels) > 0 and step.row_labels[0].startswith("sample")
        rows = samples if per_sample else list(range(len(value)))
        target = node(name, render.short_title(step), sample_labels if per_sample else list(step.row_labels))
        if per_sample and step.marked:
            target["off"] = sorted(set(target["off"]) | {r for r, i in enumerate(rows) if i in set(step.marked)})
        table = value.reshape(-1, 1) if value.ndim == 1 else value
        heads = step.col_labels or ("value",)
        for j in _shown(len(heads), GRAPH_COLS):  # a Jacobian's K² columns: the first, …, the last (the table: all)
            target["columns"].append({"head": "…" if j is None else str(heads[j]), "step": k, "part": part,
                                      "cells": [None] * len(rows) if j is None else _cells(table[:, j], rows, fmt)})
    place, edges = layout(list(nodes))
    for name, spot in place.items():
        nodes[name]["rank"], nodes[name]["slot"] = spot
    return {"nodes": sorted(nodes.values(), key=lambda v: (v["rank"], v["slot"])),
            "edges": [{"from": a, "to": b, "label": label, "backward": back} for a, b, label, back in edges]}


def payload(trace: bp.Trace, precision: int, inputs: list[str] | None = None) -> dict:
    """Everything the stepper shows, as plain JSON-able lists and strings (never NumPy arrays).

    Reads from each `Step` only: title, short, kind, phase, node, part, formula, formula_numbers, details,
    explanation, value, shape, row_labels, col_labels, marked; from the trace its inputs X, y, its network's
    parameters and `steps`.
    """
    steps = []
    for k, step in enumerate(lesson.steps(trace, precision)):
        label, color = render.PHASES[step.phase]
        part = step.part
        # the update's node is every layer's parameters
        nodes = [f"theta{layer.index}" for layer in trace.network.layers] if step.node == "theta" else [step.node]
        steps.append({
            "title": step.title, "short": render.short_title(step), "phase": step.phase, "phaseLabel": label,
            "formula": mathml(step.formula), "numbers": mathml(step.formula_numbers),
            "latex": "\n".join(f"\\[\n{tex}\n\\]" for tex in (step.formula, step.formula_numbers) if tex),
            "details": [mathml(line) for line in step.details], "explanation": plain(step.explanation),
            "note": render.inactive_note(trace) if step.marked else None,
            "table": _table(step, trace, precision), "shape": render.shape_text(step, trace),
            "node": nodes[0], "nodes": nodes, "part": part, "index": k, "bars": _bars(step, precision),
        })
    return {"steps": steps, "graph": _graph(trace, precision, inputs)}


def parse_step(text: str, n: int) -> int | None:
    """A step number from a link, 1 to `n`, or None when the text is not one."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and 1 <= int(text) <= n else None


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs={bp.Trace: lambda _: 0})
def cached_payload(model: Model, trace: bp.Trace) -> dict:
    """`payload` for the trace computed from `model` (the model is the cache key: the trace follows from it)."""
    return payload(trace, model.precision, model.own_features)


def _settled() -> None:
    st.session_state[state.STEP] = int(st.session_state[KEY][STEP_EVENT])


def stepper_ui(data: dict, step: int, *, presenter: bool) -> None:
    """Mount the stepper on `data` (from `payload`) at `step` (1-based); in presenter mode it takes the
    keyboard focus when the mode is switched on. The settled step lands in `state.STEP`."""
    COMPONENT(key=KEY, data={**data, "step": step, "presenter": presenter}, on_step_change=_settled)
