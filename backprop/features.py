"""Feature transforms, as TensorFlow Playground offers them: extra input columns computed from the first two.

Each transform is a named column: `sq0` x0², `sq1` x1², `prod` x0·x1, `sin0` sin x0, `sin1` sin x1 (the app
names its features x0, x1, ...; Playground calls the same ones X1, X2). `expand(X, chosen)` returns X (N, d)
with the chosen columns appended in `TRANSFORMS` order, (N, d + len(chosen)); the network then learns weights
for them like for any other input. Pure NumPy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .validation import InputError


@dataclass(frozen=True)
class Transform:
    label: str  # as the app shows it
    uses: int  # the highest feature index it reads (x1: 1)
    fn: Callable[[np.ndarray], np.ndarray]  # X (N, d) -> the column (N,)


TRANSFORMS: dict[str, Transform] = {
    "sq0": Transform("x0²", 0, lambda X: X[:, 0] ** 2),
    "sq1": Transform("x1²", 1, lambda X: X[:, 1] ** 2),
    "prod": Transform("x0·x1", 1, lambda X: X[:, 0] * X[:, 1]),
    "sin0": Transform("sin x0", 0, lambda X: np.sin(X[:, 0])),
    "sin1": Transform("sin x1", 1, lambda X: np.sin(X[:, 1])),
}


def ordered(chosen: Sequence[str]) -> tuple[str, ...]:
    """The chosen transforms' keys in `TRANSFORMS` order, each once; InputError for an unknown key."""
    unknown = [c for c in chosen if c not in TRANSFORMS]
    if unknown:
        raise InputError(f"feature transforms: {unknown[0]!r} is not one of {', '.join(TRANSFORMS)}")
    return tuple(k for k in TRANSFORMS if k in chosen)


def available(d: int) -> tuple[str, ...]:
    """The transforms data with `d` features can have (those of x1 need two features)."""
    return tuple(k for k, t in TRANSFORMS.items() if t.uses < d)


def expand(X: np.ndarray, chosen: Sequence[str]) -> np.ndarray:
    """X (N, d) with the chosen transforms' columns appended (N, d + k), in `TRANSFORMS` order."""
    X = np.asarray(X, dtype=np.float64)
    keys = ordered(chosen)
    missing = [k for k in keys if TRANSFORMS[k].uses >= X.shape[1]]
    if missing:
        raise InputError(f"feature transforms: {TRANSFORMS[missing[0]].label} needs a feature x1, but X has "
                         f"{X.shape[1]} feature column")
    if not keys:
        return X
    return np.column_stack([X, *(TRANSFORMS[k].fn(X) for k in keys)])


def names(features: Sequence[str], chosen: Sequence[str]) -> list[str]:
    """The expanded inputs' names: the features, then the chosen transforms' labels."""
    return [*features, *(TRANSFORMS[k].label for k in ordered(chosen))]
