"""Editing the model in the data editors, as a user does it: double-click a cell, type, Enter."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .app_helpers import assert_shows, click, metric, press_stepper, step_label, stepper_text, type_cell
from .browser import cell_box, cell_text, column_index, editor, main_text, open_app, point_at, rerun, screenshot
from .oracle import SEED, fmt, relu_mse


def test_typing_into_x_updates_the_loss_the_gradient_and_the_stepper(page, app_url):
    open_app(page, app_url)
    expect(metric(page, "Loss L")).to_have_text("0.8200")
    type_cell(page, "xy", "x0", 0, "3")

    X = [[3, 2], *SEED["X"][1:]]
    ref = relu_mse(X, SEED["y"], SEED["w"], SEED["b"])
    expect(metric(page, "Loss L")).to_have_text("0.9000")
    expect(metric(page, "dL/db")).to_have_text(fmt(ref["grad_b"]))
    assert_shows(main_text(page), [*ref["grad_w"], *ref["new_w"], ref["new_b"], *ref["z"], *ref["delta"]])
    screenshot(page, "overview-after-editing-x00")

    with rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Step by step")).click()
    expect(step_label(page)).to_have_text(re.compile("^Step 1 of"))
    assert_shows(stepper_text(page), ref["z"])
    for _ in range(2):
        press_stepper(page, "next")
    expect(step_label(page)).to_have_text(re.compile("^Step 3 of"))
    assert_shows(stepper_text(page), [ref["loss"]])
    press_stepper(page, "last")
    assert_shows(stepper_text(page), [*ref["new_w"], ref["new_b"]])
    press_stepper(page, "prev")
    assert_shows(stepper_text(page), [*ref["grad_w"], ref["grad_b"]])
    screenshot(page, "step-by-step-after-editing-x00")


def test_the_grids_stay_while_typing_and_the_other_grid_opens_at_the_first_double_click(page, app_url):
    """An edit does not remount the grids (the same canvases before and after); the other grid's cell then
    opens at a user's first double-click; another page's grids show both edits."""
    open_app(page, app_url)
    b_col = column_index(page, "wb", "b")
    b_cell, b_text = cell_box(page, "wb", b_col, 0), cell_text(page, "wb", b_col, 0)
    wb_canvas = editor(page, "wb").get_by_test_id("data-grid-canvas")
    corner = wb_canvas.bounding_box()
    dx, dy = b_cell["x"] + b_cell["width"] / 2 - corner["x"], b_cell["y"] + b_cell["height"] / 2 - corner["y"]
    wb_canvas.focus()
    page.keyboard.press("Escape")  # finding the cell selected it: clear that, as for a user who never touched w|b
    canvases = "[data-testid='stDataFrame'] [data-testid='data-grid-canvas']"
    page.locator(canvases).evaluate_all("cs => cs.forEach((c, i) => { c.dataset.drawn = String(i); })")
    type_cell(page, "xy", "x0", 0, "3")
    expect(editor(page, "wb").locator("[role='gridcell'][aria-selected='true']")).to_have_count(0)
    corner = wb_canvas.bounding_box()  # the page scrolled to the X|y cell
    x, y = corner["x"] + dx, corner["y"] + dy
    point_at(page, x, y)
    page.mouse.dblclick(x, y)
    field = page.locator(".gdg-input")
    expect(field).to_have_value(b_text)
    field.fill("0.5")
    with rerun(page):
        field.press("Enter")
    assert page.locator(canvases).evaluate_all("cs => cs.map(c => c.dataset.drawn)") == ["0", "1"]
    ref = relu_mse([[3, 2], *SEED["X"][1:]], SEED["y"], SEED["w"], 0.5)
    expect(metric(page, "Loss L")).to_have_text(fmt(ref["loss"]))

    with rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Gradient check")).click()
    page.get_by_test_id("stExpander").get_by_text("Edit X, y, w and b").click()
    assert cell_text(page, "xy", column_index(page, "xy", "x0"), 0) == "3"
    assert cell_text(page, "wb", b_col, 0) == "0.5"


def test_typing_down_a_column_as_in_a_spreadsheet(page, app_url):
    """Enter commits a cell and selects the one below; typing there edits it, with no double-click (the grid is
    not rebuilt in between, so it keeps its selection)."""
    open_app(page, app_url)
    type_cell(page, "xy", "x0", 0, "3")
    for text in ("4", "0"):
        with rerun(page):
            page.keyboard.type(text)
            page.keyboard.press("Enter")
    x0 = column_index(page, "xy", "x0")
    assert [cell_text(page, "xy", x0, row) for row in range(3)] == ["3", "4", "0"]
    ref = relu_mse([[3, 2], [4, 1], [0, -2]], SEED["y"], SEED["w"], SEED["b"])
    expect(metric(page, "Loss L")).to_have_text(fmt(ref["loss"]))


def test_adding_a_sample_row_shows_no_error_until_it_is_filled_in(page, app_url):
    open_app(page, app_url)
    grid = editor(page, "xy")
    grid.hover()
    with rerun(page):
        grid.get_by_role("button", name="Add row").click()
    expect(editor(page, "xy").locator("[role='gridcell'][id$='-3']")).to_have_count(3)  # x0, x1, y
    hint = page.get_by_test_id("stMain").get_by_text("Row 3: not filled in yet")
    expect(hint).to_be_visible()
    screenshot(page, "overview-a-new-empty-row")

    for header, text in (("x0", "1"), ("x1", "-1"), ("y", "0.5")):
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(0)
        expect(metric(page, "Loss L")).to_have_text("0.8200")  # the row is left out until it is complete
        type_cell(page, "xy", header, 3, text)
    expect(hint).to_have_count(0)
    ref = relu_mse([*SEED["X"], [1, -1]], [*SEED["y"], 0.5], SEED["w"], SEED["b"])
    expect(metric(page, "Loss L")).to_have_text(fmt(ref["loss"]))
    expect(page.get_by_test_id("stMain")).to_contain_text("4 samples × 2 features")
    assert_shows(main_text(page), [*ref["grad_w"], ref["grad_b"], *ref["z"]])
    screenshot(page, "overview-after-adding-a-row")


def test_adding_a_feature_column_grows_x_and_w(page, app_url):
    open_app(page, app_url)
    click(page, "add_feature")
    expect(editor(page, "xy").locator("[role='columnheader']")).to_have_text(["x0", "x1", "x2", "y"])
    expect(editor(page, "wb").locator("[role='columnheader']")).to_have_text(["w0", "w1", "w2", "b"])
    expect(page.get_by_test_id("stMain")).to_contain_text("3 samples × 3 features")
    expect(metric(page, "Loss L")).to_have_text("0.8200")  # the new column and weight start at zero

    type_cell(page, "xy", "x2", 0, "2")
    type_cell(page, "wb", "w2", 0, "-0.5")
    ref = relu_mse([[1, 2, 2], [2, 1, 0], [-1, -2, 0]], SEED["y"], [0.1, 0.2, -0.5], SEED["b"])
    expect(metric(page, "Loss L")).to_have_text(fmt(ref["loss"]))
    assert_shows(main_text(page), [*ref["grad_w"], ref["grad_b"]])
    screenshot(page, "overview-after-adding-a-feature")


def test_text_in_a_cell_shows_an_error_naming_it_and_fixing_it_recovers(page, app_url):
    open_app(page, app_url)
    type_cell(page, "xy", "x1", 1, "abc")
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"row 1\b.*x1|x1.*row 1\b", re.S))
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert editor(page, "xy").locator(f"#glide-cell-{column_index(page, 'xy', 'x1')}-1").text_content() == "abc"
    stale = page.get_by_test_id("stAlertContentWarning").filter(has_text="Showing the results for the last valid input")
    expect(stale).to_be_visible()  # the seed's numbers, labelled stale
    expect(metric(page, "Loss L")).to_have_text("0.8200")
    screenshot(page, "overview-with-a-bad-cell")

    type_cell(page, "xy", "x1", 1, "3")
    expect(error).to_have_count(0)
    expect(stale).to_have_count(0)
    ref = relu_mse([[1, 2], [2, 3], [-1, -2]], SEED["y"], SEED["w"], SEED["b"])
    expect(metric(page, "Loss L")).to_have_text(fmt(ref["loss"]))
    assert_shows(main_text(page), [*ref["grad_w"], ref["grad_b"]])
