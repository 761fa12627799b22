"""The guard of the app's speed where a user waits: every page a user edits on, a cold first visit, stepping and
the landscape's animation, measured in a real browser in one run and printed as ONE table with a goal column
(the goals of issue 22); the rows that miss are named under it.

Edits: type a new value into a data editor's cell, commit it (Enter) and time, inside the browser from the
Enter keydown, until the last change of the numbers on the page (its text outside the charts and the editors,
the diagrams' SVG text included): the moment the last changed number appeared; on the landscape until its
charts have finished redrawing too. Against the floor, a trivial app with one data_editor and the one number
it drives, the edits interleaved (floor, page, page, ..., floor, ...) so that a busy machine slows all of them
alike. Rows: the overview (one neuron, and the 2-2-1 XOR network of a shared link), the step page (step 1,
step 7 with its chart), the landscape (its default tab, and its model view's tab open), and, with no goal, the
gradient check, the notebook, the training and the data & sharing pages (their editors' expander opened).

Each edit row's note splits its median into four parts (`phases`): `commit`, Enter until the page sends the edit (the
data editor's own delay, the same in the floor); `start`, until the page shows the run started; `run`, until it shows
the run ended (the server's script, and the page rendering each batch of elements as it arrives); `after`, until the
last change (components update after the page is painted; the landscape's charts redraw).

Cold first visits: a new browser context (empty cache, new session) opens `/`, or the README's shared XOR link,
and the time from navigation to the loss on screen is set against the same for the floor app (to its number),
visits alternating floor, app, floor, app. The server has run once before (a warm server, a cold browser).

In the browser alone: stepping (the stepper component: key press or click on Next/Previous to the new numbers,
and the script runs started while stepping) and the landscape's animation (frames per second on the 2D contour
map over 200 of 1000 steps played at 60 steps a second; the 3D markers' move on pause is printed below).

    python benchmarks/latency.py                    # every row, medians of 7; about 15 minutes
    python benchmarks/latency.py --quick            # a few rows, 1 repeat: checks it runs (CI), no timing
    python benchmarks/latency.py --rows overview,xor --repeats 9 [--compare copy/app.py ...] [--app app.py]

--compare measures the same edit rows and cold visits of modified copies of the app in the same run, interleaved
with the app's: what a change saves, or what a page would cost without a part (a lower bound), on a machine whose
speed drifts between runs. One copy's rows say [compare]; several copies' rows say their folder's name.

Needs Chromium (/usr/bin/chromium, or CHROMIUM_PATH) and playwright. Speed is reported, never asserted: ratios
in one run are what counts; say the machine's load (`uptime`, printed first) beside any figure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
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
    runs_started,
    settle,
    wait_for_charts,
)
from e2e.oracle import XOR_LINK  # noqa: E402

TIMEOUT_MS = 180_000  # generous: on a busy machine everything is slow, and this only measures
MODEL_TAB = "What the neuron computes"
EDIT_ROWS = ("overview", "xor", "step1", "step7", "landscape", "model", "gradcheck", "notebook", "training", "data")
ALL_ROWS = (*EDIT_ROWS, "cold", "coldxor", "stepping", "animation")
QUICK = {"wanted": ["overview", "cold", "stepping"], "repeats": 1, "warmup": 0}  # --quick: that it runs (CI)

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
# the numbers shown; `charts` at the last change inside a chart; from the Enter on, `log` the app's script-state
# changes (and, with _SOCKET_JS installed, its WebSocket messages) for `phases`.
_ARM_JS = f"""
() => {{
  {_NUMBERS}
  const app = document.querySelector("[data-testid='stApp']");
  const root = document.querySelector("[data-testid='stMain']");
  const lossText = () => [...root.querySelectorAll("[data-testid='stMetric']")]
    .find((m) => m.textContent.startsWith('Loss L'))?.textContent;
  const lat = window.__latency = {{t0: null, last: null, charts: null, loss: null, shown: numbers(root),
                                   lossWas: lossText(), log: null}};
  window.__phases = null;  // _SOCKET_JS writes here too
  window.__phaseObserver = new MutationObserver(() => window.__phases?.push([performance.now(),
                                                                              app.dataset.testScriptState]));
  window.__phaseObserver.observe(app, {{attributes: true, attributeFilter: ['data-test-script-state']}});
  const inside = (c, where) => (c.target.nodeType === 1 ? c.target : c.target.parentElement)?.closest(where);
  window.__latencyObserver = new MutationObserver((changes) => {{
    if (lat.t0 === null) return;
    const now = performance.now();
    if (changes.some((c) => inside(c, '.js-plotly-plot'))) lat.charts = now;
    // changes only inside charts or editors change no number counted: skip the walk (the observer runs in the
    // page's time, so its own work would delay what it measures, most on the pages with the most to draw)
    if (changes.every((c) => inside(c, ".js-plotly-plot, [data-testid='stDataFrame']"))) return;
    const shown = numbers(root);
    if (shown !== lat.shown) {{ lat.shown = shown; lat.last = now; }}
    if (lat.loss === null && lat.lossWas !== undefined && lossText() !== lat.lossWas) lat.loss = now;
  }});
  for (const part of [root, ...shadows(root)])
    window.__latencyObserver.observe(part, {{subtree: true, childList: true, characterData: true, attributes: true}});
  window.addEventListener('keydown', (e) => {{
    if (e.key === 'Enter') {{ lat.t0 = performance.now(); lat.log = window.__phases = []; }}
  }}, {{capture: true, once: true}});
}}
"""
_READ_JS = """() => { window.__latencyObserver.disconnect(); window.__phaseObserver.disconnect();
                       return window.__latency; }"""
# Where an edit's time goes (the `phases` note of each edit row): every WebSocket message the page sends or
# receives and every change of the app's script state, with its time, from the Enter on
_SOCKET_JS = """(() => {
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Socket(...args);
    const send = ws.send.bind(ws);
    ws.send = (data) => { window.__phases?.push([performance.now(), 'sent']); return send(data); };
    ws.addEventListener('message', () => window.__phases?.push([performance.now(), 'received']));
    return ws;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, Socket);
})();"""
PHASES = ("commit", "start", "run", "after")  # Enter -> edit sent -> run shown started -> shown ended -> last change


def phases(t0: float, end: float, log: list) -> tuple[float, ...] | None:
    """An edit's time in four parts (ms): the editor commits the edit and sends it (`commit`); the server starts the
    run and the page shows it started (`start`); the run, its messages rendered as they come, until the page shows
    it ended (`run`); what the page does after it (`after`: components, charts) until the last change. None when the
    log misses a part."""
    sent = next((t for t, what in log if what == "sent"), None)
    started = next((t for t, what in log if what == "running" and sent is not None and t >= sent), None)
    ended = next((t for t, what in log if what == "notRunning" and started is not None and t >= started), None)
    if ended is None:
        return None
    return sent - t0, started - sent, ended - started, max(end - ended, 0.0)


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



# Installed before a cold visit loads: the time (performance.now(), from navigation) when an element matching
# the selector first holds text matching the pattern.
_COLD_JS = """(() => {
  const selector = %r, pattern = new RegExp(%r);
  const seen = () => [...document.querySelectorAll(selector)].some((e) => pattern.test(e.textContent));
  const observer = new MutationObserver(() => {
    if (window.__shown === undefined && seen()) { window.__shown = performance.now(); observer.disconnect(); }
  });
  observer.observe(document, {subtree: true, childList: true, characterData: true});
})();"""
_FLOOR_SHOWN = ("[data-testid='stMarkdownContainer']", r"Twice the value: \d")
_LOSS_SHOWN = ("[data-testid='stMetric']", r"Loss L[^0-9]*\d+\.\d+")


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
    loss: list[float] = field(default_factory=list)  # ms from Enter to the new "Loss L" metric (pages with one)
    parts: list[tuple[float, ...]] = field(default_factory=list)  # each edit's `phases`

    def open(self, browser, warmup: int = 2) -> None:
        self.page = new_page(browser)
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.add_init_script(_SOCKET_JS)
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
        with rerun(page, timeout=TIMEOUT_MS):
            cell.press("Enter")
        wait_for_charts(page, timeout=TIMEOUT_MS)
        if draws is not None:  # the Plotly components redraw after the run: wait for them
            page.wait_for_function(f"() => ({_DRAWS_JS})() > {draws}", timeout=TIMEOUT_MS)
        lat = page.evaluate(_READ_JS)
        if lat["last"] is None:
            raise RuntimeError(f"{self.label}: the edit changed no number on the page")
        return lat

    def measure(self) -> None:
        """One timed edit."""
        lat = self._edit()
        self.shown.append(lat["last"] - lat["t0"])
        self.charts.append(max(lat["last"], lat["charts"] or 0) - lat["t0"])
        if lat["loss"] is not None:
            self.loss.append(lat["loss"] - lat["t0"])
        parts = phases(lat["t0"], max(lat["last"], lat["charts"] or 0), lat["log"] or [])
        if parts is not None:
            self.parts.append(parts)

    def phases_note(self) -> str:
        """The median of each part of the edits, e.g. "commit 164 + start 61 + run 81 + after 44 ms"."""
        if not self.parts:
            return ""
        medians = [statistics.median(p[i] for p in self.parts) for i in range(len(PHASES))]
        return "; " + " + ".join(f"{name} {ms:.0f}" for name, ms in zip(PHASES, medians, strict=True)) + " ms"


def edit_targets(url: str, suffix: str = "") -> dict[str, Target]:
    """The edit rows' pages of the app at URL."""
    xor = f"{url}/?{XOR_LINK}"
    return {
        "overview": Target("overview edit -> new loss, one neuron" + suffix, url),
        "xor": Target("overview edit -> new loss, XOR 2-2-1 link" + suffix, xor),
        "step1": Target("step page edit, step 1 (z = Xw + b)" + suffix, f"{url}/step_by_step?step=1",
                        open_editors=True),
        "step7": Target("step page edit, step 7 (shares + chart)" + suffix, f"{url}/step_by_step?step=7",
                        open_editors=True),
        "landscape": Target("landscape edit -> charts redrawn" + suffix, f"{url}/landscape", open_editors=True),
        "model": Target("landscape, model tab open -> charts" + suffix, f"{url}/landscape", open_editors=True,
                        tab=MODEL_TAB),
        "gradcheck": Target("gradient check edit" + suffix, f"{url}/gradient_check", open_editors=True),
        "notebook": Target("notebook page edit" + suffix, f"{url}/notebook", open_editors=True),
        "training": Target("training page edit" + suffix, f"{url}/training", open_editors=True),
        "data": Target("data & sharing page edit" + suffix, f"{url}/data", open_editors=True),
    }


