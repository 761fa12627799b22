"""The training page in Chromium: Play trains the 3-class spiral in the browser (no rerun per frame) to a high
accuracy with the class-coloured map, whose colours are viz/decision.py's for the engine's network; batch size 1
gives a noisier curve than full batch; a split draws the test loss; the compare view shows both runs; presenter
screenshots of the K-class map and the confusion matrices."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import expect

from ui import share, training_chart
from ui.model import PRESETS
from viz import decision

from .browser import ARTIFACTS, new_page, open_app

SLOW_MS = 120_000
SCREEN = {"width": 1280, "height": 720}
PRESET = "spiral"  # 3 classes, 30 points
SETTINGS = "&opt=adam&epochs=100"


def _link(app_url: str, settings: str, preset: str = PRESET) -> str:
    query = share.query_string(share.encode(PRESETS[preset][1]))
    return f"{app_url}/training?{query}{settings}"


def _open(page, url: str):
    open_app(page, url, timeout=SLOW_MS)
    root = page.locator(".bpx-training")
    expect(root).to_have_attribute("data-draws", "1", timeout=SLOW_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    return root


def _runs_started(page) -> int:
    return page.evaluate("() => window.__stRuns ? window.__stRuns.started : 0")


def _engine_map() -> tuple[np.ndarray, float]:
    """The decision map's colours on white, for the network the page trains, computed here by the engine."""
    net, X, y, params = PRESETS[PRESET][1].engine()
    run = net.train(X, y, params, lr=float(PRESETS[PRESET][1].lr), optimizer="adam", epochs=100)
    (a0, a1), (b0, b1) = training_chart._plane(np.asarray(X))
    n = training_chart.GRID
    x0 = a0 + (np.arange(n) + 0.5) / n * (a1 - a0)
    x1 = b1 - (np.arange(n) + 0.5) / n * (b1 - b0)
    grid = np.array([[u, v] for v in x1 for u in x0])
    a = net.predict(grid, run.at(run.n_steps))
    return decision.map_rgb(decision.class_probabilities(a, net.classifies), "#ffffff"), run.train_accuracy[-1]


def test_play_trains_in_the_browser_to_a_high_accuracy_with_the_class_map(page, app_url):
    root = _open(page, _link(app_url, SETTINGS))
    frames = int(root.get_attribute("data-frames"))
    assert frames == 101
    runs = _runs_started(page)
    root.locator(".bpx-reset").click()
    expect(root).to_have_attribute("data-frame", "0")
    root.locator(".bpx-speed-choice").select_option("30")
    root.locator(".bpx-play").click()
    expect(root.locator(".bpx-count")).to_have_text("epoch 100 of 100 (step 100)", timeout=SLOW_MS)
    assert _runs_started(page) == runs  # every frame drawn in the browser
    accuracy = root.locator(".bpx-accuracy").inner_text()
    shown = float(accuracy.split("train ")[1].split("%")[0])
    expected, engine_accuracy = _engine_map()
    assert shown >= 95 and shown == pytest.approx(100 * engine_accuracy, abs=0.05), accuracy
    grid = np.array(root.locator("canvas.bpx-map").evaluate("c => c.__bpxGrid"))
    assert grid.shape == expected.shape
    assert np.abs(grid - expected).max() <= 1  # the browser's forward pass and colours are the engine's and ours
    assert len({tuple(c) for c in grid}) > 50  # the map is shaded, not flat
    cm = root.locator(".bpx-cm-train td").all_inner_texts()
    assert sum(int(v) for v in cm) == 30 and len(cm) == 9  # 3 x 3
    page.screenshot(path=str(ARTIFACTS / "training-trained.png"), full_page=True)


def _sign_changes(values) -> float:
    """The share of consecutive step-to-step differences whose sign flips."""
    d = np.diff(np.asarray([v for v in values if v is not None], dtype=float))
    d = d[d != 0]
    return float(np.mean(np.sign(d[1:]) != np.sign(d[:-1]))) if len(d) > 1 else 0.0


