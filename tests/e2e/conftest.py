"""Fixtures for the browser tests: one app server for the session, Chromium, and a fresh page per test.

Without Chromium the tests skip with how to install it; under CI (CI=true) a missing browser fails them.
Screenshots (FAILED-<test>.png when a test fails) and the server's log go to test-artifacts/e2e/.
"""

from __future__ import annotations

import os

import pytest

from .browser import (
    ARTIFACTS,
    INSTALL_HINT,
    REPO,
    StreamlitServer,
    find_chromium,
    launch_chromium,
    new_page,
    open_app,
    screenshot,
    under_ci,
)

E2E_DIR = REPO / "tests" / "e2e"

try:
    import playwright  # noqa: F401
except ImportError:
    if under_ci():
        raise
    collect_ignore_glob = ["test_*.py"]


def pytest_report_header(config):
    if "collect_ignore_glob" in globals():
        return "browser tests skipped: the playwright package is missing; pip install -r requirements-dev.txt"
    return None


def pytest_collection_modifyitems(items):
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # not emptied: runs on one machine may overlap
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser(artifacts):
    path = find_chromium()
    if path is None:
        reason = f"no Chromium found; {INSTALL_HINT}"
        if under_ci():
            pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, path)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def server(artifacts):
    """The app (`streamlit run app.py`), started once for the whole session (one per xdist worker: the log
    names the worker) and always stopped."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    with StreamlitServer(REPO / "app.py", log=artifacts / f"server{'-' + worker if worker else ''}.log") as running:
        yield running


@pytest.fixture(scope="session")
def app_url(server, browser) -> str:
    """The server's URL, after a first visit to its home page: the first run of a server process is
    special (see test_a_deep_link_as_the_first_request_to_a_fresh_server...), so each test meets a server
    that has run app.py once."""
    tab = new_page(browser)
    try:
        open_app(tab, server.url)
    finally:
        tab.context.close()
    return server.url


@pytest.fixture
def page(browser, request):
    """A page in a fresh browser context (a new Streamlit session); a screenshot is kept if the test fails."""
    tab = new_page(browser)
    yield tab
    report = getattr(request.node, "rep_call", None)
    failed = ARTIFACTS / f"FAILED-{request.node.name}.png"
    if report is not None and report.failed:
        screenshot(tab, failed.stem)
    elif report is not None:
        failed.unlink(missing_ok=True)
    tab.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
