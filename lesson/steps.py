"""The lesson: a trace's records turned into `Step`s, one operation at a time, with the text that explains them.

Forward, per layer l: z_l, then a_l; the loss; the penalty, when the network has one. Backward, in the order
the ops run in reverse: the penalty's gradient λW (or λ sign W); dL/da_L; then per layer from the top: f'(z_l),
δ_l, each sample's shares of dW_l and db_l, their sums, and (above layer 1) dL/da_{l-1} = δ_l W_l^T passed
back. Last, the update when the trace has a learning rate. One neuron (no hidden layers, one output) gets the
nine steps it always had: z, a, L, dL/da, da/dz, δ, shares, gradient, update.

Each step carries its graph `node` and `part`, its `kind` and `layer`, so the graph and the pages never switch
on a key string. Formulas are LaTeX; `formula_numbers` and `details` substitute the numbers when the arrays
are small (at most latex.SMALL samples, features and units). Every formula comes from the registry entry of
the op it describes (the loss's terms, the activation's function), so no step shows another loss's formula.
Nothing here computes a model quantity: every number comes from the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop import Trace
from backprop.validation import as_precision

from . import latex

SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class Step:
    """One operation of a pass, as the app shows it.

    `key` is unique in its pass ("z1", "a1", "loss", "penalty", "penalty_grad", "dL_da2", "fprime1", "delta1",
    "shares1", "grad1", "passed2", "update"); `kind` says which operation it is ("linear", "activation", "loss",
    "penalty", "penalty_grad", "loss_grad", "local", "delta", "shares", "grad", "passed", "update") and `layer`
    where (1..L; 0 for the update). `node` and `part` name what the step is about in the computation graph (part:
    "value", "local", "grad" or "new"). `value` is the step's array (its table); `row_labels` and `col_labels`
    name the table's rows and columns, `extra` adds labelled columns before the value's (the softmax's
    exponentials and their sum, the update's old value and gradients), `marked` the rows to highlight (samples
    that pass no gradient). `formula` is symbolic LaTeX, `formula_numbers` the same with the numbers (None when
    the arrays are too large), `details` one LaTeX line per number showing where it comes from.
    """

    key: str
    kind: str
    layer: int
    phase: str  # "forward", "backward" or "update"
    node: str
    part: str
    title: str
    short: str
    formula: str
    value: np.ndarray
    explanation: str
    row_labels: tuple[str, ...] = ()
    col_labels: tuple[str, ...] = ()
    marked: tuple[int, ...] = ()
    formula_numbers: str | None = None
    details: tuple[str, ...] = ()
    extra: tuple[tuple[str, np.ndarray], ...] = ()

    def __post_init__(self) -> None:
        for arr in (self.value, *(v for _, v in self.extra)):
            if isinstance(arr, np.ndarray) and arr.flags.writeable:
                arr.setflags(write=False)  # a step shows the trace's numbers; nobody edits them

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))

    @property
    def samples(self) -> bool:
        """Whether the table's rows are samples."""
        return bool(self.row_labels) and self.row_labels[0].startswith("sample")

    def table(self) -> np.ndarray:
        """`value` as a 2-D table: a column for vectors, 1 x 1 for scalars."""
        v = np.asarray(self.value)
        return v.reshape(-1, 1) if v.ndim < 2 else v


class _Names:
    """How quantities are written for a network of L layers: plain z, a, w, b for one neuron; z⁽ˡ⁾ etc. (LaTeX)
    and z₁ (text) for a larger network."""

    def __init__(self, trace: Trace):
        self.neuron = trace.network.is_neuron
        self.L = trace.network.depth

    def tex(self, sym: str, l: int) -> str:
        return sym if self.neuron else f"{sym}^{{({l})}}"

    def txt(self, sym: str, l: int) -> str:
        return sym if self.neuron else f"{sym}{str(l).translate(SUBSCRIPT)}"

    def input_tex(self, l: int) -> str:
        return "X" if l == 1 else self.tex("a", l - 1)

    def input_txt(self, l: int) -> str:
        return "X" if l == 1 else self.txt("a", l - 1)


def steps(t: Trace, precision: int = 4) -> tuple[Step, ...]:
    """Every step of trace `t`, in order, its numbers written with `precision` decimals."""
    p = as_precision(precision)
    net, nm = t.network, _Names(t)
    n = t.X.shape[0]
    ctx = _Context(t, nm, tuple(f"sample {i}" for i in range(n)), n <= latex.SMALL, p)
    out: list[Step] = []
    for layer in net.layers:
        out += _forward(ctx, layer)
    out += _loss(ctx)
    if t.has_penalty:
        out += _penalty(ctx)
    out += _loss_grad(ctx)
    for layer in reversed(net.layers):
        out += _backward(ctx, layer)
    if t.lr is not None:
        out.append(_update(ctx))
    return tuple(out)


@dataclass(frozen=True)
class _Context:
    t: Trace
    nm: _Names
    samples: tuple[str, ...]
    small_n: bool
    p: int


# ---- helpers ---------------------------------------------------------------------------------------------

def _units(width: int, sym: str, nm: _Names, l: int) -> tuple[str, ...]:
    """Column labels for a layer's units: "z" for one unit of a neuron, else z₁[0], z₁[1], ..."""
    if width == 1 and nm.neuron:
        return (sym,)
    return tuple(f"{nm.txt(sym, l)}[{j}]" for j in range(width))


