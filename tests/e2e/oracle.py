"""The expected numbers for the browser tests, written out independently of the app's engine."""

from __future__ import annotations

import numpy as np

SEED = {"X": [[1, 2], [2, 1], [-1, -2]], "y": [1, 0, 0], "w": [0.1, 0.2], "b": 1.0, "lr": 0.01}


def relu_mse(X, y, w, b, lr=0.01) -> dict:
    """One ReLU neuron with mean squared error: the forward pass, the gradient (ReLU'(0) = 0) and one SGD step."""
    X, y, w = (np.asarray(v, dtype=float) for v in (X, y, w))
    z = X @ w + b
    a = np.maximum(z, 0)
    delta = 2 * (a - y) / len(y) * (z > 0)
    grad_w, grad_b = X.T @ delta, delta.sum()
    return {"z": z, "a": a, "loss": np.mean((a - y) ** 2), "delta": delta, "grad_w": grad_w, "grad_b": grad_b,
            "new_w": w - lr * grad_w, "new_b": b - lr * grad_b}


def fmt(value: float, precision: int = 4) -> str:
    """A number as the app prints it at its default precision."""
    return f"{float(value) + 0.0:.{precision}f}"
