"""Export a `Trace`: its numbers as CSV and JSON, and a standalone NumPy script that recomputes them.

- `data_csv`: just the features and the targets (y, or y0..y{K-1}, or a class column for cross-entropy with
  one-hot targets), which the app's CSV import reads back.
- `samples_csv`: one row per sample: the features, the targets, then per output z, a, dL/da, da/dz (softmax:
  its Jacobian's entries), delta, and the sample's share of each gradient.
- `parameters_csv`: one row per parameter: value, gradient (with a penalty: the data's and the penalty's parts
  too), value after the update.
- `trace_json`: everything, with the steps' titles, formulas (LaTeX) and explanations.
- `numpy_script`: a Python file needing only NumPy that holds the data, spells out the forward pass, the
  chain rule and the update with the same operations as the engine, and prints every step's numbers at
  the app's precision, so a student can check the app line by line.

Both the JSON and the script carry the network's K outputs, its loss and its penalty (from the trace), and,
when given (`training`), the training page's settings: optimizer, batch size, epochs, seed and test fraction;
the script then prints the first epoch's mini-batches in the engine's order (backprop/training.py).

Numbers in CSV and JSON are written exactly (the shortest text that reads back as the same float64).
Pure: no Streamlit or Plotly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from backprop import ACTIVATIONS, Trace, feature_names

from .steps import steps

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


def _outputs(t: Trace, name: str) -> list[str]:
    """Column names of a per-output quantity: `name` for one output, name0..name{K-1} for K."""
    return [name] if t.outputs == 1 else [f"{name}{k}" for k in range(t.outputs)]


def _class_labels(t: Trace) -> np.ndarray | None:
    """The class labels when the targets are one-hot rows of a classifier (what a class column holds)."""
    if t.network.loss.targets != "classes" or not ((t.Y == 0) | (t.Y == 1)).all() or (t.Y.sum(axis=1) != 1).any():
        return None
    return t.Y.argmax(axis=1)


def data_csv(t: Trace, names: list[str] | None = None) -> str:
    """Just the data: the features (named `names`, default x0, x1, ...) and the targets, one row per sample (the
    app's CSV import reads it back, names included)."""
    features = list(names) if names else feature_names(t.X.shape[1])
    labels = _class_labels(t)
    if labels is not None:
        header = [*features, "class"]
        return _csv(header, [[*(exact(v) for v in t.X[i]), int(labels[i])] for i in range(t.X.shape[0])])
    header = [*features, *_outputs(t, "y")]
    return _csv(header, [[*(exact(v) for v in t.X[i]), *(exact(v) for v in t.Y[i])] for i in range(t.X.shape[0])])


def samples_csv(t: Trace, names: list[str] | None = None) -> str:
    """Per-sample table: features (named `names`, default x0, x1, ...), targets, every per-sample quantity of the
    output layer and gradient share."""
    K = t.outputs
    elementwise = ACTIVATIONS[t.activation].elementwise
    local = (_outputs(t, "da_dz") if elementwise else
             [f"da{k}_dz{j}" for k in range(K) for j in range(K)])
    header = ["sample", *(names or feature_names(t.X.shape[1])), *_outputs(t, "y"), *_outputs(t, "z"),
              *_outputs(t, "a"), *_outputs(t, "dL_da"), *local, *_outputs(t, "delta"),
              *(f"share_dL_d{p}" for p in t.param_labels)]
    n = t.X.shape[0]
    table = [t.Y, t.record("linear").output, t.record("activation").output, np.reshape(t.dloss_dpred, (n, K)),
             t.record("activation").local.reshape(n, -1), t.record("linear").upstream, t.per_sample_flat]
    with np.errstate(invalid="ignore"):
        rows = [[i, *(exact(v) for v in t.X[i]), *(exact(v) for part in table for v in part[i])] for i in range(n)]
    return _csv(header, rows)


def parameters_csv(t: Trace) -> str:
    """Per-parameter table: value, gradient (and with a penalty its two parts) and, with an update, the value
    after it."""
    net = t.network
    columns = {"value": net.flatten(t.params), "gradient": t.grad}
    if t.has_penalty:
        columns |= {"data_gradient": net.flatten(t.data_grads), "penalty_gradient": net.flatten(t.penalty_grads)}
    if t.lr is not None:
        columns["after_update"] = net.flatten(t.new_params)
    rows = [[name, *(exact(c[j]) for c in columns.values())] for j, name in enumerate(t.param_labels)]
    return _csv(["parameter", *columns], rows)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, float)):
        return float(value) + 0.0
    if isinstance(value, np.integer):
        return int(value)
    return value


