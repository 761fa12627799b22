"""LaTeX for numbers, vectors and matrices, at a chosen number of decimals."""

from __future__ import annotations

import numpy as np

SMALL = 6  # substitute numbers into formulas only for at most this many samples and features


def num(value: float, precision: int = 4) -> str:
    """A number with at most `precision` decimals, trailing zeros dropped; huge/tiny ones in e-form."""
    value = float(value)
    if value != 0 and (abs(value) >= 1e7 or abs(value) < 10.0 ** (-precision)):
        mantissa, exp = f"{value:.{max(precision - 1, 1)}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return rf"{mantissa} \times 10^{{{int(exp)}}}"
    text = f"{value:.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def vector(values: np.ndarray, precision: int = 4) -> str:
    """A column vector as a bmatrix."""
    return r"\begin{bmatrix}" + r" \\ ".join(num(v, precision) for v in np.ravel(values)) + r"\end{bmatrix}"


def row(values: np.ndarray, precision: int = 4) -> str:
    """A row vector as a bmatrix."""
    return r"\begin{bmatrix}" + " & ".join(num(v, precision) for v in np.ravel(values)) + r"\end{bmatrix}"


def matrix(values: np.ndarray, precision: int = 4) -> str:
    """A 2-D array as a bmatrix."""
    rows = (" & ".join(num(v, precision) for v in r) for r in np.atleast_2d(values))
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def signed(value: float, precision: int = 4) -> str:
    """`+ 0.5` or `- 0.5`, for writing sums term by term."""
    return ("- " if value < 0 else "+ ") + num(abs(value), precision)


def factor(value: float, precision: int = 4) -> str:
    """A number as a factor: negative numbers in parentheses."""
    text = num(value, precision)
    return f"({text})" if float(value) < 0 else text


def symbol(name: str) -> str:
    """A parameter or feature name as LaTeX: w0 -> w_{0}, b -> b."""
    head, tail = name[:1], name[1:]
    return f"{head}_{{{tail}}}" if tail else head
