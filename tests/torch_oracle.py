"""PyTorch as the independent oracle: the same network built from torch ops, in float64.

Imported by the tests that compare against it. Locally without torch those tests skip; under CI
(CI=true) a missing torch is an error, so the oracle never silently stops running.
"""

from __future__ import annotations

import os

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
}


def tensors(params: dict) -> dict:
    return {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}


def loss_fn(net: bp.Network, params: dict, X, y):
    """The network's mean loss in torch: BCE as BCEWithLogitsLoss on z (the sigmoid's input)."""
    A = X
    for layer in net.layers:
        z = A @ params[f"W{layer.index}"] + params[f"b{layer.index}"]
        A = ACT[layer.activation.name](z)
    if net.loss.name == "bce":
        return torch.nn.functional.binary_cross_entropy_with_logits(z[:, 0], y)
    return torch.mean((A[:, 0] - y) ** 2)


def loss_and_grads(net: bp.Network, params: dict, X, y) -> tuple[float, dict]:
    P = tensors(params)
    L = loss_fn(net, P, torch.tensor(X), torch.tensor(y))
    L.backward()
    return L.detach().item(), {k: v.grad.numpy() for k, v in P.items()}


def per_sample_grads(net: bp.Network, params: dict, X, y) -> dict:
    """torch.func.vmap(grad) over samples of the loss of one sample, scaled as a share of the mean (1/N)."""
    from torch.func import grad, vmap

    n = len(y)
    P = {k: torch.tensor(v) for k, v in params.items()}

    def one(p, x, t):
        return loss_fn(net, p, x[None], t[None]) / n

    shares = vmap(grad(one), in_dims=(None, 0, 0))(P, torch.tensor(X), torch.tensor(y))
    return {k: v.numpy() for k, v in shares.items()}
