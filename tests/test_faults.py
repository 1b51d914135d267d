"""Faults: a notebook that raises, builds killed half way, two builds at once, no browser.

Each test starts from a temp project with a published report (`built_project`) and
checks that the report a reader sees is never broken: after the fault it is
byte-identical to the previous one (or, where the swap had already happened, the
complete new one), the next build succeeds, and no staging folder outlives the next
build that has work to do. Builds are paused at a precise point through the `BL_TEST_HOLD` cell of the
test notebook (during execution) or a wrapper around the publish step (during
publishing), so nothing depends on timing.
"""
from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import (
    Project,
    casualties_notebook,
    descendants,
    leftovers,
    report_is_whole,
    start_paused_publish,
    survivors,
    tree_digest,
    wait_for,
)

pytestmark = pytest.mark.slow

RAISING_CELL = ("code", 'raise RuntimeError("deliberate failure for the test")')
# `--show-code` gives a new report (a new build key) from cached notebooks: the tests that
# need a build to publish something new, but no kernel, use it.


def one(p: Project) -> tuple[str, ...]:
    """--only 01-overview, published into report/ (not report/runs/)."""
    return ("--only", "01-overview", "--out", str(p.report))


def new(p: Project) -> tuple[str, ...]:
    return (*p.mini(), "--format", "html", "--show-code")


def shows_code(report: Path) -> bool:
    return "show_figure" in (report / "index.html").read_text(encoding="utf-8")


def _release(hold: Path) -> None:
    Path(f"{hold}.release").touch()


def assert_stale_cleaned_or_ignored(p: Project) -> None:
    """Staging folders of a killed build are gone, or at least the next build that does
    any work removes them (a build with nothing to do may stop before looking)."""
    if leftovers(p.report):
        result = p.run("build", *p.mini(), "--format", "html", "--show-code")
        assert result.returncode == 0, result.stderr
        report_is_whole(p.report)
        assert leftovers(p.report) == [], "stale staging folders were never cleaned"


# --------------------------------------------------------------------------- a notebook raises


@pytest.mark.parametrize("params", [[], ["-p", "start_year", "2000"]],
                         ids=["defaults", "with-injected-parameters"])
def test_notebook_that_raises_names_notebook_and_cell(built_project: Project, params):
    p = built_project
    before = tree_digest(p.report)
    p.write_notebook("02-casualties", casualties_notebook(extra_cells=[RAISING_CELL]))
    result = p.run("build", "--only", "02-casualties", "--format", "html", *params)
    err = result.stderr
    assert result.returncode == 1, err
    failure = [line for line in err.splitlines() if "02-casualties" in line and "cell" in line]
    assert failure, err
    assert "RuntimeError: deliberate failure for the test" in err
    # the cell named (from 1, as in the source notebook) is the one that raised, and the
    # partial executed notebook is kept where the message says
    number = int(re.search(r"cell (\d+)", failure[0]).group(1))
    source = nbformat.read(p.notebooks / "02-casualties.ipynb", as_version=4).cells
    assert "deliberate failure" in source[number - 1].source, \
        f"cell {number} is not the raising cell: {source[number - 1].source[:80]!r}"
    partial = Path(re.search(r"(/\S+\.ipynb)", err).group(1))
    assert partial.is_file(), f"the partial executed notebook {partial} is missing"
    # the reader's report is untouched, nothing is left beside it
    assert tree_digest(p.report) == before
    assert leftovers(p.report) == []
    # fixed, the next build succeeds
    p.write_notebook("02-casualties", casualties_notebook())
    again = p.run("build", *p.mini(), "--format", "html", *params)
    assert again.returncode == 0, again.stderr
    report_is_whole(p.report)


# --------------------------------------------------------------------------- killed builds


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killed_during_execution(built_project: Project, tmp_path, sig):
    p = built_project
    before = tree_digest(p.report)
    hold = tmp_path / "hold"
    proc = p.start("build", *one(p), "--format", "html", "--no-cache",
                   env=p.env(BL_TEST_HOLD=str(hold)))
    wait_for(Path(f"{hold}.started"), proc)  # the notebook is executing
    family = descendants(proc.pid)
    os.kill(proc.pid, sig)
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert tree_digest(p.report) == before, "the killed build changed the published report"

    result = p.run("build", *one(p), "--format", "html")
    assert result.returncode == 0, result.stderr
    manifest = report_is_whole(p.report)
    assert set(manifest["parameters"]) == {"01-overview"}
    assert leftovers(p.report) == [], "stale staging folders were not cleaned"
    left = survivors(family)
    _release(hold)
    assert not left, "the killed build left processes running:\n" + "\n".join(left)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("point", ["before-swap", "after-swap", "between-renames"])
