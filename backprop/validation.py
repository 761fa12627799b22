"""Validation: turn what a user typed into float64 arrays, or raise `InputError` naming the cell.

Cells are named the way the app's editors show them (0-based rows, features x0..x{d-1}; one neuron's weights
w0..w{d-1} and bias b; a network's W1[0,1], b2[0]): "X row 2, column x1: 'abc' is not a number".
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

MAX_SAMPLES = 1_000_000
MAX_FEATURES = 64
MAX_ABS = 1e9  # any input cell; keeps every product and square of the one-neuron model finite
MAX_LR = 1e6
MAX_PRECISION = 12  # decimals shown


class InputError(ValueError):
    """Bad user input. The message names the offending cell or the mismatched shapes."""


def feature_names(d: int) -> list[str]:
    """Column names of X: x0 .. x{d-1}."""
    return [f"x{j}" for j in range(d)]


def neuron_labels(d: int) -> list[str]:
    """One neuron's parameters as the app names them: w0 .. w{d-1}, then b."""
    return [f"w{j}" for j in range(d)] + ["b"]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return type(value).__name__ in ("NAType", "NaTType")


def to_number(value: Any, where: str, limit: float = MAX_ABS) -> float:
    """One cell as a finite float within +-`limit` (MAX_ABS unless given), or InputError naming `where`."""
    if _is_missing(value):
        raise InputError(f"{where}: the cell is empty; type a number")
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{where}: {value!r} is not a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{where}: {str(value)[:40]!r} is not a number") from None
    if math.isnan(number):
        raise InputError(f"{where}: the cell is empty or NaN; type a number")
    if math.isinf(number):
        raise InputError(f"{where}: {str(value)[:40]!r} is infinite; type a finite number")
    if abs(number) > limit:
        raise InputError(
            f"{where}: {number:g} is too large; values must lie within ±{limit:g} "
            "so that products and squares stay finite"
        )
    return number + 0.0  # folds -0.0 into 0.0


def _fast_array(values: Any) -> np.ndarray | None:
    """The values as a clean float64 array (a copy; -0.0 folded into 0.0), or None when any cell needs a
    closer look (not a number, NaN, infinite or beyond MAX_ABS)."""
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None
    if arr.size and not float(np.abs(arr).max()) <= MAX_ABS:  # False for NaN too
        return None
    arr += 0.0
    return arr


def as_matrix(X: Any) -> np.ndarray:
    """X as an (N, d) float64 array; InputError for empty, ragged, oversized or bad cells."""
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2:
        _check_size(*shape)  # before converting anything huge
    arr = _fast_array(X)
    if arr is not None and arr.ndim == 2 and arr.size:
        _check_size(*arr.shape)
        return arr
    rows = _rows_of(X)
    if not rows:
        raise InputError("X is empty: add at least one sample row")
    d = len(rows[0])
    if d == 0:
        raise InputError("X has no feature columns: add at least one column")
    for i, row in enumerate(rows):
        if len(row) != d:
            raise InputError(f"X row {i} has {len(row)} values but row 0 has {d}")
    _check_size(len(rows), d)
    names = feature_names(d)
    out = np.empty((len(rows), d))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            out[i, j] = to_number(cell, f"X row {i}, column {names[j]}")
    return out


def _rows_of(X: Any) -> list[list[Any]]:
    if hasattr(X, "to_numpy"):  # a pandas DataFrame from an editor
        X = X.to_numpy(dtype=object)
    if isinstance(X, np.ndarray):
        if X.ndim != 2:
            if X.size == 0:
                return []
            raise InputError(f"X must be a table of samples (rows) by features, got shape {X.shape}")
        return [list(r) for r in X]
    try:
        rows = [r for r in X]
    except TypeError:
        raise InputError("X must be a table of samples (rows) by features") from None
    out = []
    for i, r in enumerate(rows):
        if isinstance(r, (str, bytes)) or not hasattr(r, "__len__"):
            raise InputError(f"X row {i} is a single value; each row needs one value per feature")
        out.append(list(r))
    return out


def _check_size(n: int, d: int) -> None:
    if n > MAX_SAMPLES:
        raise InputError(f"X has {n:,} rows; the limit is {MAX_SAMPLES:,} samples")
    if d > MAX_FEATURES:
        raise InputError(f"X has {d} feature columns; the limit is {MAX_FEATURES}")


def as_vector(values: Any, length: int, name: str, cell: str, against: str) -> np.ndarray:
    """A 1-D float64 vector of `length` entries; cell names come from `cell.format(i)`."""
    if hasattr(values, "to_numpy"):
        values = values.to_numpy(dtype=object)
    arr = _fast_array(values)
    if arr is None:
        items = list(np.ravel(np.asarray(values, dtype=object)))
        count = len(items)
    else:
        if arr.ndim > 1 and arr.size != max(arr.shape):
            raise InputError(f"{name} must be a single column of numbers, got shape {arr.shape}")
        count = arr.size
    if count != length:
        raise InputError(f"{name} has {count} values but {against}")
    if arr is not None:
        return arr.reshape(length)
    return np.array([to_number(v, cell.format(i)) for i, v in enumerate(items)])


