"""The step-by-step page's stepper: buttons, keyboard shortcuts, and the step in the URL."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .app_helpers import click, step_label
from .browser import open_app, rerun, screenshot


def _at_step(page, n: int) -> None:
    """The stepper, the heading of the step shown and the URL all say step N."""
    expect(step_label(page)).to_have_text(re.compile(rf"^Step {n} of \d+$"))
    expect(page.get_by_test_id("stMain").get_by_role("heading", name=re.compile(rf"^{n}\. "))).to_be_visible()
    expect(page).to_have_url(re.compile(rf"[?&]step={n}(&|$)"))


def _open_stepper(page, app_url: str) -> None:
    open_app(page, app_url)
    with rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Step by step")).click()


def _press(page, key: str) -> None:
    with rerun(page):
        page.keyboard.press(key)


def test_next_and_previous_move_the_stepper_and_the_url(page, app_url):
    _open_stepper(page, app_url)
    _at_step(page, 1)
    click(page, "step_next")
    _at_step(page, 2)
    click(page, "step_next")
    _at_step(page, 3)
    click(page, "step_prev")
    _at_step(page, 2)
    n = int(re.search(r"of (\d+)", step_label(page).inner_text()).group(1))
    click(page, "step_last")
    _at_step(page, n)
    expect(page.locator(".st-key-step_next button")).to_be_disabled()
    click(page, "step_first")
    _at_step(page, 1)
    expect(page.locator(".st-key-step_prev button")).to_be_disabled()


def test_keyboard_shortcuts_move_the_stepper_and_the_url(page, app_url):
    _open_stepper(page, app_url)
    page.get_by_test_id("stMain").locator("h1").click()  # focus on the page, not in a widget
    _press(page, "ArrowRight")
    _at_step(page, 2)
    _press(page, "ArrowRight")
    _at_step(page, 3)
    _press(page, "ArrowLeft")
    _at_step(page, 2)
    _press(page, "End")
    n = int(re.search(r"of (\d+)", step_label(page).inner_text()).group(1))
    _at_step(page, n)
    _press(page, "Home")
    _at_step(page, 1)


def test_a_link_with_a_step_opens_that_step(page, app_url):
    open_app(page, f"{app_url}/step_by_step?step=4")
    _at_step(page, 4)
    screenshot(page, "step-by-step-opened-from-a-link-at-step-4")
    click(page, "step_next")
    _at_step(page, 5)


def test_a_link_with_a_step_out_of_range_says_so_and_opens_step_1(page, app_url):
    open_app(page, f"{app_url}/step_by_step?step=99")
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("99")
    _at_step(page, 1)
