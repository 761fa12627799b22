"""Faults found by trying hostile and extreme input (issue 24, §0): each a regression test that failed on the
old code, through the page path a student takes (AppTest)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from conftest import ENTRY
from streamlit.testing.v1 import AppTest

from ui import share
from ui.model import PRESETS

XOR = ("X=0,0;0,1;1,0;1,1&y=0,1,1,0&hidden=2:tanh&W1=0.5,-0.4;0.3,0.8&b1=0.1,-0.2&W2=0.7;-0.6&b2=0.05&lr=0.1"
       "&activation=identity&loss=mse")


def open_link(query: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if page:
        at.switch_page(f"../pages/{page}.py")
    return at.run()


def test_a_networks_landscape_link_reopens_the_network():
    """The landscape's default axes of a network, W1[0,0] and W1[0,1], hold commas: the link must keep them."""
    params = share.encode(PRESETS["xor"][1], {"axes": ("W1[0,0]", "W1[0,1]")})
    back = share.decode(parse_qs(share.query_string(params)))
    assert back.session["axes"] == ("W1[0,0]", "W1[0,1]") and back.model == PRESETS["xor"][1]


def test_a_network_link_with_one_neurons_axes_gives_a_message_not_a_traceback():
    at = open_link("hidden=2:tanh&axes=w0,b")
    assert not at.exception
    assert any("could not be opened" in e.value and "W1 is missing" in e.value for e in at.error)
    assert at.metric, "the page works: the default example's numbers are shown"


@pytest.mark.parametrize("step", ["²", "①", "٣", "+3x"])
def test_a_step_that_is_no_number_gives_a_message_and_the_first_step(step):
    at = open_link(f"step={step}", page="step_by_step")
    assert not at.exception
    assert any("showing step 1" in w.value for w in at.warning)
    assert at.session_state["step"] == 1 and at.query_params["step"] == "1"


def test_bce_on_a_relu_output_with_hidden_layers_is_said_once():
    at = open_link(XOR.replace("activation=identity&loss=mse", "activation=relu&loss=bce"))
    said = "\n".join(e.value for e in at.error)
    assert not at.exception and said.count("Binary cross-entropy needs the sigmoid") == 1


# ---- a cap on one rerun's compute (ui/budget.py) -----------------------------------------------------------------

@pytest.mark.parametrize("n, n_params, resolution, updates, optimizers", [
    (1800, 177, 201, 1000, 3),  # the 8 KB link of issue 24: N = 1,800, a 3×8 tanh network, every setting at its top
    (1800, 177, 201, 1000, 4),
    (300, 177, 151, 1000, 3),
    (3, 3, 201, 1000, 4),  # small: nothing is lowered
    (10_000, 177, 51, 100, 3),  # a 10,000-row CSV, 3×8 tanh, the landscape's defaults: a sample of the rows
    (10_000, 700, 11, 1, 1),  # the widest network on the most rows, the least work offered
])
def test_the_landscapes_work_stays_within_the_budget_and_says_so(n, n_params, resolution, updates, optimizers):
    from ui import budget, landscape

    fit = budget.landscape(n, n_params, resolution, updates, optimizers, landscape.RESOLUTIONS)
    assert budget.work(fit.rows, n_params, fit.resolution, fit.updates, optimizers) <= budget.WORK_LIMIT
    lowered = (fit.resolution, fit.updates, fit.rows) != (resolution, updates, n)
    assert bool(fit.note) == lowered and fit.resolution in landscape.RESOLUTIONS and fit.updates >= 1
    assert 1 <= fit.rows <= n and (fit.rows == n or f"sample of {fit.rows:,} of the {n:,}" in fit.note)
    if lowered:
        assert "budget" in fit.note and f"{budget.WORK_LIMIT:.0e}" in fit.note


def test_a_heavy_link_runs_the_landscape_lowered_and_the_page_says_so(monkeypatch):
    """The engine's work is counted, not timed (robust under load): every surface and training run of the
    page stays within the budget."""
    import backprop as bp
    from ui import budget

    counted = []
    surface, train = bp.Network.loss_surface, bp.Network.train

    def count_surface(self, X, y, params, axes, span=2.0, resolution=51, **kw):
        counted.append(len(X) * len(self.param_names()) * resolution**2)
        return surface(self, X, y, params, axes, span, resolution, **kw)

    def count_train(self, X, y, params, lr, **kw):
        counted.append(len(X) * len(self.param_names()) * kw.get("steps", 0))
        return train(self, X, y, params, lr, **kw)

    monkeypatch.setattr(bp.Network, "loss_surface", count_surface)
    monkeypatch.setattr(bp.Network, "train", count_train)
    X = ";".join(str(i % 10) for i in range(600))
    y = ",".join(str(i % 7) for i in range(600))
    model = PRESETS["sine"][1]
    W = {k: v for k, v in share.encode(model).items() if k[0] in "Wb" and k[1:].isdigit()}
    query = share.query_string({"X": X, "y": y, "hidden": "8:tanh", **W, "lr": "0.01", "activation": "identity",
                                "resolution": "201", "updates": "1000"})
    at = open_link(query, page="landscape")
    assert not at.exception and not at.error
    assert any("budget" in i.value for i in at.info)
    assert counted and sum(counted) <= budget.WORK_LIMIT
    # The widgets show what ran (600 × 25 × (51² + 1,000 × 3) fits; 81² would not), not the link's 201.
    assert at.select_slider(key="landscape_resolution").value == 51
    assert at.slider(key="landscape_steps").value == 1000


