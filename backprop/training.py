"""Training: repeated steps of SGD, momentum or Adam from given parameters, as a `Trajectory`.

The optimizers follow PyTorch exactly (weight decay, dampening and Nesterov off):
- sgd:      theta <- theta - lr g
- momentum: buf <- g on the first step, then buf <- mu buf + g; theta <- theta - lr buf
            (torch.optim.SGD(momentum=mu))
- adam:     m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
            theta <- theta - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)  (torch.optim.Adam)
- notebook: the seed notebook's rule, theta <- theta + lr g / N: the gradient averaged twice, and climbed.
Only the `trainable` parameters (flat names; default all) move; the others are held at their starting values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import Network, OfNetwork
from .ops import frozen
from .trace import neuron_inputs
from .validation import MAX_ABS, InputError, as_learning_rate

OPTIMIZERS = ("sgd", "momentum", "adam", "notebook")
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam", "notebook": "The notebook's rule"}
MAX_STEPS = 100_000
EXPLODE_FACTOR = 1e6  # a loss this many times the starting loss (plus one) counts as diverged


def sgd_update(w: Any, b: Any, grad_w: Any, grad_b: Any, lr: Any) -> tuple[np.ndarray, float]:
    """One plain gradient-descent step: (w - lr * grad_w, b - lr * grad_b); w and grad_w (d,)."""
    rate = as_learning_rate(lr)
    new_w = np.asarray(w, dtype=np.float64) - rate * np.asarray(grad_w, dtype=np.float64)
    return new_w, float(b) - rate * float(grad_b)


@dataclass(frozen=True, eq=False)
class Trajectory(OfNetwork):
    """The state after each of steps 0..T (T <= `steps`): `loss` (T+1,), `params[name]` and `grads[name]`
    (T+1, *shape) by parameter (W1, b1, ...). `diverged_at` is the step whose update made the loss or a
    parameter non-finite or explode (that state is not recorded), or None when all `steps` ran."""

    network: Network
    loss: np.ndarray
    params: Mapping[str, np.ndarray]
    grads: Mapping[str, np.ndarray]
    optimizer: str
    lr: float
    steps: int
    trainable: tuple[str, ...]  # flat names
    diverged_at: int | None = None

    @property
    def n_steps(self) -> int:
        """How many updates were recorded."""
        return len(self.loss) - 1

    @property
    def label(self) -> str:
        return OPTIMIZER_LABELS[self.optimizer]

    @property
    def flat(self) -> np.ndarray:
        """All parameters per step, (T+1, P) in `network.param_names()` order."""
        return np.concatenate([self.params[k].reshape(len(self.loss), -1) for k in self.network.shapes], axis=1)

    def param(self, name: str) -> np.ndarray:
        """One parameter's values per step, (T+1,), by flat name (or w0.., b for one neuron)."""
        return self.flat[:, self.network.index(name)]

    def at(self, step: int) -> dict[str, np.ndarray]:
        """The parameters after `step` updates, by name."""
        return {k: v[step] for k, v in self.params.items()}

    @property
    def w(self) -> np.ndarray:
        """One neuron's weights per step, (T+1, d)."""
        self._neuron()
        return self.params["W1"][:, :, 0]

    @property
    def b(self) -> np.ndarray:
        """One neuron's bias per step, (T+1,)."""
        self._neuron()
        return self.params["b1"][:, 0]

    @property
    def grad_w(self) -> np.ndarray:
        self._neuron()
        return self.grads["W1"][:, :, 0]

    @property
    def grad_b(self) -> np.ndarray:
        self._neuron()
        return self.grads["b1"][:, 0]

    def _neuron(self) -> None:
        if not self.network.is_neuron:
            raise AttributeError("w and b name one neuron's parameters; use params by name")


