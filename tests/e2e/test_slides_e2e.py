"""Slides in a real browser: the overview's slide, the network and neuron diagrams, the small SVG charts and the
Plotly charts (the landscape's, the training curves) download as PNG and SVG, on the page's background or
transparent, legible on a 1920x1080 slide.

"Legible" here: shown as large as it fits on a 1920x1080 slide, the file's smallest text is at least 18 px (for
an SVG, read from its own font sizes); a PNG is the same picture at twice the size of its SVG.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from playwright.sync_api import expect

from ui.model import PRESETS
from ui.share import encode, query_string

from .browser import ARTIFACTS, new_page, open_app, rerun, wait_for_charts

SLIDE = (1920, 1080)
XOR = query_string(encode(PRESETS["xor"][1]))
SLOW_MS = 120_000  # the landscape trains three optimizers and draws a 3D surface: slow on a busy 2-core machine


@pytest.fixture(scope="module")
def tab(browser):
    page = new_page(browser, {"width": 1366, "height": 900})
    yield page
    page.context.close()


def _save(page, button, tmp_path):
    with page.expect_download() as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def _px(value: str | None) -> float | None:
    match = re.match(r"\s*([\d.]+)(px)?\s*$", value or "")
    return float(match[1]) if match else None


def _smallest_text(svg: ET.Element) -> float:
    """The smallest font size (user units) of a text the SVG shows: its own font-size (attribute or style), else
    its nearest ancestor's."""
    parents = {child: parent for parent in svg.iter() for child in parent}
    sizes = []
    for text in svg.iter("{http://www.w3.org/2000/svg}text"):
        if not "".join(text.itertext()).strip() or "bpx-tip" in (text.get("class") or ""):
            continue
        node, size = text, None
        while node is not None and size is None:
            style = re.search(r"font-size:\s*([\d.]+px)", node.get("style") or "")
            size = _px(style[1]) if style else _px(node.get("font-size"))
            node = parents.get(node)
        sizes.append(size if size is not None else 16)
    assert sizes, "the SVG shows no text"
    return min(sizes)


def assert_legible_svg(path) -> ET.Element:
    svg = ET.fromstring(path.read_text(encoding="utf-8"))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    width, height = _px(svg.get("width")), _px(svg.get("height"))
    fit = min(SLIDE[0] / width, SLIDE[1] / height)
    smallest = _smallest_text(svg) * fit
    assert smallest >= 18, f"{path.name}: {width}x{height}, its smallest text is {smallest:.1f} px on the slide"
    return svg


def assert_png_of(path, svg: ET.Element, clear: bool) -> Image.Image:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path.name
    image = Image.open(io.BytesIO(data)).convert("RGBA")
    width, height = _px(svg.get("width")), _px(svg.get("height"))
    assert abs(image.width - 2 * width) <= 2 and abs(image.height - 2 * height) <= 2, (image.size, width, height)
    alpha = image.getpixel((1, 1))[3]
    assert alpha == (0 if clear else 255), f"{path.name}: corner alpha {alpha}"
    return image


def _tick(page, row, clear: bool) -> None:
    box = row.locator(".save-clear")
    if box.is_checked() != clear:
        box.click()


def test_the_overview_and_its_diagram_download_as_legible_slides(tab, app_url, tmp_path):
    open_app(tab, f"{app_url}/?{XOR}")
    rows = {name: tab.locator(f".st-key-save_{name} .bpx-save") for name in ("overview-slide", "network-diagram")}
    for clear in (False, True):
        for name, row in rows.items():
            expect(row).to_be_visible()
            _tick(tab, row, clear)
            svg_file = _save(tab, row.locator(".save-svg"), tmp_path)
            assert svg_file.name == f"{name}.svg"
            svg = assert_legible_svg(svg_file)
            text = svg_file.read_text(encoding="utf-8")
            assert ("<rect width=\"100%\" height=\"100%\"" in text) is not clear
            assert "W1[0,0]" in text or name == "network-diagram"  # the slide's table of every parameter
            png = _save(tab, row.locator(".save-png"), tmp_path)
            image = assert_png_of(png, svg, clear)
            if not clear:
                image.save(ARTIFACTS / f"slide-{name}.png")
    text = (tmp_path / "overview-slide.svg").read_text(encoding="utf-8")
    loss = tab.get_by_test_id("stMetric").filter(has_text="Loss L").get_by_test_id("stMetricValue").inner_text()
    assert f"Loss L = {loss}" in text  # the numbers on screen


