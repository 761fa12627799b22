"""Interaction latency in a real browser, as a ratio to the floor of a Streamlit round trip on this machine;
and the two parts that run in the browser alone: stepping, and the landscape's animation.

One measurement: type a new value into a data editor's cell, commit it (Enter) and time, inside the
browser from the Enter keydown, until the last change of the numbers on the page (its text outside the
charts and the editors): the moment the last changed number appeared. Beside it: until the charts have
finished redrawing (the last change inside a Plotly chart), and until the page took in the run's last
message ("run done": the page reads messages between its own tasks, so a busy page reads it late; on the
landscape the script itself ends about 40 ms after it starts, some 200 ms after Enter). Measured on the
step-by-step page (step 1, and step 7 with its chart), on the landscape page (its default tab, and with the
model view's tab open), and on a trivial app with one data_editor and the one number it drives (the floor),
the edits interleaved so that a busy machine slows all of them alike.
Goals: step page <= 1.5x the floor (numbers shown), landscape page <= 2x (its charts redrawn, the 3D surface
included).

Stepping (the stepper component): from the key press or the click on Next/Previous to the new numbers in
the stepper's DOM, and the script runs started while stepping (goal: median <= 50 ms, 0 runs; one run when
the step settles). Animation (the landscape component, 1000 update steps, played at 60 steps a second):
frames per second on the contour map over the first 200 steps (goal >= 30), and the time one move of the
3D surface's markers takes (they move when the animation pauses; the surface is never redrawn).

    python benchmarks/latency.py [--repeats 7] [--pages step1,step7,landscape,model] [--app app.py] [--no-browser-only]
                                 [--compare copy/app.py]

--compare measures the same pages of a modified copy of the app in the same run, edits interleaved: what a
change saves, on a machine whose speed drifts between runs.

Needs Chromium (/usr/bin/chromium, or CHROMIUM_PATH) and playwright. Speed is reported, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from e2e.browser import (  # noqa: E402
    StreamlitServer,
    editor,
    find_chromium,
    launch_chromium,
    new_page,
    open_app,
    open_cell,
    rerun,
    wait_for_charts,
)

TIMEOUT_MS = 180_000  # generous: on a busy machine everything is slow, and this only measures
GOALS = {"step by step": ("shown", 1.5), "loss landscape": ("charts", 2.0)}  # which time, how many floors

FLOOR_APP = '''\
"""The floor: one data_editor and the one number it drives."""
import pandas as pd
import streamlit as st

table = st.data_editor(pd.DataFrame({"v": ["1"]}, dtype="string"), key="v_editor_0", hide_index=True)
st.markdown(f"Twice the value: {2 * float(table['v'].iloc[0]):.4f}")
'''

# The decimal numbers in the main area's text, leaving out the charts (their tick labels follow the
# layout, not only the data) and the editors' cells (what the user typed). KaTeX and Plotly may print
# a Unicode minus.
_NUMBERS = r"""
const shadows = (root) => [...root.querySelectorAll('*')].filter((e) => e.shadowRoot).map((e) => e.shadowRoot);
const numbers = (root) => {
  const out = [];
  const skip = ".js-plotly-plot, [data-testid='stDataFrame']";
  for (const part of [root, ...shadows(root)]) {  // the stepper's numbers sit in its shadow root
    const walk = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.parentElement && n.parentElement.closest(skip)) continue;
      for (const m of n.data.matchAll(/[-\u2212]?\d+\.\d+/g)) out.push(m[0]);
    }
  }
  return out.join(' ');
};
"""

# Arms the timer: t0 at the Enter keydown that commits the edit; `last` at the last DOM change that changed
# the numbers shown; `charts` at the last change inside a chart.
_ARM_JS = f"""
() => {{
  {_NUMBERS}
  const root = document.querySelector("[data-testid='stMain']");
  const lat = window.__latency = {{t0: null, last: null, charts: null, shown: numbers(root)}};
  window.__latencyObserver = new MutationObserver((changes) => {{
    if (lat.t0 === null) return;
    const now = performance.now();
    if (changes.some(c => (c.target.nodeType === 1 ? c.target : c.target.parentElement)?.closest('.js-plotly-plot')))
      lat.charts = now;
    const shown = numbers(root);
    if (shown !== lat.shown) {{ lat.shown = shown; lat.last = now; }}
  }});
  for (const part of [root, ...shadows(root)])
    window.__latencyObserver.observe(part, {{subtree: true, childList: true, characterData: true, attributes: true}});
  window.addEventListener('keydown', (e) => {{ if (e.key === 'Enter') lat.t0 = performance.now(); }},
                          {{capture: true, once: true}});
}}
"""
_READ_JS = """() => { window.__latencyObserver.disconnect(); return window.__latency; }"""
# How many times the least drawn of the page's Plotly components has drawn (None: none on the page)
_DRAWS_JS = """() => { const drawn = [...document.querySelectorAll('.bpx-landscape, .bpx-figure')]
                         .map((e) => Number(e.dataset.draws || 0));
                       return drawn.length ? Math.min(...drawn) : null; }"""

# Stepping: t0 at the key press or the click (capture, before the stepper's handlers), t1 at the first
# change of the stepper's values table.
_STEP_ARM_JS = """() => {
  const host = [...document.querySelectorAll('*')].find((e) => e.shadowRoot?.querySelector('.stepper'));
  const root = host.shadowRoot.querySelector('.stepper');
  const table = root.querySelector('table.values');
  const lat = window.__step = {t0: null, t1: null, before: table.textContent};
  const start = () => { if (lat.t0 === null) lat.t0 = performance.now(); };
  window.addEventListener('keydown', start, {capture: true, once: true});
  window.addEventListener('pointerdown', start, {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (lat.t0 !== null && lat.t1 === null && table.textContent !== lat.before) {
      lat.t1 = performance.now(); observer.disconnect();
    }
  });
  observer.observe(root, {subtree: true, childList: true, characterData: true});
}"""


@dataclass
class Target:
    """A page whose numbers follow cell (`col`, `row`) of editor `name`. Every edit types a value not typed
    before in the session, so no cache holds its results, as when a student tries a new number."""

    label: str
    url: str
    name: str = "xy"
    col: int = 1
    row: int = 0
    open_editors: bool = False
    tab: str | None = None  # a tab to open first (the landscape's model view is built only while its tab is open)
    page: object = None
    edits: int = 0
    shown: list[float] = field(default_factory=list)  # ms from Enter to the last change of the numbers shown
    charts: list[float] = field(default_factory=list)  # ms from Enter to the charts redrawn (and numbers shown)
    run_done: list[float] = field(default_factory=list)  # ms from Enter to the run's end reaching the browser
    finished_at: float = 0.0  # perf_counter() when the last script_finished frame arrived

    def _watch(self, ws) -> None:
        # The browser's network layer reports frames as they arrive, however busy its page is drawing.
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def received(payload):
            if isinstance(payload, bytes) and ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                self.finished_at = time.perf_counter()

        ws.on("framereceived", received)

    def open(self, browser, warmup: int = 2) -> None:
        self.page = new_page(browser)
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("websocket", self._watch)
        open_app(self.page, self.url, timeout=TIMEOUT_MS)
        if self.tab:
            with rerun(self.page, timeout=TIMEOUT_MS):
                self.page.get_by_role("tab", name=self.tab).click()
        if self.open_editors:
            self.page.get_by_test_id("stExpander").filter(has_text="Edit X, y, w and b").locator("summary").click()
        editor(self.page, self.name).locator("[role='gridcell']").first.wait_for(state="attached")
        wait_for_charts(self.page, timeout=TIMEOUT_MS)
        for _ in range(warmup):
            self._edit()

    def _edit(self) -> dict:
        """Type the next new value into the cell, commit it, wait until the page has settled."""
        page = self.page
        self.edits += 1
        cell = open_cell(page, self.name, self.col, self.row)
        cell.fill(f"{1 + self.edits / 100:g}")
        page.evaluate(_ARM_JS)
        draws = page.evaluate(_DRAWS_JS)
        pressed = time.perf_counter()
        with rerun(page, timeout=TIMEOUT_MS):
            cell.press("Enter")
        wait_for_charts(page, timeout=TIMEOUT_MS)
        if draws is not None:  # the Plotly components redraw after the run: wait for them
            page.wait_for_function(f"() => ({_DRAWS_JS})() > {draws}", timeout=TIMEOUT_MS)
        lat = page.evaluate(_READ_JS)
        if lat["last"] is None:
            raise RuntimeError(f"{self.label}: the edit changed no number on the page")
        lat["run_done"] = (self.finished_at - pressed) * 1000
        return lat

    def measure(self) -> None:
        """One timed edit."""
        lat = self._edit()
        self.shown.append(lat["last"] - lat["t0"])
        self.charts.append(max(lat["last"], lat["charts"] or 0) - lat["t0"])
        self.run_done.append(lat["run_done"])


def _median(values: list[float]) -> float:
    return statistics.median(values)


def stepping(browser, url: str, repeats: int) -> dict:
    """Steps by key and by button on the step page, timed in the browser; the runs started meanwhile."""
    from e2e.browser import runs_started, settle

    page = new_page(browser, {"width": 1280, "height": 720})
    open_app(page, f"{url}/step_by_step?step=4", timeout=TIMEOUT_MS)
    stepper = page.locator(".stepper")
    stepper.locator(".title").click()
    times, runs = [], runs_started(page)
    moves = ["ArrowRight", "ArrowLeft", "next", "prev"] * max(1, repeats)
    for move in moves:
        page.evaluate(_STEP_ARM_JS)
        if move.startswith("Arrow"):
            page.keyboard.press(move)
        else:
            stepper.locator(f"button.{move}").click()
        page.wait_for_function("() => window.__step.t1 !== null", timeout=TIMEOUT_MS)
        lat = page.evaluate("() => window.__step")
        times.append(lat["t1"] - lat["t0"])
    while_stepping = runs_started(page) - runs
    stepper.locator("button.next").click()
    page.wait_for_url("**step=5*", timeout=TIMEOUT_MS)
    settle(page)
    settled = runs_started(page) - runs - while_stepping
    page.context.close()
    return {"times": times, "runs_while_stepping": while_stepping, "runs_to_settle": settled}


def animation(browser, url: str) -> dict:
    """Frames per second of the landscape's 2D animation over 200 steps, and the 3D marker move's time."""
    page = new_page(browser, {"width": 1400, "height": 1000})
    open_app(page, f"{url}/landscape", timeout=TIMEOUT_MS)
    root = page.locator(".bpx-landscape")
    root.locator(".bpx-plot").first.wait_for()
    page.wait_for_function(f"() => ({_DRAWS_JS})() >= 1", timeout=TIMEOUT_MS)
    thumb = page.get_by_test_id("stSlider").filter(has_text="Update steps").get_by_role("slider")
    draws = page.evaluate(_DRAWS_JS)
    with rerun(page, timeout=TIMEOUT_MS):
        thumb.press("End")  # 1000 steps
    page.wait_for_function(f"() => ({_DRAWS_JS})() > {draws}", timeout=TIMEOUT_MS)
    root.locator(".bpx-speed-choice").select_option("60")
    start = page.evaluate("r => [performance.now(), Number(r.dataset.frames || 0)]", root.element_handle())
    root.locator(".bpx-play").click()
    page.wait_for_function("r => Number(r.dataset.step) >= 200", arg=root.element_handle(), timeout=TIMEOUT_MS)
    end = page.evaluate("r => [performance.now(), Number(r.dataset.frames || 0)]", root.element_handle())
    root.locator(".bpx-play").click()  # pause: the 3D markers move once
    moves = []
    for k in (100, 300, 500, 700, 900):
        page.wait_for_function("r => r.dataset.move3dMs !== undefined", arg=root.element_handle())
        root.evaluate("r => { delete r.dataset.move3dMs; }")
        root.locator(".bpx-scrub").fill(str(k))
        root.locator(".bpx-scrub").dispatch_event("change")
        page.wait_for_function("r => r.dataset.move3dMs !== undefined", arg=root.element_handle())
        moves.append(float(root.evaluate("r => r.dataset.move3dMs")))
    page.context.close()
    frames, seconds = end[1] - start[1], (end[0] - start[0]) / 1000
    return {"fps_2d": frames / seconds, "frames": frames, "seconds": seconds, "move_3d_ms": moves}


def browser_report(step: dict | None, anim: dict | None) -> None:
    if step:
        t = step["times"]
        verdict = "met" if _median(t) <= 50 and step["runs_while_stepping"] == 0 else "NOT met"
        print(f"\nStep change (key or Next/Previous -> new numbers in the stepper), {len(t)} steps: median "
              f"{_median(t):.1f} ms [{min(t):.1f}-{max(t):.1f}], script runs while stepping: "
              f"{step['runs_while_stepping']}, when it settles: {step['runs_to_settle']}  "
              f"(goal <= 50 ms and 0 runs: {verdict})")
    if anim:
        m = anim["move_3d_ms"]
        print(f"Landscape animation, 2D contour map: {anim['fps_2d']:.1f} frames/s ({anim['frames']} frames in "
              f"{anim['seconds']:.2f} s over 200 steps; goal >= 30: {'met' if anim['fps_2d'] >= 30 else 'NOT met'})")
        print(f"3D surface: not redrawn while playing; a move of its markers (on pause or scrub) takes median "
              f"{_median(m):.0f} ms [{min(m):.0f}-{max(m):.0f}], i.e. {1000 / _median(m):.1f} moves/s if done "
              "every frame")


def report(targets: list[Target], repeats: int) -> None:
    floor = targets[0]
    print(f"Commit a cell edit (Enter) -> ...; medians of {repeats} edits per target, in ms (x floor).")
    print(f"{'target':<50}{'last number shown':>22}{'charts redrawn':>20}{'run done':>10}  goal")
    for t in targets:
        ratio = _median(t.shown) / _median(floor.shown)
        charts_ratio = _median(t.charts) / _median(floor.charts)
        goal = next((g for k, g in GOALS.items() if t.label.startswith(k)), None)
        verdict = ""
        if goal is not None:
            which, most = goal
            met = (ratio if which == "shown" else charts_ratio) <= most
            verdict = f"{'numbers' if which == 'shown' else 'charts'} <= {most}x: {'met' if met else 'NOT met'}"
        print(f"{t.label:<50}{_median(t.shown):>9.0f} ({ratio:>5.2f}x) [{min(t.shown):.0f}-{max(t.shown):.0f}]"
              f"{_median(t.charts):>9.0f} ({charts_ratio:>5.2f}x){_median(t.run_done):>10.0f}  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed edits per target (default 7)")
    parser.add_argument("--app", type=Path, default=REPO / "app.py", help="the app's entry script")
    parser.add_argument("--pages", default="step1,step7,landscape,model",
                        help="which of step1,step7,landscape,model (the landscape with its model view open)")
    parser.add_argument("--no-browser-only", action="store_true", help="skip stepping and the animation")
    parser.add_argument("--compare", type=Path, help="a modified copy of the app, its pages measured beside")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        floor_script = Path(tmp) / "floor_app.py"
        floor_script.write_text(FLOOR_APP)
        with (StreamlitServer(floor_script, log=Path(tmp) / "floor.log") as floor,
              StreamlitServer(args.app, log=Path(tmp) / "app.log") as app,
              contextlib.ExitStack() as more,
              sync_playwright() as playwright):
            other = more.enter_context(StreamlitServer(args.compare, log=Path(tmp) / "compare.log")) \
                if args.compare else None
            browser = launch_chromium(playwright, chromium)
            targets = [Target("floor: one data_editor app", floor.url, name="v", col=0)]
            for server, suffix in ((app, ""), (other, " [compare]")):
                if server is None:
                    continue
                warm = new_page(browser)
                open_app(warm, server.url, timeout=TIMEOUT_MS)  # the first run of a server process is special
                warm.context.close()
                pages = {
                    "step1": Target("step by step, step 1 (z = Xw + b)" + suffix, f"{server.url}/step_by_step?step=1",
                                    open_editors=True),
                    "step7": Target("step by step, step 7 (shares + chart)" + suffix,
                                    f"{server.url}/step_by_step?step=7", open_editors=True),
                    "landscape": Target("loss landscape" + suffix, f"{server.url}/landscape", open_editors=True),
                    "model": Target("landscape, its model view's tab open" + suffix, f"{server.url}/landscape",
                                    open_editors=True, tab="What the neuron computes"),
                }
                targets += [pages[k] for k in args.pages.split(",")]
            for t in targets:
                t.open(browser)
            for _ in range(args.repeats):
                for t in targets:
                    t.measure()
            for t in targets:
                t.page.context.close()
            step = anim = None
            if not args.no_browser_only:
                step = stepping(browser, app.url, args.repeats)
                anim = animation(browser, app.url)
            browser.close()
    report(targets, args.repeats)
    browser_report(step, anim)
    return 0


if __name__ == "__main__":
    sys.exit(main())
