"""The lecture room and the phone in a real browser: every page and every step readable in presenter mode
(light and dark, 1280x720, and the step page at 1366x768 and 1920x1080), the keys working after every
popover, checkbox, button and page link, and the step page on a 390x844 touch screen.

One server (the session's) and one browser for the module. The browser keeps its scrollbars (Playwright's
headless default hides them), so that "scrolls with a visible scrollbar" can be told from "clipped".
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ui.model import PRESETS
from ui.share import encode, query_string

from .app_helpers import step_label, step_shown, stepper
from .browser import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    MONITOR_JS,
    TIMEOUT_MS,
    find_chromium,
    new_page,
    open_app,
    rerun,
    wait_for_charts,
)
from .readability import audit

ROOM = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
XOR = query_string(encode(PRESETS["xor"][1]))
PAGES = ["", "step_by_step", "gradient_check", "notebook", "landscape", "data"]


@pytest.fixture(scope="module")
def room_browser(browser):
    """Chromium with visible scrollbars (the session's browser hides them, as Playwright does by default),
    launched by the session's Playwright."""
    chromium = browser.browser_type.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True,
                                           ignore_default_args=["--hide-scrollbars"])
    yield chromium
    chromium.close()


def _problems(page, where: str) -> list[str]:
    found = audit(page)
    if where.endswith("overview"):  # the grids are measured too (the text they draw on a canvas)
        assert len(found["grids"]) >= 4, f"{where}: the editors' grids were not measured: {found['grids']}"
    return ([f"{where}: {s['size']} px {s['text']!r} ({s['what']})" for s in found["small"]]
            + [f"{where}: under the presenter bar {c['text']!r} ({c['what']})" for c in found["covered"]]
            + [f"{where}: clipped {c['scrollWidth']} > {c['clientWidth']} px {c['text']!r} ({c['what']})"
               for c in found["clipped"]])


def _walk_steps(page, where: str) -> list[str]:
    """Audit every step of the stepper on screen, from the first (the keys step: no script run)."""
    stepper(page).focus()
    page.keyboard.press("Home")
    n = int(step_label(page).inner_text().split()[-1])
    problems = []
    for k in range(1, n + 1):
        expect(step_label(page)).to_have_text(f"Step {k} of {n}")
        problems += _problems(page, f"{where} step {k}")
        page.keyboard.press("ArrowRight")
    return problems


def _go(page, path: str) -> None:
    link = page.get_by_test_id("stSidebarNav").locator(f'a[href$="/{path}"]' if path else "a").first
    with rerun(page):
        link.evaluate("a => a.click()")  # the sidebar is collapsed in presenter mode: its links still work
    wait_for_charts(page)


@pytest.mark.parametrize(("example", "scheme"), [("seed", "light"), ("seed", "dark"), ("xor", "light"),
                                                 ("xor", "dark")])
def test_every_page_and_step_reads_from_the_back_of_the_room(room_browser, app_url, example, scheme):
    page = new_page(room_browser, ROOM)
    page.emulate_media(color_scheme=scheme)
    try:
        open_app(page, f"{app_url}/?presenter=1" + (f"&{XOR}" if example == "xor" else ""))
        expect(page.get_by_role("button", name="Exit")).to_be_visible()
        problems = []
        for path in PAGES:
            _go(page, path)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            if path == "step_by_step":
                problems += _walk_steps(page, f"{example} {scheme}")
            else:
                problems += _problems(page, f"{example} {scheme} {path or 'overview'}")
            if example == "xor" and path in ("", "step_by_step"):
                page.screenshot(path=str(ARTIFACTS / f"room-{example}-{scheme}-{path or 'overview'}.png"))
        assert not problems, "\n".join(problems[:30])
    finally:
        page.context.close()


def test_the_step_page_fits_with_the_sidebar_open_and_on_larger_screens(room_browser, app_url):
    page = new_page(room_browser, ROOM)
    try:
        open_app(page, f"{app_url}/step_by_step?presenter=1&{XOR}")
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
        problems = _walk_steps(page, "sidebar open")
        for size in ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080}):
            page.set_viewport_size(size)
            problems += _walk_steps(page, f"{size['width']}x{size['height']}")
        assert not problems, "\n".join(problems[:30])
    finally:
        page.context.close()


# ---- the keyboard ------------------------------------------------------------------------------------------------

def _keys_step(page) -> None:
    """→ moves one step on, wherever the focus was left, and the stepper has the focus after it."""
    before = step_shown(page)
    page.keyboard.press("ArrowRight")
    expect(step_label(page)).to_have_text(re.compile(rf"^Step {before + 1} of"))
    assert page.evaluate("() => !!document.activeElement.shadowRoot?.activeElement?.classList.contains('stepper')"
                         " || document.activeElement.classList.contains('stepper')")


