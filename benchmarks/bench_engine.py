"""Engine benchmark: speed as ratios against baselines measured in the same run (never asserted in tests).

    python benchmarks/bench_engine.py            # the issue's cases (about a minute: the chunked surface is slow)
    python benchmarks/bench_engine.py --quick    # smaller surface, for a smoke run

1. `forward_backward` on the seed example, its steps included, against the same gradient by PyTorch autograd
   from the same Python lists (skipped with a message when torch is not installed). Goal: >= 2x faster.
   Two rows each: "steps, LaTeX on demand" is what the app gets per edit (the 9 step records with their
   values, labels and symbolic formulas; a step's substituted LaTeX is built when it is first read, and the
   app shows one step at a time); "steps + all LaTeX read" also reads every step's `formula_numbers` and
   `details`, the cost of an export of the whole pass.
2. `loss_surface` for ReLU + MSE, N = 100,000 samples on a 201 x 201 grid: the exact fast path against the
   chunked evaluation of every (sample, grid point) pair, and their largest difference relative to the
   surface's largest value. Goals: >= 40x faster, equal to 1e-9 relative.
Timings are medians over repeats; the two sides of a ratio are measured alternately, so that load from other
processes falls on both.
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


def torch_gradient(torch):
    """The seed's gradient by PyTorch autograd, from the same Python lists the engine gets."""
    def run(lr=None):
        X = torch.tensor(SEED["X"], dtype=torch.float64)
        y = torch.tensor(SEED["y"], dtype=torch.float64)
        w = torch.tensor(SEED["w"], dtype=torch.float64, requires_grad=True)
        b = torch.tensor(SEED["b"], dtype=torch.float64, requires_grad=True)
        loss = torch.mean((torch.relu(X @ w + b) - y) ** 2)
        loss.backward()
        if lr is None:
            return w.grad.numpy(), b.grad.item()
        with torch.no_grad():  # the update and its loss, as the engine's update step reports them
            new_w, new_b = w - lr * w.grad, b - lr * b.grad
            new_loss = torch.mean((torch.relu(X @ new_w + new_b) - y) ** 2)
        return new_w.numpy(), new_b.item(), new_loss.item()
    return run


def read_all_latex(trace: bp.Trace) -> bp.Trace:
    """Build every step's substituted LaTeX, as an export of the whole pass does."""
    for step in trace.steps:
        _ = step.formula_numbers, step.details  # reading them is what builds them
    return trace


def bench_forward_backward(repeats: int) -> None:
    print("forward_backward, seed example (3 x 2, ReLU + MSE), its 8 steps (9 with the update) included")
    cases = {
        "gradient         steps, LaTeX on demand": (lambda: bp.forward_backward(**SEED), None),
        "gradient         steps + all LaTeX read": (lambda: read_all_latex(bp.forward_backward(**SEED)), None),
        "gradient+update  steps, LaTeX on demand": (lambda: bp.forward_backward(**SEED, lr=0.01), 0.01),
        "gradient+update  steps + all LaTeX read": (lambda: read_all_latex(bp.forward_backward(**SEED, lr=0.01)),
                                                    0.01),
    }
    try:
        import torch
    except ImportError:
        print("  torch is not installed: the PyTorch rows are skipped (pip install torch to measure them)")
        for label, (engine, _) in cases.items():
            t = alternate({"engine": engine}, repeats, 300)
            print(f"  {label}  engine {t['engine'] * 1e6:7.1f} us/call")
        return
    torch.set_num_threads(1)
    run = torch_gradient(torch)
    grad_w, grad_b = run()
    trace = bp.forward_backward(**SEED)
    assert np.allclose(trace.grad_w, grad_w) and np.isclose(trace.grad_b, grad_b)
    for label, (engine, lr) in cases.items():
        baseline = run if lr is None else (lambda lr=lr: run(lr))
        t = alternate({"engine": engine, "torch": baseline}, repeats, 300)
        ratio = t["torch"] / t["engine"]
        print(f"  {label}  engine {t['engine'] * 1e6:6.1f} us/call   torch autograd {t['torch'] * 1e6:6.1f} us/call"
              f"   engine is {ratio:4.2f}x faster   (goal >= 2x: {'met' if ratio >= 2 else 'NOT met'})")


def bench_surface(n: int, resolution: int, repeats: int) -> None:
    print(f"loss_surface, ReLU + MSE, N = {n:,} samples, {resolution} x {resolution} grid over (w0, w1)")
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
    bench_forward_backward(repeats=25)
    print()
    n, resolution = (20_000, 101) if options.quick else (100_000, 201)
    bench_surface(n, resolution, options.repeats)


if __name__ == "__main__":
    main()
