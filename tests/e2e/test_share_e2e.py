"""Share links, CSV upload and the NumPy export, in a real browser: what one user copies, another opens."""

from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import expect

from .app_helpers import metric, step_label, stepper_text, type_cell
from .browser import main_text, new_page, open_app, rerun, screenshot, settle
from .oracle import SEED, fmt, relu_mse

X_EDITED = [[3, 2], *SEED["X"][1:]]


def _go(page, name: str) -> None:
    with rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(name)).click()


def _sidebar_link(page) -> str:
    """Open the sidebar's "Copy share link" item, press its Copy button, and return the clipboard's text."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Copy share link").click()
    box = sidebar.locator(".bpx-share-link")
    code = box.locator("code")
    expect(code).to_be_visible()
    box.get_by_role("button", name="Copy").click()
    expect(box.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.strip() == code.inner_text().strip()
    return copied.strip()


def test_a_link_copied_in_one_browser_opens_the_same_state_in_another(browser, page, app_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    open_app(page, app_url)
    type_cell(page, "xy", "x0", 0, "3")
    expect(metric(page, "Loss L")).to_have_text("0.9000")
    url = _sidebar_link(page)
    assert url.startswith(app_url + "/?X=3,2;2,1;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.01"), url

    other = new_page(browser)  # another browser context: its own cookies, its own Streamlit session
    try:
        open_app(other, url)
        ref = relu_mse(X_EDITED, SEED["y"], SEED["w"], SEED["b"])
        expect(metric(other, "Loss L")).to_have_text("0.9000")
        expect(metric(other, "dL/db")).to_have_text(fmt(ref["grad_b"]))
        expect(other.get_by_test_id("stToast")).to_contain_text("Opened a shared example")  # once, dismissible
        text = main_text(other)
        assert all(fmt(v) in text for v in [*ref["grad_w"], *ref["new_w"], ref["new_b"]]), text
        assert "X=3" in other.url.replace("%2C", ","), "the address bar keeps the work the link opened"
        screenshot(other, "share-link-opened-in-a-second-browser")
    finally:
        other.context.close()


def test_a_link_to_a_step_opens_at_that_step_with_the_links_data(page, app_url):
    open_app(page, f"{app_url}/step_by_step?X=3,2;2,1;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.01&step=3")
    expect(step_label(page)).to_have_text(re.compile("^Step 3 of"))
    assert "0.9000" in stepper_text(page)
    assert "/step_by_step?" in page.url and page.url.endswith("&step=3")


def test_a_tampered_link_explains_itself_and_shows_the_default_example(page, app_url):
    open_app(page, f"{app_url}/?X=1,2;2,oops;-1,-2&y=1,0,0&w=0.1,0.2&b=1&lr=0.01")
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("This link could not be opened")
    expect(error).to_contain_text("X row 1, column x1: 'oops' is not a number")
    expect(metric(page, "Loss L")).to_have_text("0.8200")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot(page, "share-link-tampered")


def _upload(page, name: str, data: bytes) -> None:
    chooser = page.get_by_test_id("stFileUploaderDropzoneInput")
    before = page.evaluate("() => window.__stRuns.started")
    chooser.set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    settle(page, after=before)


def test_uploading_a_csv_in_the_browser_loads_it_and_bad_files_are_explained(page, app_url):
    open_app(page, app_url)
    _go(page, "Data & sharing")
    _upload(page, "latin1.csv", "x0,x1,y\n1,2,1\n3,4,caf\xe9\n".encode("latin-1"))
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("line 3: byte 0xe9 is not UTF-8")
    screenshot(page, "csv-upload-not-utf8")

    _upload(page, "people.csv", b"height,weight,label\n1.5,60,1\n1.7,72,0\n")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    load = page.get_by_role("button", name="Load into the explorer")
    expect(load).to_have_count(1)
    with rerun(page):
        load.click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Loaded 2 samples × 2 features")
    _go(page, "Overview")
    ref = relu_mse([[1.5, 60], [1.7, 72]], [1, 0], SEED["w"], SEED["b"])
    expect(metric(page, "Loss L")).to_have_text(fmt(ref["loss"]))


def test_a_file_over_the_upload_limit_is_refused_by_the_uploader(page, app_url):
    open_app(page, app_url)
    _go(page, "Data & sharing")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": b"x,y\n" + b"1,2\n" * 300_000}])
    chip = page.get_by_test_id("stFileChip")
    expect(chip).to_have_attribute("aria-invalid", "true")
    expect(chip.get_by_role("alert")).to_have_text(re.compile(r"File must be 1(\.0)?\s?MB or smaller"))
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(metric(page, "Loss L")).to_have_count(0)  # still on the Data page, nothing loaded
    screenshot(page, "csv-upload-too-large")


def test_the_downloaded_numpy_script_prints_the_numbers_on_screen(page, app_url, tmp_path):
    open_app(page, app_url)
    type_cell(page, "xy", "x0", 0, "3")
    shown = main_text(page)
    _go(page, "Data & sharing")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("NumPy script")).click()
    path = tmp_path / "backprop_step.py"
    download.value.save_as(path)
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=True).stdout
    assert "3. loss L = 0.9000" in out
    ref = relu_mse(X_EDITED, SEED["y"], SEED["w"], SEED["b"])
    gradient = "[" + ", ".join(fmt(v) for v in [*ref["grad_w"], ref["grad_b"]]) + "]"
    assert f"8. gradient [dL/dw, dL/db] = {gradient}" in out
    for v in [*ref["grad_w"], ref["grad_b"], *ref["new_w"], ref["new_b"]]:
        assert fmt(v) in shown and fmt(v) in out
