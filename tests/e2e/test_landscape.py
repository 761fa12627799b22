"""The loss landscape page: Play animates the optimizers' markers in the browser, without a rerun."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .browser import open_app, rerun, runs_started, screenshot, wait_for_charts

SLOW_MS = 120_000  # the page trains three optimizers and draws a 3D surface: slow on a busy 2-core machine

# The markers Play moves: the frames' traces, and for the contour map's marker, its plotting area.
_MARKERS_JS = """g => {
  const traces = g._transitionData._frames[0].traces;
  const map = traces[traces.length - 2], full = g._fullData[map];
  return {
    step: g._fullLayout.sliders[0].active,
    xy: traces.map(i => [Array.from(g.data[i].x), Array.from(g.data[i].y)]),
    area: `.nsewdrag[data-subplot='${full.xaxis}${full.yaxis}']`,
  };
}"""


def _map_pixels(page, chart, area: str) -> bytes:
    return page.screenshot(clip=chart.locator(area).bounding_box())


# From now on, note whether the app ever leaves the notRunning state.
_WATCH_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__leftIdle = false;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__leftIdle = true;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def _open_landscape(page, app_url: str):
    open_app(page, app_url)
    with rerun(page, timeout=SLOW_MS):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Loss landscape")).click()
    wait_for_charts(page, timeout=SLOW_MS)
    return page.locator(".st-key-landscape_chart .js-plotly-plot")


def test_play_moves_the_markers_in_the_browser_without_a_rerun(page, app_url):
    chart = _open_landscape(page, app_url)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    before = chart.evaluate(_MARKERS_JS)
    assert before["step"] == 0, f"the step slider starts at {before['step']}"
    pixels = _map_pixels(page, chart, before["area"])
    runs, requests = runs_started(page), page.evaluate("() => window.__stRuns.requested")
    page.evaluate(_WATCH_JS)

    chart.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function("g => g._fullLayout.sliders[0].active >= 5", arg=chart.element_handle(), timeout=30_000)
    chart.locator(".updatemenu-button", has_text="Pause").click()

    after = chart.evaluate(_MARKERS_JS)
    assert after["step"] >= 5
    assert all(a != b for a, b in zip(after["xy"], before["xy"], strict=True)), "a marker trace did not move"
    assert _map_pixels(page, chart, after["area"]) != pixels, "the contour map looks the same after playing"
    assert page.evaluate("() => window.__leftIdle") is False, "the app reran while the animation played"
    assert runs_started(page) == runs and page.evaluate("() => window.__stRuns.requested") == requests
    screenshot(page, "landscape-after-play")
