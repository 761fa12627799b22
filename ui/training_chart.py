"""The training page's charts as a custom component (Streamlit components v2), animated in the browser.

Python sends each run once (`payload`): its batch loss per step, the per-epoch train and test loss and
accuracy, the confusion matrices and the network's parameters at up to ui.training.MAX_FRAMES epoch ends.
The browser (ui/components/training/) draws the loss curves with Plotly.js, and for 2-input data computes the
decision map (a colour per class, its strength by the top probability: viz/decision.py's rule) and each unit's
activation over the input plane from those parameters itself: Play, Pause, One step and Reset move through the
epochs with no server round trip. Numbers (loss, accuracy, the confusion matrices) are DOM text.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from backprop import metrics
from viz import decision

from .landscape_chart import COMPONENTS, _short, component_js, plotly_url
from .training import Result

HERE = COMPONENTS / "training"
KEY = "training_component"
GRID = 64  # the decision map's points per axis
UNIT_GRID = 32  # each unit's map's
MARGIN = 0.15  # the plane extends this share of the data's range beyond it
# first run, second run (Okabe-Ito): colour, dash, colour on the dark theme's page (the blue is too dark there)
RUN_STYLES = (("#0072B2", "solid", "#56B4E9"), ("#D55E00", "dash", "#D55E00"))


COMPONENT = st.components.v2.component(
    "backprop_explorer.training",
    html=(HERE / "training.html").read_text(encoding="utf-8"),
    css=(HERE / "training.css").read_text(encoding="utf-8"),
    js=component_js("training/training.js", "training/maps.js", "clock.js", "plotly_loader.js"),
    isolate_styles=False,
)


def _plane(X: np.ndarray) -> list[list[float]]:
    """The input plane's [x0 lo, hi], [x1 lo, hi]: the data's range widened by MARGIN each side."""
    out = []
    for j in range(2):
        lo, hi = float(X[:, j].min()), float(X[:, j].max())
        pad = max(hi - lo, 1e-6) * MARGIN
        out.append([lo - pad, hi + pad])
    return out


def _points(X, y, net, k: int) -> list[list[float]]:
    if X is None:
        return []
    cls = metrics.target_classes(np.reshape(y, (len(y), -1)), net.classifies) if k else np.zeros(len(X))
    return [[float(a), float(b), int(c)] for (a, b), c in zip(X[:, :2], cls, strict=True)]


def _run(run, k: int, style: tuple[str, str, str]) -> dict:
    t = run.trajectory
    e = run.epochs
    ends = t.epoch_steps[:e + 1]
    T = int(ends[-1])
    per_epoch = {
        "epoch": list(range(e + 1)), "step": [int(s) for s in ends],
        "train": _short(t.train_loss[:e + 1]),
        "test": None if t.test_loss is None else _short(t.test_loss[:e + 1]),
        "trainAcc": None if t.train_accuracy is None else _short(t.train_accuracy[:e + 1]),
        "testAcc": None if t.test_accuracy is None else _short(t.test_accuracy[:e + 1]),
    }
    frames = [{"epoch": int(f), "step": int(t.epoch_steps[f]), "params": _short(t.flat[int(t.epoch_steps[f])])}
              for f in run.frames]
    return {
        "label": run.settings.label, "color": style[0], "dash": style[1], "colorDark": style[2],
        "batchLoss": _short(t.batch_loss[:T]), "perEpoch": per_epoch, "frames": frames,
        "confusionTrain": None if run.confusion_train is None else run.confusion_train.tolist(),
        "confusionTest": None if run.confusion_test is None else run.confusion_test.tolist(),
        "full": t.batch_size is None, "stepsPerEpoch": int(t.epoch_steps[1]) if len(t.epoch_steps) > 1 else 1,
    }


def payload(result: Result, precision: int, unit_names: list[list[str]]) -> dict:
    """Everything the component draws, as plain lists. `unit_names` names each layer's units (hidden, output)."""
    net = result.network
    k = result.classes
    two = result.X_train.shape[1] == 2
    layers = [{"fanIn": layer.fan_in, "fanOut": layer.fan_out, "activation": layer.activation.name}
              for layer in net.layers]
    return {
        "runs": [_run(r, k, RUN_STYLES[i]) for i, r in enumerate(result.runs)],
        "layers": layers, "shapes": {key: list(shape) for key, shape in net.shapes.items()},
        "transforms": list(result.transforms),
        "inputs": result.inputs, "units": unit_names,
        "classes": k, "classifies": net.classifies, "palette": list(decision.PALETTE[:max(k, 1)]),
        "floor": decision.FLOOR, "ceil": decision.CEIL,
        "plane": _plane(result.X_train) if two else None, "grid": GRID, "unitGrid": UNIT_GRID,
        "train": _points(result.X_train, result.y_train, net, k) if two else [],
        "test": _points(result.X_test, result.y_test, net, k) if two else [],
        "precision": precision,
    }


def training_ui(data: dict, presenter: bool = False) -> None:
    """Mount the training component on `data` (from `payload`)."""
    COMPONENT(key=KEY, data={**data, "plotly": plotly_url(), "presenter": presenter})
