"""Share links: one declared schema of the shareable state, and the query string derived from it.

As in TensorFlow Playground's `state.ts`, every shareable property is declared once in `SCHEMA` (its
query key, kind, bounds, default and where it lives); `encode` (state -> query parameters) and `decode`
(query parameters -> state, or the list of what is wrong) are both derived from that list, so adding a
property is one line. Links stay human-readable: `?X=1,2;2,1;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.01`
(rows of X separated by `;`, values by `,`).

Pure Python, no Streamlit. Nothing is eval'd: numbers go through `float` and the engine's cell checks
(`backprop.validation`), choices are looked up in fixed tuples, and a link is rejected as a whole when
any part is wrong, so a tampered link never half-applies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote

import numpy as np

import backprop as bp
from backprop.validation import as_learning_rate, as_matrix, as_vector, to_number

from .model import (
    ACTIVATION_CHOICES,
    LOSS_CHOICES,
    MAX_NAME,
    MAX_SHOWN_WIDTH,
    NAME_FORBIDDEN,
    OUTPUT_CHOICES,
    OUTPUTS_RANGE,
    PRECISION_RANGE,
    REG_RATE_RANGE,
    REGULARIZATIONS,
    SEED,
    Model,
    names_problem,
)

MAX_LINK_CHARS = 8192  # the encoded query string; larger data travels as a CSV file instead
ROW_SEP, COL_SEP = ";", ","
IGNORED = frozenset({"embed", "embed_options"})  # Streamlit's own parameters
SAFE = ",;.-_~:"  # left unescaped in links, so numbers and separators stay readable


class ShareError(ValueError):
    """A link that cannot be restored; `problems` lists each thing wrong, in plain words."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Field:
    """One shareable property.

    `key` is its query parameter; `kind` one of matrix, vector, number, rate (the model's cells), choice
    (one of `choices`), choices (a comma list of distinct `choices`), axes (two distinct parameter names
    of the model), int (within `bounds`, and one of `values` when given), float (within `bounds`), bool;
    `home` says where it lives: "model" (an attribute of `Model` named `attr`), "session" (a session-state
    value, bound to its key by the Streamlit glue) or "page" (read by its page itself, e.g. the step page's
    `step`; encoded here, validated there). `always` fields are written into every link; others only when
    they differ from `default`.
    """

    key: str
    kind: str
    home: str
    label: str
    default: Any = None
    attr: str = ""
    choices: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None
    values: tuple[int, ...] = ()
    always: bool = False


def _penalty_fields(prefix: str, whose: str, home: str) -> tuple[Field, ...]:
    """A penalty and its rate: the model's (`reg`, `reg_rate`: every page's objective, the training page's first run)
    or the training page's second run's (`b_reg`, `b_reg_rate`)."""
    model = home == "model"
    return (Field(f"{prefix}reg", "choice", home, f"{whose} regularization", "none", "regularization" if model else "",
                  tuple(REGULARIZATIONS)),
            Field(f"{prefix}reg_rate", "float", home, f"{whose} regularization rate", SEED.reg_rate,
                  "reg_rate" if model else "", bounds=REG_RATE_RANGE))


def _training_fields(prefix: str, whose: str) -> tuple[Field, ...]:
    """A training run's own settings: optimizer, batch size (0: full batch)."""
    return (Field(f"{prefix}opt", "choice", "session", f"{whose} optimizer", "sgd" if not prefix else "adam",
                  choices=("sgd", "momentum", "adam")),
            Field(f"{prefix}batch", "int", "session", f"{whose} batch size", 0, bounds=(0, 10_000)))


LAYER_KEYS = tuple(f"{p}{l}" for l in range(1, bp.MAX_HIDDEN + 2) for p in ("W", "b"))  # W1, b1, ..., W4, b4