def cold_visit(browser, url: str, shown: tuple[str, str]) -> float:
    """Open URL in a new browser context; ms from navigation until `shown` (selector, pattern) is on screen."""
    page = new_page(browser)
    try:
        page.context.add_init_script(_COLD_JS % shown)
        page.goto(url)
        page.wait_for_function("() => window.__shown !== undefined", timeout=TIMEOUT_MS)
        ms = page.evaluate("() => window.__shown")
        settle(page, after=0, timeout=TIMEOUT_MS)  # the run has ended: the next visit meets an idle server
        return ms
    finally:
        page.context.close()


def cold_visits(browser, floor_url: str, apps: dict[str, str], rows: list[str], repeats: int) -> dict[str, list[float]]:
    """Cold visits of each app's `/` ("cold") and its shared XOR link ("coldxor"), each row's after one of the floor;
    APPS maps a row key's suffix ("" for the app, "| [compare]" for a copy) to the app's URL."""
    out = {"floor": []} | {k + suffix: [] for k in rows for suffix in apps}
    for _ in range(repeats):
        for k in rows:
            out["floor"].append(cold_visit(browser, floor_url, _FLOOR_SHOWN))
            for suffix, url in apps.items():
                out[k + suffix].append(cold_visit(browser, url + COLD_PATHS[k], _LOSS_SHOWN))
    return out