def _grid(values: np.ndarray, p: int) -> list[list[str]]:
    """A 2-D array's numbers as LaTeX strings, by row."""
    v = np.atleast_2d(values)
    flat = latex.nums(v, p)
    cols = v.shape[1]
    return [flat[i * cols:(i + 1) * cols] for i in range(v.shape[0])]


def _col_or_matrix(values: np.ndarray, p: int) -> str:
    """A column vector for one unit, else the matrix."""
    v = np.asarray(values)
    if v.ndim == 2 and v.shape[1] == 1:
        return latex.column(latex.nums(v[:, 0], p))
    return latex.matrix_of(_grid(v, p)) if v.ndim == 2 else latex.column(latex.nums(v, p))


def _sub(i: int, j: int, width: int) -> str:
    return f"{i}" if width == 1 else f"{i},{j}"


def _squeeze(arr: np.ndarray) -> np.ndarray:
    """A one-unit table (N, 1) as its column (N,): one neuron's steps show vectors, as they always have."""
    return arr[:, 0] if arr.ndim == 2 and arr.shape[1] == 1 else arr


def _layer_params(t: Trace, l: int) -> list[str]:
    return [x for x in t.network.param_names() if x.startswith((f"W{l}[", f"b{l}["))]


def _names(indices, singular: str, plural: str) -> str:
    items = list(indices)
    return f"{singular} {items[0]}" if len(items) == 1 else f"{plural} {', '.join(map(str, items))}"


def inactive_why(t: Trace, off: tuple[int, ...] | None = None) -> str:
    """Why the output's inactive samples (`off`, default the trace's: their δ is exactly 0) pass no gradient back, in
    a clause: a ReLU that is off, a slope that rounds to 0, or a prediction equal to its target ("" for none)."""
    off = tuple(int(i) for i in np.flatnonzero(t.inactive)) if off is None else off
    if not off:
        return ""
    act = t.network.layers[-1].activation
    sliced = t.record("activation").local[list(off)]
    if act.elementwise and (sliced == 0).all():
        return ("ReLU is off (z ≤ 0), so its slope f'(z) is exactly 0" if act.name == "relu" else
                "the activation's slope f'(z) rounds to 0 in floating point (it saturates)")
    return "the prediction equals the target exactly"


def _inactive_reason(t: Trace, off: tuple[int, ...]) -> str:
    """The output's inactive samples `off` and why, as a sentence of a step's explanation."""
    if not off:
        return ""
    who = _names(off, "Sample", "Samples")
    return (f" {who}: {inactive_why(t, off)}, so δ = 0 and {'it contributes' if len(off) == 1 else 'they contribute'} "
            "nothing to the gradient.")


def _passes_nothing(t: Trace, layer: int) -> tuple[int, ...]:
    """Samples that send no gradient back through this layer: at the output, those whose δ is exactly 0 (the
    trace's `inactive`); in a hidden layer, those whose every unit has slope 0 (a dead ReLU)."""
    if layer == t.network.depth:
        return tuple(int(i) for i in np.flatnonzero(t.inactive))
    return _dead(t.record("activation", layer).local)


def _no_gradient_note(t: Trace, layer: int, off: tuple[int, ...]) -> str:
    """Why the samples `off` send no gradient back through the layer, in a sentence ("" for none)."""
    if layer == t.network.depth:
        return _inactive_reason(t, off)
    return _dead_note(off, t.network.layers[layer - 1].fan_out)


def _dead(local: np.ndarray) -> tuple[int, ...]:
    """Samples whose every unit of a hidden layer has slope exactly 0 (a dead ReLU): no gradient flows back."""
    if local.ndim != 2:
        return ()
    return tuple(int(i) for i in np.flatnonzero((local == 0).all(axis=1)))


def _dead_note(off: tuple[int, ...], width: int) -> str:
    if not off:
        return ""
    unit = "" if width == 1 else " at every unit"
    who = _names(off, "Sample", "Samples")
    verb = "has" if len(off) == 1 else "have"
    return f" {who} {verb} f'(z) = 0{unit}: no gradient flows back through {'it' if len(off) == 1 else 'them'}."


# ---- forward ---------------------------------------------------------------------------------------------

