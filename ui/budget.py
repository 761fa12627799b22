"""The compute budget of one rerun: what one session may ask of a shared server in a single run of its page.

A rerun's heavy work is a loss over N samples through a network of P parameters, evaluated many times: at each
of the surface's resolution² grid points and at each update step of each optimizer (a step's backward pass costs
about one more evaluation). Its cost is `work = N × P × (resolution² + updates × optimizers)` units; measured
on this engine (docs/caps.md), NumPy does 0.5 to 2 × 10⁸ such units per CPU second (fewer for large N).
WORK_LIMIT keeps a rerun's landscape near 1 to 2 s of CPU whatever the input. Above it the levers come in this
order, and the page says which it used: the resolution comes down (the largest offered that fits, down to
FLOOR_RESOLUTION), then the updates (down to FLOOR_UPDATES), and then the surface and the paths are computed on a
seeded sample of the rows, as many as fit at those floors. The same limit holds the overview's capacity
comparison (`capacity`: a fixed number of steps, on a sample of the rows when N is large).
No Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .model import Model

WORK_LIMIT = 1e8  # N × P × (grid points + update steps): about 1 to 2 s of CPU (docs/caps.md)
FLOOR_RESOLUTION = 21  # lowering the grid stops here (or at the chosen one); then the updates, then the rows
FLOOR_UPDATES = 50
SAMPLE_SEED = 0  # the row sample is the same on every run of the same data


@dataclass(frozen=True)
class Fit:
    """The settings a rerun may run: `resolution`, `updates`, how many of the rows (`rows`, a seeded sample when
    fewer than N), and why they were lowered (empty when they were not)."""

    resolution: int
    updates: int
    rows: int
    note: str = ""


def work(n: int, n_params: int, resolution: int, updates: int, optimizers: int) -> float:
    """The units of work of a landscape: N × P × (resolution² + updates × optimizers)."""
    return float(n) * n_params * (resolution**2 + updates * optimizers)


def landscape(n: int, n_params: int, resolution: int, updates: int, optimizers: int,
              resolutions: tuple[int, ...]) -> Fit:
    """The chosen settings when they fit WORK_LIMIT; else the largest resolution among `resolutions` (from the
    chosen one down to FLOOR_RESOLUTION) that fits, else at that floor the most updates (down to FLOOR_UPDATES),
    else at both floors the most rows; with a sentence saying what was lowered."""
    if work(n, n_params, resolution, updates, optimizers) <= WORK_LIMIT:
        return Fit(resolution, updates, n)
    floor = max([r for r in resolutions if r <= min(resolution, FLOOR_RESOLUTION)] or [min(resolutions)])
    fitting = [r for r in resolutions if floor <= r <= resolution and work(n, n_params, r, updates, optimizers)
               <= WORK_LIMIT]
    res, steps, rows = (max(fitting) if fitting else floor), updates, n
    if not fitting:
        least = min(updates, FLOOR_UPDATES)
        room = WORK_LIMIT / (float(n) * n_params) - res**2
        steps = max(least, min(updates, int(room // max(optimizers, 1))))
        if work(n, n_params, res, steps, optimizers) > WORK_LIMIT:
            rows = max(1, int(WORK_LIMIT // (n_params * (res**2 + steps * optimizers))))
    lowered = [f"the resolution to {res} points per axis"] if res != resolution else []
    lowered += [f"the update steps to {steps:,}"] if steps != updates else []
    sample = (f"; the surface and the paths are computed on a random sample of {rows:,} of the {n:,} samples "
              f"(the same sample on every run), so their losses are that sample's" if rows < n else "")
    note = (f"To keep each run within the server's budget of {WORK_LIMIT:.0e} units (samples × parameters × "
            f"(grid points + update steps), about 1 to 2 s of CPU), this run lowered {' and '.join(lowered)}{sample}: "
            f"{n:,} samples × {n_params:,} parameters × ({resolution}² + {updates:,} × {optimizers}) would be "
            f"{work(n, n_params, resolution, updates, optimizers):.1e}. Fewer samples or a smaller network allow more.")
    return Fit(res, steps, rows, note)


def capacity_rows(n: int, n_params: int, steps: int) -> int:
    """How many of the n rows `steps` training updates of models with n_params parameters in all may use."""
    return int(min(n, max(1, WORK_LIMIT // (float(n_params) * steps))))


def sampled(m: Model, rows: int | None) -> Model:
    """The model on a seeded random sample of `rows` of its rows (the same rows on every run), or itself."""
    if rows is None or rows >= len(m.X):
        return m
    keep = np.sort(np.random.default_rng(SAMPLE_SEED).choice(len(m.X), rows, replace=False))
    return replace(m, X=tuple(m.X[i] for i in keep), y=tuple(m.y[i] for i in keep))
