"""Helpers that know this app's screens: its metrics, its stepper and its editors' column names."""

from __future__ import annotations

import re

from .browser import column_index, rerun, type_into_cell
from .oracle import fmt

STEP_LABEL = re.compile(r"^Step (\d+) of (\d+)$")


def metric(page, label: str):
    """The value of the st.metric labelled LABEL."""
    title = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=title).get_by_test_id("stMetricValue")


def stepper(page):
    """The step page's stepper component (Playwright's CSS locators reach into its shadow root)."""
    return page.locator(".stepper")


def step_label(page):
    """The stepper's "Step k of n"."""
    return stepper(page).locator(".count")


def step_shown(page) -> int:
    return int(STEP_LABEL.match(step_label(page).inner_text().strip()).group(1))


def stepper_text(page) -> str:
    """The stepper's visible text (innerText of the page does not enter a shadow root)."""
    return stepper(page).inner_text()


def press_stepper(page, name: str) -> None:
    """Click the stepper's button of class NAME (first, prev, next, last, play, reveal): no script run."""
    stepper(page).locator(f"button.{name}").click()


def click(page, key: str) -> None:
    """Click the button with widget key KEY and wait for the run it triggers."""
    with rerun(page):
        page.locator(f".st-key-{key} button").click()


def type_cell(page, name: str, header: str, row: int, text: str) -> None:
    """Type TEXT into the cell of column HEADER, row ROW, of editor NAME ("xy" or "wb")."""
    type_into_cell(page, name, column_index(page, name, header), row, text)


def assert_shows(text: str, numbers) -> None:
    """Every number, at the app's default precision, appears in TEXT."""
    missing = [fmt(v) for v in numbers if fmt(v) not in text]
    assert not missing, f"{missing} not shown in:\n{text}"
