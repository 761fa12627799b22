"""PyTorch as the independent oracle: the same network built from torch ops, in float64.

Imported by the tests that compare against it. Locally without torch those tests skip; under CI
(CI=true) a missing torch is an error, so the oracle never silently stops running.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

if os.environ.get("CI"):
    import torch
else:
    torch = pytest.importorskip("torch")

import backprop as bp

torch.set_default_dtype(torch.float64)

ACT = {
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, bp.activations.LEAKY_SLOPE),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "identity": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=-1),
}


def tensors(params: dict) -> dict:
    return {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in params.items()}


def targets(net: bp.Network, y) -> torch.Tensor:
    """The targets as torch's loss takes them: class labels (N,) for cross-entropy given labels, else (N, K)."""
    y = np.asarray(y, dtype=np.float64)
    if net.loss.name == "ce" and y.ndim == 1:
        return torch.tensor(y.astype(np.int64))
    return torch.tensor(y.reshape(len(y), net.outputs))


def data_loss(net: bp.Network, params: dict, X, Y):
    """The network's mean loss in torch, from torch's own loss functions on the output layer: MSELoss on a,
    BCEWithLogitsLoss and cross_entropy on the logits z."""
    A = X
    for layer in net.layers:
        z = A @ params[f"W{layer.index}"] + params[f"b{layer.index}"]
        A = ACT[layer.activation.name](z)
    if net.loss.name == "ce":
        return torch.nn.functional.cross_entropy(z, Y)
    if net.loss.name == "bce":
        return torch.nn.functional.binary_cross_entropy_with_logits(z, Y)
    if net.loss.name == "huber":
        return torch.nn.HuberLoss(delta=1.0)(A, Y)
    return torch.nn.functional.mse_loss(A, Y)


def penalty(net: bp.Network, params: dict):
    """(λ/2) Σ‖W‖² or λ Σ|W| in torch, weights only."""
    if net.penalty is None:
        return 0.0
    Ws = [params[f"W{layer.index}"] for layer in net.layers]
    if net.regularization == "l2":
        return sum(0.5 * net.reg_rate * (W * W).sum() for W in Ws)
    return sum(net.reg_rate * W.abs().sum() for W in Ws)


def loss_fn(net: bp.Network, params: dict, X, Y):
    """The objective: the data's loss plus the penalty."""
    return data_loss(net, params, X, Y) + penalty(net, params)


def loss_and_grads(net: bp.Network, params: dict, X, y) -> tuple[float, dict]:
    P = tensors(params)
    L = loss_fn(net, P, torch.tensor(np.asarray(X, dtype=np.float64)), targets(net, y))
    L.backward()
    return L.detach().item(), {k: v.grad.numpy() for k, v in P.items()}


def per_sample_grads(net: bp.Network, params: dict, X, y) -> dict:
    """torch.func.vmap(grad) over samples of one sample's data loss, scaled as a share of the mean: 1/N of it
    (the penalty belongs to no sample)."""
    from torch.func import grad, vmap

    Y = targets(net, y)
    n = len(Y)
    P = {k: torch.tensor(np.asarray(v, dtype=np.float64)) for k, v in params.items()}

    def one(p, x, t):
        return data_loss(net, p, x[None], t[None]) / n

    shares = vmap(grad(one), in_dims=(None, 0, 0))(P, torch.tensor(np.asarray(X, dtype=np.float64)), Y)
    return {k: v.numpy() for k, v in shares.items()}
