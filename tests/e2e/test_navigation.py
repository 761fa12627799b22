"""Every page loads in a real browser, from the navigation and from a link opened on a fresh server."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .browser import (
    ARTIFACTS,
    REPO,
    StreamlitServer,
    main_text,
    nav_labels,
    new_page,
    open_app,
    rerun,
    screenshot,
    settle,
    wait_for_charts,
)


def _nav_links(page):
    return page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")


def test_every_page_in_the_navigation_loads_without_an_exception(page, app_url):
    open_app(page, app_url)
    links = _nav_links(page)
    names = nav_labels(page)
    assert len(names) >= 4, f"the navigation lists only {names}"
    for i, name in enumerate(names):
        link = links.nth(i)
        href = link.get_attribute("href")
        with rerun(page):
            link.click()
        expect(page).to_have_url(re.compile(re.escape(href.rstrip("/")) + r"/?(\?.*)?$"))
        wait_for_charts(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stMain").locator("h1")).not_to_have_count(0)
        assert len(main_text(page)) > 200, f"page {name!r} shows almost nothing"
        screenshot(page, f"page-{i}-" + re.sub(r"\W+", "-", name.lower()).strip("-"))


def test_a_deep_link_as_the_first_request_to_a_fresh_server_shows_the_whole_app(browser):
    # Streamlit treats a main script with a pages/ folder beside it as a legacy multipage app until
    # st.navigation has run once in the process; a first request for a page must still get app.py's shell.
    with StreamlitServer(REPO / "app.py", log=ARTIFACTS / "server-fresh.log") as fresh:
        page = new_page(browser)
        try:
            page.goto(f"{fresh.url}/step_by_step?step=3")
            settle(page, after=0)
            screenshot(page, "deep-link-first-request")
            expect(page.get_by_test_id("stException")).to_have_count(0)
            nav = nav_labels(page)
            assert "Overview" in nav and "Step by step" in nav, f"sidebar navigation is {nav}"
            expect(page.get_by_test_id("stSidebar").get_by_text("Model", exact=True)).to_be_visible()
            expect(page.get_by_test_id("stMain").get_by_text(re.compile(r"Step 3 of \d+"))).to_be_visible()
            assert "step=3" in page.url
        finally:
            page.context.close()
