"""The loss landscape page: Play animates the optimizers' markers in the browser, without a rerun."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .browser import open_app, rerun, runs_started, screenshot, wait_for_charts

# Where every scatter point of the chart is drawn (its SVG transform), and the step slider's position.
_STATE_JS = """g => ({
  points: [...g.querySelectorAll('.scatterlayer .point')].map(p => p.getAttribute('transform')).join(' '),
  step: g.layout.sliders && g.layout.sliders.length ? g.layout.sliders[0].active : null,
})"""

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
    with rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Loss landscape")).click()
    wait_for_charts(page)
    return page.locator(".st-key-landscape_chart .js-plotly-plot")


def test_play_moves_the_markers_in_the_browser_without_a_rerun(page, app_url):
    chart = _open_landscape(page, app_url)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    before = chart.evaluate(_STATE_JS)
    assert before["step"] == 0, f"the step slider starts at {before['step']}"
    runs, requests = runs_started(page), page.evaluate("() => window.__stRuns.requested")
    page.evaluate(_WATCH_JS)

    chart.locator(".updatemenu-button", has_text="Play").click()
    chart.evaluate("""(g, start) => new Promise((resolve, reject) => {
      const t0 = performance.now();
      const check = () => {
        const points = [...g.querySelectorAll('.scatterlayer .point')].map(p => p.getAttribute('transform')).join(' ');
        if (g.layout.sliders[0].active >= 3 && points !== start) return resolve();
        if (performance.now() - t0 > 20000) return reject(new Error('the animation did not advance in 20 s'));
        requestAnimationFrame(check);
      };
      check();
    })""", before["points"])
    chart.locator(".updatemenu-button", has_text="Pause").click()

    after = chart.evaluate(_STATE_JS)
    assert after["step"] >= 3
    assert after["points"] != before["points"], "no marker moved on the contour map or the loss curve"
    assert page.evaluate("() => window.__leftIdle") is False, "the app reran while the animation played"
    assert runs_started(page) == runs and page.evaluate("() => window.__stRuns.requested") == requests
    screenshot(page, "landscape-after-play")
