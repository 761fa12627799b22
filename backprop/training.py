"""Training: repeated steps of SGD, momentum or Adam from given parameters, full batch or in mini-batches, as a
`Trajectory`.

The optimizers follow PyTorch exactly (dampening and Nesterov off; a penalty is part of the objective, so L2
equals torch's weight_decay on the weights):
- sgd:      theta <- theta - lr g
- momentum: buf <- g on the first step, then buf <- mu buf + g; theta <- theta - lr buf
            (torch.optim.SGD(momentum=mu))
- adam:     m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
            theta <- theta - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)  (torch.optim.Adam)
- notebook: the seed notebook's rule, theta <- theta + lr g / N: the gradient averaged twice, and climbed.
Only the `trainable` parameters (flat names; default all) move; the others are held at their starting values.

Mini-batches, in an order anyone can reproduce: `rng = numpy.random.default_rng(seed)` is made once, before the
first epoch; each epoch takes `perm = rng.permutation(N)` and cuts it into consecutive batches
`perm[k*B:(k+1)*B]` (the last may be smaller). Each batch takes one optimizer step, with the gradient of the
batch's objective (its mean loss, plus the penalty). `batch_size=None` is full batch: every step sees all N
samples in their order, and no generator is drawn from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .ops import frozen
from .trace import OfNetwork
from .validation import MAX_ABS, InputError, as_learning_rate, as_matrix

OPTIMIZERS = ("sgd", "momentum", "adam", "notebook")
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam", "notebook": "The notebook's rule"}
MAX_STEPS = 100_000
MAX_EPOCHS = 10_000
EXPLODE_FACTOR = 1e6  # a loss this many times the starting loss (plus one) counts as diverged


def sgd_update(w: Any, b: Any, grad_w: Any, grad_b: Any, lr: Any) -> tuple[np.ndarray, float]:
    """One plain gradient-descent step: (w - lr * grad_w, b - lr * grad_b); w and grad_w (d,)."""
    rate = as_learning_rate(lr)
    new_w = np.asarray(w, dtype=np.float64) - rate * np.asarray(grad_w, dtype=np.float64)
    return new_w, float(b) - rate * float(grad_b)


@dataclass(frozen=True, eq=False)
class Trajectory(OfNetwork):
    """The state after each of steps 0..T (T <= `steps`): `params[name]` and `grads[name]` (T+1, *shape) by
    parameter (W1, b1, ...), and `loss` (T+1,), the objective on the whole training set at each state.
    `batch_loss` (T,) is the objective of the batch each step was taken on, at the state it started from (for
    full batch, loss[:-1]). Per epoch, at the states `epoch_steps` (E+1,) (0 and each epoch's end):
    `train_loss` and `test_loss` (the loss of the data, without the penalty; test_loss None without held-out
    data) and `train_accuracy`, `test_accuracy` for classifiers (else None). `diverged_at` is the step whose
    update made the loss or a parameter non-finite or explode (that state is not recorded), or None."""

    network: Any
    loss: np.ndarray
    params: Mapping[str, np.ndarray]
    grads: Mapping[str, np.ndarray]
    optimizer: str
    lr: float
    steps: int
    trainable: tuple[str, ...]  # flat names
    diverged_at: int | None = None
    batch_size: int | None = None
    seed: int = 0
    batch_loss: np.ndarray | None = None
    epoch_steps: np.ndarray | None = None
    train_loss: np.ndarray | None = None
    test_loss: np.ndarray | None = None
    train_accuracy: np.ndarray | None = None
    test_accuracy: np.ndarray | None = None

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


def train_network(net, X: Any, y: Any, params: Mapping[str, Any], lr: Any, steps: int | None = None,
                  optimizer: str = "sgd", trainable: Sequence[str] | str | None = None, momentum: float = 0.9,
                  betas: Sequence[float] = (0.9, 0.999), eps: float = 1e-8, batch_size: int | None = None,
                  epochs: int | None = None, seed: int = 0, X_test: Any = None, y_test: Any = None) -> Trajectory:
    """`Network.train`: updates of `optimizer` from `params`.

    Give `steps` (updates) or `epochs` (passes over the data; T = epochs x ceil(N / batch_size)); `batch_size`
    None is full batch. `seed` fixes the batch order (module docstring). `X_test`, `y_test` are held-out data
    whose loss (and accuracy) is recorded after every epoch. `trainable` names the parameters that move (flat
    names, or w0.., b for one neuron; default all). `momentum` is torch.optim.SGD's mu; `betas` and `eps` are
    torch.optim.Adam's. Raises InputError on bad input; divergence is not an error but ends the trajectory.
    """
    Xa, ya = net.check_data(X, y)
    n = Xa.shape[0]
    p = net.check_params(params)
    rate = as_learning_rate(lr)
    if optimizer not in OPTIMIZERS:
        raise InputError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    B = n if batch_size is None else _count(batch_size, "batch size", 1, n, f"N = {n}, the number of samples")
    per_epoch = math.ceil(n / B)
    if (steps is None) == (epochs is None):
        raise InputError("give either steps (the number of updates) or epochs (passes over the data), not "
                         + ("both" if steps is not None else "neither"))
    if epochs is not None:
        epochs = _count(epochs, "epochs", 0, MAX_EPOCHS, f"{MAX_EPOCHS:,}")
        steps = epochs * per_epoch
        if steps > MAX_STEPS:
            raise InputError(f"epochs: {epochs:,} epochs of {per_epoch:,} batches are {steps:,} updates; the limit is "
                             f"{MAX_STEPS:,} (use fewer epochs or larger batches)")
    steps = _count(steps, "steps", 0, MAX_STEPS, f"{MAX_STEPS:,}")
    if not _whole(seed) or seed < 0:
        raise InputError(f"seed: {seed!r} must be a whole number, 0 or more")
    mu = _fraction(momentum, "momentum")
    if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
        raise InputError(f"betas: {betas!r} must be two numbers (β1, β2), each from 0 up to (not including) 1")
    b1, b2 = (_fraction(beta, f"betas[{i}]") for i, beta in enumerate(betas))
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise InputError(f"eps: {eps!r} must be a small positive number")
    test = None
    if X_test is not None or y_test is not None:
        if X_test is None or y_test is None:
            raise InputError("held-out data needs both X_test and y_test")
        Xt = as_matrix(X_test)
        if Xt.shape[1] != net.inputs:
            raise InputError(f"X_test has {Xt.shape[1]} feature columns but X has {net.inputs}: the held-out data "
                             "needs the same features")
        test = net.check_data(Xt, y_test)
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
    batches = _batches(n, None if batch_size is None else B, steps, seed)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow ends the run as divergence, below
        run = _run(net, Xa, ya, net.flatten(p), optimizer, rate, batches, mask, mu, (b1, b2), eps)
    states, losses, grads, batch_losses, data_losses, accuracies, diverged_at = run
    T = len(losses)
    ends = np.arange(0, T, per_epoch)
    classifier = bool(net.classifies)
    test_loss = test_acc = None
    if test is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            scored = [_score(net, net.evaluate(test[0], net.unflatten(states[k]), test[1])) for k in ends]
        test_loss = frozen([s[0] for s in scored])
        test_acc = frozen([s[1] for s in scored]) if classifier else None
    return Trajectory(net, frozen(losses), _split(net, np.array(states)), _split(net, np.array(grads)), optimizer,
                      rate, int(steps), flat, diverged_at, batch_size, int(seed), frozen(batch_losses[:T - 1]),
                      _readonly(ends), frozen(np.array(data_losses)[ends]), test_loss,
                      frozen(np.array(accuracies)[ends]) if classifier else None, test_acc)


def _batches(n: int, B: int | None, steps: int, seed: int) -> list[np.ndarray | None]:
    """The sample indices of each step's batch (None: all of them, in order), the module docstring's order."""
    if B is None:
        return [None] * steps
    rng = np.random.default_rng(seed)
    out: list = []
    while len(out) < steps:
        perm = rng.permutation(n)
        out += [perm[k:k + B] for k in range(0, n, B)]
    return out[:steps]


def _run(net, X, y, theta, optimizer, rate, batches, mask, mu, betas, eps):
    """The update loop on the flat parameter vector: the states, their objective, data loss and accuracy on all
    the training data, their gradients, each step's batch objective, and diverged_at."""
    b1, b2 = betas
    states, losses, grads, batch_losses, data_losses, accuracies = [], [], [], [], [], []
    buf = m = v = None
    limit = None
    steps = len(batches)
    for t in range(steps + 1):
        idx = batches[t] if t < steps else None
        params = net.unflatten(theta)
        values = net.evaluate(X if idx is None else X[idx], params, y if idx is None else y[idx])
        grad_by_name, _ = net.backward(values, records=False)
        everything = values if idx is None else net.evaluate(X, params, y)  # the state's score on all the data
        full = float(net.objective(everything))
        g = net.flatten(grad_by_name)
        if limit is None:
            limit = EXPLODE_FACTOR * (full + 1.0)
        elif not (math.isfinite(full) and full <= limit and np.abs(theta).max() <= MAX_ABS
                  and np.isfinite(g).all()):
            return states, losses, grads, batch_losses, data_losses, accuracies, t
        states.append(theta)
        losses.append(full)
        grads.append(g)
        data_losses.append(float(everything["loss"]))
        accuracies.append(_score(net, everything)[1])
        if t == steps:
            break
        batch_losses.append(float(net.objective(values)))
        g = g * mask  # frozen parameters see no gradient, so no optimizer state moves them
        if optimizer == "sgd":
            theta = theta - rate * g
        elif optimizer == "notebook":
            theta = theta + rate * g / values["X"].shape[0]
        elif optimizer == "momentum":
            buf = g.copy() if buf is None else mu * buf + g
            theta = theta - rate * buf
        else:  # adam; t + 1 is torch's step count
            m = (1 - b1) * g if m is None else b1 * m + (1 - b1) * g
            v = (1 - b2) * g * g if v is None else b2 * v + (1 - b2) * g * g
            denom = np.sqrt(v) / math.sqrt(1 - b2 ** (t + 1)) + eps
            theta = theta - (rate / (1 - b1 ** (t + 1))) * m / denom
    return states, losses, grads, batch_losses, data_losses, accuracies, None


def _score(net, values: dict) -> tuple[float, float]:
    """(the data's loss, the accuracy) of an evaluated state; the accuracy is NaN-free 0 for a regression."""
    a, Y = values[f"a{net.depth}"], values["Y"]
    if net.classifies == "argmax":
        acc = float(np.mean(a.argmax(axis=1) == Y.argmax(axis=1)))
    elif net.classifies == "threshold":
        acc = float(np.mean((a >= 0.5) == (Y >= 0.5)))
    else:
        acc = 0.0
    return float(values["loss"]), acc


def _split(net, rows: np.ndarray) -> dict[str, np.ndarray]:
    out, k = {}, 0
    T = rows.shape[0]
    for key, shape in net.shapes.items():
        size = int(np.prod(shape))
        out[key] = frozen(rows[:, k:k + size].reshape((T, *shape)).copy())
        k += size
    return out


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def _whole(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def _count(value: Any, name: str, lo: int, hi: int, hi_text: str) -> int:
    """A whole number from lo to hi, or InputError naming the setting."""
    if not _whole(value) or not lo <= value <= hi:
        raise InputError(f"{name}: {value!r} must be a whole number from {lo} to {hi_text}")
    return int(value)


def _fraction(value: Any, name: str) -> float:
    """A hyperparameter in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not 0 <= value < 1:
        raise InputError(f"{name}: {value!r} must be a number from 0 up to (not including) 1")
    return float(value)
