"""A network of ops: 0 to 3 hidden layers and an output unit, with a mean loss. One neuron is the network
without hidden layers.

    net = Network(inputs=2, hidden=[(2, "tanh")], output="sigmoid", loss="bce")
    params = net.init(seed=0)          # {"W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}
    net.param_names()                  # ["W1[0,0]", "W1[0,1]", ..., "b2[0]"]: the flat names
    t = net.forward_backward(X, y, params, lr=0.1)

Layer l maps a_{l-1} (N, fan_in) to z_l = a_{l-1} W_l + b_l and a_l = f_l(z_l), with a_0 = X; the last
layer has width 1 and its a is the prediction. Flat names `W1[i,j]` and `b2[j]` name single parameters
for training, surfaces, the gradient check and share links; for one neuron the aliases w0, w1, ... and b
name W1[j,0] and b1[0], as the app shows them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .activations import ACTIVATIONS, Activation, get_activation
from .losses import Loss, get_loss
from .ops import ActivationOp, Linear, LossOp, frozen
from .validation import MAX_ABS, MAX_FEATURES, InputError, as_learning_rate, as_matrix, as_vector, to_number

if TYPE_CHECKING:
    from .gradcheck import GradientCheck
    from .surface import Surface
    from .trace import Trace
    from .training import Trajectory

MAX_HIDDEN = 3
MAX_WIDTH = 64
MAX_PARAMS = 1000

_FLAT = re.compile(r"^([Wb])(\d+)\[(\d+)(?:,\s*(\d+))?\]$")


@dataclass(frozen=True)
class Layer:
    """Layer `index` (1-based): W (fan_in, fan_out), b (fan_out,), then `activation`."""

    index: int
    fan_in: int
    fan_out: int
    activation: Activation


@dataclass(frozen=True)
class Pass:
    """The bare numbers of one forward/backward pass, per layer l = 1..L (lists indexed l - 1).

    A[l-1] is the layer's input (A[0] = X), z and a its pre-activation and activation (N, width); g the
    upstream dL/da; local f'(z); delta dL/dz; dW, db the gradients; dA the gradient passed below (None for
    layer 1). `dL_da` is the loss's own derivative (N,) and `loss` the mean loss.
    """

    A: list
    z: list
    a: list
    g: list
    local: list
    delta: list
    dW: list
    db: list
    dA: list
    loss: float
    dL_da: np.ndarray


class Network:
    """Layers of Linear + Activation ops and a loss. Immutable once built; see the module docstring."""

    def __init__(self, inputs: int, hidden: Sequence[tuple[int, str]] = (), output: str = "identity",
                 loss: str = "mse") -> None:
        if isinstance(inputs, bool) or not isinstance(inputs, (int, np.integer)) or not 1 <= inputs <= MAX_FEATURES:
            raise InputError(f"inputs: {inputs!r} must be a whole number of features from 1 to {MAX_FEATURES}")
        hidden = list(hidden)
        if len(hidden) > MAX_HIDDEN:
            raise InputError(f"{len(hidden)} hidden layers: the limit is {MAX_HIDDEN}")
        widths, acts = [int(inputs)], []
        for l, spec in enumerate(hidden, 1):
            try:
                width, act = spec
            except (TypeError, ValueError):
                raise InputError(f"hidden layer {l}: {spec!r} must be a (width, activation) pair") from None
            if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or not 1 <= width <= MAX_WIDTH:
                raise InputError(f"hidden layer {l}: width {width!r} must be a whole number from 1 to {MAX_WIDTH}")
            try:
                acts.append(get_activation(act))
            except InputError as err:
                raise InputError(f"hidden layer {l}: {err}") from None
            widths.append(int(width))
        try:
            acts.append(get_activation(output))
        except InputError as err:
            raise InputError(f"output layer: {err}") from None
        widths.append(1)
        self.loss: Loss = get_loss(loss)
        if self.loss.output is not None and acts[-1].name != self.loss.output:
            raise InputError(
                f"{self.loss.label} needs the {ACTIVATIONS[self.loss.output].label.lower()} output (it scores the "
                f"probability a = σ(z)), but the output activation is {acts[-1].label}: choose "
                f"{ACTIVATIONS[self.loss.output].label}, or another loss")
        self.inputs = int(inputs)
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

    # ---- description -------------------------------------------------------------------------------------

    @property
    def hidden(self) -> tuple[tuple[int, str], ...]:
        return tuple((layer.fan_out, layer.activation.name) for layer in self.layers[:-1])

    @property
    def output(self) -> str:
        return self.layers[-1].activation.name

    @property
    def depth(self) -> int:
        """L, the number of layers with weights (hidden layers + the output)."""
        return len(self.layers)

    @property
    def is_neuron(self) -> bool:
        """True for one neuron: no hidden layers."""
        return self.depth == 1

    def __repr__(self) -> str:
        return (f"Network(inputs={self.inputs}, hidden={list(self.hidden)}, output={self.output!r}, "
                f"loss={self.loss.name!r})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Network) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple:  # pickled by its description (the registries' functions are lambdas)
        return Network, self._key()

    def _key(self) -> tuple:
        return self.inputs, self.hidden, self.output, self.loss.name

    def param_names(self) -> list[str]:
        """Every parameter's flat name, in order: W1[0,0], W1[0,1], ..., b1[0], ..., WL[.,0], bL[0]."""
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
        """A flat vector back into named arrays (views of `theta`)."""
        out, k = {}, 0
        for key, shape in self.shapes.items():
            size = int(np.prod(shape))
            out[key] = theta[k:k + size].reshape(shape)
            k += size
        return out

    def check_data(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """X (N, inputs) and y (N,) as read-only float64 arrays; InputError naming the cell."""
        Xa = as_matrix(X)
        n, d = Xa.shape
        if d != self.inputs:
            raise InputError(f"X has {d} feature column{'s' if d != 1 else ''} but the network has {self.inputs} "
                             f"input{'s' if self.inputs != 1 else ''}")
        ya = as_vector(y, n, "y", "y row {}", f"X has {n} rows (one target per sample)")
        lo, hi = self.loss.target_range
        bad = np.flatnonzero((ya < lo) | (ya > hi))
        if bad.size:
            i = int(bad[0])
            raise InputError(f"y row {i}: {ya[i]:g} is outside [{lo:g}, {hi:g}]; {self.loss.label.lower()} needs "
                             f"targets between {lo:g} and {hi:g} (use MSE for other targets)")
        for arr in (Xa, ya):
            arr.setflags(write=False)
        return Xa, ya

    # ---- computing ---------------------------------------------------------------------------------------

    def run(self, X: np.ndarray, y: np.ndarray, params: Mapping[str, np.ndarray]) -> Pass:
        """Forward then backward on checked arrays: every intermediate (see `Pass`)."""
        zs, as_ = self.forward(X, params)
        A = [X, *as_]
        zL, aL = zs[-1][:, 0], as_[-1][:, 0]
        loss = LossOp.forward(self.loss, zL, aL, y)
        dL_da = LossOp.backward(self.loss, zL, aL, y)
        L = self.depth
        g, local, delta, dW, db, dA = [None] * L, [None] * L, [None] * L, [None] * L, [None] * L, [None] * L
        upstream = dL_da[:, None]
        for k in range(L - 1, -1, -1):
            layer = self.layers[k]
            g[k] = upstream
            if k == L - 1 and self.loss.fused:
                local[k] = layer.activation.der(zs[k])
                delta[k] = self.loss.delta(zL, y)[:, None]
            else:
                local[k], delta[k] = ActivationOp.backward(layer.activation, zs[k], as_[k], upstream)
            W = params[f"W{layer.index}"]
            dW[k], db[k], passed = Linear.backward(A[k], W, delta[k])
            if k > 0:
                dA[k] = passed
                upstream = passed
        return Pass(A[:-1], zs, as_, g, local, delta, dW, db, dA, loss, dL_da)

    def predict(self, X: np.ndarray, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """The prediction a (N,) of the forward pass alone, on already-checked float arrays X (N, inputs) and
        params (see `check_params`); the same Linear and activation ops as `run`."""
        return self.forward(X, params)[1][-1][:, 0]

    def forward(self, X: np.ndarray, params: Mapping[str, np.ndarray]) -> tuple[list, list]:
        """The forward pass on checked arrays: every layer's z and a, (N, width) each, in two lists."""
        A, zs, as_ = X, [], []
        for layer in self.layers:
            z = Linear.forward(A, params[f"W{layer.index}"], params[f"b{layer.index}"])
            A = ActivationOp.forward(layer.activation, z)
            zs.append(z)
            as_.append(A)
        return zs, as_

    def loss_value(self, X: np.ndarray, y: np.ndarray, params: Mapping[str, np.ndarray]) -> float:
        """The loss alone, on checked arrays."""
        zs, as_ = self.forward(X, params)
        return self.loss.fn(zs[-1][:, 0], as_[-1][:, 0], y)

    def forward_backward(self, X: Any, y: Any, params: Mapping[str, Any], lr: Any = None,
                         precision: int = 4) -> Trace:
        """Check the inputs, run the pass, and return its `Trace` (with one SGD step when `lr` is given).
        `precision` is the number of decimals of the steps' formulas. Raises InputError on bad input."""
        from .trace import make_trace  # the trace module builds on this one

        return make_trace(self, X, y, params, lr, precision)

    def train(self, X: Any, y: Any, params: Mapping[str, Any], lr: Any, steps: int, optimizer: str = "sgd",
              trainable: Sequence[str] | None = None, **hyper) -> Trajectory:
        """`steps` updates of `optimizer` (sgd, momentum, adam as torch.optim; notebook); see training.train."""
        from .training import train_network

        return train_network(self, X, y, params, lr, steps, optimizer, trainable, **hyper)

    def loss_surface(self, X: Any, y: Any, params: Mapping[str, Any], axes: tuple[str, str], span: Any = 2.0,
                     resolution: Any = 51, method: str = "auto") -> Surface:
        """The loss over a grid of two parameters, the others held; see surface.surface_of."""
        from .surface import surface_of

        return surface_of(self, X, y, params, axes, span, resolution, method)

    def gradient_check(self, X: Any, y: Any, params: Mapping[str, Any], eps: float = 1e-6,
                       tolerance: float = 1e-6) -> GradientCheck:
        """Every parameter's analytic derivative against a central difference; see gradcheck.check_network."""
        from .gradcheck import check_network

        return check_network(self, X, y, params, eps, tolerance)


class OfNetwork:
    """For a result that carries its `network` (a trace, a trajectory, a surface): the names of its output activation
    and of its loss."""

    network: Network

    @property
    def activation(self) -> str:
        return self.network.output

    @property
    def loss_name(self) -> str:
        return self.network.loss.name


def as_rate(lr: Any) -> float | None:
    return None if lr is None else as_learning_rate(lr)


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


__all__ = ["MAX_HIDDEN", "MAX_PARAMS", "MAX_WIDTH", "Layer", "Network", "OfNetwork", "Pass", "as_rate", "frozen"]
