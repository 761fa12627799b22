"""Bad input, fuzzed: share links, CSV files and editor edits, random and adversarial (issue 24, §4).

Every property is seeded (`derandomize=True`: the same examples on every run, so a failure reproduces) and
runs on the pure functions the pages call (ui.share.decode / encode, ui.csv_import.parse / to_model, the
Model's edits, the engine's checks); a handful of AppTest runs take the page path. What must hold for any input:
a message (ShareError, CsvError, InputError: ValueErrors that name what is wrong) or a working state, never
another exception, a silent NaN, or user text reaching the page as unescaped HTML.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop as bp
from ui import model as ui_model
from ui import share
from ui.model import SEED, Model, from_arrays, network_model

ACTIVATION_CHOICES, LOSS_CHOICES = ui_model.ACTIVATION_CHOICES, ui_model.LOSS_CHOICES
MAX_SHOWN_WIDTH, PRECISION_RANGE = ui_model.MAX_SHOWN_WIDTH, ui_model.PRECISION_RANGE

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=300,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _through_the_url(params: dict[str, str]) -> dict[str, list[str]]:
    """What a server reads back from the link's query string (as Streamlit parses it)."""
    return parse_qs(share.query_string(params), keep_blank_values=True)


# ---- every link the app writes opens to the same state ----------------------------------------------------------

def _cells(rng: np.random.Generator, shape) -> np.ndarray:
    """Cell values of every kind a link must carry exactly: whole numbers, tiny and huge floats (up to the
    engine's ±1e9), negative zero, the shortest and the longest decimal forms."""
    kind = rng.integers(0, 4, size=shape)
    values = np.choose(kind, [rng.integers(-1000, 1001, size=shape).astype(float),
                              rng.uniform(-1e9, 1e9, size=shape),
                              rng.normal(size=shape) * 10.0 ** rng.integers(-12, 3, size=shape),
                              np.round(rng.normal(size=shape), 2)])
    return np.where(rng.random(shape) < 0.05, -0.0, values)


@st.composite
def models(draw) -> Model:
    """Any model the app can hold: one neuron or a network of up to bp.MAX_HIDDEN layers of up to
    MAX_SHOWN_WIDTH units, K outputs, any activation and loss it accepts together, targets the loss takes (class
    labels, with or without names, or one-hot rows for cross-entropy), any cells within the engine's limits (drawn
    from a seeded generator: one draw, so hundreds of examples stay fast)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, d = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    loss = draw(st.sampled_from(LOSS_CHOICES))
    activation = bp.LOSSES[loss].output or draw(st.sampled_from(ACTIVATION_CHOICES))
    k = draw(st.integers(max(1, bp.ACTIVATIONS[activation].min_outputs), 4))
    hidden = draw(st.lists(st.tuples(st.integers(1, MAX_SHOWN_WIDTH), st.sampled_from(ACTIVATION_CHOICES)),
                           max_size=bp.MAX_HIDDEN))
    X = _cells(rng, (n, d))
    classes = ()
    if bp.LOSSES[loss].targets == "classes":
        y = rng.integers(0, k, size=n).astype(float)
        if draw(st.booleans()):
            y = np.eye(k)[y.astype(int)]
        elif draw(st.booleans()):
            classes = tuple(f"class {chr(97 + i)}" for i in range(k))
    elif bp.LOSSES[loss].targets == "unit":
        y = rng.random((n, k) if k > 1 else n)
    else:
        y = _cells(rng, (n, k) if k > 1 else n)
    settings_ = dict(lr=draw(st.floats(1e-12, bp.validation.MAX_LR)), activation=activation, loss=loss,
                     precision=draw(st.integers(*PRECISION_RANGE)), outputs=k, classes=classes)
    if not hidden:
        return from_arrays(X, y, _cells(rng, (d, k) if k > 1 else d), _cells(rng, (k,) if k > 1 else ()),
                           **settings_)
    net = bp.Network(inputs=d, hidden=hidden, output=activation, loss=loss, outputs=k)
    return network_model(X, y, hidden, {name: _cells(rng, s) for name, s in net.shapes.items()}, **settings_)


@st.composite
def sessions(draw, m: Model) -> dict:
    """Values of every session field of the schema, as the landscape page's widgets and the sidebar hold them."""
    out = {}
    for f in share.SCHEMA:
        if f.home != "session":
            continue
        if f.kind == "bool":
            out[f.key] = draw(st.booleans())
        elif f.kind == "axes":
            out[f.key] = tuple(draw(st.lists(st.sampled_from(m.params), min_size=2, max_size=2, unique=True)))
        elif f.kind == "choices":
            out[f.key] = tuple(draw(st.lists(st.sampled_from(f.choices), unique=True)))
        elif f.kind == "choice":
            out[f.key] = draw(st.sampled_from(f.choices))
        elif f.kind == "int":
            out[f.key] = draw(st.sampled_from(f.values) if f.values else st.integers(*map(int, f.bounds)))
        elif f.kind == "float":
            out[f.key] = draw(st.floats(*f.bounds))
        else:
            raise AssertionError(f"no strategy for the session field {f.key} ({f.kind}): add one here")
    return out


def _numbers(m: Model):
    net, X, y, params = m.engine()
    return X.tolist(), y.tolist(), net.flatten(params).tolist(), m.hidden, float(m.lr)


