"""Exports: the trace as CSV and JSON, and the NumPy script that prints the app's numbers."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import edit_xy, open_app

import backprop as bp
import lesson
from lesson import export
from ui import csv_import, render
from ui.model import ACTIVATION_CHOICES, LOSS_CHOICES, PRESETS, SEED

SEED_ARGS = ([[1, 2], [2, 1], [-1, -2]], [0.1, 0.2], 1, [1, 0, 0])


def _trace(m=SEED, **changes):
    settings = dict(activation=m.activation, loss=m.loss, lr=m.lr) | changes
    return bp.forward_backward(m.X, m.w, m.b, m.y, **settings)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def run_script(source: str, tmp_path, name: str = "exported.py") -> str:
    path = tmp_path / name
    path.write_text(source)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def printed(output: str) -> dict[str, str]:
    """The script's `label = value` lines, and its per-sample lines under `label:` as label[i]."""
    out, table = {}, None
    for line in output.splitlines():
        if line.endswith(":"):
            table = line[:-1]
        elif line.startswith("  sample ") and table:
            i, value = re.fullmatch(r"  sample (\d+) = (.*)", line).groups()
            out[f"{table}[{i}]"] = value
        elif " = " in line:
            label, value = line.rsplit(" = ", 1)
            out[label] = value
    return out


def expected_lines(t: bp.Trace, p: int) -> dict[str, str]:
    """What the app shows for each step, formatted by the app's own formatter."""
    lst = lambda v: render.fmt_list(v, p)  # noqa: E731
    shares = np.column_stack([t.per_sample_grad_w, t.per_sample_grad_b])
    lines = {"1. z = Xw + b": lst(t.z), "2. a = f(z)": lst(t.prediction), "3. loss L": render.fmt(t.loss, p),
             "4. dL/da": lst(t.dloss_dpred), "5. da/dz": lst(t.dpred_dz), "6. delta = dL/dz": lst(t.delta),
             "8. gradient [dL/dw, dL/db]": lst(t.grad),
             "9. update: new [w, b]": lst(np.append(t.new_w, t.new_b)), "new loss L'": render.fmt(t.new_loss, p)}
    for i, row in enumerate(shares[: export.SCRIPT_ROW_LIMIT]):
        lines[f"7. per-sample shares [dL/dw, dL/db][{i}]"] = lst(row)
    return lines


# ---- CSV and JSON ------------------------------------------------------------------------------------------

def test_samples_csv_holds_every_per_sample_number_exactly():
    t = _trace()
    rows = _rows(export.samples_csv(t))
    assert list(rows[0]) == ["sample", "x0", "x1", "y", "z", "a", "dL_da", "da_dz", "delta",
                             "share_dL_dw0", "share_dL_dw1", "share_dL_db"]
    assert [float(r["delta"]) for r in rows] == t.delta.tolist()
    assert [float(r["z"]) for r in rows] == t.z.tolist()
    shares = np.array([[float(r[c]) for c in ("share_dL_dw0", "share_dL_dw1", "share_dL_db")] for r in rows])
    np.testing.assert_allclose(shares.sum(axis=0), t.grad, rtol=1e-15)


def test_parameters_csv_has_value_gradient_and_update():
    t = _trace()
    rows = _rows(export.parameters_csv(t))
    assert [r["parameter"] for r in rows] == ["w0", "w1", "b"]
    assert [float(r["gradient"]) for r in rows] == t.grad.tolist()
    assert [float(r["after_update"]) for r in rows] == [*t.new_w.tolist(), t.new_b]
    assert "after_update" not in export.parameters_csv(bp.forward_backward(*SEED_ARGS))


def test_exported_data_imports_back_unchanged():
    m = PRESETS["random"][1]
    t = _trace(m)
    table = csv_import.parse(export.data_csv(t))
    back = csv_import.to_model(table, ["x0", "x1"], "y", m)
    back_inputs, inputs = bp.forward_backward(back.X, back.w, back.b, back.y), bp.forward_backward(m.X, m.w, m.b, m.y)
    assert np.array_equal(back_inputs.X, inputs.X) and np.array_equal(back_inputs.y, inputs.y)


