"""Interaction latency in a real browser, as a ratio to the floor of a Streamlit round trip on this machine.

One measurement: commit a cell edit (Enter in a data editor's cell) and time, inside the browser from the
Enter keydown, until the last number that the edit changes is on the page: every new number present and
every stale one gone, in the page's text outside the charts. Beside it: until the charts have finished
redrawing (the last change inside a Plotly chart), and until the run's end reached the browser's network
layer (server time; the rest is the browser's own work). Measured on the step-by-step page (step 1, and step 7 with its
chart), on the landscape page, and on a trivial app with one data_editor and the one number it drives (the
floor), the edits interleaved so that a busy machine slows all of them alike.
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
  const out = new Set();
  const skip = ".js-plotly-plot, [data-testid='stDataFrame']";
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.parentElement && n.parentElement.closest(skip)) continue;
    for (const m of n.data.matchAll(/[-\u2212]?\d+\.\d+/g)) out.add(m[0]);
  }
  return out;
};
"""
_SHOWN_JS = f"() => {{ {_NUMBERS} return [...numbers(document.querySelector(\"[data-testid='stMain']\"))]; }}"

# Arms the timer: t0 at the Enter keydown that commits the edit; t1 at the first DOM change after which
# every number in `appear` is shown and none in `vanish` is; charts at the last change inside a chart.
_ARM_JS = f"""
([appear, vanish]) => {{
  {_NUMBERS}
  const root = document.querySelector("[data-testid='stMain']");
  const lat = window.__latency = {{t0: null, t1: null, charts: null}};
  const done = () => {{
    const s = numbers(root);
    return appear.every(x => s.has(x)) && vanish.every(x => !s.has(x));
  }};
  window.__latencyObserver = new MutationObserver((changes) => {{
    if (lat.t0 === null) return;
    const now = performance.now();
    if (changes.some(c => (c.target.nodeType === 1 ? c.target : c.target.parentElement)?.closest('.js-plotly-plot')))
      lat.charts = now;
    if (lat.t1 === null && done()) lat.t1 = now;
  }});
  window.__latencyObserver.observe(root, {{subtree: true, childList: true, characterData: true, attributes: true}});
  window.addEventListener('keydown', (e) => {{ if (e.key === 'Enter') lat.t0 = performance.now(); }},
                          {{capture: true, once: true}});
}}
"""
_READ_JS = """() => { window.__latencyObserver.disconnect(); return window.__latency; }"""


@dataclass
class Target:
    """A page whose numbers follow cell (`col`, `row`) of editor `name`; edits toggle it between two texts."""

    label: str
    url: str
    name: str = "xy"
    col: int = 1
    row: int = 0
    texts: tuple[str, str] = ("1", "3")
    open_editors: bool = False
    page: object = None
    numbers: dict = field(default_factory=dict)  # cell text -> the set of numbers the page shows with it
    shown: list[float] = field(default_factory=list)  # ms from Enter to the last changed number shown
    charts: list[float] = field(default_factory=list)  # ms from Enter to the charts redrawn (and numbers shown)
    run_done: list[float] = field(default_factory=list)  # ms from Enter to the run's end reaching the browser
    state: int = 0  # index into texts of what the cell holds now
    finished_at: float = 0.0  # perf_counter() when the last script_finished frame arrived

    def _watch(self, ws) -> None:
        # The browser's network layer reports frames as they arrive, however busy its page is drawing.
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def received(payload):
            if isinstance(payload, bytes) and ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                self.finished_at = time.perf_counter()

        ws.on("framereceived", received)

    def open(self, browser) -> None:
        self.page = new_page(browser)
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("websocket", self._watch)
        open_app(self.page, self.url, timeout=TIMEOUT_MS)
        if self.open_editors:
            self.page.get_by_test_id("stExpander").filter(has_text="Edit X, y, w and b").locator("summary").click()
        editor(self.page, self.name).locator("[role='gridcell']").first.wait_for(state="attached")
        wait_for_charts(self.page, timeout=TIMEOUT_MS)
        self.numbers[self.texts[0]] = self._shown()
        for i in (1, 0):  # learn what each state shows (and warm the caches the timed edits will hit)
            self._edit(self.texts[i])
            self.numbers.setdefault(self.texts[i], self._shown())

    def _shown(self) -> set[str]:
        return set(self.page.evaluate(_SHOWN_JS))

    def _edit(self, text: str, timed: bool = False) -> dict | None:
        page = self.page
        cell = open_cell(page, self.name, self.col, self.row)
        cell.fill(text)
        if timed:
            before, after = self.numbers[self.texts[self.state]], self.numbers[text]
            appear, vanish = sorted(after - before), sorted(before - after)
            if not appear and not vanish:
                raise RuntimeError(f"{self.label}: the edit changes no number on the page")
            page.evaluate(_ARM_JS, [appear, vanish])
        pressed = time.perf_counter()
        with rerun(page, timeout=TIMEOUT_MS):
            cell.press("Enter")
        wait_for_charts(page, timeout=TIMEOUT_MS)
        self.state = self.texts.index(text)
        if not timed:
            return None
        lat = page.evaluate(_READ_JS)
        lat["run_done"] = (self.finished_at - pressed) * 1000
        if lat["t1"] is None:
            now = self._shown()
            raise RuntimeError(f"{self.label}: the page settled without showing the expected numbers; missing "
                               f"{sorted(set(appear) - now)}, still shown {sorted(set(vanish) & now)}")
        return lat

    def measure(self) -> None:
        """One timed edit, to the other text."""
        lat = self._edit(self.texts[1 - self.state], timed=True)
        self.shown.append(lat["t1"] - lat["t0"])
        self.charts.append(max(lat["t1"], lat["charts"] or 0) - lat["t0"])
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
