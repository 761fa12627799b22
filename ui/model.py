"""The app's model state as plain, hashable data, and the presets. No Streamlit here.

Cells are kept as the text the user typed, so a bad cell survives on screen until it is fixed;
the engine turns them into numbers or names the bad cell. One neuron (no hidden layers) keeps its weights
in `w` and `b`; a network keeps its hidden layers' W_l and b_l in `layers`, and its output layer's weights
and biases in `w` and `b` too, so the output layer reads the same in both.

With K > 1 outputs the output layer's `w` holds one row of K cells per unit it reads and `b` K cells; the
targets `y` hold one row of K cells per sample, or (for cross-entropy) one class label per sample. One cell
per sample (a text) or one row per sample (a tuple of texts): `y_rows` reads both as rows.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

import backprop as bp
from backprop import ACTIVATIONS, LOSSES, feature_names, neuron_labels
from backprop.neuron import neuron_inputs

# The registries decide what the app offers: any activation for a hidden layer that may be one, every activation
# for the output layer (softmax needs K >= 2 outputs: the engine says so), every loss.
ACTIVATION_CHOICES = tuple(k for k, a in ACTIVATIONS.items() if a.hidden)
OUTPUT_CHOICES = tuple(ACTIVATIONS)
LOSS_CHOICES = tuple(LOSSES)
OUTPUTS_RANGE = (1, bp.MAX_OUTPUTS)
REGULARIZATIONS = {"none": "None", **{k: k.upper() for k in bp.PENALTIES}}  # short: a narrow sidebar column
REG_RATE_RANGE = (0.0, 10.0)
PRECISION_RANGE = (1, 10)
MAX_SHOWN_WIDTH = 8  # units per hidden layer the app offers (the engine allows more)
MAX_NAME = 40  # characters of a feature's or a class's name
NAME_FORBIDDEN = ("<", ">", "&", "\"", "`")  # never needed in a name; safe in any context it is shown
TARGET_COLUMN = re.compile(r"y\d*|class")  # the targets' column names in the X|y table: no feature may take one
Rows = tuple[tuple[str, ...], ...]
Cells = tuple[str, ...] | Rows  # one cell per sample / unit, or a row of K cells each (K outputs)


def names_problem(names, d: int) -> str | None:
    """What keeps `names` from naming d features (one each, distinct, 1 to MAX_NAME characters, none of
    NAME_FORBIDDEN, none a target column's name), or None when they can."""
    names = tuple(names)
    if len(names) != d:
        return f"{len(names)} names for {d} feature{'s' if d != 1 else ''}"
    if len(set(names)) != len(names):
        return "two features have the same name"
    for n in names:
        if not n or len(n) > MAX_NAME or any(c in n for c in (*NAME_FORBIDDEN, ",", ";")) or n != n.strip():
            return f"{n[:MAX_NAME]!r} must have 1 to {MAX_NAME} characters (no {' '.join(NAME_FORBIDDEN)} , ;)"
        if TARGET_COLUMN.fullmatch(n):
            return f"{n!r} is a target column's name"
    return None


def cell(value: float) -> str:
    """A number as the text an editor cell shows: short, exact for round values."""
    return f"{float(value) + 0.0:.10g}"  # + 0.0 folds -0.0 into 0


@dataclass(frozen=True)
class Model:
    """What the user edits. X rows of cell texts (N x d), y (N,) or (N, K); the output layer's weights w and
    bias b ((fan_in,) and one text for one output; (fan_in, K) rows and K texts for K); the hidden layers as
    (width, activation) pairs in `hidden` and their (W rows, b) texts in `layers`; lr; the output activation,
    the loss, the number of outputs K; precision; the names of the classes (K of them, or none); the penalty on the
    weights ("none", "l1", "l2") and its rate λ, part of the objective every page computes; the features' names
    (an imported CSV's column names, or none: x0, x1, ...)."""

    X: Rows
    y: Cells
    w: Cells
    b: str | tuple[str, ...]
    lr: str = "0.01"
    activation: str = "relu"
    loss: str = "mse"
    precision: int = 4
    hidden: tuple[tuple[int, str], ...] = ()
    layers: tuple[tuple[Rows, tuple[str, ...]], ...] = ()
    outputs: int = 1
    classes: tuple[str, ...] = ()
    regularization: str = "none"
    reg_rate: float = 0.001
    feature_names: tuple[str, ...] = ()

    @property
    def penalty(self) -> dict:
        """The network's regularization arguments: none, or the penalty's name and its rate λ."""
        return {} if self.regularization == "none" else {"regularization": self.regularization,
                                                         "reg_rate": self.reg_rate}

    @property
    def is_neuron(self) -> bool:
        return not self.hidden and self.outputs == 1

    @property
    def y_rows(self) -> Rows:
        """The targets as rows of cells: one cell per row for one output or class labels, K for K columns."""
        return tuple(r if isinstance(r, tuple) else (r,) for r in self.y)

    @property
    def labelled(self) -> bool:
        """Whether y holds one class label per sample for K > 1 outputs (cross-entropy's short form)."""
        return self.outputs > 1 and not any(isinstance(r, tuple) for r in self.y)

    @property
    def y_columns(self) -> list[str]:
        """The target editor's columns: "y" for one output, "class" for class labels, else one per output."""
        if self.outputs == 1:
            return ["y"]
        return ["class"] if self.labelled else self.output_names

    @property
    def output_names(self) -> list[str]:
        """The output units' names as the targets' columns call them: y0, y1, ... (the engine's cell names)."""
        return [f"y{k}" for k in range(self.outputs)]

    def class_name(self, k: int) -> str:
        """Class k as the app shows it: its number, and its name when the data named it ("1 (versicolor)")."""
        return f"{k} ({self.classes[k]})" if k < len(self.classes) else str(k)

    @property
    def out_W(self) -> Rows:
        """The output layer's W as rows (fan_in x K)."""
        return tuple(r if isinstance(r, tuple) else (r,) for r in self.w)

    @property
    def out_b(self) -> tuple[str, ...]:
        return self.b if isinstance(self.b, tuple) else (self.b,)

    def _targets(self):
        """y as the engine takes it: a vector of texts for one column, else rows."""
        return list(self.y) if not any(isinstance(r, tuple) for r in self.y) else [list(r) for r in self.y_rows]

    @property
    def n_features(self) -> int:
        return len(self.layers[0][0]) if self.hidden else len(self.w)

    @property
    def features(self) -> list[str]:
        """The features' names: the model's own when they fit (names_problem), else x0, x1, ..."""
        if self.feature_names and names_problem(self.feature_names, self.n_features) is None:
            return list(self.feature_names)
        return feature_names(self.n_features)

    @property
    def own_features(self) -> list[str] | None:
        """The features' own names (an imported CSV's), or None when they are x0, x1, ..."""
        return self.features if self.feature_names and self.features == list(self.feature_names) else None

    @property
    def params(self) -> list[str]:
        """The parameters' names as the app shows them: w0.., b for one neuron, else the flat names."""
        return neuron_labels(self.n_features) if self.is_neuron else self.network().param_names()

    def network(self) -> bp.Network:
        """The engine's network of this model (InputError for a combination it refuses)."""
        return bp.Network(inputs=self.n_features, hidden=self.hidden, output=self.activation, loss=self.loss,
                          outputs=self.outputs, **self.penalty)

    def shape_network(self, hidden: tuple[tuple[int, str], ...] | None = None, outputs: int | None = None
                      ) -> bp.Network:
        """A network of this model's shapes (or with `hidden` layers, `outputs` outputs) and initialisation, even
        while its output and loss cannot go together (softmax with one output: the engine names that when the
        model is computed)."""
        k = self.outputs if outputs is None else outputs
        act = self.activation if ACTIVATIONS[self.activation].min_outputs <= k else "identity"
        return bp.Network(inputs=self.n_features, hidden=self.hidden if hidden is None else hidden, output=act,
                          outputs=k)

    def engine(self, activation: str | None = None, loss: str | None = None) -> tuple:
        """(network, X, y, params) checked by the engine, for the model's own output activation and loss or the
        ones given, with the model's penalty; InputError names the bad cell (one neuron's as "weight w0", a network's
        as "W1[0,1]")."""
        act, lossname = activation or self.activation, loss or self.loss
        if self.is_neuron:
            net, X, y, params = neuron_inputs(self.X, self.w, self.b, self.y, act, lossname)
            if self.penalty:
                net = bp.Network(inputs=net.inputs, output=act, loss=lossname, **self.penalty)
            return net, X, y, params
        net = bp.Network(inputs=self.n_features, hidden=self.hidden, output=act, loss=lossname, outputs=self.outputs,
                         **self.penalty)
        X, y = net.check_data(self.X, self._targets())
        return net, X, y, net.check_params(self.param_texts())

    def param_texts(self) -> dict:
        """Every layer's cells by parameter name (W1, b1, ..., WL, bL), as the engine takes them."""
        out = {}
        for l, (W, b) in enumerate(self.layers, 1):
            out[f"W{l}"], out[f"b{l}"] = [list(r) for r in W], list(b)
        L = len(self.layers) + 1
        out[f"W{L}"], out[f"b{L}"] = [list(r) for r in self.out_W], list(self.out_b)
        return out

    def with_params(self, values: dict) -> Model:
        """The model with every layer's cells from `values` (W1, b1, ..., numbers or texts by name)."""
        L = len(self.hidden) + 1
        layers = tuple((tuple(tuple(_text(v) for v in row) for row in np.asarray(values[f"W{l}"], dtype=object)),
                        tuple(_text(v) for v in np.ravel(np.asarray(values[f"b{l}"], dtype=object))))
                       for l in range(1, L))
        W = np.asarray(values[f"W{L}"], dtype=object)
        b = tuple(_text(v) for v in np.ravel(np.asarray(values[f"b{L}"], dtype=object)))
        if self.outputs == 1:
            return replace(self, layers=layers, w=tuple(_text(v) for v in np.ravel(W)), b=b[0])
        rows = W.reshape(-1, self.outputs)
        return replace(self, layers=layers, w=tuple(tuple(_text(v) for v in row) for row in rows), b=b)

    def with_feature_added(self) -> Model:
        """One more feature column (zeros) and its weight(s) (0)."""
        X = tuple(r + ("0",) for r in self.X)
        names = (*self.features, f"x{self.n_features}") if self.feature_names else ()
        if not self.hidden:
            return replace(self, X=X, w=self.w + (("0",) * self.outputs if self.outputs > 1 else "0",),
                           feature_names=names)
        (W, b), *rest = self.layers
        return replace(self, X=X, layers=((W + (("0",) * len(W[0]),), b), *rest), feature_names=names)

    def with_feature_removed(self) -> Model:
        """Drop the last feature column and its weight(s); at least one feature stays."""
        if self.n_features <= 1:
            return self
        X = tuple(r[:-1] for r in self.X)
        names = self.feature_names[:-1]
        if not self.hidden:
            return replace(self, X=X, w=self.w[:-1], feature_names=names)
        (W, b), *rest = self.layers
        return replace(self, X=X, layers=((W[:-1], b), *rest), feature_names=names)

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
            return ["ŷ"] if self.outputs == 1 else [f"ŷ{k}" for k in range(self.outputs)]
        return [f"h{layer}[{j}]" for j in range(self.hidden[layer - 1][0])]

    def with_architecture(self, hidden: tuple[tuple[int, str], ...], seed: int = 0) -> tuple[Model, str]:
        """The model with hidden layers `hidden`: every weight and bias whose place (layer, row, column) still
        exists keeps its cell; the others are initialised (He / Xavier with `seed`). Returns the model and a
        sentence saying what was kept and what was initialised."""
        new = replace(self, hidden=tuple((int(w), a) for w, a in hidden))
        net = self.shape_network(hidden=new.hidden)
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

    def with_outputs(self, k: int, seed: int = 0) -> tuple[Model, str]:
        """The model with K = `k` outputs: the output layer's weights and biases of the outputs that stay keep their
        cells, new outputs' are initialised (He / Xavier with `seed`); targets that still fit stay (class labels
        below k, the first k target columns; new columns start at 0). Returns it and a sentence of what changed."""
        k = int(k)
        if k == self.outputs:
            return self, ""
        old = self.param_texts()
        L = len(self.hidden) + 1
        keep = min(k, self.outputs)
        fresh = self.shape_network(outputs=k).init(seed=seed)
        W = np.vectorize(cell, otypes=[object])(np.round(fresh[f"W{L}"], 3))
        b = np.vectorize(cell, otypes=[object])(np.round(fresh[f"b{L}"], 3))
        W[:, :keep] = np.asarray(old[f"W{L}"], dtype=object)[:, :keep]
        b[:keep] = np.asarray(old[f"b{L}"], dtype=object)[:keep]
        said = [f"W{L} and b{L} kept for output{'s' if keep > 1 else ''} 0" + (f"–{keep - 1}" if keep > 1 else "")]
        if k > keep:
            said.append(f"initialised for output{'s' if k - keep > 1 else ''} {keep}"
                        + (f"–{k - 1}" if k - keep > 1 else "") + f" (He / Xavier, seed {seed})")
        rows = self.y_rows
        if self.labelled or (self.outputs == 1 and _whole_labels(self.y, k) and LOSSES[self.loss].targets == "classes"):
            y: Cells = tuple(self.y)  # class labels: the engine names any label that no longer fits
            bad = [i for i, v in enumerate(self.y) if not _whole_labels((v,), k)]
            more = ", …" if len(bad) > 5 else ""
            rows_text = f"row{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad[:5]))}{more}"
            said.append("the class labels kept" + (f" ({rows_text} hold{'' if len(bad) > 1 else 's'} a label ≥ {k}: "
                                                   "fix them)" if bad else ""))
        elif k == 1:
            y = tuple(r[0] for r in rows)
            said.append("y kept its first column" + (" (the others dropped)" if len(rows[0]) > 1 else ""))
        else:
            y = tuple(tuple(r[:k]) + ("0",) * (k - len(r[:k])) for r in rows)
            added = k - min(k, len(rows[0]))
            said.append(f"y kept {min(k, len(rows[0]))} column{'s' if min(k, len(rows[0])) > 1 else ''}"
                        + (f", {added} new column{'s' if added > 1 else ''} of 0" if added else ""))
        moved = replace(self, outputs=k, y=y, classes=self.classes[:k] if len(self.classes) >= k else ())
        moved = moved.with_params({**old, f"W{L}": W, f"b{L}": b})
        return moved, f"{k} output{'s' if k > 1 else ''}: " + "; ".join(said) + "."

    def with_one_hot(self, on: bool) -> tuple[Model, str]:
        """Cross-entropy's targets as one-hot rows (`on`) or as class labels; a sentence of what changed, or of why
        it could not (a label that is not a class, a row that is not one-hot)."""
        k = self.outputs
        if on and self.labelled:
            if not _whole_labels(self.y, k):
                bad = next(i for i, v in enumerate(self.y) if not _whole_labels((v,), k))
                return self, (f"y row {bad}: {self.y[bad]!r} is not a class label 0 to {k - 1}, so it has no one-hot "
                              "row; fix it first.")
            y = tuple(tuple("1" if j == int(float(v)) else "0" for j in range(k)) for v in self.y)
            return replace(self, y=y), "The class labels are now one-hot rows."
        if not on and not self.labelled and k > 1:
            labels = []
            for i, row in enumerate(self.y_rows):
                try:
                    values = [float(v) for v in row]
                except ValueError:
                    return self, f"y row {i} holds text, so it is not a one-hot row; fix it first."
                if sorted(values) != [0.0] * (k - 1) + [1.0]:
                    return self, (f"y row {i} is not one-hot (one 1, the rest 0), so it has no single class label; "
                                  "keep the columns for probability targets.")
                labels.append(str(values.index(1.0)))
            return replace(self, y=tuple(labels)), "The one-hot rows are now class labels."
        return self, ""

    def with_init(self, kind: str = "auto", seed: int = 0, value: float = 0.0) -> Model:
        """Every weight and bias afresh: "auto" (He for the ReLU family, Xavier for the others), "he", "xavier" with
        `seed`, or "constant" (every parameter `value`)."""
        net = self.network()
        values = net.constant(value) if kind == "constant" else net.init(seed=seed, kind=kind)
        return self.with_params({k: np.round(v, 4) for k, v in values.items()})

    def edited(self, rows: dict, added: list, deleted: list) -> Model:
        """Apply a data editor's delta on the X|y table: edited {row: {col: value}}, added rows, deleted."""
        table = [list(r) + list(t) for r, t in zip(self.X, self.y_rows, strict=True)]
        targets = self.y_columns
        cols = self.features + targets
        for i, changes in rows.items():
            for col, value in changes.items():
                if col in cols and int(i) < len(table):
                    table[int(i)][cols.index(col)] = _text(value)
        for new in added:
            table.append([_text(new.get(c)) for c in cols])
        gone = {int(i) for i in deleted}
        table = [r for i, r in enumerate(table) if i not in gone]
        d = self.n_features
        y = tuple(r[d] if len(targets) == 1 else tuple(r[d:]) for r in table)
        return replace(self, X=tuple(tuple(r[:d]) for r in table), y=y)

    def unfilled_rows(self) -> tuple[int, ...]:
        """The trailing rows of X|y with a blank cell: rows being filled in (a new row starts empty), which the
        results leave out until they are complete. None when that would leave no row at all."""
        n = len(self.X)
        while n and any(not c.strip() for c in (*self.X[n - 1], *self.y_rows[n - 1])):
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


def _whole_labels(cells, k: int) -> bool:
    """Whether every cell is a whole number 0..k-1 (a class label of k classes)."""
    try:
        return all(float(v) == int(float(v)) and 0 <= float(v) < k for v in cells)
    except (TypeError, ValueError, OverflowError):
        return False


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if value != value else cell(value)
    return str(value)


def from_arrays(X, y, w, b, **settings) -> Model:
    """A Model from numbers: y (N,), N class labels or (N, K) rows; w (d,) or (d, K) and b one number or K."""
    X = np.asarray(X, dtype=float)
    y, w = np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    k = settings.get("outputs", 1)
    return Model(
        X=tuple(tuple(cell(v) for v in r) for r in X),
        y=tuple(tuple(cell(v) for v in r) for r in y) if y.ndim == 2 else tuple(cell(v) for v in y),
        w=tuple(cell(v) for v in np.ravel(w)) if k == 1 else tuple(tuple(cell(v) for v in r) for r in w.reshape(-1, k)),
        b=cell(np.ravel(b)[0]) if k == 1 else tuple(cell(v) for v in np.ravel(b)),
        **{k: (cell(v) if k == "lr" else v) for k, v in settings.items()},
    )


def network_model(X, y, hidden, params: dict | None = None, seed: int = 0, **settings) -> Model:
    """A Model of a network from numbers: `hidden` (width, activation) pairs, `params` W1, b1, ... by name (default:
    He / Xavier with `seed`, to 3 decimals)."""
    X = np.asarray(X, dtype=float)
    k = settings.get("outputs", 1)
    base = replace(from_arrays(X, y, np.zeros((X.shape[1], k)), np.zeros(k), **settings), hidden=tuple(hidden),
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


IRIS_CSV = Path(__file__).resolve().parents[1] / "data" / "iris.csv"  # its source and licence: data/README.md


def iris_model() -> Model:
    """Fisher's iris (150 × 4, 3 species) from data/iris.csv: a 4-4-3 tanh network, softmax, cross-entropy."""
    with IRIS_CSV.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    classes = tuple(dict.fromkeys(r[-1] for r in rows))
    X = [[float(v) for v in r[:-1]] for r in rows]
    y = [classes.index(r[-1]) for r in rows]
    return replace(network_model(X, y, [(4, "tanh")], outputs=3, activation="softmax", loss="ce", lr=0.05),
                   classes=classes, feature_names=tuple(header[:-1]))


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
    "spiral": (
        "3-class spiral, 2-8-3",
        network_model(*bp.datasets.spiral(30, classes=3, noise=0.1, seed=0), [(8, "tanh")], outputs=3,
                      activation="softmax", loss="ce", lr=0.1),
        "Three spiral arms (10 points each, seed 0, a little noise): softmax gives each point three class "
        "probabilities, cross-entropy scores the true one's.",
    ),
    "iris": (
        "Iris, 4-4-3 (150 flowers)",
        iris_model(),
        "Fisher's iris (1936, via the UCI repository; data/iris.csv): four measurements of 150 flowers, three "
        "species.",
    ),
    "sincos": (
        "sin and cos, 1-8-2",
        network_model(*bp.datasets.sincos(20), [(8, "tanh")], outputs=2, activation="identity", loss="mse", lr=0.05),
        "Two outputs from one input: y0 = sin x, y1 = cos x (a little noise); MSE over both columns.",
    ),
}
