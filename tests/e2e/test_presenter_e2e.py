"""Presenter mode in a real browser: one step, its formula, its numbers and its graph on a 1280x720 screen,
in the light and the dark theme; the keyboard drives it; its zoomed data editors take clicks, typing, a new
row, scrolling and a column's resize on the cell under the pointer; the Dockerfile's health check passes on
the app."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from .app_helpers import metric, press_stepper, step_label, stepper
from .browser import ARTIFACTS, REPO, ROW_PX, editor, grid_zoom, new_page, open_app, point_at, rerun, runs_started
from .oracle import SEED, fmt, relu_mse

SCREEN = {"width": 1280, "height": 720}

# Where everything is, in one pass: boxes of the lesson's parts inside the stepper's shadow root, scroll
# sizes, type and colours.
LAYOUT_JS = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left,
                                                                    right: r.right, width: r.width}; };
  const main = document.querySelector('[data-testid="stMain"]');
  const host = [...main.querySelectorAll('*')].find((e) => e.shadowRoot && e.shadowRoot.querySelector('.stepper'));
  const root = host.shadowRoot.querySelector('.stepper');
  const shown = (sel) => [...root.querySelectorAll(sel)].filter((e) => e.getClientRects().length > 0);
  const font = (e) => parseFloat(getComputedStyle(e).fontSize);
  return {
    doc: document.documentElement.scrollHeight, viewport: innerHeight,
    main: main.scrollHeight, mainClient: main.clientHeight,
    heading: shown('.title').map(box), formulas: shown('.lesson .formula, .lesson .numbers').map(box),
    tables: shown('table.values').map(box), graph: box(root.querySelector('.graph')),
    nodes: shown('.node').map(box),
    cellFont: font(shown('table.values td')[0]), textFont: font(root.querySelector('.why')),
    textColor: getComputedStyle(root.querySelector('.why')).color,
    graphFonts: shown('.node td, .node th, .node-title').map(font),
    titleShown: [...main.querySelectorAll('h1')].filter((e) => e.offsetParent !== null).length,
    mapShown: shown('.map').length,
  };
}"""


def graph_number(value: float) -> str:
    """A number as the graph prints it: 4 decimals, trailing zeros dropped."""
    return f"{float(value) + 0.0:.4f}".rstrip("0").rstrip(".")


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
    expect(stepper(page).locator(".node")).to_have_count(7)
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_presenter_mode_shows_one_step_its_formula_numbers_and_graph_without_scrolling(browser, app_url, scheme):
    page = presenter_page(browser, app_url, scheme, step=6)
    try:
        ref = relu_mse(SEED["X"], SEED["y"], SEED["w"], SEED["b"])
        current = stepper(page).locator(".node.current")
        expect(current).to_have_count(1)
        expect(current).to_have_attribute("data-node", "z1")  # step 6 is δ = dL/dz: the z node, its δ column lit
        node_text = current.inner_text()
        for v in (*ref["z"], *ref["delta"]):
            assert f"{v:.4f}" in node_text, (v, node_text)
        expect(step_label(page)).to_have_text("Step 6 of 9")
        expect(page.get_by_test_id("stToolbarActions")).to_be_hidden()  # toolbar hidden
        expect(page.get_by_test_id("stMainMenu")).to_be_visible()  # its Settings switch the theme
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
        assert all(n["top"] >= 0 and n["bottom"] <= SCREEN["height"] and n["right"] <= SCREEN["width"]
                   for n in layout["nodes"]), layout  # the whole graph on screen
        assert g["width"] >= 450 and all(p["right"] <= g["left"] for p in parts), layout  # beside, not over
        assert min(layout["graphFonts"]) >= 18, layout  # the graph reads on a projector
        assert layout["cellFont"] >= 18 and layout["textFont"] >= 19, layout  # large type (14-16 px normally)
        assert rgb(layout["textColor"]) == ((0, 0, 0) if scheme == "light" else (255, 255, 255)), layout
        assert layout["titleShown"] == 0 and layout["mapShown"] == 0, layout  # nothing but the lesson
        assert shot.stat().st_size > 10_000
    finally:
        page.context.close()


def test_keys_work_straight_after_turning_presenter_mode_on_and_exit_brings_the_sidebar_back(browser, app_url):
    page = presenter_page(browser, app_url, "light", step=1)
    try:
        before = runs_started(page)
        page.keyboard.press("ArrowRight")  # no click first: turning the mode on gave the stepper the focus
        expect(step_label(page)).to_have_text("Step 2 of 9")
        page.keyboard.press("End")
        expect(step_label(page)).to_have_text("Step 9 of 9")
        page.keyboard.press("Home")
        expect(step_label(page)).to_have_text("Step 1 of 9")
        page.keyboard.press(" ")  # Space no longer reaches the hidden toggle
        expect(page.get_by_role("button", name="Exit")).to_be_visible()
        assert runs_started(page) == before  # stepping: no script run
        page.get_by_test_id("stMain").click(position={"x": 20, "y": 700})  # the page's background
        page.keyboard.press("ArrowRight")  # with nothing focused, presenter mode still hears the keys
        expect(step_label(page)).to_have_text("Step 2 of 9")
        press_stepper(page, "next")  # the header must not cover the buttons
        expect(step_label(page)).to_have_text("Step 3 of 9")
        page.keyboard.press("p")
        expect(stepper(page).locator("button.play")).to_have_text(re.compile("Pause"))
        page.keyboard.press("p")
        expect(stepper(page).locator("button.play")).to_have_text(re.compile("Play"))
        expect(page).to_have_url(re.compile(r"[?&]step=[34](&|$)"))  # settled into the URL
        with rerun(page):
            page.get_by_role("button", name="Exit").click()
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
        expect(page.get_by_test_id("stMainMenu")).to_be_visible()
    finally:
        page.context.close()


