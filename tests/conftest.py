"""Shared fixtures: tiny temp projects, CLI runners, the one full report build, the browser.

* `project` gives a temp project (a copy of the real data/, two small notebooks, empty
  report/ and scenarios/) that the package treats as its root via BORDERLAND_ROOT, so a
  build of it takes seconds. `project.run(...)` runs the real `borderland` command in a
  subprocess; `project.cli(...)` runs the same `main()` in this process (for the many
  cases that stop before any kernel starts: bad data, bad parameters).
* `full_report` builds the real project's default report ONCE per test session (shared
  by every xdist worker through a lock file) into a temp folder, with its own clean
  cache, and is used by the browser, PDF and reproducibility tests.
* A missing Chromium is a skip on a developer machine and a failure in CI (CI=true).
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable  # the project's venv
DATA = REPO / "data"
RUN_TIMEOUT = 900  # a guard against hangs, never an assertion about speed
MINI_NOTEBOOKS = ("01-overview", "02-casualties")
ONLY = ("--only", *MINI_NOTEBOOKS)
# Variables a developer's shell may set that would change what a test build does.
_SCRUB = ("BORDERLAND_ROOT", "BORDERLAND_CACHE_DIR", "BORDERLAND_CHROMIUM", "BORDERLAND_FIG_ROOT",
          "BL_TEST_HOLD", "SOURCE_DATE_EPOCH")


# --------------------------------------------------------------------------- helpers


def base_env(**extra: str) -> dict[str, str]:
    """The environment for a `borderland` subprocess: ours, scrubbed, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def tree_digest(root: Path) -> dict[str, str]:
    """relative path -> sha256 (or '<dir>' / '<link>') of everything under `root`, hidden too."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "<link>" + os.readlink(path)
        elif path.is_dir():
            out[rel] = "<dir>"
        else:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def leftovers(out: Path) -> list[str]:
    """Staging or old folders of a build left beside `out`."""
    if not out.parent.is_dir():
        return []
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith((f".{out.name}.tmp-", f".{out.name}.old-")))


def report_is_whole(out: Path) -> dict:
    """Assert `out` is one complete report (every file matches its manifest); return it."""
    manifest_path = out / "manifest.json"
    assert manifest_path.is_file(), f"{out} has no manifest.json: not a finished report"
    manifest = json.loads(manifest_path.read_text())
    assert manifest["files"], "the manifest lists no files"
    for rel, digest in manifest["files"].items():
        path = out / rel
        assert path.is_file(), f"{rel} is in the manifest but missing from {out}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, \
            f"{rel} does not match the manifest: a mix of two builds?"
    return manifest


def summary_states(stdout: str) -> dict[str, str]:
    """notebook -> 'ran' | 'cached' from the build's end-of-run summary."""
    states = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in ("ran", "cached") and parts[-1] == "s":
            states[parts[0]] = parts[1]
    return states


