"""Export a `Trace`: its numbers as CSV and JSON, and a standalone NumPy script that recomputes them.

- `data_csv`: just x0..x{d-1} and y, which the app's CSV import reads back.
- `samples_csv`: one row per sample: x0..x{d-1}, y, then z, a, dL/da, da/dz, delta and the sample's
  share of each gradient.
- `parameters_csv`: one row per parameter (w0..w{d-1}, b): value, gradient, value after the update.
- `trace_json`: everything, with the steps' titles, formulas (LaTeX) and explanations.
- `numpy_script`: a Python file needing only NumPy that holds the data, spells out the forward pass, the
  chain rule and the update with the same operations as the engine, and prints every step's numbers at
  the app's precision, so a student can check the app line by line.

Numbers in CSV and JSON are written exactly (the shortest text that reads back as the same float64).
Pure: no Streamlit or Plotly.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np

from .activations import ACTIVATIONS
from .losses import LOSSES
from .trace import Trace
from .validation import feature_names

SCRIPT_ROW_LIMIT = 200  # the script prints per-sample values for at most this many samples, like the app


def exact(value: float) -> str:
    """The shortest text that reads back as exactly `value` (Python's repr), -0 folded into 0."""
    return repr(float(value) + 0.0).removesuffix(".0")


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def data_csv(t: Trace) -> str:
    """Just the data: x0..x{d-1} and y, one row per sample (the app's CSV import reads it back)."""
    header = [*feature_names(t.X.shape[1]), "y"]
    return _csv(header, [[*(exact(v) for v in t.X[i]), exact(t.y[i])] for i in range(t.X.shape[0])])


def samples_csv(t: Trace) -> str:
    """Per-sample table: features, target, every per-sample intermediate and gradient share."""
    header = ["sample", *feature_names(t.X.shape[1]), "y", "z", "a", "dL_da", "da_dz", "delta",
              *(f"share_dL_d{p}" for p in t.param_labels)]  # z .. delta: the output unit's
    shares = t.per_sample_flat
    rows = []
    for i in range(t.X.shape[0]):
        values = [*t.X[i], t.y[i], t.z[i], t.prediction[i], t.dloss_dpred[i], t.dpred_dz[i], t.delta[i], *shares[i]]
        rows.append([i, *(exact(v) for v in values)])
    return _csv(header, rows)


def parameters_csv(t: Trace) -> str:
    """Per-parameter table: value, gradient and (when the trace has an update) the value after it."""
    header = ["parameter", "value", "gradient"] + (["after_update"] if t.lr is not None else [])
    old = t.network.flatten(t.params)
    new = t.network.flatten(t.new_params) if t.lr is not None else None
    rows = [[name, exact(old[j]), exact(t.grad[j]), *([exact(new[j])] if new is not None else [])]
            for j, name in enumerate(t.param_labels)]
    return _csv(header, rows)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, float)):
        return float(value) + 0.0
    return value


def trace_json(t: Trace, precision: int = 4) -> str:
    """The whole trace as JSON: the architecture, settings, inputs and parameters, forward, backward (per layer,
    with each sample's shares), the update, and the steps shown."""
    net = t.network
    neuron = net.is_neuron
    layers = []
    for layer in net.layers:
        lin, act = t.layer_records(layer.index)
        l = layer.index
        layers.append({
            "layer": l, "fan_in": layer.fan_in, "fan_out": layer.fan_out, "activation": layer.activation.name,
            "z": lin.output, "a": act.output, "dL_da": act.upstream, "da_dz": act.local, "delta": lin.upstream,
            "grad_W": t.grads[f"W{l}"], "grad_b": t.grads[f"b{l}"],
            "per_sample_grad_W": t.per_sample[f"W{l}"], "per_sample_grad_b": t.per_sample[f"b{l}"],
        })
    doc = {
        "format": "backprop-explorer-trace",
        "version": 2,
        "model": ("a = f(Xw + b), one neuron" if neuron else
                  f"a network of {net.depth} layers, z_l = a_(l-1) W_l + b_l, a_l = f_l(z_l)")
        + "; the loss is the mean over the samples",
        "architecture": {"inputs": net.inputs, "hidden": [list(h) for h in net.hidden], "output": net.output,
                         "loss": net.loss.name, "parameters": net.param_names()},
        "settings": {"activation": t.activation, "loss": t.loss_name, "lr": t.lr, "precision": precision},
        "shapes": {"N": int(t.X.shape[0]), "d": int(t.X.shape[1])},
        "inputs": {"X": t.X, "y": t.y, **({"w": t.w, "b": t.b} if neuron else {}), "params": dict(t.params)},
        "forward": {"z": t.z, "a": t.prediction, "loss": t.loss},
        "backward": {
            "dL_da": t.dloss_dpred, "da_dz": t.dpred_dz, "delta": t.delta,
            **({"per_sample_grad_w": t.per_sample_grad_w, "per_sample_grad_b": t.per_sample_grad_b,
                "grad_w": t.grad_w, "grad_b": t.grad_b} if neuron else {}),
            "grads": dict(t.grads),
            "layers": layers,
            "inactive_samples": [int(i) for i in np.flatnonzero(t.inactive)],
        },
        "update": None if t.lr is None else {
            **({"new_w": t.new_w, "new_b": t.new_b} if neuron else {}), "new_params": dict(t.new_params),
            "new_loss": t.new_loss},
        "steps": [
            {"number": k, "key": s.key, "title": s.title, "phase": s.phase, "formula": s.formula,
             "formula_numbers": s.formula_numbers, "explanation": s.explanation, "shape": list(s.shape)}
            for k, s in enumerate(t.steps, 1)
        ],
    }
    return json.dumps(_tree(doc), allow_nan=False, ensure_ascii=False) + "\n"


