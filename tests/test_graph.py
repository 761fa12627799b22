"""The computation graph's DOT: well-formed, one node per step, the current step lit, numbers = the trace's."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest

import backprop as bp
from viz import graph

SEED = dict(X=[[1, 2], [2, 1], [-1, -2]], w=[0.1, 0.2], b=1, y=[1, 0, 0])
NODE = re.compile(r'^\s*(\w+) \[id="node_(\w+)"(, class="current")?, label=<(.*)>\];$')
EDGE = re.compile(r"^\s*(\w+) -> (\w+) \[.*\];$")


def seed_trace(**kw) -> bp.Trace:
    args = {**SEED, "lr": 0.01, **kw}
    return bp.forward_backward(args.pop("X"), args.pop("w"), args.pop("b"), args.pop("y"), **args)


def random_trace(n: int, d: int, seed: int = 0, **kw) -> bp.Trace:
    rng = np.random.default_rng(seed)
    return bp.forward_backward(rng.normal(size=(n, d)), rng.normal(size=d), 0.3, rng.normal(size=n), lr=0.1, **kw)


def parse(dot: str) -> tuple[dict[str, tuple[bool, ET.Element]], list[tuple[str, str]]]:
    """Nodes {name: (is current, label as XML)} and edges [(tail, head)]; fails on any other statement."""
    lines = dot.strip().splitlines()
    assert lines[0] == "digraph backprop {" and lines[-1] == "}"
    nodes, edges = {}, []
    for line in lines[1:-1]:
        if m := NODE.match(line):
            name, ident, current, label = m.groups()
            assert ident == name and name not in nodes
            nodes[name] = (bool(current), ET.fromstring(label))  # HTML-like labels must be well-formed XML
        elif m := EDGE.match(line):
            edges.append(m.groups())
        else:
            assert re.match(r"^\s*(graph|node|edge) \[.*\];$|^\s*\{ rank=same;( \w+;)+ \}$", line), line
    assert all(a in nodes and b in nodes for a, b in edges)
    return nodes, edges


def cells(dot: str) -> dict[str, tuple[str, bool]]:
    """Every number cell: {cell id: (its text, drawn bold i.e. highlighted)}."""
    out = {}
    for _, label in parse(dot)[0].values():
        for td in label.iter("TD"):
            if "ID" in td.attrib:
                bold = td.find("B")
                out[td.attrib["ID"]] = ((bold.text if bold is not None else td.text) or "", bold is not None)
    return out


def expected(t: bp.Trace) -> dict[str, float]:
    """What each cell id must show, straight from the trace's fields."""
    n, d = t.X.shape
    want = {"L.value": t.loss, "L.grad": 1.0}
    per_sample = np.column_stack([t.per_sample_grad_w, t.per_sample_grad_b])
    for i in range(n):
        want |= {f"z1.value.{i}": t.z[i], f"z1.grad.{i}": t.delta[i], f"a1.value.{i}": t.prediction[i],
                 f"a1.local.{i}": t.dpred_dz[i], f"a1.grad.{i}": t.dloss_dpred[i], f"y.value.{i}": t.y[i]}
        want |= {f"X.{i}.{j}": t.X[i, j] for j in range(d)}
        want |= {f"shares1.{i}.{k}": per_sample[i, k] for k in range(d + 1)}
    params = {"value": np.append(t.w, t.b), "grad": t.grad}
    if t.new_w is not None:
        params["new"] = np.append(t.new_w, t.new_b)
    for part, values in params.items():
        want |= {f"theta1.{part}.{k}": v for k, v in enumerate(values)}
    want |= {f"shares1.sum.{k}": v for k, v in enumerate(t.grad)}
    return want


def agrees(text: str, value: float, precision: int) -> bool:
    """`text` is `value` at `precision` decimals (or, in e-form, at `precision` significant digits)."""
    shown = float(text)
    if "e" in text:
        return abs(shown - value) <= 0.5 * 10.0 ** -precision * abs(value) * 10
    return abs(shown - value) <= 0.5 * 10.0**-precision * (1 + 1e-9) + 1e-12


