"""The training page's settings, its cached training runs and what they return.

`controls_ui()` draws the settings (optimizer, batch size, epochs and the stop rule, regularization, the
train/test split, the noise of a generated example, feature transforms, and a second setting to compare) and
returns them as `Settings`; `compute()` trains each run from the model's own weights on the same data and split,
or names the bad setting (`st.error`) and returns the last good result, stale. A run is bounded: at most
`MAX_WORK` sample-evaluations (steps × N), so a rerun never trains for long.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

import backprop as bp
from backprop import features, metrics

from . import render, state
from .model import REG_RATE_RANGE, REGULARIZATIONS, Model, cell

OPTIMIZERS = {"sgd": "SGD", "momentum": "Momentum (μ = 0.9)", "adam": "Adam"}
STOP_RULES = {"epochs": "after the epochs", "loss": "at a target loss"}
MAX_WORK = 1_500_000  # sample-evaluations a run may take (steps × N): about a second here
MAX_FRAMES = 120  # states sent to the browser for the animation (epoch ends, evenly spaced)
MAX_BATCH = 10_000
SAVED = "train_saved"  # the settings' last values: Streamlit drops a widget's state on pages without it
GENERATED = "train_generated"  # (preset, noise, X, y) of data this page regenerated with another noise
LAST_GOOD = "train_last_good"  # the last Result computed without an error
# The examples whose data a generator draws (ui/model.py's presets): the generator and the preset's noise.
GENERATORS = {"circles": (bp.datasets.circles, 0.08), "moons": (bp.datasets.moons, 0.1),
              "sine": (bp.datasets.sine, 0.05), "sincos": (bp.datasets.sincos, 0.05),
              "spiral": (lambda n, noise, seed: bp.datasets.spiral(n, classes=3, noise=noise, seed=seed), 0.1)}
DEFAULTS = {"train_opt": "sgd", "train_full": True, "train_batch": 1, "train_epochs": 100, "train_stop": "epochs",
            "train_target": 0.05, "train_test": 0.0, "train_seed": 0,
            "train_compare": False, "train_b_opt": "adam", "train_b_full": True, "train_b_batch": 1,
            "train_b_reg": "none", "train_b_rate": 0.001,
            **{f"train_feat_{k}": False for k in features.TRANSFORMS}}
KEPT = (*DEFAULTS, "train_noise", "train_b_lr")


@dataclass(frozen=True)
class RunSettings:
    """One run's own settings: the optimizer, its learning rate, batch size (None: full batch), penalty."""

    optimizer: str
    lr: float | str
    batch: int | None
    regularization: str | None
    rate: float

    @property
    def label(self) -> str:
        batch = "full batch" if self.batch is None else f"batch {self.batch}"
        penalty = "" if self.regularization is None else f", {self.regularization.upper()} λ = {self.rate:g}"
        return f"{bp.OPTIMIZER_LABELS[self.optimizer]}, η = {float(self.lr):g}, {batch}{penalty}"


@dataclass(frozen=True)
class Settings:
    runs: tuple[RunSettings, ...]  # one, or two to compare
    epochs: int
    target: float | None  # stop at the first epoch whose training loss is at most this
    test_fraction: float
    seed: int  # the split's and the batch order's
    transforms: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Run:
    """One trained run: the trajectory, the epoch where the stop rule ended it, and the states animated."""

    settings: RunSettings
    trajectory: bp.Trajectory
    epochs: int  # epochs shown (the stop rule's)
    frames: np.ndarray  # indices into trajectory.epoch_steps, 0 first, the last shown epoch last
    confusion_train: np.ndarray | None  # (F, K, K) per frame, classifiers only
    confusion_test: np.ndarray | None
    reached: bool | None  # the target loss was reached (None without one)

    @property
    def last(self) -> int:
        return int(self.frames[-1])


@dataclass(frozen=True, eq=False)
class Result:
    runs: tuple[Run, ...]
    network: bp.Network  # with the transforms' inputs
    inputs: list[str]  # the network's input names
    X_train: np.ndarray  # the model's own features (before transforms)
    y_train: np.ndarray
    X_test: np.ndarray | None
    y_test: np.ndarray | None
    classes: int  # 0 for a regression
    transforms: tuple[str, ...]


def _restore() -> None:
    saved = st.session_state.get(SAVED, {})
    for key in KEPT:
        if key not in st.session_state and (key in saved or key in DEFAULTS):
            st.session_state[key] = saved.get(key, DEFAULTS.get(key))


