"""Classification metrics: the classes a network's output names, and the confusion matrix.

`predicted_classes(a, classifies)` reads classes from a prediction a (N, K): the argmax of a softmax, or for
sigmoid outputs a >= 0.5 (one output: class 1 when a >= 0.5, else 0). `target_classes(Y, classifies)` does the
same for targets (one-hot rows or 0/1 values). `confusion_matrix(true, predicted, k)` counts samples of true
class i predicted as class j in cell [i, j] (k, k), as `sklearn.metrics.confusion_matrix(labels=range(k))`.
"""

from __future__ import annotations

import numpy as np


def predicted_classes(a: np.ndarray, classifies: str) -> np.ndarray:
    """The class index of each row of a (N, K) or (N,): argmax, or the 0.5 threshold of one sigmoid output."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if classifies == "argmax":
        return a.argmax(axis=1)
    if classifies == "threshold" and a.shape[1] == 1:
        return (a[:, 0] >= 0.5).astype(int)
    if classifies == "threshold":  # several sigmoid outputs: the most probable one
        return a.argmax(axis=1)
    raise ValueError(f"a network with {classifies or 'no'} classifying output names no classes")


target_classes = predicted_classes  # targets are read the same way: one-hot rows, or 0/1 for one output


def n_classes(outputs: int, classifies: str) -> int:
    """How many classes a classifying output of `outputs` units tells apart (one sigmoid: 2)."""
    return 2 if classifies == "threshold" and outputs == 1 else outputs


def confusion_matrix(true, predicted, k: int) -> np.ndarray:
    """(k, k) counts: row i the true class, column j the predicted one."""
    true, predicted = np.asarray(true, dtype=int), np.asarray(predicted, dtype=int)
    out = np.zeros((k, k), dtype=int)
    np.add.at(out, (true, predicted), 1)
    return out
