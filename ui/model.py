"""The app's model state as plain, hashable data, and the presets. No Streamlit here.

Cells are kept as the text the user typed, so a bad cell survives on screen until it is fixed;
the engine (`backprop.validate`) turns them into numbers or names the bad cell.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from backprop import ACTIVATIONS, LOSSES, feature_names, neuron_labels

ACTIVATION_CHOICES = tuple(ACTIVATIONS)  # the registries decide what the app offers
LOSS_CHOICES = tuple(LOSSES)
PRECISION_RANGE = (1, 10)


def cell(value: float) -> str:
    """A number as the text an editor cell shows: short, exact for round values."""
    return f"{float(value) + 0.0:.10g}"  # + 0.0 folds -0.0 into 0


@dataclass(frozen=True)
class Model:
    """What the user edits. X rows of cell texts (N x d), y (N,), w (d,), b, lr; choices; precision."""

    X: tuple[tuple[str, ...], ...]
    y: tuple[str, ...]
    w: tuple[str, ...]
    b: str
    lr: str = "0.01"
    activation: str = "relu"
    loss: str = "mse"
    precision: int = 4

    @property
    def n_features(self) -> int:
        return len(self.w)

    @property
    def features(self) -> list[str]:
        return feature_names(self.n_features)

    @property
    def params(self) -> list[str]:
        return neuron_labels(self.n_features)

    def with_feature_added(self) -> Model:
        """One more feature column (zeros) and its weight (0)."""
        return replace(self, X=tuple(r + ("0",) for r in self.X), w=self.w + ("0",))

    def with_feature_removed(self) -> Model:
        """Drop the last feature column and its weight; at least one feature stays."""
        if self.n_features <= 1:
            return self
        return replace(self, X=tuple(r[:-1] for r in self.X), w=self.w[:-1])

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
}
