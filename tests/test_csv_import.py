"""CSV import: parsing, validation with line-and-column messages, and loading through the Data page."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from conftest import edit_xy, open_app
from streamlit.testing.v1 import AppTest

import backprop as bp
from ui import csv_import
from ui.csv_import import CsvError, parse, to_model
from ui.model import SEED

GOOD = b"height,weight,label\n1.5,60,1\n1.7,72,0\n1.6,65,1\n"


def shown(elements) -> str:
    """The texts of alerts as a reader sees them (Markdown's backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in elements))


def _error(data, features=None, target=None, base=SEED) -> str:
    with pytest.raises(CsvError) as caught:
        table = parse(data)
        to_model(table, features or [c for c in table.header if c != (target or table.header[-1])],
                 target or table.header[-1], base)
    return str(caught.value)


# ---- parsing ------------------------------------------------------------------------------------------------

def test_a_good_file_becomes_x_and_y_with_the_texts_as_written():
    table = parse(GOOD)
    assert table.header == ("height", "weight", "label") and table.n_rows == 3 and table.lines == (2, 3, 4)
    m = to_model(table, ["height", "weight"], "label", SEED)
    assert m.X == (("1.5", "60"), ("1.7", "72"), ("1.6", "65")) and m.y == ("1", "0", "1")
    assert m.w == SEED.w and m.b == SEED.b and m.lr == SEED.lr  # same number of features: weights kept


def test_a_new_number_of_features_starts_every_weight_at_a_small_value():
    m = to_model(parse(b"a,b,c,y\n1,2,3,4\n"), ["a", "b", "c"], "y", SEED)
    assert m.w == ("0.1",) * 3


def test_any_column_can_be_the_target_and_columns_can_be_left_out():
    m = to_model(parse(GOOD), ["weight"], "height", SEED)
    assert m.X == (("60",), ("72",), ("65",)) and m.y == ("1.5", "1.7", "1.6")


@pytest.mark.parametrize("data", [
    b"x0;x1;y\n1.5;2;1\n",
    b"x0\tx1\ty\n1.5\t2\t1\n",
    b"\xef\xbb\xbfx0,x1,y\r\n1.5,2,1\r\n",  # Excel's UTF-8 BOM and Windows line ends
    b"\n\nx0,x1,y\n\n1.5,2,1\n\n",  # blank lines
    b'"x0","x1","y"\n"1.5"," 2 ",1\n',  # quoted cells, spaces
])
def test_common_dialects_are_read(data):
    m = to_model(parse(data), ["x0", "x1"], "y", SEED)
    assert m.X == (("1.5", "2"),) and m.y == ("1",)


def test_pasted_text_is_read_like_a_file():
    assert parse("a\tb\n1\t2\n").rows == (("1", "2"),)


def test_the_target_is_guessed_from_its_name_or_is_the_last_column():
    assert csv_import.default_target(parse(b"y,a,b\n1,2,3\n")) == "y"
    assert csv_import.default_target(parse(b"a,Target,b\n1,2,3\n")) == "Target"
    assert csv_import.default_target(parse(b"a,b,c\n1,2,3\n")) == "c"


# ---- errors name the line and column --------------------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    (b"", "the file is empty"),
    (b"  \n\n", "the file is empty"),
    (b"x0,x1,y\n", "no data rows"),
    (b"1,2,3\n4,5,6\n", "line 1 holds numbers, not column names"),
    (b"x0|x1|y\n1|2|3\n", "line 1 holds a single column ('x0|x1|y')"),
    (b"x0 x1 y\n1 2 3\n", "line 1 holds a single column"),
    (b"x0,x1,y\n1,2,3\n4,5\n", "line 3 has 2 values but the header (line 1) names 3 columns"),
    (b"x0,x1,y\n1,2,3,4\n", "line 2 has 4 values"),
    (b"x0,,y\n1,2,3\n", "line 1, column 2: the column has no name"),
    (b"a,a,y\n1,2,3\n", "line 1, column 2: the name 'a' is used twice"),
    (b'x0,x1,y\n1,"2,3\n', "line 2"),
    ("x0,x1,y\n1,2,3\n4,5,caf\xe9\n".encode("latin-1"), "line 3: byte 0xe9 is not UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
    (b"x0,x1,y\n1,abc,3\n", "line 2, column 'x1': 'abc' is not a number"),
    (b"x0,x1,y\n1,2,3\n1,,3\n", "line 3, column 'x1': the cell is empty"),
    (b"x0,x1,y\n1,2,nan\n", "line 2, column 'y': the cell is empty or NaN"),
    (b"x0,x1,y\n1,inf,3\n", "line 2, column 'x1': 'inf' is infinite"),
    (b"x0,x1,y\n1,1e308,3\n", "line 2, column 'x1': 1e+308 is too large"),
    (b"x0;x1;y\n1,5;2;3\n", "line 2, column 'x0': '1,5' is not a number (write decimals with a dot: 1.5)"),
])
def test_a_bad_file_names_the_line_and_column(data, expected):
    assert expected in _error(data)


def test_too_large_a_file_is_refused_before_it_is_read():
    data = b"x0,y\n" + b"1.000000,2\n" * 100_000
    assert "the limit is 1 MB" in _error(data)


def test_more_rows_than_the_limit_are_refused_naming_the_first_line_over():
    data = b"x,y\n" + b"1,2\n" * (csv_import.MAX_ROWS + 1)
    assert f"line {csv_import.MAX_ROWS + 2}: the file has more than 10,000 data rows" in _error(data)