SCHEMA: tuple[Field, ...] = (
    Field("X", "matrix", "model", "the inputs X", attr="X", always=True),
    # y: one target per sample (1,0,0), rows of K targets (1,0;0,1), or N class labels for cross-entropy (0,2,1)
    Field("y", "targets", "model", "the targets y", attr="y", always=True),
    Field("hidden", "hidden", "model", "the hidden layers", (), "hidden"),
    # one neuron's weights and bias; a network's layers are W1, b1, ... (rows of W separated by ;)
    Field("w", "vector", "model", "the weights w", attr="w", always=True),
    Field("b", "number", "model", "the bias b", attr="b", always=True),
    *(Field(k, "matrix" if k[0] == "W" else "vector", "model",
            f"layer {k[1:]}'s {'weights' if k[0] == 'W' else 'biases'}", always=True) for k in LAYER_KEYS),
    Field("lr", "rate", "model", "the learning rate", attr="lr", always=True),
    Field("activation", "choice", "model", "the output activation", SEED.activation, "activation", OUTPUT_CHOICES,
          always=True),
    Field("outputs", "int", "model", "the number of outputs K", 1, "outputs", bounds=OUTPUTS_RANGE),
    Field("classes", "names", "model", "the classes' names", (), "classes", bounds=(0, bp.MAX_OUTPUTS)),
    Field("xnames", "names", "model", "the features' names", (), "feature_names",
          bounds=(0, bp.validation.MAX_FEATURES)),
    Field("loss", "choice", "model", "the loss", SEED.loss, "loss", LOSS_CHOICES, always=True),
    # the penalty on the weights: part of the objective of every page (the training page's first run included)
    *_penalty_fields("", "the", "model"),
    Field("decimals", "int", "model", "the decimals shown", SEED.precision, "precision", bounds=PRECISION_RANGE),
    Field("presenter", "bool", "session", "presenter mode", False),
    # the loss-landscape page's settings (ui/landscape.py); the defaults are its widgets' defaults
    Field("axes", "axes", "session", "the landscape's two axes", ""),
    Field("span", "float", "session", "the landscape's span", 2.0, bounds=(0.05, 1000.0)),
    Field("resolution", "int", "session", "the landscape's resolution", 51, bounds=(11, 201),
          values=(11, 21, 31, 41, 51, 61, 81, 101, 151, 201)),
    Field("optimizers", "choices", "session", "the landscape's optimizers", ("sgd", "momentum", "adam"),
          choices=("sgd", "momentum", "adam", "notebook")),
    Field("updates", "int", "session", "the landscape's number of update steps", 100, bounds=(1, 1000)),
    Field("only_axes", "bool", "session", "training only the landscape's two axes", True),
    Field("fit", "bool", "session", "widening the landscape's span to fit the paths", True),
    Field("log_loss", "bool", "session", "the landscape's log scale for the loss", False),
    # the training page's settings (ui/training.py); batch 0 is full batch, stop 0 stops after the epochs, else
    # at that training loss; b_* are the second run's, to compare
    *_training_fields("", "the training's"),
    Field("epochs", "int", "session", "the training's epochs", 100, bounds=(1, bp.MAX_EPOCHS)),
    Field("stop", "float", "session", "the training's target loss", 0.0, bounds=(0.0, 1e6)),
    Field("test", "float", "session", "the training's test fraction", 0.0, bounds=(0.0, 0.9)),
    Field("seed", "int", "session", "the training's seed", 0, bounds=(0, 99_999)),
    Field("noise", "float", "session", "the generated example's noise", None, bounds=(0.0, 1.0)),
    Field("features", "choices", "session", "the feature transforms", (), choices=tuple(bp.features.TRANSFORMS)),
    Field("compare", "bool", "session", "comparing two training settings", False),
    *_training_fields("b_", "the second run's"),
    *_penalty_fields("b_", "the second run's", "session"),
    Field("b_lr", "float", "session", "the second run's learning rate", None, bounds=(1e-6, 100.0)),
    Field("step", "int", "page", "the step shown by the step page", 1, bounds=(1, 99)),
)
FIELDS = {f.key: f for f in SCHEMA}


@dataclass(frozen=True)
class Shared:
    """What a link restores: the model, session values by field key, and the keys the link set."""

    model: Model
    session: dict[str, Any] = field(default_factory=dict)
    given: tuple[str, ...] = ()


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly `value`: 0.1, 2, -3.5, 1e-07, 1e20."""
    text = repr(float(value) + 0.0)
    return text.removesuffix(".0").replace("e+", "e")


def encode(model: Model, session: Mapping[str, Any] | None = None, page: Mapping[str, Any] | None = None
           ) -> dict[str, str]:
    """The query parameters of a link to this state, in schema order.

    Numbers are written in their shortest exact form. Raises ShareError when the model holds a bad cell
    (a link must open a working state), naming the cell.
    """
    try:
        _, X, y, params = model.engine()
        rate = as_learning_rate(model.lr)
    except bp.InputError as err:
        raise ShareError([f"fix the input before sharing: {err}"]) from None
    if model.labelled:  # class labels stay labels (the engine reads them as one-hot rows)
        y = np.argmax(y, axis=1)
    numbers: dict[str, Any] = {"X": X, "y": y, "lr": rate,
                               "xnames": tuple(model.own_features or ())}
    if model.is_neuron:
        numbers |= {"w": params["W1"][:, 0], "b": float(params["b1"][0])}
    else:
        numbers |= params
    values = {**(session or {}), **(page or {})}
    out = {}
    for f in SCHEMA:
        if f.home == "model":
            if f.key not in numbers and not f.attr or f.key in ("w", "b") and "w" not in numbers:
                continue  # a network's link has W1, b1, ...; one neuron's has w and b
            value = numbers[f.key] if f.key in numbers else getattr(model, f.attr)
        elif f.key in values:
            value = values[f.key]
        else:
            continue
        if f.always or value != f.default:
            out[f.key] = _write(f, value)
    return out


def query_string(params: Mapping[str, str]) -> str:
    """`key=value&...`, with only what a URL needs escaped, so numbers and separators stay readable."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe=SAFE)}" for k, v in params.items())


