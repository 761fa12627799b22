"""Number formatting for the steps' LaTeX: `nums` (the trace's batch formatter) agrees with `num`; the steps'
substituted LaTeX, built on demand, equals the eager implementation's for 240 problems; traces pickle."""

from __future__ import annotations

import gzip
import json
import pickle
from dataclasses import FrozenInstanceError

import numpy as np
import pytest
from engine_latex_cases import FIXTURE, cases, render
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop as bp
from backprop import latex

SEED = dict(X=[[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]], w=[0.1, 0.2], b=1.0, y=[1.0, 0.0, 0.0])


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


# --- the steps' substituted LaTeX, built on demand, is the eager implementation's string for string ----

def _reference() -> list[dict]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as f:
        return json.load(f)


def test_fixture_covers_the_cases_that_matter():
    records = _reference()
    assert len(records) == len(cases()) >= 200
    assert [r["case"] for r in records] == cases()  # the fixture is of exactly these inputs
    assert {(r["case"]["activation"], r["case"]["loss"]) for r in records} == {
        (a, lo) for a in bp.ACTIVATIONS for lo in bp.LOSSES}
    numbers = [s["formula_numbers"] for r in records for s in r["steps"]]
    assert any(t is None for t in numbers) and any(t and r"\times 10^" in t for t in numbers)
    assert any(len(r["case"]["X"]) > latex.SMALL for r in records)
    assert any(len(r["case"]["w"]) > latex.SMALL for r in records)
    assert {r["case"]["lr"] is None for r in records} == {True, False}


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_lazy_steps_render_the_eager_strings(order):
    """Every string of every step equals the one the eager implementation (6ee394e) rendered, whichever step
    is read first."""
    for record in _reference():
        steps = bp.forward_backward(**record["case"]).steps
        expected = record["steps"]
        if order == "reverse":
            steps, expected = steps[::-1], expected[::-1]
        assert render(steps) == expected, record["case"]


def test_step_text_is_built_on_first_read_and_kept():
    t = bp.forward_backward(**SEED, lr=0.01)
    z = t.step("z")
    assert z.text is not None and z.text._parts is None  # nothing formatted yet
    first = z.formula_numbers
    assert first is z.formula_numbers and z.details is z.details  # memoised, the same objects
    assert set(z.text._built) == {"z"}  # only the step that was read
    for name in ("formula_numbers", "details", "text"):  # frozen (3.11's slotted frozen dataclass: TypeError)
        with pytest.raises((FrozenInstanceError, TypeError)):
            setattr(z, name, "x")
    assert z.formula_numbers is first


@pytest.mark.parametrize("read_before", [False, True])
def test_traces_pickle_with_their_steps_text(read_before):
    """st.cache_data pickles traces: built or not, the steps' text survives a round trip unchanged."""
    t = bp.forward_backward(**SEED, lr=0.01, precision=3)
    expected = render(bp.forward_backward(**SEED, lr=0.01, precision=3).steps)
    if read_before:
        render(t.steps)
    copy = pickle.loads(pickle.dumps(t))
    assert render(copy.steps) == expected
    assert copy.steps[0].text is copy.steps[-1].text  # still one shared text per pass
    assert copy.steps[0].value is copy.z  # the arrays are the trace's own, not copies
    np.testing.assert_array_equal(copy.grad_w, t.grad_w)


def test_quick_step_constructor_sets_every_field_as_the_dataclass_does():
    from dataclasses import fields

    from backprop.trace import _step
    args = ("k", "title", "forward", "f", np.zeros(2), (2,), "e.", ("r0", "r1"), ("c",), (1,), None)
    quick, plain = _step(*args), bp.Step(*args)
    assert [getattr(quick, f.name) for f in fields(bp.Step)] == [getattr(plain, f.name) for f in fields(bp.Step)]
    assert quick.formula_numbers is None and quick.details == ()
    assert pickle.loads(pickle.dumps(quick)).title == "title"