def test_killed_during_publishing(built_project: Project, tmp_path, point, sig):
    p = built_project
    before = tree_digest(p.report)
    hold = tmp_path / "hold"
    proc = start_paused_publish(p, point, hold, "build", *new(p))
    wait_for(Path(f"{hold}.started"), proc)
    os.kill(proc.pid, sig)
    proc.communicate(timeout=120)

    if point == "before-swap":
        assert tree_digest(p.report) == before
    elif point == "after-swap":  # the swap is one rename: the complete new report is there
        report_is_whole(p.report)
        assert shows_code(p.report)
    else:  # killed between `out -> .out.old-PID` and `staging -> out`
        olds = [p.root / n for n in leftovers(p.report) if ".old-" in n]
        assert olds and tree_digest(olds[0]) == before, "the previous report was lost"

    # the next build puts things right
    result = p.run("build", *p.mini(), "--format", "html")
    assert result.returncode == 0, result.stderr
    report_is_whole(p.report)
    assert not shows_code(p.report)
    assert_stale_cleaned_or_ignored(p)


def test_killed_between_renames_then_a_failing_build_restores_the_old_report(
        built_project: Project, tmp_path):
    p = built_project
    before = tree_digest(p.report)
    hold = tmp_path / "hold"
    proc = start_paused_publish(p, "between-renames", hold, "build", *new(p))
    wait_for(Path(f"{hold}.started"), proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=120)
    assert not p.report.exists()  # the reader's report is, for now, only in .report.old-*

    p.write_notebook("02-casualties", casualties_notebook(extra_cells=[RAISING_CELL]))
    result = p.run("build", "--only", "02-casualties", "--format", "html", "--out", str(p.report))
    assert result.returncode == 1
    assert tree_digest(p.report) == before, "the old report was not restored"
    assert leftovers(p.report) == []


def test_killed_while_carrying_a_scenario_report(built_project: Project, tmp_path):
    """report/<scenario>/ is moved into the new report at publishing; a kill then loses none."""
    p = built_project
    (p.scenarios / "defaults.yml").write_text("# the default parameters\n")
    made = p.run("build", *p.mini(), "--format", "html", "--scenario", "defaults")
    assert made.returncode == 0, made.stderr
    scenario_before = tree_digest(p.report / "defaults")
    hold = tmp_path / "hold"
    proc = start_paused_publish(p, "before-swap", hold, "build", *new(p))
    wait_for(Path(f"{hold}.started"), proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=120)

    result = p.run("build", *one(p), "--format", "html")
    assert result.returncode == 0, result.stderr
    assert tree_digest(p.report / "defaults") == scenario_before, "the scenario report was lost"
    report_is_whole(p.report)
    report_is_whole(p.report / "defaults")
    assert leftovers(p.report) == []


# --------------------------------------------------------------------------- two builds at once


def test_second_build_fails_clearly_while_one_runs(built_project: Project, tmp_path):
    p = built_project
    hold = tmp_path / "hold"
    first = start_paused_publish(p, "before-swap", hold, "build", *new(p))
    wait_for(Path(f"{hold}.started"), first)  # it holds the build lock
    during = tree_digest(p.report)
    second = p.run("build", *one(p), "--format", "html")
    assert second.returncode == 3, second.stderr
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "another build is running" in lines[0], second.stderr
    assert "--wait" in lines[0]
    assert tree_digest(p.report) == during

    _release(hold)
    _out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    report_is_whole(p.report)
    assert shows_code(p.report)
    assert leftovers(p.report) == []


def test_second_build_with_wait_runs_after_the_first(built_project: Project, tmp_path):
    p = built_project
    hold = tmp_path / "hold"
    first = start_paused_publish(p, "before-swap", hold, "build", *new(p))
    wait_for(Path(f"{hold}.started"), first)
    second = p.start("build", *one(p), "--format", "html", "--wait", "600")
    _release(hold)
    first.communicate(timeout=600)
    _out, err = second.communicate(timeout=600)
    assert first.returncode == 0
    assert second.returncode == 0, err
    manifest = report_is_whole(p.report)  # never a mix: one build's files, all of them
    assert set(manifest["parameters"]) == {"01-overview"}
    assert not shows_code(p.report)
    assert leftovers(p.report) == []


