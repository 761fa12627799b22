"""The network diagram's DOT: units as nodes, weights as edges coloured by sign and sized by magnitude, the
numbers it draws equal to the trace's, the current step's layer outlined, every tooltip escaped."""

from __future__ import annotations

import re

import numpy as np
import pytest

import backprop as bp
import lesson
from viz import network

XOR = {"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]}
EDGE = re.compile(r'^\s*(\w+) -> (\w+) \[id="edge_(\d+)_(\d+)_(\d+)", color="([^"]+)", penwidth=([\d.]+)'
                  r'(?:, label=" ([^"]+) ", fontcolor="[^"]+")?, tooltip="([^"]*)"')


@pytest.fixture
def trace() -> bp.Trace:
    net = bp.Network(inputs=2, hidden=[(2, "tanh")])
    return net.forward_backward([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], XOR, lr=0.1)


def edges(dot: str) -> dict[tuple[int, int, int], tuple[str, float, str, str]]:
    out = {}
    for line in dot.splitlines():
        if m := EDGE.match(line):
            out[tuple(int(v) for v in m.group(3, 4, 5))] = (m[6], float(m[7]), m[8], m[9])
    return out


@pytest.mark.parametrize("show", ["weights", "grad", "sample"])
def test_each_edge_shows_its_number_coloured_by_sign_and_sized_by_magnitude(trace, show):
    drawn = edges(network.network_dot(trace, show, sample=2))
    assert len(drawn) == 2 * 2 + 2 * 1
    biggest = max(abs(network.values(trace, show, layer, 2)[0]).max() for layer in (1, 2))
    for (layer, k, j), (color, width, label, _) in drawn.items():
        value = float(network.values(trace, show, layer, 2)[0][k, j])
        assert label == lesson.latex.text(value, 4)
        assert color == (network.POSITIVE if value > 0 else network.NEGATIVE if value < 0 else network.ZERO)
        assert width == pytest.approx(0.8 + 6.0 * abs(value) / biggest, abs=0.01)
    if show == "sample":  # one sample's share: its input times its unit's delta
        lin = trace.layer_records(1)[0]
        share = network.values(trace, "sample", 1, 2)[0]
        np.testing.assert_allclose(share, np.outer(lin.inputs["A"][2], lin.upstream[2]))


def test_tooltips_give_the_formula_with_its_numbers(trace):
    drawn = edges(network.network_dot(trace, "sample", sample=1))
    tip = drawn[(2, 0, 0)][3]
    assert tip.startswith("sample 1&#x27;s share of dL/dW2[0,0] = a1[0] · δ2[0] = 0.3799 · -0.5031 = -0.1912")
    dot = network.network_dot(trace, "weights", sample=0)
    assert 'tooltip="layer 1, unit 0, sample 0: z = 0.0000·0.5000 + 0.0000·0.3000 + 0.1000 = 0.1000' in dot


def test_the_current_steps_layer_is_outlined_and_the_update_outlines_every_layer(trace):
    dot = network.network_dot(trace, current=lesson.step(trace, "delta1"))
    assert re.search(r'h1_0 \[id="unit_1_0".*penwidth=3\.5', dot)
    assert re.search(r'out \[id="unit_2_0".*penwidth=1\.2', dot)
    update = network.network_dot(trace, current=lesson.step(trace, "update"))
    assert re.search(r'out \[id="unit_2_0".*penwidth=3\.5', update) and re.search(r'h1_1 .*penwidth=3\.5', update)


def test_dead_relu_units_are_drawn_dashed_and_say_so():
    net = bp.Network(inputs=1, hidden=[(2, "relu")])
    t = net.forward_backward([[1.0]], [0.0], {"W1": [[1.0, -1.0]], "b1": [0.0, 0.0], "W2": [[1.0], [1.0]], "b2": [0.0]})
    dot = network.network_dot(t)
    assert re.search(r'h1_1 \[.*style="filled,dashed".*a dead unit for this sample', dot)
    assert not re.search(r'h1_0 \[.*dashed', dot)


def test_bad_choices_raise(trace):
    with pytest.raises(ValueError, match="show must be"):
        network.values(trace, "everything", 1)
    with pytest.raises(ValueError, match="sample 9"):
        network.network_dot(trace, sample=9)
