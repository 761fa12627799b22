"""The ops of a network, each with its forward and its backward side by side (micrograd's and early
tinygrad's shape), and the `Record` each leaves in a trace.

Shapes: N samples; a layer maps A (N, fan_in) to z (N, fan_out) to a (N, fan_out).

- `Linear`: z = A W + b, W (fan_in, fan_out), b (fan_out,). Given delta = dL/dz (N, fan_out):
  dW = A^T delta, the sum over samples of the outer products a_i (x) delta_i (each sample's share);
  db = sum_i delta_i; dA = delta W^T, the gradient passed back to the layer below.
- `ActivationOp`: a = f(z) element-wise. Given g = dL/da: delta = g (.) f'(z).
- `LossOp`: L = mean over samples of the loss's terms. Its backward is dL/da (N,); a loss fused with the
  output activation (BCE through the sigmoid) gives dL/dz directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .activations import Activation
from .losses import Loss


def frozen(arr: Any) -> np.ndarray:
    """A read-only float64 array (the array itself when it already is one)."""
    out = np.asarray(arr, dtype=np.float64)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Record:
    """What one op of a traced pass saw and computed.

    `op` is "linear", "activation" or "loss"; `layer` 1..L (the loss's is L). `inputs` by name (linear: A, W,
    b; activation: z; loss: z, a, y); `output` (z, a, or the loss as a 0-d array); `upstream` the gradient of
    the loss with respect to the output (delta for linear, dL/da for activation, 1 for the loss); `local`
    the op's own derivative (activation: f'(z); loss: dL/da; linear: None, its local derivatives are its
    inputs); `grads` what the backward pass produced (linear: W, b, A; activation: z, that is delta; loss: a).
    Arrays are read-only.
    """

    op: str
    layer: int
    inputs: dict
    output: np.ndarray
    upstream: np.ndarray
    local: np.ndarray | None
    grads: dict = field(default_factory=dict)


def record(op: str, layer: int, inputs: dict, output, upstream, local, grads: dict) -> Record:
    """A Record with every array frozen."""
    def fz(d: dict) -> dict:
        return {k: frozen(v) for k, v in d.items()}

    return Record(op, layer, fz(inputs), frozen(output), frozen(upstream),
                  None if local is None else frozen(local), fz(grads))


class Linear:
    """z = A W + b; backward: dW = A^T delta, db = sum_i delta_i, dA = delta W^T."""

    @staticmethod
    def forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
        return A @ W + b

    @staticmethod
    def backward(A: np.ndarray, W: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dW (fan_in, fan_out), db (fan_out,), dA (N, fan_in)) from delta = dL/dz (N, fan_out)."""
        return A.T @ delta, delta.sum(axis=0), delta @ W.T

    @staticmethod
    def shares(A: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each sample's share of dW and db: a_i (x) delta_i (N, fan_in, fan_out) and delta_i (N, fan_out);
        summed over samples they are dW and db."""
        return np.einsum("ni,nj->nij", A, delta), delta  # one outer product per sample


class ActivationOp:
    """a = f(z); backward: delta = g (.) f'(z), with g = dL/da."""

    @staticmethod
    def forward(f: Activation, z: np.ndarray) -> np.ndarray:
        return f.fn(z)

    @staticmethod
    def backward(f: Activation, z: np.ndarray, a: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(f'(z), delta = g * f'(z)); f'(z) from the output a = f(z) where the activation says how."""
        local = f.der(z) if f.der_of_output is None else f.der_of_output(a)
        return local, g * local


class LossOp:
    """L = loss(z, a, y), a mean over samples; backward: dL/da, and dL/dz for a loss fused with its output."""

    @staticmethod
    def forward(loss: Loss, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
        return loss.fn(z, a, y)

    @staticmethod
    def backward(loss: Loss, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return loss.grad(z, a, y)
