"""The loss landscape as a custom component (Streamlit components v2) drawn by Plotly.js in the browser.

Python sends the surface and every optimizer's path once, as plain lists (`payload`); the browser draws
three plots (the 3D surface, the contour map, the loss per step) with `Plotly.newPlot` once and
`Plotly.react` on new data, and animates the descent itself: the markers on the contour map and the loss
curve move with `Plotly.animate` (redraw: false, so the contours are not redrawn), while the 3D surface
stays still and its markers move only when the animation pauses. Plotly.js comes from the app's static
folder (ui/static_files.py), loaded once per page: nothing is fetched from the network.

Colour: the paths cross a small part of the loss's range, so the colour scale is either logarithmic or
clipped to the range of the loss along the paths; the colour bar names the choice. The notebook's rule,
which climbs, is drawn on the contour map where it lies inside it and on the loss plot on its own axis, so
it does not flatten the others.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import backprop as bp
from viz import figures

from . import static_files

COMPONENTS = Path(__file__).parent / "components"
HERE = COMPONENTS / "landscape"
KEY = "landscape_component"


def component_js(*files: str) -> str:
    """One module from several files, split by view (function declarations: their order does not matter)."""
    return "\n".join((COMPONENTS / f).read_text(encoding="utf-8") for f in files)


LANDSCAPE_JS = component_js("landscape/landscape.js", "landscape/plots.js", "landscape/markers.js", "clock.js",
                            "plotly_loader.js")
FIGURE_JS = component_js("figure/figure.js", "plotly_loader.js")
COMPONENT = st.components.v2.component(
    "backprop_explorer.landscape",
    html=(HERE / "landscape.html").read_text(encoding="utf-8"),
    css=(HERE / "landscape.css").read_text(encoding="utf-8"),
    js=LANDSCAPE_JS,
    isolate_styles=False,  # Plotly.js styles its plots from the page's head: no shadow root
)
# Any other Plotly figure of the page, drawn in place too (st.plotly_chart remounts its chart on each run)
FIGURE = st.components.v2.component(
    "backprop_explorer.figure",
    html=(COMPONENTS / "figure" / "figure.html").read_text(encoding="utf-8"),
    css=(COMPONENTS / "figure" / "figure.css").read_text(encoding="utf-8"),
    js=FIGURE_JS,
    isolate_styles=False,
)
COLOUR_SCALES = {"log": "logarithmic", "clip": "clipped to the paths' range"}
DIGITS = 6  # significant digits sent: far below a pixel, a third of the bytes
START = {"label": "current parameters", "symbol": "diamond-open"}  # drawn in the theme's text colour
DOTS = 25  # a path's dots on the contour map at most: one every `dot_every(steps)` steps


def dot_every(steps: int) -> int:
    """Every how many steps a path's dot is drawn on the contour map (1: every step)."""
    return max(1, -(-steps // DOTS))


def _short(values) -> list[float | None]:
    """Numbers as plain floats with DIGITS significant digits; non-finite ones as None (a gap)."""
    out = []
    for v in np.ravel(np.asarray(values, dtype=float)):
        out.append(float(f"{v:.{DIGITS}g}") if np.isfinite(v) else None)
    return out


def _grid(loss: np.ndarray) -> list[list[float | None]]:
    return [_short(row) for row in loss]


def colour_range(surface: bp.Surface, trajectories: Sequence[bp.Trajectory], scale: str) -> tuple[float, float]:
    """The loss range the colours span: the surface's (log) or the paths' inside the map (clip)."""
    grid = surface.loss[np.isfinite(surface.loss)]
    lo, hi = float(grid.min()), float(grid.max())
    if scale == "clip":
        on_map = [t.loss[surface.contains(t)] for t in trajectories if t.optimizer != "notebook"]
        on_map = [x[np.isfinite(x)] for x in on_map if x.size]
        if on_map:
            lo = max(lo, min(float(x.min()) for x in on_map if x.size))
            hi = min(hi, max(float(x.max()) for x in on_map if x.size))
            if hi <= lo:
                hi = lo + max(abs(lo) * 0.1, 1e-12)
    return lo, hi


def payload(surface: bp.Surface, trajectories: Sequence[bp.Trajectory], start_loss: float, precision: int,
            scale: str = "log", log_loss: bool = False, show_3d: bool = True) -> dict:
    """Everything the landscape component draws, as plain lists (never NumPy arrays).

    `surface.loss` is (R_v, R_u) over `surface.u` (R_u,) and `surface.v` (R_v,); each trajectory gives its
    two axes' parameters and its loss per step 0..T."""
    if scale not in COLOUR_SCALES:
        raise ValueError(f"scale must be one of {sorted(COLOUR_SCALES)}, not {scale!r}")
    un, vn = surface.axes
    lo, hi = colour_range(surface, trajectories, scale)
    paths = []
    for t in trajectories:
        s = figures.style(t.optimizer)
        paths.append({
            "name": t.optimizer, "label": s.label, "color": s.color, "colorDark": s.color_dark, "dash": s.dash,
            "symbol": s.symbol,
            "u": _short(t.param(un)), "v": _short(t.param(vn)), "loss": _short(t.loss),
            "exact": figures.is_exact(surface, t), "divergedAt": t.diverged_at,
            "ownAxis": t.optimizer == "notebook",
        })
    steps = max((t.n_steps for t in trajectories), default=0)
    return {
        "axes": [un, vn], "u": _short(surface.u), "v": _short(surface.v), "loss": _grid(surface.loss),
        "start": {**START, "u": float(surface.center[0]), "v": float(surface.center[1]), "loss": float(start_loss)},
        "held": figures.held_text(surface, precision), "paths": paths, "steps": steps,
        "colour": {"scale": scale, "label": COLOUR_SCALES[scale], "min": lo, "max": hi},
        "logLoss": log_loss, "show3d": show_3d, "precision": precision, "dotEvery": dot_every(steps),
    }


def plotly_url() -> str:
    """Where the browser finds Plotly.js: the app's static folder, under the server's base path."""
    static_files.ensure_plotly()
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + (base + "/" if base else "") + "app/static/" + static_files.PLOTLY_JS


def figure_ui(fig: go.Figure | figures.Animation, key: str, alt: str = "", presenter: bool = False) -> None:
    """A Plotly figure drawn by Plotly.js from the app's static folder, updated in place on the next run; an
    animation's frames played by the component's own player (Play/Pause, a step slider, "step k of T"), in the
    browser. The template is dropped: the component gives the figure the app theme's text colour instead (and,
    in presenter mode, text of 18 px), and on a dark page swaps the colours `figures.dark_colors` names."""
    FIGURE(key=key, data={**figure_data(fig), "plotly": plotly_url(), "alt": alt, "presenter": presenter,
                          "darkColors": figures.dark_colors()})


def figure_data(fig: go.Figure | figures.Animation) -> dict:
    """What the figure component draws: the figure as plain JSON (arrays as Plotly.js typed-array specs) without
    its template, and an animation's frames (plain data, never validated by plotly.py) packed by `pack_frames`,
    the traces they change, whether a frame needs Plotly's redraw and its milliseconds."""
    animation = fig if isinstance(fig, figures.Animation) else figures.Animation(fig)
    spec = animation.figure.to_dict()
    spec["layout"].pop("template", None)
    return {"figure": spec, "frames": pack_frames(animation.frames), "traces": animation.traces,
            "redraw": animation.redraw, "duration": animation.duration}


def pack_frames(frames: Sequence) -> str:
    """Frames for the wire in a fifth (one neuron's heatmaps) to a half (a network's curved boundary) of their JSON:
    each typed array's bytes one after another, the rest as JSON in which an array is {"dtype", "at", "n", "shape"}
    (its bytes' offset and length), both deflated together (neighbouring cells and steps of a heatmap are alike) and
    base64-encoded: u32 (little-endian) length of the JSON, the JSON (UTF-8), the bytes. "" without frames.
    The bytes of a component's data are what an edit waits for: the model view's 240 KB of frames cost ~250 ms per
    edit in Chromium, as did 240 KB of any text in their place."""
    if not frames:
        return ""
    blobs: list[bytes] = []
    at = 0

    def lifted(value):
        nonlocal at
        if isinstance(value, dict) and "bdata" in value:
            raw = base64.b64decode(value["bdata"])
            blobs.append(raw)
            at += len(raw)
            return {**{k: v for k, v in value.items() if k != "bdata"}, "at": at - len(raw), "n": len(raw)}
        if isinstance(value, dict):
            return {k: lifted(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [lifted(v) for v in value]
        return value

    text = json.dumps(lifted(frames), separators=(",", ":"), allow_nan=False).encode()
    packed = zlib.compress(struct.pack("<I", len(text)) + text + b"".join(blobs), 6)
    return base64.b64encode(packed).decode("ascii")


def landscape_ui(data: dict, presenter: bool = False) -> None:
    """Mount the landscape component on `data` (from `payload`)."""
    COMPONENT(key=KEY, data={**data, "plotly": plotly_url(), "presenter": presenter})
