"""`borderland build` (issue 4): its errors, --help, the cache, atomicity, and the full
report's self-contained HTML and its PDF.

Errors and --help run on a temp project (fast, no kernel); the cache and atomicity on a
copy of a built temp project; the HTML and PDF checks on the real project's default
report, built once per test run (`full_report`).
"""
from __future__ import annotations

import ast
import base64
import datetime
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import (
    ONLY,
    PYTHON,
    REPO,
    Project,
    base_env,
    casualties_notebook,
    leftovers,
    normal,
    pdf_pages,
    report_is_whole,
    section_titles,
    soup_of,
    summary_states,
    tree_digest,
)

from borderland.cli import parse_value
from borderland.notebooks import REPORT_ORDER
from borderland.params import PARAMETERS

# --------------------------------------------------------------------------- --help


def help_block(text: str, name: str) -> str:
    """The lines --help gives one parameter: its own line and the indented ones below."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.split()[:1] == [name] and line.startswith("  "):
            block = [line]
            for follow in lines[i + 1:]:
                if not follow.startswith("   ") or not follow.strip():
                    break
                block.append(follow)
            return "\n".join(block)
    raise AssertionError(f"--help does not list the parameter {name!r}:\n{text}")


def assigned_in_parameters_cell(path: Path) -> dict[str, str]:
    """name -> default source, read from the notebook's `parameters` cell with ast."""
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if not cells:
        return {}
    found = {}
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = ast.unparse(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found[node.target.id] = ast.unparse(node.value) if node.value else ""
    return found


def test_build_help_lists_every_parameter_with_type_default_and_allowed(project: Project):
    import papermill

    code, out, _err = project.cli("build", "--help")
    assert code == 0
    for notebook in ("01-overview", "02-casualties"):
        declared = papermill.inspect_notebook(str(project.notebooks / f"{notebook}.ipynb"))
        assert declared
        for name, info in declared.items():
            block = help_block(out, name)
            if info["inferred_type_name"] != "None":  # papermill could not tell: no column
                assert info["inferred_type_name"] in block, block
            assert info["default"] in block, block
            assert f"allowed: {PARAMETERS[name].describe()}" in block, block
            assert notebook in block, block
    assert "allowed: ?" not in out


def test_params_command_lists_the_same(project: Project):
    code, out, _err = project.cli("params")
    assert code == 0
    for name in ("as_of", "fig_dir", "start_year", "events", "min_reliability"):
        help_block(out, name)


def test_real_project_help_lists_every_parameter_of_every_notebook():
    """Every name a report notebook's parameters cell assigns is listed, with a rule.

    papermill reads the cell with a regular expression; a parameter it cannot read
    (e.g. annotated `int | None`) would silently vanish from --help and be refused as
    unknown, so this compares with what the cell really assigns.
    """
    import papermill

    result = subprocess.run([PYTHON, "-m", "borderland", "build", "--help"], cwd=REPO,
                            env=base_env(), capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    missing = [n for n in REPORT_ORDER if not (REPO / "notebooks" / f"{n}.ipynb").is_file()]
    assert not missing, f"report notebooks missing: {missing}"
    for notebook in REPORT_ORDER:
        path = REPO / "notebooks" / f"{notebook}.ipynb"
        assigned = assigned_in_parameters_cell(path)
        seen = papermill.inspect_notebook(str(path))
        unread = sorted(set(assigned) - set(seen))
        assert not unread, (f"{notebook}: papermill cannot read the parameter(s) {unread} "
                            "(write the annotation as Optional[...] or leave it out)")
        for name in assigned:
            assert name in PARAMETERS, f"{notebook}: parameter {name} has no rule in params.py"
            block = help_block(result.stdout, name)
            assert notebook in block
            assert f"allowed: {PARAMETERS[name].describe()}" in block
    assert "allowed: ?" not in result.stdout


# --------------------------------------------------------------------------- values and errors


@pytest.mark.parametrize("text,value", [
    ("2000", 2000), ("[khorog-2012-07, rasht-2010]", ["khorog-2012-07", "rasht-2010"]),
    ("null", None), ("true", True), ("'2000'", "2000"), ("2012-07-26", datetime.date(2012, 7, 26)),
    ("{a: 1}", {"a": 1}), ("low", "low"),
])
def test_parameter_values_are_read_as_yaml(text, value):
    assert parse_value("x", text) == value


ISSUE_4_ERRORS = [
    ("unknown-name", ["-p", "start_yr", "2000"], "unknown parameter 'start_yr' (did you mean"),
    ("wrong-type", ["-p", "start_year", "[2000]"], "parameter start_year: [2000] is not allowed"),
    ("outside-allowed-set", ["-p", "min_reliability", "certain"],
     "allowed: one of high, medium, low"),
    ("unknown-event", ["-p", "events", "[khorog-2012]"], "unknown value(s) ['khorog-2012']"),
    ("unknown-source", ["-p", "sources", "[no-such-source]"],
     "unknown value(s) ['no-such-source']"),
    ("end-before-start", ["-p", "start_year", "2012", "-p", "end_year", "2011"],
     "end_year: 2011 is before start_year 2012"),
]


@pytest.mark.parametrize("argv,fragment", [c[1:] for c in ISSUE_4_ERRORS],
                         ids=[c[0] for c in ISSUE_4_ERRORS])
def test_bad_parameters_exit_2_with_one_clear_line_and_write_nothing(project, argv, fragment):
    before = tree_digest(project.report)
    code, out, err = project.cli("build", *ONLY, *argv)
    assert code == 2
    assert err.strip().count("\n") == 0 and fragment in err, err
    assert out == ""
    assert tree_digest(project.report) == before and leftovers(project.report) == []
    assert not (project.cache / "notebooks").exists()


# --------------------------------------------------------------------------- the cache


@pytest.mark.slow
def test_cache_runs_only_what_changed(built_project: Project):
    p = built_project
    html = ("build", *p.mini(), "--format", "html")

    def states(*extra):
        result = p.run(*html, *extra)
        assert result.returncode == 0, result.stderr
        return summary_states(result.stdout)

    states()  # brings the copy up to date if the package changed since the template was built
    # nothing changed: nothing runs, the report is the same file for file
    before = tree_digest(p.report)
    assert states() == {"01-overview": "cached", "02-casualties": "cached"}
    assert tree_digest(p.report) == before
    # one parameter: only the notebook that takes it runs
    assert states("-p", "start_year", "2000") == {"01-overview": "cached",
                                                  "02-casualties": "ran"}
    assert states("-p", "start_year", "2000") == {"01-overview": "cached",
                                                  "02-casualties": "cached"}
    # one notebook: only it runs
    nb = nbformat.read(p.notebooks / "01-overview.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A note added by the test."))
    nbformat.write(nb, p.notebooks / "01-overview.ipynb")
    assert states("-p", "start_year", "2000") == {"01-overview": "ran",
                                                  "02-casualties": "cached"}
    assert "A note added by the test." in (p.report / "index.html").read_text()
    # one data file: every notebook reads the data, so both run
    events = p.data / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace(
        "Tajik civil war", "Tajik civil war (1992-97)", 1), encoding="utf-8")
    assert states("-p", "start_year", "2000") == {"01-overview": "ran", "02-casualties": "ran"}
    assert "Tajik civil war (1992-97)" in (p.report / "index.html").read_text()
    report_is_whole(p.report)
    assert sorted(x.name for x in (p.report / "executed").iterdir()) == \
        ["01-overview.ipynb", "02-casualties.ipynb"]