def test_seed_graph_shows_the_seed_numbers():
    shown = {k: text for k, (text, _) in cells(graph.to_dot(seed_trace())).items()}
    assert [shown[f"z1.value.{i}"] for i in range(3)] == ["1.5000", "1.4000", "0.5000"]
    assert [shown[f"theta1.grad.{k}"] for k in range(3)] == ["1.8667", "0.9333", "1.6000"]
    assert shown["L.value"] == "0.8200"  # the app's one number format, as in the tables
    assert [shown[f"theta1.new.{k}"] for k in range(3)] == ["0.0813", "0.1907", "0.9840"]


@pytest.mark.parametrize("precision", [2, 4, 7])
@pytest.mark.parametrize("make", [
    lambda: seed_trace(),
    lambda: seed_trace(b=-1),  # every ReLU off
    lambda: seed_trace(activation="sigmoid", loss="bce", y=[1, 0, 1]),
    lambda: random_trace(4, 3, activation="tanh"),
    lambda: bp.forward_backward([[1e6], [-3e-9]], [2.5], 0, [1, 0]),
], ids=["seed", "all_dead", "sigmoid_bce", "tanh", "huge_and_tiny"])
def test_every_cell_matches_the_trace_at_the_chosen_precision(make, precision):
    t = make()
    shown, want = cells(graph.to_dot(t, precision=precision)), expected(t)
    assert set(shown) == set(want)  # small traces: every number of the trace is in the graph
    wrong = {k: (text, want[k]) for k, (text, _) in shown.items() if not agrees(text, want[k], precision)}
    assert not wrong


def test_long_and_wide_traces_keep_first_and_last_rows_and_elide_the_middle():
    t = random_trace(50, 9, seed=3)
    dot = graph.to_dot(t, t.step("shares1"))
    shown, want = cells(dot), expected(t)
    assert shown and all(agrees(text, want[k], 4) for k, (text, _) in shown.items())
    rows = graph.MAX_ROWS - 2
    for i in [*range(rows), 49]:
        assert f"z1.value.{i}" in shown and f"shares1.{i}.9" in shown  # 9 = the bias column, kept
    assert "z1.value.25" not in shown and "X.0.5" not in shown and "X.0.8" in shown
    assert {f"theta1.grad.{k}" for k in (0, 1, 2, 3, 9)} <= set(shown) and "theta1.grad.5" not in shown
    assert "⋮" in dot and "…" in dot


def all_traces():
    for act in bp.ACTIVATIONS:
        yield seed_trace(activation=act, y=[1, 0, 1])
    yield seed_trace(activation="sigmoid", loss="bce", y=[1, 0, 1])
    yield seed_trace(lr=None)
    net = bp.Network(inputs=2, hidden=[(2, "tanh"), (3, "relu")])
    yield net.forward_backward(SEED["X"], SEED["y"], net.init(seed=3), lr=0.1)


@pytest.mark.parametrize("t", list(all_traces()), ids=lambda t: f"{t.activation}-{t.loss_name}-{t.lr}")
def test_every_step_has_a_node_and_only_it_is_highlighted(t):
    for step in t.steps:
        dot = graph.to_dot(t, step)
        nodes, _ = parse(dot)
        lit_nodes = [name for name, (current, _) in nodes.items() if current]
        if step.node == "theta":  # the update: every layer's parameters
            assert lit_nodes == [f"theta{layer.index}" for layer in t.network.layers]
        else:
            assert lit_nodes == [step.node], f"step {step.key!r} has no node in the graph"
        lit = {k for k, (_, bold) in cells(dot).items() if bold}
        prefixes = tuple(f"{n}.{step.part}" if not n.startswith("shares") else f"{n}." for n in lit_nodes)
        assert lit and all(k.startswith(prefixes) and ".sum." not in k for k in lit), (step.key, lit)