def _forward(ctx: _Context, layer) -> list[Step]:
    t, nm, p = ctx.t, ctx.nm, ctx.p
    l, act, width = layer.index, layer.activation, layer.fan_out
    lin, actrec = t.layer_records(l)
    A, W, b, z = lin.inputs["A"], lin.inputs["W"], lin.inputs["b"], lin.output
    a = actrec.output
    small = ctx.small_n and layer.fan_in <= latex.SMALL and width <= latex.SMALL
    top = l == t.network.depth
    zt, at, At = nm.tex("z", l), nm.tex("a", l), nm.input_tex(l)
    fname = act.abbrev
    if nm.neuron:
        z_title, z_formula = "Pre-activation z = Xw + b", r"z = Xw + b"
        z_why = "Each sample's features are weighted by w and summed, then the bias is added: one number per sample."
        a_title = f"Activation a = {fname}(z)"
        a_why = "The activation turns each z into the neuron's output, its prediction."
    else:
        z_title = f"Layer {l}: pre-activation {nm.txt('z', l)} = {nm.input_txt(l)}{nm.txt('W', l)} + {nm.txt('b', l)}"
        z_formula = rf"{zt} = {At} W^{{({l})}} + b^{{({l})}}"
        what = "features" if l == 1 else f"inputs (the outputs {nm.input_txt(l)} of layer {l - 1})"
        who = "The layer's one unit weighs" if width == 1 else f"Each of the layer's {width} units weighs"
        z_why = (f"{who} the sample's {what} by its column of {nm.txt('W', l)} and adds its bias: one number per "
                 f"sample{'' if width == 1 else ' and unit'}.")
        a_title = f"Layer {l}: activation {nm.txt('a', l)} = {fname}({nm.txt('z', l)})"
        a_why = ("The activation turns each z into the unit's output: "
                 + ("the network's prediction." if top else f"the input of layer {l + 1}."))
    if not act.elementwise:
        a_why = (f"Softmax turns each sample's {width} outputs into probabilities: it exponentiates each z (after "
                 "subtracting the row's largest, which changes nothing but keeps every exponent ≤ 0, so nothing "
                 "overflows) and divides by their sum, so the row is positive and adds up to 1.")
    z_numbers, z_details = None, ()
    a_numbers, a_details = None, ()
    extra: tuple = ()
    if not act.elementwise:
        shifted = np.exp(z - z.max(axis=1, keepdims=True))  # what softmax divides: the table shows it
        total = shifted.sum(axis=1)
        extra = (*((f"e^(z−max)[{k}]", shifted[:, k]) for k in range(width)), ("Σ e^(z−max)", total))
    if small:
        Ag, Wg, bs, zg, ag = _grid(A, p), _grid(W, p), latex.nums(b, p), _grid(z, p), _grid(a, p)
        if width == 1:
            wcol = latex.column([r[0] for r in Wg])
            z_numbers = rf"{zt} = {latex.matrix_of(Ag)}{wcol} + {bs[0]} = {latex.column([r[0] for r in zg])}"
        else:
            z_numbers = (rf"{zt} = {latex.matrix_of(Ag)}{latex.matrix_of(Wg)} + {latex.row_of(bs)} = "
                         rf"{latex.matrix_of(zg)}")
        z_details = tuple(
            rf"{nm.tex('z', l)}_{{{_sub(i, j, width)}}} = "
            + " + ".join(rf"{latex.as_factor(Ag[i][k])} \cdot {latex.as_factor(Wg[k][j])}" for k in range(len(Wg)))
            + rf" {latex.as_signed(bs[j])} = {zg[i][j]}"
            for i in range(len(Ag)) for j in range(width))
        opname = act.name.replace("_", r"\_")
        a_numbers = (rf"{at} = \operatorname{{{opname}}}\left({_col_or_matrix(z, p)}\right) = "
                     rf"{_col_or_matrix(a, p)}")
        if act.elementwise:
            a_details = tuple(rf"{nm.tex('a', l)}_{{{_sub(i, j, width)}}} = f({zg[i][j]}) = {ag[i][j]}"
                              for i in range(len(zg)) for j in range(width))
        else:
            eg, ts = _grid(shifted, p), latex.nums(total, p)
            a_details = tuple(
                rf"\text{{sample {i}}}:\ z = {latex.row_of(zg[i])},\ e^{{z - \max z}} = {latex.row_of(eg[i])},\ "
                rf"\textstyle\sum = {ts[i]},\ a = \frac{{e^{{z - \max z}}}}{{\sum}} = {latex.row_of(ag[i])}"
                for i in range(len(zg)))
    marked = _passes_nothing(t, l)
    return [
        Step(f"z{l}", "linear", l, "forward", f"z{l}", "value", z_title,
             "z = Xw + b" if nm.neuron else f"{nm.txt('z', l)} = {nm.input_txt(l)}{nm.txt('W', l)} + {nm.txt('b', l)}",
             z_formula, _squeeze(z), z_why, ctx.samples, _units(width, "z", nm, l), (), z_numbers, z_details),
        Step(f"a{l}", "activation", l, "forward", f"a{l}", "value", a_title,
             "a = f(z)" if nm.neuron else f"{nm.txt('a', l)} = f({nm.txt('z', l)})",
             rf"{at} = {act.latex}", _squeeze(a), a_why + _no_gradient_note(t, l, marked), ctx.samples,
             _units(width, "a", nm, l), marked, a_numbers, a_details, extra),
    ]


