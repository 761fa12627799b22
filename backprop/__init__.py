"""Backprop Explorer's engine: traced forward/backward passes of networks, one neuron up to three hidden
layers, in pure NumPy.

    import backprop as bp
    net = bp.Network(inputs=2, hidden=[(2, "tanh")], output="identity", loss="mse")
    t = net.forward_backward(X, y, net.init(seed=0), lr=0.1)
    t.loss, t.grads["W1"], t.per_sample["W1"], [s.title for s in t.steps]

    t = bp.forward_backward([[1, 2], [2, 1], [-1, -2]], [0.1, 0.2], 1, [1, 0, 0])  # one neuron
    t.grad_w  # array([1.8667, 0.9333])

Modules: validation (InputError), activations and losses (the registries), ops (Linear, Activation, Loss:
forward and backward side by side), network (Network), trace (Trace), steps (the lesson's steps), training
(SGD / momentum / Adam as torch.optim), surface (loss surfaces), gradcheck (finite differences), notebook
(the seed's buggy step beside the correct one), latex (the one number format), export, datasets (XOR,
circles, moons and a sine to learn on: `bp.datasets.circles()`). Figures live apart, in the `viz` package.
"""

from . import datasets
from .activations import ACTIVATIONS, Activation
from .gradcheck import GradientCheck, ParamCheck, gradient_check
from .losses import LOSSES, Loss
from .network import MAX_HIDDEN, MAX_PARAMS, MAX_WIDTH, Network
from .notebook import Difference, NotebookStep, notebook_step
from .ops import ActivationOp, Linear, LossOp, Record
from .steps import Step
from .surface import Surface, loss_surface
from .trace import Trace, forward_backward, neuron
from .training import OPTIMIZER_LABELS, OPTIMIZERS, Trajectory, sgd_update, train
from .validation import InputError, feature_names, neuron_labels

__all__ = [
    "ACTIVATIONS", "LOSSES", "MAX_HIDDEN", "MAX_PARAMS", "MAX_WIDTH", "OPTIMIZERS", "OPTIMIZER_LABELS", "Activation",
    "ActivationOp", "Difference", "GradientCheck", "InputError", "Linear", "Loss", "LossOp", "Network",
    "NotebookStep", "ParamCheck", "Record", "Step", "Surface", "Trace", "Trajectory", "datasets", "feature_names",
    "forward_backward", "gradient_check", "loss_surface", "neuron", "neuron_labels", "notebook_step", "sgd_update",
    "train",
]
