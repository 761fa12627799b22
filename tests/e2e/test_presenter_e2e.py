"""Presenter mode in a real browser: one step, its formula, its numbers and its graph on a 1280x720 screen,
in the light and the dark theme; the keyboard drives it; the Dockerfile's health check passes on the app."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from .app_helpers import step_label
from .browser import ARTIFACTS, REPO, new_page, open_app, rerun
from .oracle import SEED, fmt, relu_mse

SCREEN = {"width": 1280, "height": 720}

# Where everything is, in one pass: boxes of the lesson's parts, scroll sizes, type and colours.
LAYOUT_JS = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left,
                                                                    right: r.right, width: r.width}; };
  const main = document.querySelector('[data-testid="stMain"]');
  const shown = (sel) => [...main.querySelectorAll(sel)].filter((e) => e.offsetParent !== null
    && !e.closest('.st-key-step_graph') && !e.closest('.st-key-presenter_bar'));
  const explanation = shown('[data-testid="stMarkdown"] p').find((p) => p.textContent.startsWith('Multiply'));
  return {
    doc: document.documentElement.scrollHeight, viewport: innerHeight,
    main: main.scrollHeight, mainClient: main.clientHeight,
    heading: shown('h3').map(box), formulas: shown('.katex-display').map(box),
    tables: shown('[data-testid="stTable"]').map(box),
    graph: box(document.querySelector('.st-key-step_graph .stGraphVizChart svg')),
    cellFont: parseFloat(getComputedStyle(shown('[data-testid="stTable"] td')[0]).fontSize),
    textFont: parseFloat(getComputedStyle(explanation).fontSize), textColor: getComputedStyle(explanation).color,
    titleShown: shown('h1').length, sliderShown: shown('.st-key-step_slider').length,
  };
}"""


def graph_number(value: float) -> str:
    """A number as the graph prints it: the app's one format, 4 decimals (the oracle's fmt)."""
    return fmt(value)


def rgb(css: str) -> tuple[int, ...]:
    """A computed CSS colour, `rgb(r, g, b)` or `color(srgb r g b)`, as 0-255 channels."""
    numbers = [float(x) for x in re.findall(r"[\d.]+", css)[:3]]
    scale = 255 if css.startswith("color(") else 1
    return tuple(round(x * scale) for x in numbers)


def presenter_page(browser, app_url: str, scheme: str, step: int):
    page = new_page(browser, SCREEN)
    page.emulate_media(color_scheme=scheme)  # the app's default theme follows the system's
    open_app(page, f"{app_url}/step_by_step?step={step}")
    with rerun(page):
        page.get_by_test_id("stSidebar").get_by_text("Presenter mode", exact=True).click()
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    expect(page.locator(".st-key-step_graph .stGraphVizChart svg g.node")).to_have_count(7)
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_presenter_mode_shows_one_step_its_formula_numbers_and_graph_without_scrolling(browser, app_url, scheme):
    page = presenter_page(browser, app_url, scheme, step=6)
    try:
        ref = relu_mse(SEED["X"], SEED["y"], SEED["w"], SEED["b"])
        svg = page.locator(".st-key-step_graph .stGraphVizChart svg")
        current = svg.locator("g.node.current")
        expect(current).to_have_count(1)
        expect(current).to_have_id("node_z1")  # step 6 is δ = dL/dz: the z node, its gradient column lit
        node_text = current.locator("text").all_text_contents()
        for v in (*ref["z"], *ref["delta"]):
            assert graph_number(v) in node_text, (graph_number(v), node_text)
        expect(page.get_by_test_id("stMain").get_by_role("heading", name=re.compile(r"^6\. "))).to_be_visible()
        expect(page.get_by_test_id("stMainMenu")).to_be_hidden()  # toolbar hidden
        expect(page.get_by_role("button", name="Exit")).to_be_visible()

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"presenter-step-6-1280x720-{scheme}.png"
        page.screenshot(path=str(shot))  # the screen as the audience sees it: the 1280x720 viewport
        layout = page.evaluate(LAYOUT_JS)
        assert layout["doc"] <= layout["viewport"] and layout["main"] <= layout["mainClient"], layout
        parts = [*layout["heading"], *layout["formulas"], *layout["tables"]]
        assert len(layout["formulas"]) == 2 and len(layout["tables"]) == 1, layout
        assert all(p["top"] >= 0 and p["bottom"] <= SCREEN["height"] for p in parts), layout
        g = layout["graph"]
        assert g["top"] >= 0 and g["bottom"] <= SCREEN["height"] and g["right"] <= SCREEN["width"], layout
        assert g["width"] >= 350 and all(p["right"] <= g["left"] for p in parts), layout  # beside, not over
        assert layout["cellFont"] >= 18 and layout["textFont"] >= 19, layout  # large type (14-16 px normally)
        assert rgb(layout["textColor"]) == ((0, 0, 0) if scheme == "light" else (255, 255, 255)), layout
        assert layout["titleShown"] == 0 and layout["sliderShown"] == 0, layout  # nothing but the lesson
        assert shot.stat().st_size > 10_000
    finally:
        page.context.close()


def test_presenter_keys_and_buttons_step_play_and_pause_and_exit_brings_the_sidebar_back(browser, app_url):
    page = presenter_page(browser, app_url, "light", step=1)
    try:
        with rerun(page):
            page.get_by_role("button", name=re.compile("^Next")).click()  # the header must not cover the buttons
        expect(step_label(page)).to_have_text("Step 2 of 9")
        with rerun(page):
            page.get_by_role("button", name=re.compile("^Previous")).click()
        page.get_by_test_id("stMain").locator("h3").first.click()  # focus on the page, not in a widget
        with rerun(page):
            page.keyboard.press("ArrowRight")
        expect(step_label(page)).to_have_text("Step 2 of 9")
        with rerun(page):
            page.keyboard.press("p")  # play: a step every 4 seconds
        expect(page.get_by_role("button", name=re.compile("Pause"))).to_be_visible()
        expect(step_label(page)).to_have_text("Step 3 of 9", timeout=15_000)
        with rerun(page):
            page.keyboard.press("p")
        expect(page.get_by_role("button", name=re.compile("Play"))).to_be_visible()
        shown = int(re.search(r"Step (\d+)", step_label(page).inner_text()).group(1))
        assert shown in (3, 4)  # paused at once, or just after one more automatic step
        expect(page.locator(".st-key-step_graph svg g.node.current")).to_have_id({3: "node_L", 4: "node_a1"}[shown])
        with rerun(page):
            page.get_by_role("button", name="Exit").click()
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
        expect(page.get_by_test_id("stMainMenu")).to_be_visible()
    finally:
        page.context.close()


def test_the_dockerfile_health_check_passes_against_the_running_app(server):
    dockerfile = (REPO / "Dockerfile").read_text()
    check = re.search(r"^HEALTHCHECK .*?\\\n\s+CMD (\[.*\])$", dockerfile, flags=re.M)
    command = json.loads(check.group(1))
    run_cmd = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile.replace("\\\n", " "), flags=re.M).group(1))
    assert run_cmd[:3] == ["streamlit", "run", "app.py"] and "--server.address=0.0.0.0" in run_cmd
    assert "--server.port=8501" in run_cmd and "EXPOSE 8501" in dockerfile and command[0] == "python"
    probe = [sys.executable, *command[1:-1], command[-1].replace(":8501/", f":{server.port}/")]
    assert subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
    wrong_port = [sys.executable, *command[1:-1], command[-1].replace(":8501/", ":9/")]
    assert subprocess.run(wrong_port, capture_output=True, timeout=30).returncode != 0  # the check can fail
