"""The traced forward and backward pass of one neuron, a = f(Xw + b), with a mean loss.

Shapes: X (N, d), y (N,), w (d,), b float. Forward: z = Xw + b, a = f(z), L = loss(a, y).
Backward by the chain rule: delta_i = dL/dz_i = dL/da_i * f'(z_i); the gradient is the sum of the
per-sample contributions, dL/dw = sum_i delta_i x_i = X^T delta and dL/db = sum_i delta_i. The mean's
1/N lives in dL/da once; it is not applied again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from . import latex
from .activations import Activation, get_activation
from .losses import Loss, get_loss
from .validation import InputError, as_learning_rate, as_precision, param_names, validate


@dataclass(frozen=True, slots=True)
class Step:
    """One operation of a pass, as the UI shows it.

    `formula` is symbolic LaTeX; `formula_numbers` the same with the numbers substituted (None when the
    arrays are too large to print); `details` one LaTeX line per element that shows where each number
    comes from (empty when large). `value` has `shape`; `row_labels` / `col_labels` name its table.
    `marked` flags the rows to highlight (samples whose activation is off), or is empty.
    `formula_numbers` and `details` are built on first read, by `text` (a `StepText` shared by the steps of
    one pass; None: no substituted text), and kept: the app shows one step at a time.
    """

    key: str
    title: str
    phase: str  # "forward", "backward" or "update"
    formula: str
    value: np.ndarray
    shape: tuple[int, ...]
    explanation: str
    row_labels: tuple[str, ...] = ()
    col_labels: tuple[str, ...] = ()
    marked: tuple[int, ...] = ()
    text: StepText | None = field(default=None, repr=False, compare=False)

    @property
    def formula_numbers(self) -> str | None:
        """`formula` with the numbers substituted, or None when the arrays are too large to print."""
        return None if self.text is None else self.text.numbers(self.key)

    @property
    def details(self) -> tuple[str, ...]:
        """One LaTeX line per element showing where its number comes from; () when the arrays are large."""
        return () if self.text is None else self.text.details(self.key)

    def table(self) -> np.ndarray:
        """`value` as a 2-D table: a column for vectors, 1 x 1 for scalars."""
        v = np.asarray(self.value)
        return v.reshape(-1, 1) if v.ndim < 2 else v


_SLOT_SETTERS = tuple(Step.__dict__[f.name].__set__ for f in fields(Step))


def _step(key: str, title: str, phase: str, formula: str, value: np.ndarray, shape: tuple[int, ...],
          explanation: str, row_labels: tuple[str, ...], col_labels: tuple[str, ...], marked: tuple[int, ...],
          text: StepText | None) -> Step:
    """`Step(...)` with every field given, at half the cost: the slots are set once each through their
    descriptors instead of the frozen dataclass's `object.__setattr__` per field (a pass builds nine)."""
    step = object.__new__(Step)
    k, ti, ph, fo, va, sh, ex, rl, cl, ma, te = _SLOT_SETTERS
    k(step, key), ti(step, title), ph(step, phase), fo(step, formula), va(step, value), sh(step, shape)
    ex(step, explanation), rl(step, row_labels), cl(step, col_labels), ma(step, marked), te(step, text)
    return step


@dataclass(frozen=True, slots=True)
class Pass:
    """The bare numbers of one forward/backward pass (no steps): what training needs per step."""

    z: np.ndarray
    prediction: np.ndarray
    loss: float
    dloss_dpred: np.ndarray
    dpred_dz: np.ndarray
    delta: np.ndarray
    grad_w: np.ndarray
    grad_b: float


def compute_pass(X: np.ndarray, w: np.ndarray, b: float, y: np.ndarray, act: Activation, loss: Loss) -> Pass:
    """Forward and backward on validated float64 arrays X (N, d), w (d,), y (N,): z, a, delta (N,) and the
    gradient, grad_w = delta @ X (d,) and grad_b = sum(delta)."""
    z = X @ w + b
    a = act.fn(z)
    dL_da = loss.grad(a, y)
    da_dz = act.der(z)
    delta = dL_da * da_dz
    return Pass(z, a, loss.fn(a, y), dL_da, da_dz, delta, delta @ X, float(delta.sum()))