def _counting_rows(monkeypatch) -> list[tuple[str, int]]:
    """(call, rows) of every surface and training call the engine makes from now on."""
    import backprop as bp

    seen = []
    surface, train = bp.Network.loss_surface, bp.Network.train

    def count_surface(self, X, *a, **kw):
        seen.append(("surface", len(X)))
        return surface(self, X, *a, **kw)

    def count_train(self, X, *a, **kw):
        seen.append(("train", len(X)))
        return train(self, X, *a, **kw)

    monkeypatch.setattr(bp.Network, "loss_surface", count_surface)
    monkeypatch.setattr(bp.Network, "train", count_train)
    return seen


def _rows_link(n: int) -> str:
    X = ";".join(f"{i % 10},{i % 3}" for i in range(n))
    y = ",".join(str(i % 2) for i in range(n))
    return f"X={X}&y={y}&hidden=2:tanh&W1=0.5,-0.4;0.3,0.8&b1=0.1,-0.2&W2=0.7;-0.6&b2=0.05&lr=0.1&activation=identity"


def test_when_even_the_floors_do_not_fit_the_landscape_runs_on_a_seeded_sample_of_rows_and_says_so(monkeypatch):
    """The last lever: at the floor resolution and updates, the surface and the paths use a sample of the rows
    (the limit is lowered here so that a small table needs it, as 10,000 rows do at the real limit)."""
    from ui import budget

    monkeypatch.setattr(budget, "WORK_LIMIT", 2e5)
    seen = _counting_rows(monkeypatch)
    at = open_link(_rows_link(200), page="landscape")
    fit = budget.landscape(200, 9, 51, 100, 3, (11, 21, 31, 41, 51, 61, 81, 101, 151, 201))
    assert (fit.resolution, fit.updates) == (budget.FLOOR_RESOLUTION, budget.FLOOR_UPDATES) and fit.rows < 200
    assert not at.exception and not at.error
    assert seen and {rows for _, rows in seen} == {fit.rows}
    assert any(f"random sample of {fit.rows:,} of the 200 samples" in i.value for i in at.info)
    assert at.select_slider(key="landscape_resolution").value == budget.FLOOR_RESOLUTION
    assert any(f"on the sample of {fit.rows:,}" in md.value for md in at.markdown)
    again = _counting_rows(monkeypatch)
    at.run()  # the same sample on every run: cached, nothing recomputed
    assert again == []


def test_the_capacity_comparison_trains_on_a_sample_when_the_budget_asks_and_says_so(monkeypatch):
    from ui import budget, state, widgets

    monkeypatch.setattr(budget, "WORK_LIMIT", 1e6)
    seen = _counting_rows(monkeypatch)
    at = open_link(_rows_link(600))
    assert not seen  # the panel is closed: nothing trains
    at.session_state[widgets.CAPACITY_OPEN] = True  # opened, as a click does
    at.run()
    rows = budget.capacity_rows(600, 9 + 3, state.CAPACITY_STEPS)
    assert not at.exception and rows < 600
    assert seen and {n for _, n in seen} == {rows}
    assert any(f"random sample of {rows:,} of the 600 samples" in c.value for c in at.caption)


def test_the_step_page_shows_a_saturated_bce_samples_fused_delta_and_why_dl_da_overflows():
    """One sigmoid neuron with BCE, X = [[800], [1]], y = [0, 1], w = [1], b = 0, from a link: the step page says
    why dL/da is infinite, shows δ, and calls no sample with δ ≠ 0 inactive."""
    from conftest import stepper_data

    at = open_link("X=800;1&y=0,1&w=1&b=0&activation=sigmoid&loss=bce", page="step_by_step")
    assert not at.exception and not at.error
    steps = stepper_data(at)["steps"]
    overflow = [s for s in steps if "infinite" in s["explanation"]]
    assert overflow and "δ does not divide" in overflow[0]["explanation"]
    assert not any("inactive" in s["explanation"].lower() and "Sample 0" in s["explanation"] for s in steps)


def test_a_huge_learning_rate_is_named_by_its_own_limit_in_a_link_and_in_the_sidebar():
    from ui import widgets

    link = open_link("lr=1e300")
    said = "\n".join(e.value for e in link.error).replace("\\", "")  # the page escapes Markdown
    assert not link.exception and "learning rate: 1e+300 is too large; the limit is 1e+06" in said
    assert "±1e+09" not in said, "not the cells' limit"
    at = open_link("")
    at.text_input(key=widgets.SETTINGS["lr"]).input("1e300").run()
    said = "\n".join(e.value for e in at.error).replace("\\", "")
    assert not at.exception and "the limit is 1e+06" in said and "±1e+09" not in said
