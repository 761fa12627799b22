"""Regularization penalties on the weights (never the biases, as in TensorFlow Playground and scikit-learn):
each a registry entry with its value and its gradient side by side. The penalty is part of the objective,
L = data loss + penalty, so its gradient adds to each weight's.

`l2`: (λ/2) sum_l ||W_l||^2, gradient λ W. One SGD step then equals torch.optim.SGD with weight_decay=λ on
    the weights (torch adds λ W to the gradient). scikit-learn's MLP divides its penalty by the batch size:
    its `alpha` is λ N here.
`l1`: λ sum_l |W_l|, gradient λ sign(W), with sign(0) = 0 (torch's abs backward).

`value(W, rate)` takes one layer's W (..., fan_in, fan_out) (a leading batch of parameter sets allowed) and
returns its share of the penalty; `grad(W, rate)` its gradient, W's shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .validation import InputError


@dataclass(frozen=True)
class Penalty:
    """One penalty: `value(W, λ)`, `grad(W, λ)`, and how to write and export it."""

    name: str
    label: str
    value: Callable[[np.ndarray, float], np.ndarray]
    grad: Callable[[np.ndarray, float], np.ndarray]
    latex: str
    grad_latex: str
    source: str  # NumPy expression of one layer's penalty from W and lam, for the exported script
    grad_source: str

    def __reduce__(self) -> tuple:
        return get_penalty, (self.name,)


PENALTIES: dict[str, Penalty] = {
    p.name: p
    for p in (
        Penalty(
            "l2", "L2 (weight decay)",
            lambda W, lam: 0.5 * lam * (W * W).sum(axis=(-2, -1)),
            lambda W, lam: lam * W,
            r"R = \frac{\lambda}{2}\sum_l \lVert W^{(l)} \rVert^2",
            r"\frac{\partial R}{\partial W^{(l)}} = \lambda\, W^{(l)}",
            "0.5 * lam * np.sum(W ** 2)", "lam * W",
        ),
        Penalty(
            "l1", "L1 (lasso)",
            lambda W, lam: lam * np.abs(W).sum(axis=(-2, -1)),
            lambda W, lam: lam * np.sign(W),
            r"R = \lambda \sum_l \lvert W^{(l)} \rvert",
            r"\frac{\partial R}{\partial W^{(l)}} = \lambda\, \operatorname{sign}(W^{(l)})",
            "lam * np.sum(np.abs(W))", "lam * np.sign(W)  # sign(0) = 0, as torch's abs backward",
        ),
    )
}


def get_penalty(name: str | Penalty) -> Penalty:
    """The penalty called `name`; InputError for an unknown name."""
    if isinstance(name, Penalty):
        return name
    try:
        return PENALTIES[name]
    except (KeyError, TypeError):
        raise InputError(f"regularization: unknown {name!r}; choose none or one of {', '.join(PENALTIES)}") from None
