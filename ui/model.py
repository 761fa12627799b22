"""The app's model state as plain, hashable data, and the presets. No Streamlit here.

Cells are kept as the text the user typed, so a bad cell survives on screen until it is fixed;
the engine turns them into numbers or names the bad cell. One neuron (no hidden layers) keeps its weights
in `w` and `b`; a network keeps its hidden layers' W_l and b_l in `layers`, and its output unit's weights
and bias in `w` and `b` too, so the output layer reads the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

import backprop as bp
from backprop import ACTIVATIONS, LOSSES, feature_names, neuron_labels
from backprop.neuron import neuron_inputs

# The registries decide what the app offers: what works with the one output the app's models have.
ACTIVATION_CHOICES = tuple(k for k, a in ACTIVATIONS.items() if a.min_outputs == 1)
LOSS_CHOICES = tuple(k for k, loss in LOSSES.items() if loss.output in (None, *ACTIVATION_CHOICES))
PRECISION_RANGE = (1, 10)
MAX_SHOWN_WIDTH = 8  # units per hidden layer the app offers (the engine allows more)
Rows = tuple[tuple[str, ...], ...]


def cell(value: float) -> str:
    """A number as the text an editor cell shows: short, exact for round values."""
    return f"{float(value) + 0.0:.10g}"  # + 0.0 folds -0.0 into 0


@dataclass(frozen=True)
class Model:
    """What the user edits. X rows of cell texts (N x d), y (N,); the output unit's weights w and bias b; the
    hidden layers as (width, activation) pairs in `hidden` and their (W rows, b) texts in `layers`; lr; the
    output activation, the loss; precision."""

    X: Rows
    y: tuple[str, ...]
    w: tuple[str, ...]
    b: str
    lr: str = "0.01"
    activation: str = "relu"
    loss: str = "mse"
    precision: int = 4
    hidden: tuple[tuple[int, str], ...] = ()
    layers: tuple[tuple[Rows, tuple[str, ...]], ...] = ()

    @property
    def is_neuron(self) -> bool:
        return not self.hidden

    @property
    def n_features(self) -> int:
        return len(self.layers[0][0]) if self.hidden else len(self.w)

    @property
    def features(self) -> list[str]:
        return feature_names(self.n_features)

    @property
    def params(self) -> list[str]:
        """The parameters' names as the app shows them: w0.., b for one neuron, else the flat names."""
        return neuron_labels(self.n_features) if self.is_neuron else self.network().param_names()

    def network(self) -> bp.Network:
        """The engine's network of this model (InputError for a combination it refuses)."""
        return bp.Network(inputs=self.n_features, hidden=self.hidden, output=self.activation, loss=self.loss)

    def engine(self, activation: str | None = None, loss: str | None = None) -> tuple:
        """(network, X, y, params) checked by the engine, for the model's own output activation and loss or the
        ones given; InputError names the bad cell (one neuron's as "weight w0", a network's as "W1[0,1]")."""
        act, lossname = activation or self.activation, loss or self.loss
        if self.is_neuron:
            return neuron_inputs(self.X, self.w, self.b, self.y, act, lossname)
        net = bp.Network(inputs=self.n_features, hidden=self.hidden, output=act, loss=lossname)
        X, y = net.check_data(self.X, self.y)
        return net, X, y, net.check_params(self.param_texts())

    def param_texts(self) -> dict:
        """Every layer's cells by parameter name (W1, b1, ..., WL, bL), as the engine takes them."""
        out = {}
        for l, (W, b) in enumerate(self.layers, 1):
            out[f"W{l}"], out[f"b{l}"] = [list(r) for r in W], list(b)
        L = len(self.layers) + 1
        out[f"W{L}"], out[f"b{L}"] = [[v] for v in self.w], [self.b]
        return out

    def with_params(self, values: dict) -> Model:
        """The model with every layer's cells from `values` (W1, b1, ..., numbers or texts by name)."""
        L = len(self.hidden) + 1
        layers = tuple((tuple(tuple(_text(v) for v in row) for row in np.asarray(values[f"W{l}"], dtype=object)),
                        tuple(_text(v) for v in np.ravel(np.asarray(values[f"b{l}"], dtype=object))))
                       for l in range(1, L))
        w = tuple(_text(v) for v in np.ravel(np.asarray(values[f"W{L}"], dtype=object)))
        return replace(self, layers=layers, w=w, b=_text(np.ravel(np.asarray(values[f"b{L}"], dtype=object))[0]))

    def with_feature_added(self) -> Model:
        """One more feature column (zeros) and its weight(s) (0)."""
        X = tuple(r + ("0",) for r in self.X)
        if self.is_neuron:
            return replace(self, X=X, w=self.w + ("0",))
        (W, b), *rest = self.layers
        return replace(self, X=X, layers=((W + (("0",) * len(W[0]),), b), *rest))

    def with_feature_removed(self) -> Model:
        """Drop the last feature column and its weight(s); at least one feature stays."""
        if self.n_features <= 1:
            return self
        X = tuple(r[:-1] for r in self.X)
        if self.is_neuron:
            return replace(self, X=X, w=self.w[:-1])
        (W, b), *rest = self.layers
        return replace(self, X=X, layers=((W[:-1], b), *rest))

    def flat_texts(self) -> list[str]:
        """Every parameter's cell, in the order of `params`."""
        if self.is_neuron:
            return [*self.w, self.b]
        return [str(v) for v in (c for k, v in self.param_texts().items() for c in np.ravel(np.asarray(v, object)))]

    def layer_edited(self, key: str, changes: dict) -> Model:
        """Apply an editor's edits to one parameter's table, W1.. or b1.. (the output layer's too): `changes`
        {row: {column: value}} with the units' column numbers; a bias table has the one row 0."""
        texts = self.param_texts()
        table = [list(r) for r in texts[key]] if key[0] == "W" else [list(texts[key])]
        for i, row in changes.items():
            for j, value in row.items():
                if int(i) < len(table) and int(j) < len(table[int(i)]):
                    table[int(i)][int(j)] = _text(value)
        texts[key] = table if key[0] == "W" else table[0]
        return self.with_params(texts)

    def unit_names(self, layer: int) -> list[str]:
        """The names of layer `layer`'s units (0: the inputs x0..; the output layer: ŷ; else h1[0], ...)."""
        if layer == 0:
            return self.features
        if layer == len(self.hidden) + 1:
            return ["ŷ"]
        return [f"h{layer}[{j}]" for j in range(self.hidden[layer - 1][0])]

    def with_architecture(self, hidden: tuple[tuple[int, str], ...], seed: int = 0) -> tuple[Model, str]:
        """The model with hidden layers `hidden`: every weight and bias whose place (layer, row, column) still
        exists keeps its cell; the others are initialised (He / Xavier with `seed`). Returns the model and a
        sentence saying what was kept and what was initialised."""
        new = replace(self, hidden=tuple((int(w), a) for w, a in hidden))
        net = bp.Network(inputs=self.n_features, hidden=new.hidden, output=self.activation, loss=self.loss)
        fresh = net.init(seed=seed)
        old = self.param_texts()
        old_L, new_L = len(self.hidden) + 1, len(new.hidden) + 1
        kept, made = [], []
        values = {}
        for key, shape in net.shapes.items():
            arr = np.vectorize(cell, otypes=[object])(np.round(fresh[key], 3))
            l = int(key[1:])
            # the same role: hidden layer l for hidden layer l, the output layer for the output layer
            source = f"{key[0]}{old_L}" if l == new_L else key if l < old_L else None
            if source is not None:
                src = np.asarray(old[source], dtype=object)
                rows = min(shape[0], src.shape[0])
                if len(shape) == 2:
                    cols = min(shape[1], src.shape[1])
                    arr[:rows, :cols] = src[:rows, :cols]
                    whole = src.shape == shape
                else:
                    arr[:rows] = src[:rows]
                    whole = src.shape == shape
                (kept if whole else made).append(key + ("" if whole else " (in part)"))
            else:
                made.append(key)
            values[key] = arr
        moved = new.with_params(values)
        said = []
        if kept:
            said.append(f"kept {', '.join(kept)}")
        if made:
            said.append(f"initialised {', '.join(made)} (He / Xavier, seed {seed})")
        return moved, ("Architecture changed: " + "; ".join(said) + ".") if said else ""

    def with_init(self, kind: str = "auto", seed: int = 0, value: float = 0.0) -> Model:
        """Every weight and bias afresh: "auto" (He for the ReLU family, Xavier for the others), "he", "xavier" with
        `seed`, or "constant" (every parameter `value`)."""
        net = self.network()
        values = net.constant(value) if kind == "constant" else net.init(seed=seed, kind=kind)
        return self.with_params({k: np.round(v, 4) for k, v in values.items()})

    def edited(self, rows: dict, added: list, deleted: list) -> Model:
        """Apply a data editor's delta on the X|y table: edited {row: {col: value}}, added rows, deleted."""
        table = [list(r) + [t] for r, t in zip(self.X, self.y, strict=True)]
        cols = self.features + ["y"]
        for i, changes in rows.items():
            for col, value in changes.items():
                if col in cols and int(i) < len(table):
                    table[int(i)][cols.index(col)] = _text(value)
        for new in added:
            table.append([_text(new.get(c)) for c in cols])
        gone = {int(i) for i in deleted}
        table = [r for i, r in enumerate(table) if i not in gone]
        return replace(self, X=tuple(tuple(r[:-1]) for r in table), y=tuple(r[-1] for r in table))

    def unfilled_rows(self) -> tuple[int, ...]:
        """The trailing rows of X|y with a blank cell: rows being filled in (a new row starts empty), which the
        results leave out until they are complete. None when that would leave no row at all."""
        n = len(self.X)
        while n and any(not c.strip() for c in (*self.X[n - 1], self.y[n - 1])):
            n -= 1
        return tuple(range(n, len(self.X))) if n else ()

    def filled(self) -> Model:
        """The model without its unfilled trailing rows: what the engine computes on."""
        keep = len(self.X) - len(self.unfilled_rows())
        return self if keep == len(self.X) else replace(self, X=self.X[:keep], y=self.y[:keep])

    def same_example(self, other: Model) -> bool:
        """Whether both hold the same cells and settings (the decimals shown may differ)."""
        return replace(self, precision=other.precision) == other

    def params_edited(self, changes: dict) -> Model:
        """Apply edits to the one-row w|b table: {col: value}."""
        w = list(self.w)
        b = self.b
        for col, value in changes.items():
            if col == "b":
                b = _text(value)
            elif col in self.params:
                w[self.params.index(col)] = _text(value)
        return replace(self, w=tuple(w), b=b)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if value != value else cell(value)
    return str(value)


