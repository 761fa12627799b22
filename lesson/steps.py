"""The lesson: a trace's records turned into `Step`s, one operation at a time, with the text that explains them.

Forward, per layer l: z_l, then a_l; the loss. Backward: dL/da_L, then per layer from the top: f'(z_l),
delta_l, each sample's shares of dW_l and db_l, their sums, and (below the top layer's input) dL/da_{l-1} =
delta_l W_l^T passed back. Last, the update when the trace has a learning rate. One neuron (no hidden
layers) gets the nine steps it always had: z, a, L, dL/da, da/dz, delta, shares, gradient, update.

Each step carries its graph `node` and `part`, its `kind` and `layer`, so the graph and the pages never
switch on a key string. Formulas are LaTeX; `formula_numbers` and `details` substitute the numbers when
the arrays are small (at most latex.SMALL samples, features and units). Nothing here computes a model
quantity: every number comes from the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import latex
from .trace import Trace

SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class Step:
    """One operation of a pass, as the app shows it.

    `key` is unique in its pass ("z1", "a1", "loss", "dL_da2", "fprime1", "delta1", "shares1", "grad1",
    "passed2", "update"); `kind` says which operation it is ("linear", "activation", "loss", "loss_grad",
    "local", "delta", "shares", "grad", "passed", "update") and `layer` where (1..L; 0 for the update).
    `node` and `part` name what the step is about in the computation graph (part: "value", "local", "grad"
    or "new"). `value` is the step's array (its table); `row_labels` and `col_labels` name the table's rows and
    columns, `marked` the rows to highlight (samples that pass no gradient). `formula` is symbolic LaTeX,
    `formula_numbers` the same with the numbers (None when the arrays are too large), `details` one LaTeX
    line per number showing where it comes from.
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

    def __post_init__(self) -> None:
        if isinstance(self.value, np.ndarray) and self.value.flags.writeable:
            self.value.setflags(write=False)  # a step shows the trace's numbers; nobody edits them

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
    and z₁ (text) for a deeper network."""

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


def build_steps(t: Trace) -> tuple[Step, ...]:
    """Every step of trace `t`, in order."""
    net, nm, p = t.network, _Names(t), t.precision
    n = t.X.shape[0]
    samples = tuple(f"sample {i}" for i in range(n))
    small_n = n <= latex.SMALL
    steps: list[Step] = []
    for layer in net.layers:
        steps += _forward(t, layer, nm, samples, small_n, p)
    steps += _loss(t, nm, samples, small_n, p)
    for layer in reversed(net.layers):
        steps += _backward(t, layer, nm, samples, small_n, p)
    if t.lr is not None:
        steps.append(_update(t, nm, p))
    return tuple(steps)


# ---- helpers ---------------------------------------------------------------------------------------------

def _units(width: int, sym: str, nm: _Names, l: int) -> tuple[str, ...]:
    """Column labels for a layer's units: "z" for one unit of a neuron, else z₁[0], z₁[1], ..."""
    if width == 1 and nm.neuron:
        return (sym,)
    return tuple(f"{nm.txt(sym, l)}[{j}]" for j in range(width))


def _off(local: np.ndarray) -> tuple[int, ...]:
    """Samples whose every unit of this activation has slope 0 (no gradient flows back through them)."""
    return tuple(int(i) for i in np.flatnonzero((local == 0).all(axis=1)))


def _off_note(off: tuple[int, ...], width: int) -> str:
    if not off:
        return ""
    unit = "" if width == 1 else " at every unit"
    if len(off) == 1:
        return f" Sample {off[0]} has f'(z) = 0{unit}: no gradient flows back through it."
    return f" Samples {', '.join(map(str, off))} have f'(z) = 0{unit}: no gradient flows back through them."


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


def _layer_params(t: Trace, l: int) -> list[str]:
    names = t.network.param_names()
    return [x for x in names if x.startswith((f"W{l}[", f"b{l}["))]


# ---- forward ---------------------------------------------------------------------------------------------

