"""The ops of a network, each with its forward and its backward side by side (micrograd's and early tinygrad's
shape), and the `Record` each leaves in a trace.

An op reads named values and writes one: `inputs` is a tuple of (role, value name) pairs, `output` the name it
writes. Names: X and Y (the data), W1, b1, ... (the parameters), z1, a1, ... (each layer's pre-activation and
activation), "loss" and "penalty" (the terms of the objective). `forward(*values)` computes the output from
the inputs in role order; `backward(inputs, output, upstream)` takes the op's own inputs and output and the
upstream gradient (dObjective/d output; None when the output does not reach the objective, as the output
activation of a loss that reads the logits) and returns (local, grads): the op's own derivative, for the
lesson, and the gradient of each input role it passes back.

Shapes: N samples; a layer maps A (N, fan_in) to z (N, fan_out) to a (N, fan_out). Forward also takes a
leading batch of parameter sets (W (B, fan_in, fan_out), b (B, 1, fan_out)): the loss surface evaluates many
at once with the same ops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .activations import Activation
from .losses import Loss
from .penalties import Penalty


def frozen(arr: Any) -> np.ndarray:
    """A read-only float64 array (the array itself when it already is one)."""
    out = np.asarray(arr, dtype=np.float64)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Record:
    """What one op of a traced pass saw and computed.

    `op` is "linear", "activation", "loss" or "penalty"; `layer` 1..L (the loss's and the penalty's is L).
    `inputs` by role (linear: A, W, b; activation: z; loss: x (z or a, as the loss reads) and Y; penalty: W1..WL);
    `output` (z, a, or the loss or penalty as a 0-d array); `upstream` the gradient of the objective with
    respect to the output (delta for linear, dL/da for activation — None when a does not reach the objective —,
    1 for the loss and the penalty); `local` the op's own derivative (activation: f'(z) (N, K), or softmax's
    Jacobian (N, K, K); loss: dL/dx; linear and penalty: None, their local derivatives are their inputs);
    `grads` what the backward pass produced, by role (linear: W, b, and A above layer 1; activation: z, that is
    delta; loss: x; penalty: each W). Arrays are read-only.
    """

    op: str
    layer: int
    inputs: dict
    output: np.ndarray
    upstream: np.ndarray | None
    local: np.ndarray | None
    grads: dict = field(default_factory=dict)


def record(op: Op, inputs: dict, output, upstream, local, grads: dict) -> Record:
    """A Record of `op` with every array frozen."""
    def fz(d: dict) -> dict:
        return {k: frozen(v) for k, v in d.items()}

    return Record(op.kind, op.layer, fz(inputs), frozen(output), None if upstream is None else frozen(upstream),
                  None if local is None else frozen(local), fz(grads))


@dataclass(frozen=True)
class Linear:
    """z = A W + b; backward: dW = A^T delta, db = sum_i delta_i, dA = delta W^T.

    Given delta = dL/dz (N, fan_out): dW (fan_in, fan_out) is the sum over samples of the outer products
    a_i (x) delta_i (each sample's share, `shares`); db the sum of the delta_i; dA (N, fan_in) the gradient
    passed back to the layer below (not for layer 1, whose input is the data)."""

    layer: int
    source: str  # the value it reads: "X" for layer 1, else the activation below, "a{l-1}"
    kind = "linear"
    objective = False

    @property
    def inputs(self) -> tuple[tuple[str, str], ...]:
        return ("A", self.source), ("W", f"W{self.layer}"), ("b", f"b{self.layer}")

    @property
    def output(self) -> str:
        return f"z{self.layer}"

    @staticmethod
    def forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
        return A @ W + b

    def backward(self, inputs: dict, output: np.ndarray, delta: np.ndarray) -> tuple[None, dict]:
        A, W = inputs["A"], inputs["W"]
        grads = {"W": A.T @ delta, "b": delta.sum(axis=0)}
        if self.source != "X":
            grads["A"] = delta @ W.T
        return None, grads

    @staticmethod
    def shares(A: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each sample's share of dW and db: a_i (x) delta_i (N, fan_in, fan_out) and delta_i (N, fan_out);
        summed over samples they are dW and db."""
        return A[:, :, None] * delta[:, None, :], delta  # one outer product per sample


@dataclass(frozen=True)
class ActivationOp:
    """a = f(z); backward: delta = g (.) f'(z) with g = dL/da (softmax: the Jacobian product)."""

    layer: int
    f: Activation
    kind = "activation"
    objective = False

    @property
    def inputs(self) -> tuple[tuple[str, str], ...]:
        return (("z", f"z{self.layer}"),)

    @property
    def output(self) -> str:
        return f"a{self.layer}"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return self.f.fn(z)

    def backward(self, inputs: dict, a: np.ndarray, g: np.ndarray | None) -> tuple[np.ndarray, dict]:
        """(f'(z), {z: delta}); no delta when no gradient arrives (a loss that reads the logits z)."""
        local = self.f.local(inputs["z"], a)
        return local, ({} if g is None else {"z": self.f.backward(local, a, g)})


@dataclass(frozen=True)
class LossOp:
    """L = the loss's mean over its terms, of x (the output activation a, or the logits z for a loss fused with
    its activation) against Y; backward: dL/dx."""

    layer: int
    loss: Loss
    kind = "loss"
    objective = True

    @property
    def inputs(self) -> tuple[tuple[str, str], ...]:
        return ("x", f"{self.loss.on}{self.layer}"), ("Y", "Y")

    @property
    def output(self) -> str:
        return "loss"

    def forward(self, x: np.ndarray, Y: np.ndarray) -> np.ndarray:
        return self.loss.value(x, Y)

    def backward(self, inputs: dict, output: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, dict]:
        local = self.loss.grad(inputs["x"], inputs["Y"])
        return local, {"x": g * local}


@dataclass(frozen=True)
class PenaltyOp:
    """R = the penalty of every layer's weights at rate λ; backward: dR/dW_l for each layer."""

    layer: int  # the top layer, L
    penalty: Penalty
    rate: float
    kind = "penalty"
    objective = True

    @property
    def inputs(self) -> tuple[tuple[str, str], ...]:
        return tuple((f"W{l}", f"W{l}") for l in range(1, self.layer + 1))

    @property
    def output(self) -> str:
        return "penalty"

    def forward(self, *Ws: np.ndarray) -> np.ndarray:
        return sum(self.penalty.value(W, self.rate) for W in Ws)

    def backward(self, inputs: dict, output: np.ndarray, g: np.ndarray) -> tuple[None, dict]:
        return None, {k: g * self.penalty.grad(W, self.rate) for k, W in inputs.items()}


Op = Linear | ActivationOp | LossOp | PenaltyOp
