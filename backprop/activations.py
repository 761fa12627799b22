"""Activations: each one's forward function and its derivative side by side.

All act element-wise on z (N,) and return float64 arrays of the same shape. ReLU's derivative at
exactly z = 0 is 0, as in PyTorch; leaky ReLU's is its negative slope there, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .validation import InputError

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation: `fn(z)`, its derivative `der(z)`, and how to write both in LaTeX.

    `off_slope` is set for the piecewise-linear ones (slope for z <= 0; on slope 1): the loss surface
    uses it for its exact fast path and the gradient check to find kinks.
    """

    name: str
    label: str
    fn: Callable[[np.ndarray], np.ndarray]
    der: Callable[[np.ndarray], np.ndarray]
    latex: str  # a = f(z)
    der_latex: str  # f'(z)
    off_slope: float | None = None

    @property
    def has_kink(self) -> bool:
        return self.off_slope is not None and self.off_slope != 1.0


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_der(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu", "ReLU",
            lambda z: np.maximum(z, 0.0),
            lambda z: (z > 0).astype(np.float64),
            r"\max(0,\, z)", r"\mathbb{1}[z > 0]",
            off_slope=0.0,
        ),
        Activation(
            "leaky_relu", "Leaky ReLU (0.01)",
            lambda z: np.maximum(z, LEAKY_SLOPE * z),
            lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
            r"\max(0.01\,z,\, z)", r"\begin{cases}1 & z > 0\\ 0.01 & z \le 0\end{cases}",
            off_slope=LEAKY_SLOPE,
        ),
        Activation(
            "sigmoid", "Sigmoid",
            _sigmoid, _sigmoid_der,
            r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma(z)\,(1 - \sigma(z))",
        ),
        Activation(
            "tanh", "tanh",
            np.tanh, lambda z: 1.0 - np.tanh(z) ** 2,
            r"\tanh(z)", r"1 - \tanh^2(z)",
        ),
        Activation(
            "identity", "Identity (linear)",
            lambda z: np.asarray(z, dtype=np.float64).copy(), np.ones_like,
            r"z", r"1",
            off_slope=1.0,
        ),
    )
}


def get_activation(name: str | Activation) -> Activation:
    """The activation called `name`; InputError for an unknown name."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise InputError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None