@dataclass(frozen=True, slots=True)
class Trace:
    """Every named intermediate of one forward/backward pass (and, given a learning rate, one SGD step).

    Inputs: X (N, d), y (N,), w (d,), b, `activation` and `loss_name`. Forward: z (N,), prediction (N,),
    loss. Backward: dloss_dpred (N,), dpred_dz (N,) (the ReLU mask), delta = dL/dz (N,),
    per_sample_grad_w (N, d) whose rows sum to grad_w (d,), per_sample_grad_b (N,) summing to grad_b.
    Update (when `lr` is given): new_w, new_b and new_loss. `steps` lists the operations in order.
    """

    X: np.ndarray
    y: np.ndarray
    w: np.ndarray
    b: float
    activation: str
    loss_name: str
    z: np.ndarray
    prediction: np.ndarray
    loss: float
    dloss_dpred: np.ndarray
    dpred_dz: np.ndarray
    delta: np.ndarray
    per_sample_grad_w: np.ndarray
    per_sample_grad_b: np.ndarray
    grad_w: np.ndarray
    grad_b: float
    lr: float | None = None
    new_w: np.ndarray | None = None
    new_b: float | None = None
    new_loss: float | None = None
    steps: tuple[Step, ...] = field(default=(), repr=False)

    @property
    def inactive(self) -> np.ndarray:
        """Boolean (N,): samples whose activation passes no gradient (dpred/dz = 0, a dead ReLU)."""
        return self.dpred_dz == 0

    @property
    def param_names(self) -> list[str]:
        """w0 .. w{d-1}, then b: the order of `grad`."""
        return param_names(self.X.shape[1])

    @property
    def grad(self) -> np.ndarray:
        """The gradient over all parameters, (d + 1,): dL/dw then dL/db."""
        return np.append(self.grad_w, self.grad_b)

    def step(self, key: str) -> Step:
        """The step called `key`."""
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)


def forward_backward(
    X: Any,
    w: Any,
    b: Any,
    y: Any,
    activation: str = "relu",
    loss: str = "mse",
    lr: Any = None,
    precision: int = 4,
) -> Trace:
    """Validate the inputs, run the forward and backward pass, and return its `Trace`.

    With `lr`, the trace also holds one gradient-descent step (new_w, new_b, new_loss) and its step.
    `precision` is the number of decimals used in the steps' LaTeX. Raises InputError on bad input.
    """
    act, lossf = get_activation(activation), get_loss(loss)
    inputs = validate(X, w, b, y, loss=lossf.name)
    rate = None if lr is None else as_learning_rate(lr)
    precision = as_precision(precision)
    p = compute_pass(inputs.X, inputs.w, inputs.b, inputs.y, act, lossf)
    per_w = p.delta[:, None] * inputs.X
    new_w = new_b = new_loss = None
    if rate is not None:
        new_w = inputs.w - rate * p.grad_w
        new_b = inputs.b - rate * p.grad_b
        new_loss = lossf.fn(act.fn(inputs.X @ new_w + new_b), inputs.y)
        _check_finite(p, new_w, new_b, new_loss)
    else:
        _check_finite(p)
    values = dict(
        X=inputs.X, y=inputs.y, w=inputs.w, b=inputs.b, activation=act.name, loss_name=lossf.name,
        z=p.z, prediction=p.prediction, loss=p.loss, dloss_dpred=p.dloss_dpred, dpred_dz=p.dpred_dz,
        delta=p.delta, per_sample_grad_w=per_w, per_sample_grad_b=p.delta.copy(), grad_w=p.grad_w,
        grad_b=p.grad_b, lr=rate, new_w=new_w, new_b=None if new_b is None else float(new_b),
        new_loss=new_loss,
    )
    for arr in (p.z, p.prediction, p.dloss_dpred, p.dpred_dz, p.delta, per_w, values["per_sample_grad_b"],
                p.grad_w, new_w):
        if arr is not None:
            arr.setflags(write=False)
    steps = _steps(values, act, lossf, precision)
    return Trace(**values, steps=steps)


