"""Unit tests of the pages' rendering helpers: formatting, step tables, inactive marks, figures."""

import re

import numpy as np
import pytest

import backprop as bp
import lesson
from ui import render
from ui.model import PRESETS


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
    frame = render.step_frame(lesson.step(t, "shares1"), t, 4)
    assert list(frame.index)[-1] == render.SUM_ROW
    assert list(frame.loc[render.SUM_ROW, ["w0", "w1", "b"]]) == [render.fmt(v, 4) for v in t.grad]
    assert list(frame["active?"]) == [render.ACTIVE, render.ACTIVE, render.INACTIVE, render.INACTIVE, ""]


def test_activity_column_only_where_it_means_something():
    seed = trace_of("seed")
    assert "active?" in render.step_frame(lesson.step(seed, "delta1"), seed, 4).columns
    assert "active?" not in render.step_frame(lesson.step(seed, "grad1"), seed, 4).columns
    sig = trace_of("saturated_sigmoid")
    assert "active?" not in render.step_frame(lesson.step(sig, "delta1"), sig, 4).columns


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


def test_loss_curves_figure_plots_each_trajectory():
    m = PRESETS["seed"][1]
    runs = [(name, bp.train(m.X, m.w, m.b, m.y, lr=0.01, steps=5, optimizer=name)) for name in ("notebook", "sgd")]
    fig = render.loss_curves_figure(runs)
    assert [s.name for s in fig.data] == ["notebook", "sgd"]
    np.testing.assert_array_equal(fig.data[1].y, runs[1][1].loss)


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
    frame = render.step_frame(lesson.step(t, "shares1"), t, 4)
    column = list(frame["dead units (f′(z) = 0)"])
    for i in range(3):
        dead = [f"h1[{j}]" for j in range(3) if local[i, j] == 0]
        assert column[i] == ("✗ " + ", ".join(dead) if dead else "none")
    assert frame.index[-1] == render.SUM_ROW and column[-1] == ""
    assert "dead units (f′(z) = 0)" not in render.step_frame(lesson.step(t, "passed2"), t, 4).columns
