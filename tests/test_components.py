"""The two components' Python side: what `ui.stepper.payload` and `ui.landscape_chart.payload` send (plain,
JSON-safe lists; MathML made here; every step the trace has), and the static copy of Plotly.js."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import backprop as bp
import lesson
from ui import landscape_chart, static_files, stepper

COMPONENTS = Path(__file__).parents[1] / "ui" / "components"
SEED = dict(X=[[1, 2], [2, 1], [-1, -2]], w=[0.1, 0.2], b=1, y=[1, 0, 0])


def plain(value) -> bool:
    """Whether a payload holds only JSON's own types (a NumPy array would reach the browser as its repr)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def test_the_stepper_payload_is_plain_json_with_every_step():
    t = bp.forward_backward(**SEED, lr=0.01)
    data = stepper.payload(t, 4)
    assert plain(data) and json.loads(json.dumps(data, allow_nan=False)) == data
    assert [s["title"] for s in data["steps"]] == [s.title for s in lesson.steps(t)]
    assert data["steps"][0]["table"]["rows"][0] == ["sample 0", "1.5000", "✓ yes"]


def test_a_trace_without_an_update_sends_its_eight_steps_and_no_update_column():
    t = bp.forward_backward(**SEED, lr=None)
    data = stepper.payload(t, 4)
    assert len(data["steps"]) == 8
    theta = next(n for n in data["graph"]["nodes"] if n["id"] == "theta1")
    assert [c["head"] for c in theta["columns"]] == ["value", "gradient"]


def test_formulas_are_mathml_with_the_matrix_brackets_around_their_matrix():
    t = bp.forward_backward(**SEED, lr=0.01)
    step = stepper.payload(t, 4)["steps"][0]
    assert step["formula"].startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">')
    assert "<mrow><mo>&#x0005B;</mo><mtable>" in step["numbers"]  # a row of its own: the brackets stretch
    assert step["numbers"].count("<mrow><mo>&#x0005B;</mo>") == step["numbers"].count("<mtable>")
    assert "<mn>1.5000</mn>" in step["numbers"] and len(step["details"]) == 3


def test_large_inputs_elide_the_graphs_middle_rows_and_columns():
    rng = np.random.default_rng(0)
    t = bp.forward_backward(rng.normal(size=(40, 9)), rng.normal(size=9), 0.5, rng.normal(size=40), lr=0.01)
    data = stepper.payload(t, 4)
    nodes = {n["id"]: n for n in data["graph"]["nodes"]}
    assert nodes["z1"]["rows"] == ["0", "1", "2", "3", None, "39"]
    assert [c["head"] for c in nodes["X"]["columns"]] == ["x0", "x1", "x2", "x3", "…", "x8"]
    assert all(len(c["cells"]) == 6 for c in nodes["z1"]["columns"])
    assert data["steps"][0]["numbers"] is None and data["steps"][0]["details"] == []  # too large to write out


def test_inactive_samples_are_marked_in_the_tables_and_the_graph():
    t = bp.forward_backward([[1, 2], [2, 1], [-1, -2], [-3, -1]], [0.1, 0.2], 0.0, [1, 0, 0, 1], lr=0.01)
    data = stepper.payload(t, 4)
    assert data["steps"][5]["table"]["kinds"] == ["", "", "off", "off"]
    assert "Inactive samples 2, 3" in data["steps"][5]["note"]
    assert next(n for n in data["graph"]["nodes"] if n["id"] == "z1")["off"] == [2, 3]


def test_the_stepper_sets_markup_only_from_the_servers_mathml():
    js = "\n".join(f.read_text() for f in (COMPONENTS / "stepper").glob("*.js"))
    assert js.count("export default") == 1 and stepper.COMPONENT  # one module, all its files joined
    sources = re.findall(r"\.innerHTML = ([^;]+);", js)
    assert sources and all(re.fullmatch(r'step\.(formula|numbers) \|\| ""|step\.details\.join\(""\)', s)
                           for s in sources), sources
    assert "eval(" not in js and "new Function" not in js


def test_the_landscape_sets_no_markup_at_all():
    js = "\n".join(f.read_text() for f in (COMPONENTS / "landscape").glob("*.js"))
    assert js.count("export default") == 1 and landscape_chart.COMPONENT
    assert "innerHTML" not in js and "eval(" not in js and "new Function" not in js


