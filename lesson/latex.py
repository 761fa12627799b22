"""Numbers as the app shows them, and LaTeX for numbers, vectors and matrices, at a chosen number of decimals.

`text` is the one number format of the app (tables, graph, formulas, the exported script); `num` writes the
same digits as LaTeX and `nums` many at once. The builders `column`, `row_of`
and `matrix_of` take already formatted entries; `vector`, `row` and `matrix` format and build.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

SMALL = 6  # substitute numbers into formulas only for at most this many samples and features (or units)
E_FORM_AT = 1e7  # numbers this large, or smaller than half the last decimal (but not 0), are written m x 10^e


def text(value: float, precision: int = 4) -> str:
    """A number as the app shows it everywhere (tables, graph, formulas, the exported script): exactly
    `precision` decimals; very large (>= 1e7) or tiny but non-zero (< half the last decimal) ones in
    e-notation with `precision` decimals in the mantissa. -0 is shown as 0."""
    v = float(value) + 0.0
    if not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("-inf" if v < 0 else "inf")
    if v != 0 and (abs(v) >= E_FORM_AT or abs(v) < 0.5 * 10.0 ** -precision):
        return f"{v:.{precision}e}"
    out = f"{v:.{precision}f}"
    return out[1:] if out.startswith("-") and not out.strip("-0.") else out


def num(value: float, precision: int = 4) -> str:
    """`text(value)` as LaTeX: the same digits, e-notation written m \\times 10^{e}."""
    t = text(value, precision)
    if "e" in t and t[-1].isdigit():
        mantissa, exp = t.split("e")
        return rf"{mantissa} \times 10^{{{int(exp)}}}"
    if t in ("inf", "-inf", "NaN"):
        return r"\text{NaN}" if t == "NaN" else t.replace("inf", r"\infty")
    return t


def nums(values: list[float] | np.ndarray, precision: int = 4) -> list[str]:
    """`num` of every value (a list of floats, or an array, flattened)."""
    vals = values if isinstance(values, list) else np.asarray(values, dtype=np.float64).ravel().tolist()
    return [num(v, precision) for v in vals]


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