def from_arrays(X, y, w, b, **settings) -> Model:
    """A Model from numbers."""
    X = np.asarray(X, dtype=float)
    return Model(
        X=tuple(tuple(cell(v) for v in r) for r in X),
        y=tuple(cell(v) for v in np.ravel(y)),
        w=tuple(cell(v) for v in np.ravel(w)),
        b=cell(b),
        **{k: (cell(v) if k == "lr" else v) for k, v in settings.items()},
    )


def network_model(X, y, hidden, params: dict | None = None, seed: int = 0, **settings) -> Model:
    """A Model of a network from numbers: `hidden` (width, activation) pairs, `params` W1, b1, ... by name (default:
    He / Xavier with `seed`, to 3 decimals)."""
    X = np.asarray(X, dtype=float)
    base = replace(from_arrays(X, y, [0.0] * X.shape[1], 0.0, **settings), hidden=tuple(hidden),
                   layers=tuple(((("0",) * w,) * X.shape[1], ("0",) * w) if l == 0 else
                                ((("0",) * w,) * hidden[l - 1][0], ("0",) * w) for l, (w, _) in enumerate(hidden)))
    if params is None:
        params = {k: np.round(v, 3) for k, v in base.network().init(seed=seed).items()}
    return base.with_params(params)


SEED = from_arrays([[1, 2], [2, 1], [-1, -2]], [1, 0, 0], [0.1, 0.2], 1, lr=0.01)