def train_network(net: Network, X: Any, y: Any, params: Mapping[str, Any], lr: Any, steps: int,
                  optimizer: str = "sgd", trainable: Sequence[str] | str | None = None, momentum: float = 0.9,
                  betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> Trajectory:
    """`Network.train`: `steps` updates of `optimizer` from `params`.

    `trainable` names the parameters that move (flat names, or w0.., b for one neuron; default all). `momentum`
    is torch.optim.SGD's mu for "momentum"; `betas` and `eps` are torch.optim.Adam's. Raises InputError on bad
    input; divergence is not an error but ends the trajectory (`diverged_at`).
    """
    Xa, ya = net.check_data(X, y)
    p = net.check_params(params)
    rate = as_learning_rate(lr)
    if optimizer not in OPTIMIZERS:
        raise InputError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
        raise InputError(f"steps: {steps!r} must be a whole number from 0 to {MAX_STEPS:,}")
    mu = _fraction(momentum, "momentum")
    b1, b2 = (_fraction(beta, f"betas[{i}]") for i, beta in enumerate(betas))
    if not (isinstance(eps, (int, float)) and 0 < eps < 1):
        raise InputError(f"eps: {eps!r} must be a small positive number")
    names = net.param_names()
    chosen = names if trainable is None else [trainable] if isinstance(trainable, str) else list(trainable)
    if not chosen:
        raise InputError(f"params: none chosen — choose among {', '.join(net.param_labels())}")
    try:
        flat = tuple(dict.fromkeys(net.resolve(x) for x in chosen))
    except InputError as err:
        raise InputError(f"params: {err}") from None
    mask = np.zeros(net.size)
    mask[[net.index(x) for x in flat]] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow ends the run as divergence, below
        states, losses, grads, diverged_at = _run(net, Xa, ya, net.flatten(p), optimizer, rate, steps, mask, mu,
                                                  (b1, b2), eps)
    P, G = np.array(states), np.array(grads)
    T = len(losses)
    by_name = {k: frozen(v.copy()) for k, v in _split(net, P, T).items()}
    grads_by = {k: frozen(v.copy()) for k, v in _split(net, G, T).items()}
    return Trajectory(net, frozen(np.array(losses)), by_name, grads_by, optimizer, rate, int(steps), flat,
                      diverged_at)


def _split(net: Network, rows: np.ndarray, T: int) -> dict[str, np.ndarray]:
    out, k = {}, 0
    for key, shape in net.shapes.items():
        size = int(np.prod(shape))
        out[key] = rows[:, k:k + size].reshape((T, *shape))
        k += size
    return out


def train(X: Any, w: Any, b: Any, y: Any, lr: Any, steps: int, optimizer: str = "sgd", activation: str = "relu",
          loss: str = "mse", params: Sequence[str] | str | None = None, **hyper) -> Trajectory:
    """One neuron's trajectory from (w, b): `Network.train` on the network without hidden layers; `params` names
    the trainable parameters (w0.., b; default all)."""
    net, Xa, ya, p = neuron_inputs(X, w, b, y, activation, loss)
    return train_network(net, Xa, ya, p, lr, steps, optimizer, params, **hyper)


def _fraction(value: Any, name: str) -> float:
    """A hyperparameter in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not 0 <= value < 1:
        raise InputError(f"{name}: {value!r} must be a number from 0 up to (not including) 1")
    return float(value)


def _run(net, X, y, theta, optimizer, rate, steps, mask, mu, betas, eps):
    """The update loop on the flat parameter vector: states, losses, gradients per step, and diverged_at."""
    n = X.shape[0]
    b1, b2 = betas
    states, losses, grads = [], [], []
    buf = m = v = None
    limit = None
    for t in range(steps + 1):
        run = net.run(X, y, net.unflatten(theta))
        g = np.concatenate([x for k in range(net.depth) for x in (run.dW[k].ravel(), run.db[k])])
        if limit is None:
            limit = EXPLODE_FACTOR * (run.loss + 1.0)
        elif not (math.isfinite(run.loss) and run.loss <= limit and np.abs(theta).max() <= MAX_ABS
                  and np.isfinite(g).all()):
            return states, losses, grads, t
        states.append(theta)
        losses.append(run.loss)
        grads.append(g)
        if t == steps:
            break
        g = g * mask  # frozen parameters see no gradient, so no optimizer state moves them
        if optimizer == "sgd":
            theta = theta - rate * g
        elif optimizer == "notebook":
            theta = theta + rate * g / n
        elif optimizer == "momentum":
            buf = g.copy() if buf is None else mu * buf + g
            theta = theta - rate * buf
        else:  # adam; t + 1 is torch's step count
            m = (1 - b1) * g if m is None else b1 * m + (1 - b1) * g
            v = (1 - b2) * g * g if v is None else b2 * v + (1 - b2) * g * g
            denom = np.sqrt(v) / math.sqrt(1 - b2 ** (t + 1)) + eps
            theta = theta - (rate / (1 - b1 ** (t + 1))) * m / denom
    return states, losses, grads, None