def _write(f: Field, value: Any) -> str:
    if f.kind == "targets":
        f = replace(f, kind="matrix" if np.ndim(value) == 2 else "vector")
    if f.kind == "matrix":
        return ROW_SEP.join(COL_SEP.join(number_text(v) for v in row) for row in value)
    if f.kind == "vector":
        return COL_SEP.join(number_text(v) for v in value)
    if f.kind in ("number", "rate"):
        return number_text(value)
    if f.kind == "bool":
        return "1" if value else "0"
    if f.kind in ("choices", "axes", "names"):
        return COL_SEP.join(value)
    if f.kind == "hidden":
        return COL_SEP.join(f"{width}:{act}" for width, act in value)
    if f.kind == "float":
        return number_text(value)
    return str(value)


def decode(params: Mapping[str, str | Sequence[str]]) -> Shared | None:
    """The state a link's query parameters describe, or None when they set nothing this app shares.

    `params` maps each key to its value, or to all its values when it was repeated. Missing properties
    take their defaults (the seed example's). Raises ShareError listing every problem: a link longer than
    MAX_LINK_CHARS, a repeated or empty parameter, a bad number (named by its row and column), shapes that
    do not fit together, a choice or a number out of its range.
    """
    values = {k: ([v] if isinstance(v, str) else list(v)) for k, v in params.items()}
    length = sum(len(query_string({k: v})) + 1 for k, vs in values.items() for v in vs) - 1
    if length > MAX_LINK_CHARS:
        raise ShareError([f"the link's parameters are {length:,} characters long; a link holds at most "
                          f"{MAX_LINK_CHARS:,} (8 KB). Share larger data as a CSV file (Data & sharing page)"])
    problems = []
    given = {}
    for key, vs in values.items():
        f = FIELDS.get(key)
        if f is None or f.home == "page":
            continue
        if len(vs) > 1:
            problems.append(f"parameter {key!r} appears {len(vs)} times; give it once")
        else:
            given[key] = vs[0].strip()
    if not given and not problems:
        return None
    model = replace(SEED, **_read_model(given, problems))
    model_ok = not problems  # else the model may be half read (hidden layers without their weights)
    session = {}
    for key, text in given.items():
        f = FIELDS[key]
        if f.home == "session" and (model_ok or f.kind != "axes"):  # axes name the model's parameters
            try:
                session[key] = _read(f, text, model)
            except bp.InputError as err:
                problems.append(str(err))
    if problems:
        raise ShareError(problems)
    return Shared(model=model, session=session, given=tuple(given))