def _forward(t: Trace, layer, nm: _Names, samples, small_n: bool, p: int) -> list[Step]:
    l, act, width = layer.index, layer.activation, layer.fan_out
    lin, actrec = t.layer_records(l)
    A, W, b, z = lin.inputs["A"], lin.inputs["W"], lin.inputs["b"], lin.output
    a, local = actrec.output, actrec.local
    small = small_n and layer.fan_in <= latex.SMALL and width <= latex.SMALL
    off = _off(local)
    z_cols, a_cols = _units(width, "z", nm, l), _units(width, "a", nm, l)
    top = l == t.network.depth
    zt, at, At = nm.tex("z", l), nm.tex("a", l), nm.input_tex(l)
    if nm.neuron:
        z_title, z_formula = "Pre-activation z = Xw + b", r"z = Xw + b"
        z_why = "Each sample's features are weighted by w and summed, then the bias is added: one number per sample."
        a_title = f"Activation a = {act.label}(z)"
        a_why = "The activation turns each z into the neuron's output, its prediction."
    else:
        z_title = f"Layer {l}: pre-activation {nm.txt('z', l)} = {nm.input_txt(l)}{nm.txt('W', l)} + {nm.txt('b', l)}"
        z_formula = rf"{zt} = {At} W^{{({l})}} + b^{{({l})}}"
        what = "features" if l == 1 else f"inputs (the outputs {nm.input_txt(l)} of layer {l - 1})"
        z_why = (f"Each of the layer's {width} unit{'s' if width > 1 else ''} weighs the sample's {what} by its "
                 f"column of {nm.txt('W', l)} and adds its bias: one number per sample and unit.")
        a_title = f"Layer {l}: activation {nm.txt('a', l)} = {act.label}({nm.txt('z', l)})"
        a_why = ("The activation turns each z into the unit's output: "
                 + ("the network's prediction." if top else f"the input of layer {l + 1}."))
    z_numbers, z_details = None, ()
    a_numbers, a_details = None, ()
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
        a_details = tuple(rf"{nm.tex('a', l)}_{{{_sub(i, j, width)}}} = f({zg[i][j]}) = {ag[i][j]}"
                          for i in range(len(zg)) for j in range(width))
    value_z = z[:, 0] if width == 1 else z
    value_a = a[:, 0] if width == 1 else a
    return [
        Step(f"z{l}", "linear", l, "forward", f"z{l}", "value", z_title,
             "z = Xw + b" if nm.neuron else f"{nm.txt('z', l)} = {nm.input_txt(l)}{nm.txt('W', l)} + {nm.txt('b', l)}",
             z_formula, value_z, z_why, samples, z_cols, (), z_numbers, z_details),
        Step(f"a{l}", "activation", l, "forward", f"a{l}", "value", a_title,
             "a = f(z)" if nm.neuron else f"{nm.txt('a', l)} = f({nm.txt('z', l)})",
             rf"{at} = {act.latex}", value_a, a_why + _off_note(off, width), samples, a_cols, off, a_numbers,
             a_details),
    ]


def _loss(t: Trace, nm: _Names, samples, small_n: bool, p: int) -> list[Step]:
    lossf = t.network.loss
    rec = t.records[-1]
    a, y, g = rec.inputs["a"], rec.inputs["y"], rec.local
    n = len(y)
    L = t.network.depth
    loss_numbers = dl_numbers = None
    dl_details: tuple[str, ...] = ()
    if small_n:
        as_, ys, gs, Ls = latex.nums(a, p), latex.nums(y, p), latex.nums(g, p), latex.num(t.loss, p)
        pattern = "({} - {})^2" if lossf.name == "mse" else r"\ell({}, {})"
        terms = " + ".join(pattern.format(ai, yi) for ai, yi in zip(as_, ys, strict=True))
        loss_numbers = rf"L = \frac{{1}}{{{n}}}\left[{terms}\right] = {Ls}"
        dl_numbers = rf"\frac{{\partial L}}{{\partial a}} = {latex.column(gs)}"
        if lossf.name == "mse":
            dl_details = tuple(rf"\frac{{\partial L}}{{\partial a_{{{i}}}}} = \frac{{2}}{{{n}}}({as_[i]} - {ys[i]}) = "
                               rf"{gs[i]}" for i in range(n))
        else:
            dl_details = tuple(rf"\frac{{\partial L}}{{\partial a_{{{i}}}}} = \frac{{1}}{{{n}}}\,"
                               rf"\frac{{{as_[i]} - {ys[i]}}}{{{as_[i]}\,(1 - {as_[i]})}} = {gs[i]}" for i in range(n))
    fused = (" For binary cross-entropy this factor is combined with the sigmoid's slope in the next steps: "
             "see δ.") if lossf.fused else ""
    return [
        Step("loss", "loss", L, "forward", "L", "value", f"Loss L ({lossf.label})", "loss L", lossf.latex,
             np.array(t.loss), "One number says how far the predictions are from the targets; averaged over the "
             "samples.", (), (), (), loss_numbers, ()),
        Step(f"dL_da{L}", "loss_grad", L, "backward", f"a{L}", "grad",
             "Gradient of the loss w.r.t. the prediction, dL/da", "dL/da", lossf.grad_latex, g,
             "How much the loss changes when one prediction moves; the 1/N of the mean appears here, once." + fused,
             samples, ("dL/da",), (), dl_numbers, dl_details),
    ]


