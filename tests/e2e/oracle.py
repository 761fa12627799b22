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


XOR_LINK = ("X=0,0;0,1;1,0;1,1&y=0,1,1,0&hidden=2:tanh&activation=identity&loss=mse&W1=0.5,-0.4;0.3,0.8"
            "&b1=0.1,-0.2&W2=0.7;-0.6&b2=0.05&lr=0.1")
XOR = {"X": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [0, 1, 1, 0], "W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2],
       "W2": [[0.7], [-0.6]], "b2": [0.05], "lr": 0.1}


def tanh_net(X, y, W1, b1, W2, b2, lr=0.1) -> dict:
    """A 2-layer network, tanh hidden layer and a linear output, with MSE: forward, backward, one SGD step."""
    X, y, W1, b1, W2, b2 = (np.asarray(v, dtype=float) for v in (X, y, W1, b1, W2, b2))
    h = np.tanh(X @ W1 + b1)
    out = (h @ W2 + b2)[:, 0]
    loss = np.mean((out - y) ** 2)
    d_out = (2 * (out - y) / len(y))[:, None]
    dW2, db2 = h.T @ d_out, d_out.sum(axis=0)
    d_h = d_out @ W2.T * (1 - h ** 2)  # the hidden layer's delta
    dW1, db1 = X.T @ d_h, d_h.sum(axis=0)
    new = [W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2]
    h2 = np.tanh(X @ new[0] + new[1])
    new_loss = np.mean(((h2 @ new[2] + new[3])[:, 0] - y) ** 2)
    return {"loss": loss, "delta1": d_h, "dW1": dW1, "new_loss": new_loss}
