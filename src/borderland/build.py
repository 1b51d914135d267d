"""The report build: validate → execute notebooks → render HTML → print PDF → swap it in.

Everything is written into a staging folder beside the output and swapped in only
when the HTML (and, if asked, the PDF) succeeded; a failure leaves the previous
report exactly as it was.

A build key hashes everything a report is made from (notebooks, data, code, lock
file, parameters, options, commit). When the published report's manifest holds the
same key and its files are intact, the build stops there, before pandas, papermill
or a browser is loaded. Otherwise each notebook's section is rendered as soon as it
has run (or comes from the cache), while the other notebooks still run.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, fingerprint, paths, swap
from .execute import Job, Outcome, cache_entry, copy_result, run_jobs
from .notebooks import declared_parameters, notebook_path, report_order
from .schema import TABLES

if TYPE_CHECKING:
    from .load import Tables
    from .pdf import Printer
    from .render import Section

RUNS = "runs"  # report/runs/NAME/: the reports built with parameters or --only
TITLE = "Security in Tajikistan's Borderlands"
SUBTITLE = ("Casualty claims, deployments, Russian and CSTO basing and energy projects in the "
            "Pamirs, Rasht and the Ferghana valley since the 1992-97 civil war")


class BuildError(RuntimeError):
    """The build failed; the previous report is untouched (unless `published` is set)."""

    def __init__(self, message: str, published: bool = False):
        self.published = published
        super().__init__(message)


@dataclass
class Options:
    """What to build and how."""

    parameters: dict = field(default_factory=dict)
    only: list[str] = field(default_factory=list)
    formats: tuple[str, ...] = ("html", "pdf")
    out: Path = paths.REPORT
    jobs: int = os.cpu_count() or 1
    use_cache: bool = True
    show_code: bool = False
    scenario: str = ""
    wait: float = 0.0


def selected_notebooks(only: list[str], parameters: dict) -> list[str]:
    """Notebook names in report order (or as given by --only, which may add explore)."""
    return list(only) if only else report_order(parameters)


def notebook_parameters(names: list[str], given: dict,
                        tables: Tables) -> tuple[dict, dict[str, dict]]:
    """The given parameters checked (ParameterError for any bad one), and per notebook
    those it declares, as the literals papermill injects."""
    from .params import check, literals

    declared = {name: declared_parameters(name) for name in names}
    every = sorted({p for params in declared.values() for p in params})
    checked = check(given, tables, declared=every)
    plain = literals(checked)
    return checked, {name: {k: v for k, v in plain.items() if k in params}
                     for name, params in declared.items()}


def _check_fig_dir(per_notebook: dict[str, dict], nested: set[str]) -> None:
    """ParameterError when figures would land in the folder of a scenario's report."""
    from .params import ParameterError

    for values in per_notebook.values():
        fig_dir = values.get("fig_dir", "figures")
        top = Path(fig_dir).parts[0]
        if top in nested:
            held = ("the reports built with parameters or --only" if top == RUNS
                    else f"the report of scenario {top} (scenarios/{top}.yml)")
            raise ParameterError([
                (f"parameter fig_dir: {fig_dir!r} is not allowed here: report/{top}/ holds "
                 f"{held}; choose another folder")], ["fig_dir"])


def build(options: Options, log=print) -> dict:
    """Run the whole build; return the summary. Raises ParameterError, DataError, BuildError."""
    started = time.perf_counter()
    names = selected_notebooks(options.only, options.parameters)
    code = fingerprint.code()
    key = build_key(names, options, code)
    if options.use_cache and key and _manifest(options.out).get("build_key") == key:
        with swap.build_lock(paths.cache_dir() / "build.lock", options.wait, log):
            swap.clean_stale(options.out)
            if _published(options.out, key, names):
                for name in names:
                    log(f"  {name:<18} {'cached':<7} {0.0:6.1f} s")
                return {"out": str(options.out),
                        "notebooks": {n: {"cached": True, "seconds": 0.0} for n in names},
                        "seconds": round(time.perf_counter() - started, 2)}
    from .load import load_tables

    tables = load_tables()  # DataError stops here, before any kernel starts
    checked, per_notebook = notebook_parameters(names, options.parameters, tables)
    nested = ({RUNS, *(p.stem for p in paths.SCENARIOS.glob("*.yml"))}
              if options.out == paths.REPORT else set())
    _check_fig_dir(per_notebook, nested)
    swap.check_output(options.out, nested)
    with swap.build_lock(paths.cache_dir() / "build.lock", options.wait, log):
        swap.clean_stale(options.out)
        fresh_parent = not options.out.parent.exists()  # e.g. report/runs/ of a first run
        staging = swap.new_staging(options.out)
        try:
            summary = _build_into(staging, names, per_notebook, tables, options, code, key, log,
                                  _metadata(tables, options, names, checked))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if fresh_parent:  # a failed first run leaves no empty folder behind
                with contextlib.suppress(OSError):
                    options.out.parent.rmdir()
            raise
        pdf_error = summary.pop("pdf_error", "")
        swap.swap_in(staging, options.out, carry=sorted(nested))
    summary["seconds"] = round(time.perf_counter() - started, 2)
    if pdf_error:
        raise BuildError(f"the HTML report was published to {options.out / 'index.html'}, but "
                         f"the PDF failed: {pdf_error}", published=True)
    return summary


