"""A series of `as_of` reports built in one call (`borderland build --sweep`).

`--sweep` takes a list of dates (`2012-07-24,2012-07-26`) or a range with a step
(`2012-07-24:2012-07-31:1d`; steps in days `d`, weeks `w`, months `m` or years `y`).
Each date's report goes to `<folder>/<date>/`, exactly as `-p as_of <date> --out
<folder>/<date>` would build it, and `<folder>/index.html` links them all.
"""
from __future__ import annotations

import html
import itertools
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from . import dates

MAX_DATES = 100
_STEP = re.compile(r"^([1-9][0-9]{0,3})([dwmy])$")
_OFFSETS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


class SweepError(ValueError):
    """A malformed --sweep; the message is one line saying what is allowed."""


ALLOWED = ("allowed: a comma-separated list of ISO dates (2012-07-24,2012-07-26) or "
           "START:STOP:STEP (2012-07-24:2012-07-31:1d; STEP a whole number and d, w, m or y), "
           f"at most {MAX_DATES} dates, in order")


def parse(text: str) -> list[str]:
    """The dates `text` names, in order; SweepError when malformed."""
    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise SweepError(f"--sweep {text!r}: a range has three parts; {ALLOWED}")
        start, stop, step = (p.strip() for p in parts)
        _check_date(start, text)
        _check_date(stop, text)
        match = _STEP.match(step)
        if not match or dates.precision(start) != "day" or dates.precision(stop) != "day":
            raise SweepError(f"--sweep {text!r}: a range needs day dates and a step like 1d; "
                             f"{ALLOWED}")
        offset = pd.DateOffset(**{_OFFSETS[match.group(2)]: int(match.group(1))})
        day, last, out = pd.Timestamp(start), pd.Timestamp(stop), []
        if last < day:
            raise SweepError(f"--sweep {text!r}: {stop} is before {start}; {ALLOWED}")
        while day <= last and len(out) <= MAX_DATES:
            out.append(f"{day:%Y-%m-%d}")
            day += offset
    else:
        out = [d.strip() for d in text.split(",")]
        for d in out:
            _check_date(d, text)
        if any(not dates.before(a, b) for a, b in itertools.pairwise(out)):
            raise SweepError(f"--sweep {text!r}: dates must be distinct and in order; {ALLOWED}")
    if len(out) > MAX_DATES:
        raise SweepError(f"--sweep {text!r}: more than {MAX_DATES} dates; {ALLOWED}")
    return out


def _check_date(value: str, text: str) -> None:
    problem = dates.reason(value, 2100) if value else "empty"
    if problem:
        raise SweepError(f"--sweep {text!r}: {value!r} is not a date ({problem}); {ALLOWED}")


def index_html(dates_built: list[str], parameters: dict, counts: dict[str, int]) -> str:
    """The sweep's index page: one line per date with links to its report and PDF."""
    given = ", ".join(f"{k} = {v}" for k, v in sorted(parameters.items())) or "defaults"
    rows = []
    previous = None
    for day in dates_built:
        count = counts.get(day, 0)
        change = "" if previous is None else f" ({count - previous:+,} since the previous date)"
        previous = count
        rows.append(f'<li><a href="{day}/index.html">{day}</a> · <a href="{day}/report.pdf">PDF</a>'
                    f" · {count:,} casualty statements published by then{change}</li>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Borderland: the record as it stood, date by date</title>\n"
            "<style>body{font-family:sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5}"
            "</style>\n</head>\n<body>\n<h1>The record as it stood, date by date</h1>\n"
            f"<p>{len(dates_built)} editions of the report, each showing only what had been "
            f"published by the end of its date. Other parameters: {html.escape(given)}.</p>\n"
            "<ol>\n" + "\n".join(rows) + "\n</ol>\n</body>\n</html>\n")


def write_index(folder: Path, text: str) -> None:
    """Write `folder/index.html` atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-index-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, folder / "index.html")
