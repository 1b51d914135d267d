"""Command line: `borderland validate`, `borderland build`, `borderland params`.

Exit status: 0 done; 1 the build failed (a notebook raised, the PDF failed);
2 bad input (parameters, scenario file, data); 3 another build holds the lock.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import paths

SCENARIO_LIMIT = 64_000


class UsageError(ValueError):
    """A bad command line or scenario file; the message is one line."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser(with_params=bool({"-h", "--help"} & set(argv)))
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"borderland: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # the build removed its staging folder on the way out
        import logging

        # Ctrl-C reached the PDF browser's driver too; its thread would log the lost link.
        logging.getLogger("asyncio").disabled = True
        print("borderland: interrupted; the previous report was kept", file=sys.stderr)
        return 130


def _parser(with_params: bool) -> argparse.ArgumentParser:
    """The parser; `with_params` reads the notebooks to list their parameters in --help."""
    parser = argparse.ArgumentParser(prog="borderland", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check data/ against the schema")
    validate.add_argument("--data", type=Path, default=paths.DATA, help="data folder (default: data/)")
    validate.set_defaults(run=_validate)

    build = sub.add_parser("build", help="build the report (HTML and PDF)",
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Build the report.",
                           epilog=_params_help() if with_params else None)
    build.add_argument("-p", "--param", nargs=2, action="append", default=[],
                       metavar=("NAME", "VALUE"), help="set a notebook parameter (VALUE is YAML)")
    build.add_argument("--params-file", type=Path, help="YAML mapping of parameters")
    build.add_argument("--scenario", metavar="NAME|PATH",
                       help="build scenarios/NAME.yml (or that file's path) into report/NAME/")
    build.add_argument("--all-scenarios", action="store_true",
                       help="build every scenario of scenarios/")
    build.add_argument("--only", nargs="+", default=[], metavar="NOTEBOOK",
                       help="build only these notebooks, by name, number or file name "
                            "(e.g. 02-casualties, 02, notebooks/90-explore.ipynb)")
    build.add_argument("--sweep", metavar="DATES",
                       help="build one report per as_of date into report/runs/sweep-NAME/DATE/ "
                            "with an index page: dates as 2012-07-24,2012-07-26 or "
                            "START:STOP:STEP (2012-07-24:2012-07-31:1d; d, w, m, y)")
    build.add_argument("--format", default="html,pdf", help="html, pdf or html,pdf (default)")
    build.add_argument("--out", type=Path,
                       help="output folder (default: report/ for the default report, "
                            "report/runs/NAME/ with parameters or --only)")
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="notebooks run at once (default: the machine's cores)")
    build.add_argument("--no-cache", action="store_true", help="run every notebook again")
    build.add_argument("--show-code", action="store_true", help="show code cells in the report")
    build.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                       help="wait this long for another build to finish (default: fail at once)")
    build.set_defaults(run=_build)

    params = sub.add_parser("params", help="list every notebook parameter")
    params.set_defaults(run=lambda args: print(_params_help()) or 0)
    return parser


def _params_help() -> str:
    from .notebooks import REPORT_ORDER, available, inspect
    from .params import PARAMETERS

    lines = ["notebook parameters (set with -p NAME VALUE or --params-file):"]
    seen: dict[str, list[str]] = {}
    for name in available():
        for param in inspect(name):
            seen.setdefault(param, []).append(name)
    for param, names in sorted(seen.items()):
        info = inspect(names[0])[param]
        rule = PARAMETERS.get(param)
        allowed = rule.describe() if rule else "?"
        typed = f"{info['type']}, " if info["type"] not in ("None", None) else ""
        lines.append(f"  {param:<16} {typed}default {info['default']}")
        lines.append(f"  {'':<16} allowed: {allowed}")
        lines.append(f"  {'':<16} {info['help'] or (rule.help if rule else '')}")
        lines.append(f"  {'':<16} used by: {', '.join(n for n in names)}")
    lines.append(f"report notebooks, in order: {', '.join(REPORT_ORDER)}")
    return "\n".join(lines)


def _validate(args) -> int:
    from .load import load_tables
    from .validate import DataError

    try:
        tables = load_tables(args.data, use_cache=False)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 2
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in tables.frames().items())
    print(f"data/ is valid: {counts} rows")
    return 0


def read_params_file(path: Path, flag: str = "--params-file") -> tuple[dict, dict[str, str]]:
    """A scenario file's mapping of parameter names to values, and where each was given."""
    from .yamlread import YamlError, load

    if not path.is_file():
        raise UsageError(f"{flag} {path}: no such file")
    if path.stat().st_size > SCENARIO_LIMIT:
        raise UsageError(f"{flag} {path}: larger than {SCENARIO_LIMIT:,} bytes")
    try:
        data, lines = load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{flag} {path}: not valid YAML (not UTF-8 text)") from None
    except YamlError as exc:
        where = f" line {exc.line}" if exc.line else ""
        raise UsageError(f"{flag} {path}{where}: {exc}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise UsageError(f"{flag} {path}: must be a mapping of parameter names to values, "
                         f"got {type(data).__name__}")
    return data, {name: f"{flag} {path} line {line}" for name, line in lines.items()}


