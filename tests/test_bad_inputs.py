"""The bad-input catalogue: everything a user can type, upload or paste in a link, through the whole app.

Each entry drives the app (AppTest) the way a user would and checks the answer: no traceback, a message
naming the problem (or, for inputs that are odd but valid, sensible numbers and an explanation), and
nothing the user typed lost. Timing of the large inputs is measured by hand (README), never asserted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

import pytest
from conftest import ENTRY, edit_wb, edit_xy, editor_table, open_app, pictures
from streamlit.testing.v1 import AppTest

import backprop as bp
from ui import render
from ui.model import SEED

STALE = "Showing the results for the last valid input"


def said(elements) -> str:
    """What a reader sees in these alerts (Markdown's backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in elements))


def metric(at: AppTest, label: str) -> str | None:
    return next((m.value for m in at.metric if m.label == label), None)


def _loss_with(**changes) -> str:
    """The loss the app shows for the seed example with some inputs changed (engine numbers, app format)."""
    args = dict(X=SEED.X, w=SEED.w, b=SEED.b, y=SEED.y) | changes
    return render.fmt(bp.forward_backward(**args).loss, SEED.precision)


def sidebar(at: AppTest, key: str, value) -> AppTest:
    widget = next(w for kind in (at.text_input, at.selectbox) for w in kind if w.key == key)
    return widget.set_value(value).run()


def upload(at: AppTest, data: bytes, load: bool = True) -> AppTest:
    at.switch_page("../pages/data.py").run()
    at.file_uploader(key="csv_file").set_value(("input.csv", data, "text/csv"))
    at.run()
    if load and [b for b in at.button if b.key == "csv_load"]:
        at.button(key="csv_load").click().run()
    return at


def link(query: str) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    return at.run()


def csv_rows(n: int, d: int) -> bytes:
    header = ",".join(f"f{j}" for j in range(d)) + ",y\n"
    body = "".join(",".join(f"{(i * 7 + j) % 11 - 5}" for j in range(d)) + f",{i % 3}\n" for i in range(n))
    return (header + body).encode()


@dataclass(frozen=True)
class Case:
    """One catalogue entry: how to enter it, the words the app must say, and what must still hold after."""

    name: str
    enter: Callable[[], AppTest]
    says: tuple[str, ...] = ()  # words of the st.error (all must appear), or () for a valid input
    kept: Callable[[AppTest], bool] = lambda at: True  # the user's input (or the last good state) is kept
    note: tuple[str, ...] = ()  # words of a warning/info that explains a valid-but-odd input


def _x(text: str) -> Callable[[], AppTest]:
    return lambda: edit_xy(open_app(), edited={1: {"x1": text}})


def _typed_x(text: str) -> Callable[[AppTest], bool]:
    return lambda at: editor_table(at, "xy").loc[1, "x1"] == text and at.session_state["model"].X[1][1] == text


def _lr(text: str) -> Callable[[], AppTest]:
    return lambda: sidebar(open_app(), "setting_lr", text)


def _lr_kept(text: str) -> Callable[[AppTest], bool]:
    return lambda at: at.session_state["setting_lr"] == text and at.session_state["model"].lr == text.strip()


def _seed_kept(at: AppTest) -> bool:
    return at.session_state["model"] == SEED


def _bce_then_y(text: str) -> AppTest:
    at = sidebar(open_app(), "setting_loss", "bce")
    return edit_xy(at, edited={0: {"y": text}})


CATALOGUE = [
    # cells typed into the editors
    Case("text in X", _x("abc"), ("X row 1, column x1", "'abc' is not a number"), _typed_x("abc")),
    Case("empty X cell", _x(""), ("X row 1, column x1", "empty"), _typed_x("")),
    Case("blank X cell", _x("   "), ("X row 1, column x1", "empty"), _typed_x("   ")),
    Case("NaN", _x("nan"), ("X row 1, column x1", "NaN"), _typed_x("nan")),
    Case("inf", _x("inf"), ("X row 1, column x1", "infinite"), _typed_x("inf")),
    Case("-inf in y", lambda: edit_xy(open_app(), edited={2: {"y": "-inf"}}), ("y row 2", "infinite"),
         lambda at: at.session_state["model"].y[2] == "-inf"),
    Case("1e308", _x("1e308"), ("X row 1, column x1", "too large"), _typed_x("1e308")),
    Case("1e400 (overflows float)", _x("1e400"), ("X row 1, column x1", "infinite"), _typed_x("1e400")),
    Case("decimal comma", _x("1,5"), ("X row 1, column x1", "'1,5' is not a number"), _typed_x("1,5")),
    Case("markup in a cell", _x("<b>**x**</b>"), ("X row 1, column x1", "'<b>**x**</b>' is not a number"),
         _typed_x("<b>**x**</b>")),
    Case("a 5,000-character cell", _x("9" * 4000 + "x" * 1000), ("X row 1, column x1", "is not a number"),
         lambda at: len(at.session_state["model"].X[1][1]) == 5000),
    Case("text in a weight", lambda: edit_wb(open_app(), {"w1": "heavy"}), ("weight w1", "'heavy' is not a number"),
         lambda at: at.session_state["model"].w[1] == "heavy"),
    Case("empty bias", lambda: edit_wb(open_app(), {"b": ""}), ("bias b", "empty"),
         lambda at: at.session_state["model"].b == ""),
    Case("-0 is zero", lambda: edit_wb(open_app(), {"b": "-0"}), (),
         lambda at: at.session_state["model"].b == "-0" and metric(at, "Loss L") == _loss_with(b=0.0)),
    Case("no rows left", lambda: edit_xy(open_app(), deleted=[0, 1, 2]), ("X is empty",),
         lambda at: at.session_state["model"].w == SEED.w),
    Case("one row", lambda: edit_xy(open_app(), deleted=[1, 2]), (),
         lambda at: metric(at, "Loss L") == "0.2500"),  # z = 1.5, y = 1
    Case("a new row without its target (not filled in yet: left out, no error)",
         lambda: edit_xy(open_app(), added=[{"x0": "1", "x1": "1"}]), (),
         lambda at: at.session_state["model"].X[3] == ("1", "1") and metric(at, "Loss L") == "0.8200"),
    Case("a blank in a middle row", lambda: edit_xy(open_app(), added=[{"x0": "1", "x1": "1", "y": "0"}],
                                                    edited={1: {"y": ""}}), ("y row 1", "empty"),
         lambda at: at.session_state["model"].y[1] == ""),
    Case("one column", lambda: open_app().button(key="remove_feature").click().run(), (),
         lambda at: at.session_state["model"].n_features == 1 and metric(at, "Loss L") is not None),
    # settings
    Case("lr = 0", _lr("0"), ("learning rate", "0 must be greater than 0"), _lr_kept("0")),
    Case("lr = -1", _lr("-1"), ("learning rate", "-1 must be greater than 0"), _lr_kept("-1")),
    Case("lr = text", _lr("fast"), ("learning rate", "'fast' is not a number"), _lr_kept("fast")),
    Case("lr empty", _lr(""), ("learning rate", "empty"), _lr_kept("")),
    Case("lr = 1e7", _lr("1e7"), ("learning rate", "too large"), _lr_kept("1e7")),
    Case("lr = 1e6 diverges but is shown", _lr("1e6"), (),
         lambda at: float(metric(at, "New loss after one step")) > 1e9 * float(metric(at, "Loss L"))),
    Case("BCE targets outside [0, 1]", lambda: _bce_then_y("2"), ("y row 0", "outside [0, 1]", "MSE"),
         lambda at: at.session_state["model"].y[0] == "2" and at.session_state["model"].loss == "bce"),
    Case("BCE on the seed's targets is fine", lambda: sidebar(open_app(), "setting_loss", "bce"), (),
         lambda at: metric(at, "Loss L") is not None),
    # odd but valid: explained, not an error
    Case("all ReLUs dead", lambda: sidebar(open_app(), "preset_select", "all_dead"), (),
         lambda at: metric(at, "dL/db") == "0.0000" and metric(at, "New loss after one step") == metric(at, "Loss L"),
         note=("every sample", "gradient is zero")),
    # CSV files
    Case("CSV: ragged rows", lambda: upload(open_app(), b"x0,x1,y\n1,2,1\n2,1\n"),
         ("line 3 has 2 values", "header (line 1) names 3 columns"), _seed_kept),
    Case("CSV: no header", lambda: upload(open_app(), b"1,2,1\n2,1,0\n"), ("line 1 holds numbers",), _seed_kept),
    Case("CSV: wrong delimiter", lambda: upload(open_app(), b"x0|x1|y\n1|2|1\n"), ("line 1 holds a single column",),
         _seed_kept),
    Case("CSV: not UTF-8", lambda: upload(open_app(), "x0,x1,y\n1,2,1\n3,4,caf\xe9\n".encode("cp1252")),
         ("line 3", "not UTF-8"), _seed_kept),
    Case("CSV: empty file", lambda: upload(open_app(), b""), ("the file is empty",), _seed_kept),
    Case("CSV: too large", lambda: upload(open_app(), b"x,y\n" + b"1.00000000,2\n" * 80_000), ("limit is 1 MB",),
         _seed_kept),
    Case("CSV: text in a cell", lambda: upload(open_app(), b"x0,x1,y\n1,2,1\n2,two,0\n"),
         ("line 3, column 'x1'", "'two' is not a number"), _seed_kept),
    Case("CSV: NaN target", lambda: upload(open_app(), b"x0,y\n1,NaN\n"), ("line 2, column 'y'", "NaN"),
         _seed_kept),
    Case("CSV: 64 features", lambda: upload(open_app(), csv_rows(20, 64)), (),
         lambda at: at.session_state["model"].n_features == 64 and not at.exception),
    Case("CSV: 65 features", lambda: upload(open_app(), csv_rows(20, 65)), ("66 columns", "limit is 65"),
         _seed_kept),
    Case("CSV: 10,000 rows", lambda: upload(open_app(), csv_rows(10_000, 2)), (),
         lambda at: len(at.session_state["model"].X) == 10_000),
    Case("CSV: 10,001 rows", lambda: upload(open_app(), csv_rows(10_001, 2)), ("more than 10,000 data rows",),
         _seed_kept),
    # links
    Case("link: tampered cell", lambda: link("X=1,2;2,x;-1,-2&y=1,0,0&w=0.1,0.2&b=1"),
         ("This link could not be opened", "X row 1, column x1"), _seed_kept),
    Case("link: mismatched y", lambda: link("X=1,2;2,1;-1,-2&y=1,0&w=0.1,0.2&b=1"),
         ("y has 2 values but X has 3 rows",), _seed_kept),
    Case("link: truncated", lambda: link("X=1,2;2,1;-1,-2&y=1,0,0&w=0.1"), ("w has 1 values",), _seed_kept),
    Case("link: huge", lambda: link("X=" + ";".join(["1,2"] * 3000)), ("at most 8,192",), _seed_kept),
    Case("link: nonsensical settings", lambda: link("activation=magic&lr=-1&decimals=x"),
         ("activation", "learning rate", "decimals"), _seed_kept),
]


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.name for c in CATALOGUE])
def test_bad_input(case: Case):
    at = case.enter()
    assert not at.exception, f"{case.name}: a traceback reached the user"
    errors = said(at.error)
    if case.says:
        for words in case.says:
            assert words in errors, f"{case.name}: the error does not say {words!r}: {errors!r}"
    else:
        assert not at.error, f"{case.name}: a valid input was reported as an error: {errors!r}"
    for words in case.note:
        assert words in said([*at.warning, *at.info]), f"{case.name}: no explanation saying {words!r}"
    assert case.kept(at), f"{case.name}: the user's input or the last good state was lost"
    if "Please fix the input" in errors:  # a bad model: its last valid results stay on screen, labelled
        assert STALE in said(at.warning) and metric(at, "Loss L") is not None, f"{case.name}: no last good results"
    elif "Please fix the learning rate" in errors:  # only the update needs it: the passes before it are shown
        assert metric(at, "Loss L") is not None and metric(at, "New loss after one step") == "needs a valid η"
        assert not said(at.warning), f"{case.name}: current results labelled stale"


def test_the_catalogue_has_at_least_25_inputs():
    assert len(CATALOGUE) >= 25


def test_after_any_bad_cell_fixing_it_brings_every_number_back():
    at = _x("abc")()
    at = edit_xy(at, edited={1: {"x1": "1"}})
    assert not at.error and metric(at, "Loss L") == "0.8200"


def test_a_bad_csv_after_a_good_one_keeps_the_good_data_on_screen():
    at = upload(open_app(), b"a,b,y\n1,2,0\n3,4,1\n")
    good = at.session_state["model"]
    at = upload(at, b"a,b,y\n1,2\n")
    assert "line 2 has 2 values" in said(at.error) and at.session_state["model"] == good
    at.switch_page("../pages/overview.py").run()
    assert not at.error and metric(at, "Loss L") is not None


def test_no_page_renders_user_text_as_html():
    at = _x("<img src=x onerror=alert(1)>")()
    for element in at.main:
        assert not getattr(getattr(element, "proto", None), "allow_html", False)  # no Markdown carries HTML
    assert all("<img" not in svg for svg in pictures(at).values())  # the diagrams' SVG (viz/) escapes every text
    assert "\\<img" in " ".join(e.value for e in at.error)
