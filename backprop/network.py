"""A network is a list of ops: Linear 1, activation 1, ..., Linear L, the output activation, the loss, and a
penalty op when regularization is asked for. Forward is one loop over the list; backward one loop over it
reversed. One neuron is the network without hidden layers.

    net = Network(inputs=2, hidden=[(4, "tanh")], output="softmax", outputs=3, loss="ce")
    params = net.init(seed=0)          # {"W1": (2, 4), "b1": (4,), "W2": (4, 3), "b2": (3,)}
    net.param_names()                  # ["W1[0,0]", "W1[0,1]", ..., "b2[2]"]: the flat names
    t = net.forward_backward(X, y, params, lr=0.1)      # y: N class labels 0..2, or (N, 3) probability rows

Layer l maps a_{l-1} (N, fan_in) to z_l = a_{l-1} W_l + b_l and a_l = f_l(z_l), with a_0 = X; the last
layer has K units (`outputs`) and a_L is the prediction (N, K). The objective is the loss plus the penalty,
if any: each op that computes a term of it (`objective`) starts the backward pass with gradient 1. Flat names
`W1[i,j]` and `b2[j]` name single parameters for training, surfaces, the gradient check and share links; for
one neuron (no hidden layers, one output) the aliases w0, w1, ... and b name W1[j,0] and b1[0], as the app
shows them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import Activation, get_activation
from .gradcheck import GradientCheck, check_network
from .losses import Loss, get_loss
from .ops import ActivationOp, Linear, LossOp, PenaltyOp, Record, record
from .penalties import Penalty, get_penalty
from .surface import Surface, surface_of
from .trace import Trace, make_trace
from .training import Trajectory, train_network
from .validation import (
    MAX_ABS,
    MAX_FEATURES,
    InputError,
    as_matrix,
    as_targets,
    to_number,
)

MAX_HIDDEN = 3
MAX_WIDTH = 64
MAX_OUTPUTS = 8
MAX_PARAMS = 1000
CHUNK_ELEMENTS = 1 << 17  # parameter sets x samples x units evaluated at once by `objectives` (at least one set)

_FLAT = re.compile(r"^([Wb])(\d+)\[(\d+)(?:,\s*(\d+))?\]$")


@dataclass(frozen=True)
class Layer:
    """Layer `index` (1-based): W (fan_in, fan_out), b (fan_out,), then `activation`."""

    index: int
    fan_in: int
    fan_out: int
    activation: Activation


class Network:
    """Layers of Linear + activation ops, a loss, and optionally a penalty: the ops in `ops`, built once.
    Immutable; see the module docstring."""

    def __init__(self, inputs: int, hidden: Sequence[tuple[int, str]] = (), output: str = "identity",
                 loss: str = "mse", outputs: int = 1, regularization: str | None = None,
                 reg_rate: float = 0.0) -> None:
        if not _whole(inputs) or not 1 <= inputs <= MAX_FEATURES:
            raise InputError(f"inputs: {inputs!r} must be a whole number of features from 1 to {MAX_FEATURES}")
        if not _whole(outputs) or not 1 <= outputs <= MAX_OUTPUTS:
            raise InputError(f"outputs: {outputs!r} must be a whole number of output units from 1 to {MAX_OUTPUTS}")
        hidden = list(hidden)
        if len(hidden) > MAX_HIDDEN:
            raise InputError(f"{len(hidden)} hidden layers: the limit is {MAX_HIDDEN}")
        widths, acts = [int(inputs)], []
        for l, spec in enumerate(hidden, 1):
            try:
                width, act = spec
            except (TypeError, ValueError):
                raise InputError(f"hidden layer {l}: {spec!r} must be a (width, activation) pair") from None
            if not _whole(width) or not 1 <= width <= MAX_WIDTH:
                raise InputError(f"hidden layer {l}: width {width!r} must be a whole number from 1 to {MAX_WIDTH}")
            try:
                f = get_activation(act)
            except InputError as err:
                raise InputError(f"hidden layer {l}: {err}") from None
            if not f.hidden:
                raise InputError(f"hidden layer {l}: {f.label} is an output activation (it turns the outputs into "
                                 "probabilities); choose another activation for a hidden layer")
            acts.append(f)
            widths.append(int(width))
        try:
            out = get_activation(output)
        except InputError as err:
            raise InputError(f"output layer: {err}") from None
        if outputs < out.min_outputs:
            raise InputError(f"the {out.label.lower()} output needs at least {out.min_outputs} outputs (one per "
                             f"class), but the network has {outputs}: set the outputs to the number of classes, or "
                             "choose another output activation")
        acts.append(out)
        widths.append(int(outputs))
        self.loss: Loss = get_loss(loss)
        needs = self.loss.output
        if needs is not None and out.name != needs:
            wanted = get_activation(needs)
            what = "the probability a = σ(z)" if needs == "sigmoid" else "the probabilities a = softmax(z)"
            raise InputError(f"{self.loss.label} needs the {wanted.label.lower()} output (it scores {what}), but the "
                             f"output activation is {out.label}: choose {wanted.label}, or another loss")
        self.penalty: Penalty | None = None
        self.reg_rate = 0.0
        if regularization not in (None, "none"):
            self.penalty = get_penalty(regularization)
            self.reg_rate = _rate(reg_rate)
        elif reg_rate not in (0, 0.0, None):
            _rate(reg_rate)  # a bad rate is an error even when unused
        self.inputs = int(inputs)
        self.outputs = int(outputs)
        self.layers: tuple[Layer, ...] = tuple(
            Layer(l, widths[l - 1], widths[l], acts[l - 1]) for l in range(1, len(widths)))
        self.shapes: dict[str, tuple[int, ...]] = {}
        for layer in self.layers:
            self.shapes[f"W{layer.index}"] = (layer.fan_in, layer.fan_out)
            self.shapes[f"b{layer.index}"] = (layer.fan_out,)
        self.size = sum(int(np.prod(s)) for s in self.shapes.values())
        if self.size > MAX_PARAMS:
            raise InputError(f"the network has {self.size:,} parameters; the limit is {MAX_PARAMS:,} "
                             "(use fewer or narrower layers)")
        self._names = [n for key, shape in self.shapes.items() for n in _flat_names(key, shape)]
        self._index = {n: k for k, n in enumerate(self._names)}
        ops: list = []
        for layer in self.layers:
            ops.append(Linear(layer.index, "X" if layer.index == 1 else f"a{layer.index - 1}"))
            ops.append(ActivationOp(layer.index, layer.activation))
        ops.append(LossOp(self.depth, self.loss))
        if self.penalty is not None:
            ops.append(PenaltyOp(self.depth, self.penalty, self.reg_rate))
        self.ops = tuple(ops)

    # ---- description -------------------------------------------------------------------------------------

    @property
    def hidden(self) -> tuple[tuple[int, str], ...]:
        return tuple((layer.fan_out, layer.activation.name) for layer in self.layers[:-1])

    @property
    def output(self) -> str:
        return self.layers[-1].activation.name

    @property
    def regularization(self) -> str | None:
        return None if self.penalty is None else self.penalty.name

    @property
    def depth(self) -> int:
        """L, the number of layers with weights (hidden layers + the output)."""
        return len(self.layers)

    @property
    def is_neuron(self) -> bool:
        """True for one neuron: no hidden layers and one output."""
        return self.depth == 1 and self.outputs == 1

    @property
    def classifies(self) -> str:
        """How the output names classes: "argmax" (softmax), "threshold" (sigmoid, a >= 0.5), or ""."""
        return self.layers[-1].activation.classifies

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in (("outputs", self.outputs), ("regularization", self.regularization),
                                                     ("reg_rate", self.reg_rate))
                        if v != {"outputs": 1, "regularization": None, "reg_rate": 0.0}[k])
        return (f"Network(inputs={self.inputs}, hidden={list(self.hidden)}, output={self.output!r}, "
                f"loss={self.loss.name!r}{extra})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Network) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple:  # pickled by its description (the registries' functions are lambdas)
        return Network, self._key()

    def _key(self) -> tuple:
        return (self.inputs, self.hidden, self.output, self.loss.name, self.outputs, self.regularization,
                self.reg_rate)

    def param_names(self) -> list[str]:
        """Every parameter's flat name, in order: W1[0,0], W1[0,1], ..., b1[0], ..., WL[., K-1], bL[K-1]."""
        return list(self._names)

    def param_labels(self) -> list[str]:
        """The names the app shows: w0 .. w{d-1} and b for one neuron, else the flat names."""
        return [self.label(n) for n in self._names]

    def label(self, name: str) -> str:
        """A flat name as the app shows it (one neuron: W1[j,0] -> wj, b1[0] -> b)."""
        if not self.is_neuron:
            return name
        key, i, _ = _parse(name)
        return "b" if key == "b1" else f"w{i}"

    def resolve(self, name: str) -> str:
        """The flat name of `name` (a flat name, or for one neuron also w0.. and b); InputError if unknown."""
        if name in self._index:
            return name
        if self.is_neuron and isinstance(name, str):
            if name == "b":
                return "b1[0]"
            if re.fullmatch(r"w\d+", name) and int(name[1:]) < self.inputs:
                return f"W1[{int(name[1:])},0]"
        shown = ", ".join(self.param_labels()[:12]) + (" …" if self.size > 12 else "")
        raise InputError(f"{name!r} is not a parameter of this network; choose among {shown}")

    def index(self, name: str) -> int:
        """Position of parameter `name` in the flat vector."""
        return self._index[self.resolve(name)]

    # ---- parameters --------------------------------------------------------------------------------------

    def init(self, seed: int = 0, kind: str = "auto") -> dict[str, np.ndarray]:
        """Random weights and zero biases. "auto": He scaling, N(0, 2 / fan_in), for a layer whose activation is
        in the ReLU family; Xavier/Glorot, N(0, 2 / (fan_in + fan_out)), for the others. "he" or "xavier"
        forces one."""
        if kind not in ("auto", "he", "xavier"):
            raise InputError(f"init: {kind!r} must be auto, he or xavier")
        rng = np.random.default_rng(seed)
        out = {}
        for layer in self.layers:
            rule = layer.activation.init if kind == "auto" else kind
            var = 2.0 / layer.fan_in if rule == "he" else 2.0 / (layer.fan_in + layer.fan_out)
            out[f"W{layer.index}"] = rng.normal(0.0, np.sqrt(var), size=(layer.fan_in, layer.fan_out))
            out[f"b{layer.index}"] = np.zeros(layer.fan_out)
        return out

    def constant(self, value: float = 0.0) -> dict[str, np.ndarray]:
        """Every parameter set to `value`."""
        return {k: np.full(s, float(value)) for k, s in self.shapes.items()}

    def check_params(self, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """The parameters as read-only float64 arrays of their shapes; InputError naming the layer, parameter and
        cell for a missing one, a wrong shape, or a cell that is not a finite number within ±MAX_ABS."""
        if not isinstance(params, Mapping):
            raise InputError("params must map names (W1, b1, ...) to arrays")
        unknown = [k for k in params if k not in self.shapes]
        if unknown:
            raise InputError(f"{unknown[0]!r} is not a parameter of this network; it has {', '.join(self.shapes)}")
        out = {}
        for key, shape in self.shapes.items():
            layer = int(key[1:])
            what = f"layer {layer}'s {'weights' if key[0] == 'W' else 'biases'} {key}"
            if key not in params:
                raise InputError(f"{what} are missing; expected shape {_shape_text(shape)}")
            arr = _numbers(params[key], key, shape, what)
            arr.setflags(write=False)
            out[key] = arr
        return out

    def flatten(self, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """The parameters as one vector in `param_names()` order."""
        return np.concatenate([np.asarray(params[k], dtype=np.float64).ravel() for k in self.shapes])

    def unflatten(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """A flat vector (P,) back into named arrays (views of `theta`); a batch of them (B, P) into arrays with a
        leading batch axis, each bias (B, 1, fan_out) so that the ops' forward broadcasts over the samples."""
        out, k = {}, 0
        batch = theta.shape[:-1]
        for key, shape in self.shapes.items():
            size = math.prod(shape)
            piece = theta[..., k:k + size]
            out[key] = piece.reshape(*batch, *(shape if key[0] == "W" or not batch else (1, *shape)))
            k += size
        return out

    def check_data(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """X (N, inputs) and the targets as the loss reads them, (N,) for one output or (N, K), as read-only
        float64 arrays; InputError naming the cell. Class labels for cross-entropy become one-hot rows."""
        Xa = as_matrix(X)
        n, d = Xa.shape
        if d != self.inputs:
            raise InputError(f"X has {d} feature column{'s' if d != 1 else ''} but the network has {self.inputs} "
                             f"input{'s' if self.inputs != 1 else ''}")
        ya = as_targets(y, n, self.outputs, self.loss.targets)
        for arr in (Xa, ya):
            arr.setflags(write=False)
        return Xa, ya

    # ---- computing: one loop forward, one loop backward ---------------------------------------------------

    def evaluate(self, X: np.ndarray, params: Mapping[str, np.ndarray], y: np.ndarray | None = None) -> dict:
        """Every value of the forward pass by name (X, Y, W1, ..., z1, a1, ..., loss, penalty), on checked arrays.
        Without targets `y`, the ops up to the prediction. Params may carry a leading batch axis (`unflatten`)."""
        values = {"X": X, **params}
        ops = self.ops
        if y is None:
            ops = tuple(op for op in ops if op.kind in ("linear", "activation"))
        else:
            values["Y"] = np.reshape(y, (X.shape[0], self.outputs))
        for op in ops:
            values[op.output] = op.forward(*(values[name] for _, name in op.inputs))
        return values

    def backward(self, values: dict, records: bool = True) -> tuple[dict[str, np.ndarray], tuple[Record, ...]]:
        """The gradient of the objective with respect to every value, by name, and each op's Record in forward
        order (none without `records`: a training loop reads only the gradient), from the values of `evaluate`.
        Every term of the objective starts with gradient 1; each op in reverse passes the gradient of its output
        back to its inputs, where gradients from several ops add up."""
        grads: dict[str, Any] = {op.output: np.float64(1.0) for op in self.ops if op.objective}
        kept = []
        for op in reversed(self.ops):
            inputs = {role: values[name] for role, name in op.inputs}
            upstream = grads.get(op.output)
            local, passed = op.backward(inputs, values[op.output], upstream)
            names = dict(op.inputs)
            for role, g in passed.items():
                name = names[role]
                grads[name] = grads[name] + g if name in grads else g
            if records:
                kept.append(record(op, inputs, values[op.output], upstream, local, passed))
        return grads, tuple(reversed(kept))

    def objective(self, values: dict) -> np.ndarray:
        """The sum of the objective's terms (the loss, and the penalty) from `evaluate`'s values."""
        return sum(values[op.output] for op in self.ops if op.objective)

    def objectives(self, X: np.ndarray, y: np.ndarray, thetas: np.ndarray) -> np.ndarray:
        """The objective at each row of `thetas` (B, P), (B,): the same ops' forward pass on blocks of parameter
        sets at once, each parameter stacked along a leading axis (checked arrays)."""
        widest = max(layer.fan_out for layer in self.layers)
        block = max(1, CHUNK_ELEMENTS // max(1, X.shape[0] * widest))
        out = np.empty(len(thetas))
        for start in range(0, len(thetas), block):
            out[start:start + block] = self.objective(self.evaluate(X, self.unflatten(thetas[start:start + block]), y))
        return out

    def predict(self, X: np.ndarray, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """The prediction a_L of the forward pass alone, (N,) for one output or (N, K), on already-checked float
        arrays X (N, inputs) and params (see `check_params`)."""
        a = self.evaluate(X, params)[f"a{self.depth}"]
        return a[..., 0] if self.outputs == 1 else a

    def loss_value(self, X: np.ndarray, y: np.ndarray, params: Mapping[str, np.ndarray]) -> float:
        """The objective (loss + penalty) alone, on checked arrays."""
        return float(self.objective(self.evaluate(X, params, y)))

    def forward_backward(self, X: Any, y: Any, params: Mapping[str, Any], lr: Any = None) -> Trace:
        """Check the inputs, run the pass, and return its `Trace` (with one SGD step when `lr` is given).
        Raises InputError on bad input."""
        return make_trace(self, X, y, params, lr)

    def train(self, X: Any, y: Any, params: Mapping[str, Any], lr: Any, steps: int | None = None,
              optimizer: str = "sgd", trainable: Sequence[str] | None = None, **options) -> Trajectory:
        """Updates of `optimizer` (sgd, momentum, adam as torch.optim; notebook), full batch or in mini-batches
        (`batch_size`, `epochs`, `seed`, held-out `X_test`, `y_test`); see training.train_network."""
        return train_network(self, X, y, params, lr, steps, optimizer, trainable, **options)

    def loss_surface(self, X: Any, y: Any, params: Mapping[str, Any], axes: tuple[str, str], span: Any = 2.0,
                     resolution: Any = 51, method: str = "auto") -> Surface:
        """The objective over a grid of two parameters, the others held; see surface.surface_of."""
        return surface_of(self, X, y, params, axes, span, resolution, method)

    def gradient_check(self, X: Any, y: Any, params: Mapping[str, Any], eps: float | None = None,
                       tolerance: float = 1e-6) -> GradientCheck:
        """Every parameter's analytic derivative against a central difference; see gradcheck.check_network."""
        return check_network(self, X, y, params, eps, tolerance)


def _whole(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def _rate(value: Any) -> float:
    """λ, a regularization rate: a finite number >= 0."""
    rate = to_number(value, "regularization rate λ")
    if rate < 0:
        raise InputError(f"regularization rate λ: {rate:g} must be 0 or more (a penalty that rewards large weights "
                         "has no minimum)")
    return rate


def _flat_names(key: str, shape: tuple[int, ...]) -> list[str]:
    if len(shape) == 2:
        return [f"{key}[{i},{j}]" for i in range(shape[0]) for j in range(shape[1])]
    return [f"{key}[{j}]" for j in range(shape[0])]


def _parse(name: str) -> tuple[str, int, int | None]:
    m = _FLAT.match(name)
    if m is None:
        raise InputError(f"{name!r} is not a parameter name like W1[0,1] or b2[0]")
    return f"{m[1]}{m[2]}", int(m[3]), None if m[4] is None else int(m[4])


def _shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _numbers(value: Any, key: str, shape: tuple[int, ...], what: str) -> np.ndarray:
    """One parameter as a float64 array of `shape`, naming the bad cell."""
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        arr = None
    if arr is not None and arr.shape != shape and arr.size == int(np.prod(shape)) and len(shape) == 1:
        arr = arr.reshape(shape)  # a (1, h) row or an (h, 1) column for a bias
    if arr is not None and arr.shape == shape and arr.size and float(np.abs(arr).max()) <= MAX_ABS:
        return arr + 0.0
    cells = np.array(value, dtype=object)
    if cells.shape != shape and not (len(shape) == 1 and cells.size == shape[0] and cells.ndim <= 2):
        raise InputError(f"{what} have shape {_shape_text(cells.shape)}; expected {_shape_text(shape)} "
                         f"({'fan_in × fan_out' if len(shape) == 2 else 'one per unit'})")
    cells = cells.reshape(shape)
    out = np.empty(shape)
    for idx in np.ndindex(*shape):
        where = f"{key}[{','.join(map(str, idx))}]"
        out[idx] = to_number(cells[idx], f"layer {key[1:]}, {where}")
    return out


__all__ = ["MAX_HIDDEN", "MAX_OUTPUTS", "MAX_PARAMS", "MAX_WIDTH", "Layer", "Network"]
