"""The loss landscape page in Chromium: the component loads Plotly.js once from the app, draws once and then
updates the same plots, and Play moves the markers in the browser without a rerun and without redrawing
the contour map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browser import ARTIFACTS, new_page, open_app, rerun, runs_started, screenshot

SLOW_MS = 120_000  # the page trains three optimizers and draws a 3D surface: slow on a busy 2-core machine

# From now on, note whether the app ever leaves the notRunning state.
_WATCH_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__leftIdle = false;
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__leftIdle = true;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""

# The contour map's state: its contour paths, where the markers are, and a tag on each plot's element that
# survives only as long as the element does (a remount would lose it).
_MAP_JS = """root => {
  const map = root.querySelector('.bpx-map');
  return {
    contours: map.querySelectorAll('g.contourlayer path').length,
    heads: [...map.querySelectorAll('svg.bpx-heads path')].map(p => p.getAttribute('transform')),
    tagged: ['.bpx-map', '.bpx-curve', '.bpx-surface'].every(s => root.querySelector(s).__bpxTag === 'kept'),
    draws: Number(root.dataset.draws), step: Number(root.dataset.step),
    scripts: document.querySelectorAll('script[src$="plotly.min.js"]').length,
    surface3d: root.querySelector('.bpx-surface').data?.at(-1)?.x?.slice() ?? null,
    grids: ['.bpx-map', '.bpx-surface'].map(s => { const z = root.querySelector(s).data[0].z;
                                                  return [z.length, z[0].length]; }),
  };
}"""


def _open_landscape(page, app_url: str):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_app(page, app_url)
    with rerun(page, timeout=SLOW_MS):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Loss landscape")).click()
    root = page.locator(".bpx-landscape")
    expect(root).to_have_attribute("data-draws", "1", timeout=SLOW_MS)
    return root, requests


def _open_model_view(page):
    """Open the tab of what the neuron computes (built only when open) and wait for its figure."""
    with rerun(page, timeout=SLOW_MS):
        page.get_by_role("tab", name=re.compile("What the (neuron|network) computes")).click()
    model_view = page.locator(".bpx-figure")
    expect(model_view).to_have_attribute("data-draws", re.compile(r"^[1-9]"), timeout=SLOW_MS)  # drawn in place
    return model_view


def _player_overlaps(model_view) -> float:
    """How far the model view's player overlaps itself or the plot, in px (<= 0: clear): Play into the step
    slider, the slider into its "step k of T", the player's bottom into the plot's top."""
    return model_view.evaluate("""f => {
      const [play, scrub, count, player, plot] = ['.bpx-play', '.bpx-scrub', '.bpx-count', '.bpx-player',
        '.bpx-figure-plot'].map(s => f.querySelector(s).getBoundingClientRect());
      const across = (a, b) => Math.abs(a.top - b.top) < 4 ? a.right - b.left : -1;  // in one row, or wrapped
      return Math.max(across(play, scrub), across(scrub, count), player.bottom - plot.top); }""")


# The model view's state: the step shown, its heatmap's colours (or its first trace's y), the frames drawn and the
# figures drawn (Plotly.react), and the player's text
_MODEL_JS = """f => { const plot = f.querySelector('.bpx-figure-plot');
  const first = plot._fullData[0];  // as Plotly read it: typed arrays decoded
  return { step: Number(f.dataset.step), frames: Number(f.dataset.frames || 0), draws: Number(f.dataset.draws),
           shown: JSON.stringify(Array.from(first.z ? first.z[20] : first.y)),
           count: f.querySelector('.bpx-count').textContent, play: f.querySelector('.bpx-play').textContent }; }"""


def test_play_moves_the_markers_in_the_browser_without_a_rerun_or_a_redraw(page, app_url):
    root, requests = _open_landscape(page, app_url)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))]
    assert not outside, outside  # nothing fetched from the network: Plotly.js comes from the app
    root.evaluate("r => ['.bpx-map', '.bpx-curve', '.bpx-surface']"
                  ".forEach(s => { r.querySelector(s).__bpxTag = 'kept'; })")
    before = root.evaluate(_MAP_JS)
    assert before["contours"] > 20 and before["scripts"] == 1 and before["step"] == 0, before
    assert before["grids"] == [[51, 51], [26, 26]], before  # the 3D mesh thinned to every other point
    runs, asked = runs_started(page), page.evaluate("() => window.__stRuns.requested")
    page.evaluate(_WATCH_JS)

    root.locator(".bpx-play").click()
    expect(root).to_have_attribute("data-step", re.compile(r"^([3-9]\d|100)$"), timeout=30_000)
    root.locator(".bpx-play").click()  # pause: the 3D markers catch up
    page.wait_for_function("([r, x]) => JSON.stringify(r.querySelector('.bpx-surface').data.at(-1).x) !== x",
                           arg=[root.element_handle(), str(before["surface3d"]).replace(" ", "")])

    after = root.evaluate(_MAP_JS)
    assert after["step"] >= 30 and after["heads"] != before["heads"], (before, after)
    assert after["contours"] == before["contours"], "the contour map lost its contours while playing"
    assert after["draws"] == before["draws"] and after["tagged"], "the plots were redrawn or remounted"
    assert after["surface3d"] != before["surface3d"], "the 3D markers did not follow when paused"
    assert page.evaluate("() => window.__leftIdle") is False, "the app reran while the animation played"
    assert runs_started(page) == runs and page.evaluate("() => window.__stRuns.requested") == asked
    screenshot(page, "landscape-after-play")
    model_view = _open_model_view(page)
    expect(model_view.locator(".main-svg").first).to_be_visible()
    assert _player_overlaps(model_view) <= 0, "the model view's player overlaps itself or the plot"
    assert root.evaluate(_MAP_JS)["draws"] == before["draws"], "opening a tab redrew the unchanged landscape"
    # its own player: Play runs the frames in the browser (Plotly.animate), no rerun and no new figure
    start = model_view.evaluate(_MODEL_JS)
    assert start["step"] == 0 and start["count"] == "step 0 of 100" and start["play"] == "▶ Play", start
    assert model_view.locator(".updatemenu-button, .slider-container").count() == 0  # no Plotly player
    runs, asked = runs_started(page), page.evaluate("() => window.__stRuns.requested")
    page.evaluate(_WATCH_JS)
    model_view.locator(".bpx-play").click()
    expect(model_view).to_have_attribute("data-step", re.compile(r"^([2-9]\d|100)$"), timeout=30_000)
    model_view.locator(".bpx-play").click()  # pause
    played = model_view.evaluate(_MODEL_JS)
    assert played["frames"] >= 20 and played["shown"] != start["shown"], (start, played)
    assert played["draws"] == start["draws"] and played["play"] == "▶ Play", played
    assert played["count"] == f"step {played['step']} of 100", played
    model_view.locator(".bpx-scrub").evaluate("s => { s.value = '7'; s.dispatchEvent(new Event('input')); }")
    expect(model_view).to_have_attribute("data-step", "7")
    expect(model_view.locator(".bpx-count")).to_have_text("step 7 of 100")
    assert page.evaluate("() => window.__leftIdle") is False, "the app reran while the model view played"
    assert runs_started(page) == runs and page.evaluate("() => window.__stRuns.requested") == asked
    screenshot(page, "landscape-model-view-played")

    with rerun(page, timeout=SLOW_MS):  # an edit: the same plots, updated in place (Plotly.react)
        page.get_by_text("Clipped to the paths' range").click()
    expect(root).to_have_attribute("data-draws", str(before["draws"] + 1), timeout=SLOW_MS)
    edited = root.evaluate(_MAP_JS)
    assert edited["tagged"] and edited["scripts"] == 1, edited
    expect(root.locator(".bpx-map")).to_contain_text("clipped to the paths' range")
    expect(model_view).to_have_attribute("data-step", "7")  # the model view stays at the step on screen
    expect(model_view.locator(".bpx-count")).to_have_text("step 7 of 100")


@pytest.mark.parametrize("scheme", ["light", "dark"])  # one test each: the two browser workers share them
def test_presenter_mode_puts_the_charts_above_the_fold_in_both_themes(browser, app_url, scheme):
    page = new_page(browser, {"width": 1280, "height": 720})
    try:
        page.emulate_media(color_scheme=scheme)
        open_app(page, f"{app_url}/landscape")
        with rerun(page, timeout=SLOW_MS):
            page.get_by_test_id("stSidebar").get_by_text("Presenter mode", exact=True).click()
        root = page.locator(".bpx-landscape")
        expect(root).to_have_attribute("data-draws", re.compile(r"^\d+$"), timeout=SLOW_MS)
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
        page.wait_for_timeout(500)  # the sidebar's collapse transition
        for part in (".bpx-map", ".bpx-curve", ".bpx-surface"):
            box = root.locator(part).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 720, (scheme, part, box)
        # what the back row reads: the 2D charts' tick labels, titles and legend, and the controls, at 18 px or more
        read = (".bpx-map .xtick text, .bpx-map .ytick text, .bpx-map .g-gtitle text, .bpx-map .legendtext, "
                ".bpx-curve .xtick text, .bpx-count")
        sizes = root.evaluate("(r, read) => [...r.querySelectorAll(read)]"
                              ".map(e => parseFloat(getComputedStyle(e).fontSize))", read)
        assert len(sizes) > 10 and min(sizes) >= 18, (scheme, sizes)
        # the map's tick labels, axis title and legend, top to bottom, none running into the next (their text
        # boxes, line height included, may touch: 1 px of rounding)
        rows = root.evaluate("r => ['.xtick text', '.xtitle', '.legend'].map(s => [...r.querySelectorAll("
                             "'.bpx-map ' + s)].map(e => e.getBoundingClientRect()))"
                             ".map(bs => [Math.min(...bs.map(b => b.top)), Math.max(...bs.map(b => b.bottom))])")
        assert rows[0][1] <= rows[1][0] + 1 and rows[1][1] <= rows[2][0] + 1, (scheme, rows)
        shown = (".stMain [data-testid='stWidgetLabel'] p, .stMain input, .stMain [role='radiogroup'] p, "
                 ".stMain [data-testid='stCaptionContainer'] p")
        settings = page.locator(shown).evaluate_all(
            "es => es.filter(e => e.offsetParent).map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert len(settings) > 15 and min(settings) >= 18, (scheme, settings)  # axes, η, steps: read aloud
        tabs = page.get_by_role("tab").evaluate_all("ts => ts.map(t => parseFloat(getComputedStyle("
                                                    "t.querySelector('p')).fontSize))")
        assert len(tabs) == 3 and min(tabs) >= 18, (scheme, tabs)  # the sections' names, as headings
        model_view = _open_model_view(page)  # below the charts: its ticks and its step counter too
        sizes = model_view.evaluate("f => [...f.querySelectorAll('.xtick text, .ytick text, .bpx-count, "
                                    ".bpx-play')].map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert len(sizes) > 5 and min(sizes) >= 18, (scheme, sizes)
        assert _player_overlaps(model_view) <= 0, (scheme, "the model view's player overlaps itself or the plot")
        family = "e => getComputedStyle(e).fontFamily"
        assert model_view.locator(".gtitle").evaluate(family) == \
            root.locator(".bpx-map .g-gtitle text").evaluate(family), "the model view's title in another font"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"landscape-presenter-1280x720-{scheme}.png"))
    finally:
        page.context.close()
