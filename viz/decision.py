"""The decision map's colours: one colour per class, its strength by how sure the network is.

A point of the input plane takes the colour of its most probable class, mixed with the background: at the
top probability 1/K (no idea) the mix holds `FLOOR` of the class colour, at 1 `CEIL` of it, linearly between,
so the samples, drawn in the full colour of their class, stand out even where the network is sure.
`PALETTE` is Okabe-Ito's (told apart by colour-blind readers too), 8 colours for up to 8 classes. The map in the
browser (ui/components/training) computes the same rule; tests compare its pixels with `map_rgb`. Pure NumPy.
"""

from __future__ import annotations

import numpy as np

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
FLOOR = 0.1  # the class colour's share where every class is equally probable
CEIL = 0.6  # its share where the network is certain


def rgb(hex_colour: str) -> np.ndarray:
    """'#RRGGBB' -> (3,) floats 0..255."""
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def class_probabilities(a: np.ndarray, classifies: str) -> np.ndarray:
    """Rows of class probabilities (M, K) from a prediction a (M, K); one sigmoid output (M,) or (M, 1) becomes the
    two classes' (1 − a, a)."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if classifies == "threshold" and a.shape[1] == 1:
        return np.column_stack([1.0 - a[:, 0], a[:, 0]])
    return a


def strength(probs: np.ndarray) -> np.ndarray:
    """How much of the class colour each row shows (M,): FLOOR at the top probability 1/K, CEIL at certainty."""
    k = probs.shape[1]
    top = probs.max(axis=1)
    sure = np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    return FLOOR + (CEIL - FLOOR) * sure


def map_rgb(probs: np.ndarray, background: str = "#ffffff") -> np.ndarray:
    """The map's colour of each row of class probabilities (M, K), as (M, 3) integers 0..255."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.shape[1] > len(PALETTE):
        raise ValueError(f"{probs.shape[1]} classes; the palette has {len(PALETTE)} colours")
    colours = np.array([rgb(c) for c in PALETTE[:probs.shape[1]]])[probs.argmax(axis=1)]
    s = strength(probs)[:, None]
    return np.rint(rgb(background) + (colours - rgb(background)) * s).astype(int)
