"""Hostile parameters, on the command line and in scenario files.

Each case must exit with status 2 and a one-line reason before any kernel starts, and
write nothing into report/ (a previous report there stays byte-identical, no staging
folder is left beside it). The temp project's notebooks declare: 01-overview as_of,
fig_dir, fig_formats, show_planned; 02-casualties start_year, end_year, events, sources,
min_reliability, table_rows.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ONLY, Project, leftovers, tree_digest

BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
) + "\nevents: *i\n"


# (id, extra argv, scenario file text or None, expected fragment of the reason)
CASES = [
    # wrong types
    ("year-as-text", ["-p", "start_year", "two thousand"], None,
     "parameter start_year: 'two thousand' is not allowed"),
    ("year-as-quoted-number", ["-p", "start_year", "'2000'"], None,
     "parameter start_year: '2000' is not allowed"),
    ("year-as-float", ["-p", "start_year", "2000.5"], None, "parameter start_year: 2000.5"),
    ("year-as-bool", ["-p", "end_year", "true"], None, "parameter end_year: True"),
    ("bool-as-number", ["-p", "show_planned", "1"], None, "parameter show_planned: 1"),
    ("rows-zero", ["-p", "table_rows", "0"], None,
     "parameter table_rows: 0 is not allowed; allowed: whole number 1-100000, or null"),
    ("rows-negative", ["-p", "table_rows", "-20"], None, "parameter table_rows: -20"),
    ("rows-as-float", ["-p", "table_rows", "12.5"], None, "parameter table_rows: 12.5"),
    ("rows-as-bool", ["-p", "table_rows", "yes"], None, "parameter table_rows: True"),
    ("rows-too-many", ["-p", "table_rows", "1000001"], None, "parameter table_rows: 1000001"),
    ("list-as-mapping", ["-p", "events", "{khorog-2012-07: 1}"], None, "parameter events:"),
    ("formats-as-string", ["-p", "fig_formats", "pdf"], None, "parameter fig_formats: 'pdf'"),
    ("date-impossible", ["-p", "as_of", "2012-02-30"], None,
     "parameter as_of: '2012-02-30' is not a real calendar date; allowed: ISO date"),
    ("date-other-format", ["-p", "as_of", "26/07/2012"], None,
     "parameter as_of: '26/07/2012' is not allowed"),
    ("date-lookalike-digits", ["-p", "as_of", "２０１２"], None, "parameter as_of:"),
    # values outside the allowed set, unknown ids (with the closest ones suggested)
    ("choice-outside-set", ["-p", "min_reliability", "excellent"], None,
     "allowed: one of high, medium, low"),
    ("unknown-event", ["-p", "events", "[khorog-2012-7]"], None,
     "did you mean khorog-2012-07"),
    ("unknown-source", ["-p", "sources", "[rferl-2012-07-2]"], None,
     "unknown value(s) ['rferl-2012-07-2']"),
    ("end-before-start", ["-p", "start_year", "2015", "-p", "end_year", "2010"], None,
     "parameter end_year: 2010 is before start_year 2015"),
    # unknown names
    ("misspelt-name", ["-p", "start_yaer", "2000"], None,
     "unknown parameter 'start_yaer' (did you mean start_year"),
    ("singular-name", ["-p", "event", "[khorog-2012-07]"], None, "did you mean events"),
    ("name-of-no-selected-notebook", ["--only", "01-overview", "-p", "start_year", "2000"],
     None, "unknown parameter 'start_year'"),
    # YAML tricks on the command line
    ("inline-anchor-alias", ["-p", "events", "&a [khorog-2012-07, *a]"], None,
     "anchors and aliases are not allowed"),
    ("inline-bad-yaml", ["-p", "events", "[khorog-2012-07"], None, "not valid YAML"),
    # scenario files
    ("scenario-not-a-mapping", [], "- start_year\n- 2000\n", "must be a mapping"),
    ("scenario-scalar", [], "just some words\n", "must be a mapping"),
    ("scenario-non-string-keys", [], "2000: start_year\n", "must be a mapping"),
    ("scenario-yaml-bomb", [], BOMB, "anchors and aliases are not allowed"),
    ("scenario-python-tag", [], "start_year: !!python/object/apply:os.system ['touch pwned']\n",
     "not valid YAML"),
    ("scenario-broken-yaml", [], "start_year: [2000\nend_year: 2010\n", "not valid YAML"),
    ("scenario-not-utf8", [], b"start_year: 2000\nplace: Kh\xf6rog\n", "not valid YAML"),
    ("scenario-too-large", [], "start_year: 2000\n" + "# padding\n" * 8000, "larger than"),
    ("scenario-wrong-type", [], "start_year: '2000'\n", "line 1: parameter start_year"),
    ("scenario-duplicate-key", [], "start_year: 2000\nas_of: 2012\nstart_year: 2001\n",
     "scenario.yml line 3: duplicate key 'start_year' (first given on line 1)"),
    ("scenario-nested-duplicate-key", [], "events:\n  a: 1\n  a: 2\n",
     "scenario.yml line 3: duplicate key 'a'"),
    ("scenario-impossible-date", [], "as_of: 2012-02-30\n",
     "line 1: parameter as_of: '2012-02-30' is not a real calendar date; allowed: ISO date"),
    ("scenario-unknown-name", [], "min_reliability: high\nas_off: 2012-07-26\n",
     "scenario.yml line 2: unknown parameter 'as_off' (did you mean as_of"),
    ("scenario-missing-file", ["--params-file", "no-such-scenario.yml"], None, "no such file"),
    ("scenario-unknown-name-flag", ["--scenario", "no-such-scenario"], None,
     "--scenario no-such-scenario: no scenarios/no-such-scenario.yml"),
    # where figures would be written
    ("fig-dir-absolute", ["-p", "fig_dir", "/etc/borderland"], None, "parameter fig_dir:"),
    ("fig-dir-parent", ["-p", "fig_dir", "../../outside"], None, "parameter fig_dir:"),
    ("fig-dir-hidden-parent", ["-p", "fig_dir", "figures/../../../x"], None,
     "parameter fig_dir:"),
    ("fig-dir-backslash", ["-p", "fig_dir", "..\\..\\x"], None, "parameter fig_dir:"),
    ("fig-dir-over-index", ["-p", "fig_dir", "index.html"], None, "parameter fig_dir:"),
    ("fig-dir-over-pdf", ["-p", "fig_dir", "report.pdf"], None, "parameter fig_dir:"),
    ("fig-dir-over-executed", ["-p", "fig_dir", "executed/01-overview.ipynb"], None,
     "parameter fig_dir:"),
    ("fig-dir-empty", ["-p", "fig_dir", "''"], None, "parameter fig_dir:"),
    # other options
    ("unknown-format", ["--format", "html,docx"], None, "--format 'html,docx'"),
    ("no-jobs", ["--jobs", "0"], None, "--jobs 0: must be 1 or more"),
    ("unknown-notebook", ["--only", "99-nope"], None, "no notebook '99-nope'"),
]


def fake_previous_report(project: Project) -> dict[str, str]:
    project.report.mkdir(exist_ok=True)
    (project.report / "index.html").write_text("<!DOCTYPE html><title>previous</title>\n")
    (project.report / "manifest.json").write_text(json.dumps({"files": {}}) + "\n")
    return tree_digest(project.report)


def argv_for(project: Project, extra: list[str], scenario: str | bytes | None) -> list[str]:
    argv = ["build"]
    if "--only" not in extra:
        argv += list(ONLY)
    argv += extra
    if scenario is not None:
        path = project.root / "scenario.yml"
        (path.write_bytes if isinstance(scenario, bytes) else path.write_text)(scenario)
        argv += ["--params-file", str(path)]
    return argv


def assert_refused(project: Project, code: int, stderr: str, fragment: str,
                   before: dict[str, str]) -> None:
    assert code == 2, f"exit status {code}, expected 2:\n{stderr}"
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, "the reason should be one line:\n" + stderr
    assert lines[0].startswith("borderland: "), lines[0]
    assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert len(lines[0]) < 600
    assert tree_digest(project.report) == before, "report/ was written to"
    assert leftovers(project.report) == []
    assert not (project.cache / "notebooks").exists(), "a notebook was run"
    assert not (project.root / "pwned").exists() and not Path("pwned").exists()


@pytest.mark.parametrize("extra,scenario,fragment", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_parameter_is_refused(project, extra, scenario, fragment):
    before = fake_previous_report(project)
    code, _out, err = project.cli(*argv_for(project, extra, scenario))
    assert_refused(project, code, err, fragment, before)


def test_there_are_at_least_ten_cases():
    assert len(CASES) >= 10


def test_yaml_bomb_as_a_named_scenario(project):
    """A bomb in scenarios/ is refused by `--scenario` and by `--all-scenarios`."""
    before = fake_previous_report(project)
    (project.scenarios / "bomb.yml").write_text(BOMB)
    for argv in (["build", *ONLY, "--scenario", "bomb"], ["build", *ONLY, "--all-scenarios"]):
        code, _out, err = project.cli(*argv)
        assert_refused(project, code, err, "anchors and aliases are not allowed", before)
    assert not (project.report / "bomb").exists()


def test_fig_dir_named_like_a_scenario_report_is_refused(project):
    """report/<scenario>/ is carried over from build to build; figures must not land there."""
    before = fake_previous_report(project)
    (project.scenarios / "official-only.yml").write_text("min_reliability: high\n")
    for value in ("official-only", "official-only/figs"):
        code, _out, err = project.cli("build", *project.mini(), "-p", "fig_dir", value)
        assert_refused(project, code, err, f"parameter fig_dir: {value!r} is not allowed here: "
                       "report/official-only/ holds the report of scenario official-only", before)
    code, _out, err = project.cli("build", *project.mini(), "-p", "fig_dir", "runs/figs")
    assert_refused(project, code, err, "parameter fig_dir: 'runs/figs' is not allowed here: "
                   "report/runs/ holds the reports built with parameters or --only", before)


def test_every_problem_is_named_in_one_line(project):
    before = fake_previous_report(project)
    code, _out, err = project.cli("build", *ONLY, "-p", "start_year", "x", "-p", "evnts", "[]",
                                  "-p", "min_reliability", "top")
    assert_refused(project, code, err, "parameter start_year", before)
    for name in ("start_year", "evnts", "min_reliability"):
        assert name in err


OUT_CASES = ["someone-elses-folder", "project-root", "data-folder", "notebooks-folder",
             "existing-file", "link-to-someone-elses-folder", "link-to-a-report"]


def _out_target(project: Project, case: str, tmp_path: Path) -> tuple[Path, Path]:
    """(the --out given, the thing it must not overwrite)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("years of work")
    (home / ".bashrc").write_text("# settings")
    if case == "someone-elses-folder":
        return home, home
    if case == "project-root":
        return project.root, project.root
    if case == "data-folder":
        return project.data, project.data
    if case == "notebooks-folder":
        return project.notebooks, project.notebooks
    if case == "existing-file":
        return home / "thesis.docx", home
    link = tmp_path / "link"
    if case == "link-to-a-report":  # publishing would replace the link, not the report
        report = tmp_path / "published"
        report.mkdir()
        (report / "index.html").write_text("<!DOCTYPE html><title>served</title>\n")
        (report / "manifest.json").write_text(json.dumps({"files": {}}) + "\n")
        os.symlink(report, link)
        return link, tmp_path
    os.symlink(home, link)
    return link, home


def _without_cache(digest: dict[str, str]) -> dict[str, str]:
    """The validation cache (.cache/tables-*.pkl) may be written before --out is checked."""
    return {k: v for k, v in digest.items() if ".cache" not in k.split("/")}


@pytest.mark.parametrize("case", OUT_CASES)
def test_out_over_something_unexpected_is_refused(project, tmp_path, case):
    before = fake_previous_report(project)
    out, guarded = _out_target(project, case, tmp_path)
    guarded_before = _without_cache(tree_digest(guarded))
    code, _out, err = project.cli("build", *ONLY, "--out", str(out))
    assert_refused(project, code, err, f"--out {out}", before)
    assert _without_cache(tree_digest(guarded)) == guarded_before
    assert leftovers(out) == []


@pytest.mark.parametrize("case", ["misspelt-name", "scenario-yaml-bomb", "fig-dir-over-index"])
def test_the_real_command_gives_the_same_one_line(project, case):
    """Through the entry point in a fresh process: the same status and one line on stderr."""
    _id, extra, scenario, fragment = next(c for c in CASES if c[0] == case)
    before = fake_previous_report(project)
    result = project.run(*argv_for(project, extra, scenario))
    assert_refused(project, result.returncode, result.stderr, fragment, before)
