"""The trace of one forward/backward pass of a `Network`: every intermediate, per op and per sample.

`Trace.records` holds one `Record` per op in forward order (Linear 1, Activation 1, ..., Linear L,
Activation L, the loss), each with its inputs, output, upstream gradient, local derivative and the gradients
it produced. `grads[name]` has its parameter's shape; `per_sample[name]` (N, *shape) holds each sample's
share and sums over the samples to `grads[name]` (built on first read). `steps` are the lesson's operations,
generated from the records by `backprop.steps` (on first read).

One neuron, a = f(Xw + b), is the network without hidden layers: `forward_backward(X, w, b, y)` builds it,
and its trace also answers in the one-neuron names the app shows (w, b, z, prediction, delta, grad_w, ...).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .network import Network, OfNetwork, as_rate
from .ops import Linear, Record, frozen, record
from .validation import InputError, as_precision, as_vector, to_number


@dataclass(frozen=True, eq=False)
class Trace(OfNetwork):
    """One traced pass (see the module docstring). X (N, d), y (N,), params and grads by name (W1, b1, ...),
    `loss`; with a learning rate `lr`, `new_params` after one gradient-descent step and their `new_loss`.
    `precision` is the number of decimals of the steps' formulas."""

    network: Network
    X: np.ndarray
    y: np.ndarray
    params: Mapping[str, np.ndarray]
    records: tuple[Record, ...]
    loss: float
    grads: Mapping[str, np.ndarray]
    lr: float | None = None
    new_params: Mapping[str, np.ndarray] | None = None
    new_loss: float | None = None
    precision: int = 4

    # ---- general -----------------------------------------------------------------------------------------

    def layer_records(self, layer: int) -> tuple[Record, Record]:
        """(Linear record, Activation record) of layer `layer` (1-based)."""
        return self.records[2 * layer - 2], self.records[2 * layer - 1]

    @cached_property
    def per_sample(self) -> Mapping[str, np.ndarray]:
        """Each sample's share of every gradient, (N, *shape) by name; summed over samples, `grads`."""
        out = {}
        for layer in self.network.layers:
            lin, _ = self.layer_records(layer.index)
            w, b = Linear.shares(lin.inputs["A"], lin.upstream)
            out[f"W{layer.index}"], out[f"b{layer.index}"] = frozen(w), frozen(b)
        return dict(out)

    @cached_property
    def steps(self) -> tuple:
        """The lesson's operations in order (`backprop.steps.Step`)."""
        from .steps import build_steps

        return build_steps(self)

    def step(self, key: str):
        """The step called `key`."""
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def param_names(self) -> list[str]:
        """Flat names of every parameter, the order of `grad`."""
        return self.network.param_names()

    @property
    def param_labels(self) -> list[str]:
        """The names the app shows (w0.., b for one neuron)."""
        return self.network.param_labels()

    @property
    def grad(self) -> np.ndarray:
        """The gradient over all parameters as one vector, in `param_names` order."""
        return frozen(self.network.flatten(self.grads))

    @property
    def per_sample_flat(self) -> np.ndarray:
        """Each sample's share of every parameter's gradient, (N, P) in `param_names` order."""
        n = self.X.shape[0]
        return frozen(np.concatenate([self.per_sample[k].reshape(n, -1) for k in self.network.shapes], axis=1))

    # ---- the output unit (any network) ---------------------------------------------------------------------

    @property
    def z(self) -> np.ndarray:
        """The output unit's pre-activation, (N,)."""
        return self.records[-3].output[:, 0]

    @property
    def prediction(self) -> np.ndarray:
        """The output a = f(z), (N,)."""
        return self.records[-2].output[:, 0]

    @property
    def dloss_dpred(self) -> np.ndarray:
        """dL/da at the output, (N,)."""
        return self.records[-1].local

    @property
    def dpred_dz(self) -> np.ndarray:
        """f'(z) at the output, (N,): 0 where the output passes no gradient."""
        return self.records[-2].local[:, 0]

    @property
    def delta(self) -> np.ndarray:
        """dL/dz at the output, (N,)."""
        return self.records[-2].grads["z"][:, 0]

    @property
    def inactive(self) -> np.ndarray:
        """Boolean (N,): samples whose output activation passes no gradient (f'(z) = 0, a dead ReLU)."""
        return self.dpred_dz == 0

    # ---- one neuron: the app's names -------------------------------------------------------------------------

    def _neuron(self, what: str) -> None:
        if not self.network.is_neuron:
            raise AttributeError(f"{what} names one neuron's parameters; this network has hidden layers (use "
                                 "params / grads by name)")

    @property
    def w(self) -> np.ndarray:
        self._neuron("w")
        return self.params["W1"][:, 0]

    @property
    def b(self) -> float:
        self._neuron("b")
        return float(self.params["b1"][0])

    @property
    def grad_w(self) -> np.ndarray:
        self._neuron("grad_w")
        return self.grads["W1"][:, 0]

    @property
    def grad_b(self) -> float:
        self._neuron("grad_b")
        return float(self.grads["b1"][0])

    @property
    def per_sample_grad_w(self) -> np.ndarray:
        self._neuron("per_sample_grad_w")
        return self.per_sample["W1"][:, :, 0]

    @property
    def per_sample_grad_b(self) -> np.ndarray:
        self._neuron("per_sample_grad_b")
        return self.per_sample["b1"][:, 0]

    @property
    def new_w(self) -> np.ndarray | None:
        self._neuron("new_w")
        return None if self.new_params is None else self.new_params["W1"][:, 0]

    @property
    def new_b(self) -> float | None:
        self._neuron("new_b")
        return None if self.new_params is None else float(self.new_params["b1"][0])