def test_batch_one_is_noisier_than_full_batch_side_by_side_with_the_test_loss(page, app_url):
    root = _open(page, _link(app_url, "&opt=sgd&batch=1&epochs=20&test=0.25&compare=1&b_opt=sgd&b_batch=0&b_lr=0.1",
                             preset="moons"))
    traces = root.locator(".bpx-curve").evaluate(
        "d => d.data.map(t => ({name: t.name, meta: t.meta, y: Array.from(t.y)}))")
    by = {t["name"]: t for t in traces}
    noisy = by["first: batch loss (each step)"]["y"]
    smooth = by["second: train loss"]["y"]
    assert len(noisy) == 20 * 45 and len(smooth) == 21
    assert _sign_changes(noisy) > 0.3 > _sign_changes(smooth), (_sign_changes(noisy), _sign_changes(smooth))
    assert "second: batch loss (each step)" not in by  # full batch: each step's batch is the whole training set
    for who in ("first", "second"):
        test = by[f"{who}: test loss"]
        assert len(test["y"]) == 21 and all(v is not None for v in test["y"])
    index = [t["name"] for t in traces].index("first: test loss")
    hover = root.locator(".bpx-curve").evaluate(
        "(d, i) => { Plotly.Fx.hover(d, [{curveNumber: i, pointNumber: 20}]);"
        " return d.querySelector('.hoverlayer').textContent; }", index)
    last = f"{by['first: test loss']['y'][20]:.4f}"
    assert "epoch 20, step 900" in hover and "train loss" in hover and f"test loss {last}" in hover, hover
    assert "accuracy" in hover and "%" in hover, hover
    panels = root.locator(".bpx-run")
    expect(panels).to_have_count(2)
    expect(panels.nth(0).locator("h4")).to_contain_text("First run: SGD, η = 0.1, batch 1")
    expect(panels.nth(1).locator("h4")).to_contain_text("Second run: SGD, η = 0.1, full batch")
    boxes = [panels.nth(i).locator("canvas.bpx-map").bounding_box() for i in range(2)]
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] and abs(boxes[0]["y"] - boxes[1]["y"]) < 2  # beside
    for i in range(2):
        expect(panels.nth(i).locator(".bpx-cm-test td")).to_have_count(4)
    root.locator(".bpx-unit").first.click()  # a unit's map enlarges
    expect(root.locator(".bpx-zoom canvas")).to_be_visible()
    root.locator(".bpx-step").click()  # One step: the next frame, no rerun
    page.screenshot(path=str(ARTIFACTS / "training-compare.png"), full_page=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_presenter_screens_of_the_class_map_and_the_confusion_matrix(browser, app_url, scheme):
    page = new_page(browser, SCREEN)
    try:
        page.emulate_media(color_scheme=scheme)
        root = _open(page, _link(app_url, SETTINGS + "&test=0.2&presenter=1"))
        root.locator(".bpx-curve").scroll_into_view_if_needed()
        expect(root.locator("canvas.bpx-map")).to_be_visible()
        sizes = root.evaluate("r => ['.bpx-count', '.bpx-accuracy', '.bpx-confusion td', '.bpx-legend', '.bpx-axis']"
                              ".map(s => parseFloat(getComputedStyle(r.querySelector(s)).fontSize))")
        assert min(sizes) >= 18, sizes
        root.locator("canvas.bpx-map").evaluate("c => c.scrollIntoView({block: 'start'})")
        bar = page.locator(".st-key-presenter_bar").bounding_box()
        for part in ("canvas.bpx-map", ".bpx-units-title"):  # scrolled to, they stop below the Keys/Exit bar
            assert root.locator(part).bounding_box()["y"] >= bar["y"] + bar["height"], part
        page.screenshot(path=str(ARTIFACTS / f"training-presenter-1280x720-{scheme}.png"))
    finally:
        page.context.close()
