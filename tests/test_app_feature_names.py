"""A CSV's column names become the features' names wherever features are named (the X|y table, the W1 table's rows,
the network diagram, the training page's inputs), travel in share links as `xnames`, and fall back to x0, x1, ...
when they cannot name the features (a target column's name, a repeat, a separator)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from conftest import ENTRY, drawn_table, load_preset, open_app, pictures
from streamlit.testing.v1 import AppTest

from ui import csv_import, share
from ui.model import PRESETS, SEED, names_problem

CSV = "height cm,weight kg,y\n170,65,1\n160,50,0\n180,90,1\n150,45,0\n"


def _import(text: str) -> AppTest:
    at = open_app("data")
    at.text_area(key="csv_text").input(text).run()
    at.button(key="csv_load").click().run()
    assert not at.exception and not at.error
    return at


def test_an_imported_csvs_column_names_name_the_features_everywhere():
    at = _import(CSV)
    m = at.session_state["model"]
    assert m.features == ["height cm", "weight kg"] and m.own_features == ["height cm", "weight kg"]
    at.switch_page("../pages/overview.py").run()
    assert list(drawn_table(at, "xy").columns) == ["height cm", "weight kg", "y"]
    neuron = pictures(at)["neuron-diagram"]
    assert "height cm · w₀" in neuron and "weight kg · w₁" in neuron
    link = share.query_string(share.encode(m))
    assert "xnames=height%20cm,weight%20kg" in link
    # a network: the W1 table's rows and the diagram's inputs
    at = at.selectbox(key="arch_depth").select(1).run()
    assert list(drawn_table(at, "W1").index) == ["height cm", "weight kg"]
    diagram = pictures(at)["network-diagram"]
    assert "height cm" in diagram and "weight kg" in diagram
    at.switch_page("../pages/training.py").run()
    assert not at.exception and not at.error


def test_a_link_with_feature_names_opens_them_and_old_links_keep_x0():
    query = "X=1,2;2,1&y=1,0&w=0.5,-0.5&b=0&xnames=age,income"
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.query_params = {k: v[0] for k, v in parse_qs(query).items()}
    at = at.run()
    assert not at.exception and not at.error
    assert at.session_state["model"].features == ["age", "income"]
    assert at.query_params["xnames"] == "age,income"
    assert share.decode({"X": "1,2;2,1", "y": "1,0"}).model.features == ["x0", "x1"]


@pytest.mark.parametrize(("names", "problem"), [
    ("a", "1 names for 2 features"),
    ("a,a", "must list at most 64 distinct names"),
    ("a,y", "'y' is a target column's name"),
    ("a,class", "'class' is a target column's name"),
])
def test_feature_names_that_cannot_name_the_features_are_refused_in_a_link(names, problem):
    with pytest.raises(share.ShareError) as err:
        share.decode({"X": "1,2;2,1", "y": "1,0", "xnames": names})
    assert problem in str(err.value)


def test_column_names_that_cannot_name_features_fall_back_to_x0():
    table = csv_import.parse("y0,b,target\n1,2,1\n2,1,0\n")
    m = csv_import.to_model(table, ["y0", "b"], "target", SEED)
    assert m.features == ["x0", "x1"] and m.own_features is None
    assert names_problem(("a,b", "c"), 2) is not None


def test_the_iris_preset_names_its_four_measurements():
    at = load_preset(open_app(), "iris")
    assert at.session_state["model"].features == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert PRESETS["iris"][1].own_features is not None


def test_the_data_export_and_the_step_pages_graph_keep_the_names():
    from lesson import export
    from ui import state, stepper

    at = _import(CSV)
    m = at.session_state["model"]
    t = state._trace(m.filled())
    text = export.data_csv(t, m.own_features)
    assert text.splitlines()[0] == "height cm,weight kg,y"
    again = csv_import.to_model(csv_import.parse(text), ["height cm", "weight kg"], "y", SEED)
    assert again.features == m.features and again.X == m.X
    x = next(n for n in stepper.payload(t, 4, m.own_features)["graph"]["nodes"] if n["id"] == "X")
    assert [c["head"] for c in x["columns"]] == ["height cm", "weight kg"]