def _tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_tree(v) for v in value]
    return _plain(value)


def _functions(t: Trace) -> str:
    """The activation and the loss as the script defines them: the registries' own NumPy source."""
    act, loss = ACTIVATIONS[t.activation], LOSSES[t.loss_name]
    delta = (f"""

def delta_of(z, a, y, dL_da, da_dz):
    return {loss.delta_source}
""" if loss.fused else """

def delta_of(z, a, y, dL_da, da_dz):
    return dL_da * da_dz  # the chain rule, sample by sample
""")
    return f"""def f(z):
    return {act.fn_source}


def f_prime(z):
    return {act.der_source}


def loss(z, a, y):
    return {loss.source}


def loss_grad(z, a, y):
    return {loss.grad_source}
""" + delta


def _float(value: float) -> str:
    """A float literal that reads back exactly: 1.0, 0.1, -2.5e-07."""
    return repr(float(value) + 0.0)


def _literal(values: np.ndarray) -> str:
    """A float64 NumPy array literal with exact numbers, one sample per line for matrices."""
    if values.ndim == 1:
        return "np.array([" + ", ".join(_float(v) for v in values) + "], dtype=np.float64)"
    rows = ",\n    ".join("[" + ", ".join(_float(v) for v in row) + "]" for row in values)
    return "np.array([\n    " + rows + ",\n], dtype=np.float64)"


def numpy_script(t: Trace, precision: int = 4) -> str:
    """A standalone Python script (NumPy only) that recomputes this trace and prints its numbers.

    It prints each step as `label = value` lines in the app's format: `precision` decimals, very large or
    tiny values in e-notation, vectors as `[a, b, ...]`, per-sample values for at most SCRIPT_ROW_LIMIT
    samples (the app's tables show the same number). A network's script prints every step of the step page,
    numbered as there, with the step's short title as its label.
    """
    if not t.network.is_neuron:
        return _network_script(t, precision)
    n, d = t.X.shape
    act_label, loss_label = ACTIVATIONS[t.activation].label, LOSSES[t.loss_name].label
    lr = "None  # no update step" if t.lr is None else _float(t.lr)
    update = "" if t.lr is None else _UPDATE
    return _SCRIPT.format(
        n=n, d=d, act_label=act_label, loss_label=loss_label, X=_literal(t.X), y=_literal(t.y), w=_literal(t.w),
        b=_float(t.b), lr=lr, precision=int(precision), limit=SCRIPT_ROW_LIMIT, functions=_functions(t).rstrip(),
        update=update, helpers=_HELPERS,
    )