@FUZZ
@given(st.data())
def test_every_link_the_app_writes_opens_to_the_same_state(data):
    """encode -> the query string -> decode gives the same state, over every field of the schema: the model's
    numbers exactly, its settings, every session field (the landscape's axes of a network included, whose names
    hold commas: W1[0,0]) and the page's step; encoding the decoded state again gives the same link."""
    m = data.draw(models())
    session = data.draw(sessions(m))
    page = {f.key: data.draw(st.integers(*map(int, f.bounds))) for f in share.SCHEMA if f.home == "page"}
    params = share.encode(m, session, page)
    url = _through_the_url(params)
    back = share.decode(url)
    assert _numbers(back.model) == _numbers(m)
    assert replace(back.model, X=m.X, y=m.y, w=m.w, b=m.b, lr=m.lr, layers=m.layers) == m
    defaults = {f.key: f.default for f in share.SCHEMA if f.home == "session"}
    assert {**defaults, **back.session} == {**defaults, **session}
    assert {k: share.page_value(k, url[k][0]) if k in url else share.FIELDS[k].default for k in page} == page
    assert share.encode(back.model, back.session, page) == params


# ---- links, CSV files and editor edits, hostile ---------------------------------------------------------------

NASTY = ["", " ", ",", ";", ";;", ",,", "1,2;3", "nan", "inf", "-inf", "1e999", "1e-999", "0x10", "1_000", "²", "①",
         "٣", "<script>alert(1)</script>", "javascript:alert(1)", "=1+1", "\\", "`", "$x$", "**b**", "%00", "\x00",
         "W1[0,0],W1[0,1]", "w0,b", "2:tanh", "9:relu", "2:tanh,2:tanh,2:tanh,2:tanh", "8:softmax", "sgd,sgd",
         "true", "on", "201", "+3", "-0", "1" * 40, "é" * 30]
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=30),
                  st.lists(st.sampled_from(["1", "-2.5", "0", "x", ",", ";", "1e9", "1e10", " "]),
                           max_size=20).map("".join))


def _finite(m: Model) -> None:
    """A model the app accepted computes to finite numbers, or the engine names the problem."""
    try:
        net, X, y, params = m.engine()
    except bp.InputError:
        return
    t = net.forward_backward(X, y, params)
    assert np.isfinite(t.loss) or np.isinf(t.loss), "never NaN"
    assert not np.isnan(net.flatten(t.grads)).any()


@FUZZ
@given(st.dictionaries(st.sampled_from([f.key for f in share.SCHEMA]),
                       st.one_of(texts, st.lists(texts, min_size=1, max_size=3)),
                       max_size=8))
def test_any_link_opens_or_says_what_is_wrong(params):
    try:
        shared = share.decode(params)
    except share.ShareError as err:
        assert err.problems and all(isinstance(p, str) and p for p in err.problems)
        return
    if shared is not None:
        _finite(shared.model)
        assert share.encode(shared.model, shared.session)  # what opened can be shared again


def test_a_links_problems_reach_the_page_escaped():
    from ui.share_ui import escape

    with pytest.raises(share.ShareError) as caught:
        share.decode({"activation": "<script>alert(1)</script>", "X": "<img src=x onerror=alert(1)>"})
    for problem in caught.value.problems:
        assert "<" not in escape(problem).replace("\\<", "")


csv_cells = st.one_of(st.sampled_from(["1", "0.5", "-2", "nan", "NaN", "inf", "-inf", "=1+1", "@SUM(A1)", "+1",
                                       "", " ", '"1,5"', '"a\nb"', "1,5", "1e999", "x0", "y", "\ufeffx"]),
                      st.text(max_size=8))


@FUZZ
@given(st.lists(st.lists(csv_cells, max_size=5), max_size=8), st.sampled_from([",", ";", "\t", ", "]),
       st.sampled_from(["", "\ufeff"]), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_any_csv_imports_or_says_what_is_wrong(rows, delimiter, bom, newline, as_bytes):
    from ui import csv_import

    text = bom + newline.join(delimiter.join(r) for r in rows)
    try:
        table = csv_import.parse(text.encode("utf-8", "surrogatepass") if as_bytes else text)
    except csv_import.CsvError as err:
        assert str(err)
        return
    target = csv_import.default_target(table)
    features = [c for c in table.header if c != target][:3]
    try:
        m = csv_import.to_model(table, features, target, SEED)
    except csv_import.CsvError as err:
        assert str(err)
        return
    _finite(m)


def test_a_long_and_a_wide_csv_are_refused_by_their_caps():
    from ui import csv_import

    with pytest.raises(csv_import.CsvError, match="more than 10,000 data rows"):
        csv_import.parse("x0,y\n" + "1,0\n" * 10_001)
    with pytest.raises(csv_import.CsvError, match="columns; the limit"):
        csv_import.parse(",".join(f"c{j}" for j in range(100)) + "\n" + ",".join("1" * 100))


edits = st.one_of(texts, st.none(), st.floats(), st.integers(-10**12, 10**12), st.booleans())


@FUZZ
@given(st.dictionaries(st.integers(0, 4), st.dictionaries(st.sampled_from(["x0", "x1", "y", "z"]), edits,
                                                          max_size=3), max_size=3),
       st.lists(st.dictionaries(st.sampled_from(["x0", "x1", "y"]), edits, max_size=3), max_size=2),
       st.lists(st.integers(0, 5), max_size=3), st.dictionaries(st.sampled_from(["w0", "w1", "b", "w9"]), edits,
                                                                max_size=3))
def test_any_editor_edit_gives_a_model_that_computes_or_names_the_cell(rows, added, deleted, wb):
    m = SEED.edited(rows, added, deleted).params_edited(wb).filled()
    _finite(m)
