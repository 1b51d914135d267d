"""The real dataset validates; malformed copies are rejected with file, line, column and rule."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from borderland import paths
from borderland.load import load_tables
from borderland.validate import DataError, validate_dir


def test_real_data_validates():
    tables = load_tables(use_cache=False)
    assert len(tables.casualty_claims) > 100
    assert len(tables.milestones) > 100
    assert tables.casualty_claims["best"].dtype == "Int64"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(paths.DATA, target)
    return target


def _set_cell(data: Path, table: str, row: int, column: str, value: str) -> int:
    """Set one cell (row 0 = first data row); return that record's line number."""
    path = data / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    rows[row + 1][header.index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return _line_of(path, row)


def _line_of(path: Path, row: int) -> int:
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    next(reader)
    for i, _record in enumerate(reader):
        if i == row:
            return reader.line_num  # records in data/ are one line each
    raise IndexError(row)


def _first_row(data: Path, table: str, **match: str) -> int:
    with (data / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        for i, rec in enumerate(csv.DictReader(fh)):
            if all(rec[k] == v if v != "*" else rec[k] for k, v in match.items()):
                return i
    raise LookupError(match)


def _errors(data: Path) -> str:
    with pytest.raises(DataError) as info:
        validate_dir(data, label_root=data.parent)
    return str(info.value)


CELL_CASES = [
    # (table, row selector, column, bad value, expected rule)
    ("casualty_claims", {}, "best", "-3", "rule: count"),
    ("casualty_claims", {}, "best", "12.5", "rule: count"),
    ("casualty_claims", {}, "best", "a dozen", "rule: count"),
    ("casualty_claims", {}, "party", "soldiers", "rule: enum"),
    ("casualty_claims", {}, "scope", "first-day", "rule: enum"),
    ("casualty_claims", {}, "scope", "", "rule: required"),
    ("casualty_claims", {}, "outcome", "Killed", "rule: enum"),
    ("casualty_claims", {}, "event_id", "khorog-2099-01", "rule: foreign-key"),
    ("casualty_claims", {}, "source_id", "no-such-source", "rule: foreign-key"),
    ("casualty_claims", {}, "reported_on", "2012-13-40", "rule: date"),
    ("casualty_claims", {}, "reported_on", "24/07/2012", "rule: date"),
    ("casualty_claims", {}, "quote", "", "rule: required"),
    ("casualty_claims", {}, "claim_id", "C-1", "rule: id"),
    ("casualty_claims", {"qualifier": "range"}, "high", "0", "rule: low<=best<=high"),
    ("casualty_claims", {"qualifier": "exact"}, "low", "1", "rule: qualifier"),
    ("casualty_claims", {}, "reliability", "certain", "rule: enum"),
    ("casualty_claims", {}, "note", "=HYPERLINK(\"http://x\")", "rule: no-formula"),
    ("events", {}, "start_date", "1700", "rule: date-range"),
    ("events", {}, "end_date", "1990", "rule: end-after-start"),
    ("events", {}, "date_precision", "month", "rule: precision"),
    ("sources", {}, "url", "ftp://example.org/x", "rule: url"),
    ("sources", {"via": "*"}, "via", "self", "rule: via-not-self"),
    ("milestones", {}, "value", "1,000", "rule: number"),
    ("milestones", {"value": "*"}, "unit", "", "rule: unit"),
    ("deployments", {}, "unit", "battalions", "rule: enum"),
    ("milestones", {}, "track", "politics", "rule: enum"),
    ("casualty_claims", {}, "reported_on_basis", "guessed", "rule: enum"),
    ("casualty_claims", {}, "statement_id", "c0001", "rule: id"),
    ("deployments", {}, "measure", "size", "rule: enum"),
    ("deployments", {"measure": "target"}, "status", "actual", "rule: target-planned"),
    ("milestones", {"value": "", "qualifier": ""}, "value", "5", "rule: qualifier"),
    ("milestones", {"qualifier": "exact"}, "value_high", "5", "rule: qualifier"),
    ("milestones", {}, "stated_on_basis", "", "rule: required"),
]


@pytest.mark.parametrize("table,match,column,value,rule", CELL_CASES,
                         ids=[f"{c[0]}-{c[2]}-{c[4].split(': ')[1]}" for c in CELL_CASES])
def test_bad_cell_is_named(tmp_path, table, match, column, value, rule):
    data = _copy(tmp_path)
    row = _first_row(data, table, **match)
    if value == "self":
        value = _cell(data, table, row, "source_id")
    line = _set_cell(data, table, row, column, value)
    message = _errors(data)
    assert f"data/{table}.csv:{line}: column {column}:" in message, message
    assert rule in message


def _cell(data: Path, table: str, row: int, column: str) -> str:
    with (data / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))[row][column]


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    data = _copy(tmp_path)
    _set_cell(data, "casualty_claims", 0, "best", "-1")
    _set_cell(data, "events", 0, "region", "moon")
    message = _errors(data)
    assert "casualty_claims.csv" in message and "events.csv" in message
    assert message.startswith("2 problem(s)")


def test_missing_column(tmp_path):
    data = _copy(tmp_path)
    path = data / "events.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    drop = rows[0].index("place")
    path.write_text("".join(",".join(f'"{c}"' for i, c in enumerate(r) if i != drop) + "\n"
                            for r in rows), encoding="utf-8")
    assert "data/events.csv:1: column place: required column is missing (rule: header)" in _errors(data)


def test_unknown_column(tmp_path):
    data = _copy(tmp_path)
    path = data / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",extra"] + [ln + "," for ln in lines[1:]]) + "\n",
                    encoding="utf-8")
    assert "data/sources.csv:1: column extra: unknown column" in _errors(data)


def test_duplicate_id(tmp_path):
    data = _copy(tmp_path)
    first = _cell(data, "milestones", 0, "milestone_id")
    line = _set_cell(data, "milestones", 1, "milestone_id", first)
    assert f"data/milestones.csv:{line}: column milestone_id: '{first}' is already used on line 2" \
        in _errors(data)


def test_byte_order_mark(tmp_path):
    data = _copy(tmp_path)
    path = data / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert "data/events.csv:1: starts with a byte-order mark" in _errors(data)


def test_latin1_encoding(tmp_path):
    data = _copy(tmp_path)
    path = data / "events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("Khorog", "Khörog", 1).encode("latin-1", errors="replace"))
    message = _errors(data)
    assert "data/events.csv:" in message and "is not UTF-8 (rule: encoding)" in message


def test_trailing_comma_row(tmp_path):
    data = _copy(tmp_path)
    path = data / "deployments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ","
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "data/deployments.csv:2: has 25 fields; the header has 24 (rule: field-count)" in _errors(data)


def test_missing_table(tmp_path):
    data = _copy(tmp_path)
    (data / "deployments.csv").unlink()
    assert "data/deployments.csv: file is missing (rule: tables)" in _errors(data)


def test_validate_command_exit_status(tmp_path, capsys):
    from borderland.cli import main

    data = _copy(tmp_path)
    _set_cell(data, "casualty_claims", 0, "best", "-3")
    assert main(["validate", "--data", str(data)]) == 2
    assert "column best" in capsys.readouterr().err
    assert main(["validate"]) == 0
