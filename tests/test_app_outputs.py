"""AppTest: K outputs. A 3-class softmax + cross-entropy network and a 2-output MSE network on every page; the
sidebar's number of outputs; the targets editor's class column and one-hot columns; the output layer's editors;
the overview's probabilities, classes and accuracy; their links; and bad targets named with their cell."""

import numpy as np
import pytest
from conftest import (
    ENTRY,  # noqa: E402
    drawn_table,
    edit_xy,
    stepper_data,
)
from streamlit.testing.v1 import AppTest
from torch_oracle import torch

from ui import share
from ui.model import network_model

X4 = [[0, 0], [1, 0], [0, 1], [1, 1]]
CE = network_model(X4, [0, 1, 2, 1], [(3, "tanh")], outputs=3, activation="softmax", loss="ce", lr=0.1,
                   params={"W1": [[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]], "b1": [0.1, 0.0, -0.1],
                           "W2": [[1.0, -0.5, 0.3], [0.4, 0.9, -0.7], [-0.8, 0.2, 0.6]], "b2": [0.0, 0.1, -0.1]})
XS = np.linspace(-1, 1, 5)[:, None]
MSE2 = network_model(XS, np.round(np.c_[np.sin(XS), np.cos(XS)], 3), [(3, "tanh")], outputs=2,
                     activation="identity", loss="mse", lr=0.1)
PAGES = ("overview", "step_by_step", "gradient_check", "notebook", "landscape", "data")
STALE = "Showing the results for the last valid input"