def _read_model(given: dict[str, str], problems: list[str]) -> dict[str, Any]:
    """The model attributes the link sets, as cell texts; appends to `problems` what is wrong."""
    out: dict[str, Any] = {}
    for key in ("activation", "loss", "decimals", "outputs", "classes", "xnames", "reg", "reg_rate"):
        if key in given:
            try:
                out[FIELDS[key].attr] = _read(FIELDS[key], given[key])
            except bp.InputError as err:
                problems.append(str(err))
    X = _rows(given["X"]) if "X" in given else [list(r) for r in SEED.X]
    try:
        n, d = as_matrix(X).shape
    except bp.InputError as err:
        problems.append(f"X: {err}" if not str(err).startswith("X") else str(err))
        return out
    hidden = ()
    if "hidden" in given:
        try:
            hidden = _hidden(given["hidden"])
        except bp.InputError as err:
            problems.append(str(err))
            return out
    out["hidden"] = hidden
    layer_keys = [k for k in LAYER_KEYS if k in given]
    k = out.get("outputs", 1)
    if hidden or k > 1:
        for key in ("w", "b"):
            if key in given:
                problems.append(f"{key}: one neuron's {'weights' if key == 'w' else 'bias'}; a link with hidden layers "
                                "or several outputs gives every layer as W1, b1, W2, b2, ...")
        _read_layers(given, hidden, d, out, problems, k)
    elif layer_keys:
        problems.append(f"{layer_keys[0]}: layers W1, b1, ... need hidden=width:activation,... (a link without "
                        "hidden layers gives one neuron's w and b)")
    unset = [k for k in ("y", "w") if k not in given]
    for key, length, cell, against in (
        ("y", n, "y row {}", f"X has {n} rows (one target per sample)"),
        *((("w", d, "weight w{}", f"X has {d} feature columns (one weight per feature)"),) if not hidden and k == 1
          else ()),
    ):
        items = _cells(given[key]) if key in given else list(getattr(SEED, key))
        if key == "y" and key in given and (ROW_SEP in given[key] or k > 1 and n == 1):
            rows = _rows(given[key])  # rows of targets; a row of one cell is that sample's one target
            items = [r[0] if len(r) == 1 else tuple(r) for r in rows]
            if k > 1 or any(isinstance(r, tuple) for r in items):
                out[key] = tuple(items)  # K targets per row: the engine checks them against K below
                continue
        elif key == "y" and k > 1:
            out[key] = tuple(items)  # class labels: the engine checks them against K below
            continue
        try:
            as_vector(items, length, key, cell, against)
        except bp.InputError as err:
            note = f" (the link sets X but not {key})" if key in unset else ""
            problems.append(f"{err}{note}")
        out[key] = tuple(items)
    if "X" in given:
        out["X"] = tuple(tuple(r) for r in X)
    if "b" in given and not hidden:
        try:
            to_number(given["b"], "bias b")
            out["b"] = given["b"]
        except bp.InputError as err:
            problems.append(str(err))
    if "lr" in given:
        try:
            as_learning_rate(given["lr"])
            out["lr"] = given["lr"]
        except bp.InputError as err:
            problems.append(str(err))
    loss = out.get("loss", SEED.loss)
    needs = bp.LOSSES[loss].output
    if needs and "activation" not in out:
        out["activation"] = needs  # choosing the loss chooses the output it scores, as the sidebar does
    if out.get("feature_names") and names_problem(out["feature_names"], d):
        problems.append(f"xnames: {names_problem(out['feature_names'], d)} (one name per column of X)")
    if out.get("classes") and len(out["classes"]) != k:
        problems.append(f"classes: {len(out['classes'])} names but the network has {k} output{'s' if k > 1 else ''} "
                        "(one name per class)")
    if not problems:  # the targets' range, a network's every cell: the engine's word
        try:
            replace(SEED, **out).engine()
        except bp.InputError as err:
            problems.append(str(err))
    return out


def _hidden(text: str) -> tuple[tuple[int, str], ...]:
    """`2:tanh,3:relu` -> ((2, "tanh"), (3, "relu")); InputError naming what is wrong."""
    out = []
    items = _cells(text)
    if len(items) > bp.MAX_HIDDEN:
        raise bp.InputError(f"hidden: {len(items)} hidden layers; the app shows at most {bp.MAX_HIDDEN}")
    for l, item in enumerate(items, 1):
        width, _, act = item.partition(":")
        if not _INT.fullmatch(width.strip()) or not 1 <= int(width) <= MAX_SHOWN_WIDTH:
            raise bp.InputError(f"hidden: layer {l}'s width {width[:10]!r} must be a whole number from 1 to "
                                f"{MAX_SHOWN_WIDTH}")
        if act.strip() not in ACTIVATION_CHOICES:
            raise bp.InputError(f"hidden: layer {l}'s activation {act[:20]!r} is not one of "
                                f"{', '.join(ACTIVATION_CHOICES)}")
        out.append((int(width), act.strip()))
    return tuple(out)


