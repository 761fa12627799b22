"""Training: repeated steps of SGD, momentum or Adam from given parameters, as a `Trajectory`.

The optimizers follow PyTorch exactly (weight decay, dampening and Nesterov off):
- sgd:      theta <- theta - lr g
- momentum: buf <- g on the first step, then buf <- mu buf + g; theta <- theta - lr buf
            (torch.optim.SGD(momentum=mu))
- adam:     m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
            theta <- theta - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)  (torch.optim.Adam)
- notebook: the seed notebook's rule, theta <- theta + lr g / N: the gradient averaged twice, and climbed.
Only the parameters named in `params` move; the others are held at their starting values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import get_activation
from .losses import get_loss
from .trace import compute_pass
from .validation import MAX_ABS, InputError, as_learning_rate, param_names, validate

OPTIMIZERS = ("sgd", "momentum", "adam", "notebook")
MAX_STEPS = 100_000
EXPLODE_FACTOR = 1e6  # a loss this many times the starting loss (plus one) counts as diverged


def sgd_update(w: Any, b: Any, grad_w: Any, grad_b: Any, lr: Any) -> tuple[np.ndarray, float]:
    """One plain gradient-descent step: (w - lr * grad_w, b - lr * grad_b); w and grad_w (d,)."""
    rate = as_learning_rate(lr)
    new_w = np.asarray(w, dtype=np.float64) - rate * np.asarray(grad_w, dtype=np.float64)
    return new_w, float(b) - rate * float(grad_b)


@dataclass(frozen=True)
class Trajectory:
    """Parameters, loss and gradient at each recorded step 0..T (T <= steps).

    w (T+1, d), b (T+1,), loss (T+1,), grad_w (T+1, d), grad_b (T+1,): row t is the state after t updates
    and its gradient. `diverged_at` is the step whose update made the loss or a parameter non-finite or
    explode (that state is not recorded), or None when all `steps` ran.
    """

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray
    optimizer: str
    lr: float
    steps: int
    trainable: tuple[str, ...]
    activation: str
    loss_name: str
    diverged_at: int | None = None

    @property
    def params(self) -> np.ndarray:
        """All parameters per step, (T+1, d+1): w then b."""
        return np.column_stack([self.w, self.b])

    @property
    def n_steps(self) -> int:
        """How many updates were recorded."""
        return len(self.loss) - 1

    def param(self, name: str) -> np.ndarray:
        """One parameter's values per step, by name ("w0".., "b")."""
        return self.params[:, param_names(self.w.shape[1]).index(name)]


def train(
    X: Any,
    w: Any,
    b: Any,
    y: Any,
    lr: Any,
    steps: int,
    optimizer: str = "sgd",
    activation: str = "relu",
    loss: str = "mse",
    params: tuple[str, ...] | list[str] | None = None,
    momentum: float = 0.9,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> Trajectory:
    """Run `steps` updates of `optimizer` from (w, b) and return the `Trajectory`.

    `params` names the trainable parameters (default all; e.g. ("w0", "b")); the others keep their
    values. `momentum` is torch.optim.SGD's mu for "momentum"; `betas` and `eps` are torch.optim.Adam's.
    Raises InputError on bad input; divergence is not an error but ends the trajectory (`diverged_at`).
    """
    act, lossf = get_activation(activation), get_loss(loss)
    inputs = validate(X, w, b, y, loss=lossf.name)
    rate = as_learning_rate(lr)
    if optimizer not in OPTIMIZERS:
        raise InputError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
        raise InputError(f"steps: {steps!r} must be a whole number from 0 to {MAX_STEPS:,}")
    mu = _fraction(momentum, "momentum")
    b1, b2 = (_fraction(beta, f"betas[{i}]") for i, beta in enumerate(betas))
    if not (isinstance(eps, (int, float)) and 0 < eps < 1):
        raise InputError(f"eps: {eps!r} must be a small positive number")
    Xa, ya = inputs.X, inputs.y
    n, d = Xa.shape
    names = param_names(d)
    chosen = tuple(names) if params is None else (params,) if isinstance(params, str) else tuple(params)
    unknown = [p for p in chosen if p not in names]
    if unknown or not chosen:
        raise InputError(f"params: {unknown or 'none'} — choose among {', '.join(names)}")
    mask = np.array([p in chosen for p in names], dtype=np.float64)

    with np.errstate(over="ignore", invalid="ignore"):  # an overflow ends the run as divergence, below
        states, losses, grads, diverged_at = _run(
            Xa, ya, np.append(inputs.w, inputs.b), act, lossf, optimizer, rate, steps, mask, mu, (b1, b2), eps)
    P, G = np.array(states), np.array(grads)
    out = [P[:, :d], P[:, d], np.array(losses), G[:, :d], G[:, d]]
    for arr in out:
        arr.setflags(write=False)
    return Trajectory(*out, optimizer=optimizer, lr=rate, steps=int(steps), trainable=chosen,
                      activation=act.name, loss_name=lossf.name, diverged_at=diverged_at)


def _fraction(value: Any, name: str) -> float:
    """A hyperparameter in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not 0 <= value < 1:
        raise InputError(f"{name}: {value!r} must be a number from 0 up to (not including) 1")
    return float(value)


def _run(X, y, theta, act, lossf, optimizer, rate, steps, mask, mu, betas, eps):
    """The update loop on theta = (w, b) (d + 1,): states, losses, gradients per step, and diverged_at."""
    n, d = X.shape
    b1, b2 = betas
    states, losses, grads = [], [], []
    buf = m = v = None
    limit = None
    for t in range(steps + 1):
        p = compute_pass(X, theta[:d], theta[d], y, act, lossf)
        g = np.append(p.grad_w, p.grad_b)
        if limit is None:
            limit = EXPLODE_FACTOR * (p.loss + 1.0)
        elif not (math.isfinite(p.loss) and p.loss <= limit and np.abs(theta).max() <= MAX_ABS
                  and np.isfinite(g).all()):
            return states, losses, grads, t
        states.append(theta)
        losses.append(p.loss)
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