def test_keys_work_after_the_keys_popover_predict_first_the_big_button_and_page_links(room_browser, app_url):
    page = new_page(room_browser, ROOM)
    try:
        open_app(page, f"{app_url}/?presenter=1")
        with rerun(page):
            page.locator(".st-key-to_step_by_step button").click()  # the overview's big button
        expect(page).to_have_url(re.compile(r"/step_by_step\?"))
        expect(page.get_by_role("button", name="Exit")).to_be_visible()  # presenter mode kept
        _keys_step(page)
        keys = page.get_by_role("button", name="Keys")
        # the popover's own text (the button's tooltip, shown while the pointer rests on it, says the same)
        shortcuts = page.get_by_test_id("stPopoverBody").get_by_text("Keyboard shortcuts")
        keys.click()
        expect(shortcuts).to_be_visible()
        page.keyboard.press("Escape")
        expect(shortcuts).to_be_hidden()
        _keys_step(page)
        keys.click()
        expect(shortcuts).to_be_visible()
        keys.click()  # closed by a second click
        expect(shortcuts).to_be_hidden()
        _keys_step(page)
        stepper(page).locator(".predict-choice").click()  # Predict first
        _keys_step(page)
        page.keyboard.press("r")
        expect(stepper(page).locator(".result")).to_be_visible()
        page.keyboard.press("Home")
        for target in ("", "step_by_step"):  # the navigation's page links, there and back
            _go(page, target)
        expect(page.get_by_role("button", name="Exit")).to_be_visible()
        _keys_step(page)
        page.go_back()  # the browser's back keeps presenter mode
        expect(page.get_by_role("button", name="Exit")).to_be_visible()
    finally:
        page.context.close()


def test_keys_work_after_the_overview_s_page_link_in_normal_mode(room_browser, app_url):
    page = new_page(room_browser, ROOM)
    try:
        open_app(page, app_url)
        with rerun(page):
            page.get_by_test_id("stPageLink").filter(has_text="Jump to each sample's share").locator("a").click()
        expect(step_label(page)).to_have_text("Step 7 of 9")
        _keys_step(page)
    finally:
        page.context.close()


# ---- the phone ---------------------------------------------------------------------------------------------------

SWIPE_JS = """([dx]) => {
  const host = [...document.querySelectorAll('*')].find((e) => e.shadowRoot && e.shadowRoot.querySelector('.stepper'));
  const root = host.shadowRoot.querySelector('.why');
  const at = (x) => [new Touch({identifier: 1, target: root, clientX: x, clientY: 300})];
  root.dispatchEvent(new TouchEvent('touchstart', {touches: at(300), changedTouches: at(300), bubbles: true,
                                                   composed: true}));
  root.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: at(300 + dx), bubbles: true,
                                                 composed: true}));
}"""


def test_on_a_phone_a_presenter_link_opens_one_column_that_swipes_and_fits(room_browser, app_url):
    context = room_browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(MONITOR_JS)
    page = context.new_page()
    try:
        open_app(page, f"{app_url}/step_by_step?presenter=1&step=3")  # a lecturer's link, in presenter mode
        expect(page.get_by_role("button", name="Exit")).to_be_hidden()  # normal mode on the phone
        expect(step_label(page)).to_have_text("Step 3 of 9")
        lesson = stepper(page).locator(".lesson").bounding_box()
        graph = stepper(page).locator(".graph").bounding_box()
        table = stepper(page).locator("table.values").bounding_box()
        assert graph["y"] >= lesson["y"] + lesson["height"] - 1, "one column: the graph under the lesson"
        assert table["x"] >= 0 and table["x"] + table["width"] <= PHONE["width"], table  # the table on screen
        assert float(stepper(page).locator("table.values td").first.evaluate(
            "e => getComputedStyle(e).fontSize").removesuffix("px")) >= 14
        nav = stepper(page).locator("button.next").bounding_box()
        assert nav["y"] + nav["height"] > PHONE["height"] - 80, "Next is pinned at the bottom of the screen"
        clipped = audit(page, minimum=0, secondary=0)["clipped"]
        assert not clipped, clipped  # the formulas wrap (or scroll with a scrollbar): nothing cut off
        page.evaluate(SWIPE_JS, [-150])  # swipe left: next
        expect(step_label(page)).to_have_text("Step 4 of 9")
        top = stepper(page).locator(".lesson").bounding_box()["y"]
        assert 40 <= top <= 120, top  # the new step's lesson starts at the top of the screen
        page.evaluate(SWIPE_JS, [150])  # swipe right: previous
        expect(step_label(page)).to_have_text("Step 3 of 9")
        page.screenshot(path=str(ARTIFACTS / "phone-step-3-390x844.png"))
        stepper(page).locator(".graph").screenshot(path=str(ARTIFACTS / "phone-graph-390x844.png"))
    finally:
        context.close()


# ---- slides ------------------------------------------------------------------------------------------------------

def test_a_step_downloads_as_a_png_an_svg_and_latex_slide(room_browser, app_url, tmp_path):
    page = new_page(room_browser, {"width": 1920, "height": 1080})
    try:
        open_app(page, f"{app_url}/step_by_step?step=1")
        stepper(page).locator(".slide summary").click()
        saved = {}
        for kind in ("png", "svg", "tex"):
            with page.expect_download() as info:
                stepper(page).locator(f".save-{kind}").click()
            saved[kind] = tmp_path / info.value.suggested_filename
            info.value.save_as(saved[kind])
        assert saved["tex"].name == "step-1.tex"
        tex = saved["tex"].read_text()
        assert "z = Xw + b" in tex and "1.5000" in tex  # the formula, then with the numbers
        svg = saved["svg"].read_text()
        assert svg.startswith("<svg") and "Pre-activation z = Xw + b" in svg and "1.5000" in svg
        assert 'class="graph-area"' in svg and "θ = (w, b)" in svg and "X  (3×2)" in svg  # the graph with values
        png = saved["png"].read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(png[16:20], "big")
        assert width >= 1280, width  # drawn at twice the size: sharp on a 1920x1080 slide
        page.goto(f"file://{saved['png']}")  # the PNG, looked at as an image
        page.screenshot(path=str(ARTIFACTS / "slide-step-1.png"))
    finally:
        page.context.close()
