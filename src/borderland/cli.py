"""Command line: `borderland validate`, `borderland build`, `borderland params`.

Exit status: 0 done; 1 the build failed (a notebook raised, the PDF failed);
2 bad input (parameters, scenario file, data); 3 another build holds the lock.
"""
from __future__ import annotations

import argparse
import os
import sys
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
    build.add_argument("--scenario", help="build scenarios/NAME.yml into report/NAME/")
    build.add_argument("--all-scenarios", action="store_true",
                       help="build every scenario of scenarios/")
    build.add_argument("--only", nargs="+", default=[], metavar="NOTEBOOK",
                       help="build only these notebooks (e.g. 02-casualties 90-explore)")
    build.add_argument("--format", default="html,pdf", help="html, pdf or html,pdf (default)")
    build.add_argument("--out", type=Path, help="output folder (default: report/)")
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
        lines.append(f"  {param:<16} {info['type']:<10} default {info['default']}")
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


def read_params_file(path: Path) -> dict:
    """A scenario file: a YAML mapping of parameter names to values, no anchors or aliases."""
    import yaml

    if not path.is_file():
        raise UsageError(f"--params-file {path}: no such file")
    if path.stat().st_size > SCENARIO_LIMIT:
        raise UsageError(f"--params-file {path}: larger than {SCENARIO_LIMIT:,} bytes")
    try:
        text = path.read_text(encoding="utf-8")
        if any(isinstance(t, (yaml.AnchorToken, yaml.AliasToken)) for t in yaml.scan(text)):
            raise UsageError(f"--params-file {path}: YAML anchors and aliases are not allowed")
        data = yaml.safe_load(text)
    except UsageError:
        raise
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:  # ValueError: 2012-02-30
        raise UsageError(f"--params-file {path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise UsageError(f"--params-file {path}: must be a mapping of parameter names to values, "
                         f"got {type(data).__name__}")
    return data


def parse_value(name: str, text: str):
    """-p NAME VALUE: VALUE read as YAML (like papermill's -y), no anchors or aliases."""
    import yaml

    if ("&" in text or "*" in text) and any(
            isinstance(t, (yaml.AnchorToken, yaml.AliasToken)) for t in yaml.scan(text)):
        raise UsageError(f"-p {name}: YAML anchors and aliases are not allowed")
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2012-02-30
        raise UsageError(f"-p {name}: {text!r} is not valid YAML ({str(exc).splitlines()[0]})") from None


def _build(args) -> int:
    from .build import Options, build

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if not formats or set(formats) - {"html", "pdf"}:
        raise UsageError(f"--format {args.format!r}: allowed: html, pdf, html,pdf")
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: must be 1 or more")
    runs = _runs(args)
    status = 0
    for scenario, parameters, out in runs:
        options = Options(parameters=parameters, only=args.only, formats=formats, out=out,
                          jobs=args.jobs, use_cache=not args.no_cache, show_code=args.show_code,
                          scenario=scenario, wait=args.wait)
        label = f"scenario {scenario}" if scenario else "report"
        try:
            summary = build(options)
        except Exception as exc:  # noqa: BLE001 - _failure re-raises the unexpected
            status = _failure(exc, label)
            if status != 1:
                return status
            continue
        _print_summary(summary, formats)
    return status


def _failure(exc: Exception, label: str) -> int:
    """Say why a build stopped; return 1 (build failed), 2 (bad input) or 3 (busy).

    The error classes are imported here, not up front: an up-to-date build never
    loads pandas, which `params` and `validate` import.
    """
    from .build import BuildError
    from .notebooks import UnknownNotebookError
    from .params import ParameterError
    from .publish import BusyError, OutputError
    from .validate import DataError

    if isinstance(exc, (ParameterError, OutputError, UnknownNotebookError)):
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


def _runs(args) -> list[tuple[str, dict, Path]]:
    """(scenario name, parameters, output folder) for each report to build."""
    given = {name: parse_value(name, value) for name, value in args.param}
    if args.all_scenarios or args.scenario:
        names = ([p.stem for p in sorted(paths.SCENARIOS.glob("*.yml"))] if args.all_scenarios
                 else [args.scenario])
        runs = []
        for name in names:
            path = paths.SCENARIOS / f"{name}.yml"
            if not path.is_file():
                known = ", ".join(p.stem for p in sorted(paths.SCENARIOS.glob("*.yml")))
                raise UsageError(f"--scenario {name}: no scenarios/{name}.yml; known: {known}")
            runs.append((name, {**read_params_file(path), **given},
                         (args.out or paths.REPORT) / name))
        return runs
    base = read_params_file(args.params_file) if args.params_file else {}
    return [("", {**base, **given}, args.out or paths.REPORT)]


def _print_summary(summary: dict, formats: tuple[str, ...]) -> None:
    out = Path(summary["out"])
    ran = [n for n, s in summary["notebooks"].items() if not s["cached"]]
    cached = [n for n, s in summary["notebooks"].items() if s["cached"]]
    print(f"built in {summary['seconds']:.1f} s: {len(ran)} notebook(s) run, "
          f"{len(cached)} from the cache")
    for name, info in summary["notebooks"].items():
        print(f"  {name:<18} {'cached' if info['cached'] else 'ran':<7} {info['seconds']:6.1f} s")
    if "html" in formats:
        print(f"  HTML: {out / 'index.html'}")
    if "pdf" in formats:
        print(f"  PDF:  {out / 'report.pdf'}")
    print(f"  executed notebooks: {out / 'executed'}")