def stepping(browser, url: str, repeats: int) -> dict:
    """Steps by key and by button on the step page, timed in the browser; the runs started meanwhile."""
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



@dataclass
class Row:
    """One line of the table: measured values, the same run's floor for a ratio (or none), the goal."""

    label: str
    values: list[float]
    unit: str = "ms"
    floor: list[float] | None = None
    most: float | None = None  # the goal: ratio <= most (with a floor) or median <= most
    least: float | None = None  # the goal: median >= least
    note: str = ""
    also: bool = True  # a second condition of the goal (stepping: no script run while stepping)

    def ratio(self) -> float | None:
        return statistics.median(self.values) / statistics.median(self.floor) if self.floor else None

    def met(self) -> bool | None:
        value = self.ratio() if self.floor else statistics.median(self.values)
        if self.most is not None:
            return value <= self.most and self.also
        return None if self.least is None else value >= self.least and self.also

    def goal(self) -> str:
        if self.most is not None:
            return f"<= {self.most:g}{'x' if self.floor else ' ' + self.unit}"
        return "" if self.least is None else f">= {self.least:g} {self.unit}"


# The goals of issue 22: (which time of an edit, how many floors); the other pages a user edits on are measured
# with no goal (issue 22 sets none): a row that grows between runs is a page that got slower
EDIT_GOALS = {"overview": ("shown", 1.3), "xor": ("shown", 1.3), "step1": ("shown", 1.3), "step7": ("shown", 1.3),
              "landscape": ("charts", 2.0), "model": ("charts", 2.0), "gradcheck": ("shown", None),
              "notebook": ("shown", None), "training": ("charts", None), "data": ("shown", None)}
