"""Engine benchmark: speed as ratios against baselines measured in the same run (never asserted in tests).

    python benchmarks/bench_engine.py                      # the issue's cases (about a minute)
    python benchmarks/bench_engine.py --quick              # smaller surface, for a smoke run
    python benchmarks/bench_engine.py --against 486a993    # the op list against the engine of another commit

1. Per-sample gradients of a network, N = 10,000 samples: 2 -> 16 -> 16 -> 1 tanh with MSE, and 2 -> 16 -> 16 -> 3
   tanh with softmax + cross-entropy. `net.forward_backward` with every parameter's per-sample shares read
   (`trace.per_sample`), against `torch.func.vmap(grad)` computing the per-sample gradients alone; both with
   default threads. Goal: the engine >= 2x faster in both.
2. The op list costs nothing that matters: the seed example's trace (3 x 2, ReLU + MSE, with the update) and the
   2-2-1 XOR network's, against the same traces by the engine of `--against` (default 486a993, the last engine
   before the op list), loaded from git into a temporary folder and run in this process. Goal: within 1.2x. With
   the lesson's steps built and read too, for scale (no goal), and torch autograd's gradient alone beside it.
3. `loss_surface` for ReLU + MSE, N = 100,000 samples on a 201 x 201 grid: the exact fast path against the
   blocked evaluation of the whole network at every grid point, and their largest difference relative to the
   surface's largest value. Goals: >= 40x faster, equal to 1e-9 relative.
Timings are medians over repeats; the two sides of a ratio are measured alternately, so that load from other
processes falls on both. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import backprop as bp  # noqa: E402
import lesson  # noqa: E402

SEED = dict(X=[[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]], w=[0.1, 0.2], b=1.0, y=[1.0, 0.0, 0.0])


def alternate(funcs: dict[str, Callable[[], object]], repeats: int, number: int) -> dict[str, float]:
    """Median seconds per call of each function; the functions take turns in every repeat."""
    for f in funcs.values():
        f()
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, f in funcs.items():
            start = time.perf_counter()
            for _ in range(number):
                f()
            times[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(t) for name, t in times.items()}


def bench_per_sample(repeats: int, output: str, outputs: int, loss: str) -> None:
    print(f"per-sample gradients, N = 10,000, network 2 -> 16 -> 16 -> {outputs} tanh, {output} output, {loss} "
          "(default threads)")
    net = bp.Network(inputs=2, hidden=[(16, "tanh"), (16, "tanh")], output=output, outputs=outputs, loss=loss)
    rng = np.random.default_rng(0)
    n = 10_000
    X, params = rng.normal(size=(n, 2)), net.init(seed=0)
    y = rng.integers(0, outputs, size=n).astype(float) if loss == "ce" else rng.normal(size=n)

    def engine():
        t = net.forward_backward(X, y, params)
        return [t.per_sample[k] for k in net.shapes]

    try:
        import torch
        from torch.func import grad, vmap
    except ImportError:
        t = alternate({"engine": engine}, repeats, 5)
        print(f"  engine {t['engine'] * 1e3:6.2f} ms; torch is not installed, so no ratio (pip install torch)")
        return
    P = {k: torch.tensor(v) for k, v in params.items()}
    Xt = torch.tensor(X)
    yt = torch.tensor(y.astype(np.int64)) if loss == "ce" else torch.tensor(y)

    def one(p, x, target):  # one sample's share of the mean loss
        a = x[None]
        for layer in net.layers:
            z = a @ p[f"W{layer.index}"] + p[f"b{layer.index}"]
            a = torch.tanh(z) if layer.activation.name == "tanh" else z
        if loss == "ce":
            return torch.nn.functional.cross_entropy(z, target[None], reduction="sum") / n
        return ((a[:, 0] - target) ** 2).sum() / n

    per_sample = vmap(grad(one), in_dims=(None, 0, 0))
    theirs, ours = per_sample(P, Xt, yt), engine()
    gap = max(float(np.abs(o - theirs[k].numpy()).max()) for o, k in zip(ours, net.shapes, strict=True))
    t = alternate({"engine": engine, "vmap": lambda: per_sample(P, Xt, yt)}, repeats, 5)
    ratio = t["vmap"] / t["engine"]
    print(f"  engine (trace + every share) {t['engine'] * 1e3:6.2f} ms   "
          f"torch.func.vmap(grad) {t['vmap'] * 1e3:6.2f} ms"
          f"   engine is {ratio:4.2f}x faster (goal >= 2x: {'met' if ratio >= 2 else 'NOT met'})"
          f"   max |difference| {gap:.1e}")


def reference_engine(rev: str):
    """The `backprop` package of commit `rev`, extracted with git into a temporary folder and imported as
    `backprop_ref` (its imports are relative, so it runs beside today's)."""
    import importlib.util
    import subprocess
    import tarfile
    import tempfile

    root = Path(__file__).resolve().parents[1]
    folder = Path(tempfile.mkdtemp(prefix="backprop_ref_"))
    archive = subprocess.run(["git", "-C", str(root), "archive", rev, "backprop"], capture_output=True, check=True)
    with tarfile.open(fileobj=__import__("io").BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    spec = importlib.util.spec_from_file_location("backprop_ref", folder / "backprop" / "__init__.py",
                                                  submodule_search_locations=[str(folder / "backprop")])
    module = importlib.util.module_from_spec(spec)
    sys.modules["backprop_ref"] = module
    spec.loader.exec_module(module)
    return module


XOR = dict(X=[[0, 0], [0, 1], [1, 0], [1, 1]], y=[0, 1, 1, 0],
           params={"W1": [[0.5, -0.4], [0.3, 0.8]], "b1": [0.1, -0.2], "W2": [[0.7], [-0.6]], "b2": [0.05]})


def bench_op_list(repeats: int, rev: str) -> None:
    print(f"the op list against the engine of {rev}: the seed's trace (3 x 2, ReLU + MSE) and XOR's (2-2-1 tanh), "
          "each with its update")
    old = reference_engine(rev)
    new_xor = bp.Network(inputs=2, hidden=[(2, "tanh")], output="identity")
    old_xor = old.Network(inputs=2, hidden=[(2, "tanh")], output="identity")
    cases = {
        "seed": (lambda: bp.forward_backward(**SEED, lr=0.01), lambda: old.forward_backward(**SEED, lr=0.01)),
        "2-2-1": (lambda: new_xor.forward_backward(XOR["X"], XOR["y"], XOR["params"], lr=0.1),
                  lambda: old_xor.forward_backward(XOR["X"], XOR["y"], XOR["params"], lr=0.1)),
    }
    for name, (new, before) in cases.items():
        t = alternate({"new": new, "old": before}, repeats, 200)
        ratio = t["new"] / t["old"]
        print(f"  {name:5} trace: op list {t['new'] * 1e6:6.1f} us, {rev} {t['old'] * 1e6:6.1f} us: "
              f"{ratio:4.2f}x (goal <= 1.2x: {'met' if ratio <= 1.2 else 'NOT met'})")
        t = alternate({"new": lambda n=new: [(s.formula_numbers, s.details) for s in lesson.steps(n())],
                       "old": lambda b=before: [(s.formula_numbers, s.details) for s in b().steps]}, repeats, 100)
        print(f"  {name:5} trace + every step built and read: {t['new'] * 1e6:6.1f} us, {rev} "
              f"{t['old'] * 1e6:6.1f} us: {t['new'] / t['old']:4.2f}x (no goal)")
    try:
        import torch
    except ImportError:
        return

    def autograd():
        X = torch.tensor(SEED["X"], dtype=torch.float64)
        w = torch.tensor(SEED["w"], dtype=torch.float64, requires_grad=True)
        b = torch.tensor(SEED["b"], dtype=torch.float64, requires_grad=True)
        loss = torch.mean((torch.relu(X @ w + b) - torch.tensor(SEED["y"], dtype=torch.float64)) ** 2)
        loss.backward()
        return w.grad, b.grad

    t = alternate({"torch": autograd}, repeats, 200)
    print(f"  for scale: torch autograd's gradient of the seed alone {t['torch'] * 1e6:6.1f} us/call")


def bench_surface(n: int, resolution: int, repeats: int) -> None:
    print(f"loss_surface, ReLU + MSE, N = {n:,} samples, {resolution} x {resolution} grid over (w0, w1): fast path vs "
          "blocked evaluation")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    y = np.maximum(X @ [1.0, -0.5] + 0.2, 0.0) + 0.1 * rng.normal(size=n)
    args = (X, [0.3, -0.2], 0.1, y)
    kwargs = dict(axes=("w0", "w1"), span=2.0, resolution=resolution)
    fast = bp.loss_surface(*args, **kwargs)
    slow = bp.loss_surface(*args, method="chunked", **kwargs)
    gap = float(np.abs(fast.loss - slow.loss).max() / np.abs(slow.loss).max())
    t = alternate({"fast": lambda: bp.loss_surface(*args, **kwargs),
                   "chunked": lambda: bp.loss_surface(*args, method="chunked", **kwargs)}, repeats, 1)
    print(f"  fast {t['fast']:7.3f} s   chunked {t['chunked']:7.2f} s   fast path is {t['chunked'] / t['fast']:5.1f}x"
          f" faster (goal >= 40x)   max |fast - chunked| / max |chunked| = {gap:.1e} (goal <= 1e-9)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 20,000-sample, 101 x 101 surface")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the surface timings (default 3)")
    parser.add_argument("--against", default="486a993", help="the commit whose engine the op list is timed against")
    options = parser.parse_args()
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}; medians, the two sides measured alternately\n")
    bench_per_sample(15, "identity", 1, "mse")
    print()
    bench_per_sample(15, "softmax", 3, "ce")
    print()
    bench_op_list(15, options.against)
    print()
    n, resolution = (20_000, 101) if options.quick else (100_000, 201)
    bench_surface(n, resolution, options.repeats)


if __name__ == "__main__":
    main()