# --------------------------------------------------------------------------- the browser


def _fake_browser(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "fake-chromium"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


BROWSERS = {
    "missing": (lambda tmp: tmp / "no-such-dir" / "chromium", "is not an executable file"),
    "exits-at-start": (lambda tmp: _fake_browser(tmp, "echo 'cannot open display' >&2; exit 1"),
                       "failed"),
    "crashes-with-signal": (lambda tmp: _fake_browser(tmp, "kill -SEGV $$"), "failed"),
}


@pytest.mark.parametrize("case", list(BROWSERS))
def test_pdf_failure_still_publishes_the_html(built_project: Project, tmp_path, case):
    p = built_project
    make, reason = BROWSERS[case]
    browser = make(tmp_path)
    # --show-code, so the published HTML is recognisably the new one
    result = p.run("build", *p.mini(), "--show-code", env=p.env(BORDERLAND_CHROMIUM=str(browser)))
    assert result.returncode == 1, result.stderr
    err = result.stderr
    assert "PDF failed" in err or "the PDF failed" in err, err
    assert reason in err and str(browser) in err, err
    report_is_whole(p.report)
    assert shows_code(p.report), "the new HTML was not published"
    assert not (p.report / "report.pdf").exists(), "a PDF from another build was left"
    assert leftovers(p.report) == []


def test_no_browser_at_all_says_how_to_install_one(tmp_path, monkeypatch):
    from borderland import pdf

    monkeypatch.delenv("BORDERLAND_CHROMIUM", raising=False)
    monkeypatch.setattr(pdf, "SYSTEM_BROWSERS", ("borderland-test-no-such-browser",))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-browsers"))
    assert pdf.find_browser() is None
    html = tmp_path / "index.html"
    html.write_text("<!DOCTYPE html><title>t</title><p>hello</p>")
    printer = pdf.Printer()
    try:
        with pytest.raises(pdf.PdfError) as info:
            printer.print(html, tmp_path / "report.pdf")
    finally:
        printer.close()
    assert "apt-get install chromium" in str(info.value)
    assert "BORDERLAND_CHROMIUM" in str(info.value)
    assert not (tmp_path / "report.pdf").exists()


def test_find_browser_honours_the_environment(tmp_path, monkeypatch):
    from borderland import pdf

    fake = _fake_browser(tmp_path, "exit 0")
    monkeypatch.setenv("BORDERLAND_CHROMIUM", str(fake))
    assert pdf.find_browser() == str(fake)
    monkeypatch.setenv("BORDERLAND_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(pdf.PdfError, match="not an executable file"):
        pdf.find_browser()
    not_executable = tmp_path / "plain-file"
    not_executable.write_text("")
    monkeypatch.setenv("BORDERLAND_CHROMIUM", str(not_executable))
    with pytest.raises(pdf.PdfError, match="not an executable file"):
        pdf.find_browser()


# --------------------------------------------------------------------------- published folder


def test_published_report_is_readable_by_others(built_project: Project):
    """The staging folder is made private by mkdtemp; the published one must not stay so."""
    mode = stat.S_IMODE(built_project.report.stat().st_mode)
    assert mode & stat.S_IROTH and mode & stat.S_IXOTH, oct(mode)


# --------------------------------------------------------------------------- Ctrl-C


@pytest.mark.parametrize("group", [True, False], ids=["terminal-ctrl-c", "sigint-to-build"])
def test_ctrl_c_says_one_line_exits_130_and_keeps_the_report(built_project: Project, tmp_path,
                                                             group):
    """Ctrl-C in a terminal reaches the build, its kernels and its browser (the process
    group); `kill -INT` the build alone."""
    p = built_project
    before = tree_digest(p.report)
    hold = tmp_path / "hold"
    proc = subprocess.Popen([sys.executable, "-m", "borderland", "build", *one(p), "--no-cache"],
                            cwd=p.root, env=p.env(BL_TEST_HOLD=str(hold)), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    p.procs.append(proc)
    wait_for(Path(f"{hold}.started"), proc)  # the notebook is executing
    family = descendants(proc.pid)
    if group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    _release(hold)
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["borderland: interrupted; the previous report was kept"]
    assert tree_digest(p.report) == before
    assert leftovers(p.report) == []
    left = survivors(family)
    assert not left, "the interrupted build left processes running:\n" + "\n".join(left)
