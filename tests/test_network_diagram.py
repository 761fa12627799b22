"""The network and neuron diagrams' SVG: units as boxes, weights as edges coloured by sign and sized by magnitude,
the numbers drawn equal to the trace's, the current step's layer outlined, any number of units per layer, every
text escaped, and valid XML a browser or a download can read."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

import backprop as bp
import lesson
from viz import network

XOR = {"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]}
NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def trace() -> bp.Trace:
    net = bp.Network(inputs=2, hidden=[(2, "tanh")])
    return net.forward_backward([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], XOR, lr=0.1)


def parse(svg: str) -> ET.Element:
    assert "\n\n" not in svg  # one Markdown HTML block in the page
    return ET.fromstring(svg)


def items(root: ET.Element, prefix: str) -> dict[tuple[int, ...], ET.Element]:
    return {tuple(int(v) for v in g.get("id").split("_")[1:]): g for g in root.iter(f"{NS}g")
            if g.get("id", "").startswith(prefix)}


def texts(element: ET.Element, tips: bool = False) -> list[str]:
    """The visible texts of an element (the tip lines, shown on a tap, apart)."""
    return ["".join(t.itertext()) for t in element.iter(f"{NS}text") if ("bpx-tip" in (t.get("class") or "")) == tips]


def tip(element: ET.Element) -> str:
    return " ".join(texts(element, tips=True))


@pytest.mark.parametrize("show", ["weights", "grad", "sample"])
def test_each_edge_is_coloured_by_sign_sized_by_magnitude_and_labelled_with_its_number(trace, show):
    root = parse(network.network_svg(trace, show, sample=2))
    drawn = items(root, "edge_")
    assert len(drawn) == 2 * 2 + 2 * 1
    biggest = max(abs(network.values(trace, show, layer, 2)[0]).max() for layer in (1, 2))
    labels = [t for t in texts(root) if t.replace("-", "").replace(".", "").isdigit()]
    for (layer, k, j), g in drawn.items():
        value = float(network.values(trace, show, layer, 2)[0][k, j])
        line = g.find(f"{NS}line")
        assert g.get("data-value") == lesson.latex.text(value, 4) and lesson.latex.text(value, 4) in labels
        sign = network.POSITIVE if value > 0 else network.NEGATIVE if value < 0 else network.ZERO
        assert line.get("stroke") == sign
        assert float(line.get("stroke-width")) == pytest.approx(1.0 + 6.0 * abs(value) / biggest, abs=0.01)
    if show == "sample":  # one sample's share: its input times its unit's delta
        lin = trace.layer_records(1)[0]
        share = network.values(trace, "sample", 1, 2)[0]
        np.testing.assert_allclose(share, np.outer(lin.inputs["A"][2], lin.upstream[2]))


def test_units_show_the_samples_input_bias_and_activation(trace):
    root = parse(network.network_svg(trace, "weights", sample=1))
    units = items(root, "unit_")
    assert texts(units[(0, 1)]) == ["x₁", "1.0000"]
    a = trace.layer_records(1)[1].output[1, 0]
    assert texts(units[(1, 0)]) == ["h1[0]", "b 0.1000", f"a {a:.4f}"]
    assert texts(units[(2, 0)])[0] == "ŷ"


def test_a_tap_shows_the_formula_with_its_numbers(trace):
    root = parse(network.network_svg(trace, "sample", sample=1))
    assert tip(items(root, "edge_")[(2, 0, 0)]).startswith(
        "sample 1's share of dL/dW2[0,0] = a1[0] · δ2[0] = 0.3799 · -0.5031 = -0.1912")
    root = parse(network.network_svg(trace, "weights", sample=0))
    unit = items(root, "unit_")[(1, 0)]
    assert unit.get("tabindex") == "0" and "tap" in "".join(root.itertext()).lower()
    assert tip(unit).startswith("layer 1, unit 0 (h1[0]), sample 0: z = 0.0000·0.5000 + 0.0000·0.3000 + 0.1000 = "
                                "0.1000")
    assert unit.find(f"{NS}title").text == tip(unit)


def test_the_current_steps_layer_is_outlined_and_the_update_outlines_every_layer(trace):
    def focused(svg):
        return {key for key, g in items(parse(svg), "unit_").items() if "bpx-focused" in g.get("class")}

    assert focused(network.network_svg(trace, current=lesson.step(trace, "delta1"))) == {(1, 0), (1, 1)}
    assert focused(network.network_svg(trace, current=lesson.step(trace, "update"))) == {(1, 0), (1, 1), (2, 0)}


def test_dead_relu_units_are_drawn_dashed_and_say_so():
    net = bp.Network(inputs=1, hidden=[(2, "relu")])
    t = net.forward_backward([[1.0]], [0.0], {"W1": [[1.0, -1.0]], "b1": [0.0, 0.0], "W2": [[1.0], [1.0]], "b2": [0.0]})
    units = items(parse(network.network_svg(t)), "unit_")
    assert units[(1, 1)].find(f"{NS}rect").get("stroke-dasharray") and "a dead unit" in tip(units[(1, 1)])
    assert not units[(1, 0)].find(f"{NS}rect").get("stroke-dasharray")


@pytest.mark.parametrize("sizes", [(1, [1], 1), (3, [8, 4], 3), (8, [8, 8, 8], 8), (2, [5], 7)])
def test_any_number_of_units_per_layer_from_one_to_eight_gets_a_box_and_every_edge(sizes):
    d, hidden, k = sizes
    net = bp.Network(inputs=d, hidden=[(h, "tanh") for h in hidden], output="softmax" if k > 1 else "identity",
                     outputs=k, loss="ce" if k > 1 else "mse")
    rng = np.random.default_rng(0)
    params = {name: rng.normal(size=shape) for name, shape in net.shapes.items()}
    t = net.forward_backward(rng.normal(size=(3, d)), [0, 1 % k, 2 % k] if k > 1 else [0.0, 1.0, 2.0], params)
    root = parse(network.network_svg(t))
    units = items(root, "unit_")
    widths = [d, *hidden, k]
    assert sorted(units) == [(l, j) for l, n in enumerate(widths) for j in range(n)]
    assert len(items(root, "edge_")) == sum(a * b for a, b in zip(widths, widths[1:], strict=False))
    outputs = [texts(units[(len(widths) - 1, j)])[0] for j in range(k)]
    assert outputs == (["ŷ"] if k == 1 else [f"ŷ{chr(0x2080 + j)}" for j in range(k)])
    boxes = [(float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
             for g in units.values() for r in g.iter(f"{NS}rect")]
    for i, (x, y, w, h) in enumerate(boxes):  # no two boxes overlap, and all are inside the picture
        assert x >= 0 and y >= 0 and x + w <= float(root.get("width")) and y + h <= float(root.get("height"))
        for x2, y2, w2, h2 in boxes[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_every_text_is_at_least_the_readable_size():
    assert network.FONT >= 18
    root = parse(network.network_svg(bp.Network(inputs=2, hidden=[(2, "tanh")]).forward_backward(
        [[0, 0]], [0], XOR)))
    assert root.get("font-size") == str(network.FONT)
    assert not [t for t in root.iter(f"{NS}text") if t.get("font-size")]  # nothing drawn smaller


def test_the_neuron_diagram_shows_its_weights_gradients_and_loss_and_escapes_its_text():
    net = bp.Network(inputs=2, hidden=[], output="relu", loss="mse")
    t = net.forward_backward([[1, 2], [2, 1], [-1, -2]], [1, 0, 0], {"W1": [[0.1], [0.2]], "b1": [1.0]}, lr=0.01)
    svg = network.neuron_svg(t)
    root = parse(svg)
    shown = texts(root)
    assert {"w₀ = 0.1000", "∂L/∂w₀ = 1.8667", "b = 1.0000", "= 0.8200", "a = ReLU(z)"} <= set(shown)
    nine = bp.Network(inputs=9, hidden=[])
    many = nine.forward_backward(np.ones((2, 9)), [0, 1], nine.init())
    assert "… 6 more inputs" in texts(parse(network.neuron_svg(many)))


def test_user_text_is_escaped(trace):
    assert network._text(0, 0, '<script>"x" & y</script>') == (
        '<text x="0.0" y="0.0" text-anchor="middle" fill="currentColor">&lt;script&gt;&quot;x&quot; &amp; '
        "y&lt;/script&gt;</text>")


def test_bad_choices_raise(trace):
    with pytest.raises(ValueError, match="show must be"):
        network.values(trace, "everything", 1)
    with pytest.raises(ValueError, match="show must be"):
        network.network_svg(trace, "everything")
    with pytest.raises(ValueError, match="sample 9"):
        network.network_svg(trace, sample=9)
    with pytest.raises(ValueError, match="one size"):
        network.layout([2, 0], [10, 10], [10, 10], [5])


# ---- the overview's slide (viz/slide.py) ------------------------------------------------------------------------

def test_the_overview_slide_is_the_diagram_above_one_step_of_every_parameter(trace):
    from viz import slide

    root = parse(slide.overview_svg(network.network_svg(trace), trace, precision=4))
    nested = root.find(f"{NS}svg")
    drawn = float(nested.get("viewBox").split()[3])  # cut above its tip lines ("tap or hover…": not on a slide)
    assert all(float(t.get("y")) > drawn for t in nested.iter(f"{NS}text") if "bpx-hint" in (t.get("class") or ""))
    lines = texts(root)[len([t for t in nested.iter(f"{NS}text") if "bpx-tip" not in (t.get("class") or "")]):]
    assert lines[0] == f"Loss L = {trace.loss:.4f}; after one step {trace.new_loss:.4f}"
    # θ − η·dL/dθ computed here, from the weights given and the trace's gradient: the slide's after-step column
    theta = np.concatenate([np.ravel(XOR[k]) for k in ("W1", "b1", "W2", "b2")])
    after = theta - 0.1 * trace.grad
    cells = lines[lines.index("after one step") + 1:]
    for k, label in enumerate(trace.param_labels):
        assert cells[4 * k: 4 * k + 4] == [label, f"{theta[k]:.4f}", f"{trace.grad[k]:.4f}", f"{after[k]:.4f}"]


def test_a_slide_of_many_parameters_lists_the_first_and_counts_the_rest():
    from viz import slide

    net = bp.Network(inputs=2, hidden=[(8, "relu")])
    t = net.forward_backward([[0, 1], [1, 0]], [0, 1], net.init(seed=0), lr=0.1)
    root = parse(slide.overview_svg(network.network_svg(t), t))
    shown = texts(root)
    assert f"… and {len(t.param_labels) - slide.MAX_ROWS} more parameters" in shown
    assert t.param_labels[slide.MAX_ROWS - 1] in shown and t.param_labels[slide.MAX_ROWS] not in shown
