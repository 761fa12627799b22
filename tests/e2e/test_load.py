"""Load: many browser sessions at once against one server, each editing its own X[0][0].

CI holds 6 sessions (what is checked, isolation, needs no more; the simulated students of benchmarks/load/
measure capacity); `BPX_LOAD_SESSIONS=30 python -m pytest tests/e2e/test_load.py -s` gives the 30-session
figures of docs/deploy.md.

Every session must show its own numbers (never another session's) and no error; the server's resident
memory before and after is reported per session (printed, and written to test-artifacts/e2e/load.txt).
Speed is never asserted: the figures are for the capacity note in docs/deploy.md.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from playwright.sync_api import expect

from .app_helpers import metric
from .browser import ARTIFACTS, MONITOR_JS, cell_box, column_index, editor, main_text, runs_started, settle
from .oracle import SEED, fmt, relu_mse

SESSIONS = int(os.environ.get("BPX_LOAD_SESSIONS", "6"))
TIMEOUT_MS = 120_000  # the pages share two cores here: each wait is generous, none is a speed check


def session_page(browser):
    """A page in its own browser context (its own Streamlit session), made cheap to render: a smaller
    window, no animations, and no web fonts (the app falls back to system fonts)."""
    context = browser.new_context(viewport={"width": 1000, "height": 700}, reduced_motion="reduce")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(MONITOR_JS)
    context.route("**/*.{woff,woff2,ttf}", lambda route: route.abort())
    return context.new_page()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, from /proc (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def value(k: int) -> str:
    """Session k's X[0][0]: distinct per session, and so is its loss."""
    return f"{1.5 + 0.25 * k:g}"


def expected_loss(k: int) -> str:
    X = [[float(value(k)), 2], *SEED["X"][1:]]
    return fmt(relu_mse(X, SEED["y"], SEED["w"], SEED["b"])["loss"])


def test_sessions_at_once_each_see_only_their_own_numbers(browser, server, app_url):
    losses = [expected_loss(k) for k in range(SESSIONS)]
    assert len(set(losses)) == SESSIONS
    pid = server.process.pid
    before, cpu_start = rss_mb(pid), cpu_seconds(pid)
    started = time.perf_counter()
    pages = [session_page(browser) for _ in range(SESSIONS)]
    try:
        for page in pages:  # every session starts loading before any is waited for
            page.goto(app_url, wait_until="commit")
        for page in pages:
            settle(page, after=0, timeout=TIMEOUT_MS)
        opened, cpu_opened = time.perf_counter(), cpu_seconds(pid)
        # Every page has the same layout, so X[0][0] sits at the same place in each one's X|y editor: found
        # once by keyboard (browser.cell_box), then double-clicked at that offset from the editor's corner.
        box = cell_box(pages[0], "xy", column_index(pages[0], "xy", "x0"), 0)
        grid = editor(pages[0], "xy").bounding_box()
        dx, dy = box["x"] + box["width"] / 2 - grid["x"], box["y"] + box["height"] / 2 - grid["y"]
        marks = []
        for k, page in enumerate(pages):  # send every edit, then wait: the server reruns them side by side
            marks.append(runs_started(page))
            table = editor(page, "xy")
            table.scroll_into_view_if_needed()
            corner = table.bounding_box()
            page.mouse.dblclick(corner["x"] + dx, corner["y"] + dy)
            field = page.locator(".gdg-input")
            expect(field).to_have_value(str(SEED["X"][0][0]))
            field.fill(value(k))
            field.press("Enter")
        for page, mark in zip(pages, marks, strict=True):
            settle(page, after=mark, timeout=TIMEOUT_MS)
        edited, cpu_edited = time.perf_counter(), cpu_seconds(pid)
        after = rss_mb(pid)

        for k, page in enumerate(pages):
            expect(metric(page, "Loss L")).to_have_text(losses[k])
            expect(page.get_by_test_id("stException")).to_have_count(0)
            expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
            link = page.get_by_test_id("stSidebar").locator(".bpx-share-link code").text_content()
            assert f"X={value(k)},2;" in link, f"session {k}'s share link holds another model: {link}"
            shown = main_text(page)
            strangers = [j for j, loss in enumerate(losses) if j != k and f"Loss L\n{loss}" in shown]
            assert not strangers, f"session {k} shows the loss of sessions {strangers}"
    finally:
        for page in pages:
            page.context.close()

    report = (f"{SESSIONS} sessions: server RSS {before:.0f} MB before, {after:.0f} MB with all open and edited "
              f"(+{(after - before) / SESSIONS:.2f} MB per session). Server CPU: "
              f"{(cpu_opened - cpu_start) / SESSIONS * 1000:.0f} ms per session opened, "
              f"{(cpu_edited - cpu_opened) / SESSIONS * 1000:.0f} ms per edit (its rerun). Wall time (browsers and "
              f"server on the same machine): {opened - started:.1f} s to open all, {edited - opened:.1f} s for all "
              f"{SESSIONS} edits to come back")
    print("\n" + report)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load.txt").write_text(report + "\n")
