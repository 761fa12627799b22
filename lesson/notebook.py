"""The seed notebook's computation exactly as written, beside the correct one.

The notebook (../shared/seed/backprop_notebook.txt) has two bugs:
1. It averages twice. dL/dpred = 2 (a - y) / N already carries the mean's 1/N, and then it takes
   np.mean over the per-sample rows, dividing by N again: its gradient is the true one divided by N.
2. Its update climbs: `w - lr * -dL_dw` is `w + lr * dL_dw`, a step up the gradient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from backprop import Trace, forward_backward


@dataclass(frozen=True)
class Difference:
    """One way the notebook departs from the correct computation, for a page to explain."""

    key: str  # "double_mean" or "sign"
    title: str
    notebook_code: str
    correct_code: str
    notebook_latex: str
    correct_latex: str
    explanation: str


@dataclass(frozen=True)
class NotebookStep:
    """The notebook's numbers (`grad_w`, `grad_b`, `new_w`, `new_b`, `new_loss`) and the correct ones.

    `per_sample` is the (N, d) matrix the notebook printed; `correct` is the full correct `Trace` with
    the update. `factor` is N: notebook gradient = correct gradient / N.
    """

    z: np.ndarray
    prediction: np.ndarray
    loss: float
    dloss_dpred: np.ndarray
    dpred_dz: np.ndarray
    per_sample: np.ndarray
    grad_w: np.ndarray
    grad_b: float
    new_w: np.ndarray
    new_b: float
    new_loss: float
    lr: float
    correct: Trace
    factor: int
    differences: tuple[Difference, ...]

    @property
    def correct_grad_w(self) -> np.ndarray:
        return self.correct.grad_w

    @property
    def correct_grad_b(self) -> float:
        return self.correct.grad_b

    @property
    def correct_new_w(self) -> np.ndarray:
        return self.correct.new_w

    @property
    def correct_new_b(self) -> float:
        return self.correct.new_b

    @property
    def correct_new_loss(self) -> float:
        return self.correct.new_loss


def notebook_step(X: Any, w: Any, b: Any, y: Any, lr: Any) -> NotebookStep:
    """One step of the seed notebook (ReLU, MSE) exactly as its code computes it, and the correct step."""
    correct = forward_backward(X, w, b, y, activation="relu", loss="mse", lr=lr)
    X, w, b, y, lr = correct.X, correct.w, correct.b, correct.y, correct.lr
    n = len(correct.z)
    # The notebook's lines, one for one.
    z = np.dot(X, w) + b
    predicted = np.maximum(0, z)
    loss = float(np.mean((predicted - y) ** 2))
    dL_dpred = 2 * (predicted - y) / len(z)
    dpred_dz = np.where(z > 0, 1, 0)
    per_sample = (dL_dpred * dpred_dz)[:, np.newaxis] * X
    dL_dw = np.mean(per_sample, axis=0)
    dL_db = float(np.mean(dL_dpred * dpred_dz))
    nw = w - lr * -dL_dw
    nb = float(b - lr * -dL_db)
    new_z = X @ nw + nb
    new_loss = float(np.mean((np.maximum(0, new_z) - y) ** 2))  # the notebook's own loss line, at the new w, b
    differences = (
        Difference(
            "double_mean", "The gradient is divided by N twice",
            "dL_dw = np.mean((dL_dpred * dpred_dz)[:, np.newaxis] * x, axis=0)",
            "dL_dw = ((dL_dpred * dpred_dz)[:, np.newaxis] * x).sum(axis=0)",
            r"\frac{\partial L}{\partial w} \overset{?}{=} \frac{1}{N}\sum_i \delta_i x_i",
            r"\frac{\partial L}{\partial w} = \sum_i \delta_i x_i",
            f"The loss is a mean, so dL/dpred = 2(a - y)/N already carries the 1/N. Averaging the per-sample "
            f"rows divides by N = {n} a second time, so the notebook's gradient is {n} times too small. "
            "By the chain rule the per-sample contributions add up; they are not averaged.",
        ),
        Difference(
            "sign", "The update climbs the gradient",
            "nw = w - learning_rate * -dL_dw",
            "nw = w - learning_rate * dL_dw",
            r"w' = w - \eta\,(-\nabla L) = w + \eta\,\nabla L",
            r"w' = w - \eta\,\nabla L",
            "The gradient points uphill, towards a larger loss. Subtracting the negated gradient adds it, "
            f"so the step goes uphill: the loss {_moves(loss, new_loss)}, where the correct step "
            f"{_moves(loss, correct.new_loss)}.",
        ),
    )
    return NotebookStep(
        z, predicted, loss, dL_dpred, dpred_dz.astype(np.float64), per_sample, dL_dw, dL_db, nw, nb,
        new_loss, lr, correct, n, differences,
    )


def _moves(before: float, after: float) -> str:
    verb = "rises" if after > before else "falls" if after < before else "stays"
    return f"{verb} from {before:.4f} to {after:.4f}" if verb != "stays" else f"stays at {before:.4f}"