def _check_finite(p: Pass, new_w: np.ndarray | None = None, new_b: float = 0.0, new_loss: float = 0.0) -> None:
    """InputError when a number of the pass (or of its update) overflowed. Validation's bounds make this all but
    impossible, so the test is one sum (inf and NaN propagate through it); the message is looked for only if it
    fails."""
    total = p.loss + p.grad_b + float(p.z.sum()) + float(p.grad_w.sum()) + new_b + new_loss
    if new_w is not None:
        total += float(new_w.sum())
    if math.isfinite(total):
        return
    for name, arr in (("z", p.z), ("the prediction", p.prediction), ("dL/dz", p.delta)):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise InputError(f"sample row {int(bad[0])}: {name} overflows; use smaller values")
    raise InputError("the loss or the gradient overflows; use smaller values or a smaller learning rate")


def _format(parts: list[Any], prec: int) -> list[list[str]]:
    """Every number in `parts` (floats and arrays) formatted in one `latex.nums` call, part by part (flat)."""
    flat: list[float] = []
    bounds = [0]
    for p in parts:
        if isinstance(p, np.ndarray):
            flat.extend(p.ravel().tolist())
        else:
            flat.append(p)
        bounds.append(len(flat))
    strings = latex.nums(flat, prec)
    return [strings[bounds[k]:bounds[k + 1]] for k in range(len(parts))]


