"""LaTeX for numbers, vectors and matrices, at a chosen number of decimals.

`num` formats one number; `nums` formats many at once (the trace formats every number of a pass in one
call, so this is its hot path) and agrees with `num` number for number. The builders `column`, `row_of`
and `matrix_of` take already formatted entries; `vector`, `row` and `matrix` format and build.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

SMALL = 6  # substitute numbers into formulas only for at most this many samples and features
E_FORM_AT = 1e7  # numbers this large, or smaller than 10^-precision (but not 0), are written m x 10^e


def num(value: float, precision: int = 4) -> str:
    """A number with at most `precision` decimals, trailing zeros dropped; huge/tiny ones in e-form."""
    value = float(value)
    if not math.isfinite(value):
        return r"\text{NaN}" if math.isnan(value) else ("-" if value < 0 else "") + r"\infty"
    if value != 0 and (abs(value) >= E_FORM_AT or abs(value) < 10.0 ** (-precision)):
        mantissa, exp = f"{value:.{max(precision - 1, 1)}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return rf"{mantissa} \times 10^{{{int(exp)}}}"
    text = f"{value:.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def nums(values: list[float] | np.ndarray, precision: int = 4) -> list[str]:
    """`num` of every value (a list of floats, or an array, flattened), formatted in one pass."""
    vals = values if isinstance(values, list) else np.asarray(values, dtype=np.float64).ravel().tolist()
    tokens = (f"{{:.{precision}f}} " * len(vals)).format(*vals).split()
    tiny = 10.0 ** (-precision)
    for i, v in enumerate(vals):
        if v != 0 and not tiny <= abs(v) < E_FORM_AT:  # also catches inf and NaN
            tokens[i] = num(v, precision)
    if precision > 0:
        tokens = [t.rstrip("0").rstrip(".") if t[-1] == "0" else t for t in tokens]
    if "-0" in tokens:
        tokens = ["0" if t == "-0" else t for t in tokens]
    return tokens


def column(entries: Sequence[str]) -> str:
    """Formatted entries as a column bmatrix."""
    return r"\begin{bmatrix}" + r" \\ ".join(entries) + r"\end{bmatrix}"


def row_of(entries: Sequence[str]) -> str:
    """Formatted entries as a row bmatrix."""
    return r"\begin{bmatrix}" + " & ".join(entries) + r"\end{bmatrix}"


def matrix_of(rows: Iterable[Sequence[str]]) -> str:
    """Rows of formatted entries as a bmatrix."""
    return r"\begin{bmatrix}" + r" \\ ".join(" & ".join(r) for r in rows) + r"\end{bmatrix}"


def vector(values: np.ndarray, precision: int = 4) -> str:
    """A column vector as a bmatrix."""
    return column(nums(values, precision))


def row(values: np.ndarray, precision: int = 4) -> str:
    """A row vector as a bmatrix."""
    return row_of(nums(values, precision))


def matrix(values: np.ndarray, precision: int = 4) -> str:
    """A 2-D array as a bmatrix."""
    values = np.atleast_2d(values)
    entries = nums(values, precision)
    cols = values.shape[1]
    return matrix_of(entries[i:i + cols] for i in range(0, len(entries), cols))


def signed(value: float, precision: int = 4) -> str:
    """`+ 0.5` or `- 0.5`, for writing sums term by term."""
    return ("- " if value < 0 else "+ ") + num(abs(value), precision)


def factor(value: float, precision: int = 4) -> str:
    """A number as a factor: negative numbers in parentheses."""
    text = num(value, precision)
    return f"({text})" if float(value) < 0 else text


def as_factor(text: str) -> str:
    """A formatted number as a factor: `(-0.5)`, `0.5`."""
    return f"({text})" if text[0] == "-" else text


def as_signed(text: str) -> str:
    """A formatted number as a term of a sum: `- 0.5`, `+ 0.5`."""
    return f"- {text[1:]}" if text[0] == "-" else f"+ {text}"


def symbol(name: str) -> str:
    """A parameter or feature name as LaTeX: w0 -> w_{0}, b -> b."""
    head, tail = name[:1], name[1:]
    return f"{head}_{{{tail}}}" if tail else head