def _column_borders(page, canvas, y: float) -> list[float]:
    """Where the grid's vertical lines are drawn across height Y, as the screen shows them: the x of each thin run
    of pixels unlike the row's background, in one row of a screenshot (the row markers' filled column, a wide
    run, is left out)."""
    box = canvas.bounding_box()
    shot = page.screenshot(clip={"x": box["x"], "y": y, "width": box["width"], "height": 1})
    line = Image.open(BytesIO(shot)).convert("RGB").tobytes()
    pixels = [tuple(line[i:i + 3]) for i in range(0, len(line), 3)]
    background = Counter(pixels).most_common(1)[0][0]
    off = [sum(abs(a - b) for a, b in zip(p, background, strict=True)) > 12 for p in pixels]
    runs, start = [], None
    for i, o in enumerate([*off, False]):
        if o and start is None:
            start = i
        elif not o and start is not None:
            runs.append((start, i))
            start = None
    return [box["x"] + (a + b) / 2 for a, b in runs if b - a <= 3]


def test_a_zoomed_grid_edits_adds_scrolls_and_resizes_the_cell_under_the_pointer(browser, app_url):
    """Presenter mode zooms the grids (18 px text on a canvas drawn at 14): a double-click on X[2][1], found where
    the screen draws it, edits X[2][1] (the loss follows); after scrolling, the bottom row's cell; a click on the
    trailing row adds a row; a column's border dragged 60 px on screen moves 60 px."""
    X = [[i, (-1) ** i * (i % 5)] for i in range(14)]
    y = [i % 2 for i in range(14)]
    page = new_page(browser, SCREEN)
    try:
        open_app(page, f"{app_url}/?presenter=1&X={';'.join(f'{a},{b}' for a, b in X)}&y={','.join(map(str, y))}")
        canvas = editor(page, "xy").get_by_test_id("data-grid-canvas")
        canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
        zoom, box = grid_zoom(canvas), canvas.bounding_box()
        row = ROW_PX * zoom  # a row's height on screen; the header row first
        assert zoom * 14 >= 18, zoom
        assert box["x"] + box["width"] <= SCREEN["width"], box  # the zoomed grid fits its column

        def double_click(x: float, y: float):
            point_at(page, x, y)
            page.mouse.dblclick(x, y)
            field = page.locator(".gdg-input")
            field.wait_for()
            return field

        x0_x1, x1_y = _column_borders(page, canvas, box["y"] + 3 * row + 4)  # row 2's top: above its text
        field = double_click((x0_x1 + x1_y) / 2, box["y"] + 3.5 * row)  # X[2][1], as drawn
        expect(field).to_have_value(str(X[2][1]))
        assert float(field.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px")) >= 18
        field.fill("-3")
        with rerun(page):
            field.press("Enter")
        X[2][1] = -3
        expect(metric(page, "Loss L")).to_have_text(fmt(relu_mse(X, y, SEED["w"], SEED["b"])["loss"]))

        point_at(page, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, 1000)  # to the grid's end: the last sample, then the row that adds one
        editor(page, "xy").locator(".dvn-scroller").evaluate(
            "e => new Promise(done => { const at = () => e.scrollTop >= e.scrollHeight - e.clientHeight - 1 ? done() "
            ": requestAnimationFrame(at); at(); })")
        field = double_click((x0_x1 + x1_y) / 2, box["y"] + box["height"] - 1.5 * row)  # the last sample's x1
        expect(field).to_have_value(str(X[-1][1]))
        page.keyboard.press("Escape")
        with rerun(page):
            point_at(page, x0_x1 - 40, box["y"] + box["height"] - 0.5 * row)
            page.mouse.click(x0_x1 - 40, box["y"] + box["height"] - 0.5 * row)  # the trailing row: a new sample
        expect(page.get_by_test_id("stCaptionContainer").filter(has_text=f"Row {len(X)}: not filled in yet")
               ).to_be_visible()
        page.keyboard.press("Escape")

        header = box["y"] + row / 2
        point_at(page, x0_x1, header)
        page.mouse.down()
        page.mouse.move(x0_x1 + 60, header, steps=6)
        page.mouse.up()
        page.keyboard.press("Escape")
        moved = _column_borders(page, canvas, box["y"] + box["height"] - 2 * row + 4)
        assert any(abs(b - (x0_x1 + 60)) <= 2 for b in moved), (x0_x1, moved)
        page.screenshot(path=str(ARTIFACTS / "presenter-grid-1280x720.png"))
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
