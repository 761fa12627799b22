"""A 2-2-1 network in the browser: the XOR preset, its hidden layer's δ as text, an edited weight, and the link."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .app_helpers import assert_shows, metric, stepper_text
from .browser import new_page, open_app, rerun, screenshot, type_into_cell
from .oracle import XOR, XOR_LINK, fmt, tanh_net


def _choose_xor(page) -> None:
    box = page.get_by_test_id("stSidebar").locator(".st-key-preset_select")
    with rerun(page):
        box.get_by_role("combobox").click()
        page.get_by_role("option", name=re.compile("XOR")).click()


def test_the_xor_preset_shows_one_neuron_fail_and_the_network_succeed(page, app_url):
    open_app(page, app_url)
    _choose_xor(page)
    ref = tanh_net(**XOR)
    expect(metric(page, "Loss L")).to_have_text(fmt(ref["loss"]))
    expect(metric(page, "New loss after one step")).to_have_text(fmt(ref["new_loss"]))
    main = page.get_by_test_id("stMain")
    expect(main).not_to_contain_text("One neuron cannot learn this")  # its panel trains only once opened
    with rerun(page):
        page.get_by_test_id("stExpander").filter(has_text="need the hidden layers").locator("summary").click()
    expect(main).to_contain_text("One neuron cannot learn this; the 2-2-1 network can")
    svg = page.locator("svg.bpx-diagram").first
    expect(svg).to_contain_text("0.7000")  # W2[0,0] on its edge, as SVG text
    tip = svg.locator("#unit_1_0 .bpx-tip").first
    expect(tip).to_be_hidden()
    svg.locator("#unit_1_0").click()
    expect(tip).to_be_visible()  # a tap (the focus) shows the unit's formula with its numbers
    expect(tip).to_contain_text("layer 1, unit 0 (h1[0]), sample 0: z =")
    screenshot(page, "network-xor-overview")


def test_editing_w1_00_changes_the_loss_to_the_networks(page, app_url):
    open_app(page, app_url + "/?" + XOR_LINK)
    expect(metric(page, "Loss L")).to_have_text(fmt(tanh_net(**XOR)["loss"]))
    type_into_cell(page, "W1", 1, 0, "2")  # column 0 is the row index (the inputs' names)
    W1 = [[2.0, -0.4], [0.3, 0.8]]
    expect(metric(page, "Loss L")).to_have_text(fmt(tanh_net(**{**XOR, "W1": W1})["loss"]))


def test_the_hidden_layers_delta_is_on_the_step_page_as_text(page, app_url):
    open_app(page, app_url + "/step_by_step?" + XOR_LINK + "&step=13")
    ref = tanh_net(**XOR)
    expect(page.get_by_test_id("stMain")).to_contain_text("δ₁")
    assert_shows(stepper_text(page), ref["delta1"].ravel())
    screenshot(page, "network-step-13-hidden-delta")


def test_the_link_opens_the_same_numbers_in_a_new_browser(browser, app_url):
    fresh = new_page(browser)
    try:
        open_app(fresh, app_url + "/?" + XOR_LINK)
        ref = tanh_net(**XOR)
        expect(metric(fresh, "Loss L")).to_have_text(fmt(ref["loss"]))
        expect(metric(fresh, "New loss after one step")).to_have_text(fmt(ref["new_loss"]))
        expect(fresh.get_by_test_id("stSidebar")).to_contain_text("Layer 1 units")
    finally:
        fresh.context.close()
