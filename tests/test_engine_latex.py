"""Number formatting for the steps' LaTeX: `nums` (the trace's batch formatter) agrees with `num`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop import latex


@pytest.mark.parametrize(("value", "precision", "text"), [
    (1.5, 4, "1.5"), (2.0, 4, "2"), (10.0, 4, "10"), (-0.0, 4, "0"), (0.0, 0, "0"), (0.33333, 2, "0.33"),
    (1e-4, 4, "0.0001"), (4e-5, 4, r"4 \times 10^{-5}"), (-1.25e8, 4, r"-1.25 \times 10^{8}"),
    (12.7, 0, "13"), (float("inf"), 4, r"\infty"), (float("-inf"), 4, r"-\infty"), (float("nan"), 4, r"\text{NaN}"),
])
def test_num_writes_numbers_as_a_reader_expects(value, precision, text):
    assert latex.num(value, precision) == text
    assert latex.nums([value], precision) == [text]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=20),
       precision=st.integers(0, 10))
def test_nums_agrees_with_num_number_for_number(values, precision):
    assert latex.nums(values, precision) == [latex.num(v, precision) for v in values]
    assert latex.nums(np.array(values), precision) == [latex.num(v, precision) for v in values]


def test_factor_and_signed_forms():
    assert latex.factor(-0.5) == "(-0.5)" and latex.factor(0.5) == "0.5"
    assert latex.signed(-0.5) == "- 0.5" and latex.signed(0.5) == "+ 0.5"
    assert latex.as_factor("-0.5") == "(-0.5)" and latex.as_signed("-0.5") == "- 0.5"
    assert latex.as_signed("0.5") == "+ 0.5"


def test_matrices_and_vectors():
    assert latex.vector([1, 2]) == r"\begin{bmatrix}1 \\ 2\end{bmatrix}"
    assert latex.row([1, 2]) == r"\begin{bmatrix}1 & 2\end{bmatrix}"
    assert latex.matrix([[1, 2], [3, 4.5]]) == r"\begin{bmatrix}1 & 2 \\ 3 & 4.5\end{bmatrix}"
    assert latex.symbol("w10") == "w_{10}" and latex.symbol("b") == "b"
