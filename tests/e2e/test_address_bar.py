"""The address bar holds the work: a reload, a bookmark or a copied address reopens it; and the landing page
says when a learning rate overshoots."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from .app_helpers import metric, step_label, type_cell
from .browser import column_index, editor, main_text, new_page, open_app, screenshot, settle
from .oracle import SEED, fmt, relu_mse


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _address_holds(page, *parts: str) -> None:
    """Wait until the address bar's query holds each `key=value` part (the app rewrites it after each run)."""
    page.wait_for_function("parts => parts.every(p => decodeURIComponent(location.search).includes(p))",
                           arg=list(parts))


def test_an_edit_survives_a_reload(page, app_url):
    open_app(page, app_url)
    type_cell(page, "xy", "x0", 0, "3")
    expect(metric(page, "Loss L")).to_have_text("0.9000")
    _address_holds(page, "X=3,2;2,1;-1,-2")
    assert _query(page.url)["X"] == ["3,2;2,1;-1,-2"]
    page.reload()
    settle(page, after=0)
    expect(metric(page, "Loss L")).to_have_text("0.9000")
    cell = editor(page, "xy").locator(f"#glide-cell-{column_index(page, 'xy', 'x0')}-0")
    expect(cell).to_have_text("3")
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Example")).to_have_value("Your own data")


def test_the_address_opened_in_another_browser_shows_the_same_numbers(browser, page, app_url):
    open_app(page, app_url)
    type_cell(page, "wb", "b", 0, "0.5")
    type_cell(page, "xy", "y", 2, "1")
    ref = relu_mse(SEED["X"], [1, 0, 1], SEED["w"], 0.5)
    expect(metric(page, "Loss L")).to_have_text(fmt(ref["loss"]))
    _address_holds(page, "b=0.5", "y=1,0,1")
    address = page.url

    other = new_page(browser)  # its own cookies, its own Streamlit session: only the address travels
    try:
        open_app(other, address)
        for label in ("Loss L", "dL/db", "dL/dw", "New loss after one step"):
            expect(metric(other, label)).to_have_text(metric(page, label).inner_text())
        text = main_text(other)
        assert all(fmt(v) in text for v in [*ref["z"], *ref["new_w"], ref["new_b"]]), text
    finally:
        other.context.close()


def test_a_learning_rate_of_10_says_the_step_overshot(page, app_url):
    open_app(page, f"{app_url}/?lr=10")
    expect(metric(page, "New loss after one step")).to_have_text("159.2315")
    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="The step overshot")
    expect(warning).to_contain_text("0.8200 to 159.2315")
    assert "downhill" not in main_text(page).split("The step overshot")[0]
    screenshot(page, "overview-overshoot-lr-10")

    page.get_by_test_id("stMain").get_by_role("button", name="Step by step").click()
    settle(page, after=0)
    expect(step_label(page)).to_have_text("Step 1 of 9")
    open_app(page, f"{app_url}/step_by_step?lr=10&step=9")
    expect(step_label(page)).to_have_text("Step 9 of 9")
    expect(page.get_by_test_id("stMain")).to_contain_text("The step overshot")  # the engine's explanation
