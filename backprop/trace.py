"""The trace of one forward/backward pass of a network: every intermediate, per op and per sample.

`Trace.records` holds one `Record` per op of the network, in forward order (Linear 1, activation 1, ...,
Linear L, the output activation, the loss, the penalty if any), each with its inputs, output, upstream
gradient, local derivative and the gradients it passed back; `record(op, layer)` finds one. `grads[name]`
has its parameter's shape: the gradient of the objective (loss + penalty). `per_sample[name]` (N, *shape)
holds each sample's share of the loss's gradient and sums over the samples to `data_grads[name]`; the
penalty's gradient, `penalty_grads`, belongs to no sample.

One neuron, a = f(Xw + b), is the network without hidden layers and with one output; its trace also answers in
the one-neuron names the app shows (w, b, grad_w, ...). The output's quantities (z, prediction, delta, ...)
are (N,) for one output and (N, K) for K. Nothing here writes lesson text: the `lesson` package reads traces.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .ops import Linear, Record, frozen
from .validation import InputError, as_learning_rate


class OfNetwork:
    """For a result that carries its `network` (a trace, a trajectory, a surface): the names of its output activation
    and of its loss."""

    network: Any

    @property
    def activation(self) -> str:
        return self.network.output

    @property
    def loss_name(self) -> str:
        return self.network.loss.name


@dataclass(frozen=True, eq=False)
class Trace(OfNetwork):
    """One traced pass (see the module docstring). X (N, d); y the targets as the loss reads them ((N,) or (N, K);
    class labels as one-hot rows); params and grads by name (W1, b1, ...); `loss` the objective; with a learning
    rate `lr`, `new_params` after one gradient-descent step and their objective `new_loss`."""

    network: Any
    X: np.ndarray
    y: np.ndarray
    params: Mapping[str, np.ndarray]
    records: tuple[Record, ...]
    loss: float
    grads: Mapping[str, np.ndarray]
    lr: float | None = None
    new_params: Mapping[str, np.ndarray] | None = None
    new_loss: float | None = None

    # ---- records ------------------------------------------------------------------------------------------

    @cached_property
    def _by_op(self) -> dict[tuple[str, int], Record]:
        return {(r.op, r.layer): r for r in self.records}

    def record(self, op: str, layer: int | None = None) -> Record:
        """The record of op `op` ("linear", "activation", "loss", "penalty") of layer `layer` (default: the top
        layer, L); KeyError when the network has no such op."""
        return self._by_op[op, self.network.depth if layer is None else layer]

    def layer_records(self, layer: int) -> tuple[Record, Record]:
        """(Linear record, activation record) of layer `layer` (1-based)."""
        return self.record("linear", layer), self.record("activation", layer)

    @property
    def has_penalty(self) -> bool:
        return ("penalty", self.network.depth) in self._by_op

    # ---- the objective and its parts ----------------------------------------------------------------------

    @property
    def data_loss(self) -> float:
        """The loss of the data alone (the objective without the penalty)."""
        return float(self.record("loss").output)

    @property
    def penalty(self) -> float:
        """The regularization penalty (0 without regularization)."""
        return float(self.record("penalty").output) if self.has_penalty else 0.0

    @cached_property
    def data_grads(self) -> Mapping[str, np.ndarray]:
        """The loss's gradient alone, by name: what the samples' shares add up to."""
        out = {}
        for layer in self.network.layers:
            lin = self.record("linear", layer.index)
            out[f"W{layer.index}"], out[f"b{layer.index}"] = lin.grads["W"], lin.grads["b"]
        return out

    @cached_property
    def penalty_grads(self) -> Mapping[str, np.ndarray]:
        """The penalty's gradient by name (zeros for the biases, and for all without regularization)."""
        pen = self.record("penalty").grads if self.has_penalty else {}
        return {k: pen[k] if k in pen else frozen(np.zeros(s)) for k, s in self.network.shapes.items()}

    @cached_property
    def per_sample(self) -> Mapping[str, np.ndarray]:
        """Each sample's share of the loss's gradient, (N, *shape) by name; summed over samples, `data_grads`."""
        out = {}
        for layer in self.network.layers:
            lin = self.record("linear", layer.index)
            w, b = Linear.shares(lin.inputs["A"], lin.upstream)
            out[f"W{layer.index}"], out[f"b{layer.index}"] = frozen(w), frozen(b)
        return out

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

    # ---- the output layer (any network): (N,) for one output, (N, K) for K --------------------------------

    def _out(self, arr: np.ndarray) -> np.ndarray:
        return arr[:, 0] if self.network.outputs == 1 else arr

    @property
    def outputs(self) -> int:
        return self.network.outputs

    @property
    def Y(self) -> np.ndarray:
        """The targets as a (N, K) table."""
        return self.record("loss").inputs["Y"]

    @property
    def z(self) -> np.ndarray:
        """The output layer's pre-activation."""
        return self._out(self.record("linear").output)

    @property
    def prediction(self) -> np.ndarray:
        """The output a = f(z)."""
        return self._out(self.record("activation").output)

    @property
    def delta(self) -> np.ndarray:
        """dL/dz at the output."""
        return self._out(self.record("linear").upstream)

    @property
    def dloss_dpred(self) -> np.ndarray:
        """dL/da at the output. For a loss that reads the logits (BCE, cross-entropy) this is not on the backward
        path: it is the loss's derivative with respect to the probability, infinite where a probability rounds
        to 0 or 1 (the fused delta stays exact)."""
        loss = self.network.loss
        if not loss.fused:
            return self._out(self.record("loss").local)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self._out(loss.grad_a(self.record("activation").output, self.Y))

    @property
    def dpred_dz(self) -> np.ndarray:
        """f'(z) at the output, (N,) or (N, K); softmax's Jacobian (N, K, K)."""
        local = self.record("activation").local
        return local[:, 0] if local.ndim == 2 and self.network.outputs == 1 else local

    @property
    def inactive(self) -> np.ndarray:
        """Boolean (N,): samples that pass no gradient back, their every delta exactly 0 (a dead ReLU, a sigmoid
        whose slope rounds to 0 under MSE, or a prediction equal to its target)."""
        return (self.record("linear").upstream == 0).all(axis=1)

    # ---- classes: for a softmax output (argmax) or a sigmoid output (a >= 0.5) ------------------------------

    @property
    def probabilities(self) -> np.ndarray | None:
        """The predicted probabilities (N, K), for a classifier's output; None for others."""
        return self.record("activation").output if self.network.classifies else None

    @property
    def predicted(self) -> np.ndarray | None:
        """Each sample's predicted class (N,) for softmax (the most probable) and one sigmoid output (a >= 0.5);
        (N, K) zeros and ones for K sigmoid outputs (multi-label); None for a regression."""
        return _classes(self.network.classifies, self.record("activation").output, self.network.outputs)

    @property
    def labels(self) -> np.ndarray | None:
        """Each sample's true class, in the shape of `predicted` (for softmax the most probable class of its target
        row); None for a regression."""
        return _classes(self.network.classifies, self.Y, self.network.outputs)

    @property
    def correct(self) -> np.ndarray | None:
        """Whether each prediction is right: (N,), or (N, K) for multi-label; None for a regression."""
        p = self.predicted
        return None if p is None else p == self.labels

    @property
    def accuracy(self) -> float | None:
        """The fraction of right predictions (of every output, for multi-label); None for a regression."""
        c = self.correct
        return None if c is None else float(np.mean(c))

    # ---- one neuron: the app's names -------------------------------------------------------------------------

    def _neuron(self, what: str) -> None:
        if not self.network.is_neuron:
            raise AttributeError(f"{what} names one neuron's parameters; this network has hidden layers or several "
                                 "outputs (use params / grads by name)")

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


