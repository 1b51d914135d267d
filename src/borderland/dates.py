"""Dates written at their precision (`2012`, `2012-07`, `2012-07-24`) and their intervals.

A date of month precision stands for the whole month: it starts on the 1st and
ends on the last day. Comparisons use these intervals, so "2016" is not before
"2016-05-01" and the 2016 chapter counts as known only once 2016 has ended.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .schema import MIN_YEAR

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)  # no look-alike digits
PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}


def problem(value: str, latest_year: int = 2035) -> str | None:
    """Why `value` is not a valid date at its precision, or None."""
    match = _ISO.match(value)
    if not match:
        return (f"{value[:40]!r} is not an ISO date written at its precision "
                "(YYYY, YYYY-MM or YYYY-MM-DD) (rule: date)")
    year = int(match.group(1))
    if not MIN_YEAR <= year <= latest_year:
        return f"{value!r} is outside {MIN_YEAR}-{latest_year} (rule: date-range)"
    try:
        pd.Timestamp(value if match.group(3) else (value + "-01-01")[:10])
    except ValueError:
        return f"{value!r} is not a real calendar date (rule: date)"
    return None


def reason(value: str, latest_year: int = 2035) -> str | None:
    """`problem` without its "(rule: ...)" tag, for a parameter's message."""
    found = problem(value, latest_year)
    return re.sub(r" \(rule: [^)]*\)$", "", found) if found else None


def shaped(value: str) -> bool:
    """True when `value` is written like a date (YYYY, YYYY-MM or YYYY-MM-DD), real or not."""
    return bool(_ISO.match(value))


def precision(value: str) -> str:
    """'year', 'month' or 'day' from how `value` is written."""
    return PRECISION_OF_LENGTH[len(value)]


def precision_problem(value: str, stated: str, column: str) -> tuple[str, str] | None:
    """A (column, message) pair when `stated` precision disagrees with the date's writing."""
    if not value or not stated or problem(value):
        return None
    actual = precision(value)
    if actual != stated:
        return column, (f"{stated!r} disagrees with {value!r}, which is written to the "
                        f"{actual} (rule: precision)")
    return None


def first_day(value: str) -> pd.Timestamp:
    """The first day of the interval `value` stands for."""
    return pd.Timestamp({4: value + "-01-01", 7: value + "-01", 10: value}[len(value)])


def last_day(value: str) -> pd.Timestamp:
    """The last day of the interval `value` stands for."""
    start = first_day(value)
    if len(value) == 4:
        return start + pd.offsets.YearEnd(0)
    if len(value) == 7:
        return start + pd.offsets.MonthEnd(0)
    return start


def before(a: str, b: str) -> bool:
    """True when all of `a`'s interval lies before all of `b`'s."""
    return last_day(a) < first_day(b)


@dataclass(frozen=True)
class Cutoff:
    """A checked `as_of` or `since`: the date as given (`label`, for "as of 2012-08") and
    the last day it stands for (`end`, what selections and charts compare with)."""

    label: str
    end: pd.Timestamp

    @classmethod
    def of(cls, value: str) -> Cutoff:
        """The cutoff of a valid date `value` (see `problem`)."""
        return cls(value, last_day(value))