TRAINING_KEYS = ("optimizer", "batch_size", "epochs", "seed", "test_fraction")  # `training`'s keys (batch_size None:
# full batch)


def trace_json(t: Trace, precision: int = 4, training: Mapping[str, Any] | None = None) -> str:
    """The whole trace as JSON: the architecture, settings, inputs and parameters, forward, backward (per layer,
    with each sample's shares), the update, the classes for a classifier, the steps shown, and the training
    page's settings when given (TRAINING_KEYS)."""
    net = t.network
    neuron = net.is_neuron
    layers = []
    for layer in net.layers:
        lin, act = t.layer_records(layer.index)
        l = layer.index
        layers.append({
            "layer": l, "fan_in": layer.fan_in, "fan_out": layer.fan_out, "activation": layer.activation.name,
            "z": lin.output, "a": act.output, "dL_da": act.upstream, "da_dz": act.local, "delta": lin.upstream,
            "grad_W": t.data_grads[f"W{l}"], "grad_b": t.data_grads[f"b{l}"],
            "per_sample_grad_W": t.per_sample[f"W{l}"], "per_sample_grad_b": t.per_sample[f"b{l}"],
        })
    finite = lambda v: np.where(np.isfinite(v), v, None) if isinstance(v, np.ndarray) else v  # noqa: E731
    doc = {
        "format": "backprop-explorer-trace",
        "version": 3,
        "model": ("a = f(Xw + b), one neuron" if neuron else
                  f"a network of {net.depth} layers, z_l = a_(l-1) W_l + b_l, a_l = f_l(z_l)")
        + "; the loss is the mean of its terms" + ("; the objective adds the penalty" if t.has_penalty else ""),
        "architecture": {"inputs": net.inputs, "hidden": [list(h) for h in net.hidden], "output": net.output,
                         "outputs": net.outputs, "loss": net.loss.name, "regularization": net.regularization,
                         "reg_rate": net.reg_rate, "parameters": net.param_names()},
        "settings": {"activation": t.activation, "loss": t.loss_name, "lr": t.lr, "precision": precision,
                     "outputs": net.outputs, "regularization": net.regularization, "reg_rate": net.reg_rate},
        "training": None if training is None else {k: training[k] for k in TRAINING_KEYS},
        "shapes": {"N": int(t.X.shape[0]), "d": int(t.X.shape[1]), "K": net.outputs},
        "inputs": {"X": t.X, "y": t.y, **({"w": t.w, "b": t.b} if neuron else {}), "params": dict(t.params)},
        "forward": {"z": t.z, "a": t.prediction, "loss": t.loss, "data_loss": t.data_loss, "penalty": t.penalty},
        "backward": {
            "dL_da": finite(t.dloss_dpred), "da_dz": t.dpred_dz, "delta": t.delta,
            **({"per_sample_grad_w": t.per_sample_grad_w, "per_sample_grad_b": t.per_sample_grad_b,
                "grad_w": t.grad_w, "grad_b": t.grad_b} if neuron else {}),
            "grads": dict(t.grads),
            "data_grads": dict(t.data_grads),
            "penalty_grads": dict(t.penalty_grads),
            "layers": layers,
            "inactive_samples": [int(i) for i in np.flatnonzero(t.inactive)],
        },
        "classes": None if t.predicted is None else {
            "probabilities": t.probabilities, "predicted": t.predicted, "labels": t.labels, "accuracy": t.accuracy},
        "update": None if t.lr is None else {
            **({"new_w": t.new_w, "new_b": t.new_b} if neuron else {}), "new_params": dict(t.new_params),
            "new_loss": t.new_loss},
        "steps": [
            {"number": k, "key": s.key, "title": s.title, "phase": s.phase, "formula": s.formula,
             "formula_numbers": s.formula_numbers, "explanation": s.explanation, "shape": list(s.shape)}
            for k, s in enumerate(steps(t, precision), 1)
        ],
    }
    return json.dumps(_tree(doc), allow_nan=False, ensure_ascii=False) + "\n"


def _tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_tree(v) for v in value]
    return _plain(value)


def _float(value: float) -> str:
    """A float literal that reads back exactly: 1.0, 0.1, -2.5e-07."""
    return repr(float(value) + 0.0)


def _literal(values: np.ndarray) -> str:
    """A float64 NumPy array literal with exact numbers, one sample per line for matrices."""
    if values.ndim == 1:
        return "np.array([" + ", ".join(_float(v) for v in values) + "], dtype=np.float64)"
    rows = ",\n    ".join("[" + ", ".join(_float(v) for v in row) + "]" for row in values)
    return "np.array([\n    " + rows + ",\n], dtype=np.float64)"