def notebook(cells: list[tuple[str, str] | tuple[str, str, list[str]]]) -> nbformat.NotebookNode:
    """A notebook from (kind, source[, tags]) triples; kind is 'md' or 'code'."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, source, *rest) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = make(textwrap.dedent(source).strip("\n"))
        cell["id"] = f"cell-{i}"
        if rest:
            cell.metadata["tags"] = list(rest[0])
        nb.cells.append(cell)
    return nb


_HOLD = '''
import os, time
from pathlib import Path
# Tests set BL_TEST_HOLD to pause here until they let the build go on (or kill it).
_hold = os.environ.get("BL_TEST_HOLD")
if _hold:
    Path(_hold + ".started").touch()
    while not Path(_hold + ".release").exists():
        time.sleep(0.05)
'''


def overview_notebook() -> nbformat.NotebookNode:
    return notebook([
        ("md", "# Overview of the test report\n\nA small notebook the tests build in seconds."),
        ("code", '''
            from typing import Optional  # papermill does not read "str | None"
            as_of: Optional[str] = None  # only claims reported on or before this date
            fig_dir: str = "figures"  # folder the figures are written to
            fig_formats: list = ["svg", "png"]  # file formats written for each figure
            show_planned: bool = True  # draw planned dates beside actual ones
            ''', ["parameters"]),
        ("code", _HOLD),
        ("code", '''
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            from borderland import params as bl_params
            from borderland.load import load_tables
            from borderland.output import show_figure
            plt.rcParams["svg.hashsalt"] = "borderland-tests"
            tables = load_tables()
            p = bl_params.check({"as_of": as_of, "fig_dir": fig_dir, "fig_formats": fig_formats,
                                 "show_planned": show_planned}, tables)
            '''),
        ("md", "## Claims per event"),
        ("code", '''
            counts = tables.casualty_claims["event_id"].value_counts().sort_index().head(8)
            fig, ax = plt.subplots(figsize=(5, 2.5))
            ax.barh(list(counts.index), list(counts.values))
            cited = sorted(tables.casualty_claims["source_id"].unique())[:3]
            show_figure(fig, notebook="01-overview", name="claims-per-event",
                        caption="Casualty claims recorded per event",
                        alt="Horizontal bars: number of claims per event", source_ids=cited,
                        sources=tables.sources, params=p)
            '''),
    ])


def casualties_notebook(extra_cells: list | None = None) -> nbformat.NotebookNode:
    return notebook([
        ("md", "# Casualty claims in the test report"),
        ("code", '''
            from typing import Optional  # papermill does not read "int | None"
            start_year: Optional[int] = None  # first year shown
            end_year: Optional[int] = None  # last year shown
            events: Optional[list] = None  # events to show
            sources: Optional[list] = None  # only rows citing these documents
            min_reliability: str = "low"  # drop rows rated below this reliability
            table_rows: Optional[int] = 1000  # most rows each listing table shows
            ''', ["parameters"]),
        ("code", '''
            from borderland import params as bl_params
            from borderland.load import load_tables
            from borderland.output import show_table
            tables = load_tables()
            p = bl_params.check({"start_year": start_year, "end_year": end_year, "events": events,
                                 "sources": sources, "min_reliability": min_reliability,
                                 "table_rows": table_rows}, tables)
            '''),
        *(extra_cells or []),
        ("md", "## Events"),
        ("code", '''
            shown = tables.events[["event_id", "name", "place", "summary"]]
            cited = sorted(tables.events["source_id"].unique())[:2]
            show_table(shown, caption="Events in the data", source_ids=cited,
                       sources=tables.sources)
            '''),
    ])


# --------------------------------------------------------------------------- projects


@dataclass
class Project:
    """A temp Borderland project; `BORDERLAND_ROOT` points the package at it."""

    root: Path
    monkeypatch: pytest.MonkeyPatch | None = None
    procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def report(self) -> Path:
        return self.root / "report"

    @property
    def scenarios(self) -> Path:
        return self.root / "scenarios"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    def mini(self) -> tuple[str, ...]:
        """--only the two small notebooks, published into report/ as the default report is
        (a build with --only goes to report/runs/ unless --out names a folder)."""
        return (*ONLY, "--out", str(self.report))

    def env(self, **extra: str) -> dict[str, str]:
        return base_env(BORDERLAND_ROOT=str(self.root), **extra)

    def write_notebook(self, name: str, nb: nbformat.NotebookNode) -> Path:
        path = self.notebooks / f"{name}.ipynb"
        nbformat.write(nb, path)
        return path

    # ---- data mutation

    def read_table(self, name: str) -> tuple[list[str], list[list[str]]]:
        with (self.data / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        return rows[0], rows[1:]

    def write_table(self, name: str, header: list[str], rows: list[list[str]]) -> list[int]:
        """Write a table as the data README asks; return the line each row starts on."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        lines = []
        for row in rows:
            lines.append(buf.getvalue().count("\n") + 1)
            writer.writerow(row)
        (self.data / f"{name}.csv").write_text(buf.getvalue(), encoding="utf-8")
        return lines

    # ---- running the CLI

    def run(self, *args: str, env: dict[str, str] | None = None,
            timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess:
        """`python -m borderland ARGS` in a subprocess with this project as root."""
        return subprocess.run([PYTHON, "-m", "borderland", *args], cwd=self.root, check=False,
                              env=env or self.env(), capture_output=True, text=True,
                              timeout=timeout)

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """Start `python -m borderland ARGS` without waiting; the fixture reaps it."""
        proc = subprocess.Popen([PYTHON, "-m", "borderland", *args], cwd=self.root,
                                env=env or self.env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        self.procs.append(proc)
        return proc

    def cli(self, *args: str) -> tuple[int, str, str]:
        """`borderland.cli.main(ARGS)` in this process; (exit status, stdout, stderr).

        Only for cases that stop before a kernel starts; the package's paths are pointed
        at this project for the call.
        """
        from borderland import build, cli, notebooks, paths

        mp = pytest.MonkeyPatch()
        try:
            for name, value in {"ROOT": self.root, "DATA": self.data,
                                "NOTEBOOKS": self.notebooks,
                                "REPORT": self.report, "SCENARIOS": self.scenarios,
                                "LOCK": self.root / "requirements.lock"}.items():
                mp.setattr(paths, name, value)
            for name in _SCRUB:
                mp.delenv(name, raising=False)
            mp.setenv("BORDERLAND_ROOT", str(self.root))

            def no_kernels(*args, **kwargs):
                raise AssertionError("a notebook would have run: the input was not refused")

            mp.setattr(build, "run_jobs", no_kernels)
            notebooks.inspect.cache_clear()
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = cli.main(list(args))
                except SystemExit as exc:  # argparse
                    code = exc.code if isinstance(exc.code, int) else 2
            return code, out.getvalue(), err.getvalue()
        finally:
            notebooks.inspect.cache_clear()
            mp.undo()


def make_project(root: Path, *, data: Path = DATA) -> Project:
    """A temp project: a copy of `data`, the two small notebooks, empty report/ and scenarios/."""
    root.mkdir(parents=True)
    shutil.copytree(data, root / "data", ignore=shutil.ignore_patterns("*.md", "*.json"))
    for name in ("notebooks", "scenarios", "report"):
        (root / name).mkdir()
    project = Project(root)
    project.write_notebook("01-overview", overview_notebook())
    project.write_notebook("02-casualties", casualties_notebook())
    return project


def _reap(proc: subprocess.Popen) -> None:
    """Kill one process we started (and its children, each by pid) if it is still running."""
    if proc.poll() is not None:
        return
    try:
        import psutil
        family = psutil.Process(proc.pid).children(recursive=True)
    except Exception:  # noqa: BLE001 - best effort clean-up
        family = []
    proc.kill()
    for child in family:
        with contextlib.suppress(Exception):
            child.kill()
    with contextlib.suppress(Exception):
        proc.communicate(timeout=30)


@pytest.fixture(scope="session")
def validated_tables(tmp_path_factory) -> list[Path]:
    """The real data validated once per worker: the loader's cache files, for temp projects."""
    from borderland import paths

    cache = tmp_path_factory.mktemp("tables-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("BORDERLAND_CACHE_DIR", str(cache))
    mp.setattr(paths, "LOCK", cache / "requirements.lock")  # as in a temp project: none
    try:
        from borderland.load import load_tables

        load_tables(DATA)
    finally:
        mp.undo()
    return sorted(cache.glob("tables-*.pkl"))


@pytest.fixture
def project(tmp_path, validated_tables) -> Project:
    """A small temp project (real data, two tiny notebooks); builds take seconds.

    Its cache starts with the real data already validated (the same bytes give the same
    cache key), so only a test that changes the data pays for validating it again.
    """
    proj = make_project(tmp_path / "proj")
    proj.cache.mkdir()
    for pickle in validated_tables:
        shutil.copy2(pickle, proj.cache / pickle.name)
    yield proj
    for proc in proj.procs:
        _reap(proc)


def wait_for(path: Path, proc: subprocess.Popen | None = None, timeout: float = 300) -> None:
    """Wait until `path` exists (a hang guard, not a speed check); fail if `proc` ends first."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the build ended (status {proc.returncode}) before {path.name} "
                        f"appeared:\n{out}\n{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"{path} did not appear within {timeout} s")
        time.sleep(0.05)


# --------------------------------------------------------------------------- report contents


def normal(text: str) -> str:
    """Text as compared with PDF text: NFKC (ligatures), one space, no soft hyphens, and no
    hyphens at all (a hyphen at a line's end is dropped by the PDF text extractor)."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"-\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


def soup_of(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def section_titles(html: Path) -> list[tuple[str, list[str]]]:
    """(title, [subheadings]) of every section of the report, in order."""
    out = []
    for section in soup_of(html).select("section.report-section"):
        h1 = section.find("h1")
        assert h1 is not None, f"section {section.get('id')} has no heading"
        out.append((h1.get_text(" ", strip=True),
                    [h2.get_text(" ", strip=True) for h2 in section.find_all("h2")]))
    return out


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (poppler's pdftotext)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                            text=True, timeout=300, check=True)
    return result.stdout.split("\f")


# --------------------------------------------------------------------------- browser


def browser_or_skip() -> str | None:
    """The Chromium executable the package would use; skip if none (fail in CI)."""
    from borderland import pdf

    try:
        found = pdf.find_browser()
    except pdf.PdfError as exc:
        found, why = None, str(exc)
    else:
        why = "no system Chromium or Chrome found"
    if found:
        return found
    message = f"{why}; install one (Debian: apt-get install -y chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI needs a browser for these tests: {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> str:
    return browser_or_skip()


# --------------------------------------------------------------------------- full report


@dataclass
class FullReport:
    """The real project's default report, built with a clean cache into a temp folder."""

    out: Path
    cache: Path
    stdout: str
    stderr: str
    artifacts: Path

    @property
    def html(self) -> Path:
        return self.out / "index.html"

    @property
    def pdf(self) -> Path:
        return self.out / "report.pdf"


# fixture name -> (build folder under the run's shared temp folder, extra build arguments)
FULL_BUILDS = {"full_report": ("full-report", ()),
               "second_full_report": ("full-report-again", ()),
               "khorog_day3_report": ("as-of-2012-07-26", ("-p", "as_of", "2012-07-26")),
               "khorog_weeks_report": ("as-of-2012-08-31-since", ("-p", "as_of", "2012-08-31",
                                                                 "-p", "since", "2012-07-24"))}

# Runs one build, keeps its output, and writes its exit status last (so a waiter can tell).
_BUILD_WRAPPER = r"""
import os, subprocess, sys
from pathlib import Path
work = Path(sys.argv[1])
with open(work / "stdout.txt", "w") as out, open(work / "stderr.txt", "w") as err:
    code = subprocess.call(sys.argv[2:], stdout=out, stderr=err)
(work / "rc.tmp").write_text(str(code))
os.replace(work / "rc.tmp", work / "rc")
"""


def _launch_full_build(work: Path, extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """`borderland build --out WORK/report --no-cache EXTRA` of the real project, in the
    background."""
    work.mkdir(parents=True)
    (work / "artifacts").mkdir()
    env = base_env(BORDERLAND_CACHE_DIR=str(work / "cache"))
    command = [PYTHON, "-m", "borderland", "build", "--out", str(work / "report"), "--no-cache",
               *extra]
    return subprocess.Popen([PYTHON, "-c", _BUILD_WRAPPER, str(work), *command], cwd=REPO,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="session", autouse=True)
def _start_full_builds(request, tmp_path_factory):
    """Start the full report builds this session needs at once, in the background.

    They take minutes; started first, they run while the workers test everything else.
    The first worker to get here starts them; the others find them started.
    """
    wanted = sorted({build for item in request.session.items
                     for fixture, build in FULL_BUILDS.items()
                     if fixture in getattr(item, "fixturenames", ())})
    started = []
    if wanted:
        from filelock import FileLock

        shared = shared_dir(tmp_path_factory)
        with FileLock(str(shared / "full-builds.lock")):
            for folder, extra in wanted:
                if not (shared / folder).exists():
                    started.append(_launch_full_build(shared / folder, extra))
    yield
    for proc in started:  # other workers may still be waiting for them
        try:
            proc.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            _reap(proc)


def _await_full_build(tmp_path_factory, fixture: str) -> FullReport:
    from borderland.notebooks import REPORT_ORDER

    missing = [n for n in REPORT_ORDER if not (REPO / "notebooks" / f"{n}.ipynb").is_file()]
    if missing:
        pytest.fail(f"the report's notebooks are missing: {', '.join(missing)}")
    work = shared_dir(tmp_path_factory) / FULL_BUILDS[fixture][0]
    wait_for(work / "rc", timeout=RUN_TIMEOUT)
    stdout, stderr = (work / "stdout.txt").read_text(), (work / "stderr.txt").read_text()
    code = int((work / "rc").read_text())
    if code != 0:
        pytest.fail(f"the full report build failed (exit status {code}):\n{stdout}\n"
                    f"{stderr[-5000:]}")
    return FullReport(work / "report", work / "cache", stdout, stderr, work / "artifacts")


def _full_build_fixture(fixture: str, doc: str):
    """A session fixture returning the `FULL_BUILDS[fixture]` report once it is built."""
    def await_it(tmp_path_factory, chromium) -> FullReport:
        return _await_full_build(tmp_path_factory, fixture)
    await_it.__doc__ = doc
    return pytest.fixture(scope="session", name=fixture)(await_it)


full_report = _full_build_fixture(
    "full_report", "The real project's default report (HTML and PDF), built once per test run.")
second_full_report = _full_build_fixture(
    "second_full_report", "A second clean build of the same report, for the reproducibility test.")
khorog_day3_report = _full_build_fixture(
    "khorog_day3_report", "The real report as of 2012-07-26, three days into the Khorog operation.")
khorog_weeks_report = _full_build_fixture(
    "khorog_weeks_report", "The real report as of 2012-08-31 with what changed since 2012-07-24.")


# --------------------------------------------------------------------------- built projects


def shared_dir(tmp_path_factory) -> Path:
    """A folder common to every xdist worker of this run (the run's base temp folder)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def _built_template(tmp_path_factory, validated_tables) -> Project:
    """One temp project per test run, built once (HTML only): clones start with its
    published report and its warm cache, so most fault tests run no kernel at all."""
    from filelock import FileLock

    shared = shared_dir(tmp_path_factory)
    root = shared / "template" / "proj"
    with FileLock(str(shared / "template.lock")):
        if not (root / "report" / "manifest.json").is_file():
            shutil.rmtree(root.parent, ignore_errors=True)
            proj = make_project(root)
            proj.cache.mkdir()
            for pickle in validated_tables:
                shutil.copy2(pickle, proj.cache / pickle.name)
            result = proj.run("build", *proj.mini(), "--format", "html")
            if result.returncode != 0:
                raise RuntimeError(f"the template project did not build:\n{result.stdout}\n"
                                   f"{result.stderr}")
    return Project(root)


@pytest.fixture
def built_project(tmp_path, _built_template) -> Project:
    """A temp project with a published report and a warm cache (a copy of the template)."""
    root = tmp_path / "proj"
    shutil.copytree(_built_template.root, root, symlinks=True)
    proj = Project(root)
    yield proj
    for proc in proj.procs:
        _reap(proc)


# A `borderland` process that pauses at a chosen point of publishing until the test
# lets it go on (or kills it there). Test machinery only: it wraps the swap module's
# functions from outside.
PUBLISH_DRIVER = r'''
import os, sys, time
from pathlib import Path
from borderland import cli, swap

point, hold = os.environ["BL_TEST_PUBLISH_POINT"], os.environ["BL_TEST_PUBLISH_HOLD"]

def pause():
    Path(hold + ".started").touch()
    while not Path(hold + ".release").exists():
        time.sleep(0.05)

real_exchange, real_rename = swap._exchange, os.rename
if point == "before-swap":
    def exchange(a, b):
        pause()
        return real_exchange(a, b)
elif point == "after-swap":
    def exchange(a, b):
        done = real_exchange(a, b)
        pause()
        return done
elif point == "between-renames":  # a system without renameat2: two renames
    def exchange(a, b):
        return False
    def rename(src, dst, *args, **kwargs):
        real_rename(src, dst, *args, **kwargs)
        if ".old-" in os.fspath(dst):
            pause()
    os.rename = rename
else:
    raise SystemExit(f"unknown point {point}")
swap._exchange = exchange
raise SystemExit(cli.main(sys.argv[1:]))
'''


def start_paused_publish(project: Project, point: str, hold: Path,
                         *args: str) -> subprocess.Popen:
    env = project.env(BL_TEST_PUBLISH_POINT=point, BL_TEST_PUBLISH_HOLD=str(hold))
    proc = subprocess.Popen([PYTHON, "-c", PUBLISH_DRIVER, *args], cwd=project.root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    project.procs.append(proc)
    return proc


def descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def survivors(processes: list, timeout: float = 60) -> list[str]:
    """Processes of `processes` still running after up to `timeout` s (a hang guard)."""
    import psutil

    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for proc in processes:
            try:
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    described = []
    for proc in alive:
        with contextlib.suppress(Exception):
            described.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]}")
        with contextlib.suppress(Exception):
            proc.kill()  # ours: started by the test's build
    return described


# --------------------------------------------------------------------------- collection


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds reports or runs kernels (seconds to "
                                       "minutes); run first so xdist balances the workers")


def pytest_collection_modifyitems(session, config, items):
    """Slow tests first, then the rest, and the tests of the full report last.

    The full report is built in the background from the start of the session (see
    `_start_full_builds`), so the workers run everything else meanwhile. Every xdist worker
    sorts the same way, so the order is the same everywhere.
    """
    def rank(item) -> int:
        if {"full_report", "second_full_report"} & set(getattr(item, "fixturenames", ())):
            return 2
        return 0 if item.get_closest_marker("slow") else 1

    items.sort(key=rank)
