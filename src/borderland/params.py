"""Rules for the notebooks' parameters, shared by the notebooks and the build CLI.

The notebooks' `parameters` cells declare each parameter's name and default; this
module says what values each name accepts. `check()` returns the values normalised
or raises `ParameterError` naming every bad parameter, its value and what is allowed.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from . import dates
from .schema import CLAIMANT_TYPES, RELIABILITY

# The most rows a listing table may be asked for (a report of 100,000 rows is no report).
MAX_TABLE_ROWS = 100_000

# What a build writes at the top of a report folder (fig_dir is relative to that folder).
REPORT_ENTRIES = ("index.html", "report.pdf", "annex.html", "annex.pdf", "manifest.json", "executed", "data",
                  "README.md")


class ParameterError(ValueError):
    """One or more parameters are not acceptable; the message names each.

    `names[i]` is the parameter `problems[i]` is about, so the command line can say
    where that parameter was given (a file and line, or -p).
    """

    def __init__(self, problems: list[str], names: list[str] | None = None):
        self.problems = problems
        self.names = names if names is not None else [""] * len(problems)
        super().__init__("; ".join(problems))

    def located(self, where: dict[str, str]) -> str:
        """The message, each problem led by where its parameter was given (if known)."""
        return "; ".join(f"{where[n]}: {p}" if n in where else p
                         for n, p in zip(self.names, self.problems))


@dataclass(frozen=True)
class Rule:
    """What one parameter accepts: `kind` and, for choices, where they come from."""

    kind: str  # date | choice | choices | year | rows | bool | formats | folder
    help: str
    choices: tuple[str, ...] = ()
    data_choices: str = ""  # "table.column" whose values are allowed

    def allowed(self, tables=None) -> list[str]:
        if self.data_choices and tables is not None:
            table, column = self.data_choices.split(".")
            return sorted(getattr(tables, table)[column].dropna().unique())
        return list(self.choices)

    def describe(self) -> str:
        if self.data_choices:
            return f"list of {self.data_choices.split('.')[1]}s from data/{self.data_choices.split('.')[0]}.csv, or null for all"
        return {
            "date": "ISO date (YYYY, YYYY-MM or YYYY-MM-DD) or null for everything",
            "choice": "one of " + ", ".join(self.choices),
            "choices": "list drawn from " + ", ".join(self.choices) + ", or null for all",
            "year": "year 1850-2100, or null for the data's range",
            "rows": f"whole number 1-{MAX_TABLE_ROWS}, or null for every row",
            "bool": "true or false",
            "formats": "list drawn from svg, png",
            "folder": "relative folder inside the project, not named like the report's own "
                      "files (" + ", ".join(REPORT_ENTRIES) + ")",
        }[self.kind]


PARAMETERS: dict[str, Rule] = {
    "as_of": Rule("date", "only claims reported and milestones known on or before this date"),
    "since": Rule("date", "list what was first published after this date and by as_of (the "
                          "chapter What changed) and mark it in the charts"),
    "sources": Rule("choices", "only rows citing these documents", data_choices="sources.source_id"),
    "min_reliability": Rule("choice", "drop rows rated below this reliability",
                            choices=RELIABILITY),
    "fig_formats": Rule("formats", "file formats written for each figure"),
    "fig_dir": Rule("folder", "folder the figures are written to (one sub-folder per notebook)"),
    "events": Rule("choices", "events to show", data_choices="events.event_id"),
    "claimant_types": Rule("choices", "claimant types to show", choices=CLAIMANT_TYPES),
    "estimate": Rule("choice", "which figure of a claim to use where one number is needed",
                     choices=("low", "best", "high")),
    "forces": Rule("choices", "forces to show", data_choices="deployments.force"),
    "subjects": Rule("choices", "basing subjects to show", data_choices="milestones.subject"),
    "projects": Rule("choices", "energy projects to show", data_choices="milestones.subject"),
    "tracks": Rule("choices", "timeline tracks to show",
                   choices=("violence", "deployments", "basing", "energy")),
    "start_year": Rule("year", "first year shown"),
    "end_year": Rule("year", "last year shown"),
    "show_planned": Rule("bool", "draw planned dates beside actual ones"),
    "table_rows": Rule("rows", "most rows each listing table shows; the rest are counted in "
                               "its caption"),
}


def _check_one(name: str, value: Any, rule: Rule, tables) -> tuple[Any, str | None]:
    """(normalised value, problem or None) for one parameter."""
    bad = f"parameter {name}: {value!r} is not allowed; allowed: {rule.describe()}"
    checkers: dict[str, Callable[[], Any]] = {
        "date": lambda: _date(value),
        "choice": lambda: value if value in rule.choices else None,
        "choices": lambda: _choices(value, rule.allowed(tables)),
        "year": lambda: _whole(value, 1850, 2100),
        "rows": lambda: _whole(value, 1, MAX_TABLE_ROWS),
        "bool": lambda: value if isinstance(value, bool) else None,
        "formats": lambda: list(value) if isinstance(value, (list, tuple)) and value
        and all(v in ("svg", "png") for v in value) else None,
        "folder": lambda: _folder(value),
    }
    if value is None and rule.kind in ("date", "choices", "year", "rows"):
        return None, None
    if rule.kind == "date" and isinstance(value, str) and dates.shaped(value) \
            and dates.problem(value, 2100):  # say why: no such day, or out of range
        reason = dates.reason(value, 2100)
        return None, f"parameter {name}: {reason}; allowed: {rule.describe()}"
    result = checkers[rule.kind]()
    if result is None:
        if rule.kind == "choices" and isinstance(value, (list, tuple)):
            unknown = [v for v in value if v not in rule.allowed(tables)]
            hint = _closest(unknown[0], rule.allowed(tables)) if unknown else ""
            return None, (f"parameter {name}: unknown value(s) {unknown!r}{hint}; allowed: "
                          f"{rule.describe()}")
        return None, bad
    return result, None


def _whole(value: Any, low: int, high: int) -> int | None:
    """`value` if it is a whole number (not a bool) from `low` to `high`."""
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    return value if ok else None


def _date(value: Any) -> dates.Cutoff | None:
    if hasattr(value, "isoformat"):  # YAML turns 2012-07-26 into a date
        value = value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    valid = isinstance(value, str) and dates.problem(value, 2100) is None
    return dates.Cutoff.of(value) if valid else None


def _choices(value: Any, allowed: list[str]) -> list[str] | None:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v in allowed for v in value):
        return list(value)
    return None


def _folder(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or "\\" in value:
        return None
    if path.parts[:1] and path.parts[0] in REPORT_ENTRIES:  # figures would land on them
        return None
    return value


def _closest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(str(name), options, n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def check(values: dict[str, Any], tables=None, declared: list[str] | None = None) -> dict:
    """Normalised `values` (a date as a `dates.Cutoff`), or ParameterError naming every bad one.

    `declared`: the names a notebook takes (unknown names are errors); `tables`:
    the loaded data, for choices drawn from it (event and source ids...).
    """
    problems: list[str] = []
    names: list[str] = []
    out: dict[str, Any] = {}
    known = declared if declared is not None else list(PARAMETERS)
    for name, value in values.items():
        if name not in known or name not in PARAMETERS:
            problems.append(f"unknown parameter {name!r}{_closest(name, known)}")
            names.append(name)
            continue
        out[name], problem = _check_one(name, value, PARAMETERS[name], tables)
        if problem:
            problems.append(problem)
            names.append(name)
    start, end = out.get("start_year"), out.get("end_year")
    if isinstance(start, int) and isinstance(end, int) and end < start:
        problems.append(f"parameter end_year: {end} is before start_year {start}")
        names.append("end_year")
    since, as_of = out.get("since"), out.get("as_of")
    if since and as_of and since.end >= as_of.end:
        problems.append(f"parameter since: {since.label} is not before as_of {as_of.label}, so "
                        "the window of changes would be empty; allowed: a date before as_of")
        names.append("since")
    if problems:
        raise ParameterError(problems, names)
    return out


def literals(checked: dict[str, Any]) -> dict[str, Any]:
    """`check`'s values as a parameters cell writes them (a date as given), for papermill."""
    return {name: value.label if isinstance(value, dates.Cutoff) else value
            for name, value in checked.items()}
