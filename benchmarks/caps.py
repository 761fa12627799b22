"""CPU seconds of one rerun in the worst cases of docs/caps.md, with the compute budget and without it.

    python benchmarks/caps.py            # with the budget (ui/budget.py)
    python benchmarks/caps.py --no-budget  # the same runs, the budget lifted (the old behaviour)

Each case opens a fresh session (AppTest, in this process) and reports the process's CPU time of its first run
of the loss-landscape page. Run it on a quiet machine: CPU time, unlike wall time, does not count waiting, but a
loaded machine still slows caches and frequency.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from streamlit.testing.v1 import AppTest  # noqa: E402

from ui import budget, share, widgets  # noqa: E402
from ui.model import network_model  # noqa: E402

ENTRY = str(ROOT / "tests" / "app_entry.py")


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def link_case() -> AppTest:
    """An 8 KB link: N = 1,800 rows of one-digit numbers, a 3×8 tanh network, resolution 201, 1,000 updates,
    three optimizers."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 10, size=(1800, 1))
    m_y = rng.integers(0, 10, size=1800)
    m = network_model(X, m_y, [(8, "tanh")] * 3, lr=0.01, activation="identity")
    m = m.with_params({k: np.round(np.asarray(v, float), 1) for k, v in m.network().init(seed=0).items()})
    params = share.encode(m, {"resolution": 201, "updates": 1000, "optimizers": ("sgd", "momentum", "adam")})
    query = share.query_string(params)
    assert len(query) <= share.MAX_LINK_CHARS, len(query)
    at = AppTest.from_file(ENTRY, default_timeout=600)
    at.query_params = {k: v[0] for k, v in parse_qs(query).items()}
    at.switch_page("../pages/landscape.py")
    return at


def csv_case() -> AppTest:
    """A 10,000-row table (as a CSV import leaves it) with a 3×8 tanh network, the landscape at its defaults."""
    rng = np.random.default_rng(0)
    X = np.round(rng.normal(size=(10_000, 2)), 2)
    m = network_model(X, np.round(rng.normal(size=10_000), 2), [(8, "tanh")] * 3, lr=0.01, activation="identity")
    at = AppTest.from_file(ENTRY, default_timeout=600)
    at.session_state["model"] = m
    at.session_state["share_restored"] = True
    at.switch_page("../pages/landscape.py")
    return at


def capacity_case() -> AppTest:
    """The same 10,000-row table on the overview, its capacity comparison's panel opened (the run measured is the
    opening's)."""
    at = csv_case()
    at.switch_page("../pages/overview.py")
    at.run()
    at.session_state[widgets.CAPACITY_OPEN] = True
    return at


def main() -> None:
    if "--no-budget" in sys.argv:
        budget.WORK_LIMIT = float("inf")
    for name, make in (("8 KB link, N=1800, 3x8 tanh, resolution 201, 1000 updates x 3", link_case),
                       ("10,000-row CSV, 3x8 tanh, landscape defaults", csv_case),
                       ("10,000-row CSV, 3x8 tanh, overview's capacity panel opened", capacity_case)):
        at = make()
        start = cpu()
        at.run()
        spent = cpu() - start
        said = [i.value[:60] + " … " + i.value[-200:] for i in at.info if "budget" in i.value]
        said += [c.value[-160:] for c in at.caption if "budget" in c.value]
        print(f"{name}: {spent:.2f} s CPU; exception: {bool(at.exception)}; budget note: {said[:1]}", flush=True)


if __name__ == "__main__":
    main()