def _read_layers(given: dict[str, str], hidden: tuple, d: int, out: dict, problems: list[str], k: int = 1) -> None:
    """A network's W1, b1, ..., WL, bL from the link into `out` (its `layers`, `w` and `b`), each checked against
    the shape the architecture needs (K = `k` outputs); appends what is wrong to `problems`."""
    widths = [d, *(w for w, _ in hidden), k]
    L = len(widths) - 1
    values = {}
    for l in range(1, L + 1):
        for key, shape in ((f"W{l}", (widths[l - 1], widths[l])), (f"b{l}", (widths[l],))):
            if key not in given:
                problems.append(f"{key} is missing: the architecture needs it with shape {_shape(shape)}")
                continue
            cells = _rows(given[key]) if key[0] == "W" else _cells(given[key])
            got = (len(cells), len(cells[0]) if cells else 0) if key[0] == "W" else (len(cells),)
            ragged = key[0] == "W" and any(len(r) != got[1] for r in cells)
            if got != shape or ragged:
                what = "fan_in × fan_out" if key[0] == "W" else "one per unit"
                problems.append(f"{key} has shape {'ragged' if ragged else _shape(got)}; layer {l} needs "
                                f"{_shape(shape)} ({what})")
                continue
            values[key] = cells
    if len(values) == 2 * L:
        out["layers"] = tuple((tuple(tuple(r) for r in values[f"W{l}"]), tuple(values[f"b{l}"])) for l in range(1, L))
        out["w"] = tuple(r[0] if k == 1 else tuple(r) for r in values[f"W{L}"])
        out["b"] = values[f"b{L}"][0] if k == 1 else tuple(values[f"b{L}"])


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _rows(text: str) -> list[list[str]]:
    """`1,2;2,1` -> [["1", "2"], ["2", "1"]]; a trailing `;` (as some editors add) is dropped."""
    text = text.strip().removesuffix(ROW_SEP)
    return [_cells(row) for row in text.split(ROW_SEP)] if text else []


def _cells(text: str) -> list[str]:
    text = text.strip()
    return [c.strip() for c in text.split(COL_SEP)] if text else []


def _names(text: str) -> list[str]:
    """`W1[0,0],W1[0,1]` -> ["W1[0,0]", "W1[0,1]"]: parameter names split on the commas outside brackets."""
    return [n.strip() for n in _NAME.findall(text.strip())]


_NAME = re.compile(r"(?:[^,\[\]]|\[[^\]]*\])+")
_INT = re.compile(r"[+]?[0-9]{1,6}")


def page_value(key: str, text: str) -> Any:
    """A page's own parameter (e.g. the step page's `step`) read with its field's rule, or None when the text
    is not a valid value (links are typed by hand: `step=²` is no step)."""
    try:
        return _read(FIELDS[key], text.strip())
    except bp.InputError:
        return None


def _read(f: Field, text: str, model: Model = SEED) -> Any:
    """One setting's value from its text, or InputError saying what the link should hold."""
    if f.kind == "choices":
        items = tuple(_cells(text))
        wrong = [i for i in items if i not in f.choices]
        if wrong or len(set(items)) != len(items):
            raise bp.InputError(f"{f.key}: {text[:60]!r} must list distinct names among {', '.join(f.choices)}")
        return items
    if f.kind == "axes":
        items = tuple(_names(text))
        names = model.params
        if len(items) != 2 or items[0] == items[1] or any(i not in names for i in items):
            raise bp.InputError(f"{f.key}: {text[:60]!r} must name two different parameters of the model, "
                                f"among {', '.join(names)}")
        return items
    if f.kind == "names":
        items = tuple(_cells(text))
        most = int(f.bounds[1])
        if len(items) > most or len(set(items)) != len(items) or any(
                not i or len(i) > MAX_NAME or any(c in i for c in NAME_FORBIDDEN) for i in items):
            raise bp.InputError(f"{f.key}: {text[:60]!r} must list at most {most} distinct names of 1 to "
                                f"{MAX_NAME} characters (no {' '.join(NAME_FORBIDDEN)})")
        return items
    if f.kind == "float":
        try:
            value = to_number(text, f.key)
        except bp.InputError:
            value = None
        lo, hi = f.bounds
        if value is None or not lo <= value <= hi:
            raise bp.InputError(f"{f.key}: {text[:40]!r} must be a number from {lo:g} to {hi:g}")
        return value
    if f.kind == "choice":
        if text not in f.choices:
            raise bp.InputError(f"{f.key}: {text[:40]!r} is not {f.label}'s name; choose one of "
                                f"{', '.join(f.choices)}")
        return text
    if f.kind == "int":
        lo, hi = f.bounds
        if not _INT.fullmatch(text) or not lo <= int(text) <= hi or (f.values and int(text) not in f.values):
            allowed = ", ".join(map(str, f.values)) if f.values else f"from {lo} to {hi}"
            raise bp.InputError(f"{f.key}: {text[:40]!r} must be a whole number {'among ' if f.values else ''}"
                                f"{allowed}")
        return int(text)
    if f.kind == "bool":
        if text.lower() not in ("0", "1", "true", "false", "on", "off"):
            raise bp.InputError(f"{f.key}: {text[:40]!r} must be 1 (on) or 0 (off)")
        return text.lower() in ("1", "true", "on")
    raise AssertionError(f"{f.kind} is read with the model")
