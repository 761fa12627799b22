"""Bad input never becomes a traceback or a silent NaN: one InputError whose message names the cell or
the shapes, from every entry point of the engine."""

from __future__ import annotations

import numpy as np
import pytest

import backprop as bp
import lesson
from backprop.neuron import neuron_inputs

X = [[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]]
W, B, Y = [0.1, 0.2], 1.0, [1.0, 0.0, 0.0]


def validate(X, w, b, y, loss="mse"):
    """One neuron's checked inputs: X, y and params {W1, b1} (the output the loss needs)."""
    _, Xa, ya, params = neuron_inputs(X, w, b, y, "sigmoid" if loss == "bce" else "relu", loss)
    return Xa, ya, params["W1"][:, 0], float(params["b1"][0])


def entry_points(X=X, w=W, b=B, y=Y, loss="mse", lr=0.1):
    """Every public function that takes the model's data, called with it."""
    act = "sigmoid" if loss == "bce" else "relu"
    return [
        lambda: bp.forward_backward(X, w, b, y, activation=act, loss=loss, lr=lr),
        lambda: bp.train(X, w, b, y, lr=lr, steps=2, activation=act, loss=loss),
        lambda: bp.loss_surface(X, w, b, y, activation=act, loss=loss, resolution=3),
        lambda: bp.gradient_check(X, w, b, y, activation=act, loss=loss),
        lambda: validate(X, w, b, y, loss=loss),
    ]


def raises_everywhere(match: str, **data) -> None:
    for call in entry_points(**data):
        with pytest.raises(bp.InputError, match=match):
            call()


def test_input_error_is_a_value_error():
    assert issubclass(bp.InputError, ValueError)


@pytest.mark.parametrize(("cell", "message"), [
    ("abc", r"X row 1, column x0: 'abc' is not a number"),
    ("", r"X row 1, column x0: the cell is empty"),
    ("   ", r"X row 1, column x0: the cell is empty"),
    (None, r"X row 1, column x0: the cell is empty"),
    (float("nan"), r"X row 1, column x0: the cell is empty or NaN"),
    ("nan", r"X row 1, column x0: the cell is empty or NaN"),
    (float("inf"), r"X row 1, column x0: 'inf' is infinite"),
    ("-inf", r"X row 1, column x0: '-inf' is infinite"),
    (1e308, r"X row 1, column x0: 1e\+308 is too large"),
    ("1e308", r"X row 1, column x0: 1e\+308 is too large"),
    ([1, 2], r"X row 1, column x0: '\[1, 2\]' is not a number"),
])
def test_bad_x_cell_is_named(cell, message):
    bad = [row[:] for row in X]
    bad[1][0] = cell
    raises_everywhere(message, X=bad)


def test_bad_cells_of_w_b_and_y_are_named():
    raises_everywhere(r"weight w1: 'x' is not a number", w=[0.1, "x"])
    raises_everywhere(r"weight w0: the cell is empty or NaN", w=[np.nan, 0.2])
    raises_everywhere(r"bias b: 'one' is not a number", b="one")
    raises_everywhere(r"bias b: the cell is empty", b="")
    raises_everywhere(r"bias b: 'inf' is infinite", b=np.inf)
    raises_everywhere(r"y row 2: '\?' is not a number", y=[1, 0, "?"])
    raises_everywhere(r"y row 0: 2e\+10 is too large", y=[2e10, 0, 0])


def test_cells_from_a_dataframe_are_named():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"x0": [1.0, 2.0, -1.0], "x1": [2.0, None, -2.0]})
    raises_everywhere(r"X row 1, column x1: the cell is empty", X=frame)
    frame = pd.DataFrame({"x0": ["1", "2", "-1"], "x1": ["2", "1", pd.NA]})
    raises_everywhere(r"X row 2, column x1: the cell is empty", X=frame)


@pytest.mark.parametrize("empty", [[], [[]], np.empty((0, 2)), np.empty((3, 0))])
def test_empty_x_is_refused(empty):
    with pytest.raises(bp.InputError, match=r"X is empty|X has no feature columns"):
        validate(empty, W, B, Y)


def test_ragged_rows_name_the_row():
    raises_everywhere(r"X row 1 has 1 values but row 0 has 2", X=[[1, 2], [3], [4, 5]])
    raises_everywhere(r"X row 0 is a single value", X=[1, 2, 3])


