"""Unit tests of the pages' rendering helpers: formatting, step tables, inactive marks, figures."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import backprop as bp
import lesson
from ui import render
from ui.model import PRESETS
from viz import curves


def trace_of(name: str) -> bp.Trace:
    m = PRESETS[name][1]
    return bp.forward_backward(m.X, m.w, m.b, m.y, activation=m.activation, loss=m.loss, lr=m.lr)


@pytest.mark.parametrize(("value", "precision", "text"), [
    (0.82, 4, "0.8200"), (1.6, 2, "1.60"), (-0.0, 4, "0.0000"), (0.0, 1, "0.0"), (2.0 / 3, 6, "0.666667"),
    (3e-9, 4, "3.0000e-09"), (-4e-5, 4, "-4.0000e-05"), (0.00005, 4, "0.0001"), (1.5e8, 3, "1.500e+08"),
])
def test_fmt_shows_the_chosen_decimals_and_never_hides_a_tiny_number(value, precision, text):
    assert render.fmt(value, precision) == text


def test_code_span_keeps_user_text_literal():
    assert render.code_span("a`b") == "`a'b`"
    assert render.code_span("x" * 50, limit=5) == "`xxxxx…`"


def test_per_sample_table_ends_with_its_column_sums_the_gradient():
    t = trace_of("dead_relu")
    table = render.step_table(lesson.step(t, "shares1"), t, 4)
    assert table.index[-1] == render.SUM_ROW and table.index_name == "sample"
    assert [table.columns[c][-1] for c in ("w0", "w1", "b")] == [render.fmt(v, 4) for v in t.grad]
    assert table.columns["active?"] == [render.ACTIVE, render.ACTIVE, render.INACTIVE, render.INACTIVE, ""]
    assert table.rows()[-1] == [render.SUM_ROW, *(render.fmt(v, 4) for v in t.grad), ""]


def test_activity_column_only_where_it_means_something():
    seed = trace_of("seed")
    assert "active?" in render.step_table(lesson.step(seed, "delta1"), seed, 4).columns
    assert "active?" not in render.step_table(lesson.step(seed, "grad1"), seed, 4).columns
    sig = trace_of("saturated_sigmoid")
    assert "active?" not in render.step_table(lesson.step(sig, "delta1"), sig, 4).columns


def test_inactive_note_names_the_samples_and_the_all_dead_case():
    assert render.inactive_note(trace_of("seed")) is None
    assert "samples 2, 3" in render.inactive_note(trace_of("dead_relu"))
    assert "every sample" in render.inactive_note(trace_of("all_dead"))


def test_shape_text_describes_each_kind_of_value():
    t = trace_of("seed")
    assert render.shape_text(lesson.step(t, "loss"), t) == "Shape (): a single number (a scalar)."
    assert render.shape_text(lesson.step(t, "z1"), t) == "Shape (3,): one number per sample (N = 3)."
    assert render.shape_text(lesson.step(t, "grad1"), t).startswith("Shape (3,): one number per parameter")
    assert render.shape_text(lesson.step(t, "shares1"), t).startswith("Shape (3, 3): 3 samples × 3 parameters")


def test_loss_curves_draw_each_trajectory_through_its_losses():
    m = PRESETS["seed"][1]
    runs = [(name, bp.train(m.X, m.w, m.b, m.y, lr=0.01, steps=5, optimizer=name)) for name in ("notebook", "sgd")]
    root = ET.fromstring(curves.loss_curves_svg([(name, t.loss) for name, t in runs]))
    svg = "{http://www.w3.org/2000/svg}"
    grid = sorted((float(g.get("data-value")), float(g.get("y1"))) for g in root.iter(f"{svg}line")
                  if g.get("class") == "bpx-grid")
    (v0, y0), (v1, y1) = grid[0], grid[-1]
    assert v0 <= min(min(t.loss) for _, t in runs) and v1 >= max(max(t.loss) for _, t in runs)
    lines = root.findall(f".//{svg}polyline")
    assert [line.get("data-name") for line in lines] == ["notebook", "sgd"]
    for line, (_, t) in zip(lines, runs, strict=True):  # each point, read back on the axis, is the loss
        heights = [float(p.split(",")[1]) for p in line.get("points").split()]
        np.testing.assert_allclose([v0 + (h - y0) * (v1 - v0) / (y1 - y0) for h in heights], t.loss,
                                   atol=(v1 - v0) / 500)
    assert "notebook" in "".join(root.itertext()) and "sgd" in "".join(root.itertext())


def test_curves_of_many_steps_are_thinned_but_keep_their_extremes():
    y = np.sin(np.arange(5000) / 50.0) + (np.arange(5000) == 1234) * 5
    x, v = curves._thin(y)
    assert len(x) <= curves.MAX_POINTS + 2 and v.max() == y.max() and v.min() == y.min() and x[-1] == 4999


def test_ticks_are_round_and_cover_the_range():
    assert curves.ticks(0.0, 0.5) == [0.0, 0.2, 0.4, 0.6]
    assert curves.ticks(0, 999) == [0, 500, 1000]
    for low, high in ((-3.7, 12.2), (0.25, 0.2501), (1e-9, 3e-9), (5, 5)):
        t = curves.ticks(low, high)
        gaps = {round(b - a, 15) for a, b in zip(t, t[1:], strict=False)}
        assert t[0] <= low and t[-1] >= high and 2 <= len(t) <= 6 and len({f"{g:.6g}" for g in gaps}) == 1
        assert f"{gaps.pop():.6g}".lstrip("0.").rstrip("0").replace("e-", "")[0] in "125"


def test_every_step_explanation_is_free_of_markdown_emphasis_and_latex():
    huge = bp.forward_backward([[1, 2], [2, 1], [-1, -2]], [0.1, 0.2], 1, [1, 0, 0], lr=1e5)  # e-form numbers
    for t in (trace_of("seed"), trace_of("dead_relu"), huge):
        for step in lesson.steps(t):
            text = render.prose(step.explanation)
            assert "\\times" not in text and "{" not in text and not re.search(r"(?<!\\\\)[_*]", text), text


def test_a_hidden_relu_layers_dead_units_are_named_in_its_tables():
    net = bp.Network(inputs=2, hidden=[(3, "relu")])
    t = net.forward_backward([[1, 2], [-2, 1], [-1, -2]], [1, 0, 0], net.init(seed=1), lr=0.1)
    local = t.layer_records(1)[1].local
    table = render.step_table(lesson.step(t, "shares1"), t, 4)
    column = table.columns["dead units (f′(z) = 0)"]
    for i in range(3):
        dead = [f"h1[{j}]" for j in range(3) if local[i, j] == 0]
        assert column[i] == ("✗ " + ", ".join(dead) if dead else "none")
    assert table.index[-1] == render.SUM_ROW and column[-1] == ""
    assert "dead units (f′(z) = 0)" not in render.step_table(lesson.step(t, "passed2"), t, 4).columns
