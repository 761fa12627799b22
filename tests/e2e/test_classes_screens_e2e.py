"""Presenter mode at 1280x720, light and dark, on the 3-class link's widest steps: the softmax step's table (z,
e^(z−max), Σ and p) fits the screen's width without scrolling, and the softmax's Jacobian step keeps the current
columns of the a₂ node in the graph's view (the node is wider than the graph's area); on both the graph stays
beside the formula, the table under both, on one screen. Screenshots of both."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .app_helpers import press_stepper, step_label, stepper
from .browser import ARTIFACTS, new_page
from .test_classes_e2e import SCREEN, SOFTMAX_STEP, open_in_presenter_mode

JACOBIAN_STEP = 7  # z1, a1, z2, a2, the loss, dL/da2, then f'(z2): softmax's Jacobian


def _fits(page, selector: str) -> bool:
    return stepper(page).locator(selector).evaluate("e => e.scrollWidth <= e.clientWidth + 1")


def _graph_beside(page) -> None:
    """A wide table's step on one screen, as every step: the graph beside the formula, its current node in the
    graph's view, the table across under both, nothing below the screen's edge."""
    box = lambda part: stepper(page).locator(part).bounding_box()  # noqa: E731
    graph, area, formula, table = box(".graph"), box(".graph-area"), box(".formula"), box(".values-box")
    node = box(".node.current")
    assert graph["x"] >= formula["x"] + formula["width"] and graph["y"] < formula["y"] + formula["height"], graph
    assert table["y"] >= graph["y"] + graph["height"] - 1 and table["y"] + table["height"] <= SCREEN["height"], table
    assert node["y"] < area["y"] + area["height"] and node["y"] + node["height"] > area["y"], (node, area)
    assert page.get_by_test_id("stMain").evaluate("m => m.scrollHeight <= m.clientHeight")  # no scrolling


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_widest_steps_fit_a_lecture_screen(browser, app_url, scheme):
    page = new_page(browser, SCREEN)
    try:
        open_in_presenter_mode(page, app_url, SOFTMAX_STEP, scheme)
        table = stepper(page).locator("table.values")
        assert _fits(page, ".values-box"), "the softmax table scrolls: its p columns are out of sight"
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= SCREEN["width"]
        sizes = table.locator("td").evaluate_all("cs => cs.map(c => parseFloat(getComputedStyle(c).fontSize))")
        assert min(sizes) >= 18, sizes
        _graph_beside(page)
        expect(page.get_by_test_id("stToast")).to_have_count(0, timeout=20_000)  # "Opened a shared example" goes
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"presenter-softmax-table-1280x720-{scheme}.png"))
        for _ in range(JACOBIAN_STEP - SOFTMAX_STEP):
            press_stepper(page, "next")
        expect(step_label(page)).to_contain_text(f"Step {JACOBIAN_STEP} of")
        _graph_beside(page)
        area = stepper(page).locator(".graph-area")
        lit = stepper(page).locator(".node.current th.lit").first
        a, b = area.bounding_box(), lit.bounding_box()
        assert a["x"] <= b["x"] and b["x"] + b["width"] <= a["x"] + a["width"], (a, b)
        page.screenshot(path=str(ARTIFACTS / f"presenter-jacobian-step-1280x720-{scheme}.png"))
    finally:
        page.close()
