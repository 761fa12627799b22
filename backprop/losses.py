"""Losses of the prediction a (N,) against targets y (N,), averaged over the N samples.

`mse`: L = (1/N) sum (a_i - y_i)^2, dL/da_i = 2 (a_i - y_i) / N (the seed notebook's loss).
`bce`: binary cross-entropy of sigmoid(a), computed from the logits a as PyTorch's
BCEWithLogitsLoss does: L = (1/N) sum softplus(a_i) - y_i a_i, dL/da_i = (sigmoid(a_i) - y_i) / N.
With the identity activation this is logistic regression; targets must lie in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .validation import InputError


@dataclass(frozen=True)
class Loss:
    """One loss: `fn(a, y)` the scalar mean loss, `per_sample(a, y)` its N terms, `grad(a, y)` = dL/da."""

    name: str
    label: str
    per_sample: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    latex: str
    grad_latex: str

    def fn(self, a: np.ndarray, y: np.ndarray) -> float:
        """The mean loss (1/N) sum_i per_sample(a, y)_i."""
        return float(self.per_sample(a, y).sum()) / a.shape[0]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "mse", "Mean squared error",
            lambda a, y: (a - y) ** 2,
            lambda a, y: 2.0 * (a - y) / a.shape[0],
            r"L = \frac{1}{N}\sum_i (a_i - y_i)^2",
            r"\frac{\partial L}{\partial a_i} = \frac{2}{N}(a_i - y_i)",
        ),
        Loss(
            "bce", "Binary cross-entropy (of sigmoid(a))",
            lambda a, y: np.logaddexp(0.0, a) - y * a,
            lambda a, y: (ACTIVATIONS["sigmoid"].fn(a) - y) / a.shape[0],
            r"L = -\frac{1}{N}\sum_i \big[y_i \log\sigma(a_i) + (1 - y_i)\log(1 - \sigma(a_i))\big]",
            r"\frac{\partial L}{\partial a_i} = \frac{1}{N}(\sigma(a_i) - y_i)",
        ),
    )
}


def get_loss(name: str | Loss) -> Loss:
    """The loss called `name`; InputError for an unknown name."""
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise InputError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