def test_no_current_step_or_an_unknown_one_highlights_nothing():
    t = seed_trace()
    for current in (None,):
        dot = graph.to_dot(t, current)
        assert not any(current for current, _ in parse(dot)[0].values())
        assert not any(bold for _, bold in cells(dot).values())


def test_the_graph_connects_inputs_through_z_and_a_to_the_loss_and_back_to_the_parameters():
    nodes, edges = parse(graph.to_dot(seed_trace()))
    assert set(nodes) == {"X", "theta1", "z1", "a1", "y", "L", "shares1"}
    assert {("X", "z1"), ("theta1", "z1"), ("z1", "a1"), ("a1", "L"), ("y", "L"), ("z1", "shares1"),
            ("shares1", "theta1")} == set(edges)


def test_a_network_graph_has_every_layer_and_its_numbers():
    net = bp.Network(inputs=2, hidden=[(2, "tanh")])
    t = net.forward_backward(SEED["X"], SEED["y"], net.init(seed=0), lr=0.1)
    nodes, edges = parse(graph.to_dot(t, t.step("passed2")))
    assert {"z1", "a1", "z2", "a2", "theta1", "theta2", "shares1", "shares2"} <= set(nodes)
    assert ("a1", "z2") in edges and ("theta2", "z2") in edges
    shown = {k: text for k, (text, _) in cells(graph.to_dot(t)).items()}
    assert shown["z1.grad.0.1"] == graph.number(t.records[0].upstream[0, 1])
    assert shown["a1.grad.2.0"] == graph.number(t.records[2].grads["A"][2, 0])  # passed back from layer 2


def test_inactive_samples_are_marked_in_every_per_sample_node():
    t = seed_trace(w=[0.1, 0.2], b=0.2)  # z = [0.7, 0.6, -0.3]: sample 2 is off
    assert list(t.inactive) == [False, False, True]
    nodes, _ = parse(graph.to_dot(t))
    for name in ("z1", "a1", "shares1"):
        labels = ["".join(td.itertext()) for td in nodes[name][1].iter("TD")]
        assert "2 off" in labels and "0 off" not in labels and "1 off" not in labels


def test_labels_are_escaped_so_no_text_can_break_out_of_them():
    hostile = 'x"><B>&amp;</B>]; evil -> X [label="'
    t = seed_trace()
    hostile_loss = replace(bp.LOSSES["mse"], name=hostile)
    net = bp.Network(inputs=2)
    net.loss = hostile_loss  # a name no registry would hold, to show the labels escape whatever they are given
    t = replace(t, network=net)
    nodes, edges = parse(graph.to_dot(t, t.step("loss")))  # still parses: no injected statement or edge
    title = "".join(nodes["L"][1].find("TR").itertext())
    assert hostile.upper() in title  # the text itself, shown literally
    assert ("evil", "X") not in edges
    assert graph._esc('<&>"') == "&lt;&amp;&gt;&quot;"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
def test_graphviz_accepts_the_dot_without_warnings():
    t = random_trace(8, 8, seed=1)
    for step in (None, t.step("update")):
        run = subprocess.run(["dot", "-Tsvg"], input=graph.to_dot(t, step), capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 0 and "<svg" in run.stdout
        assert not [line for line in run.stderr.splitlines() if "class" not in line], run.stderr


def test_number_formatting():
    assert [graph.number(v) for v in (0.5, -0.0, 1 / 3, 100.0, -1e-12, 2.5e9)] == \
        ["0.5000", "0.0000", "0.3333", "100.0000", "-1.0000e-12", "2.5000e+09"]
    assert graph.number(-0.00001, 2) == "-1.00e-05"


def test_alt_text_names_the_current_node():
    t = seed_trace()
    assert "node z1 (grad)" in graph.alt_text(t, t.step("delta1"))
    assert "current step" not in graph.alt_text(seed_trace())


def test_graph_module_imports_neither_streamlit_nor_plotly():
    code = "import sys, viz.graph; print(sorted(m for m in ('streamlit', 'plotly') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