def test_a_neuron_diagram_and_the_notebook_curves_download(tab, app_url, tmp_path):
    open_app(tab, app_url)
    row = tab.locator(".st-key-save_neuron-diagram .bpx-save")
    _tick(tab, row, False)
    svg = assert_legible_svg(_save(tab, row.locator(".save-svg"), tmp_path))
    assert_png_of(_save(tab, row.locator(".save-png"), tmp_path), svg, clear=False)
    with rerun(tab):
        tab.get_by_test_id("stSidebarNav").locator('a[href$="/notebook"]').click()
    row = tab.locator(".st-key-save_notebook-curves .bpx-save")
    _tick(tab, row, True)
    svg = assert_legible_svg(_save(tab, row.locator(".save-svg"), tmp_path))
    assert_png_of(_save(tab, row.locator(".save-png"), tmp_path), svg, clear=True)


def test_every_landscape_chart_downloads_as_png_and_svg(browser, app_url, tmp_path):
    scheme = "dark"  # the file's background is the page's: the dark theme's, here (light is the default above)
    page = new_page(browser, {"width": 1366, "height": 900})
    page.emulate_media(color_scheme=scheme)
    try:
        open_app(page, f"{app_url}/landscape")
        wait_for_charts(page, timeout=SLOW_MS)
        plots = page.locator(".bpx-landscape .bpx-plot")
        for i in range(plots.count()):
            plot = plots.nth(i)
            plot.hover()
            # every plot: an SVG and a transparent PNG; the contour map all four buttons (each file costs the
            # browser a redraw: the 3D surface's in software WebGL)
            buttons = [("save-svg", False), ("save-png-clear", True)]
            if i == 1:
                buttons += [("save-png", False), ("save-svg-clear", True)]
            for button, clear in buttons:
                path = _save(page, plot.locator(f'.modebar-btn[data-title="{_title(button)}"]'), tmp_path)
                if path.suffix == ".svg":
                    svg = assert_legible_svg(path)
                else:
                    image = assert_png_of(path, svg, clear)
                    if not clear:
                        assert sum(image.getpixel((1, 1))[:3]) < 3 * 80, "the dark theme's background"
                    if not clear and i == 1:
                        image.save(ARTIFACTS / f"slide-landscape-map-{scheme}.png")
    finally:
        page.context.close()


def _title(button: str) -> str:
    fmt = button.split("-")[1].upper()
    return f"Download as {fmt}" + (", transparent background" if button.endswith("clear") else "")


def test_the_training_curves_download_as_png_and_svg(tab, app_url, tmp_path):
    spiral = query_string(encode(PRESETS["spiral"][1]))
    open_app(tab, f"{app_url}/training?{spiral}&opt=adam&epochs=20", timeout=SLOW_MS)
    curve = tab.locator(".bpx-training .bpx-curve")
    expect(tab.locator(".bpx-training")).to_have_attribute("data-draws", "1", timeout=SLOW_MS)
    curve.hover()
    titles = curve.locator(".modebar-btn").evaluate_all("bs => bs.map(b => b.dataset.title)")
    assert "Share chart..." not in titles  # no upload of the class's data to Plotly Cloud
    svg = assert_legible_svg(_save(tab, curve.locator(f'.modebar-btn[data-title="{_title("save-svg")}"]'), tmp_path))
    assert "train loss" in ET.tostring(svg, encoding="unicode")  # the legend, as text
    assert_png_of(_save(tab, curve.locator(f'.modebar-btn[data-title="{_title("save-png-clear")}"]'), tmp_path), svg,
                  clear=True)