def _save() -> None:
    st.session_state[SAVED] = {k: st.session_state[k] for k in KEPT if k in st.session_state}


def export_settings() -> dict:
    """The first run's training settings as the exports carry them (lesson.export.TRAINING_KEYS), from this page's
    widgets, or their last values, or the defaults when the page has not been opened."""
    saved = {**DEFAULTS, **st.session_state.get(SAVED, {})}
    value = lambda key: st.session_state.get(key, saved[key])  # noqa: E731
    return {"optimizer": value("train_opt"), "batch_size": None if value("train_full") else int(value("train_batch")),
            "epochs": int(value("train_epochs")), "seed": int(value("train_seed")),
            "test_fraction": float(value("train_test"))}


def generated_preset(m: Model) -> str | None:
    """The generated example whose data the model holds (as loaded, or redrawn here with another noise)."""
    name = state.example()
    if name in GENERATORS:
        return name
    kept = st.session_state.get(GENERATED)
    if kept and kept[2] == m.X and kept[3] == m.y:
        return kept[0]
    return None


def _on_noise(name: str) -> None:
    fn, _ = GENERATORS[name]
    m = state.model()
    noise = float(st.session_state["train_noise"])
    X, y = fn(n=len(m.X), noise=noise, seed=0)
    Xc = tuple(tuple(cell(v) for v in row) for row in X)
    yc = tuple(cell(v) for v in y) if y.ndim == 1 else tuple(tuple(cell(v) for v in row) for row in y)
    state.set_model(replace(m, X=Xc, y=yc), rebuild_editors=True)
    st.session_state[GENERATED] = (name, noise, Xc, yc)


def _run_ui(box, prefix: str, m: Model) -> RunSettings:
    """One run's settings in `box`: optimizer, (learning rate), batch size, regularization. The first run's learning
    rate and penalty are the model's (the sidebar's: every page computes them); the second run has its own."""
    a, b, c = box.columns(3)
    opt = a.selectbox("Optimizer", list(OPTIMIZERS), format_func=OPTIMIZERS.get, key=f"{prefix}opt")
    lr = m.lr
    if prefix != "train_":
        st.session_state.setdefault(f"{prefix}lr", float(lr) if _number(lr) else 0.01)
        lr = a.number_input("Learning rate η", min_value=1e-6, max_value=100.0, format="%g", key=f"{prefix}lr")
    full = b.toggle("Full batch", key=f"{prefix}full", help="Every step sees all N training samples.")
    batch = b.number_input("Batch size", min_value=1, max_value=MAX_BATCH, step=1, key=f"{prefix}batch",
                           disabled=full, help="Samples per step; each epoch shuffles them (seeded).")
    if prefix == "train_":
        c.markdown(f"Regularization: **{REGULARIZATIONS[m.regularization]}**"
                   + (f", λ = {m.reg_rate:g}" if m.penalty else "")
                   + " (sidebar, beside the loss: the step page shows this penalty too)")
        return RunSettings(opt, lr, None if full else int(batch), m.penalty.get("regularization"), m.reg_rate)
    reg = c.radio("Regularization", list(REGULARIZATIONS), format_func=REGULARIZATIONS.get, key=f"{prefix}reg",
                  horizontal=True)
    rate = c.number_input("Rate λ", *REG_RATE_RANGE, step=0.001, format="%g", key=f"{prefix}rate",
                          disabled=reg == "none")
    return RunSettings(opt, lr, None if full else int(batch), None if reg == "none" else reg, float(rate))


def _number(text) -> bool:
    try:
        return math.isfinite(float(text))
    except (TypeError, ValueError):
        return False


