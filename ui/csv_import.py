"""CSV import: read an uploaded or pasted table, check it, and turn chosen columns into the model's X and y.

Two stages, so the user can pick the columns between them:
- `parse(data)` reads bytes or text into a `Table` (header + rows of cell texts, with each row's line in
  the file), or raises `CsvError` naming the line (and column) that is wrong: empty or too large a file,
  not UTF-8, binary, no header, a single column (wrong delimiter), ragged rows, too many rows or columns.
- `to_model(table, features, target, base)` checks every chosen cell as a number and returns a `Model`
  with those columns as X and y; errors name the line and the column as the file has them.

Commas, semicolons and tabs are accepted as delimiters (spreadsheets paste tab-separated text); the
decimal separator is the dot. Pure Python: no Streamlit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

import backprop as bp
from backprop.validation import MAX_FEATURES, to_number

from .model import Model, cell, names_problem

MAX_BYTES = 1_000_000  # 1 MB, the same as the upload widget's limit
MAX_ROWS = 10_000
MAX_COLUMNS = MAX_FEATURES + 1  # every feature the engine takes, and the target
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
DEFAULT_WEIGHT = "0.1"  # a new feature's starting weight: small, and not 0 so a ReLU does not start dead


class CsvError(ValueError):
    """A file that cannot be imported. The message names the line (1-based, as editors show) and column."""


@dataclass(frozen=True)
class Table:
    """A parsed CSV: column names, rows of stripped cell texts, and the file line each row came from."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    delimiter: str

    @property
    def n_rows(self) -> int:
        return len(self.rows)


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        if len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise CsvError(f"the text is larger than {MAX_BYTES // 1000:,} KB; import at most "
                           f"{MAX_ROWS:,} rows")
        return data
    if len(data) > MAX_BYTES:
        raise CsvError(f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:g} MB "
                       f"(at most {MAX_ROWS:,} rows)")
    if b"\x00" in data[:4096]:
        raise CsvError("this is not a text file (it contains NUL bytes); export your table as CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CsvError(f"line {line}: byte 0x{data[err.start]:02x} is not UTF-8 text; save the file as "
                       "CSV UTF-8 (in Excel: Save As, 'CSV UTF-8')") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def parse(data: bytes | str) -> Table:
    """Read CSV bytes (UTF-8) or text into a `Table`; CsvError names what is wrong and where."""
    text = _text(data)
    if "\x00" in text:
        raise CsvError("this is not a text file (it contains NUL characters); export your table as CSV")
    if not text.strip():
        raise CsvError("the file is empty: the first line must name the columns, e.g. x0,x1,y, and each "
                       "following line holds one sample")
    first = text.lstrip("\r\n").splitlines()[0]
    delimiter = _delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: tuple[str, ...] | None = None
    header_line = 0
    rows, lines = [], []
    try:
        for record in reader:
            line = reader.line_num
            cells = tuple(c.strip() for c in record)
            if not any(cells):
                continue  # blank lines
            if header is None:
                header, header_line = _check_header(cells, line, delimiter), line
                continue
            if len(cells) != len(header):
                raise CsvError(f"line {line} has {len(cells)} value{'s' if len(cells) != 1 else ''} but the "
                               f"header (line {header_line}) names {len(header)} columns")
            if len(rows) >= MAX_ROWS:
                raise CsvError(f"line {line}: the file has more than {MAX_ROWS:,} data rows, the limit")
            rows.append(cells)
            lines.append(line)
    except csv.Error as err:
        raise CsvError(f"line {reader.line_num}: {err} (check the quotes on that line)") from None
    if not rows:
        raise CsvError("the file has a header but no data rows below it")
    return Table(header, tuple(rows), tuple(lines), delimiter)


def _check_header(cells: tuple[str, ...], line: int, delimiter: str) -> tuple[str, ...]:
    if len(cells) == 1:
        raise CsvError(f"line {line} holds a single column ({cells[0][:40]!r}): separate the columns with "
                       "commas (semicolons and tabs work too), with the target as one of them")
    if all(_is_number(c) for c in cells if c):
        raise CsvError(f"line {line} holds numbers, not column names: the first line must name the "
                       f"columns, e.g. {delimiter.join(['x0', 'x1', 'y'])}")
    if len(cells) > MAX_COLUMNS:
        raise CsvError(f"line {line} names {len(cells)} columns; the limit is {MAX_COLUMNS} "
                       f"({MAX_FEATURES} features and the target)")
    for j, name in enumerate(cells):
        if not name:
            raise CsvError(f"line {line}, column {j + 1}: the column has no name")
        if cells.index(name) != j:
            raise CsvError(f"line {line}, column {j + 1}: the name {name[:40]!r} is used twice")
    return cells


def default_target(table: Table) -> str:
    """The column most likely to be the target: one called y/target/label, else the last one."""
    for name in table.header:
        if name.strip().lower() in ("y", "target", "label", "class", "output"):
            return name
    return table.header[-1]


def classes_of(table: Table, target: str) -> tuple[str, ...]:
    """A class column's distinct values in class order: numbers by value, else names in order of first appearance
    (class k is the k-th)."""
    values = list(dict.fromkeys(row[table.header.index(target)] for row in table.rows))
    return tuple(sorted(values, key=float)) if all(_is_number(v) for v in values) else tuple(values)