# ---- backward --------------------------------------------------------------------------------------------

def _backward(t: Trace, layer, nm: _Names, samples, small_n: bool, p: int) -> list[Step]:
    l, act, width, fan_in = layer.index, layer.activation, layer.fan_out, layer.fan_in
    lin, actrec = t.layer_records(l)
    A, W, z = lin.inputs["A"], lin.inputs["W"], lin.output
    g, local, delta = actrec.upstream, actrec.local, actrec.grads["z"]
    small = small_n and fan_in <= latex.SMALL and width <= latex.SMALL
    off = _off(local)
    top = l == t.network.depth
    fused = top and t.network.loss.fused
    zt = nm.tex("z", l)
    steps = []

    # f'(z)
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
    numbers, details = None, ()
    if small:
        zg, lg = _grid(z, p), _grid(local, p)
        numbers = rf"\frac{{\partial {nm.tex('a', l)}}}{{\partial {zt}}} = {_col_or_matrix(local, p)}"
        details = tuple(rf"f'({zg[i][j]}) = {lg[i][j]}" for i in range(len(zg)) for j in range(width))
    steps.append(Step(f"fprime{l}", "local", l, "backward", f"a{l}", "local", title, short, formula,
                      local[:, 0] if width == 1 else local, why, samples,
                      ("da/dz",) if nm.neuron else _units(width, "f'", nm, l), off, numbers, details))

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
    why = "Multiply the two factors sample by sample: the error signal at z." if nm.neuron else \
        "Multiply the gradient arriving at each unit's output by the unit's slope, element by element: the error " \
        "signal at z."
    if fused:
        formula += r" = \frac{1}{N}(a_i - y_i)"
        why += (" With binary cross-entropy on a sigmoid output the two factors simplify: dL/da = (a − y)/(N a(1 − a))"
                " and the sigmoid's slope is a(1 − a), so they cancel and δᵢ = (aᵢ − yᵢ)/N. The engine computes δ "
                "in this fused form, which stays exact even where the sigmoid saturates and a(1 − a) rounds to 0.")
    numbers, details = None, ()
    if small:
        gg, lg, dg = _grid(g, p), _grid(local, p), _grid(delta, p)
        d_tex = r"\delta" if nm.neuron else rf"\delta^{{({l})}}"
        if fused:
            rec = t.records[-1]
            as_, ys = latex.nums(rec.inputs["a"], p), latex.nums(rec.inputs["y"], p)
            n = len(ys)
            numbers = (rf"{d_tex} = \frac{{1}}{{{n}}}\left({latex.column(as_)} - {latex.column(ys)}\right) = "
                       rf"{_col_or_matrix(delta, p)}")
            details = tuple(rf"{d_tex}_{{{i}}} = \frac{{1}}{{{n}}}({as_[i]} - {ys[i]}) = {dg[i][0]}" for i in range(n))
        else:
            numbers = rf"{d_tex} = {_col_or_matrix(g, p)} \odot {_col_or_matrix(local, p)} = {_col_or_matrix(delta, p)}"
            details = tuple(rf"{d_tex}_{{{_sub(i, j, width)}}} = {latex.as_factor(gg[i][j])} \cdot "
                            rf"{latex.as_factor(lg[i][j])} = {dg[i][j]}" for i in range(len(gg)) for j in range(width))
    steps.append(Step(f"delta{l}", "delta", l, "backward", f"z{l}", "grad", title, short, formula,
                      delta[:, 0] if width == 1 else delta, why + _off_note(off, width), samples,
                      ("delta",) if nm.neuron else _units(width, "δ", nm, l), off, numbers, details))

    # each sample's shares, then their sums
    n = A.shape[0]
    names = _layer_params(t, l)
    labels = tuple(t.network.label(x) for x in names)
    shares = np.concatenate([t.per_sample[f"W{l}"].reshape(n, -1), t.per_sample[f"b{l}"]], axis=1)
    grad = np.concatenate([t.grads[f"W{l}"].ravel(), t.grads[f"b{l}"]])
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
    steps.append(Step(f"shares{l}", "shares", l, "backward", f"shares{l}", "value", s_title, s_short, s_formula,
                      shares, s_why, samples, labels, off, s_numbers, s_details))
    steps.append(Step(f"grad{l}", "grad", l, "backward", f"theta{l}", "grad", g_title, g_short, g_formula, grad,
                      g_why, labels, ("gradient",), (), g_numbers, g_details))

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
        steps.append(Step(
            f"passed{l}", "passed", l, "backward", f"a{l - 1}", "grad",
            f"Passed back: dL/d{below} = δ{str(l).translate(SUBSCRIPT)} {nm.txt('W', l)}ᵀ", f"dL/d{below}",
            rf"\frac{{\partial L}}{{\partial {nm.tex('a', l - 1)}}} = \delta^{{({l})}}\, W^{{({l})\top}}", dA,
            f"Each unit of layer {l - 1} feeds every unit of layer {l}, so its gradient is the sum of their error "
            f"signals δ, each weighted by the weight that connects them: the chain rule crossing a layer. This is "
            f"dL/d{below}, the upstream gradient of layer {l - 1}'s activation.",
            samples, _units(fan_in, "dL/da", nm, l - 1), (), numbers, details))
    return steps