def parse_value(name: str, text: str):
    """-p NAME VALUE: VALUE read as YAML (like papermill's -y), no anchors or aliases."""
    from .yamlread import YamlError, load

    try:
        return load(text)[0]
    except YamlError as exc:
        raise UsageError(f"-p {name}: {text!r}: {exc}") from None


def _build(args) -> int:
    from .build import Options, build

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if not formats or set(formats) - {"html", "pdf"}:
        raise UsageError(f"--format {args.format!r}: allowed: html, pdf, html,pdf")
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: must be 1 or more")
    only = _only(args.only)
    if args.sweep:
        return _sweep(args, only, formats)
    status = 0
    for run in _runs(args, only):
        options = Options(parameters=run.parameters, only=only, formats=formats, out=run.out,
                          jobs=args.jobs, use_cache=not args.no_cache, show_code=args.show_code,
                          scenario=run.scenario, wait=args.wait)
        label = f"scenario {run.scenario}" if run.scenario else "report"
        try:
            summary = build(options)
        except Exception as exc:  # noqa: BLE001 - _failure re-raises the unexpected
            status = _failure(exc, label, run.where)
            if status != 1:
                return status
            continue
        _print_summary(summary, formats, run.note)
    return status


def _sweep(args, only: list[str], formats: tuple[str, ...]) -> int:
    """Build one report per --sweep date, then the index page linking them.

    Every date's parameters are checked before the first build starts, so a bad value
    publishes nothing; a failed build stops the sweep before its index is written.
    """
    from .build import Options, build
    from .params import ParameterError, check
    from .sweep import SweepError, index_html, parse, write_index

    if args.scenario or args.all_scenarios:
        raise UsageError("--sweep: cannot be combined with --scenario or --all-scenarios; "
                         "give the scenario's file with --params-file")
    try:
        days = parse(args.sweep)
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    base = _runs(args, only)[0]
    if "as_of" in base.parameters:
        raise UsageError("--sweep: sets as_of for each report; do not also give as_of "
                         f"({base.where.get('as_of', '-p as_of')})")
    window = {k: v for k, v in base.parameters.items() if k == "since"}
    for day in days:
        try:
            check({**window, "as_of": day})
        except ParameterError as exc:
            print(f"borderland: --sweep {day}: {exc.located(base.where)}", file=sys.stderr)
            return 2
    extra = [f"{name}-{value}" for name, value in sorted(args.param)]
    folder = args.out or paths.REPORT / "runs" / run_name(["sweep", days[0], days[-1], *extra])
    for number, day in enumerate(days, start=1):
        print(f"sweep {number}/{len(days)}: as_of {day}")
        options = Options(parameters={**base.parameters, "as_of": day}, only=only,
                          formats=formats, out=folder / day, jobs=args.jobs,
                          use_cache=not args.no_cache, show_code=args.show_code, wait=args.wait)
        try:
            build(options)
        except Exception as exc:  # noqa: BLE001 - _failure re-raises the unexpected
            return _failure(exc, f"--sweep {day}", base.where)
    write_index(folder, index_html(days, base.parameters,
                                   _known_counts(base.parameters, days)))
    print(f"sweep: {len(days)} reports in {folder}/; index: {folder / 'index.html'}")
    return 0


def _known_counts(parameters: dict, days: list[str]) -> dict[str, int]:
    """Casualty statements the parameters select at each date, for the index page."""
    from . import select, statements
    from .load import load_tables
    from .params import check

    tables = load_tables()
    taken = {k: v for k, v in parameters.items()
             if k in ("sources", "min_reliability", "claimant_types", "events")}
    return {day: len(statements.collapse(select.claims(tables, check({**taken, "as_of": day},
                                                                     tables))))
            for day in days}


def _only(given: list[str]) -> list[str]:
    """--only's notebooks by name, each given as a name, number or file name."""
    from .notebooks import UnknownNotebookError, resolve

    try:
        return [resolve(name) for name in given]
    except UnknownNotebookError as exc:
        raise UsageError(f"--only: {exc}") from None


