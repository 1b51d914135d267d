"""Validate the CSV files of data/ against `borderland.schema`.

Every problem is collected (not just the first) and reported as
`data/casualty_claims.csv:14: column best: '-3' is not a whole number >= 0`.
Structure (encoding, columns, quoting, sizes) is checked while reading; values
and row rules with pandera; links between tables last.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import dates
from .schema import (
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    QUALIFIER_FIELDS,
    SHORT_NAME_CHARS,
    SLUG,
    TABLES,
    Column,
    Table,
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one place of one file."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        col = f" column {self.column}:" if self.column else ""
        return f"{where}:{col} {self.message}"


class DataError(Exception):
    """Raised with every problem found in data/."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.summary())

    def summary(self) -> str:
        head = f"{len(self.problems)} problem(s) in the data:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


# A leading -, like = + @, starts a formula ("-2+3+cmd|' /C calc'!A0"); a bare negative
# number is only a number.
_FORMULA = re.compile(r"^[=+@]|^-(?!\d+(?:\.\d+)?$)", re.ASCII)
# C0/C1 controls, and the bidirectional overrides and isolates that can make text display
# in an order other than the one it is stored in ("Trojan source").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# re.ASCII: \d would also match look-alike digits such as '６０' or '٦٠'.
_COUNT = re.compile(r"^\d+$", re.ASCII)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$", re.ASCII)
_URL = re.compile(r"^https?://[^\s<>\"']+$")
# Structural rules after which a table is not (wholly) read.
_UNREADABLE = tuple(f"(rule: {r})" for r in ("file-size", "encoding", "header", "csv-syntax"))