def _run(optimizer: str, steps: int = 20, lr: float = 0.01) -> bp.Trajectory:
    return bp.train(**SEED, lr=lr, steps=steps, optimizer=optimizer, params=("w0", "w1"))


def test_the_landscape_payload_is_plain_json_and_a_diverged_path_sends_no_nan():
    surface = bp.loss_surface(**SEED, axes=("w0", "w1"), span=2.0, resolution=11)
    runs = [_run("sgd"), _run("adam"), _run("sgd", lr=10.0)]
    data = landscape_chart.payload(surface, runs, 0.82, 4)
    assert plain(data) and json.dumps(data, allow_nan=False)
    assert len(data["loss"]) == 11 and len(data["loss"][0]) == 11 and data["steps"] == 20
    assert runs[2].diverged_at is not None and data["paths"][2]["divergedAt"] == runs[2].diverged_at
    assert data["paths"][0]["u"][0] == pytest.approx(0.1) and data["start"]["loss"] == 0.82


def test_clipping_spans_the_losses_along_the_paths_on_the_map_and_log_the_surface():
    surface = bp.loss_surface(**SEED, axes=("w0", "w1"), span=2.0, resolution=21)
    runs = [_run("sgd", 50), _run("momentum", 50)]
    lo, hi = landscape_chart.colour_range(surface, runs, "clip")
    along = np.concatenate([r.loss for r in runs])
    assert lo == pytest.approx(max(along.min(), surface.loss.min())) and hi == pytest.approx(along.max())
    assert landscape_chart.colour_range(surface, runs, "log") == (surface.loss.min(), surface.loss.max())
    with pytest.raises(ValueError, match="scale"):
        landscape_chart.payload(surface, runs, 0.82, 4, scale="linear")


def test_plotly_js_is_copied_once_from_the_plotly_package(tmp_path, monkeypatch):
    monkeypatch.setattr(static_files, "STATIC", tmp_path / "static")
    target = static_files.ensure_plotly()
    assert target.read_bytes()[:200] == static_files.SOURCE.read_bytes()[:200]
    assert target.stat().st_mode & 0o444 == 0o444  # anyone may read it: the server need not be its owner
    stamp = target.stat().st_mtime_ns
    assert static_files.ensure_plotly() == target and target.stat().st_mtime_ns == stamp  # not copied again
    target.write_bytes(b"truncated")
    assert static_files.ensure_plotly().stat().st_size == static_files.SOURCE.stat().st_size  # repaired


def test_the_single_neurons_graph_is_laid_out_as_before():
    place, edges = stepper.layout(["X", "theta", "y", "z", "a", "L", "shares"])
    assert place == {"X": (0, 0), "theta": (0, 1), "z": (1, 0), "shares": (1, 1), "a": (2, 0), "y": (2, 1),
                     "L": (3, 0)}
    assert ("z", "shares", "δ", True) in edges and ("a", "L", "", False) in edges and len(edges) == 7


def test_a_networks_layers_follow_one_another_and_unknown_nodes_come_last():
    names = ["X", "theta1", "theta2", "y", "z1", "a1", "z2", "a2", "L", "shares1", "shares2", "extra"]
    place, edges = stepper.layout(names)
    assert [place[n] for n in ("z1", "a1", "z2", "a2", "L")] == [(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]
    assert place["theta2"] == (2, 1) and place["shares2"] == (3, 1) and place["y"] == (4, 1)
    assert place["extra"] == (6, 0)
    assert ("a1", "z2", "", False) in edges and ("a2", "L", "", False) in edges
    assert ("shares2", "theta2", "Σᵢ", True) in edges and ("X", "z2", "", False) not in edges


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js checks the modules' syntax; not installed")
@pytest.mark.parametrize("module", ["stepper", "landscape", "figure"])
def test_each_components_joined_module_parses(tmp_path, module):
    js = {"stepper": stepper.JS, "landscape": landscape_chart.LANDSCAPE_JS, "figure": landscape_chart.FIGURE_JS}[module]
    path = tmp_path / f"{module}.mjs"
    path.write_text(js)
    run = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert js.count("export default function") == 1