def test_shape_mismatches_name_the_shapes():
    raises_everywhere(r"w has 3 values but X has 2 feature columns", w=[0.1, 0.2, 0.3])
    raises_everywhere(r"w has 1 values but X has 2 feature columns", w=0.5)
    raises_everywhere(r"y has 2 values but X has 3 rows", y=[1, 0])
    raises_everywhere(r"y has 4 values but X has 3 rows", y=[1, 0, 0, 1])
    raises_everywhere(r"y has 2 rows but X has 3 rows", y=[[1, 0], [0, 1]])
    raises_everywhere(r"y has 2 columns but the network has 1 output: y needs 1 column", y=[[1, 0], [0, 1], [1, 1]])


def test_bce_targets_must_lie_in_zero_one():
    raises_everywhere(r"y row 1: 2 is outside \[0, 1\]", y=[1, 2, 0], loss="bce")
    raises_everywhere(r"y row 2: -0.5 is outside \[0, 1\]", y=[1, 0, -0.5], loss="bce")
    bp.forward_backward(X, W, B, [1, 2, -0.5], loss="mse")  # any target is fine for MSE
    bp.forward_backward(X, W, B, [1, 0.25, 0], activation="sigmoid", loss="bce")  # soft targets are fine for BCE


def test_bce_needs_the_sigmoid_output():
    for act in ("relu", "identity", "tanh"):
        with pytest.raises(bp.InputError, match=r"Binary cross-entropy needs the sigmoid output"):
            bp.forward_backward(X, W, B, Y, activation=act, loss="bce")


@pytest.mark.parametrize(("lr", "message"), [
    (0, r"learning rate: 0 must be greater than 0"),
    (-0.1, r"learning rate: -0.1 must be greater than 0"),
    (float("nan"), r"learning rate: the cell is empty or NaN"),
    (float("inf"), r"learning rate: 'inf' is infinite"),
    ("", r"learning rate: the cell is empty"),
    ("slow", r"learning rate: 'slow' is not a number"),
    (1e7, r"learning rate: 1e\+07 is too large"),
])
def test_bad_learning_rate_is_named(lr, message):
    with pytest.raises(bp.InputError, match=message):
        bp.forward_backward(X, W, B, Y, lr=lr)
    with pytest.raises(bp.InputError, match=message):
        bp.train(X, W, B, Y, lr=lr, steps=1)
    with pytest.raises(bp.InputError, match=message):
        lesson.notebook_step(X, W, B, Y, lr)


def test_too_many_samples_is_refused_before_any_work():
    # A read-only broadcast view: 1,000,001 rows without allocating them.
    huge = np.broadcast_to(np.float64(1.0), (1_000_001, 2))
    with pytest.raises(bp.InputError, match=r"X has 1,000,001 rows; the limit is 1,000,000 samples"):
        bp.forward_backward(huge, W, B, np.zeros(1))


def test_too_many_features_is_refused():
    with pytest.raises(bp.InputError, match=r"X has 65 feature columns; the limit is 64"):
        bp.forward_backward(np.ones((2, 65)), np.zeros(65), 0.0, [0.0, 1.0])
    bp.forward_backward(np.ones((2, 64)), np.zeros(64), 0.0, [0.0, 1.0])  # the limit itself is fine


def test_unknown_names_are_refused():
    with pytest.raises(bp.InputError, match=r"unknown activation 'gelu'"):
        bp.forward_backward(X, W, B, Y, activation="gelu")
    with pytest.raises(bp.InputError, match=r"unknown loss 'mae'"):
        bp.forward_backward(X, W, B, Y, loss="mae")


def test_validate_returns_clean_read_only_float64_arrays():
    t = bp.forward_backward([["1", "-0"], [" 2.5 ", 3]], ["0.5", -0.0], "-0", ["1", 0])
    assert t.X.dtype == np.float64 and t.X.shape == (2, 2)
    np.testing.assert_array_equal(t.X, [[1.0, 0.0], [2.5, 3.0]])
    assert not np.signbit(t.X[0, 1]) and not np.signbit(t.w[1]) and not np.signbit(t.b)
    assert t.b == 0.0 and isinstance(t.b, float)
    for arr in (t.X, t.w, t.y, *t.params.values()):
        assert not arr.flags.writeable
    source = np.array([[1.0, 2.0]])
    t = bp.forward_backward(source, [1, 1], 0, [1])
    source[0, 0] = 99.0
    assert t.X[0, 0] == 1.0  # a copy: the caller's array may change later


def test_bad_input_is_reported_without_warnings(recwarn):
    for bad in ([["nan", 1]], [[1e308, 1]], [[np.inf, 1]]):
        with pytest.raises(bp.InputError):
            bp.forward_backward(bad, [1, 1], 0, [1])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
