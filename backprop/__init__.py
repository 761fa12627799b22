"""Backprop Explorer's engine: traced forward/backward passes of one neuron, in pure NumPy.

    import backprop as bp
    t = bp.forward_backward([[1, 2], [2, 1], [-1, -2]], [0.1, 0.2], 1, [1, 0, 0])
    t.grad_w  # array([1.8667, 0.9333])

Modules: validation (InputError), activations, losses, trace (forward_backward), notebook (the seed's
buggy step beside the correct one), training (SGD / momentum / Adam trajectories), surface (exact loss
surfaces), gradcheck (finite differences), latex (numbers for the steps' formulas). Plotly figures live
apart in backprop.figures.
"""

from .activations import ACTIVATIONS, Activation
from .gradcheck import GradientCheck, ParamCheck, gradient_check
from .losses import LOSSES, Loss
from .notebook import Difference, NotebookStep, notebook_step
from .surface import Surface, loss_surface
from .trace import Step, Trace, forward_backward
from .training import OPTIMIZERS, Trajectory, sgd_update, train
from .validation import InputError, feature_names, param_names, validate

__all__ = [
    "ACTIVATIONS", "LOSSES", "OPTIMIZERS", "Activation", "Difference", "GradientCheck", "InputError", "Loss",
    "NotebookStep", "ParamCheck", "Step", "Surface", "Trace", "Trajectory", "feature_names", "forward_backward",
    "gradient_check", "loss_surface", "notebook_step", "param_names", "sgd_update", "train", "validate",
]
