"""Two replicas behind nginx (deploy/local.py): students keep their work when their replica dies or restarts.

A session lives in one replica's memory. When that process goes, the browser reconnects through nginx to a
live replica, where it is a new session: the address bar (kept current by ui/share_ui.write_url) must bring
back each student's model, and the next click (here: the step page) must run on it, never on the default.
Each student gets its own network (a distinct W1[0,0]). One lecture, three students pinned by their affinity
cookie to replicas 0, 0 and 1: replica 0 is killed (SIGKILL) after one of its students edits a weight, so the fault
hits students on both sides (the one on replica 1 goes on untouched); replica 0 comes back, and replica 1, which
now holds all three sessions, is restarted (SIGTERM, then started again) after the third student edits a weight.
The same browsers live through both faults, which keeps the test short (opening a student is its slowest part).
"""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest
from playwright.sync_api import expect

from .app_helpers import assert_shows, metric
from .browser import REPO, new_page, open_app, rerun, runs_started, screenshot, settle, type_into_cell, under_ci
from .oracle import XOR, XOR_LINK, fmt, tanh_net

sys.path.insert(0, str(REPO))  # deploy/ sits beside the tests, not inside them
from deploy.local import COOKIE, Cluster, find_nginx  # noqa: E402


@pytest.fixture(scope="module")
def cluster(browser, artifacts):
    if find_nginx() is None:
        if under_ci():
            pytest.fail("nginx is missing under CI (.ci/run installs it with apt-get)", pytrace=False)
        pytest.skip("nginx not found: apt-get install nginx")
    with Cluster(replicas=2, log_dir=artifacts) as running:
        yield running


def replica_of(cluster: Cluster, cookie: str) -> int:
    """The replica nginx sends a browser with this affinity cookie to (it names it in X-Replica)."""
    request = urllib.request.Request(cluster.url + "/healthz", headers={"Cookie": f"{COOKIE}={cookie}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        port = int(answer.headers["X-Replica"].rsplit(":", 1)[1])
    return [r.port for r in cluster.members].index(port)


def cookie_for(cluster: Cluster, replica: int, taken: set[str]) -> str:
    for n in range(200):
        value = f"student-{n}"
        if value not in taken and replica_of(cluster, value) == replica:
            taken.add(value)
            return value
    raise AssertionError(f"no cookie maps to replica {replica}")


class Student:
    """A browser pinned to a replica, with its own network: XOR with W1[0,0] = w."""

    def __init__(self, browser, cluster: Cluster, replica: int, w: float, taken: set[str]):
        self.page = new_page(browser, viewport={"width": 1200, "height": 800})
        self.page.context.add_cookies([{"name": COOKIE, "value": cookie_for(cluster, replica, taken),
                                        "url": cluster.url}])
        self.replica = replica
        self.model = {**XOR, "W1": [[w, XOR["W1"][0][1]], list(XOR["W1"][1])]}
        link = XOR_LINK.replace("W1=0.5,", f"W1={w:g},")
        open_app(self.page, f"{cluster.url}/?{link}")
        self.expect_own_model()

    def edit_w1_01(self, value: float) -> None:
        type_into_cell(self.page, "W1", 2, 0, f"{value:g}")  # column 0 is the row index (the inputs' names)
        self.model["W1"][0][1] = value
        self.expect_own_model()

    def expect_own_model(self) -> None:
        expect(metric(self.page, "Loss L")).to_have_text(fmt(tanh_net(**self.model)["loss"]))

    def after_fault(self, runs_before: int, name: str) -> None:
        """The reconnect's run, then a click to the step page and back: every run on the student's model."""
        page = self.page
        settle(page, after=runs_before, timeout=60_000)  # the run the reconnect asks for
        self.expect_own_model()
        with rerun(page):
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Step by step")).click()
        w = self.model["W1"][0]
        query = page.url.replace("%2C", ",").replace("%3B", ";")
        assert f"W1={w[0]:g},{w[1]:g};" in query, f"{name}: the step page ran on another model: {page.url}"
        m = self.model
        z1 = np.asarray(m["X"], float) @ np.asarray(m["W1"], float) + np.asarray(m["b1"], float)
        expect(page.locator(".stepper")).to_contain_text(fmt(z1[-1, -1]))  # step 1: z₁ = XW₁ + b₁
        assert_shows(page.locator(".stepper").inner_text(), z1.ravel())
        with rerun(page):
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Overview")).click()
        self.expect_own_model()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        screenshot(page, f"replicas-{name}")

    def close(self) -> None:
        self.page.context.close()


def _students(browser, cluster: Cluster, plan: list[int]) -> list[Student]:
    taken: set[str] = set()
    out = []
    try:
        for k, replica in enumerate(plan):
            out.append(Student(browser, cluster, replica, 0.5 + 0.25 * (k + 1), taken))
    except BaseException:
        for s in out:
            s.close()
        raise
    return out


def _survive(cluster: Cluster, students: list[Student], editor: Student, replica: int, fault, name: str) -> None:
    """`editor` edits a weight (work done after the link was opened: only the address bar holds it), then `fault`
    takes `replica` away: each of its students recovers its own model, every other goes on untouched."""
    editor.edit_w1_01(editor.model["W1"][0][1] - 2)
    before = [runs_started(s.page) for s in students]
    fault()
    live = [r for r in range(len(cluster.members)) if r != replica]
    for s, runs in zip(students, before, strict=True):
        if s.replica == replica:  # its replica went away: the reconnect runs a new session on a live one
            s.after_fault(runs, f"{name}-{s.replica}-{s.model['W1'][0][0]:g}")
            s.replica = live[0]
        else:  # untouched: its session goes on where it was
            s.expect_own_model()


def test_a_replica_killed_then_one_restarted_mid_lecture_cost_no_student_their_work(browser, cluster):
    students = _students(browser, cluster, [0, 0, 1])
    try:
        _survive(cluster, students, students[0], 0, lambda: cluster.kill(0), "killed")
        cluster.restart(0)  # back to two replicas; replica 1 now holds every session
        assert {s.replica for s in students} == {1}
        _survive(cluster, students, students[2], 1, lambda: cluster.restart(1), "restarted")
    finally:
        for s in students:
            s.close()


def test_the_proxy_passes_the_apps_upload_limit_and_no_more(cluster):
    """nginx's client_max_body_size follows .streamlit/config.toml's maxUploadSize (1 MB, plus room for the
    multipart envelope): a larger body is refused by the proxy itself (413), before any replica."""
    too_large = urllib.request.Request(cluster.url + "/_stcore/upload_file/x/y", data=b"0" * (3 << 20),
                                       method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(too_large, timeout=10)
    assert refused.value.code == 413