def test_json_holds_the_whole_trace_and_its_steps():
    t = _trace(activation="sigmoid", loss="bce")
    doc = json.loads(export.trace_json(t, precision=5))
    assert doc["settings"] == {"activation": "sigmoid", "loss": "bce", "lr": 0.01, "precision": 5, "outputs": 1,
                               "regularization": None, "reg_rate": 0.0}
    assert doc["training"] is None
    assert doc["inputs"]["X"] == t.X.tolist() and doc["backward"]["grad_w"] == t.grad_w.tolist()
    assert doc["forward"]["loss"] == t.loss and doc["update"]["new_loss"] == t.new_loss
    assert [s["key"] for s in doc["steps"]] == [s.key for s in lesson.steps(t)]
    assert doc["steps"][0]["formula"] == lesson.steps(t)[0].formula


def test_json_lists_the_inactive_samples():
    m = PRESETS["dead_relu"][1]
    doc = json.loads(export.trace_json(_trace(m)))
    assert doc["backward"]["inactive_samples"] == [int(i) for i in np.flatnonzero(_trace(m).inactive)] != []


# ---- the NumPy script ------------------------------------------------------------------------------------

def test_the_script_needs_nothing_but_numpy():
    tree = ast.parse(export.numpy_script(_trace()))
    imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"numpy"}


@pytest.mark.parametrize("value", [0.0, -0.0, 1.0, -2.5, 0.00004, 0.00005, 0.00006, 1e-300, 9999999.0, 1e7,
                                   -1.23456e8, 0.123456789])
@pytest.mark.parametrize("precision", [1, 4, 10])
def test_the_scripts_number_format_is_the_apps(value, precision):
    source = export.numpy_script(_trace(), precision)
    fmt_def = source[source.index("def fmt(value):"): source.index("def show(")]
    scope = {"PRECISION": precision}
    exec(fmt_def, scope)  # our own generated code, in a test
    assert scope["fmt"](value) == render.fmt(value, precision)


@pytest.mark.parametrize("activation, loss", [(a, loss) for loss in LOSS_CHOICES for a in ACTIVATION_CHOICES
                                              if bp.LOSSES[loss].output in (None, a)])
def test_the_script_prints_every_step_as_the_app_shows_it(activation, loss, tmp_path):
    m = PRESETS["random"][1]
    if loss == "bce":
        m = m.edited({i: {"y": str(i % 2)} for i in range(len(m.y))}, [], [])
    t = _trace(m, activation=activation, loss=loss)
    out = printed(run_script(export.numpy_script(t, 6), tmp_path))
    for label, value in expected_lines(t, 6).items():
        assert out[label] == value, label


def test_the_script_names_dead_samples_and_limits_long_tables(tmp_path):
    X = np.column_stack([np.linspace(-3, 3, 250), np.ones(250)])
    t = bp.forward_backward(X, [1.0, 0.0], 0.0, np.zeros(250), lr=0.1)
    output = run_script(export.numpy_script(t), tmp_path)
    assert "inactive samples (delta = 0, no gradient flows back): 0, 1," in output
    assert "the first 200 of 250 samples shown" in output
    assert printed(output)["3. loss L"] == render.fmt(t.loss, 4)


def test_the_script_on_the_data_page_prints_the_numbers_the_overview_shows(tmp_path):
    at = open_app()
    edit_xy(at, edited={0: {"x0": "3"}})
    metrics = {m.label: m.value for m in at.metric}
    params = at.table[0].value
    at.switch_page("../pages/data.py").run()
    script = next(c.value for c in at.code if c.value.startswith('"""Backprop Explorer export'))
    out = printed(run_script(script, tmp_path))
    assert out["3. loss L"] == metrics["Loss L"] == "0.9000"
    assert out["new loss L'"] == metrics["New loss after one step"]
    assert out["8. gradient [dL/dw, dL/db]"] == "[" + ", ".join(params["gradient dL/dθ"]) + "]"
    assert out["9. update: new [w, b]"] == "[" + ", ".join(params["after one step"]) + "]"


def test_the_data_page_offers_every_download():
    at = open_app("data")
    labels = {b.label for b in at.get("download_button")}
    assert labels == {"Samples (CSV)", "Parameters (CSV)", "Data X, y (CSV)", "Whole trace (JSON)",
                      "NumPy script (.py)"}
    assert not at.exception
