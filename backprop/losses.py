"""Losses of the network's output against targets y (N,), averaged over the N samples.

Each loss is a registry entry with its value and its derivative side by side, both taking the output
layer's pre-activation z and activation a = f(z) (N,), and y (N,):

`mse`: L = (1/N) sum (a_i - y_i)^2; dL/da_i = 2 (a_i - y_i) / N (the seed notebook's loss). Any output.
`bce`: binary cross-entropy of the probability p = a = sigmoid(z), the textbook logistic unit:
    L = -(1/N) sum [y_i log p_i + (1 - y_i) log(1 - p_i)], computed stably from z as
    (1/N) sum softplus(z_i) - y_i z_i (PyTorch's BCEWithLogitsLoss(z), equal to BCELoss(sigmoid(z))).
    dL/dp_i = (p_i - y_i) / (N p_i (1 - p_i)); through the sigmoid, whose slope is p_i (1 - p_i), the
    factor cancels and dL/dz_i = (p_i - y_i) / N. That fused derivative is what the backward pass uses
    (it stays exact where the sigmoid saturates). BCE needs the sigmoid output and targets in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .validation import InputError

_sigmoid = ACTIVATIONS["sigmoid"].fn


@dataclass(frozen=True)
class Loss:
    """One loss: `per_sample(z, a, y)` its N terms, `grad(z, a, y)` = dL/da, and how to write it.

    `output` names the output activation the loss needs (None: any). `fused` is set when the loss and
    that activation are differentiated together: `delta(z, y)` is then dL/dz directly.
    """

    name: str
    label: str
    per_sample: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    latex: str
    grad_latex: str
    source: str  # NumPy expression of the mean loss from z, a and y, for the exported script
    grad_source: str  # NumPy expression of dL/da
    target_range: tuple[float, float] = (-np.inf, np.inf)
    output: str | None = None
    delta: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    delta_latex: str = ""
    delta_source: str = ""
    short: str = ""  # a few characters for diagrams ("MSE")

    def __reduce__(self) -> tuple:  # pickled as its registry name: its functions may be lambdas
        return get_loss, (self.name,)

    @property
    def fused(self) -> bool:
        return self.delta is not None

    def fn(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
        """The mean loss (1/N) sum_i per_sample(z, a, y)_i."""
        return float(self.per_sample(z, a, y).sum()) / a.shape[0]


def _bce_grad(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dL/dp = (-y / p + (1 - y) / (1 - p)) / N with p = sigmoid(z) and 1 - p = sigmoid(-z), both from z: finite
    wherever neither probability underflows (|z| below about 745)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p, q = _sigmoid(z), _sigmoid(-z)
        out = np.where(y > 0, -y / p, 0.0) + np.where(y < 1, (1.0 - y) / q, 0.0)
    return out / a.shape[0]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "mse", "Mean squared error",
            lambda z, a, y: (a - y) ** 2,
            lambda z, a, y: 2.0 * (a - y) / a.shape[0],
            r"L = \frac{1}{N}\sum_i (a_i - y_i)^2",
            r"\frac{\partial L}{\partial a_i} = \frac{2}{N}(a_i - y_i)",
            "float(np.mean((a - y) ** 2))  # L = (1/N) sum (a_i - y_i)^2",
            "2.0 * (a - y) / len(y)  # dL/da_i = 2 (a_i - y_i) / N: the mean's 1/N, once",
            short="MSE",
        ),
        Loss(
            "bce", "Binary cross-entropy",
            lambda z, a, y: np.logaddexp(0.0, z) - y * z,
            _bce_grad,
            r"L = -\frac{1}{N}\sum_i \big[y_i \log a_i + (1 - y_i)\log(1 - a_i)\big],\quad a_i = \sigma(z_i)",
            r"\frac{\partial L}{\partial a_i} = \frac{1}{N}\,\frac{a_i - y_i}{a_i\,(1 - a_i)}",
            "float(np.mean(np.logaddexp(0.0, z) - y * z))  # -[y log a + (1 - y) log(1 - a)], stably from z",
            "(-y / a + (1.0 - y) / (1.0 - a)) / len(y)  # dL/da_i",
            target_range=(0.0, 1.0),
            output="sigmoid",
            delta=lambda z, y: (_sigmoid(z) - y) / z.shape[0],
            delta_latex=r"\delta_i = \frac{\partial L}{\partial z_i} = \frac{1}{N}(a_i - y_i)",
            delta_source="(f(z) - y) / len(y)  # BCE through the sigmoid: a(1 - a) cancels, dL/dz = (a - y) / N",
            short="BCE",
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