def random_model(seed: int = 0, n: int = 8, d: int = 2) -> Model:
    """Random data with a seed: X ~ N(0, 1) to 2 decimals, y from a noisy ReLU teacher, small w."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(n, d)), 2)
    teacher = rng.normal(size=d)
    y = np.round(np.maximum(0, X @ teacher + 0.5) + 0.1 * rng.normal(size=n), 2)
    w = np.round(rng.normal(scale=0.5, size=d), 2)
    return from_arrays(X, y, w, 0.1, lr=0.05)


PRESETS: dict[str, tuple[str, Model, str]] = {  # name: (short label, model, what it shows)
    "seed": ("Seed notebook", SEED, "The seed notebook's example: one ReLU neuron, MSE, η = 0.01."),
    "dead_relu": (
        "Dead ReLU",
        from_arrays([[1, 2], [2, 1], [-1, -2], [-2, -1]], [1, 0, 0, 1], [0.5, 0.5], 0, lr=0.05),
        "Two samples have z < 0 and contribute nothing.",
    ),
    "all_dead": (
        "All units dead",
        from_arrays([[1, 2], [2, 1], [-1, -2]], [1, 0, 0], [-1, -1], -5, lr=0.01),
        "Every z < 0, so the gradient is zero.",
    ),
    "saturated_sigmoid": (
        "Saturated sigmoid",
        from_arrays([[1, 2], [2, 1], [-1, -2]], [0, 1, 1], [5, 5], 5, lr=0.1, activation="sigmoid"),
        "Large |z| makes sigmoid's slope vanish.",
    ),
    "diverging_lr": (
        "Diverging (η = 2)",
        from_arrays([[1, 2], [2, 1], [-1, -2]], [1, 0, 0], [0.1, 0.2], 1, lr=2),
        "A learning rate so large that the loss grows at every step.",
    ),
    "relu_kink": (
        "ReLU kink (z = 0)",
        from_arrays([[1, 2], [2, 1], [-1, -2]], [1, 0, 0], [1, 0], -1, lr=0.01),
        "A sample sits exactly at ReLU's kink, z = 0.",
    ),
    "random": ("Random data", random_model(0), "Random data drawn with a seed: the same seed, the same data."),
    "xor": (
        "XOR, 2-2-1 tanh",
        network_model([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], [(2, "tanh")],
                      {"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]},
                      lr=0.1, activation="identity"),
        "XOR: no straight line separates the 1s from the 0s, so one neuron cannot learn it; a hidden layer of two "
        "tanh units can.",
    ),
    "circles": (
        "Two circles, 2-4-1",
        network_model(*bp.datasets.circles(), [(4, "tanh")], lr=0.1, activation="sigmoid", loss="bce"),
        "A ring of 0s around a disc of 1s: four tanh units draw a closed boundary; one neuron's is a line.",
    ),
    "moons": (
        "Two moons, 2-4-1",
        network_model(*bp.datasets.moons(), [(4, "tanh")], lr=0.1, activation="sigmoid", loss="bce"),
        "Two interleaving half-moons: the boundary between them has to bend.",
    ),
    "sine": (
        "Sine regression, 1-8-1",
        network_model(*bp.datasets.sine(), [(8, "tanh")], lr=0.05, activation="identity", loss="mse"),
        "y = sin x with a little noise: eight tanh units add up to the wave; one neuron fits a line.",
    ),
}