def _loss(ctx: _Context) -> list[Step]:
    t, p = ctx.t, ctx.p
    lossf = t.network.loss
    rec = t.record("loss")
    a, Y = t.record("activation").output, rec.inputs["Y"]
    n, K = Y.shape
    L = t.network.depth
    numbers, details = None, ()
    per_sample = lossf.terms(rec.inputs["x"], Y).sum(axis=1)  # the trace's own terms, summed over the outputs
    data = latex.num(t.data_loss, p)
    divisor = _divisor(lossf, n, K)
    if ctx.small_n and K <= latex.SMALL:
        ag, yg = _grid(a, p), _grid(Y, p)
        labels = t.labels if lossf.targets == "classes" else None
        lines, bodies = [], []
        for i in range(n):
            if labels is not None and ((Y[i] == 0) | (Y[i] == 1)).all():
                c = int(labels[i])
                body = lossf.term_latex.format(p=ag[i][c])
                lines.append(rf"\ell_{{{i}}} = -\log a_{{{i},{c}}} = {body} = {latex.num(per_sample[i], p)}"
                             rf"\quad\text{{(class {c})}}")
            elif lossf.targets == "classes":
                body = "-" + r"\left(" + " ".join(rf"{latex.as_signed(yg[i][k])} \log {ag[i][k]}"
                                                  for k in range(K)).removeprefix("+ ") + r"\right)"
                lines.append(rf"\ell_{{{i}}} = {body} = {latex.num(per_sample[i], p)}")
            else:
                body = " + ".join(lossf.term_latex.format(a=ag[i][k], y=latex.as_factor(yg[i][k])) for k in range(K))
                lines.append(rf"\ell_{{{i}}} = {body} = {latex.num(per_sample[i], p)}")
            bodies.append(body)
        details = tuple(lines) if K > 1 or labels is not None or lossf.targets == "classes" else ()
        summed = bodies[0] + "".join(f" - {b[1:]}" if b.startswith("-") else f" + {b}" for b in bodies[1:])
        numbers = rf"L = \frac{{1}}{{{divisor}}}\left[{summed}\right] = {data}"
    mean = "the samples" if per_sample_loss(lossf) or K == 1 else f"the samples and the {K} outputs"
    why = f"One number says how far the predictions are from the targets; averaged over {mean}."
    if lossf.targets == "classes":
        why = ("Cross-entropy scores each sample by −log of the probability the network gives its true class: 0 when "
               "that probability is 1, large when it is small. L is their mean over the samples.")
    title = f"Loss L ({lossf.label})" if not t.has_penalty else f"Data loss ({lossf.label})"
    return [Step("loss", "loss", L, "forward", "L", "value", title, "loss L", for_outputs(lossf.latex, K),
                 np.array(t.data_loss), why,
                 (), (), (), numbers, details)]


def for_outputs(tex: str, K: int) -> str:
    """A registry formula written for K outputs, as it reads for one: no output index k, N instead of N K."""
    if K > 1:
        return tex
    for many, one in ((r"\sum_{i,k}", r"\sum_i"), ("{N K}", "{N}"), ("_{ik}", "_i"), (r"\sum_k ", "")):
        tex = tex.replace(many, one)
    return tex


def per_sample_loss(loss) -> bool:
    """Whether the loss has one term per sample (cross-entropy) rather than one per sample and output."""
    return loss.targets == "classes"


def _divisor(loss, n: int, K: int) -> str:
    """The mean's divisor as LaTeX: N, or N · K for a loss of every output."""
    return f"{n}" if K == 1 or per_sample_loss(loss) else rf"{n} \cdot {K}"


def _penalty(ctx: _Context) -> list[Step]:
    """The penalty R and the objective L + R (forward), then R's gradient (the first op of the backward pass)."""
    t, p = ctx.t, ctx.p
    net = t.network
    rec = t.record("penalty")
    pen, lam = net.penalty, latex.num(net.reg_rate, p)
    Ws = [k for k in net.shapes if k[0] == "W"]
    numbers = (rf"R = {latex.num(t.penalty, p)},\quad L + R = {latex.num(t.data_loss, p)} + "
               rf"{latex.num(t.penalty, p)} = {latex.num(t.loss, p)}")
    forward = Step(
        "penalty", "penalty", net.depth, "forward", "R", "value",
        f"Penalty R ({pen.label}, λ = {latex.text(net.reg_rate, p)})",
        "penalty R", pen.latex + r",\quad \text{objective} = L + R",
        np.array(t.penalty),
        "The penalty grows with the weights (never the biases), so minimising L + R trades fitting the data against "
        "keeping the weights small. It is part of the objective: its gradient adds to each weight's.",
        (), (), (), numbers, ())
    names = [net.label(x) for x in net.param_names() if x.startswith("W")]  # one neuron's read w0, w1, ...
    grad = np.concatenate([rec.grads[k].ravel() for k in Ws])
    values = np.concatenate([rec.inputs[k].ravel() for k in Ws])
    details: tuple[str, ...] = ()
    if len(names) <= 4 * latex.SMALL:
        gs, vs = latex.nums(grad, p), latex.nums(values, p)
        form = r"\lambda \cdot {}" if pen.name == "l2" else r"\lambda \operatorname{{sign}}({})"
        details = tuple(rf"\frac{{\partial R}}{{\partial {_symbol(x)}}} = {form.format(latex.as_factor(v))} = "
                        rf"{lam} \cdot {latex.as_factor(v) if pen.name == 'l2' else latex.num(np.sign(values[k]), 0)}"
                        rf" = {g}" for k, (x, v, g) in enumerate(zip(names, vs, gs, strict=True)))
    backward = Step(
        "penalty_grad", "penalty_grad", net.depth, "backward", "dR", "value", "Gradient of the penalty, dR/dW",
        "dR/dW", pen.grad_latex, grad,
        "The backward pass starts at the objective's two terms. The penalty's gradient needs no chain rule: it is "
        + ("λ times each weight, pulling every weight towards 0 in proportion to its size (weight decay)."
           if pen.name == "l2" else
           "λ times each weight's sign, the same pull towards 0 for every weight, however small (sign(0) = 0)."),
        tuple(names), ("dR/dW",), (), None, details)
    return [forward, backward]