def _network_script(t: Trace, precision: int) -> str:
    net = t.network
    n, d = t.X.shape
    acts = {layer.activation.name: layer.activation for layer in net.layers}
    functions = "\n\n\n".join(f"def f_{name}(z):\n    return {a.fn_source}\n\n\ndef fprime_{name}(z):\n"
                               f"    return {a.der_source}" for name, a in acts.items())
    loss = LOSSES[t.loss_name]
    params = ",\n".join(f"    {k!r}: {_literal(np.asarray(v))}".replace("\n", "\n    ") for k, v in t.params.items())
    layers = ", ".join(f"(f_{layer.activation.name}, fprime_{layer.activation.name})" for layer in net.layers)
    labels = {s.key: f"{k}. {s.short}" for k, s in enumerate(t.steps, 1)}
    fused = loss.fused
    fused_delta = (f"\n\n\ndef fused_delta(z, y):\n    f = f_{net.output}\n    return {loss.delta_source}"
                   if fused else "")
    return _NETWORK_SCRIPT.format(
        arch=" → ".join(str(x) for x in [d, *(w for w, _ in net.hidden), 1]), n=n, d=d,
        hidden=", ".join(f"{w} {a}" for w, a in net.hidden), output=ACTIVATIONS[net.output].label,
        loss_label=loss.label,
        X=_literal(t.X), y=_literal(t.y), params=params, layers=layers,
        lr="None  # no update step" if t.lr is None else _float(t.lr), precision=int(precision),
        limit=SCRIPT_ROW_LIMIT, functions=functions, loss_source=loss.source, grad_source=loss.grad_source,
        fused=fused, fused_delta=fused_delta, helpers=_HELPERS, labels=repr(labels), L=net.depth,
    )


_HELPERS = '''def fmt(value):
    """A number as the app shows it: PRECISION decimals; very large or tiny (non-zero) ones in e-notation."""
    value = float(value) + 0.0
    if value != 0 and (abs(value) >= 1e7 or abs(value) < 0.5 * 10.0 ** -PRECISION):
        return f"{value:.{PRECISION}e}"
    text = f"{value:.{PRECISION}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def show(label, value):
    """Print `label = value`; arrays as [a, b, ...], one line per sample for tables."""
    value = np.asarray(value, dtype=np.float64)
    if value.ndim == 0:
        print(f"{label} = {fmt(value)}")
    elif value.ndim == 1:
        print(f"{label} = [{', '.join(fmt(v) for v in value[:ROW_LIMIT])}]")
    else:
        print(f"{label}:")
        for i, row in enumerate(value[:ROW_LIMIT]):
            print(f"  sample {i} = [{', '.join(fmt(v) for v in np.ravel(row))}]")
    if value.ndim and len(value) > ROW_LIMIT:
        print(f"  ... the first {ROW_LIMIT} of {len(value)} samples shown")'''

_NETWORK_SCRIPT = '''\
"""Backprop Explorer export: the network {arch} on your data, forward, backward and one update.

N = {n} samples, d = {d} features; hidden layers: {hidden}; output: {output}; loss: {loss_label}.
Layer l computes z_l = a_(l-1) W_l + b_l and a_l = f_l(z_l), with a_0 = X. Run it with `python` (it needs
only NumPy): it prints every step's numbers the way the app's step page numbers and shows them.
"""

import numpy as np

X = {X}  # inputs, shape (N, d) = ({n}, {d})
y = {y}  # targets, shape (N,)
params = {{
{params},
}}  # W_l has shape (fan_in, fan_out), b_l (fan_out,)
lr = {lr}  # learning rate
PRECISION = {precision}  # decimals shown, as in the app
ROW_LIMIT = {limit}  # per-sample values printed for at most this many samples
L = {L}  # layers with weights


{functions}


LAYERS = [{layers}]  # each layer's activation and its derivative


def loss_of(z, a, y):
    return {loss_source}


def loss_grad(z, a, y):
    return {grad_source}{fused_delta}


FUSED = {fused}  # the loss's derivative through the output activation taken in one step


{helpers}


LABEL = {labels}  # each step's number and short title on the step page


def forward(params):
    A, zs, as_ = X, [], []
    for l, (f, _) in enumerate(LAYERS, 1):
        z = A @ params[f"W{{l}}"] + params[f"b{{l}}"]
        A = f(z)
        zs.append(z)
        as_.append(A)
    return zs, as_


zs, as_ = forward(params)
for l in range(1, L + 1):
    show(LABEL[f"z{{l}}"], zs[l - 1][:, 0] if zs[l - 1].shape[1] == 1 else zs[l - 1])
    show(LABEL[f"a{{l}}"], as_[l - 1][:, 0] if as_[l - 1].shape[1] == 1 else as_[l - 1])
z, a = zs[-1][:, 0], as_[-1][:, 0]
L_value = loss_of(z, a, y)
show(LABEL["loss"], L_value)
dL_da = loss_grad(z, a, y)
show(LABEL[f"dL_da{{L}}"], dL_da)

g = dL_da[:, None]  # dL/da of the top layer, (N, 1)
grads = {{}}
for l in range(L, 0, -1):
    f, fp = LAYERS[l - 1]
    z = zs[l - 1]
    A = X if l == 1 else as_[l - 2]
    local = fp(z)
    if l == L and FUSED:
        delta = fused_delta(z[:, 0], y)[:, None]
    else:
        delta = g * local  # the chain rule at the activation, element by element
    show(LABEL[f"fprime{{l}}"], local[:, 0] if local.shape[1] == 1 else local)
    show(LABEL[f"delta{{l}}"], delta[:, 0] if delta.shape[1] == 1 else delta)
    shares = np.concatenate([(A[:, :, None] * delta[:, None, :]).reshape(len(A), -1), delta], axis=1)
    show(LABEL[f"shares{{l}}"], shares)  # each sample's share of [dL/dW_l (row by row), dL/db_l]
    grads[f"W{{l}}"], grads[f"b{{l}}"] = A.T @ delta, delta.sum(axis=0)  # the plain sums over samples
    show(LABEL[f"grad{{l}}"], np.concatenate([grads[f"W{{l}}"].ravel(), grads[f"b{{l}}"]]))
    if l > 1:
        g = delta @ params[f"W{{l}}"].T  # dL/da of the layer below: the chain rule crossing a layer
        show(LABEL[f"passed{{l}}"], g)

if lr is not None:
    new = {{k: v - lr * grads[k] for k, v in params.items()}}
    show(LABEL["update"], np.concatenate([new[k].ravel() for k in params]))
    new_zs, new_as = forward(new)
    show("new loss L'", loss_of(new_zs[-1][:, 0], new_as[-1][:, 0], y))
'''


