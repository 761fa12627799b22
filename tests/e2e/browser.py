"""Drive a Streamlit app in a real browser: a headless server, Debian's Chromium, and waits on the app's state.

Shared by the end-to-end tests (tests/e2e) and the latency benchmark (benchmarks/latency.py). Nothing here
sleeps for a fixed time: every wait is on a condition the app or the browser reports.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
INSTALL_HINT = "install it with `apt-get install chromium` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium binary"
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 30_000

# Runs the rest of argv after asking Linux to SIGTERM it when the test process dies, so a server never
# outlives a crashed or killed test run (the flag survives exec).
_LAUNCHER = ("import ctypes, os, signal, sys; ctypes.CDLL(None).prctl(1, signal.SIGTERM); "
             "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")


def find_chromium() -> str | None:
    """The Chromium binary to drive: $CHROMIUM_PATH, Debian's /usr/bin/chromium, or one on PATH."""
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                  shutil.which("chromium-browser")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run SCRIPT` headless on a free localhost port; a context manager that always stops it."""

    def __init__(self, script: Path, log: Path | None = None, startup_timeout: float = 90):
        self.script = Path(script).resolve()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or ARTIFACTS / f"server-{self.script.stem}-{self.port}.log"
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None

    def start(self) -> StreamlitServer:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-c", _LAUNCHER, "-m", "streamlit", "run", str(self.script),
               "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(cmd, cwd=self.script.parent, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
            time.sleep(0.1)  # polling the health endpoint: the only signal the server gives
        raise RuntimeError(f"streamlit not healthy after {self.startup_timeout:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server's whole process group: SIGTERM, then SIGKILL if it lingers."""
        p, self.process = self.process, None
        if p is None or p.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, sig)
            try:
                p.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_chromium(playwright, executable: str):
    """Debian's Chromium through Playwright (Playwright's own browser download does not work here)."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


# Installed in every page before the app loads: counts the app's script runs from its websocket traffic.
# Streamlit sends a ForwardMsg with `new_session` (field 4) when a run starts and one with `script_finished`
# (field 6, an enum; 2 = finished early because another run follows) when it ends; the browser asks for a
# run with a BackMsg `rerun_script` (field 11). Reading only the top-level protobuf fields is enough.
# The `...At` times (performance.now()) let a benchmark split a round trip into server and browser time.
MONITOR_JS = r"""
(() => {
  if (window.__stRuns) return;
  const runs = {requested: 0, started: 0, finished: 0, lastStatus: -1, lastRequest: 0, lastStart: 0, lastFinish: 0,
                seq: 0, requestedAt: 0, startedAt: 0, finishedAt: 0};
  window.__stRuns = runs;
  const varint = (b, i) => {
    let v = 0, m = 1;
    for (;;) { const x = b[i++]; v += (x & 0x7f) * m; m *= 128; if (x < 128) return [v, i]; }
  };
  const topFields = (b) => {
    const out = new Map();
    let i = 0;
    while (i < b.length) {
      let key, v;
      [key, i] = varint(b, i);
      const field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) { [v, i] = varint(b, i); }
      else if (wire === 2) { [v, i] = varint(b, i); i += v; }
      else if (wire === 1) { v = null; i += 8; }
      else if (wire === 5) { v = null; i += 4; }
      else return out;
      out.set(field, v);
    }
    return out;
  };
  const bytes = (d) => d instanceof ArrayBuffer ? new Uint8Array(d)
    : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null;
  const Native = window.WebSocket;
  class Monitored extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const b = bytes(e.data);
        if (!b) return;
        const f = topFields(b);
        const at = performance.now();
        if (f.has(4)) { runs.started++; runs.lastStart = ++runs.seq; runs.startedAt = at; }
        if (f.has(6)) {
          runs.finished++; runs.lastStatus = f.get(6); runs.lastFinish = ++runs.seq; runs.finishedAt = at;
        }
      });
    }
    send(data) {
      const b = bytes(data);
      if (b && topFields(b).has(11)) {
        runs.requested++; runs.lastRequest = ++runs.seq; runs.requestedAt = performance.now();
      }
      return super.send(data);
    }
  }
  window.WebSocket = Monitored;
})();
"""

# True once the app is idle: the browser's last request for a run was answered by a run that started,
# the last run to start has finished (and not early, for a follow-up run; a run that is replaced may end
# without a message), the frontend shows notRunning with no stale element and no element still loading
# its code (a skeleton), and more than `after` runs have started. It must hold on three consecutive
# animation frames, so a run whose messages have arrived but are not yet rendered cannot pass.
_SETTLED_JS = """
(after) => {
  const r = window.__stRuns, app = document.querySelector("[data-testid='stApp']");
  const idle = !!r && !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && r.started > after && r.lastRequest < r.lastStart && r.lastStart < r.lastFinish && r.lastStatus !== 2
    && !document.querySelector("[data-stale='true'], [data-testid='stSkeleton']");
  window.__stIdleFrames = idle ? (window.__stIdleFrames || 0) + 1 : 0;
  return window.__stIdleFrames >= 3;
}
"""


def new_page(browser, viewport: dict | None = None):
    """A page in a fresh browser context (own cookies, own Streamlit session) that counts the app's runs."""
    context = browser.new_context(viewport=viewport or VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(MONITOR_JS)
    return context.new_page()


def runs_started(page) -> int:
    """How many script runs the app has started in this page so far."""
    return page.evaluate("() => window.__stRuns ? window.__stRuns.started : 0")


def settle(page, after: int = -1, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the app is idle and has started more than `after` runs (see `_SETTLED_JS`).

    After an interaction pass the run count taken before it (or use `rerun`): right after a click the app
    still reads notRunning, because the server has not yet answered.
    """
    page.evaluate("() => { window.__stIdleFrames = 0; }")
    page.wait_for_function(_SETTLED_JS, arg=after, polling="raf", timeout=timeout)


@contextlib.contextmanager
def rerun(page, timeout: float = TIMEOUT_MS) -> Iterator[None]:
    """`with rerun(page): click()` waits until the run the interaction triggers has finished and rendered."""
    before = runs_started(page)
    yield
    settle(page, after=before, timeout=timeout)


def open_app(page, url: str, timeout: float = TIMEOUT_MS) -> None:
    """Load a URL of the app and wait for its first run to finish."""
    page.goto(url)
    settle(page, after=0, timeout=timeout)


def wait_for_charts(page, timeout: float = TIMEOUT_MS) -> None:
    """Wait until every Plotly chart on the page has been drawn (Plotly draws after the run has finished), those
    of the app's Plotly components (ui/landscape_chart.py) included."""
    page.wait_for_function("""() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
        .every(c => c.querySelector('.js-plotly-plot .main-svg'))
        && [...document.querySelectorAll('.bpx-landscape, .bpx-figure')].every(c => c.dataset.draws)""",
                           polling="raf", timeout=timeout)


def nav_labels(page) -> list[str]:
    """The page names in the sidebar navigation, in order (without their icons' names)."""
    texts = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink").all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in texts]


def main_text(page) -> str:
    """The visible text of the page's main area (not the sidebar)."""
    return page.get_by_test_id("stMain").inner_text()


def screenshot(page, name: str) -> Path:
    """Save the whole page as ARTIFACTS/NAME.png.

    Streamlit scrolls its main area inside the window, so a full-page screenshot would stop at the window's
    height: the window is stretched to the content for the shot, then restored.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
        "[data-testid='stMain'], [data-testid='stMain'] *, [data-testid='stSidebarContent']")]
        .map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": size["width"], "height": min(max(height + 40, size["height"]), 12_000)})
    try:
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


# --- st.data_editor (glide-data-grid) -----------------------------------------------------------------------
# The grid is drawn on a canvas. Its cells also exist as `glide-cell-COL-ROW` gridcells, but inside the
# canvas as accessibility fallback content, with no box to click; glide marks the selected one with
# aria-selected. Rows are ROW_PX high under a header row of the same height; column widths depend on the
# content. So a cell is found as a user finds it: click into its row, move the selection sideways to its
# column with the arrow keys (never past the grid's edge: a key the grid does not use falls through to the
# page, where it may be a button's shortcut), open it with Enter; the editor that opens covers the cell.
# The mouse moves onto a grid as a hand moves it (`point_at`): Streamlit's data editor takes a selection from
# the mouse only once a move over it has marked it focused, so a pointer that jumps onto a grid from outside
# and clicks at once selects nothing there (no user's pointer jumps). Presenter mode zooms the grids (CSS zoom,
# ui/presenter.py): on screen a row is ROW_PX times the grid's zoom (`grid_zoom`).

ROW_PX = 35


def point_at(page, x: float, y: float) -> None:
    """Move the mouse to (X, Y) over a few events, and let the page take them in (two frames)."""
    page.mouse.move(x, y, steps=5)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def grid_zoom(canvas) -> float:
    """How much larger a grid's canvas is on screen than in its own CSS pixels (1 but in presenter mode)."""
    return canvas.evaluate("c => c.getBoundingClientRect().height / c.offsetHeight")


def editor(page, name: str):
    """The data_editor whose widget key starts with `NAME_editor_` (the app versions its editor keys)."""
    return page.locator(f"[class*='st-key-{name}_editor_']")


def _overlay(page):
    return page.get_by_test_id("portal").locator(".gdg-clip-region")


def cell_text(page, name: str, col: int, row: int) -> str:
    return editor(page, name).locator(f"#glide-cell-{col}-{row}").text_content()


def _selected(grid) -> tuple[int, int] | None:
    ids = grid.locator("[role='gridcell'][aria-selected='true']").evaluate_all("cs => cs.map(c => c.id)")
    return tuple(int(v) for v in ids[0].rsplit("-", 2)[1:]) if len(ids) == 1 else None


def cell_box(page, name: str, col: int, row: int) -> dict:
    """The on-screen box of cell (COL, ROW) of editor NAME, found as described above."""
    from playwright.sync_api import expect

    grid = editor(page, name)
    _first_column(grid)
    canvas = grid.get_by_test_id("data-grid-canvas")
    selected = grid.locator(f"[role='gridcell'][aria-selected='true'][id$='-{row}']")
    for attempt in range(3):  # a grid that has just appeared (an expander opening) may still move under the click
        canvas.evaluate("c => c.scrollIntoView({block: 'center'})")  # clear of the app's sticky header
        # A click on the cell that is already selected would open it at once: clear the selection first.
        canvas.focus()
        page.keyboard.press("Escape")
        expect(grid.locator("[role='gridcell'][aria-selected='true']")).to_have_count(0)
        box = canvas.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + ROW_PX * grid_zoom(canvas) * (row + 1.5)
        point_at(page, x, y)
        page.mouse.click(x, y)
        try:
            selected.wait_for(state="attached", timeout=3_000)
            break
        except Exception:
            if attempt == 2:
                raise
    at = _selected(grid)
    if at is None or at[1] != row:
        raise AssertionError(f"clicking row {row} of the {name} editor selected {at}")
    for _ in range(abs(col - at[0])):
        page.keyboard.press("ArrowRight" if col > at[0] else "ArrowLeft")
    target = grid.locator(f"#glide-cell-{col}-{row}[aria-selected='true']")
    try:
        target.wait_for(state="attached", timeout=5_000)
    except Exception as err:
        raise AssertionError(f"walked to {_selected(grid)} in the {name} editor, not {(col, row)}") from err
    page.keyboard.press("Enter")
    overlay = _overlay(page)
    overlay.wait_for()
    found = overlay.bounding_box()
    shown = page.locator(".gdg-input").input_value()
    page.keyboard.press("Escape")
    overlay.wait_for(state="detached")
    expected = cell_text(page, name, col, row)
    if shown != expected:
        raise AssertionError(f"the cell opened shows {shown!r}, but glide-cell-{col}-{row} holds {expected!r}")
    return found


def open_cell(page, name: str, col: int, row: int):
    """Double-click cell (COL, ROW) of editor NAME; returns its text input."""
    box = cell_box(page, name, col, row)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    point_at(page, x, y)
    page.mouse.dblclick(x, y)
    field = page.locator(".gdg-input")
    field.wait_for()
    return field


def type_into_cell(page, name: str, col: int, row: int, text: str) -> None:
    """Double-click a cell, replace its text, commit with Enter, and wait for the app's rerun."""
    field = open_cell(page, name, col, row)
    field.fill(text)
    with rerun(page):
        field.press("Enter")


def column_index(page, name: str, header: str) -> int:
    """The grid column index (as in glide-cell-COL-ROW) of the column titled HEADER."""
    grid = editor(page, name)
    first_col = _first_column(grid)
    return first_col + grid.locator("[role='columnheader']").all_text_contents().index(header)


def _first_column(grid) -> int:
    """The index of the grid's first data column: 1 when the row index is shown in column 0."""
    cells = grid.locator("[role='gridcell']")
    cells.first.wait_for(state="attached")
    return min(int(i.rsplit("-", 2)[1]) for i in cells.evaluate_all("cs => cs.map(c => c.id)"))