def _loss_grad(ctx: _Context) -> list[Step]:
    t, p, nm = ctx.t, ctx.p, ctx.nm
    lossf = t.network.loss
    L = t.network.depth
    Y = t.record("loss").inputs["Y"]
    a = t.record("activation").output
    n, K = Y.shape
    g = np.reshape(t.dloss_dpred, (n, K))
    numbers, details = None, ()
    if ctx.small_n and K <= latex.SMALL:
        ag, yg, gg = _grid(a, p), _grid(Y, p), _grid(g, p)
        numbers = rf"\frac{{\partial L}}{{\partial a}} = {_col_or_matrix(g, p)}"
        div = _divisor(lossf, n, K)
        details = tuple(rf"\frac{{\partial L}}{{\partial a_{{{_sub(i, k, K)}}}}} = "
                        + lossf.grad_term_latex.format(a=ag[i][k], y=latex.as_factor(yg[i][k]), n=div)
                        + f" = {gg[i][k]}" for i in range(n) for k in range(K))
    if lossf.fused:
        why = ("How much the loss changes when one prediction moves. The loss reads the logits z, not a, so the "
               "backward pass never uses this number: it takes δ = dL/dz in one step (see δ); it is shown so that you "
               "can see the two factors cancel.")
        bad = np.argwhere(~np.isfinite(g))
        if bad.size:
            i, k = map(int, bad[0])
            which = "1 − a" if a[i, k] >= 0.5 else "a"
            why += (f" For sample {i} it is infinite: a = {latex.text(a[i, k], p)} is so close to "
                    f"{'1' if which == '1 − a' else '0'} that {which} rounds to 0 and the division overflows. δ does "
                    "not divide, so it stays finite and exact.")
        formula = for_outputs(lossf.grad_a_latex, K)
    else:
        why = "How much the loss changes when one prediction moves; the 1/N of the mean appears here, once."
        formula = for_outputs(lossf.grad_latex, K)
    cols = ("dL/da",) if K == 1 and nm.neuron else tuple(f"dL/da[{k}]" for k in range(K))
    return [Step(f"dL_da{L}", "loss_grad", L, "backward", f"a{L}", "grad",
                 "Gradient of the loss w.r.t. the prediction, dL/da", "dL/da", formula, _squeeze(g), why,
                 ctx.samples, cols, (), numbers, details)]


# ---- backward --------------------------------------------------------------------------------------------