def _build_into(staging: Path, names: list[str], per_notebook: dict, tables: Tables,
                options: Options, code: str, key: str | None, log, meta: dict) -> dict:
    from tqdm import tqdm

    jobs = {name: Job(name, notebook_path(name), per_notebook[name],
                      fingerprint.job_key(notebook_path(name), per_notebook[name], tables.data_hash, code), i)
            for i, name in enumerate(names)}
    bar = tqdm(total=len(jobs), desc="notebooks", unit="nb", position=0, leave=True,
               disable=None)
    sections: dict[str, Section] = {}
    finished: list[str] = []
    printer: Printer | None = None  # the PDF's browser, started once a core is free

    def start_printer() -> None:
        nonlocal printer
        running = len(jobs) - len(finished)
        if "pdf" in options.formats and printer is None and running < options.jobs:
            from .pdf import Printer

            printer = Printer()

    def done(outcome: Outcome) -> None:
        state = "cached" if outcome.cached else ("FAILED" if outcome.error else "ran")
        bar.write(f"  {outcome.name:<18} {state:<7} {outcome.seconds:6.1f} s")
        bar.update(1)
        finished.append(outcome.name)
        if not outcome.error:  # render it while the other notebooks run
            sections[outcome.name] = _section(jobs[outcome.name], staging, options)
        start_printer()

    try:
        start_printer()
        outcomes = {o.name: o for o in
                    run_jobs(list(jobs.values()), options.jobs, options.use_cache, done)}
        bar.close()
        return _finish(staging, names, per_notebook, tables, options, key, outcomes, sections,
                       printer, log, meta)
    finally:
        if printer is not None:
            printer.close()


def _finish(staging: Path, names: list[str], per_notebook: dict, tables: Tables,
            options: Options, key: str | None, outcomes: dict[str, Outcome],
            sections: dict[str, Section], printer: Printer | None, log, meta: dict) -> dict:
    """Assemble the HTML report and its annex from the sections, print both PDFs, write
    the manifest."""
    from .render import render_annex, render_report

    failed = [o for o in outcomes.values() if o.error]
    if failed:
        lines = [f"notebook {o.name} failed in {o.error}" +
                 (f"; the partial executed notebook is at {o.failed_notebook}"
                  if o.failed_notebook else "") for o in failed]
        raise BuildError("\n".join(lines) + "\nthe previous report was left as it was")
    html_path = staging / "index.html"
    started = time.perf_counter()
    log("  assembling the HTML report ...", flush=True)
    _collect_chart_data(staging)
    chapters = [sections[n] for n in names]
    html_path.write_text(render_report(chapters, tables.sources, meta), encoding="utf-8")
    annex_path = staging / "annex.html"
    annex_path.write_text(render_annex(chapters, tables.sources, meta), encoding="utf-8")
    log(f"  HTML report and annex assembled in {time.perf_counter() - started:.1f} s", flush=True)
    summary = {
        "out": str(options.out),
        "notebooks": {o.name: {"cached": o.cached, "seconds": round(o.seconds, 2)}
                      for o in (outcomes[n] for n in names)},
    }
    if "pdf" in options.formats:
        from .pdf import PdfError
        started = time.perf_counter()
        log("  printing the PDF ...", flush=True)
        copies = [_print_copy(path) for path in (html_path, annex_path)]
        try:
            printer.print(copies[0], staging / "report.pdf",
                          also=((copies[1], staging / "annex.pdf"),))
        except PdfError as exc:
            summary["pdf_error"] = str(exc)
        else:
            log(f"  PDF printed in {time.perf_counter() - started:.1f} s", flush=True)
        finally:
            for copy in copies:
                copy.unlink(missing_ok=True)
    if "html" not in options.formats:
        html_path.unlink()
        annex_path.unlink()
    _write_manifest(staging, meta, per_notebook, None if "pdf_error" in summary else key)
    return summary


_CROSS_FILE_LINK = re.compile(r'href="(?:annex|index)\.html(?:#[^"]*)?"')


