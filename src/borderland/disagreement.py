"""Where the sources disagree: subjects on which statements differ beyond a tolerance.

Each function takes statements (`statements.collapse`), so a figure relayed many times
counts once, and compares only like with like:

* `tolls`: casualty statements of one event, outcome, party and country;
* `forces`: strength statements of one force and unit describing the same year;
* `values`: stated values of one project step in one unit, stated in the same year;
* `targets`: target dates of one project step announced in the same year.

A subject is listed when its highest figure is more than `tolerance` times its lowest
(dates: when the targets lie more than `years` apart) and its two ends come from
different documents (two figures of one document are two measures, not a dispute).
Each row names the statement at either end: who, when, the figure as worded and its
reliability; `frame.attrs["source_ids"]` holds the documents of every end, for the
table's Source line. Nothing is averaged.
"""
from __future__ import annotations

import pandas as pd

from . import derive, select

COLUMNS = ["Subject", "Statements compared", "Lowest", "Highest", "Spread"]


def _side(row, when: str) -> str:
    return (f"{derive.stated(row)} — {row['claimant'] or 'claimant not named'}, {row[when]} "
            f"({row['reliability']} reliability)")


CONTEMPORARY = pd.Timedelta(days=30)  # a toll stated this long before another is not its rival


def _spread(frame: pd.DataFrame, by: list[str], label, tolerance: float, when: str,
            per_claimant: bool = False) -> pd.DataFrame:
    """The subjects (groups of `by`) of `frame`, rows already rated well enough, whose
    highest figure is beyond `tolerance` times the lowest, worded by `label`."""
    frame = frame.assign(_low=derive.figure(frame, "low"), _high=derive.figure(frame, "high"))
    frame = frame.dropna(subset=["_low"])
    if per_claimant:  # each claimant's highest figure: its running tallies do not count
        frame = frame.sort_values(["_high", frame.columns[0]], ascending=[False, True])
        frame = frame.drop_duplicates([*by, "claimant"])
    rows, cited = [], set()
    for key, group in frame.groupby(by, sort=True, dropna=False):
        if len(group) < 2:
            continue
        high = group.sort_values(["_high", group.columns[0]], ascending=[False, True]).iloc[0]
        if per_claimant:  # an early count is a rival only of figures stated about when it was
            start = f"{when}_from"
            group = group[group[start] >= high[start] - CONTEMPORARY]
        low = group.sort_values(["_low", group.columns[0]]).iloc[0]
        lo, hi = float(low["_low"]), float(high["_high"])
        if hi <= lo * tolerance or hi == 0 or not set(_docs(low)).isdisjoint(_docs(high)):
            continue
        cited.update([*_docs(low), *_docs(high)])
        rows.append([label(key if isinstance(key, tuple) else (key,)), len(group),
                     _side(low, when), _side(high, when),
                     f"×{hi / lo:.1f}" if lo > 0 else f"0 to {derive.number(hi)}", hi / max(lo, 1)])
    out = pd.DataFrame(rows, columns=[*COLUMNS, "_factor"])
    out = out.sort_values(["_factor", "Subject"], ascending=[False, True]).drop(columns="_factor")
    out.attrs["source_ids"] = sorted(cited)
    return out


def _docs(row) -> tuple[str, ...]:
    """The documents behind a statement (collapsed) or a row."""
    if "documents" in row and isinstance(row["documents"], tuple):
        return row["documents"]
    return tuple(d for d in (row.get("source_id"), row.get("original_source_id")) if isinstance(d, str))


def tolls(claims: pd.DataFrame, names: dict[str, str], *, tolerance: float = 1.5,
          min_reliability: str = "medium") -> pd.DataFrame:
    """Casualty subjects on which claimants' highest figures differ by more than
    `tolerance` times: only `derive.like_for_like` statements (whole-episode tolls of a
    stated side, no ceilings); a claimant's earlier, lower running tally is not set
    against others, nor is a figure stated more than 30 days before the highest (an early
    count, not a rival one)."""
    def label(key):
        event, outcome, party, country = key
        whose = f", {country} citizens" if isinstance(country, str) else ""
        return f"{names.get(event, event)}: {outcome}, {party.replace('-', ' ')}{whose}"
    return _spread(derive.like_for_like(claims, min_reliability),
                   ["event_id", "outcome", "party", "country"], label, tolerance,
                   "reported_on", per_claimant=True)


def forces(deployments: pd.DataFrame, *, tolerance: float = 1.25,
           min_reliability: str = "medium") -> pd.DataFrame:
    """Standing strengths of one force, for the same year, that differ beyond `tolerance`."""
    frame = select.reliable(deployments[deployments["measure"] == "strength"], min_reliability)
    frame = frame.assign(_year=frame["date_from"].dt.year)
    def label(key):
        force, unit, year = key
        return f"{force.replace('-', ' ').capitalize()}: {unit} in {year}"
    return _spread(frame, ["force", "unit", "_year"], label, tolerance, "reported_on")


def values(milestones: pd.DataFrame, *, tolerance: float = 1.25,
           min_reliability: str = "medium") -> pd.DataFrame:
    """Values (costs, capacities) of one step in one unit, stated in the same year."""
    frame = milestones[milestones[["value_low", "value", "value_high"]].notna().any(axis=1)]
    frame = select.reliable(frame, min_reliability)
    frame = frame.assign(_year=frame["stated_on_to"].dt.year)
    def label(key):
        subject, step, unit, year = key
        return f"{subject.replace('-', ' ').capitalize()}: {step.replace('-', ' ')} ({unit}), stated in {year}"
    return _spread(frame, ["subject", "milestone", "unit", "_year"], label, tolerance,
                   "stated_on")


def targets(milestones: pd.DataFrame, *, years: float = 1.0,
            min_reliability: str = "medium") -> pd.DataFrame:
    """Target dates of one step announced in the same year that lie more than `years` apart
    (a date already past when it was stated is a report, not a target, and is left out)."""
    frame = select.reliable(derive.targets(milestones), min_reliability)
    frame = frame[frame["date_to"] >= frame["stated_on_from"]]
    frame = frame.assign(_year=frame["stated_on_to"].dt.year)
    rows, cited = [], set()
    for (subject, step, year), group in frame.groupby(["subject", "milestone", "_year"],
                                                      sort=True):
        first = group.sort_values(["date_from", "milestone_id"]).iloc[0]
        last = group.sort_values(["date_to", "milestone_id"], ascending=[False, True]).iloc[0]
        gap = (last["date_from"] - first["date_to"]).days / 365.25
        if len(group) < 2 or gap <= years or not set(_docs(first)).isdisjoint(_docs(last)):
            continue
        cited.update([*_docs(first), *_docs(last)])
        subject_text = (f"{subject.replace('-', ' ').capitalize()}: {step.replace('-', ' ')}, "
                        f"announced in {year}")
        rows.append([subject_text, len(group),
                     f"{first['date']} — {first['claimant'] or 'not named'}, {first['stated_on']}",
                     f"{last['date']} — {last['claimant'] or 'not named'}, {last['stated_on']}",
                     f"{gap:.1f} years apart"])
    out = pd.DataFrame(rows, columns=COLUMNS)
    out.attrs["source_ids"] = sorted(cited)
    return out
