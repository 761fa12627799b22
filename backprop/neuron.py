"""One neuron, a = f(Xw + b): the network without hidden layers and with one output, and shorthands that take
its w (d,) and b as the app shows them.

    t = forward_backward([[1, 2], [2, 1], [-1, -2]], [0.1, 0.2], 1, [1, 0, 0], lr=0.01)
    t.loss, t.grad_w, t.grad_b          # 0.82, [1.8667 0.9333], 1.6
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .gradcheck import DEFAULT_TOLERANCE, GradientCheck, check_network
from .network import Network
from .surface import Surface, surface_of
from .trace import Trace, make_trace
from .training import Trajectory, train_network
from .validation import as_matrix, as_vector, to_number


def neuron(d: int, activation: str = "relu", loss: str = "mse") -> Network:
    """One neuron a = f(Xw + b) with d inputs."""
    return Network(inputs=d, hidden=(), output=activation, loss=loss)


def neuron_params(w: Any, b: Any, d: int) -> dict[str, np.ndarray]:
    """One neuron's w (d,) and b as the network's W1 (d, 1) and b1 (1,), naming bad cells as the app does
    (weight w0, bias b)."""
    wa = as_vector(w, d, "w", "weight w{}", f"X has {d} feature columns (one weight per feature)")
    ba = to_number(b.item() if isinstance(b, np.ndarray) and b.size == 1 else b, "bias b")
    return {"W1": wa.reshape(d, 1), "b1": np.array([ba])}


def neuron_inputs(X: Any, w: Any, b: Any, y: Any, activation: str = "relu",
                  loss: str = "mse") -> tuple[Network, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(network, X, y, params) of one neuron from the app's X, w, b, y; InputError naming the bad cell."""
    Xa = as_matrix(X)
    net = neuron(Xa.shape[1], activation, loss)
    Xa, ya = net.check_data(Xa, y)
    return net, Xa, ya, neuron_params(w, b, Xa.shape[1])


def forward_backward(X: Any, w: Any, b: Any, y: Any, activation: str = "relu", loss: str = "mse",
                     lr: Any = None) -> Trace:
    """One neuron's traced pass: X (N, d), w (d,), b, y (N,). With `lr`, also one gradient-descent step.
    Raises InputError on bad input."""
    net, Xa, ya, params = neuron_inputs(X, w, b, y, activation, loss)
    return make_trace(net, Xa, ya, params, lr)


def train(X: Any, w: Any, b: Any, y: Any, lr: Any, steps: int | None = None, optimizer: str = "sgd",
          activation: str = "relu", loss: str = "mse", params: Sequence[str] | str | None = None,
          **options) -> Trajectory:
    """One neuron's trajectory from (w, b): `Network.train`; `params` names the trainable parameters (w0.., b;
    default all)."""
    net, Xa, ya, p = neuron_inputs(X, w, b, y, activation, loss)
    return train_network(net, Xa, ya, p, lr, steps, optimizer, params, **options)


def loss_surface(X: Any, w: Any, b: Any, y: Any, axes: tuple[str, str] = ("w0", "w1"), span: Any = 2.0,
                 resolution: Any = 51, activation: str = "relu", loss: str = "mse", method: str = "auto") -> Surface:
    """One neuron's loss surface over two of w0.., b: `Network.loss_surface`."""
    net, Xa, ya, p = neuron_inputs(X, w, b, y, activation, loss)
    return surface_of(net, Xa, ya, p, axes, span, resolution, method)


def gradient_check(X: Any, w: Any, b: Any, y: Any, activation: str = "relu", loss: str = "mse",
                   eps: float | None = None, tolerance: float = DEFAULT_TOLERANCE) -> GradientCheck:
    """One neuron's gradient check (parameters w0.., b): `Network.gradient_check`."""
    net, Xa, ya, p = neuron_inputs(X, w, b, y, activation, loss)
    return check_network(net, Xa, ya, p, eps, tolerance)