def _backward(ctx: _Context, layer) -> list[Step]:
    t, nm, p = ctx.t, ctx.nm, ctx.p
    l, act, width, fan_in = layer.index, layer.activation, layer.fan_out, layer.fan_in
    lin, actrec = t.layer_records(l)
    W, local, delta = lin.inputs["W"], actrec.local, lin.upstream
    top = l == t.network.depth
    fused = top and t.network.loss.fused
    g = actrec.upstream if actrec.upstream is not None else None
    small = ctx.small_n and fan_in <= latex.SMALL and width <= latex.SMALL
    off = _passes_nothing(t, l)
    zt = nm.tex("z", l)
    out = [_local_step(ctx, layer, small)]

    # delta
    if nm.neuron:
        title, short = "Chain rule: delta = dL/dz", "δ = dL/dz"
        formula = (r"\delta_i = \frac{\partial L}{\partial z_i} = \frac{\partial L}{\partial a_i}\cdot"
                   r"\frac{\partial a_i}{\partial z_i}")
    else:
        title, short = f"Layer {l}: chain rule δ{str(l).translate(SUBSCRIPT)} = dL/d{nm.txt('z', l)}", \
            f"δ{str(l).translate(SUBSCRIPT)}"
        formula = (rf"\delta^{{({l})}} = \frac{{\partial L}}{{\partial {zt}}} = "
                   rf"\frac{{\partial L}}{{\partial {nm.tex('a', l)}}} \odot f'({zt})")
        if not act.elementwise:
            formula = (rf"\delta^{{({l})}}_{{i}} = \left(\frac{{\partial a_i}}{{\partial z_i}}\right)^{{\top}}"
                       rf"\frac{{\partial L}}{{\partial a_i}} = a_i \odot \left(g_i - (a_i \cdot g_i)\right)")
    why = "Multiply the two factors sample by sample: the error signal at z." if nm.neuron else \
        "Multiply the gradient arriving at each unit's output by the unit's slope, element by element: the error " \
        "signal at z."
    if not act.elementwise and not fused:
        why = ("Softmax mixes a sample's outputs, so its derivative is a K × K Jacobian per sample, ∂a_k/∂z_j = "
               "a_k (1[k = j] − a_j), and δ is the Jacobian times the gradient g = dL/da: "
               "δ_k = a_k (g_k − Σ_j a_j g_j).")
    lossf = t.network.loss
    if fused:
        formula = for_outputs(lossf.grad_latex, t.outputs)
        if lossf.name == "ce":
            why = ("Why softmax and cross-entropy are taught together: dL/da = −y/(N a), and softmax's Jacobian "
                   "a_k (1[k = j] − a_j) times it collapses to δ = (a − y)/N, the predicted probabilities minus the "
                   "one-hot target. No division by a small probability is left, so δ stays exact even where a "
                   "probability rounds to 0 — which is why the engine (as PyTorch's cross_entropy) computes it "
                   "from the logits z in one step.")
        else:
            why = ("With binary cross-entropy on a sigmoid output the two factors simplify: "
                   "dL/da = (a − y)/(N a(1 − a)) and the sigmoid's slope is a(1 − a), so they cancel and "
                   "δ = (a − y)/N (per output, divided by K too when there are K outputs). The engine computes δ "
                   "in this fused form, from z, which stays "
                   "exact even where the sigmoid saturates and a(1 − a) rounds to 0.")
    numbers, details = None, ()
    if small:
        dg = _grid(delta, p)
        d_tex = r"\delta" if nm.neuron else rf"\delta^{{({l})}}"
        if fused:
            rec = t.record("loss")
            ag, yg = _grid(actrec.output, p), _grid(rec.inputs["Y"], p)
            n, K = rec.inputs["Y"].shape
            div = _divisor(lossf, n, K)
            numbers = (rf"{d_tex} = \frac{{1}}{{{div}}}\left({_col_or_matrix(actrec.output, p)} - "
                       rf"{_col_or_matrix(rec.inputs['Y'], p)}\right) = {_col_or_matrix(delta, p)}")
            details = tuple(rf"{d_tex}_{{{_sub(i, k, K)}}} = \frac{{1}}{{{div}}}({ag[i][k]} - {yg[i][k]}) = {dg[i][k]}"
                            for i in range(n) for k in range(K))
        elif act.elementwise:
            gg, lg = _grid(g, p), _grid(local, p)
            numbers = rf"{d_tex} = {_col_or_matrix(g, p)} \odot {_col_or_matrix(local, p)} = {_col_or_matrix(delta, p)}"
            details = tuple(rf"{d_tex}_{{{_sub(i, j, width)}}} = {latex.as_factor(gg[i][j])} \cdot "
                            rf"{latex.as_factor(lg[i][j])} = {dg[i][j]}" for i in range(len(gg)) for j in range(width))
        else:
            gg, ag = _grid(g, p), _grid(actrec.output, p)
            dots = latex.nums((actrec.output * g).sum(axis=1), p)
            numbers = rf"{d_tex} = {_col_or_matrix(delta, p)}"
            details = tuple(rf"{d_tex}_{{{i}}} = {latex.row_of(ag[i])} \odot \left({latex.row_of(gg[i])} - "
                            rf"{latex.as_factor(dots[i])}\right) = {latex.row_of(dg[i])}" for i in range(len(gg)))
    note = _no_gradient_note(t, l, off)
    out.append(Step(f"delta{l}", "delta", l, "backward", f"z{l}", "grad", title, short, formula, _squeeze(delta),
                    why + note, ctx.samples, ("delta",) if nm.neuron else _units(width, "δ", nm, l), off, numbers,
                    details))
    out += _sums(ctx, layer, small, off)

    # passed back to the layer below
    if l > 1:
        dA = lin.grads["A"]
        below = nm.txt("a", l - 1)
        numbers, details = None, ()
        if small:
            dg, Wg, pg = _grid(delta, p), _grid(W, p), _grid(dA, p)
            numbers = (rf"\frac{{\partial L}}{{\partial {nm.tex('a', l - 1)}}} = {latex.matrix_of(dg)}"
                       rf"{latex.matrix_of(Wg)}^\top = {latex.matrix_of(pg)}")
            details = tuple(
                rf"\frac{{\partial L}}{{\partial {nm.tex('a', l - 1)}_{{{i},{k}}}}} = "
                + " + ".join(rf"{latex.as_factor(dg[i][j])} \cdot {latex.as_factor(Wg[k][j])}" for j in range(width))
                + f" = {pg[i][k]}" for i in range(len(dg)) for k in range(fan_in))
        out.append(Step(
            f"passed{l}", "passed", l, "backward", f"a{l - 1}", "grad",
            f"Passed back: dL/d{below} = δ{str(l).translate(SUBSCRIPT)} {nm.txt('W', l)}ᵀ", f"dL/d{below}",
            rf"\frac{{\partial L}}{{\partial {nm.tex('a', l - 1)}}} = \delta^{{({l})}}\, W^{{({l})\top}}", dA,
            f"Each unit of layer {l - 1} feeds every unit of layer {l}, so its gradient is the sum of their error "
            f"signals δ, each weighted by the weight that connects them: the chain rule crossing a layer. This is "
            f"dL/d{below}, the upstream gradient of layer {l - 1}'s activation.",
            ctx.samples, _units(fan_in, "dL/da", nm, l - 1), (), numbers, details))
    return out


