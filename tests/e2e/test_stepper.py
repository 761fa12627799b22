"""The step-by-step page's stepper in Chromium: it steps in the browser (no script run per step), shows the
right numbers at every step, hears the keys only where it should, predicts then reveals, and settles the
step into the URL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .app_helpers import press_stepper, step_label, stepper, stepper_text, type_cell
from .browser import ARTIFACTS, new_page, open_app, rerun, runs_started, screenshot, settle
from .oracle import SEED, fmt, relu_mse

REF = relu_mse(SEED["X"], SEED["y"], SEED["w"], SEED["b"])
# What each of the nine steps shows, from the independent oracle: (title fragment, numbers in its table)
STEPS = [
    ("Pre-activation", REF["z"]),
    ("Activation", REF["a"]),
    ("Loss", [REF["loss"]]),
    ("dL/da", 2 * (REF["a"] - SEED["y"]) / 3),
    ("da/dz", [1.0, 1.0, 1.0]),
    ("delta", REF["delta"]),
    ("share", [*(REF["delta"][i] * SEED["X"][i][j] for i in range(3) for j in range(2)), *REF["delta"]]),
    ("Sum over samples", [*REF["grad_w"], REF["grad_b"]]),
    ("update", [*REF["new_w"], REF["new_b"]]),
]


def _at_step(page, n: int) -> None:
    expect(step_label(page)).to_have_text(f"Step {n} of 9")
    expect(stepper(page).locator(".title")).to_contain_text(STEPS[n - 1][0])


def _open(page, app_url: str, step: int | None = None) -> None:
    open_app(page, f"{app_url}/step_by_step" + (f"?step={step}" if step else ""))
    expect(step_label(page)).to_have_text(re.compile(r"^Step \d+ of 9$"))


def _table_text(page) -> str:
    return stepper(page).locator("table.values").inner_text()


def _wait_for_url_step(page, n: int) -> None:
    """The step settles: one run, after which the URL names it."""
    expect(page).to_have_url(re.compile(rf"[?&]step={n}(&|$)"))
    settle(page)


def test_every_step_shows_the_oracles_numbers_with_no_script_run_until_it_settles(page, app_url):
    _open(page, app_url)
    before = runs_started(page)
    for n, (_, numbers) in enumerate(STEPS, 1):
        _at_step(page, n)
        table = _table_text(page)
        missing = [fmt(v) for v in numbers if fmt(v) not in table]
        assert not missing, (n, missing, table)
        expect(stepper(page).locator(".bars rect")).to_have_count(9 if n == 7 else 0)  # 3 samples x 3 shares
        if n < len(STEPS):
            press_stepper(page, "next")
    assert runs_started(page) == before  # nine steps, no script run yet
    _wait_for_url_step(page, 9)
    assert runs_started(page) == before + 1  # the settled step: one run, for the URL and the share link
    expect(stepper(page).locator("button.next")).to_be_disabled()
    press_stepper(page, "first")
    _at_step(page, 1)
    expect(stepper(page).locator("button.prev")).to_be_disabled()
    press_stepper(page, "last")
    _at_step(page, 9)
    stepper(page).locator(".map button", has_text=re.compile(r"^6 ")).click()
    _at_step(page, 6)
    _wait_for_url_step(page, 6)


def test_the_graph_shows_backward_values_only_once_the_stepper_reaches_them(page, app_url):
    _open(page, app_url)
    z_node = stepper(page).locator(".node[data-node='z1']")
    expect(z_node).to_have_class(re.compile(r"\bcurrent\b"))
    assert fmt(REF["z"][0]) in z_node.inner_text()
    assert fmt(REF["delta"][1]) not in z_node.inner_text()  # δ is step 6: not yet
    theta = stepper(page).locator(".node[data-node='theta1']")
    for _ in range(5):
        press_stepper(page, "next")
    _at_step(page, 6)
    expect(z_node).to_contain_text(fmt(REF["delta"][1]))
    expect(z_node.locator("td.lit")).to_have_count(3)  # δ's column, lit
    assert fmt(REF["grad_b"]) not in theta.inner_text()
    press_stepper(page, "last")
    expect(theta).to_contain_text(fmt(REF["new_b"]))
    expect(theta).to_have_class(re.compile(r"\bcurrent\b"))
    screenshot(page, "step-by-step-graph-at-the-last-step")


def test_keys_step_when_the_stepper_has_the_focus_and_not_from_a_data_editor(page, app_url):
    _open(page, app_url)
    before = runs_started(page)
    stepper(page).locator(".title").click()  # focus inside the stepper
    page.keyboard.press("ArrowRight")
    _at_step(page, 2)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    _at_step(page, 2)
    page.keyboard.press("End")
    _at_step(page, 9)
    page.keyboard.press("Home")
    _at_step(page, 1)
    page.keyboard.press("r")  # not predicting: R does nothing, and Streamlit's own R (rerun) must not fire
    assert runs_started(page) == before
    _wait_for_url_step(page, 1)

    page.get_by_text("Edit X, y, w and b").click()  # the editors' expander, below the stepper
    type_cell(page, "xy", "x0", 0, "3")  # the focus is now in the data editor
    with_edit = relu_mse([[3, 2], *SEED["X"][1:]], SEED["y"], SEED["w"], SEED["b"])
    expect(stepper(page).locator("table.values")).to_contain_text(fmt(with_edit["z"][0]))
    page.keyboard.press("ArrowRight")  # the edit rebuilt the editor: nothing has the focus, nothing moves
    grid = page.get_by_test_id("stDataFrame").first
    grid.click(position={"x": 60, "y": 50})  # select a cell: the focus is in the data editor
    page.keyboard.press("ArrowRight")  # moves in the grid, not the stepper
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    _at_step(page, 1)
    stepper(page).locator(".why").click()
    page.keyboard.press("ArrowRight")
    _at_step(page, 2)


def test_arriving_from_the_navigation_the_keys_step_at_once(page, app_url):
    open_app(page, app_url)
    with rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("Step by step")).click()
    expect(step_label(page)).to_have_text("Step 1 of 9")
    page.keyboard.press("ArrowRight")  # no click into the page first
    _at_step(page, 2)


def test_play_moves_on_by_itself_and_pause_settles(page, app_url):
    _open(page, app_url)
    stepper(page).locator(".speed-choice").select_option("1")
    before = runs_started(page)
    press_stepper(page, "play")
    expect(stepper(page).locator("button.play")).to_have_text(re.compile("Pause"))
    expect(step_label(page)).to_have_text("Step 3 of 9", timeout=5_000)
    assert runs_started(page) == before  # no run while playing
    press_stepper(page, "play")
    expect(stepper(page).locator("button.play")).to_have_text(re.compile("Play"))
    shown = int(re.search(r"Step (\d+)", step_label(page).inner_text()).group(1))
    _wait_for_url_step(page, shown)


def test_predict_then_reveal_hides_each_result_until_r_or_a_click(page, app_url):
    _open(page, app_url, step=5)
    stepper(page).locator(".predict-choice").check()
    result = stepper(page).locator(".result")
    reveal = stepper(page).locator("button.reveal")
    expect(result).to_be_hidden()
    expect(reveal).to_be_visible()
    expect(stepper(page).locator(".formula math")).to_be_visible()  # the formula stays: predict from it
    z_node = stepper(page).locator(".node[data-node='z1']")
    press_stepper(page, "next")  # step 6, δ: the class guesses its sign and size
    _at_step(page, 6)
    expect(result).to_be_hidden()
    assert fmt(REF["delta"][1]) not in z_node.inner_text()  # not in the graph either
    screenshot(page, "step-by-step-predict-before-reveal")
    stepper(page).locator(".title").click()
    page.keyboard.press("r")
    expect(result).to_be_visible()
    expect(stepper(page).locator("table.values")).to_contain_text(fmt(REF["delta"][1]))
    expect(z_node).to_contain_text(fmt(REF["delta"][1]))
    press_stepper(page, "next")
    expect(result).to_be_hidden()
    reveal.click()
    expect(result).to_be_visible()
    assert fmt(REF["grad_b"]) in stepper_text(page)
    press_stepper(page, "prev")  # revealed once, it stays revealed
    expect(result).to_be_visible()


def test_a_link_with_a_step_opens_that_step(page, app_url):
    _open(page, app_url, step=4)
    _at_step(page, 4)
    press_stepper(page, "next")
    _at_step(page, 5)
    _wait_for_url_step(page, 5)


def test_a_link_with_a_step_out_of_range_says_so_and_opens_step_1(page, app_url):
    _open(page, app_url, step=99)
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("99")
    _at_step(page, 1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_at_1280x720_the_lesson_is_above_the_fold_and_the_step_number_shown_once(browser, app_url, scheme):
    page = new_page(browser, {"width": 1280, "height": 720})
    try:
        page.emulate_media(color_scheme=scheme)
        _open(page, app_url, step=6)
        for part in (".title", ".formula math", ".numbers math", "table.values"):
            box = stepper(page).locator(part).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 720, (part, box)
        texts = stepper_text(page) + page.get_by_test_id("stMain").inner_text()
        assert len(re.findall(r"\b6 of 9\b|^6\. |step 6\b", texts, flags=re.M)) == 1, texts
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"step-by-step-1280x720-{scheme}.png"))  # the screen, as seen
    finally:
        page.context.close()


def test_the_share_box_link_follows_the_settled_step(page, app_url):
    _open(page, app_url)
    press_stepper(page, "next")
    press_stepper(page, "next")
    _wait_for_url_step(page, 3)
    page.get_by_test_id("stSidebar").get_by_text("Copy share link").click()
    expect(page.get_by_test_id("stSidebar").locator(".bpx-share-link code")).to_contain_text("step=3")
