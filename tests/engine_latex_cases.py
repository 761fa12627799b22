"""The inputs of the steps' LaTeX reference fixture (tests/data/engine_steps_reference.json.gz).

The fixture holds every string of every step of `forward_backward` for ~240 small random problems across
activations, losses, precisions and with/without a learning rate, as the eager implementation of commit
6ee394e rendered them. tests/test_engine_latex.py checks that today's (lazy) steps render the same strings.
Regenerating the fixture (`python tests/engine_latex_cases.py`) only makes sense when the strings are meant
to change.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

FIXTURE = Path(__file__).resolve().parent / "data" / "engine_steps_reference.json.gz"
ACTIVATIONS = ["relu", "leaky_relu", "sigmoid", "tanh", "identity"]
LOSSES = ["mse", "bce"]


def _values(rng: np.random.Generator, shape: tuple[int, ...], style: str) -> np.ndarray:
    if style == "round":  # short decimals, exact zeros: kinks, -0, trailing zeros
        return rng.integers(-20, 21, size=shape) / 10.0
    if style == "wide":  # e-form numbers at both ends, and everything between
        return rng.choice([-1.0, 1.0], size=shape) * 10.0 ** rng.uniform(-9, 4, size=shape)
    return rng.normal(scale=2.0, size=shape)


def cases(count: int = 240) -> list[dict]:
    """`count` reproducible problems: N in 1..7 and d in 1..7 (both sides of latex.SMALL = 6), N = 40 too."""
    rng = np.random.default_rng(20261127)
    out = []
    for k in range(count):
        activation, loss = ACTIVATIONS[k % 5], LOSSES[(k // 5) % 2]
        n = 40 if k % 23 == 0 else int(rng.integers(1, 8))
        d = int(rng.integers(1, 8))
        style = ["round", "wide", "normal"][k % 3]
        X, w = _values(rng, (n, d), style), _values(rng, (d,), style)
        b = float(_values(rng, (), style))
        y = rng.uniform(0, 1, size=n) if loss == "bce" else _values(rng, (n,), style)
        if loss == "bce" and style == "round":
            y = np.round(y)
        lr = None if k % 4 == 0 else float([0.01, 0.1, 0.5, 1e-5, 3.0][k % 5])
        precision = int([4, 0, 2, 6, 10, 1, 3][k % 7])
        out.append(dict(X=X.tolist(), w=w.tolist(), b=b, y=y.tolist(), activation=activation, loss=loss,
                        lr=lr, precision=precision))
    return out


def render(steps) -> list[dict]:
    """Every string field of every step, read in the order given."""
    return [dict(key=s.key, title=s.title, phase=s.phase, formula=s.formula, formula_numbers=s.formula_numbers,
                 explanation=s.explanation, details=list(s.details), row_labels=list(s.row_labels),
                 col_labels=list(s.col_labels), marked=list(s.marked)) for s in steps]


def main() -> None:
    import sys

    sys.path.insert(0, str(FIXTURE.parents[2]))
    import backprop as bp

    records = [dict(case=c, steps=render(bp.forward_backward(**c).steps)) for c in cases()]
    FIXTURE.parent.mkdir(exist_ok=True)
    with gzip.open(FIXTURE, "wt", encoding="utf-8") as f:
        json.dump(records, f)
    print(f"{len(records)} cases written to {FIXTURE}")


if __name__ == "__main__":
    main()