def to_model(table: Table, features: list[str] | tuple[str, ...], target: str | list[str], base: Model,
             as_classes: bool = False) -> Model:
    """`_targets_model`, with the feature columns' names as the features' names when they can be (names_problem:
    distinct, short, no target column's name); else x0, x1, ..."""
    m = _targets_model(table, features, target, base, as_classes)
    return replace(m, feature_names=tuple(features) if names_problem(features, m.n_features) is None else ())


def _targets_model(table: Table, features: list[str] | tuple[str, ...], target: str | list[str], base: Model,
                   as_classes: bool = False) -> Model:
    """As `_to_model` for one target column; for several numeric target columns a model of K = that many outputs;
    `as_classes`: the one target column's distinct values (text such as "setosa", or numbers) become the classes
    0..K-1 (their names kept in `Model.classes`), with softmax and cross-entropy."""
    targets = [target] if isinstance(target, str) else list(target)
    if not targets:
        raise CsvError("choose a target column")
    if as_classes and len(targets) > 1:
        raise CsvError("a class column is one column: choose one target column for classes")
    overlap = [c for c in targets if c in features]
    if overlap:
        raise CsvError(f"the target column {overlap[0]!r} cannot also be a feature")
    if len(targets) > bp.MAX_OUTPUTS:
        raise CsvError(f"{len(targets)} target columns chosen; the limit is {bp.MAX_OUTPUTS} outputs")
    if base.outputs > 1:  # start from one output; the new K follows from the chosen targets
        base = replace(base.with_outputs(1)[0], activation="identity" if base.activation == "softmax"
                       else base.activation, loss="mse" if base.loss == "ce" else base.loss, classes=())
    if not as_classes and len(targets) == 1:
        return _to_model(table, features, targets[0], base)
    if as_classes:
        names = classes_of(table, targets[0])
        if not 2 <= len(names) <= bp.MAX_OUTPUTS:
            raise CsvError(f"the class column {targets[0]!r} holds {len(names)} distinct value"
                           f"{'s' if len(names) != 1 else ''}; classes need 2 to {bp.MAX_OUTPUTS}")
        t = table.header.index(targets[0])
        labelled = Table(table.header, tuple(row[:t] + (str(names.index(row[t])),) + row[t + 1:] for row in table.rows),
                         table.lines, table.delimiter)
        one = _to_model(labelled, features, targets[0], replace(base, loss="mse"))
        k, y = len(names), one.y
        settings = dict(activation="softmax", loss="ce", classes=() if all(_is_number(v) for v in names) else names)
    else:
        one = _to_model(table, features, targets[0], base)
        for extra in targets[1:]:
            _to_model(table, features, extra, base)  # checks its cells
        cols = [table.header.index(c) for c in targets]
        k, y = len(targets), tuple(tuple(row[j] for j in cols) for row in table.rows)
        settings = {}
    moved, _ = replace(one, activation="identity" if settings else one.activation).with_outputs(k)
    return replace(moved, y=y, **settings)


def _to_model(table: Table, features: list[str] | tuple[str, ...], target: str, base: Model) -> Model:
    """`base` with X from the `features` columns and y from `target`; every cell checked as a number.

    The weights stay when the number of features is unchanged, else each starts at DEFAULT_WEIGHT (a network
    keeps its architecture and its layers above the first, whose W1 starts afresh, He / Xavier with seed 0);
    the bias, learning rate, activation, loss and precision stay. CsvError names the line and column of the
    first bad cell (or a target outside [0, 1] under binary cross-entropy).
    """
    features = list(features)
    if not features:
        raise CsvError("choose at least one feature column")
    if target in features:
        raise CsvError(f"the target column {target!r} cannot also be a feature")
    unknown = [c for c in [*features, target] if c not in table.header]
    if unknown:
        raise CsvError(f"the file has no column {unknown[0]!r}")
    if len(features) > MAX_FEATURES:
        raise CsvError(f"{len(features)} feature columns chosen; the limit is {MAX_FEATURES}")
    cols = [table.header.index(c) for c in features]
    t = table.header.index(target)
    for row, line in zip(table.rows, table.lines, strict=True):
        for j in [*cols, t]:
            where = f"line {line}, column {table.header[j][:40]!r}"
            try:
                value = to_number(row[j], where)
            except bp.InputError as err:
                raise CsvError(_decimal_hint(str(err), row[j], table.delimiter)) from None
            if j == t and base.loss == "bce" and not 0 <= value <= 1:
                raise CsvError(f"{where}: {value:g} is outside [0, 1], which binary cross-entropy needs as a "
                               "target; choose MSE in the sidebar, or another target column")
    X = tuple(tuple(row[j] for j in cols) for row in table.rows)
    y = tuple(row[t] for row in table.rows)
    if base.hidden:  # a network keeps its architecture; its first layer takes the new features
        if base.n_features == len(features):
            return replace(base, X=X, y=y)
        (W1, b1), *rest = base.layers
        width = len(b1)
        layers = (((("0",) * width,) * len(features), b1), *rest)
        fresh = replace(base, X=X, y=y, layers=layers)
        init = fresh.network().init(seed=0)
        texts = fresh.param_texts()
        texts["W1"] = [[cell(round(float(v), 3)) for v in row] for row in init["W1"]]
        return fresh.with_params(texts)
    w = base.w if len(base.w) == len(features) else (DEFAULT_WEIGHT,) * len(features)
    return replace(base, X=X, y=y, w=w)


def _decimal_hint(message: str, cell: str, delimiter: str) -> str:
    if delimiter != "," and "," in cell and _is_number(cell.replace(",", ".", 1)):
        return f"{message} (write decimals with a dot: {cell.replace(',', '.', 1)})"
    return message