def numpy_script(t: Trace, precision: int = 4, training: Mapping[str, Any] | None = None) -> str:
    """A standalone Python script (NumPy only) that recomputes this trace and prints its numbers.

    It prints each step as `label = value` lines in the app's format: `precision` decimals, very large or
    tiny values in e-notation, vectors as `[a, b, ...]`, per-sample values for at most SCRIPT_ROW_LIMIT
    samples (the app's tables show the same number). A network's script prints every step of the step page,
    numbered as there, with the step's short title as its label. With `training` (TRAINING_KEYS), it also holds
    the training page's settings and prints the first epoch's mini-batches in the engine's order.
    """
    if not t.network.is_neuron or t.has_penalty:
        return _network_script(t, precision) + _training_source(training)
    n, d = t.X.shape
    act, loss = ACTIVATIONS[t.activation], t.network.loss
    lr = "None  # no update step" if t.lr is None else _float(t.lr)
    functions = f"""def f(z):
    return {act.fn_source}


def f_prime(z):
    return {act.der_source}


def loss(x, Y):
    return {loss.source}


def loss_grad(x, Y):
    return {loss.grad_source}"""
    if loss.fused:
        functions += _grad_a(loss)
        backward = """dL_da = loss_grad_a(a, y)  # (N,): dL/da, shown; the chain rule below does not divide by a(1 - a)
da_dz = f_prime(z)  # (N,)
delta = loss_grad(z, y)  # dL/dz = (a - y) / N in one step: the loss reads z, so a(1 - a) cancels exactly"""
        loss_line = "L = loss(z, y)  # one number, computed stably from z"
    else:
        backward = """dL_da = loss_grad(a, y)  # (N,); the mean's 1/N is applied here, once
da_dz = f_prime(z)  # (N,); 0 where the activation passes no gradient
delta = dL_da * da_dz  # dL/dz, (N,): the chain rule, sample by sample"""
        loss_line = "L = loss(a, y)  # one number"
    update = "" if t.lr is None else _UPDATE.format(new_loss="loss(new_z, y)" if loss.fused else "loss(f(new_z), y)")
    return _SCRIPT.format(
        n=n, d=d, act_label=act.label, loss_label=loss.label, X=_literal(t.X), y=_literal(t.y), w=_literal(t.w),
        b=_float(t.b), lr=lr, precision=int(precision), limit=SCRIPT_ROW_LIMIT, functions=functions,
        update=update, helpers=_HELPERS, backward=backward, loss_line=loss_line,
    ) + _training_source(training)


def _training_source(training: Mapping[str, Any] | None) -> str:
    """The script's part for the training page's settings ("" without them)."""
    if training is None:
        return ""
    batch = training["batch_size"]
    return _TRAINING.format(optimizer=repr(str(training["optimizer"])),
                            batch="None" if batch is None else int(batch), epochs=int(training["epochs"]),
                            seed=int(training["seed"]), test=_float(training["test_fraction"]))


def _network_script(t: Trace, precision: int) -> str:
    net = t.network
    n, d = t.X.shape
    acts = {layer.activation.name: layer.activation for layer in net.layers}
    functions = "\n\n\n".join(f"def f_{name}(z):\n    return {a.fn_source}\n\n\ndef fprime_{name}(z):\n"
                               f"    return {a.der_source}" for name, a in acts.items())
    loss = net.loss
    params = ",\n".join(f"    {k!r}: {_literal(np.asarray(v))}".replace("\n", "\n    ") for k, v in t.params.items())
    layers = ", ".join(f"(f_{layer.activation.name}, fprime_{layer.activation.name}, "
                       f"{layer.activation.elementwise})" for layer in net.layers)
    labels = {s.key: f"{k}. {s.short}" for k, s in enumerate(steps(t, precision), 1)}
    pen = net.penalty
    penalty = (f"\n\n\ndef penalty(W):\n    return {pen.source}\n\n\ndef penalty_grad(W):\n    return {pen.grad_source}"
               if pen is not None else "")
    grad_a = _grad_a(loss) if loss.fused else ""
    return _NETWORK_SCRIPT.format(
        arch=" → ".join(str(x) for x in [d, *(w for w, _ in net.hidden), net.outputs]), n=n, d=d, K=net.outputs,
        hidden=", ".join(f"{w} {a}" for w, a in net.hidden) or "none", output=ACTIVATIONS[net.output].label,
        loss_label=loss.label + (f" + {pen.label} penalty, λ = {net.reg_rate:g}" if pen else ""),
        X=_literal(t.X), Y=_literal(t.Y), params=params, layers=layers,
        lr="None  # no update step" if t.lr is None else _float(t.lr), precision=int(precision),
        limit=SCRIPT_ROW_LIMIT, functions=functions, loss_source=loss.source, grad_source=loss.grad_source,
        on=loss.on, penalty=penalty, lam=_float(net.reg_rate), has_penalty=pen is not None, grad_a=grad_a,
        fused=loss.fused, helpers=_HELPERS, labels=repr(labels), L=net.depth,
    )