COLD_PATHS = {"cold": "", "coldxor": f"/?{XOR_LINK}"}  # where each cold row's visit goes, after the app's URL
COLD_GOALS = {"cold": ("cold first visit of / -> loss on screen", 1.2),
              "coldxor": ("cold shared XOR link -> loss on screen", 1.5)}


def rows_of(floor: Target, targets: dict[str, Target], cold: dict[str, list[float]] | None, step: dict | None,
            anim: dict | None) -> list[Row]:
    rows = [Row("floor: one data_editor app, edit -> number", floor.shown,
                note="the edits' floor" + floor.phases_note())]
    for key, t in targets.items():
        which, most = EDIT_GOALS[key.split("|")[0]]
        note = "charts redrawn" if which == "charts" else f"charts {statistics.median(t.charts):.0f} ms"
        if t.loss:  # the loss metric is the first number a user looks for; the page's last number may come later
            note += f"; the loss metric changed at {statistics.median(t.loss):.0f} ms (" \
                    f"{statistics.median(t.loss) / statistics.median(floor.shown):.2f}x)"
        rows.append(Row(t.label, getattr(t, which), floor=getattr(floor, which), most=most,
                        note=note + t.phases_note()))
    if cold:
        rows.append(Row("floor: cold first visit -> number", cold["floor"], note="the cold visits' floor"))
        for key, values in cold.items():
            if key != "floor":
                k, _, suffix = key.partition("|")
                rows.append(Row(COLD_GOALS[k][0] + suffix, values, floor=cold["floor"], most=COLD_GOALS[k][1]))
    if step:
        rows.append(Row("stepping: key/Next -> new numbers", step["times"], most=50,
                        also=step["runs_while_stepping"] == 0,
                        note=f"and 0 script runs while stepping: {step['runs_while_stepping']} "
                             f"({step['runs_to_settle']} when it settles)"))
    if anim:
        m = anim["move_3d_ms"]
        rows.append(Row("training animation, 2D contour map", [anim["fps_2d"]], unit="fps", least=30,
                        note=f"{anim['frames']} frames in {anim['seconds']:.1f} s; the 3D markers move on pause "
                             f"in {statistics.median(m):.0f} ms [{min(m):.0f}-{max(m):.0f}]"))
    return rows


def report(rows: list[Row]) -> list[str]:
    """Print the table and the rows that miss their goal; returns the labels of those rows."""
    width = max(len(r.label) for r in rows) + 1
    print(f"\n{'what':<{width}}{'n':>3}{'median':>10} {'[min-max]':<14}{'floor':>9}{'ratio':>8}  {'goal':<10}"
          f"{'':<8}note")
    missed = []
    for r in rows:
        med = statistics.median(r.values)
        d = 0 if r.unit == "ms" else 1
        spread = f"[{min(r.values):.{d}f}-{max(r.values):.{d}f}]"
        floor = f"{statistics.median(r.floor):.0f}" if r.floor else ""
        ratio = f"{r.ratio():.2f}x" if r.floor else ""
        met = r.met()
        verdict = "" if met is None else ("met" if met else "MISSED")
        if met is False:
            missed.append(r.label)
        print(f"{r.label:<{width}}{len(r.values):>3}{med:>7.{d}f} {r.unit:<4}{spread:<13}"
              f"{floor:>9}{ratio:>8}  {r.goal():<10}{verdict:<8}{r.note}")
    print("Missed: " + "; ".join(missed) if missed else "Every goal met.")
    return missed


