"""Faults found by trying hostile and extreme input (issue 24, §0): each a regression test that failed on the
old code, through the page path a student takes (AppTest)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from conftest import ENTRY
from streamlit.testing.v1 import AppTest

from ui import share
from ui.model import PRESETS

XOR = ("X=0,0;0,1;1,0;1,1&y=0,1,1,0&hidden=2:tanh&W1=0.5,-0.4;0.3,0.8&b1=0.1,-0.2&W2=0.7;-0.6&b2=0.05&lr=0.1"
       "&activation=identity&loss=mse")


def open_link(query: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if page:
        at.switch_page(f"../pages/{page}.py")
    return at.run()


def test_a_networks_landscape_link_reopens_the_network():
    """The landscape's default axes of a network, W1[0,0] and W1[0,1], hold commas: the link must keep them."""
    params = share.encode(PRESETS["xor"][1], {"axes": ("W1[0,0]", "W1[0,1]")})
    back = share.decode(parse_qs(share.query_string(params)))
    assert back.session["axes"] == ("W1[0,0]", "W1[0,1]") and back.model == PRESETS["xor"][1]


def test_a_network_link_with_one_neurons_axes_gives_a_message_not_a_traceback():
    at = open_link("hidden=2:tanh&axes=w0,b")
    assert not at.exception
    assert any("could not be opened" in e.value and "W1 is missing" in e.value for e in at.error)
    assert at.metric, "the page works: the default example's numbers are shown"


@pytest.mark.parametrize("step", ["²", "①", "٣", "+3x"])
def test_a_step_that_is_no_number_gives_a_message_and_the_first_step(step):
    at = open_link(f"step={step}", page="step_by_step")
    assert not at.exception
    assert any("showing step 1" in w.value for w in at.warning)
    assert at.session_state["step"] == 1 and at.query_params["step"] == "1"


def test_bce_on_a_relu_output_with_hidden_layers_is_said_once():
    at = open_link(XOR.replace("activation=identity&loss=mse", "activation=relu&loss=bce"))
    said = "\n".join(e.value for e in at.error)
    assert not at.exception and said.count("Binary cross-entropy needs the sigmoid") == 1