def _grad_a(loss) -> str:
    """The script's dL/da of a loss that reads the logits: shown, never used by the chain rule (it may be inf)."""
    return f"""


def loss_grad_a(a, Y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return {loss.grad_a_source}"""


_HELPERS = '''def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))  # 1 / (1 + e^-z), without overflow


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # the largest exponent is 0: nothing overflows
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    m = z.max(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


def softmax_jacobian(p):
    return p[..., :, None] * (np.eye(p.shape[-1]) - p[..., None, :])  # da_k/dz_j = a_k (1[k = j] - a_j)


def fmt(value):
    """A number as the app shows it: PRECISION decimals; very large or tiny (non-zero) ones in e-notation."""
    value = float(value) + 0.0
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if value != 0 and (abs(value) >= 1e7 or abs(value) < 0.5 * 10.0 ** -PRECISION):
        return f"{value:.{PRECISION}e}"
    text = f"{value:.{PRECISION}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def show(label, value):
    """Print `label = value`; arrays as [a, b, ...], one line per sample for tables."""
    value = np.asarray(value, dtype=np.float64)
    if value.ndim == 2 and value.shape[1] == 1:
        value = value[:, 0]  # one unit's column, as the app shows it
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

N = {n} samples, d = {d} features, K = {K} outputs; hidden layers: {hidden}; output: {output}; loss: {loss_label}.
Layer l computes z_l = a_(l-1) W_l + b_l and a_l = f_l(z_l), with a_0 = X. Run it with `python` (it needs
only NumPy): it prints every step's numbers the way the app's step page numbers and shows them.
"""

import numpy as np

X = {X}  # inputs, shape (N, d) = ({n}, {d})
Y = {Y}  # targets, shape (N, K) = ({n}, {K}) (class labels as one-hot rows)
params = {{
{params},
}}  # W_l has shape (fan_in, fan_out), b_l (fan_out,)
lr = {lr}  # learning rate
lam = {lam}  # the penalty's rate λ
PRECISION = {precision}  # decimals shown, as in the app
ROW_LIMIT = {limit}  # per-sample values printed for at most this many samples
L = {L}  # layers with weights


{helpers}


{functions}


LAYERS = [{layers}]  # each layer's activation, its derivative, and whether it acts element-wise


def loss_of(x, Y):
    return {loss_source}


def loss_grad(x, Y):
    return {grad_source}{grad_a}{penalty}


LOSS_READS = "{on}"  # "z": the loss reads the logits (fused with its output activation); "a": the prediction
HAS_PENALTY = {has_penalty}
LABEL = {labels}  # each step's number and short title on the step page


def forward(params):
    A, zs, as_ = X, [], []
    for l, (f, _, _) in enumerate(LAYERS, 1):
        z = A @ params[f"W{{l}}"] + params[f"b{{l}}"]
        A = f(z)
        zs.append(z)
        as_.append(A)
    return zs, as_


def objective(params):
    zs, as_ = forward(params)
    value = loss_of(zs[-1] if LOSS_READS == "z" else as_[-1], Y)
    if HAS_PENALTY:
        value += sum(penalty(params[f"W{{l}}"]) for l in range(1, L + 1))
    return value


zs, as_ = forward(params)
for l in range(1, L + 1):
    show(LABEL[f"z{{l}}"], zs[l - 1])
    show(LABEL[f"a{{l}}"], as_[l - 1])
x = zs[-1] if LOSS_READS == "z" else as_[-1]
show(LABEL["loss"], loss_of(x, Y))
grads = {{k: np.zeros_like(v) for k, v in params.items()}}
if HAS_PENALTY:
    R = sum(penalty(params[f"W{{l}}"]) for l in range(1, L + 1))
    show(LABEL["penalty"], R)
    for l in range(1, L + 1):
        grads[f"W{{l}}"] = grads[f"W{{l}}"] + penalty_grad(params[f"W{{l}}"])
    show(LABEL["penalty_grad"], np.concatenate([penalty_grad(params[f"W{{l}}"]).ravel() for l in range(1, L + 1)]))

g = loss_grad(x, Y)  # dL/dx: dL/dz when the loss reads the logits, else dL/da
show(LABEL[f"dL_da{{L}}"], loss_grad_a(as_[-1], Y) if LOSS_READS == "z" else g)
for l in range(L, 0, -1):
    f, fp, elementwise = LAYERS[l - 1]
    z, a = zs[l - 1], as_[l - 1]
    A = X if l == 1 else as_[l - 2]
    local = fp(z)
    if l == L and LOSS_READS == "z":
        delta = g  # the loss gave dL/dz directly: the activation's slope cancelled
    elif elementwise:
        delta = g * local  # the chain rule at the activation, element by element
    else:
        delta = a * (g - (a * g).sum(axis=1, keepdims=True))  # softmax: the Jacobian times g, per sample
    show(LABEL[f"fprime{{l}}"], local.reshape(len(local), -1))
    show(LABEL[f"delta{{l}}"], delta)
    shares = np.concatenate([(A[:, :, None] * delta[:, None, :]).reshape(len(A), -1), delta], axis=1)
    show(LABEL[f"shares{{l}}"], shares)  # each sample's share of [dL/dW_l (row by row), dL/db_l]
    dW, db = A.T @ delta, delta.sum(axis=0)  # the plain sums over samples
    show(LABEL[f"grad{{l}}"], np.concatenate([dW.ravel(), db]))
    grads[f"W{{l}}"], grads[f"b{{l}}"] = grads[f"W{{l}}"] + dW, grads[f"b{{l}}"] + db
    if l > 1:
        g = delta @ params[f"W{{l}}"].T  # dL/da of the layer below: the chain rule crossing a layer
        show(LABEL[f"passed{{l}}"], g)

if lr is not None:
    new = {{k: v - lr * grads[k] for k, v in params.items()}}
    show(LABEL["update"], np.concatenate([new[k].ravel() for k in params]))
    show("new loss L'", objective(new))
'''