def _local_step(ctx: _Context, layer, small: bool) -> Step:
    """f'(z): the activation's slope per sample and unit, or softmax's Jacobian per sample (flattened)."""
    t, nm, p = ctx.t, ctx.nm, ctx.p
    l, act, width = layer.index, layer.activation, layer.fan_out
    _, actrec = t.layer_records(l)
    z, local = actrec.inputs["z"], actrec.local
    zt = nm.tex("z", l)
    top = l == t.network.depth
    fused = top and t.network.loss.fused
    relu = " ReLU's slope at exactly z = 0 is taken as 0, as in PyTorch." if act.name == "relu" else ""
    if nm.neuron:
        title, short, formula = ("Local derivative of the activation, da/dz", "da/dz",
                                 rf"\frac{{\partial a}}{{\partial z}} = {act.der_latex}")
        why = "The activation's slope at each sample's z: it gates how much gradient passes back." + relu
    else:
        title = f"Layer {l}: local derivative f'({nm.txt('z', l)})"
        short = f"f'({nm.txt('z', l)})"
        formula = rf"\frac{{\partial {nm.tex('a', l)}}}{{\partial {zt}}} = {act.der_latex}"
        why = ("The activation's slope at each sample's and unit's z: it gates how much gradient passes back. "
               "Where it is 0 (a dead ReLU unit) nothing flows back through that unit for that sample." + relu)
    if fused:
        why += (" The loss reads z directly, so this slope is not multiplied in: it cancels against dL/da (see δ). It "
                "is shown for the cancellation, and because it is where a plain chain rule would lose precision.")
    cols = ("da/dz",) if nm.neuron else _units(width, "f'", nm, l)
    value = _squeeze(local)
    if not act.elementwise:
        value = local.reshape(len(local), -1)
        cols = tuple(f"da[{k}]/dz[{j}]" for k in range(width) for j in range(width))
        why = ("Softmax's output k depends on every z_j of the sample: its local derivative is a K × K Jacobian per "
               "sample, ∂a_k/∂z_j = a_k (1[k = j] − a_j) (a row of the table per sample, the Jacobian read row by row)."
               + (" The loss reads z, so this Jacobian cancels against dL/da (see δ)." if fused else ""))
    numbers, details = None, ()
    if small:
        if act.elementwise:
            zg, lg = _grid(z, p), _grid(local, p)
            numbers = rf"\frac{{\partial {nm.tex('a', l)}}}{{\partial {zt}}} = {_col_or_matrix(local, p)}"
            details = tuple(rf"f'({zg[i][j]}) = {lg[i][j]}" for i in range(len(zg)) for j in range(width))
        else:
            details = tuple(rf"\text{{sample {i}}}:\ \frac{{\partial a}}{{\partial z}} = {latex.matrix(local[i], p)}"
                            for i in range(len(local)))
    return Step(f"fprime{l}", "local", l, "backward", f"a{l}", "local", title, short, formula, value, why,
                ctx.samples, cols, _passes_nothing(t, l), numbers, details)


def _sums(ctx: _Context, layer, small: bool, off: tuple[int, ...]) -> list[Step]:
    """Each sample's shares of dW_l and db_l, then their sums (the data's gradient)."""
    t, nm, p = ctx.t, ctx.nm, ctx.p
    l, width, fan_in = layer.index, layer.fan_out, layer.fan_in
    lin = t.record("linear", l)
    A, delta = lin.inputs["A"], lin.upstream
    n = A.shape[0]
    names = _layer_params(t, l)
    labels = tuple(t.network.label(x) for x in names)
    shares = np.concatenate([t.per_sample[f"W{l}"].reshape(n, -1), t.per_sample[f"b{l}"]], axis=1)
    grad = np.concatenate([t.data_grads[f"W{l}"].ravel(), t.data_grads[f"b{l}"]])
    P = len(names)
    if nm.neuron:
        s_title, s_short = "Each sample's share of the gradient", "per-sample shares"
        s_formula = (r"\frac{\partial L}{\partial w}\Big|_i = \delta_i\, x_i, \qquad "
                     r"\frac{\partial L}{\partial b}\Big|_i = \delta_i")
        s_why = ("Since z_i = x_i . w + b, dz_i/dw = x_i and dz_i/db = 1: each sample contributes delta_i times its "
                 "own inputs. Rows of inactive samples are zero.")
        g_title, g_short = "Sum over samples: dL/dw and dL/db", "dL/dw, dL/db"
        g_formula = (r"\frac{\partial L}{\partial w} = \sum_i \delta_i x_i = X^\top \delta, \qquad "
                     r"\frac{\partial L}{\partial b} = \sum_i \delta_i")
    else:
        Wt, bt, At = nm.txt("W", l), nm.txt("b", l), nm.input_txt(l)
        s_title, s_short = f"Layer {l}: each sample's share of dL/d{Wt} and dL/d{bt}", f"shares of {Wt}, {bt}"
        s_formula = (rf"\frac{{\partial L}}{{\partial W^{{({l})}}}}\Big|_i = ({nm.input_tex(l)}_i)^\top "
                     rf"\delta^{{({l})}}_i, \qquad "
                     rf"\frac{{\partial L}}{{\partial b^{{({l})}}}}\Big|_i = \delta^{{({l})}}_i")
        s_why = (f"Since z = {At}·{Wt} + {bt}, the weight from input k to unit j gets, from sample i, input k's "
                 f"value times unit j's δ: an outer product per sample. Each bias gets its unit's δ.")
        g_title, g_short = f"Layer {l}: sum over samples, dL/d{Wt} and dL/d{bt}", f"dL/d{Wt}, dL/d{bt}"
        g_formula = (rf"\frac{{\partial L}}{{\partial W^{{({l})}}}} = ({nm.input_tex(l)})^\top \delta^{{({l})}}, "
                     rf"\qquad \frac{{\partial L}}{{\partial b^{{({l})}}}} = \sum_i \delta^{{({l})}}_i")
    g_why = ("The gradient is the plain sum of the per-sample rows: the loss's 1/N was already applied in dL/da, "
             "so no second average.")
    if t.has_penalty:
        g_why += " This is the data's gradient; the update adds the penalty's."
    s_numbers = g_numbers = None
    s_details: tuple[str, ...] = ()
    g_details: tuple[str, ...] = ()
    if small and P <= 2 * latex.SMALL:
        sg, gs = _grid(shares, p), latex.nums(grad, p)
        Ag, dg = _grid(A, p), _grid(delta, p)
        if nm.neuron:
            s_numbers = (r"\begin{bmatrix} \delta_i x_i & \delta_i \end{bmatrix} = " + latex.matrix_of(sg))
            s_details = tuple(rf"\text{{sample {i}}}: {latex.as_factor(dg[i][0])} \cdot {latex.row_of(Ag[i])} = "
                              rf"{latex.row_of(sg[i][:fan_in])}" for i in range(n))
            g_numbers = (rf"\frac{{\partial L}}{{\partial w}} = {latex.row_of(gs[:fan_in])}, \quad"
                         rf" \frac{{\partial L}}{{\partial b}} = {gs[fan_in]}")
        else:
            s_numbers = latex.matrix_of(sg)
            s_details = tuple(rf"\text{{sample {i}}}: {latex.row_of(Ag[i])}^\top {latex.row_of(dg[i])} = "
                              rf"{latex.row_of(sg[i][:fan_in * width])}" for i in range(n))
            g_numbers = (rf"\frac{{\partial L}}{{\partial W^{{({l})}}}} = "
                         rf"{latex.matrix_of([gs[k * width:(k + 1) * width] for k in range(fan_in)])}, \quad "
                         rf"\frac{{\partial L}}{{\partial b^{{({l})}}}} = {latex.row_of(gs[fan_in * width:])}")
        g_details = tuple(
            rf"\frac{{\partial L}}{{\partial {_symbol(labels[j])}}} = "
            + " ".join(sg[i][j] if i == 0 else latex.as_signed(sg[i][j]) for i in range(n))
            + f" = {gs[j]}" for j in range(P))
    return [
        Step(f"shares{l}", "shares", l, "backward", f"shares{l}", "value", s_title, s_short, s_formula, shares, s_why,
             ctx.samples, labels, off, s_numbers, s_details),
        Step(f"grad{l}", "grad", l, "backward", f"theta{l}", "grad", g_title, g_short, g_formula, grad, g_why, labels,
             ("gradient",), (), g_numbers, g_details),
    ]


