"""A hand-written 3-class link in Chromium (4 samples, 2-3-3 tanh, softmax, cross-entropy): the overview's loss is
torch's cross_entropy as text, and the step page's softmax step shows each sample's probabilities as torch's.
Screenshots of that step in presenter mode at 1280x720, light and dark."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import expect

from .app_helpers import metric, step_label, stepper
from .browser import ARTIFACTS, new_page, open_app, rerun

torch = pytest.importorskip("torch")

X = [[0, 0], [1, 0], [0, 1], [1, 1]]
LABELS = [0, 1, 2, 1]
W1, B1 = [[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]], [0.1, 0, -0.1]
W2, B2 = [[1, -0.5, 0.3], [0.4, 0.9, -0.7], [-0.8, 0.2, 0.6]], [0, 0.1, -0.1]


def rows(m) -> str:
    return ";".join(",".join(str(v) for v in r) for r in m)


LINK = (f"X={rows(X)}&y={','.join(map(str, LABELS))}&hidden=3:tanh&W1={rows(W1)}&b1={','.join(map(str, B1))}"
        f"&W2={rows(W2)}&b2={','.join(map(str, B2))}&lr=0.1&activation=softmax&outputs=3&loss=ce")
SCREEN = {"width": 1280, "height": 720}
SOFTMAX_STEP = 4  # z1, a1, z2, then a2 = softmax(z2)


def open_in_presenter_mode(page, app_url: str, step: int, scheme: str) -> None:
    """The link's step page at `step` in the colour `scheme`, presenter mode switched on from the sidebar."""
    page.emulate_media(color_scheme=scheme)
    open_app(page, f"{app_url}/step_by_step?{LINK}&step={step}")
    with rerun(page):
        page.get_by_test_id("stSidebar").get_by_text("Presenter mode", exact=True).click()
    expect(step_label(page)).to_contain_text(f"Step {step} of")


def torch_reference() -> tuple[np.ndarray, float]:
    t = {k: torch.tensor(v, dtype=torch.float64) for k, v in dict(W1=W1, b1=B1, W2=W2, b2=B2).items()}
    z = torch.tanh(torch.tensor(X, dtype=torch.float64) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    loss = torch.nn.functional.cross_entropy(z, torch.tensor(LABELS))
    return torch.softmax(z, dim=1).numpy(), float(loss)


def test_the_overview_loss_and_the_softmax_steps_probabilities_are_torchs(browser, app_url):
    probs, loss = torch_reference()
    page = new_page(browser)
    try:
        open_app(page, f"{app_url}/?{LINK}")
        expect(metric(page, "Loss L")).to_have_text(f"{loss:.4f}")
        open_app(page, f"{app_url}/step_by_step?{LINK}&step={SOFTMAX_STEP}")
        expect(stepper(page).locator(".title")).to_contain_text("softmax")
        table = stepper(page).locator("table.values")
        for i in range(4):
            row = table.locator("tr").filter(has_text=f"sample {i}").inner_text()
            for k in range(3):
                assert f"{probs[i, k]:.4f}" in row, (i, k, row)
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_softmax_step_in_presenter_mode(browser, app_url, scheme):
    probs, _ = torch_reference()
    page = new_page(browser, SCREEN)
    try:
        open_in_presenter_mode(page, app_url, SOFTMAX_STEP, scheme)
        text = stepper(page).locator("table.values").inner_text()
        assert all(f"{v:.4f}" in text for v in probs.ravel()), text
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"presenter-softmax-step-1280x720-{scheme}.png"))
    finally:
        page.close()