@pytest.mark.slow
def test_summary_says_where_the_outputs_are(built_project: Project):
    result = built_project.run("build", *built_project.mini(), "--format", "html",
                               "--show-code")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"HTML: {built_project.report / 'index.html'}" in out
    assert f"executed notebooks: {built_project.report / 'executed'}" in out
    assert re.search(r"built in [\d.]+ s: \d+ notebook\(s\) run, \d+ from the cache", out)


# --------------------------------------------------------------------------- atomicity


@pytest.mark.slow
def test_failing_notebook_leaves_the_previous_report_byte_identical(built_project: Project):
    """01 comes from the cache and is rendered into the staging folder; 02 then raises."""
    p = built_project
    before = tree_digest(p.report)
    assert before
    p.write_notebook("02-casualties", casualties_notebook(
        extra_cells=[("code", "1 / 0")]))
    result = p.run("build", *p.mini(), "--format", "html")
    assert result.returncode == 1
    assert "ZeroDivisionError" in result.stderr and "02-casualties" in result.stderr
    assert tree_digest(p.report) == before
    assert leftovers(p.report) == []


# --------------------------------------------------------------------------- the full report

BIBLIOGRAPHY_LINK = "a.bib-url"
URL_ATTRIBUTES = ("src", "href", "srcset", "poster", "data", "action", "formaction",
                  "background", "xlink:href", "ping", "manifest", "cite", "longdesc")


