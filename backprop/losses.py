"""Losses of the network's K outputs against targets Y (N, K): each a registry entry with its terms and its
derivative side by side. L is the mean of the terms.

Each loss reads either the output activation a (`on = "a"`) or, when it is fused with the output activation
it needs, the output layer's pre-activation z (`on = "z"`, the logits): PyTorch's BCEWithLogitsLoss and
cross_entropy take z for the same reason (stable values, and a derivative that stays exact where a
probability underflows). The network's ops read `on` and nothing else, so no loop has a special case.

`mse`: L = (1/(N K)) sum (a - y)^2, the mean over every sample and output (torch.nn.MSELoss()).
    dL/da = 2 (a - y) / (N K). Any output activation.
`bce`: binary cross-entropy of p = a = sigmoid(z) per output (K sigmoid outputs: multi-label), the mean over
    N K terms [softplus(z) - y z] = -[y log p + (1 - y) log(1 - p)] (torch's BCEWithLogitsLoss on z).
    dL/dz = (p - y) / (N K): the sigmoid's slope p (1 - p) cancels against dL/dp. Targets in [0, 1].
`ce`: cross-entropy of the softmax p = softmax(z) against class labels (one-hot rows) or probability rows Y:
    L = -(1/N) sum_i sum_k Y_ik log p_ik, with log p = z - logsumexp(z) (finite for logits of +-1e4),
    equal to torch.nn.functional.cross_entropy(z, labels). dL/dz = (p - Y) / N: softmax's Jacobian cancels.
`huber`: the mean over N K of 0.5 d^2 where |d| <= 1, else |d| - 0.5, with d = a - y (torch.nn.HuberLoss(),
    delta 1): squared near the target, linear far from it, so an outlier pulls less. dL/da = clip(d, -1, 1) / (N K).

Shapes: `terms(x, Y)` takes x and Y (..., N, K) (a leading batch of parameter sets is allowed) and returns
(..., N, K) for a loss of every output, (..., N, 1) for one per sample (cross-entropy); `grad(x, Y)` (N, K)
is dL/dx including the mean's divisor, once. Fused losses also give `grad_a(a, Y)`, dL/da, which the lesson
shows (it overflows where a probability underflows; the fused dL/dz does not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .validation import InputError

_sigmoid = ACTIVATIONS["sigmoid"].fn
_softmax = ACTIVATIONS["softmax"].fn


@dataclass(frozen=True)
class Loss:
    """One loss: `terms(x, Y)` and `grad(x, Y)` = dL/dx of their mean, with x the output activation a (`on`
    "a") or the logits z (`on` "z", fused with the activation named `output`); how to write and export it.

    `targets` is the kind of targets it reads (validation.as_targets): "real", "unit" ([0, 1]) or "classes"
    (labels or probability rows). `latex` is L, `grad_latex` dL/dx, `term_latex` one term with its numbers:
    a str.format template with {a}, {y} (or {p}, the probability of the true class; literal braces doubled), and
    `grad_term_latex` one entry of dL/da likewise.
    """

    name: str
    label: str
    short: str
    on: str
    terms: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    latex: str
    grad_latex: str
    term_latex: str
    grad_term_latex: str  # one entry of dL/da with its numbers: {a}, {y} and {n}, the mean's divisor
    # NumPy expressions for the exported script (which defines sigmoid, softmax and log_softmax): the mean loss
    # from x and Y, and dL/dx
    source: str
    grad_source: str
    targets: str = "real"
    output: str | None = None
    grad_a: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    grad_a_latex: str = ""
    grad_a_source: str = ""

    def __reduce__(self) -> tuple:  # pickled as its registry name: its functions may be lambdas
        return get_loss, (self.name,)

    @property
    def fused(self) -> bool:
        """Whether it reads the logits z of the output activation it needs."""
        return self.on == "z"

    def value(self, x: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """L, the mean of the terms: a 0-d array, or one per leading batch entry."""
        return self.terms(x, Y).mean(axis=(-2, -1))


def _size(Y: np.ndarray) -> int:
    return Y.shape[-2] * Y.shape[-1]


def _log_softmax(z: np.ndarray) -> np.ndarray:
    m = z.max(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


def _bce_grad_a(a: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dL/dp = (-y / p + (1 - y) / (1 - p)) / (N K): infinite where p or 1 - p underflows to 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(Y > 0, -Y / a, 0.0) + np.where(Y < 1, (1.0 - Y) / (1.0 - a), 0.0)
    return out / _size(Y)


def _ce_grad_a(a: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dL/dp_k = -Y_k / (N p_k): infinite where a true class's probability underflows to 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(Y > 0, -Y / a, 0.0)
    return out / Y.shape[-2]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "mse", "Mean squared error", "MSE", "a",
            lambda a, Y: (a - Y) ** 2,
            lambda a, Y: 2.0 * (a - Y) / _size(Y),
            r"L = \frac{1}{N K}\sum_{i,k} (a_{ik} - y_{ik})^2",
            r"\frac{\partial L}{\partial a_{ik}} = \frac{2}{N K}(a_{ik} - y_{ik})",
            "({a} - {y})^2",
            r"\frac{{2}}{{{n}}}({a} - {y})",
            "float(np.mean((x - Y) ** 2))  # L = (1/(N K)) sum (a - y)^2",
            "2.0 * (x - Y) / Y.size  # dL/da = 2 (a - y) / (N K): the mean's divisor, once",
        ),
        Loss(
            "bce", "Binary cross-entropy", "BCE", "z",
            lambda z, Y: np.logaddexp(0.0, z) - Y * z,
            lambda z, Y: (_sigmoid(z) - Y) / _size(Y),
            r"L = -\frac{1}{N K}\sum_{i,k} \big[y_{ik} \log a_{ik} + (1 - y_{ik})\log(1 - a_{ik})\big],\quad "
            r"a = \sigma(z)",
            r"\delta_{ik} = \frac{\partial L}{\partial z_{ik}} = \frac{1}{N K}(a_{ik} - y_{ik})",
            r"-\big[{y} \log {a} + (1 - {y})\log(1 - {a})\big]",
            r"\frac{{1}}{{{n}}}\,\frac{{{a} - {y}}}{{{a}\,(1 - {a})}}",
            "float(np.mean(np.logaddexp(0.0, x) - Y * x))  # -[y log a + (1 - y) log(1 - a)], stably from z",
            "(sigmoid(x) - Y) / Y.size  # BCE through the sigmoid: a (1 - a) cancels, dL/dz = (a - y) / (N K)",
            targets="unit", output="sigmoid", grad_a=_bce_grad_a,
            grad_a_source="(np.where(Y > 0, -Y / a, 0.0) + np.where(Y < 1, (1.0 - Y) / (1.0 - a), 0.0)) / Y.size"
                          "  # dL/da: inf where a rounds to 0 or 1",
            grad_a_latex=r"\frac{\partial L}{\partial a_{ik}} = \frac{1}{N K}\,\frac{a_{ik} - y_{ik}}"
                         r"{a_{ik}\,(1 - a_{ik})}",
        ),
        Loss(
            "ce", "Cross-entropy", "CE", "z",
            lambda z, Y: -(Y * _log_softmax(z)).sum(axis=-1, keepdims=True),
            lambda z, Y: (_softmax(z) - Y) / Y.shape[-2],
            r"L = -\frac{1}{N}\sum_i \sum_k y_{ik} \log a_{ik} = -\frac{1}{N}\sum_i \log a_{i, c_i},\quad "
            r"a = \operatorname{softmax}(z)",
            r"\delta_{ik} = \frac{\partial L}{\partial z_{ik}} = \frac{1}{N}(a_{ik} - y_{ik})",
            r"-\log {p}",
            r"-\frac{{1}}{{{n}}}\,\frac{{{y}}}{{{a}}}",
            "float(np.mean(-(Y * log_softmax(x)).sum(axis=1)))  # -(1/N) sum_i log p of the true class",
            "(softmax(x) - Y) / len(Y)  # CE through the softmax: its Jacobian cancels, dL/dz = (p - Y) / N",
            targets="classes", output="softmax", grad_a=_ce_grad_a,
            grad_a_source="np.where(Y > 0, -Y / a, 0.0) / len(Y)  # dL/da: inf where a true class's a rounds to 0",
            grad_a_latex=r"\frac{\partial L}{\partial a_{ik}} = -\frac{1}{N}\,\frac{y_{ik}}{a_{ik}}",
        ),
        Loss(
            "huber", "Huber (δ = 1)", "Huber", "a",
            lambda a, Y: np.where(np.abs(a - Y) <= 1.0, 0.5 * (a - Y) ** 2, np.abs(a - Y) - 0.5),
            lambda a, Y: np.clip(a - Y, -1.0, 1.0) / _size(Y),
            r"L = \frac{1}{N K}\sum_{i,k} h(a_{ik} - y_{ik}),\quad h(d) = \begin{cases}\tfrac{1}{2} d^2 & "
            r"|d| \le 1 \\ |d| - \tfrac{1}{2} & |d| > 1\end{cases}",
            r"\frac{\partial L}{\partial a_{ik}} = \frac{1}{N K}\operatorname{clip}(a_{ik} - y_{ik}, -1, 1)",
            "h({a} - {y})",
            r"\frac{{1}}{{{n}}}\operatorname{{clip}}({a} - {y}, -1, 1)",
            "float(np.mean(np.where(np.abs(x - Y) <= 1.0, 0.5 * (x - Y) ** 2, np.abs(x - Y) - 0.5)))",
            "np.clip(x - Y, -1.0, 1.0) / Y.size  # dL/da = clip(a - y, -1, 1) / (N K)",
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
