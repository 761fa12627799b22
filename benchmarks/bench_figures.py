"""The loss landscape's figures: size of the animation, and time to build the page's figures.

1. Size: the animated landscape figure (200 steps, a 101 x 101 surface, SGD, momentum and Adam) serialized
   as the figure component gets it (the figure's JSON and its packed frames), against the figure without frames.
   Goal: <= 1.3x. The model view's size is printed too.
2. Time: building the page's two figures (landscape and model view) and serializing them, for the seed
   example and for N = 10,000 samples, against the engine work they draw (three trajectories and the
   surface) measured in the same run.

    python benchmarks/bench_figures.py [--repeats 5]

Prints figures and ratios; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import plotly.io as pio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import backprop as bp  # noqa: E402
from viz import figures  # noqa: E402

OPTIMIZERS = ("sgd", "momentum", "adam")
AXES = ("w0", "w1")


def example(n: int):
    """The seed example for n = 3, else n random samples (2 features) from a ReLU teacher."""
    if n == 3:
        return np.array([[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0]]), np.array([1.0, 0.0, 0.0]), [0.1, 0.2], 1.0
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    y = np.maximum(0.0, X @ np.array([1.5, -0.5]) + 0.3) + 0.1 * rng.normal(size=n)
    return X, y, [0.1, 0.2], 1.0


def engine(X, y, w, b, steps: int, resolution: int, lr: float = 0.1):
    runs = [bp.train(X, w, b, y, lr=lr, steps=steps, optimizer=o, params=AXES) for o in OPTIMIZERS]
    spans = bp.surface.fit_span(runs, AXES, w, 2.0, limit=10.0)
    return runs, bp.loss_surface(X, w, b, y, axes=AXES, span=spans, resolution=resolution)


def sent(animation: figures.Animation) -> int:
    """The bytes of an animation as the figure component gets it: the figure's JSON and its packed frames."""
    from ui.landscape_chart import pack_frames  # Streamlit's import: only where the size is measured

    return len(pio.to_json(animation.figure, validate=False)) + len(pack_frames(animation.frames))


def build(X, y, runs, surface, start_loss: float) -> int:
    """The page's figures, built and serialized; returns the bytes sent."""
    return sent(figures.landscape_figure(surface, runs, start_loss)) + sent(figures.model_figure(runs[0], X, y))


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def size_report() -> None:
    X, y, w, b = example(3)
    runs, surface = engine(X, y, w, b, steps=200, resolution=101)
    start = bp.forward_backward(X, w, b, y).loss
    land = figures.landscape_figure(surface, runs, start)
    animated, static, frames = sent(land), len(pio.to_json(land.figure, validate=False)), len(land.frames)
    model = figures.model_figure(runs[0], X, y)
    model_animated, model_static = sent(model), len(pio.to_json(model.figure, validate=False))
    print("Size of the landscape figure (200 steps, 101 x 101 surface, 3 optimizers), as sent to the browser:")
    print(f"  animated ({frames} frames): {animated / 1024:8.1f} KiB")
    print(f"  without frames:      {static / 1024:8.1f} KiB")
    print(f"  ratio:               {animated / static:8.2f}x   (goal <= 1.3x)")
    print(f"Model view (41 x 41 heatmap, one byte a cell, per frame, packed): {model_animated / 1024:.1f} KiB "
          f"animated, {model_static / 1024:.1f} KiB without frames ({model_animated / model_static:.1f}x); frames as "
          f"JSON: {len(json.dumps(model.frames)) / 1024:.1f} KiB")


def time_report(repeats: int) -> None:
    print("\nTime to build and serialize the page's two figures (200 steps, 101 x 101 surface, 3 optimizers):")
    print(f"  {'samples':>8} {'engine (baseline)':>18} {'figures':>9} {'ratio':>7} {'sent':>10}")
    for n in (3, 10_000):
        X, y, w, b = example(n)
        engine_best, _ = best(lambda X=X, y=y, w=w, b=b: engine(X, y, w, b, 200, 101), repeats)
        runs, surface = engine(X, y, w, b, 200, 101)
        start = bp.forward_backward(X, w, b, y).loss
        sent = build(X, y, runs, surface, start)
        fig_best, _ = best(lambda X=X, y=y, runs=runs, surface=surface, start=start:
                           build(X, y, runs, surface, start), repeats)
        print(f"  {n:>8,} {engine_best * 1000:>15.1f} ms {fig_best * 1000:>6.1f} ms {fig_best / engine_best:>6.2f}x "
              f"{sent / 1024:>7.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    size_report()
    time_report(args.repeats)


if __name__ == "__main__":
    main()