def _failure(exc: Exception, label: str, where: dict[str, str]) -> int:
    """Say why a build stopped; return 1 (build failed), 2 (bad input) or 3 (busy).

    The error classes are imported here, not up front: an up-to-date build never
    loads pandas, which `params` and `validate` import. `where` says where each
    parameter was given, to name the file and line of a bad one.
    """
    from .build import BuildError
    from .notebooks import UnknownNotebookError
    from .params import ParameterError
    from .swap import BusyError, OutputError
    from .validate import DataError

    if isinstance(exc, ParameterError):
        print(f"borderland: {label}: {exc.located(where)}", file=sys.stderr)
        return 2
    if isinstance(exc, (OutputError, UnknownNotebookError)):
        print(f"borderland: {label}: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, DataError):
        print(f"borderland: the data is not valid; no notebook was run.\n{exc}", file=sys.stderr)
        return 2
    if isinstance(exc, BusyError):
        print(f"borderland: {exc}", file=sys.stderr)
        return 3
    if isinstance(exc, BuildError):
        print(f"borderland: {label}: build failed: {exc}", file=sys.stderr)
        return 1
    raise exc


@dataclass
class Run:
    """One report to build: its scenario, parameters, folder and the file line of each
    parameter read from a file."""

    scenario: str
    parameters: dict
    out: Path
    where: dict[str, str]
    note: str = ""  # why the report is not the default one, for the summary


def _runs(args, only: list[str]) -> list[Run]:
    """The reports to build. Any -p, --params-file or --only build goes to a folder of
    its own (report/runs/NAME/) unless --out names one, so report/ keeps the default."""
    from .notebooks import REPORT_ORDER

    given = {name: parse_value(name, value) for name, value in args.param}
    extra = [f"{name}-{value}" for name, value in sorted(args.param)]
    if only and only != list(REPORT_ORDER):
        extra.append("only-" + "-".join(n.split("-")[0] for n in only))
    if args.all_scenarios or args.scenario:
        files = (sorted(paths.SCENARIOS.glob("*.yml")) if args.all_scenarios
                 else [_scenario_file(args.scenario)])
        runs = []
        for path in files:
            values, lines = read_params_file(path, "--scenario")
            out = ((args.out or paths.REPORT) / path.stem if not extra or args.out
                   else paths.REPORT / "runs" / run_name([path.stem, *extra]))
            runs.append(Run(path.stem, {**values, **given}, out, _unless(lines, given),
                            _note(out, extra, args.out)))
        return runs
    values, lines = read_params_file(args.params_file) if args.params_file else ({}, {})
    if args.params_file:
        extra.insert(0, args.params_file.stem)
    out = args.out or (paths.REPORT / "runs" / run_name(extra) if extra else paths.REPORT)
    return [Run("", {**values, **given}, out, _unless(lines, given), _note(out, extra, args.out))]


def _unless(where: dict[str, str], given: dict) -> dict[str, str]:
    """Where each file's parameter was given, leaving out those -p overrides."""
    return {name: line for name, line in where.items() if name not in given}


def _scenario_file(given: str) -> Path:
    """scenarios/NAME.yml for a name, or the file a path names (which must be in scenarios/)."""
    import difflib

    known = sorted(p.stem for p in paths.SCENARIOS.glob("*.yml"))
    if given.endswith((".yml", ".yaml")) or "/" in given or os.sep in given:
        path = Path(given).resolve()
        if path.parent != paths.SCENARIOS.resolve():
            raise UsageError(f"--scenario {given}: not a file in scenarios/; for a parameters "
                             "file elsewhere use --params-file")
        if path.is_file():
            return paths.SCENARIOS / path.name
        given = path.stem
    path = paths.SCENARIOS / f"{given}.yml"
    if not path.is_file():
        close = difflib.get_close_matches(given, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(f"--scenario {given}: no scenarios/{given}.yml{hint}; "
                         f"known: {', '.join(known)}")
    return path


def run_name(parts: list[str]) -> str:
    """A folder name for a run from its scenario, parameters and notebooks, e.g.
    `as_of-2012-07-26`; long ones are cut and end in a hash of the whole."""
    import hashlib
    import re

    text = "_".join(parts)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "run"
    if len(name) > 64:
        name = name[:55].rstrip("-._") + "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return name


def _note(out: Path, extra: list[str], chosen: Path | None) -> str:
    if not extra or chosen:
        return ""
    return (f"not the default report (parameters or --only), so it went to {out}/; "
            f"{paths.REPORT}/ was left as it was")


def _print_summary(summary: dict, formats: tuple[str, ...], note: str) -> None:
    out = Path(summary["out"])
    states = [s["cached"] for s in summary["notebooks"].values()]
    print(f"built in {summary['seconds']:.1f} s: {states.count(False)} notebook(s) run, "
          f"{states.count(True)} from the cache")
    if note:
        print(f"  {note}")
    if "html" in formats:
        print(f"  HTML: {out / 'index.html'} (annex: {out / 'annex.html'})")
    if "pdf" in formats:
        print(f"  PDF:  {out / 'report.pdf'} (annex: {out / 'annex.pdf'})")
    print(f"  executed notebooks: {out / 'executed'}")