def controls_ui(m: Model) -> Settings:
    """The page's settings, drawn in a bordered box; the second run's under "Compare"."""
    _restore()
    with st.container(border=True):
        first = _run_ui(st, "train_", m)
        a, b, c = st.columns(3)
        epochs = a.number_input("Epochs", min_value=1, max_value=bp.MAX_EPOCHS, step=10, key="train_epochs",
                                help="Passes over the training data; with a target loss, the most it may take.")
        stop = a.radio("Stop", list(STOP_RULES), format_func=STOP_RULES.get, key="train_stop", horizontal=True)
        target = a.number_input("Target loss", min_value=0.0, max_value=1e6, format="%g", key="train_target",
                                disabled=stop != "loss", help="Training stops at the first epoch whose training "
                                                               "loss is at most this.")
        test = b.slider("Test fraction", 0.0, 0.9, step=0.05, key="train_test",
                        help="Samples held out of training (drawn with the seed); their loss is drawn too.")
        seed = b.number_input("Seed", min_value=0, max_value=99_999, key="train_seed",
                              help="Draws the test samples and the order of the mini-batches.")
        preset = generated_preset(m)
        if preset is not None:
            st.session_state.setdefault("train_noise", GENERATORS[preset][1])
            b.slider("Noise", 0.0, 1.0, step=0.01, key="train_noise", on_change=_on_noise, args=(preset,),
                     help="Redraws the example's data with this much noise (the same seed).")
        c.markdown("Feature transforms (extra inputs)")
        offered = features.available(m.n_features)
        transforms = tuple(k for k, t in features.TRANSFORMS.items()
                           if c.checkbox(t.label, key=f"train_feat_{k}", disabled=k not in offered) and k in offered)
        compare = st.toggle("Compare with a second setting (same data, same starting weights)", key="train_compare")
        runs = (first,)
        if compare:
            st.markdown("**Second run**")
            runs = (first, _run_ui(st, "train_b_", m))
    _save()
    return Settings(runs, int(epochs), float(target) if stop == "loss" else None, float(test), int(seed),
                    transforms)


def _start(net: bp.Network, X: np.ndarray, y: np.ndarray, params: dict, transforms: tuple[str, ...]) -> tuple:
    """The network, data and weights with the transforms' inputs added: their weights start at 0, so the first
    state computes what the network without them does."""
    if not transforms:
        return net, X, y, params
    wide = bp.Network(inputs=net.inputs + len(transforms), hidden=net.hidden, output=net.output,
                      loss=net.loss.name, outputs=net.outputs)
    params = dict(params)
    params["W1"] = np.vstack([params["W1"], np.zeros((len(transforms), params["W1"].shape[1]))])
    return wide, features.expand(X, transforms), y, params


def train_run(net: bp.Network, X, y, params, r: RunSettings, epochs: int, test_fraction: float, seed: int,
              transforms: tuple[str, ...]) -> bp.Trajectory:
    """One run from `params` on the model's data (X without the transforms' columns)."""
    net, X, y, params = _start(net, X, y, params, transforms)
    Xtr, ytr, Xte, yte = _split(X, y, test_fraction, seed)
    net = bp.Network(inputs=net.inputs, hidden=net.hidden, output=net.output, loss=net.loss.name, outputs=net.outputs,
                     regularization=r.regularization, reg_rate=r.rate if r.regularization else 0.0)
    return net.train(Xtr, ytr, params, lr=r.lr, optimizer=r.optimizer, batch_size=r.batch, epochs=epochs,
                     seed=seed, X_test=Xte, y_test=yte)


@st.cache_data(max_entries=32, show_spinner=False)
def _train(m: Model, r: RunSettings, epochs: int, test_fraction: float, seed: int,
           transforms: tuple[str, ...]) -> bp.Trajectory:
    return train_run(*m.engine(), r, epochs, test_fraction, seed, transforms)


def _split(X, y, test_fraction: float, seed: int):
    if test_fraction <= 0:
        return X, y, None, None
    return bp.datasets.split(X, y, test_fraction, seed)


