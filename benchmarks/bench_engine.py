"""Engine benchmark: speed as ratios against baselines measured in the same run (never asserted in tests).

    python benchmarks/bench_engine.py            # the issue's cases (about a minute: the chunked surface is slow)
    python benchmarks/bench_engine.py --quick    # smaller surface, for a smoke run

1. Per-sample gradients of a network: N = 10,000 samples, 2 -> 16 -> 16 -> 1 tanh, MSE. `net.forward_backward`
   with every parameter's per-sample shares read (`trace.per_sample`), against `torch.func.vmap(grad)`
   computing the per-sample gradients alone; both with default threads. Goal: the engine >= 2x faster.
2. The seed example's full trace (3 x 2, ReLU + MSE, with the update): `forward_backward` with every step built
   and its text read. No goal (the app builds it once per edit); PyTorch autograd's gradient beside it for scale.
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


def bench_per_sample(repeats: int) -> None:
    print("per-sample gradients, N = 10,000, network 2 -> 16 -> 16 -> 1 tanh, MSE (default threads)")
    net = bp.Network(inputs=2, hidden=[(16, "tanh"), (16, "tanh")], output="identity", loss="mse")
    rng = np.random.default_rng(0)
    X, y, params = rng.normal(size=(10_000, 2)), rng.normal(size=10_000), net.init(seed=0)

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
    Xt, yt, n = torch.tensor(X), torch.tensor(y), len(y)

    def one(p, x, target):  # one sample's share of the mean loss
        a = x[None]
        for layer in net.layers:
            z = a @ p[f"W{layer.index}"] + p[f"b{layer.index}"]
            a = torch.tanh(z) if layer.activation.name == "tanh" else z
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


def bench_seed_trace(repeats: int) -> None:
    print("the seed example's full trace (3 x 2, ReLU + MSE, with the update): every step built and read")

    def engine():
        t = bp.forward_backward(**SEED, lr=0.01)
        return [(s.formula_numbers, s.details) for s in lesson.steps(t)]

    t = alternate({"engine": engine}, repeats, 200)
    line = f"  engine {t['engine'] * 1e6:7.1f} us/call (no goal)"
    try:
        import torch
    except ImportError:
        print(line)
        return

    def autograd():
        X = torch.tensor(SEED["X"], dtype=torch.float64)
        w = torch.tensor(SEED["w"], dtype=torch.float64, requires_grad=True)
        b = torch.tensor(SEED["b"], dtype=torch.float64, requires_grad=True)
        loss = torch.mean((torch.relu(X @ w + b) - torch.tensor(SEED["y"], dtype=torch.float64)) ** 2)
        loss.backward()
        return w.grad, b.grad

    t = alternate({"engine": engine, "torch": autograd}, repeats, 200)
    print(f"  engine {t['engine'] * 1e6:7.1f} us/call   (for scale: torch autograd's gradient alone "
          f"{t['torch'] * 1e6:6.1f} us/call; no goal)")


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
    options = parser.parse_args()
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}; medians, the two sides measured alternately\n")
    bench_per_sample(repeats=15)
    print()
    bench_seed_trace(repeats=15)
    print()
    n, resolution = (20_000, 101) if options.quick else (100_000, 201)
    bench_surface(n, resolution, options.repeats)


if __name__ == "__main__":
    main()