def make_trace(net: Network, X: Any, y: Any, params: Mapping[str, Any], lr: Any = None,
               precision: int = 4) -> Trace:
    """`Network.forward_backward`: check, run, record."""
    Xa, ya = net.check_data(X, y)
    p = net.check_params(params)
    rate = as_rate(lr)
    precision = as_precision(precision)
    with np.errstate(over="ignore", invalid="ignore"):
        run = net.run(Xa, ya, p)
    records = []
    for k, layer in enumerate(net.layers):
        lin = {"W": run.dW[k], "b": run.db[k]}
        if run.dA[k] is not None:
            lin["A"] = run.dA[k]
        records.append(record("linear", layer.index, {"A": run.A[k], "W": p[f"W{layer.index}"],
                                                      "b": p[f"b{layer.index}"]},
                              run.z[k], run.delta[k], None, lin))
        records.append(record("activation", layer.index, {"z": run.z[k]}, run.a[k], run.g[k], run.local[k],
                              {"z": run.delta[k]}))
    records.append(record("loss", net.depth, {"z": run.z[-1][:, 0], "a": run.a[-1][:, 0], "y": ya},
                          run.loss, 1.0, run.dL_da, {"a": run.dL_da}))
    grads = {}
    for k, layer in enumerate(net.layers):
        grads[f"W{layer.index}"], grads[f"b{layer.index}"] = frozen(run.dW[k]), frozen(run.db[k])
    new_params = new_loss = None
    if rate is not None:
        new_params = {k: frozen(p[k] - rate * grads[k]) for k in net.shapes}
        with np.errstate(over="ignore", invalid="ignore"):
            new_loss = net.loss_value(Xa, ya, new_params)
    _check_finite(net, run, grads, new_params, new_loss)
    return Trace(net, Xa, ya, dict(p), tuple(records), float(run.loss), dict(grads), rate,
                 None if new_params is None else dict(new_params), new_loss, precision)


def _check_finite(net: Network, run, grads: dict, new_params: dict | None, new_loss: float | None) -> None:
    """InputError when a number of the pass (or of its update) overflowed, naming where."""
    total = run.loss + sum(float(g.sum()) for g in grads.values()) + (new_loss or 0.0)
    if new_params is not None:
        total += sum(float(v.sum()) for v in new_params.values())
    if math.isfinite(total):
        return
    for k, layer in enumerate(net.layers):
        where = "" if net.is_neuron else f" in layer {layer.index}"
        for name, arr in (("z", run.z[k]), ("the activation", run.a[k]), ("dL/dz", run.delta[k])):
            bad = np.argwhere(~np.isfinite(arr))
            if bad.size:
                raise InputError(f"sample row {int(bad[0][0])}: {name}{where} overflows; use smaller values")
    raise InputError("the loss or the gradient overflows; use smaller values or a smaller learning rate")


def neuron(d: int, activation: str = "relu", loss: str = "mse") -> Network:
    """One neuron a = f(Xw + b) with d inputs: the network without hidden layers."""
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
    from .validation import as_matrix

    Xa = as_matrix(X)
    net = neuron(Xa.shape[1], activation, loss)
    Xa, ya = net.check_data(Xa, y)
    return net, Xa, ya, neuron_params(w, b, Xa.shape[1])


def forward_backward(X: Any, w: Any, b: Any, y: Any, activation: str = "relu", loss: str = "mse", lr: Any = None,
                     precision: int = 4) -> Trace:
    """One neuron's traced pass: X (N, d), w (d,), b, y (N,). With `lr`, also one gradient-descent step.

    `precision` is the number of decimals used in the steps' formulas. Raises InputError on bad input.
    """
    net, Xa, ya, params = neuron_inputs(X, w, b, y, activation, loss)
    return make_trace(net, Xa, ya, params, lr, precision)