_TRAINING = '''

# ---- The training page's settings ---------------------------------------------------------------------
# The step above is one step of full-batch gradient descent, as the step page shows it. The training page trains
# from the same weights with these settings, in this order (the engine's): the test samples are drawn first, then
# one generator made once gives each epoch a permutation of the training samples, cut into consecutive batches
# (the last may be smaller); one optimizer step per batch, on the batch's mean loss (plus the penalty).
OPTIMIZER = {optimizer}
BATCH_SIZE = {batch}  # None: full batch (every step sees every training sample; nothing is drawn)
EPOCHS = {epochs}
SEED = {seed}
TEST_FRACTION = {test}


def training_samples(n):
    """The training samples' numbers, in the order the batches index them (the test samples drawn out first)."""
    n_test = max(1, round(TEST_FRACTION * n)) if TEST_FRACTION > 0 else 0
    return np.random.default_rng(SEED).permutation(n)[n_test:] if n_test else np.arange(n)


def minibatches(n):
    """Each epoch's batches of sample numbers, one list per epoch, without end."""
    train = training_samples(n)
    rng = np.random.default_rng(SEED)
    while True:
        if BATCH_SIZE is None:
            yield [train]
            continue
        perm = rng.permutation(len(train))
        yield [train[perm[k:k + BATCH_SIZE]] for k in range(0, len(train), BATCH_SIZE)]


print(f"training page: {{OPTIMIZER}}, batch size {{BATCH_SIZE or 'full'}}, {{EPOCHS}} epochs, seed {{SEED}}, test "
      f"fraction {{TEST_FRACTION}}")
for k, batch in enumerate(next(minibatches(len(X)))):
    print(f"epoch 1, batch {{k}}: samples {{', '.join(map(str, batch.tolist()))}}")
'''


_UPDATE = '''
# ---- Update: one step of gradient descent, against the gradient -------------------------------------
new_w = w - lr * grad_w
new_b = b - lr * grad_b
new_z = X @ new_w + new_b
new_L = {new_loss}  # the loss at the new parameters

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


{helpers}


{functions}


# ---- Forward pass ------------------------------------------------------------------------------------
z = X @ w + b  # pre-activation, (N,)
a = f(z)  # the neuron's output, its prediction, (N,)
{loss_line}

# ---- Backward pass: the chain rule, sample by sample --------------------------------------------------
{backward}
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
inactive = np.flatnonzero(delta == 0)
if inactive.size:
    print(f"inactive samples (delta = 0, no gradient flows back): {{', '.join(map(str, inactive))}}")
{update}'''