def _symbol(label: str) -> str:
    """w0 -> w_{0}, b -> b, W1[0,1] -> W^{(1)}_{0,1}, b2[0] -> b^{(2)}_{0}."""
    if "[" in label:
        head, idx = label.split("[")
        return rf"{head[0]}^{{({head[1:]})}}_{{{idx.rstrip(']')}}}"
    return latex.symbol(label)


# ---- update ----------------------------------------------------------------------------------------------

def _update(t: Trace, nm: _Names, p: int) -> Step:
    net = t.network
    labels = tuple(net.param_labels())
    old, grad, new = net.flatten(t.params), t.grad, net.flatten(t.new_params)
    lrs, before, after = latex.num(t.lr, p), latex.num(t.loss, p), latex.num(t.new_loss, p)
    if t.new_loss > t.loss:
        why = (f"Step against the gradient with learning rate {lrs}: the loss goes from {before} up to {after}. The "
               "step overshot: the gradient only says which way is downhill here, and a step this long goes past "
               "the valley's floor and up the other side. A smaller learning rate η would make the loss fall.")
    else:
        why = (f"Step against the gradient (downhill) with learning rate {lrs}: the loss goes from {before} to "
               f"{after}.")
    formula = (r"w \leftarrow w - \eta\,\frac{\partial L}{\partial w}, \qquad "
               r"b \leftarrow b - \eta\,\frac{\partial L}{\partial b}") if nm.neuron else \
        r"\theta \leftarrow \theta - \eta\,\frac{\partial L}{\partial \theta}\quad\text{for every weight and bias}"
    olds, gs, news = latex.nums(old, p), latex.nums(grad, p), latex.nums(new, p)
    numbers = (rf"\theta' = {latex.row_of(olds)} - {lrs} \cdot {latex.row_of(gs)} = {latex.row_of(news)}"
               if len(labels) <= latex.SMALL else None)
    details = tuple(rf"{_symbol(x)}' = {o} - {lrs} \cdot {latex.as_factor(g)} = {nw}"
                    for x, o, g, nw in zip(labels, olds, gs, news, strict=True)) + (rf"L' = {after}",)
    value = new.copy()
    value.setflags(write=False)
    return Step("update", "update", 0, "update", "theta", "new", "Gradient-descent update", "update", formula,
                value, why, labels, ("new value",), (), numbers, details)