def open_link(model, page: str | None = None, **extra) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    for k, v in {**share.encode(model), **extra}.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(f"../pages/{page}.py").run()
    return at


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def torch_ce(model) -> tuple[np.ndarray, float]:
    """torch's softmax probabilities and cross_entropy of the model's network."""
    net, X, y, params = model.engine()
    t = {k: torch.tensor(v) for k, v in params.items()}
    z = torch.tanh(torch.tensor(X) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    labels = torch.tensor(np.argmax(y, axis=1))
    return torch.softmax(z, dim=1).numpy(), float(torch.nn.functional.cross_entropy(z, labels))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("model", [CE, MSE2], ids=["3-class softmax CE", "2-output MSE"])
def test_every_page_runs_with_k_outputs(model, page):
    at = open_link(model, page)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["model"] == model


def test_the_overview_shows_the_loss_probabilities_classes_and_accuracy_as_torch():
    at = open_link(CE)
    probs, loss = torch_ce(CE)
    assert metric(at, "Loss L") == f"{loss:.4f}"
    samples = next(t.value for t in at.table if "predicted" in t.value.columns)
    assert [list(samples[f"p{k}"]) for k in range(3)] == [[f"{v:.4f}" for v in probs[:, k]] for k in range(3)]
    predicted = probs.argmax(axis=1)
    assert list(samples["predicted"]) == [str(c) for c in predicted]
    right = predicted == [0, 1, 2, 1]
    assert list(samples["right?"]) == ["✓ yes" if c else "✗ no" for c in right]
    assert metric(at, "Accuracy") == f"{np.mean(right):.0%}"


def test_the_editors_have_a_class_column_or_k_target_columns_and_k_output_units():
    at = open_link(CE)
    assert list(drawn_table(at, "xy").columns) == ["x0", "x1", "class"]
    assert list(drawn_table(at, "W2").columns) == ["ŷ0", "ŷ1", "ŷ2"] and drawn_table(at, "b2").shape == (1, 3)
    at.toggle(key="y_one_hot").set_value(True).run()
    table = drawn_table(at, "xy")
    assert list(table.columns) == ["x0", "x1", "y0", "y1", "y2"]
    assert [list(r) for r in table[["y0", "y1", "y2"]].to_numpy()] == [
        ["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"], ["0", "1", "0"]]
    at.toggle(key="y_one_hot").set_value(False).run()
    assert list(drawn_table(at, "xy")["class"]) == ["0", "1", "2", "1"]
    two = open_link(MSE2)
    assert list(drawn_table(two, "xy").columns) == ["x0", "y0", "y1"]
    assert list(drawn_table(two, "W2").columns) == ["ŷ0", "ŷ1"]


def test_changing_k_keeps_what_fits_and_says_what_it_changed():
    at = open_link(CE)
    at.number_input(key="setting_outputs").set_value(4).run()
    m = at.session_state["model"]
    assert m.outputs == 4 and [r[:3] for r in m.w] == [r for r in CE.w] and m.y == CE.y
    assert not at.exception and not at.error
    said = " ".join(t.proto.body for t in at.toast)
    assert "W2 and b2 kept for outputs 0–2" in said and "initialised for output 3" in said
    at.number_input(key="setting_outputs").set_value(2).run()  # label 2 no longer fits 2 classes
    assert "row 2 holds a label ≥ 2" in " ".join(t.proto.body for t in at.toast)
    assert any("y row 2: 2 is not a class label" in e.value for e in at.error)
    assert any(STALE in w.value for w in at.warning)


def test_softmax_proposes_cross_entropy_and_k_1_with_softmax_is_explained_not_changed():
    at = open_link(MSE2)
    at.selectbox(key="setting_activation").select("softmax").run()
    assert at.session_state["model"].loss == "ce" and at.selectbox(key="setting_loss").value == "ce"
    assert "so the loss is now" in " ".join(t.proto.body for t in at.toast)
    at = open_link(CE)
    at.number_input(key="setting_outputs").set_value(1).run()
    m = at.session_state["model"]
    assert (m.outputs, m.activation, m.loss) == (1, "softmax", "ce")  # kept as chosen: the error explains
    assert any("softmax output needs at least 2 outputs" in e.value for e in at.error)
    assert any(STALE in w.value for w in at.warning)


@pytest.mark.parametrize(("text", "words"), [
    ("3", "y row 1: 3 is not a class label"),
    ("-1", "y row 1: -1 is not a class label"),
    ("0.5", "y row 1: 0.5 is not a class label"),
    ("setosa", "y row 1"),
])
def test_a_bad_class_label_is_named_kept_and_the_last_results_stay_stale(text, words):
    at = edit_xy(open_link(CE), edited={1: {"class": text}})
    assert not at.exception
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["model"].y[1] == text
    assert any(STALE in w.value for w in at.warning) and metric(at, "Loss L") == f"{torch_ce(CE)[1]:.4f}"


def test_a_one_hot_row_that_does_not_sum_to_1_is_named():
    at = open_link(CE)
    at.toggle(key="y_one_hot").set_value(True).run()
    at = edit_xy(at, edited={2: {"y0": "1"}})
    assert any("y row 2: its probabilities sum to 2" in e.value for e in at.error)
    assert any(STALE in w.value for w in at.warning)


def test_links_carry_k_the_class_labels_or_rows_and_old_links_still_open():
    query = share.query_string(share.encode(CE))
    assert "outputs=3" in query and "y=0,1,2,1&" in query and "loss=ce" in query and "activation=softmax" in query
    assert share.decode(share.encode(CE)).model == CE
    assert "y=" + ";".join(",".join(r) for r in MSE2.y) in share.query_string(share.encode(MSE2))
    assert share.decode(share.encode(MSE2)).model == MSE2
    old = share.decode({"X": "1,2;2,1;-1,-2", "y": "1,0,0", "w": "0.1,0.2", "b": "1", "lr": "0.01"})
    assert old.model.outputs == 1 and old.model.y == ("1", "0", "0")
    with pytest.raises(share.ShareError, match="y has 2 columns but the network has 3 outputs"):
        share.decode({**share.encode(CE), "y": "1,0;0,1;1,0;0,1"})
    with pytest.raises(share.ShareError, match="y row 3: 5 is not a class label"):
        share.decode({**share.encode(CE), "y": "0,1,2,5"})


def test_a_link_with_six_decimals_shows_six_everywhere_the_step_page_included():
    at = open_link(CE, decimals="6")
    probs, loss = torch_ce(CE)
    assert metric(at, "Loss L") == f"{loss:.6f}"
    at.switch_page("../pages/step_by_step.py").run()
    data = stepper_data(at)
    cells = [c for n in data["graph"]["nodes"] for col in n["columns"] for c in col["cells"] if c]
    numbers = [c for c in cells if c.lstrip("-")[:1].isdigit() and "e" not in c]
    assert numbers and all(len(c.split(".")[1]) == 6 for c in numbers if "." in c)
    assert f"{probs[0, 0]:.6f}" in cells


@pytest.mark.parametrize("name", ["spiral", "iris", "sincos"])
def test_the_k_output_presets_open_on_the_overview_and_the_step_page(name):
    from conftest import load_preset, open_app

    at = load_preset(open_app(), name)
    assert not at.exception and not at.error, [e.value for e in at.error]
    m = at.session_state["model"]
    assert m.outputs == (2 if name == "sincos" else 3) and at.number_input(key="setting_outputs").value == m.outputs
    if name == "iris":
        assert len(m.X) == 150 and m.n_features == 4 and m.classes == ("setosa", "versicolor", "virginica")
        samples = next(t.value for t in at.table if "predicted" in t.value.columns)
        assert samples["class"].iloc[0] == "0 (setosa)" and samples["class"].iloc[-1] == "2 (virginica)"
    at.switch_page("../pages/step_by_step.py").run()
    assert not at.exception and not at.error


@pytest.mark.parametrize("model", [CE, MSE2], ids=["3-class softmax CE", "2-output MSE"])
def test_the_data_pages_numpy_script_reproduces_the_steps_numbers(model):
    import subprocess
    import sys

    at = open_link(model, "data")
    script = next(c.value for c in at.code if "import numpy" in c.value)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True).stdout
    at.switch_page("../pages/step_by_step.py").run()
    for step in stepper_data(at)["steps"]:  # the values (worked columns e^(z−max), Σ, "before" aside)
        cols = [j for j, c in enumerate(step["table"]["columns"], 1) if not c.startswith(("e^", "Σ", "before"))]
        for row in step["table"]["rows"][:4]:
            assert all(row[j] in out for j in cols if row[j][-1:].isdigit()), (step["title"], row)


def test_csv_import_of_iris_with_its_species_column_as_classes():
    from conftest import open_app

    at = open_app("data")
    from ui.model import IRIS_CSV

    at.text_area(key="csv_text").input(IRIS_CSV.read_text()).run()
    target = next(s for s in at.selectbox if str(s.key).startswith("csv_target_"))
    target.select("species").run()
    assert next(t for t in at.toggle if str(t.key).startswith("csv_classes_")).value  # text: classes
    assert any("0 = setosa; 1 = versicolor; 2 = virginica" in c.value for c in at.caption)
    at.button(key="csv_load").click().run()
    m = at.session_state["model"]
    assert (m.outputs, m.activation, m.loss, m.classes, len(m.X)) == (
        3, "softmax", "ce", ("setosa", "versicolor", "virginica"), 150)
    assert m.y[0] == "0" and m.y[-1] == "2" and not at.exception and not at.error
