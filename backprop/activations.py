"""Activations: each one a registry entry with its forward function and its derivative side by side.

All but softmax act element-wise on z (any shape) and return float64 arrays of the same shape; softmax acts on
each row (the last axis: a sample's K outputs), so its derivative is a K x K Jacobian per sample and its
backward is the Jacobian product dL/dz_i = p_i (g_i - sum_j p_j g_j), as autograd computes it. ReLU's
derivative at exactly z = 0 is 0, as in PyTorch; leaky ReLU's is its negative slope there, as in PyTorch.

An entry also says how to show and export itself: its display name, its LaTeX (a = f(z) and f'(z)), the
NumPy source of both functions that the exported script runs (tests check it computes what `fn` and `der`
do), the range of its outputs, and the weight initialisation that suits it (He for the ReLU family,
Xavier/Glorot for the others). Adding an activation is adding one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .validation import InputError

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation: `fn(z)`, its derivative `der(z)`, and how to write, export and initialise it.

    `der_of_output`, when set, is f'(z) written in terms of the output a = f(z) (tanh: 1 - a^2, sigmoid:
    a (1 - a)), as micrograd's tanh does: the backward pass then reuses a instead of evaluating f again.
    `off_slope` is set for the piecewise-linear ones (slope for z <= 0; on slope 1): the loss surface
    uses it for its exact fast path. `has_kink` marks a derivative that jumps at z = 0, where a finite
    difference that straddles 0 is not to be trusted.
    """

    name: str
    label: str
    symbol: str  # LaTeX name of f, e.g. \sigma
    fn: Callable[[np.ndarray], np.ndarray]
    der: Callable[[np.ndarray], np.ndarray]
    latex: str  # f(z)
    der_latex: str  # f'(z)
    fn_source: str  # NumPy expression of f(z), for the exported script (which defines softmax, softmax_jacobian)
    der_source: str  # NumPy expression of f'(z)
    output_range: tuple[float, float]
    init: str  # "he" or "xavier"
    off_slope: float | None = None
    short: str = ""  # a few characters for diagrams ("σ"); the label when empty
    der_of_output: Callable[[np.ndarray], np.ndarray] | None = None  # f'(z) from a = f(z), where that is cheaper
    jacobian: Callable[[np.ndarray], np.ndarray] | None = None  # (N, K) outputs -> (N, K, K), for a row activation
    classifies: str = ""
    min_outputs: int = 1  # softmax needs two classes at least
    hidden: bool = True  # may be a hidden layer's activation

    def __reduce__(self) -> tuple:  # pickled as its registry name: `fn` and `der` may be lambdas
        return get_activation, (self.name,)

    @property
    def abbrev(self) -> str:
        """The name a diagram shows: `short`, or the label."""
        return self.short or self.label

    @property
    def has_kink(self) -> bool:
        return self.off_slope is not None and self.off_slope != 1.0

    @property
    def elementwise(self) -> bool:
        return self.jacobian is None

    def local(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """The local derivative at each sample: f'(z) (N, K) element-wise, or the Jacobian da/dz (N, K, K)."""
        if self.jacobian is not None:
            return self.jacobian(a)
        return self.der(z) if self.der_of_output is None else self.der_of_output(a)

    def backward(self, local: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
        """delta = dL/dz from g = dL/da: g * f'(z) element-wise; for a row activation the Jacobian product
        (softmax: p * (g - sum_j p_j g_j), computed from p without forming the Jacobian)."""
        if self.jacobian is None:
            return g * local
        return a * (g - (a * g).sum(axis=-1, keepdims=True))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def _sigmoid_der(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _softmax(z: np.ndarray) -> np.ndarray:
    """Each row's softmax, exp(z - max) / sum: the largest exponent is 0, so nothing overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_jacobian(p: np.ndarray) -> np.ndarray:
    """dp_i/dz_j = p_i (1[i = j] - p_j), per sample: (N, K, K)."""
    return p[..., :, None] * (np.eye(p.shape[-1]) - p[..., None, :])


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "relu", "ReLU", r"\operatorname{ReLU}",
            lambda z: np.maximum(z, 0.0),
            lambda z: (z > 0).astype(np.float64),
            r"\max(0,\, z)", r"\mathbb{1}[z > 0]",
            "np.maximum(z, 0.0)", "(z > 0).astype(np.float64)  # ReLU'(0) = 0, as in PyTorch",
            (0.0, np.inf), "he", off_slope=0.0,
        ),
        Activation(
            "leaky_relu", "Leaky ReLU (0.01)", r"\operatorname{LeakyReLU}",
            lambda z: np.maximum(z, LEAKY_SLOPE * z),
            lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
            r"\max(0.01\,z,\, z)", r"\begin{cases}1 & z > 0\\ 0.01 & z \le 0\end{cases}",
            "np.maximum(z, 0.01 * z)", "np.where(z > 0, 1.0, 0.01)  # 0.01 at z = 0, as in PyTorch",
            (-np.inf, np.inf), "he", off_slope=LEAKY_SLOPE, short="LeakyReLU",
        ),
        Activation(
            "sigmoid", "Sigmoid", r"\sigma",
            _sigmoid, _sigmoid_der,
            r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma(z)\,(1 - \sigma(z))",
            "np.exp(-np.logaddexp(0.0, -z))  # 1 / (1 + e^-z), without overflow",
            "np.exp(-np.logaddexp(0.0, -z)) * (1.0 - np.exp(-np.logaddexp(0.0, -z)))",
            (0.0, 1.0), "xavier", short="σ", der_of_output=lambda a: a * (1.0 - a), classifies="threshold",
        ),
        Activation(
            "tanh", "tanh", r"\tanh",
            np.tanh, lambda z: 1.0 - np.tanh(z) ** 2,
            r"\tanh(z)", r"1 - \tanh^2(z)",
            "np.tanh(z)", "1.0 - np.tanh(z) ** 2",
            (-1.0, 1.0), "xavier", der_of_output=lambda a: 1.0 - a * a,
        ),
        Activation(
            "identity", "Identity (linear)", r"\operatorname{id}",
            lambda z: np.asarray(z, dtype=np.float64).copy(), np.ones_like,
            r"z", r"1",
            "np.asarray(z, dtype=np.float64).copy()  # identity: a = z", "np.ones_like(z)",
            (-np.inf, np.inf), "xavier", off_slope=1.0, short="id",
        ),
        Activation(
            "softmax", "Softmax", r"\operatorname{softmax}",
            _softmax, lambda z: _softmax_jacobian(_softmax(z)),
            r"a_{k} = \frac{e^{z_{k}}}{\sum_{j} e^{z_{j}}}",
            r"\frac{\partial a_{k}}{\partial z_{j}} = a_{k}(\mathbb{1}[k = j] - a_{j})",
            "softmax(z)  # each row's exp(z - max) / sum: nothing overflows",
            "softmax_jacobian(softmax(z))  # (N, K, K): da_k/dz_j = a_k (1[k = j] - a_j)",
            (0.0, 1.0), "xavier", short="softmax", jacobian=_softmax_jacobian, classifies="argmax", min_outputs=2,
            hidden=False,
        ),
    )
}


def get_activation(name: str | Activation) -> Activation:
    """The activation called `name`; InputError for an unknown name."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise InputError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None
