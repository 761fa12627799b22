"""Interaction latency in a real browser, as a ratio to the floor of a Streamlit round trip on this machine.

One measurement: type a new value into a data editor's cell, commit it (Enter) and time, inside the
browser from the Enter keydown, until the last change of the numbers on the page (its text outside the
charts and the editors): the moment the last changed number appeared. Beside it: until the charts have
finished redrawing (the last change inside a Plotly chart), and until the run's end reached the browser's
network layer (server time; the rest is the browser's own work). Measured on the step-by-step page (step 1,
and step 7 with its chart), on the landscape page, and on a trivial app with one data_editor and the one
number it drives (the floor), the edits interleaved so that a busy machine slows all of them alike.
Goals: step page <= 1.5x the floor, landscape page <= 2x.

    python benchmarks/latency.py [--repeats 7] [--pages step1,step7,landscape] [--app app.py]

Needs Chromium (/usr/bin/chromium, or CHROMIUM_PATH) and playwright. Speed is reported, never asserted.
"""

from __future__ import annotations

import argparse
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
GOALS = {"step by step": 1.5, "loss landscape": 2.0}

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
const numbers = (root) => {
  const out = [];
  const skip = ".js-plotly-plot, [data-testid='stDataFrame']";
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.parentElement && n.parentElement.closest(skip)) continue;
    for (const m of n.data.matchAll(/[-\u2212]?\d+\.\d+/g)) out.push(m[0]);
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
  window.__latencyObserver.observe(root, {{subtree: true, childList: true, characterData: true, attributes: true}});
  window.addEventListener('keydown', (e) => {{ if (e.key === 'Enter') lat.t0 = performance.now(); }},
                          {{capture: true, once: true}});
}}
"""
_READ_JS = """() => { window.__latencyObserver.disconnect(); return window.__latency; }"""


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
        pressed = time.perf_counter()
        with rerun(page, timeout=TIMEOUT_MS):
            cell.press("Enter")
        wait_for_charts(page, timeout=TIMEOUT_MS)
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


def report(targets: list[Target], repeats: int) -> None:
    floor = targets[0]
    print(f"Commit a cell edit (Enter) -> ...; medians of {repeats} edits per target, in ms (x floor).")
    print(f"{'target':<40}{'last number shown':>22}{'charts redrawn':>20}{'run done':>10}  goal (numbers)")
    for t in targets:
        ratio = _median(t.shown) / _median(floor.shown)
        charts_ratio = _median(t.charts) / _median(floor.charts)
        goal = next((g for k, g in GOALS.items() if t.label.startswith(k)), None)
        verdict = "" if goal is None else f"<= {goal}x: {'met' if ratio <= goal else 'NOT met'}"
        print(f"{t.label:<40}{_median(t.shown):>9.0f} ({ratio:>5.2f}x) [{min(t.shown):.0f}-{max(t.shown):.0f}]"
              f"{_median(t.charts):>9.0f} ({charts_ratio:>5.2f}x){_median(t.run_done):>10.0f}  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed edits per target (default 7)")
    parser.add_argument("--app", type=Path, default=REPO / "app.py", help="the app's entry script")
    parser.add_argument("--pages", default="step1,step7,landscape", help="which of step1,step7,landscape")
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
              sync_playwright() as playwright):
            browser = launch_chromium(playwright, chromium)
            warm = new_page(browser)
            open_app(warm, app.url, timeout=TIMEOUT_MS)  # the first run of a server process is special
            warm.context.close()
            pages = {
                "step1": Target("step by step, step 1 (z = Xw + b)", f"{app.url}/step_by_step?step=1",
                                open_editors=True),
                "step7": Target("step by step, step 7 (shares + chart)", f"{app.url}/step_by_step?step=7",
                                open_editors=True),
                "landscape": Target("loss landscape", f"{app.url}/landscape", open_editors=True),
            }
            targets = [Target("floor: one data_editor app", floor.url, name="v", col=0),
                       *(pages[k] for k in args.pages.split(","))]
            for t in targets:
                t.open(browser)
            for _ in range(args.repeats):
                for t in targets:
                    t.measure()
            browser.close()
    report(targets, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