def warm(browser, url: str) -> None:
    """Open URL once: the first run of a server process is special, and no row should pay for it."""
    page = new_page(browser)
    try:
        open_app(page, url, timeout=TIMEOUT_MS)
    finally:
        page.context.close()


def run(browser, floor_url: str, app_url: str, wanted: list[str], repeats: int, warmup: int = 2,
        compare: dict[str, str] | None = None) -> list[Row]:
    """Measure the WANTED rows (of ALL_ROWS) of the app at APP_URL against the floor app at FLOOR_URL, and their
    edit and cold rows for each copy in COMPARE (its label: its URL); the servers have run once (`warm`)."""
    floor = Target("floor", floor_url, name="v", col=0)
    apps = {"": app_url} | {f"| [{label}]": url for label, url in (compare or {}).items()}
    targets: dict[str, Target] = {}
    for suffix, url in apps.items():
        pages = edit_targets(url, suffix.removeprefix("|"))
        targets |= {k + suffix: pages[k] for k in wanted if k in pages}
    cold = None
    if any(k in COLD_GOALS for k in wanted):
        cold = cold_visits(browser, floor_url, apps, [k for k in COLD_GOALS if k in wanted], repeats)
    if targets:
        edited = (floor, *targets.values())
        for t in edited:
            t.open(browser, warmup=warmup)
        for _ in range(repeats):
            for t in edited:
                t.measure()
        for t in edited:
            t.page.context.close()
    step = stepping(browser, app_url, repeats) if "stepping" in wanted else None
    anim = animation(browser, app_url) if "animation" in wanted else None
    return [r for r in rows_of(floor, targets, cold, step, anim) if r.values]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed edits and cold visits per row (default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed edits per page first (default 2)")
    parser.add_argument("--app", type=Path, default=REPO / "app.py", help="the app's entry script")
    parser.add_argument("--rows", default=",".join(ALL_ROWS), help=f"which of {','.join(ALL_ROWS)}")
    parser.add_argument("--quick", action="store_true",
                        help=f"rows {','.join(QUICK['wanted'])}, 1 repeat, no warm-up edit: that it runs, not how fast")
    parser.add_argument("--compare", type=Path, nargs="+", default=[],
                        help="modified copies of the app (entry scripts): their edit and cold rows measured beside")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeats, args.warmup = ",".join(QUICK["wanted"]), QUICK["repeats"], QUICK["warmup"]
    wanted = args.rows.split(",")
    unknown = set(wanted) - set(ALL_ROWS)
    if unknown:
        parser.error(f"unknown rows {sorted(unknown)}; choose from {','.join(ALL_ROWS)}")
    missing = [str(copy) for copy in (args.app, *args.compare) if not copy.is_file()]
    if missing:
        parser.error(f"no such entry script: {', '.join(missing)}")
    labels = ["compare"] if len(args.compare) == 1 else [copy.resolve().parent.name for copy in args.compare]
    if len(set(labels)) < len(labels):
        parser.error("--compare: each copy needs a folder of its own name (its rows are labelled with it)")
    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} on {os.cpu_count()} cores; rows {','.join(wanted)}, {args.repeats} repeats")
    with tempfile.TemporaryDirectory() as tmp:
        floor_script = Path(tmp) / "floor_app.py"
        floor_script.write_text(FLOOR_APP)
        with (StreamlitServer(floor_script, log=Path(tmp) / "floor.log") as floor,
              StreamlitServer(args.app, log=Path(tmp) / "app.log") as app,
              contextlib.ExitStack() as more,
              sync_playwright() as playwright):
            others = {label: more.enter_context(StreamlitServer(copy, log=Path(tmp) / f"compare-{i}.log"))
                      for i, (label, copy) in enumerate(zip(labels, args.compare, strict=True))}
            browser = launch_chromium(playwright, chromium)
            for server in (floor, app, *others.values()):
                warm(browser, server.url)
            rows = run(browser, floor.url, app.url, wanted, args.repeats, args.warmup,
                       {label: server.url for label, server in others.items()})
            browser.close()
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