class StepText:
    """The substituted LaTeX of a pass's steps (`Step.formula_numbers`, `Step.details`), built on demand.

    The app shows one step at a time, so the numbers are formatted only when a step's text is first read
    (every number of the pass in one batch), and each step's strings are built on their first read and kept.
    Holds the pass's arrays (the trace's own, read-only) and the names of its activation and loss, so it
    pickles with its trace; the strings never change once built, so a Step stays immutable to its readers.
    """

    __slots__ = ("_values", "_act_name", "_loss_name", "_prec", "_parts", "_built")

    def __init__(self, values: tuple, activation: str, loss: str, prec: int) -> None:
        self._values = values  # X, y, w, b, z, a, L, lr, dL/da, da/dz, delta, per_w, grad, new_w, new_b, new_loss
        self._act_name, self._loss_name, self._prec = activation, loss, prec
        self._parts: dict[str, Any] | None = None
        self._built: dict[str, tuple[str | None, tuple[str, ...]]] = {}

    def __getstate__(self) -> tuple:
        return self._values, self._act_name, self._loss_name, self._prec, self._built

    def __setstate__(self, state: tuple) -> None:
        self._values, self._act_name, self._loss_name, self._prec, built = state
        self._parts, self._built = None, dict(built)

    def numbers(self, key: str) -> str | None:
        """The formula of step `key` with the numbers substituted, or None when the arrays are too large."""
        return self._get(key)[0]

    def details(self, key: str) -> tuple[str, ...]:
        """One LaTeX line per element of step `key`, or () when the arrays are too large."""
        return self._get(key)[1]

    def _get(self, key: str) -> tuple[str | None, tuple[str, ...]]:
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = getattr(self, f"_{key}")(self._numbers())
        return built

    def _numbers(self) -> dict[str, Any]:
        """Every number of the pass, formatted: lists of strings by name; X and the per-sample rows by row."""
        if self._parts is not None:
            return self._parts
        X, y, w, b, z, a, L, lr, dL_da, da_dz, delta, per_w, grad, new_w, new_b, new_loss = self._values
        n, d = X.shape
        small = n <= latex.SMALL and d <= latex.SMALL
        update = [] if lr is None else [lr, new_w, new_b, new_loss]
        f: dict[str, Any] = dict(n=n, d=d, small=small, rows=range(n) if small else range(0))
        if small:
            (f["L"],), Xs, f["w"], (f["b"],), f["z"], f["a"], f["y"], f["dL"], f["da"], f["delta"], per_ws, \
                f["grad"], *more = _format([L, X, w, b, z, a, y, dL_da, da_dz, delta, per_w, grad] + update,
                                           self._prec)
            f["X"] = [Xs[i * d:(i + 1) * d] for i in range(n)]
            f["per_w"] = [per_ws[i * d:(i + 1) * d] for i in range(n)]
        else:
            (f["L"],), f["w"], (f["b"],), f["grad"], *more = _format([L, w, b, grad] + update, self._prec)
        if more:
            (f["lr"],), f["new_w"], (f["new_b"],), (f["new_loss"],) = more
        self._parts = f
        return f

    def _z(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        if not f["small"]:
            return None, ()
        col, F, S = latex.column, latex.as_factor, latex.as_signed
        Xs, zs, bs = f["X"], f["z"], f["b"]
        w_factors = [F(t) for t in f["w"]]
        return (
            rf"z = {latex.matrix_of(Xs)}{col(f['w'])} + {bs} = {col(zs)}",
            tuple([rf"z_{{{i}}} = "
                   + " + ".join([rf"{F(x)} \cdot {fw}" for x, fw in zip(Xs[i], w_factors, strict=True)])
                   + rf" {S(bs)} = {zs[i]}" for i in f["rows"]]),
        )

    def _activation(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        if not f["small"]:
            return None, ()
        zs, as_, opname = f["z"], f["a"], self._act_name.replace("_", r"\_")
        return (
            rf"a = \operatorname{{{opname}}}\left({latex.column(zs)}\right) = {latex.column(as_)}",
            tuple([rf"a_{{{i}}} = f({zs[i]}) = {as_[i]}" for i in f["rows"]]),
        )

    def _loss(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        return (_loss_numbers(self._loss_name, f["a"], f["y"], f["L"]) if f["small"] else None), ()

    def _dloss_dpred(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        if not f["small"]:
            return None, ()
        as_, ys, dLs, n = f["a"], f["y"], f["dL"], f["n"]
        return (
            rf"\frac{{\partial L}}{{\partial a}} = {latex.column(dLs)}",
            tuple([_dloss_detail(self._loss_name, i, as_[i], ys[i], n, dLs[i]) for i in f["rows"]]),
        )

    def _dpred_dz(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        if not f["small"]:
            return None, ()
        zs, das = f["z"], f["da"]
        return (
            rf"\frac{{\partial a}}{{\partial z}} = {latex.column(das)}",
            tuple([rf"f'({zs[i]}) = {das[i]}" for i in f["rows"]]),
        )

    def _delta(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        if not f["small"]:
            return None, ()
        col, F = latex.column, latex.as_factor
        dLs, das, deltas = f["dL"], f["da"], f["delta"]
        return (
            rf"\delta = {col(dLs)} \odot {col(das)} = {col(deltas)}",
            tuple([rf"\delta_{{{i}}} = {F(dLs[i])} \cdot {F(das[i])} = {deltas[i]}" for i in f["rows"]]),
        )

    def _per_sample_grad(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        if not f["small"]:
            return None, ()
        per_ws, deltas, Xs, rows, row_of = f["per_w"], f["delta"], f["X"], f["rows"], latex.row_of
        return (
            r"\begin{bmatrix} \delta_i x_i & \delta_i \end{bmatrix} = "
            + latex.matrix_of([[*per_ws[i], deltas[i]] for i in rows]),
            tuple([rf"\text{{sample {i}}}: {latex.as_factor(deltas[i])} \cdot {row_of(Xs[i])} = {row_of(per_ws[i])}"
                   for i in rows]),
        )

    def _grad(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        if not f["small"]:
            return None, ()
        d, grads, per_ws, deltas, rows, S = f["d"], f["grad"], f["per_w"], f["delta"], f["rows"], latex.as_signed
        return (
            (rf"\frac{{\partial L}}{{\partial w}} = {latex.row_of(grads[:d])}, \quad"
             rf" \frac{{\partial L}}{{\partial b}} = {grads[d]}"),
            tuple([rf"\frac{{\partial L}}{{\partial {latex.symbol(p)}}} = "
                   + " ".join([(per_ws[i][j] if j < d else deltas[i]) if i == 0 else
                               S(per_ws[i][j] if j < d else deltas[i]) for i in rows])
                   + f" = {grads[j]}" for j, p in enumerate(param_names(d))]),
        )

    def _update(self, f: dict) -> tuple[str | None, tuple[str, ...]]:
        d, lrs, row_of = f["d"], f["lr"], latex.row_of
        olds, gs, news = [*f["w"], f["b"]], f["grad"], [*f["new_w"], f["new_b"]]
        return (
            rf"\theta' = {row_of(olds)} - {lrs} \cdot {row_of(gs)} = {row_of(news)}" if d <= latex.SMALL else None,
            tuple([rf"{latex.symbol(p)}' = {old} - {lrs} \cdot {latex.as_factor(g)} = {new}"
                   for p, old, g, new in zip(param_names(d), olds, gs, news, strict=True)]
                  + [rf"L' = {f['new_loss']}"]),
        )


def _steps(v: dict, act: Activation, lossf: Loss, prec: int) -> tuple[Step, ...]:
    """The pass's operations in order; their substituted LaTeX is left to a shared `StepText`, built on demand."""
    X, w = v["X"], v["w"]
    n, d = X.shape
    z, a, L, lr = v["z"], v["prediction"], v["loss"], v["lr"]
    dL_da, da_dz, delta, per_w = v["dloss_dpred"], v["dpred_dz"], v["delta"], v["per_sample_grad_w"]
    grad = np.empty(d + 1)
    grad[:d], grad[d] = v["grad_w"], v["grad_b"]
    per_sample = np.empty((n, d + 1))
    per_sample[:, :d], per_sample[:, d] = per_w, v["per_sample_grad_b"]
    loss_value = np.array(L)
    for arr in (grad, per_sample, loss_value):
        arr.setflags(write=False)
    text = StepText((X, v["y"], w, v["b"], z, a, L, lr, dL_da, da_dz, delta, per_w, grad, v["new_w"], v["new_b"],
                     v["new_loss"]), act.name, lossf.name, prec)
    samples = tuple([f"sample {i}" for i in range(n)])
    params = tuple(param_names(d))
    off = tuple([i for i, s in enumerate(da_dz.tolist()) if s == 0] if n <= 64 else
                np.flatnonzero(da_dz == 0).tolist())  # a list's loop is the quicker for a few samples
    off_note = (
        (f" Sample {off[0]} has f'(z) = 0: no gradient flows back through it." if len(off) == 1 else
         f" Samples {', '.join(map(str, off))} have f'(z) = 0: no gradient flows back through them.")
        if off else ""
    )
    steps = [
        _step(
            "z", "Pre-activation z = Xw + b", "forward",
            r"z = Xw + b",
            z, z.shape,
            "Each sample's features are weighted by w and summed, then the bias is added: one number per sample.",
            samples, ("z",), (), text,
        ),
        _step(
            "activation", f"Activation a = {act.label}(z)", "forward",
            rf"a = {act.latex}",
            a, a.shape,
            f"The activation turns each z into the neuron's output, its prediction.{off_note}",
            samples, ("a",), off, text,
        ),
        _step(
            "loss", f"Loss L ({lossf.label})", "forward",
            lossf.latex,
            loss_value, (),
            "One number says how far the predictions are from the targets; averaged over the samples.",
            (), (), (), text,
        ),
        _step(
            "dloss_dpred", "Gradient of the loss w.r.t. the prediction, dL/da", "backward",
            lossf.grad_latex,
            dL_da, dL_da.shape,
            "How much the loss changes when one prediction moves; the 1/N of the mean appears here, once.",
            samples, ("dL/da",), (), text,
        ),
        _step(
            "dpred_dz", "Local derivative of the activation, da/dz", "backward",
            rf"\frac{{\partial a}}{{\partial z}} = {act.der_latex}",
            da_dz, da_dz.shape,
            "The activation's slope at each sample's z: it gates how much gradient passes back."
            + (" ReLU's slope at exactly z = 0 is taken as 0, as in PyTorch." if act.name == "relu" else ""),
            samples, ("da/dz",), off, text,
        ),
        _step(
            "delta", "Chain rule: delta = dL/dz", "backward",
            r"\delta_i = \frac{\partial L}{\partial z_i} = \frac{\partial L}{\partial a_i}\cdot"
            r"\frac{\partial a_i}{\partial z_i}",
            delta, delta.shape,
            f"Multiply the two factors sample by sample: the error signal at z.{off_note}",
            samples, ("delta",), off, text,
        ),
        _step(
            "per_sample_grad", "Each sample's share of the gradient", "backward",
            r"\frac{\partial L}{\partial w}\Big|_i = \delta_i\, x_i, \qquad "
            r"\frac{\partial L}{\partial b}\Big|_i = \delta_i",
            per_sample, (n, d + 1),
            "Since z_i = x_i . w + b, dz_i/dw = x_i and dz_i/db = 1: each sample contributes delta_i times its "
            "own inputs. Rows of inactive samples are zero.",
            samples, params, off, text,
        ),
        _step(
            "grad", "Sum over samples: dL/dw and dL/db", "backward",
            r"\frac{\partial L}{\partial w} = \sum_i \delta_i x_i = X^\top \delta, \qquad "
            r"\frac{\partial L}{\partial b} = \sum_i \delta_i",
            grad, (d + 1,),
            "The gradient is the plain sum of the per-sample rows: the loss's 1/N was already applied in dL/da, "
            "so no second average.",
            params, ("gradient",), (), text,
        ),
    ]
    if lr is not None:
        lrs, loss_text, new_loss = latex.nums([lr, L, v["new_loss"]], prec)
        value = np.empty(d + 1)
        value[:d], value[d] = v["new_w"], v["new_b"]
        value.setflags(write=False)
        steps.append(_step(
            "update", "Gradient-descent update", "update",
            r"w \leftarrow w - \eta\,\frac{\partial L}{\partial w}, \qquad "
            r"b \leftarrow b - \eta\,\frac{\partial L}{\partial b}",
            value, value.shape,
            f"Step against the gradient (downhill) with learning rate {lrs}: the loss goes from "
            f"{loss_text} to {new_loss}.",
            params, ("new value",), (), text,
        ))
    return tuple(steps)


def _loss_numbers(name: str, a: list[str], y: list[str], loss: str) -> str:
    pattern = "({} - {})^2" if name == "mse" else r"\ell({}, {})"
    terms = " + ".join(pattern.format(ai, yi) for ai, yi in zip(a, y, strict=True))
    return rf"L = \frac{{1}}{{{len(a)}}}\left[{terms}\right] = {loss}"


def _dloss_detail(name: str, i: int, a: str, y: str, n: int, g: str) -> str:
    inner = f"{a} - {y}" if name == "mse" else rf"\sigma({a}) - {y}"
    factor = 2 if name == "mse" else 1
    return rf"\frac{{\partial L}}{{\partial a_{{{i}}}}} = \frac{{{factor}}}{{{n}}}({inner}) = {g}"