def test_64_features_are_fine_and_65_are_too_many():
    header = ",".join(f"f{j}" for j in range(64)) + ",y\n"
    m = to_model(parse((header + ",".join(["1"] * 65) + "\n").encode()), [f"f{j}" for j in range(64)], "y", SEED)
    assert m.n_features == 64
    header = ",".join(f"f{j}" for j in range(65)) + ",y\n"
    assert "names 66 columns; the limit is 65" in _error((header + ",".join(["1"] * 66) + "\n").encode())


def test_bce_targets_outside_0_1_name_the_line():
    assert "line 3, column 'y': 2 is outside [0, 1]" in _error(b"x,y\n1,0\n2,2\n", base=replace(SEED, loss="bce"))


def test_choosing_no_feature_or_the_target_as_a_feature_is_refused():
    table = parse(GOOD)
    with pytest.raises(CsvError, match="at least one feature"):
        to_model(table, [], "label", SEED)
    with pytest.raises(CsvError, match="cannot also be a feature"):
        to_model(table, ["label", "height"], "label", SEED)


def test_one_row_and_one_column_import_and_run():
    m = to_model(parse(b"x,y\n2,1\n"), ["x"], "y", SEED)
    t = bp.forward_backward(m.X, m.w, m.b, m.y, lr=m.lr)
    assert t.X.shape == (1, 1)


# ---- the Data & sharing page ------------------------------------------------------------------------------

def _upload(at: AppTest, data: bytes, name: str = "data.csv") -> AppTest:
    at.file_uploader(key="csv_file").set_value((name, data, "text/csv"))
    return at.run()


def test_uploading_and_loading_a_file_replaces_the_data_on_every_page():
    at = _upload(open_app("data"), GOOD, "people.csv")
    assert "3 rows × 3 columns" in " ".join(c.value for c in at.caption)
    at.button(key="csv_load").click().run()
    assert not at.exception
    m = at.session_state["model"]
    assert m.X == (("1.5", "60"), ("1.7", "72"), ("1.6", "65")) and m.y == ("1", "0", "1")
    assert any("Loaded 3 samples × 2 features" in s.value for s in at.success)
    assert at.selectbox(key="preset_select").value == "own"  # the sidebar's Example: "Your own data"
    assert at.query_params["X"] == "1.5,60;1.7,72;1.6,65"  # and the address holds it
    at.switch_page("../pages/overview.py").run()
    assert not at.error and not at.exception


def test_the_user_chooses_target_and_features():
    at = _upload(open_app("data"), GOOD)
    next(s for s in at.selectbox if s.label == "Target column (y)").set_value("height").run()
    assert next(s for s in at.multiselect if s.label == "Feature columns (X)").value == ["weight", "label"]
    next(s for s in at.multiselect if s.label == "Feature columns (X)").set_value(["weight"]).run()
    at.button(key="csv_load").click().run()
    m = at.session_state["model"]
    assert m.y == ("1.5", "1.7", "1.6") and m.X == (("60",), ("72",), ("65",)) and m.w == ("0.1",)


def test_pasting_a_table_works_like_uploading():
    at = open_app("data")
    at.text_area(key="csv_text").set_value("a\tb\ty\n1\t2\t3\n4\t5\t6\n").run()
    at.button(key="csv_load").click().run()
    assert at.session_state["model"].X == (("1", "2"), ("4", "5"))


def test_a_bad_file_keeps_the_current_data_and_says_where_it_is_wrong():
    at = open_app("data")
    before = at.session_state["model"]
    _upload(at, b"x0,x1,y\n1,2,3\n4,5\n")
    assert "line 3 has 2 values" in shown(at.error)
    assert at.session_state["model"] == before
    assert not [b for b in at.button if b.key == "csv_load"]


def test_a_bad_cell_found_on_load_keeps_the_current_data():
    at = _upload(open_app("data"), b"x0,x1,y\n1,2,3\n4,five,6\n")
    at.button(key="csv_load").click().run()
    assert "line 3, column 'x1': 'five' is not a number" in shown(at.error)
    assert at.session_state["model"] == SEED


def test_bad_input_keeps_the_last_valid_exports_labelled_stale():
    at = open_app("data")
    edit_xy(at, edited={0: {"x0": "3"}})
    edit_xy(at, edited={1: {"y": "abc"}})
    assert not at.exception and "y row 1" in at.error[0].value
    assert any("Showing the results for the last valid input" in w.value for w in at.warning)
    assert [b.proto.label for b in at.get("download_button")][:2] == ["Samples (CSV)", "Parameters (CSV)"]
    script = next(c.value for c in at.code if "import numpy" in c.value)
    assert "[3.0, 2.0]," in script and "y = np.array([1.0, 0.0, 0.0]" in script, "the last valid input's data"


def test_a_network_keeps_its_architecture_when_a_file_brings_other_features():
    from ui.model import PRESETS

    xor = PRESETS["xor"][1]
    table = csv_import.parse("a,b,c,label\n1,2,3,0\n4,5,6,1\n")
    m = csv_import.to_model(table, ["a", "b", "c"], "label", xor)
    assert m.hidden == xor.hidden and m.n_features == 3 and m.layers[1:] == xor.layers[1:]
    assert m.w == xor.w and m.b == xor.b  # the layers above the first keep their weights
    net, X, y, params = m.engine()
    assert params["W1"].shape == (3, 2) and X.shape == (2, 3)
    same = csv_import.to_model(csv_import.parse("p,q,label\n1,2,0\n"), ["p", "q"], "label", xor)
    assert same.layers == xor.layers  # same number of features: every weight stays