def test_full_report_html_refers_to_nothing_outside_itself(full_report):
    soup = soup_of(full_report.html)
    external = []
    for tag in soup.find_all(True):
        for attr in URL_ATTRIBUTES:
            value = tag.get(attr)
            if value is None:
                continue
            value = " ".join(value) if isinstance(value, list) else value.strip()
            if value.startswith(("#", "data:")) or (tag.name == "a" and re.match(
                    r"annex\.html(#[a-z0-9-]+)?$", value)):
                continue  # in-file links, embedded data, and the annex beside the report
            if (re.match(r"https?://", value) and tag.name == "a"
                    and "bib-url" in tag.get("class", []) and tag.find_parent("ol", class_="bib")):
                continue  # a bibliography entry's link to the document it cites
            external.append(f"<{tag.name} {attr}={value[:80]!r}>")
    assert not external, "references outside the file:\n" + "\n".join(external[:20])
    assert not soup.find_all("script", src=True)
    assert not soup.find_all("link")
    assert not soup.find_all(["iframe", "object", "embed", "base"])
    css = " ".join(s.get_text() for s in soup.find_all("style"))
    css += " ".join(t["style"] for t in soup.find_all(style=True))
    assert not re.search(r"@import|url\(\s*['\"]?(?!data:|#)", css), "CSS loads something"
    assert not re.search(r"require\.js|mathjax|cdn\.", str(soup), re.IGNORECASE)
    # embedded SVG images do not reach out either (namespaces are names, not requests)
    for img in soup.find_all("img", src=re.compile(r"^data:image/svg\+xml;base64,")):
        svg = base64.b64decode(img["src"].split(",", 1)[1]).decode("utf-8")
        refs = re.findall(r"""(?:href|src)\s*=\s*["']([^"']+)""", svg)
        assert all(r.startswith(("#", "data:")) for r in refs), refs[:5]
        assert "@import" not in svg and "url(http" not in svg
    assert soup.select("a.bl-source"), "no Source links at all?"


def test_full_report_pdf_has_a_page_or_more_per_section_and_every_heading(full_report):
    assert full_report.pdf.is_file()
    pages = [normal(p) for p in pdf_pages(full_report.pdf)]
    sections = section_titles(full_report.html)
    from borderland.render import ANNEX_CHAPTERS
    # the notebooks (less those printed in the annex) and the bibliography
    assert len(sections) == len(REPORT_ORDER) - len(ANNEX_CHAPTERS) + 1
    starts = []
    for title, _subs in sections:
        wanted = normal(title)
        after = starts[-1] if starts else 0
        start = next((i for i in range(after, len(pages)) if wanted in pages[i]), None)
        assert start is not None, f"no page holds the section heading {title!r}"
        starts.append(start)
    # the sections come in order (chapters follow on from one another to keep it short)
    assert starts == sorted(starts) and starts[-1] < len(pages)
    text = " ".join(pages)
    missing = [sub for _t, subs in sections for sub in subs if normal(sub) not in text]
    assert not missing, f"headings missing from the PDF text: {missing}"


# --------------------------------------------------------------------------- runs of their own


@pytest.mark.slow
def test_a_parameterised_build_leaves_the_default_report_untouched(built_project: Project):
    p = built_project
    before = tree_digest(p.report)
    result = p.run("build", *ONLY, "--format", "html", "-p", "start_year", "2000")
    assert result.returncode == 0, result.stderr
    run = p.report / "runs" / "start_year-2000_only-01-02"
    assert f"went to {run}/" in result.stdout
    assert {k: v for k, v in tree_digest(p.report).items() if not k.startswith("runs")} == before
    report_is_whole(run)
    cover = (run / "index.html").read_text(encoding="utf-8")
    assert "Not the default report." in cover and "a partial report" in cover
    assert "<code>start_year</code>" in cover
    # the next default build keeps the runs
    again = p.run("build", *p.mini(), "--format", "html", "--show-code")
    assert again.returncode == 0, again.stderr
    report_is_whole(run)
    assert "went to" not in again.stdout


@pytest.mark.parametrize("given", ["02-casualties.ipynb", "02", "2", "notebooks/02-casualties.ipynb"])
def test_only_takes_numbers_and_file_names(given):
    from borderland.notebooks import resolve

    assert resolve(given) == "02-casualties"


def test_only_says_did_you_mean(project: Project):
    code, _out, err = project.cli("build", "--only", "02-casualtes")
    assert code == 2 and "did you mean 02-casualties?" in err and err.count("\n") == 1, err


def test_scenario_by_path(project: Project):
    (project.scenarios / "broken.yml").write_text("start_year: 2000\nstart_year: 2001\n")
    for given in (str(project.scenarios / "broken.yml"), "broken"):
        code, _out, err = project.cli("build", *ONLY, "--scenario", given)
        assert code == 2, err
        assert err.strip() == (f"borderland: --scenario {project.scenarios / 'broken.yml'} line 2: "
                               "duplicate key 'start_year' (first given on line 1)"), err


def test_params_lists_no_stray_column(project: Project):
    code, out, _err = project.cli("params")
    assert code == 0
    assert not re.search(r"^  \w+ +None +default", out, re.MULTILINE), out
