"""Backprop Explorer's engine: traced forward/backward passes of small networks in pure NumPy. A network is a
list of ops (Linear, activation, loss, penalty), each with its forward and backward side by side; one loop
runs them forward, one in reverse, and a trace is the tuple of their records.

    import backprop as bp
    net = bp.Network(inputs=2, hidden=[(4, "tanh")], output="softmax", outputs=3, loss="ce")
    t = net.forward_backward(X, labels, net.init(seed=0), lr=0.1)
    t.loss, t.grads["W1"], t.per_sample["W1"], t.probabilities, t.accuracy
    net.train(X, labels, params, lr=0.1, optimizer="adam", batch_size=8, epochs=20, seed=0)

    t = bp.forward_backward([[1, 2], [2, 1], [-1, -2]], [0.1, 0.2], 1, [1, 0, 0])  # one neuron
    t.grad_w  # array([1.8667, 0.9333])

Modules, each importing only those before it: validation (InputError), activations, losses and penalties (the
registries), ops (Linear, ActivationOp, LossOp, PenaltyOp: forward and backward side by side), trace (Trace),
training (SGD / momentum / Adam as torch.optim, mini-batches), surface (loss surfaces), gradcheck (finite
differences), network (Network, the list of ops), neuron (one neuron's shorthands), datasets (XOR, circles,
moons, a sine, a spiral, sin and cos, and a seeded train/test split), features (TensorFlow Playground's
feature transforms), metrics (classes and the confusion matrix). What the lesson says about a trace
lives apart, in the `lesson` package; figures in `viz`.
"""

from . import datasets, features, metrics
from .activations import ACTIVATIONS, Activation
from .gradcheck import GradientCheck, ParamCheck
from .losses import LOSSES, Loss
from .network import MAX_HIDDEN, MAX_OUTPUTS, MAX_PARAMS, MAX_WIDTH, Network
from .neuron import forward_backward, gradient_check, loss_surface, neuron, train
from .ops import ActivationOp, Linear, LossOp, PenaltyOp, Record
from .penalties import PENALTIES, Penalty
from .surface import Surface
from .trace import Trace
from .training import MAX_EPOCHS, OPTIMIZER_LABELS, OPTIMIZERS, Trajectory, sgd_update
from .validation import InputError, feature_names, neuron_labels

__all__ = [
    "ACTIVATIONS", "LOSSES", "MAX_EPOCHS", "MAX_HIDDEN", "MAX_OUTPUTS", "MAX_PARAMS", "MAX_WIDTH", "OPTIMIZERS",
    "OPTIMIZER_LABELS", "PENALTIES", "Activation", "ActivationOp", "GradientCheck", "InputError", "Linear", "Loss",
    "LossOp", "Network", "ParamCheck", "Penalty", "PenaltyOp", "Record", "Surface", "Trace", "Trajectory", "datasets",
    "feature_names", "features", "forward_backward", "gradient_check", "loss_surface", "metrics", "neuron",
    "neuron_labels", "sgd_update", "train",
]