def _print_copy(html_path: Path) -> Path:
    """A copy of the report or annex to print: links to the other file become local, since
    Chromium writes them into the PDF as absolute paths of the build folder (the same report
    would then give different bytes from one folder to the next); the text says where to look."""
    copy = html_path.with_name(f".print-{html_path.name}")
    copy.write_text(_CROSS_FILE_LINK.sub('href="#top"', html_path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    return copy


def _collect_chart_data(staging: Path) -> None:
    """Every chart's CSV (written beside its figure) also under `data/<notebook>/`."""
    for path in sorted((staging / "figures").glob("*/*.csv")):
        target = staging / "data" / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def _section(job: Job, staging: Path, options: Options) -> Section:
    """Copy a finished notebook into the build and render its section (cached with it)."""
    from .render import notebook_section, section_from_html

    executed = copy_result(job, staging / "executed", staging)
    cached = cache_entry(job.key) / ("section-code.json" if options.show_code else "section.json")
    if options.use_cache and cached.is_file():
        rendered = json.loads(cached.read_text(encoding="utf-8"))
    else:
        rendered = notebook_section(executed, options.show_code)
        partial = cached.with_name(cached.name + ".tmp")
        partial.write_text(json.dumps(rendered), encoding="utf-8")
        os.replace(partial, cached)
    return section_from_html(rendered["body"], job.name, rendered["items"], rendered["links"])


def build_key(names: list[str], options: Options, code: str) -> str | None:
    """sha256 of everything the report is made from; None if a notebook is missing."""
    settings = [options.parameters, sorted(options.formats), options.show_code, options.scenario,
                _commit(), _commit_date(), __version__]
    return fingerprint.build_key(code, [paths.NOTEBOOKS / f"{name}.ipynb" for name in names],
                                 [(t.file, paths.DATA / t.file) for t in TABLES.values()],
                                 settings)


def _manifest(out: Path) -> dict:
    """The published report's manifest, or {} if there is none."""
    try:
        return json.loads((out / swap.MARKER).read_text())
    except (OSError, ValueError):
        return {}


def _published(out: Path, key: str, names: list[str]) -> bool:
    """True when `out` holds the intact report of a build with this key."""
    manifest = _manifest(out)
    if manifest.get("build_key") != key:
        return False
    if not all((out / "executed" / f"{name}.ipynb").is_file() for name in names):
        return False
    for rel, digest in manifest.get("files", {}).items():
        path = out / rel
        if not path.is_file() or fingerprint.file_sha256(path) != digest:
            return False
    return True


def _metadata(tables: Tables, options: Options, names: list[str], checked: dict) -> dict:
    """Title-page facts: from the data, the `checked` parameters and the commit, never the
    clock.

    `partial` lists the chapters of a report that leaves some out (--only).
    """
    said = [tables.casualty_claims["reported_on"], tables.deployments["reported_on"],
            tables.milestones["stated_on"]]
    latest = max((d for column in said for d in column.dropna()), default="n.d.")
    as_of, since = (checked.get(name) for name in ("as_of", "since"))
    return {
        "title": TITLE, "subtitle": SUBTITLE, "version": __version__,
        "data_as_of": f"{as_of.label} (what had been published by then)" if as_of else latest,
        "as_of": as_of.label if as_of else None, "since": since.label if since else None,
        "edition_date": _commit_date(), "commit": _commit(),
        "data_hash": tables.data_hash, "scenario": options.scenario,
        "parameters": sorted((k, json.dumps(v, default=str)) for k, v in options.parameters.items()),
        "partial": names if names != report_order(options.parameters) else [],
        "left_out": [n for n in report_order(options.parameters) if n not in names],
    }


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=paths.ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def _commit() -> str:
    commit = _git("rev-parse", "--short=12", "HEAD") or "unknown"
    return commit + ("+changes" if _git("status", "--porcelain", "--", "src", "notebooks", "data") else "")


def _commit_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit() and epoch != "0":
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
    return _git("log", "-1", "--format=%cs") or "unknown"


def _write_manifest(staging: Path, meta: dict, per_notebook: dict, key: str | None) -> None:
    """What this report was built from and the sha256 of every file in it.

    `build_key` is left out when the build did not fully succeed (the PDF failed), so
    the next build runs again.
    """
    files = {}
    for path in sorted(staging.rglob("*")):
        if path.is_file() and "executed" not in path.relative_to(staging).parts:
            files[str(path.relative_to(staging))] = fingerprint.file_sha256(path)
    manifest = {"commit": meta["commit"], "data_hash": meta["data_hash"],
                "scenario": meta["scenario"], "parameters": per_notebook, "files": files,
                "build_key": key}
    (staging / swap.MARKER).write_text(json.dumps(manifest, indent=2, sort_keys=True,
                                                     default=str) + "\n")
