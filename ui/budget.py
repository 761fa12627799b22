"""The compute budget of one rerun: what one session may ask of a shared server in a single run of its page.

A rerun's heavy work is a loss over N samples through a network of P parameters, evaluated many times: at each
of the surface's resolution² grid points and at each update step of each optimizer (a step's backward pass costs
about one more evaluation). Its cost is `work = N × P × (resolution² + updates × optimizers)` units; measured
on this engine (docs/caps.md), NumPy does 0.5 to 2 × 10⁸ such units per CPU second (fewer for large N).
WORK_LIMIT keeps a rerun's landscape near 1 to 2 s of CPU whatever the input, down to the smallest grid (11²):
with 10,000 rows and a 3×8 network that grid alone is above it (docs/caps.md).
Above it, the resolution comes down first (the largest offered that fits), then the updates; the page says so.
Pure Python: no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

WORK_LIMIT = 1e8  # N × P × (grid points + update steps): about 1 to 2 s of CPU (docs/caps.md)


@dataclass(frozen=True)
class Fit:
    """The settings a rerun may run: `resolution`, `updates`, and why they were lowered (empty when they were not)."""

    resolution: int
    updates: int
    note: str = ""


def work(n: int, n_params: int, resolution: int, updates: int, optimizers: int) -> float:
    """The units of work of a landscape: N × P × (resolution² + updates × optimizers)."""
    return float(n) * n_params * (resolution**2 + updates * optimizers)


def landscape(n: int, n_params: int, resolution: int, updates: int, optimizers: int,
              resolutions: tuple[int, ...]) -> Fit:
    """The largest resolution among `resolutions` (at most the chosen one), then the most updates (at most the
    chosen number, at least 1), whose work stays within WORK_LIMIT; with a sentence saying what was lowered."""
    if work(n, n_params, resolution, updates, optimizers) <= WORK_LIMIT:
        return Fit(resolution, updates)
    per_point = float(n) * n_params
    fitting = [r for r in resolutions if r <= resolution and per_point * (r**2 + updates * optimizers) <= WORK_LIMIT]
    res = max(fitting) if fitting else min(resolutions)
    steps = updates
    if not fitting:
        room = WORK_LIMIT / per_point - res**2
        steps = max(1, min(updates, int(room // max(optimizers, 1))))
    lowered = [f"the resolution to {res} points per axis"] if res != resolution else []
    lowered += [f"the update steps to {steps:,}"] if steps != updates else []
    note = (f"To keep each run within the server's budget of {WORK_LIMIT:.0e} units (samples × parameters × "
            f"(grid points + update steps), about 1 to 2 s of CPU), this run lowered {' and '.join(lowered)}: "
            f"{n:,} samples × {n_params:,} parameters × ({resolution}² + {updates:,} × {optimizers}) would be "
            f"{work(n, n_params, resolution, updates, optimizers):.1e}. Fewer samples or a smaller network allow more.")
    return Fit(res, steps, note)