def as_precision(precision: Any) -> int:
    """A number of decimals for display, 0..MAX_PRECISION."""
    if isinstance(precision, (bool, np.bool_)) or not isinstance(precision, (int, np.integer)) \
            or not 0 <= precision <= MAX_PRECISION:
        raise InputError(f"precision: {precision!r} must be a whole number of decimals from 0 to {MAX_PRECISION}")
    return int(precision)


def as_learning_rate(lr: Any) -> float:
    """A learning rate in (0, MAX_LR]."""
    value = to_number(lr, "learning rate", limit=math.inf)
    if value <= 0:
        raise InputError(f"learning rate: {value:g} must be greater than 0 (gradient descent needs a step)")
    if value > MAX_LR:
        raise InputError(f"learning rate: {value:g} is too large; the limit is {MAX_LR:g}")
    return value


def as_targets(y: Any, n: int, outputs: int, kind: str) -> np.ndarray:
    """The targets of N samples for a network of `outputs` units, as the loss reads them: (N,) for one output,
    (N, K) for K; InputError naming the cell.

    `kind` is the loss's: "real" (any numbers), "unit" (each in [0, 1]), or "classes" (N whole class labels
    0..K-1, turned into one-hot rows, or (N, K) rows of probabilities: non-negative, summing to 1).
    """
    if hasattr(y, "to_numpy"):
        y = y.to_numpy(dtype=object)
    arr = _fast_array(y)
    if arr is None:
        cells = np.asarray(y, dtype=object)
        shape = cells.shape
    else:
        shape = arr.shape
    if not shape or shape[0] != n or len(shape) > 2:
        count = shape[0] if shape else 1
        what = "value" if len(shape) < 2 else "row"
        raise InputError(f"y has {count} {what}{'s' if count != 1 else ''} but X has {n} rows (one target per sample)")
    cols = shape[1] if len(shape) == 2 else 1
    labels = kind == "classes" and cols == 1
    if cols != outputs and not labels:
        want = f"{outputs} column{'s' if outputs != 1 else ''}, one per output" + (
            ", or one column of class labels" if kind == "classes" else "")
        raise InputError(f"y has {cols} column{'s' if cols != 1 else ''} but the network has {outputs} "
                         f"output{'s' if outputs != 1 else ''}: y needs {want}")
    if arr is None:
        flat = cells.reshape(n, cols)
        arr = np.array([[to_number(flat[i, j], _target_cell(i, j, cols)) for j in range(cols)] for i in range(n)])
    arr = arr.reshape(n, cols)
    if labels:
        arr = _one_hot(arr[:, 0], outputs)
    elif kind == "unit":
        bad = np.argwhere((arr < 0) | (arr > 1))
        if bad.size:
            i, j = map(int, bad[0])
            raise InputError(f"{_target_cell(i, j, cols)}: {arr[i, j]:g} is outside [0, 1]; binary cross-entropy "
                             "needs targets between 0 and 1 (use MSE for other targets)")
    elif kind == "classes":
        _check_distributions(arr)
    return arr[:, 0].copy() if outputs == 1 else arr


def _target_cell(i: int, j: int, cols: int) -> str:
    return f"y row {i}" if cols == 1 else f"y row {i}, column y{j}"


def _one_hot(labels: np.ndarray, k: int) -> np.ndarray:
    bad = np.flatnonzero((labels != np.floor(labels)) | (labels < 0) | (labels >= k))
    if bad.size:
        i = int(bad[0])
        raise InputError(f"y row {i}: {labels[i]:g} is not a class label; the labels of {k} classes are the whole "
                         f"numbers 0 to {k - 1}")
    out = np.zeros((len(labels), k))
    out[np.arange(len(labels)), labels.astype(np.intp)] = 1.0
    return out


def _check_distributions(rows: np.ndarray) -> None:
    """Rows of class probabilities: each non-negative and summing to 1 (to 1e-9)."""
    neg = np.argwhere(rows < 0)
    if neg.size:
        i, j = map(int, neg[0])
        raise InputError(f"y row {i}, column y{j}: {rows[i, j]:g} is negative; each row of y holds the probabilities "
                         "of the classes (one-hot rows for plain labels)")
    sums = rows.sum(axis=1)
    off = np.flatnonzero(np.abs(sums - 1.0) > 1e-9)
    if off.size:
        i = int(off[0])
        raise InputError(f"y row {i}: its probabilities sum to {sums[i]:.10g}, not 1; each row of y holds the "
                         "probabilities of the classes (one-hot rows for plain labels)")