def _symbol(label: str) -> str:
    """w0 -> w_{0}, b -> b, W1[0,1] -> W^{(1)}_{0,1}, b2[0] -> b^{(2)}_{0}."""
    if "[" in label:
        head, idx = label.split("[")
        return rf"{head[0]}^{{({head[1:]})}}_{{{idx.rstrip(']')}}}"
    return latex.symbol(label)


# ---- update ----------------------------------------------------------------------------------------------

def _update(ctx: _Context) -> Step:
    t, nm, p = ctx.t, ctx.nm, ctx.p
    net = t.network
    labels = tuple(net.param_labels())
    old, new = net.flatten(t.params), net.flatten(t.new_params)
    data, pen = net.flatten(t.data_grads), net.flatten(t.penalty_grads)
    lrs, before, after = latex.num(t.lr, p), latex.num(t.loss, p), latex.num(t.new_loss, p)
    if t.new_loss > t.loss:
        why = (f"Step against the gradient with learning rate {lrs}: the loss goes from {before} up to {after}. The "
               "step overshot: the gradient only says which way is downhill here, and a step this long goes past "
               "the valley's floor and up the other side. A smaller learning rate η would make the loss fall.")
    else:
        why = (f"Step against the gradient (downhill) with learning rate {lrs}: the loss goes from {before} to "
               f"{after}.")
    if t.has_penalty:
        why += (" Each weight's gradient is the data's plus the penalty's (columns beside), so the step also shrinks "
                "the weights; the biases carry no penalty.")
        formula = (r"\theta \leftarrow \theta - \eta\left(\frac{\partial L}{\partial \theta} + "
                   r"\frac{\partial R}{\partial \theta}\right)\quad\text{for every weight and bias}")
    elif nm.neuron:
        formula = (r"w \leftarrow w - \eta\,\frac{\partial L}{\partial w}, \qquad "
                   r"b \leftarrow b - \eta\,\frac{\partial L}{\partial b}")
    else:
        formula = (r"\theta \leftarrow \theta - \eta\,\frac{\partial L}{\partial \theta}"
                   r"\quad\text{for every weight and bias}")
    grad = net.flatten(t.grads)
    olds, gs, news = latex.nums(old, p), latex.nums(grad, p), latex.nums(new, p)
    numbers = (rf"\theta' = {latex.row_of(olds)} - {lrs} \cdot {latex.row_of(gs)} = {latex.row_of(news)}"
               if len(labels) <= latex.SMALL else None)
    if t.has_penalty:
        ds, ps = latex.nums(data, p), latex.nums(pen, p)
        details = tuple(rf"{_symbol(x)}' = {o} - {lrs} \cdot ({d} {latex.as_signed(q)}) = {nw}"
                        for x, o, d, q, nw in zip(labels, olds, ds, ps, news, strict=True))
        extra = (("before", old), ("data gradient dL/dθ", data), ("penalty gradient dR/dθ", pen))
    else:
        details = tuple(rf"{_symbol(x)}' = {o} - {lrs} \cdot {latex.as_factor(g)} = {nw}"
                        for x, o, g, nw in zip(labels, olds, gs, news, strict=True))
        extra = (("before", old), ("gradient", grad))
    details += (rf"L' = {after}",)
    return Step("update", "update", 0, "update", "theta", "new", "Gradient-descent update", "update", formula,
                new.copy(), why, labels, ("after",), (), numbers, details, extra)


def step(t: Trace, key: str, precision: int = 4) -> Step:
    """The step of trace `t` called `key` ("z1", "delta2", "update", ...); KeyError when it has none."""
    for s in steps(t, precision):
        if s.key == key:
            return s
    raise KeyError(key)