def read_raw(path: Path, table: Table, label: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one CSV as strings, checking encoding, header, quoting and sizes.

    Returns the frame (index = the line each record starts on) and the problems.
    """
    problems: list[Problem] = []
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return _empty(table), [Problem(label, 0, "", f"file is {size:,} bytes; the limit is "
                                       f"{MAX_FILE_BYTES:,} (rule: file-size)")]
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return _empty(table), [Problem(label, 1, "", "starts with a byte-order mark; save as "
                                       "UTF-8 without BOM (rule: encoding)")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        before = raw[: exc.start].decode("utf-8", errors="replace")
        column = _column_at(before, line)
        return _empty(table), [Problem(label, line, column, f"byte {raw[exc.start]:#04x} is not "
                                       "UTF-8 (rule: encoding)")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    try:
        for fields in reader:
            if header is None:
                header = fields
                problems += _check_header(header, table, label)
            elif fields == [] or fields == [""] * len(fields) and len(fields) <= 1:
                problems.append(Problem(label, start, "", "empty line (rule: no-blank-rows)"))
            elif len(fields) != len(header):
                problems.append(Problem(label, start, "", f"has {len(fields)} fields; the header "
                                        f"has {len(header)} (rule: field-count)"))
            else:
                records.append(fields)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        index = _quote_error_field("\n".join(text.split("\n")[start - 1:]))
        column = header[index] if header and start > 1 and index < len(header) else ""
        problems.append(Problem(label, start, column, f"cannot be parsed as CSV: {exc} "
                                "(rule: csv-syntax)"))
    if header is None:
        return _empty(table), [Problem(label, 1, "", "file is empty; expected a header line "
                                       "(rule: header)")]
    if any(p.message.endswith("(rule: header)") for p in problems):
        return _empty(table), problems
    frame = pd.DataFrame(records, columns=header, index=pd.Index(lines, name="line"), dtype=str)
    return frame[table.column_names], problems


def _column_at(before: str, line: int) -> str:
    """The header name of the field that the text `before` ends in ("" on the header line)."""
    lines = before.split("\n")
    if line <= 1:
        return ""
    header = next(csv.reader([lines[0]]), [])
    current = next(csv.reader([lines[-1]]), []) if lines[-1] else []
    index = max(len(current), 1) - 1
    return header[index] if index < len(header) else ""


def _quote_error_field(record: str) -> int:
    """Index of the field of `record` (text from its first line on) whose quoting is broken."""
    field, quoted, at_start, i = 0, False, True, 0
    while i < len(record):
        char = record[i]
        if quoted:
            if char == '"' and record[i + 1:i + 2] == '"':
                i += 1
            elif char == '"':
                if record[i + 1:i + 2] not in (",", "\n", "\r", ""):
                    return field  # text after a closing quote
                quoted = False
        elif char == '"':
            if not at_start:
                return field  # a quote inside an unquoted field
            quoted = True
        elif char == ",":
            field, at_start, i = field + 1, True, i + 1
            continue
        elif char in "\r\n":
            return field
        at_start = False
        i += 1
    return field  # a quote left open to the end of the file


def _empty(table: Table) -> pd.DataFrame:
    return pd.DataFrame(columns=table.column_names, dtype=str, index=pd.Index([], name="line"))


def _check_header(header: list[str], table: Table, label: str) -> list[Problem]:
    expected = table.column_names
    problems = [Problem(label, 1, c, "required column is missing (rule: header)")
                for c in expected if c not in header]
    problems += [Problem(label, 1, c, f"unknown column; allowed: {', '.join(expected)} "
                         "(rule: header)") for c in header if c not in expected]
    dupes = {c for c in header if header.count(c) > 1}
    problems += [Problem(label, 1, c, "column appears twice (rule: header)") for c in dupes]
    return problems


def _value_problem(col: Column, value: str) -> str | None:
    """Why one non-empty cell breaks its column's rule, or None."""
    if len(value) > MAX_FIELD_CHARS:
        return f"value is {len(value):,} characters; the limit is {MAX_FIELD_CHARS:,} (rule: length)"
    if _CONTROL.search(value):
        return f"{value[:40]!r} holds a control character (rule: text)"
    if value != value.strip():
        return f"{value[:40]!r} has leading or trailing white space (rule: text)"
    if col.kind == "text" and _FORMULA.search(value):
        return (f"{value[:40]!r} starts with {value[0]!r}, which spreadsheets run as a formula "
                "(rule: no-formula)")
    if col.kind == "slug" and not re.match(SLUG, value):
        return f"{value[:40]!r} is not a lowercase ASCII slug like 'khorog-2012-07' (rule: slug)"
    if col.kind == "id" and not re.match(col.pattern, value, re.ASCII):
        return f"{value[:40]!r} does not match {col.pattern} (rule: id)"
    if col.kind == "enum" and value not in col.allowed:
        return f"{value[:40]!r} is not allowed; allowed: {', '.join(col.allowed)} (rule: enum)"
    if col.kind == "count" and not _COUNT.match(value):
        return f"{value[:40]!r} is not a whole number >= 0 (rule: count)"
    if col.kind == "number" and not _NUMBER.match(value):
        return f"{value[:40]!r} is not a plain number >= 0 such as 3900000000 or 1.5 (rule: number)"
    if col.kind == "url" and not _URL.match(value):
        return f"{value[:60]!r} is not an http(s) URL (rule: url)"
    if col.kind == "date":
        return dates.problem(value, col.latest_year)
    return None


def _schema(table: Table):
    """A pandera schema checking every cell of `table` and its row rules."""
    import pandera.pandas as pa  # imported here: validation is the only user

    columns = {}
    for col in table.columns:
        checks = [pa.Check(lambda s, col=col: s.map(lambda v: v == "" or
                                                     _value_problem(col, v) is None),
                           name=f"value:{col.name}")]
        if col.required:
            checks.append(pa.Check(lambda s: s != "", name="required"))
        columns[col.name] = pa.Column(str, checks=checks, unique=col.name == table.key)
    return pa.DataFrameSchema(columns, checks=[
        pa.Check(lambda df, rule=rule: df.apply(lambda r: rule(r) is None, axis=1),
                 name=f"row:{name}") for name, rule in _row_rules(table).items()
    ], strict=True, ordered=True)


def _row_rules(table: Table) -> dict:
    """Rules across the cells of one row: name -> function(row) -> (column, message) | None."""
    names = set(table.column_names)
    rules = {}
    if "date_precision" in names:
        date_col = {"events": "start_date", "sources": "published"}.get(table.name, "date")
        rules["precision"] = lambda r: dates.precision_problem(r[date_col], r["date_precision"],
                                                               "date_precision")
    for start, end in (("start_date", "end_date"), ("date", "end_date")):
        if {start, end} <= names:
            rules[f"{end}-order"] = (lambda r, s=start, e=end: (e, (f"{r[e]!r} is before {s} "
                                     f"{r[s]!r} (rule: end-after-start)"))
                                     if _dated(r[e], r[s]) and dates.before(r[e], r[s]) else None)
    if "short_name" in names:
        rules["short-name"] = lambda r: ("short_name", (
            f"{r['short_name']!r} is {len(r['short_name'])} characters; a chart label holds at "
            f"most {SHORT_NAME_CHARS} (rule: short-name)")) \
            if len(r["short_name"]) > SHORT_NAME_CHARS else None
    if "qualifier" in names:
        figures = FIGURES[table.name]
        rules["qualifier"] = lambda r, f=figures: _qualifier_rule(r, f)
        rules["order"] = lambda r, f=figures: _order_rule(r, f)
    if "measure" in names:
        rules["target-planned"] = lambda r: ("status", ("measure 'target' is a stated aim, so "
                                            f"status must be 'planned', not {r['status']!r} "
                                            "(rule: target-planned)")) \
            if r["measure"] == "target" and r["status"] != "planned" else None
    if "value" in names:
        rules["unit"] = lambda r: ("unit", "a value needs its unit (rule: unit)") \
            if r["value"] and not r["unit"] else None
    if "status" in names:
        said = "stated_on" if "stated_on" in names else "reported_on"
        rules["actual-not-future"] = lambda r: ("date", (f"an actual date {r['date']!r} cannot "
                                                f"follow the statement of {r[said]!r} "
                                                "(rule: actual-not-after-statement)")) \
            if r["status"] == "actual" and _dated(r["date"], r[said]) and dates.before(r[said], r["date"]) \
            else None
    if table.name == "sources":
        rules["found-in-or-via"] = lambda r: None if bool(r["found_in"]) != bool(r["via"]) else (
            "found_in", "exactly one of found_in and via must be filled (rule: found-in-or-via)")
        rules["via-self"] = lambda r: ("via", (f"{r['via']!r} names the source itself "
                                       "(rule: via-not-self)")) if r["via"] == r["source_id"] else None
        rules["precision-with-date"] = lambda r: ("date_precision", ("published needs its "
                                                  "date_precision (rule: precision)")) \
            if bool(r["published"]) != bool(r["date_precision"]) else None
    if table.name == "casualty_claims":
        rules["part-of-self"] = lambda r: ("part_of", ("a claim cannot be part of itself "
                                           "(rule: part-of)")) if r["part_of"] == r["claim_id"] else None
    return rules


def _dated(*values: str) -> bool:
    """True when every value is a well-formed date (malformed ones are reported elsewhere)."""
    return all(v and dates.problem(v, 2100) is None for v in values)


# The low/best/high columns of each table of figures, in that order.
FIGURES = {"casualty_claims": ("low", "best", "high"), "deployments": ("low", "best", "high"),
           "milestones": ("value_low", "value", "value_high")}


def _qualifier_rule(row, figures: tuple[str, str, str]) -> tuple[str, str] | None:
    q = row["qualifier"]
    named = dict(zip(("low", "best", "high"), figures, strict=True))
    if not q:
        given = [c for c in figures if row[c]]
        return (given[0], "a value needs its qualifier (rule: qualifier)") if given else None
    if q not in QUALIFIER_FIELDS:
        return None  # reported by the enum check
    filled, empty = QUALIFIER_FIELDS[q]
    for col in (named[c] for c in filled):
        if not row[col]:
            return col, f"qualifier {q!r} needs {col} (rule: qualifier)"
    for col in (named[c] for c in empty):
        if row[col]:
            return col, f"qualifier {q!r} leaves {col} empty; got {row[col]!r} (rule: qualifier)"
    return None


def _order_rule(row, figures: tuple[str, str, str]) -> tuple[str, str] | None:
    values = [(c, float(row[c])) for c in figures if _NUMBER.match(row[c] or "")]
    for (c1, v1), (c2, v2) in itertools.pairwise(values):
        if v1 > v2:
            return c2, f"{c2} {row[c2]} is below {c1} {row[c1]} (rule: low<=best<=high)"
    return None


def _pandera_problems(frame: pd.DataFrame, table: Table, label: str) -> list[Problem]:
    import pandera.pandas as pa

    try:
        _schema(table).validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    problems: list[Problem] = []
    rules = _row_rules(table)
    for case in cases.itertuples():
        line = int(case.index) if pd.notna(case.index) else 0
        check = str(case.check)
        if check.startswith("value:"):
            col = check.split(":", 1)[1]
            value = frame.at[line, col]
            problems.append(Problem(label, line, col, _value_problem(table.column(col), value)))
        elif check == "required":
            problems.append(Problem(label, line, case.column, "is empty but required "
                                    "(rule: required)"))
        elif check == "field_uniqueness":
            first = frame.index[frame[case.column] == case.failure_case][0]
            if line != first:
                problems.append(Problem(label, line, case.column, f"{case.failure_case!r} is "
                                        f"already used on line {first} (rule: unique)"))
        elif check.startswith("row:") and line in frame.index:
            result = rules[check[4:]](frame.loc[line])
            if result:
                problems.append(Problem(label, line, result[0], result[1]))
        else:
            problems.append(Problem(label, line, str(case.column or ""), f"{check}: "
                                    f"{case.failure_case!r}"))
    return problems


def _link_problems(frames: dict[str, pd.DataFrame], labels: dict[str, str],
                   unreadable: frozenset[str] = frozenset()) -> list[Problem]:
    """Foreign keys and rules that need two tables (none into a table that could not be read:
    every reference to it would fail and bury the one problem that matters)."""
    problems: list[Problem] = []
    keys = {name: set(frames[name][TABLES[name].key]) for name in frames}
    for name, frame in frames.items():
        for col in TABLES[name].columns:
            if not col.references:
                continue
            target, _ = col.references.split(".")
            if target in unreadable:
                continue
            for line, value in frame[col.name].items():
                if value and value not in keys.get(target, set()):
                    problems.append(Problem(labels[name], line, col.name, f"{value!r} matches no "
                                            f"{TABLES[target].key} in {target}.csv "
                                            "(rule: foreign-key)"))
    sources = frames["sources"].drop_duplicates("source_id").set_index("source_id")
    for name in ("casualty_claims", "deployments", "milestones"):
        problems += _provenance_links(frames[name], sources, labels[name])
    if "sources" not in unreadable:
        problems += _via_chain(frames["sources"], labels["sources"])
    for name in STATEMENT_FIELDS:
        problems += _statement_problems(frames[name], name, labels[name])
        problems += _duplicate_problems(frames[name], name, labels[name])
    claims = frames["casualty_claims"].drop_duplicates("claim_id").set_index("claim_id")
    for line, row in frames["casualty_claims"].iterrows():
        total = row["part_of"]
        if total in claims.index and claims.at[total, "event_id"] != row["event_id"]:
            problems.append(Problem(labels["casualty_claims"], line, "part_of", f"{total!r} "
                                    "belongs to another event (rule: part-of)"))
    return problems


def _provenance_links(frame: pd.DataFrame, sources: pd.DataFrame, label: str) -> list[Problem]:
    """A relayed outlet must be read in this row's document; claims not after publication."""
    problems = []
    date_col = "reported_on" if "reported_on" in frame else "stated_on"
    for line, row in frame.iterrows():
        orig, sid = row["original_source_id"], row["source_id"]
        if orig in sources.index and sources.at[orig, "via"] != sid:
            problems.append(Problem(label, line, "original_source_id", f"{orig!r} is read via "
                                    f"{sources.at[orig, 'via'] or 'nothing'!r}, not via {sid!r} "
                                    "(rule: relay)"))
        if orig == sid and orig:
            problems.append(Problem(label, line, "original_source_id", "names the source_id "
                                    "itself (rule: relay)"))
        published = sources.at[sid, "published"] if sid in sources.index else ""
        said = row[date_col]
        if _dated(published, said) and dates.before(published, said):
            problems.append(Problem(label, line, date_col, f"{said!r} is after {sid!r} was "
                                    f"published ({published}) (rule: not-after-source)"))
    return problems


def _via_chain(frame: pd.DataFrame, label: str) -> list[Problem]:
    """`via` names a document we read ourselves (one with found_in), so relays end, never loop."""
    found_in = frame.drop_duplicates("source_id").set_index("source_id")["found_in"]
    problems = []
    for line, row in frame.iterrows():
        via = row["via"]
        if via and via != row["source_id"] and via in found_in.index and not found_in[via]:
            problems.append(Problem(label, line, "via", f"{via!r} is itself read via another "
                                    "source; via must name a document we read, one with "
                                    "found_in (rule: via-chain)"))
    return problems


# Fields on which every row of one statement must agree (the same claimant's same figure).
STATEMENT_FIELDS = {
    "casualty_claims": ("claimant", "claimant_type", "event_id", "outcome", "party", "country",
                        "scope", "low", "best", "high", "qualifier"),
    "deployments": ("claimant", "claimant_type", "force", "measure", "event_id", "unit",
                    "status", "date", "low", "best", "high", "qualifier"),
    "milestones": ("claimant_type", "track", "subject", "milestone", "kind", "status", "date",
                   "end_date", "value_low", "value", "value_high", "qualifier", "unit"),
}
# What makes two rows of one document the same figure of the same subject.
DUPLICATE_FIELDS = {
    "casualty_claims": ("source_id", "event_id", "outcome", "party", "country", "scope", "low",
                        "best", "high"),
    "deployments": ("source_id", "force", "measure", "unit", "status", "date", "low", "best",
                    "high"),
    "milestones": ("source_id", "subject", "milestone", "status", "date", "value_low", "value",
                   "value_high"),
}


def _statement_problems(frame: pd.DataFrame, name: str, label: str) -> list[Problem]:
    """Rows of one statement agree on who said what; its primary row belongs to it; rows
    dated as `stated` agree on when."""
    key, said = TABLES[name].key, "stated_on" if name == "milestones" else "reported_on"
    problems: list[Problem] = []
    rows = frame[frame["statement_id"] != ""]
    by_id = frame.reset_index().drop_duplicates(key).set_index(key)
    for sid, group in rows.groupby("statement_id", sort=True):
        primary = sid[2:]
        first_line = int(group.index[0])
        if primary not in by_id.index or by_id.at[primary, "statement_id"] != sid:
            problems.append(Problem(label, first_line, "statement_id", f"{sid!r} names {primary!r}, "
                                    f"which is not a row of this statement; a statement id is "
                                    f"'s-' + the {key} of its primary row (rule: statement)"))
            continue
        head = by_id.loc[primary]
        for line, row in group.iterrows():
            for col in STATEMENT_FIELDS[name]:
                if row[col] != head[col]:
                    problems.append(Problem(label, line, col, f"{row[col]!r} differs from "
                                            f"{head[col]!r} on line {head['line']}, the primary "
                                            f"row of statement {sid!r}; rows of one statement "
                                            "agree on it (rule: statement)"))
        dated = group[group[f"{said}_basis"] == "stated"]
        for line, row in dated.iterrows():
            if row[said] != dated.iloc[0][said]:
                problems.append(Problem(label, line, said, f"{row[said]!r} differs from "
                                        f"{dated.iloc[0][said]!r} on line {dated.index[0]}; rows "
                                        f"of statement {sid!r} dated as 'stated' agree "
                                        "(rule: statement-date)"))
    return problems


def _duplicate_problems(frame: pd.DataFrame, name: str, label: str) -> list[Problem]:
    """Two rows of one document for the same figure of the same subject, unless one row's
    note names the other's id (distinct things that the note explains)."""
    key, fields = TABLES[name].key, list(DUPLICATE_FIELDS[name])
    problems: list[Problem] = []
    twins = frame[frame.duplicated(fields, keep=False)]
    for _, group in twins.groupby(fields, sort=False):
        lines = list(group.index)
        for a, b in itertools.combinations(lines, 2):
            ida, idb = group.at[a, key], group.at[b, key]
            if idb in group.at[a, "note"] or ida in group.at[b, "note"]:
                continue
            problems.append(Problem(label, b, key, f"{idb!r} repeats the figure of {ida!r} on "
                                    f"line {a} from the same document; merge them, or say in "
                                    f"the note of one how it differs, naming the other's id "
                                    "(rule: duplicate)"))
    return problems


def validate_dir(data_dir: Path, label_root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Check every table in `data_dir`; return the raw string frames or raise DataError."""
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    unreadable: set[str] = set()
    for table in TABLES.values():
        path = data_dir / table.file
        label = _label(path, label_root)
        labels[table.name] = label
        if not path.is_file():
            problems.append(Problem(label, 0, "", "file is missing (rule: tables)"))
            frames[table.name] = _empty(table)
            unreadable.add(table.name)
            continue
        frame, structural = read_raw(path, table, label)
        if any(p.message.endswith(_UNREADABLE) for p in structural):
            unreadable.add(table.name)
        problems += structural
        problems += _pandera_problems(frame, table, label)
        frames[table.name] = frame
    problems += _link_problems(frames, labels, frozenset(unreadable))
    if problems:
        raise DataError(problems)
    return frames


def _label(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)