def _classes(rule: str, table: np.ndarray, outputs: int) -> np.ndarray | None:
    """Classes from a (N, K) table of probabilities (or targets): argmax, or a >= 0.5 per output."""
    if rule == "argmax":
        return table.argmax(axis=1)
    if rule == "threshold":
        cls = (table >= 0.5).astype(np.intp)
        return cls[:, 0] if outputs == 1 else cls
    return None


def make_trace(net, X: Any, y: Any, params: Mapping[str, Any], lr: Any = None) -> Trace:
    """`Network.forward_backward`: check, run forward then backward, record."""
    Xa, ya = net.check_data(X, y)
    p = net.check_params(params)
    rate = None if lr is None else as_learning_rate(lr)
    with np.errstate(over="ignore", invalid="ignore"):
        values = net.evaluate(Xa, p, ya)
        grads, records = net.backward(values)
    loss = float(net.objective(values))
    by_name = {k: frozen(grads[k]) for k in net.shapes}
    new_params = new_loss = None
    if rate is not None:
        new_params = {k: frozen(p[k] - rate * by_name[k]) for k in net.shapes}
        with np.errstate(over="ignore", invalid="ignore"):
            new_loss = net.loss_value(Xa, ya, new_params)
    _check_finite(net, values, loss, by_name, new_params, new_loss)
    return Trace(net, Xa, ya, p, records, loss, by_name, rate, new_params, new_loss)


def _check_finite(net, values: dict, loss: float, grads: dict, new_params: dict | None,
                  new_loss: float | None) -> None:
    """InputError when a number of the pass (or of its update) overflowed, naming where."""
    total = loss + sum(float(g.sum()) for g in grads.values()) + (new_loss or 0.0)
    if new_params is not None:
        total += sum(float(v.sum()) for v in new_params.values())
    if math.isfinite(total):
        return
    for layer in net.layers:
        where = "" if net.is_neuron else f" in layer {layer.index}"
        for name, key in (("z", f"z{layer.index}"), ("the activation", f"a{layer.index}")):
            bad = np.argwhere(~np.isfinite(values[key]))
            if bad.size:
                raise InputError(f"sample row {int(bad[0][0])}: {name}{where} overflows; use smaller values")
    raise InputError("the loss or the gradient overflows; use smaller values or a smaller learning rate")


__all__ = ["OfNetwork", "Trace", "make_trace"]