_UPDATE = '''
# ---- Update: one step of gradient descent, against the gradient -------------------------------------
new_w = w - lr * grad_w
new_b = b - lr * grad_b
new_z = X @ new_w + new_b
new_L = loss(new_z, f(new_z), y)  # the loss at the new parameters

show("9. update: new [w, b]", np.append(new_w, new_b))
show("new loss L'", new_L)
show("the loss changes by", new_L - L)
'''

_SCRIPT = '''\
"""Backprop Explorer export: one neuron a = f(Xw + b) on your data, forward, backward and one update.

N = {n} samples, d = {d} features. Activation: {act_label}. Loss: {loss_label}.
Run it with `python` (it needs only NumPy): it prints every step's numbers the way the app shows them.
"""

import numpy as np

X = {X}  # inputs, shape (N, d) = ({n}, {d}): one row per sample
y = {y}  # targets, shape (N,)
w = {w}  # weights, shape (d,)
b = {b}  # bias
lr = {lr}  # learning rate
PRECISION = {precision}  # decimals shown, as in the app
ROW_LIMIT = {limit}  # per-sample values printed for at most this many samples


{functions}


{helpers}


# ---- Forward pass ------------------------------------------------------------------------------------
z = X @ w + b  # pre-activation, (N,)
a = f(z)  # the neuron's output, its prediction, (N,)
L = loss(z, a, y)  # one number

# ---- Backward pass: the chain rule, sample by sample --------------------------------------------------
dL_da = loss_grad(z, a, y)  # (N,); the mean's 1/N is applied here, once
da_dz = f_prime(z)  # (N,); 0 where the activation passes no gradient
delta = delta_of(z, a, y, dL_da, da_dz)  # dL/dz, (N,)
shares = np.column_stack([delta[:, None] * X, delta])  # each sample's share of [dL/dw, dL/db], (N, d + 1)
grad_w = X.T @ delta  # dL/dw = sum_i delta_i x_i: a plain sum, no second 1/N
grad_b = float(delta.sum())  # dL/db = sum_i delta_i

show("1. z = Xw + b", z)
show("2. a = f(z)", a)
show("3. loss L", L)
show("4. dL/da", dL_da)
show("5. da/dz", da_dz)
show("6. delta = dL/dz", delta)
show("7. per-sample shares [dL/dw, dL/db]", shares)
show("8. gradient [dL/dw, dL/db]", np.append(grad_w, grad_b))
inactive = np.flatnonzero(da_dz == 0)
if inactive.size:
    print(f"inactive samples (da/dz = 0, no gradient flows back): {{', '.join(map(str, inactive))}}")
{update}'''