def _check(s: Settings, n_train: int) -> None:
    """InputError naming the setting that cannot train: a batch above N, more work than a rerun may take."""
    for k, r in enumerate(s.runs):
        name = "Batch size" if len(s.runs) == 1 else f"Batch size ({'first' if k == 0 else 'second'} run)"
        if r.batch is not None and r.batch > n_train:
            raise bp.InputError(f"{name}: {r.batch} is above N = {n_train}, the number of training samples; "
                                "choose at most N, or Full batch")
        steps = s.epochs * math.ceil(n_train / (r.batch or n_train))
        if steps * n_train > MAX_WORK:
            most = max(1, MAX_WORK // (n_train * math.ceil(n_train / (r.batch or n_train))))
            raise bp.InputError(f"Epochs: {s.epochs:,} epochs of {steps // s.epochs:,} steps on {n_train:,} samples "
                                f"are more than a rerun may train ({MAX_WORK:,} sample-evaluations); use at most "
                                f"{most:,} epochs here, or larger batches")


def _stop_epoch(t: bp.Trajectory, target: float | None) -> tuple[int, bool | None]:
    """The epochs the stop rule shows, and whether the target was reached (None: no target)."""
    epochs = len(t.epoch_steps) - 1
    if target is None:
        return epochs, None
    hit = np.flatnonzero(t.train_loss <= target)
    return (int(hit[0]), True) if hit.size else (epochs, False)


def _frames(epochs: int) -> np.ndarray:
    """Epoch indices animated: every epoch up to MAX_FRAMES, else evenly spaced; 0 and the last included."""
    return np.unique(np.linspace(0, epochs, min(epochs + 1, MAX_FRAMES)).round().astype(int))


def _confusions(t: bp.Trajectory, X, y, frames, k: int) -> np.ndarray | None:
    if X is None or not t.network.classifies:
        return None
    net = t.network
    truth = metrics.target_classes(np.reshape(y, (len(y), -1)) if net.outputs > 1 else y, net.classifies)
    out = []
    for f in frames:
        a = net.predict(X, t.at(int(t.epoch_steps[f])))
        out.append(metrics.confusion_matrix(truth, metrics.predicted_classes(a, net.classifies), k))
    return np.array(out)


def results(net: bp.Network, X, y, params, s: Settings, features_of: list[str], train=train_run) -> Result:
    """Every run of `s` from `params` on X (N, d), y, with its frames and confusion matrices; InputError naming
    the bad setting. `train` trains one run (train_run's arguments; the page passes a cached one)."""
    wide, Xe, _, _ = _start(net, X, y, params, s.transforms)
    Xtr, ytr, Xte, yte = _split(X, y, s.test_fraction, s.seed)
    Xetr, _, Xete, _ = _split(Xe, y, s.test_fraction, s.seed)
    _check(s, len(Xtr))
    k = metrics.n_classes(net.outputs, net.classifies) if net.classifies else 0
    runs = []
    for r in s.runs:
        t = train(net, X, y, params, r, s.epochs, s.test_fraction, s.seed, s.transforms)
        if t.diverged_at is not None:
            raise bp.InputError(f"Learning rate η = {float(r.lr):g} ({r.label}): the run diverged at step "
                                f"{t.diverged_at}; choose a smaller learning rate")
        shown, reached = _stop_epoch(t, s.target)
        frames = _frames(shown)
        runs.append(Run(r, t, shown, frames, _confusions(t, Xetr, ytr, frames, k) if k else None,
                        _confusions(t, Xete, yte, frames, k) if k else None, reached))
    return Result(tuple(runs), wide, features.names(features_of, s.transforms), Xtr, ytr, Xte, yte, k, s.transforms)


def compute(m: Model, s: Settings) -> Result | None:
    """Train each run on the model, or show the InputError naming the setting (st.error) and return None."""
    m = m.filled()
    try:
        net, X, y, params = m.engine()
        return results(net, X, y, params, s, m.features,
                       train=lambda *args: _train(m, *args[4:]))
    except bp.InputError as err:
        state.show_input_error(err)
        return None


def summary(result: Result, p: int) -> str:
    """Each run's final numbers, in words (the component shows the same numbers animated)."""
    lines = []
    for k, run in enumerate(result.runs):
        t, e = run.trajectory, run.last
        step = int(t.epoch_steps[e])
        parts = [f"train loss {render.fmt(t.train_loss[e], p)}"]
        if t.test_loss is not None:
            parts.append(f"test loss {render.fmt(t.test_loss[e], p)}")
        if t.train_accuracy is not None:
            parts.append(f"train accuracy {t.train_accuracy[e]:.1%}")
        if t.test_accuracy is not None:
            parts.append(f"test accuracy {t.test_accuracy[e]:.1%}")
        stop = ""
        if run.reached is True:
            stop = " (the target loss reached)"
        elif run.reached is False:
            stop = " (the target loss not reached)"
        who = f"**{'First' if k == 0 else 'Second'} run ({run.settings.label})**" if len(result.runs) > 1 else \
            f"**{run.settings.label}**"
        lines.append(f"- {who} after {run.epochs} epochs (step {step}){stop}: " + ", ".join(parts) + ".")
    return "\n".join(lines)


def unit_names(net: bp.Network) -> list[list[str]]:
    """Each layer's units as the app names them: h1[0], ... for hidden layers, ŷ (or ŷ[0], ...) for the output."""
    out = []
    for layer in net.layers:
        if layer.index == net.depth:
            out.append(["ŷ"] if layer.fan_out == 1 else [f"ŷ[{j}]" for j in range(layer.fan_out)])
        else:
            out.append([f"h{layer.index}[{j}]" for j in range(layer.fan_out)])
    return out
