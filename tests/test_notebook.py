"""The seed notebook's step reproduced exactly as it printed, beside the correct one."""

from __future__ import annotations

import numpy as np
import pytest

import backprop as bp
import lesson

SEED = dict(X=[[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]], w=[0.1, 0.2], b=1, y=[1, 0, 0], lr=0.01)


@pytest.fixture(scope="module")
def step() -> bp.NotebookStep:
    return lesson.notebook_step(**SEED)


def test_notebook_mode_reproduces_the_printed_numbers(step):
    # The notebook's output, as printed (NumPy's default print options).
    assert np.array2string(step.z) == "[1.5 1.4 0.5]"
    assert step.loss == pytest.approx(0.82)
    assert np.array2string(step.dloss_dpred) == "[0.33333333 0.93333333 0.33333333]"
    assert np.array2string(step.dpred_dz.astype(int)) == "[1 1 1]"
    np.testing.assert_allclose(step.per_sample, [[0.33333333, 0.66666667], [1.86666667, 0.93333333],
                                                 [-0.33333333, -0.66666667]], atol=5e-9)
    assert np.array2string(step.grad_w) == "[0.62222222 0.31111111]"
    assert repr(step.grad_b) == "0.5333333333333333"
    assert np.array2string(step.new_w) == "[0.10622222 0.20311111]"
    assert repr(step.new_b) == "1.0053333333333334"


def test_correct_values_sit_beside_the_notebooks(step):
    np.testing.assert_allclose(step.correct_grad_w, [1.8667, 0.9333], atol=5e-5)
    assert step.correct_grad_b == pytest.approx(1.6)
    np.testing.assert_allclose(step.correct_new_w, [0.081333, 0.190667], atol=5e-7)
    assert step.correct_new_b == pytest.approx(0.984)
    assert isinstance(step.correct, bp.Trace) and step.correct.lr == 0.01


def test_notebook_gradient_is_the_correct_one_divided_by_n(step):
    assert step.factor == 3
    np.testing.assert_allclose(step.grad_w * step.factor, step.correct_grad_w, rtol=1e-15)
    assert step.grad_b * step.factor == pytest.approx(step.correct_grad_b, rel=1e-15)


def test_notebook_update_climbs_the_loss(step):
    assert step.new_loss > step.loss
    assert step.correct_new_loss < step.loss
    np.testing.assert_allclose(step.new_w, np.asarray(SEED["w"]) + SEED["lr"] * step.grad_w)


def test_differences_explain_the_two_bugs(step):
    keys = [d.key for d in step.differences]
    assert keys == ["double_mean", "sign"]
    double_mean, sign = step.differences
    assert "np.mean" in double_mean.notebook_code and "sum" in double_mean.correct_code
    assert "3 times too small" in double_mean.explanation
    assert "- learning_rate * -dL_dw" in sign.notebook_code
    assert "rises from 0.8200" in sign.explanation and "falls from 0.8200" in sign.explanation
    for d in step.differences:
        assert d.title and d.notebook_latex and d.correct_latex


def test_notebook_step_validates_like_the_engine():
    with pytest.raises(bp.InputError, match="X row 0, column x1"):
        lesson.notebook_step([[1, "x"]], [0.1, 0.2], 0, [1], 0.1)
    with pytest.raises(bp.InputError, match="learning rate"):
        lesson.notebook_step(SEED["X"], SEED["w"], SEED["b"], SEED["y"], 0)


def test_notebook_step_on_other_data_keeps_its_rules():
    X, w, b, y = [[1.0, -1.0], [0.5, 2.0], [-2.0, 0.0], [3.0, 1.0]], [0.3, -0.1], -0.2, [1.0, 0.0, 1.0, 2.0]
    step = lesson.notebook_step(X, w, b, y, 0.05)
    t = bp.forward_backward(X, w, b, y)
    np.testing.assert_allclose(step.grad_w, t.grad_w / 4, rtol=1e-14)
    np.testing.assert_allclose(step.new_w, np.asarray(w) + 0.05 * t.grad_w / 4, rtol=1e-14)
    assert step.new_b == pytest.approx(b + 0.05 * t.grad_b / 4, rel=1e-14)
