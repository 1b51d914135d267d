"""Tables of the rows a chart drew, for readers who want every figure and its source.

Each function sorts its rows and keeps the first `limit` (None: all) before formatting
them; `output.show_table(..., total=...)` then says in the caption how many were left out.
"""
from __future__ import annotations

import pandas as pd

from . import derive
from .charts.base import pretty


def _source(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """'Publisher (date)' of the document read, with the outlet it relays."""
    label = sources.set_index("source_id").apply(
        lambda r: f"{r['publisher']} ({r['published'] or 'n.d.'})", axis=1)
    read = frame["source_id"].map(label).fillna(frame["source_id"])
    relayed = frame["original_source_id"].map(label)
    return read.where(relayed.isna(), read + ", relaying " + relayed.fillna(""))


def claims_table(claims: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame,
                 limit: int | None = None) -> pd.DataFrame:
    """One line per claim: event, outcome, party, figure as stated, claimant, date, source."""
    names = events.set_index("event_id")["name"]
    start = events.set_index("event_id")["start_date_from"]
    frame = claims.assign(_start=claims["event_id"].map(start)).sort_values(
        ["_start", "event_id", "outcome", "party", "reported_on_from", "claim_id"]).iloc[:limit]
    return pd.DataFrame({
        "Claim": frame["claim_id"],
        "Event": frame["event_id"].map(names).fillna(frame["event_id"]),
        "Outcome": frame["outcome"],
        "Party": frame["party"].map(pretty),
        "Figure": [derive.stated(r) for _, r in frame.iterrows()],
        "Claimant": frame["claimant"],
        "Type": frame["claimant_type"],
        "Reported": frame["reported_on"],
        "Reliability": frame["reliability"],
        "Source": _source(frame, sources),
    })


def deployments_table(deployments: pd.DataFrame, sources: pd.DataFrame,
                      limit: int | None = None) -> pd.DataFrame:
    """One line per force figure: force, unit, figure, status, date described, claimant."""
    frame = deployments.sort_values(["force", "unit", "date_from", "deployment_id"]).iloc[:limit]
    return pd.DataFrame({
        "Row": frame["deployment_id"],
        "Force": frame["force"].map(lambda f: pretty(f, capital=True)),
        "Unit": frame["unit"],
        "Figure": [derive.stated(r) for _, r in frame.iterrows()],
        "Status": frame["status"],
        "Date described": frame["date"],
        "Claimant": frame["claimant"],
        "Reported": frame["reported_on"],
        "Reliability": frame["reliability"],
        "Source": _source(frame, sources),
    })


def milestones_table(milestones: pd.DataFrame, sources: pd.DataFrame,
                     values: bool = False, limit: int | None = None) -> pd.DataFrame:
    """One line per dated step (with its figure and unit when `values`)."""
    frame = milestones.sort_values(["subject", "date_from", "milestone_id"]).iloc[:limit]
    table = {
        "Row": frame["milestone_id"],
        "Subject": frame["subject"].map(lambda s: pretty(s, capital=True)),
        "Step": frame["milestone"].map(pretty),
        "Status": frame["status"],
        "Date": frame["date"] + frame["end_date"].map(lambda e: f" to {e}" if pd.notna(e) else ""),
        "Stated": frame["stated_on"],
    }
    if values:
        table["Figure"] = [f"{derive.number(v)} {pretty(u)}" for v, u in
                           zip(frame["value"], frame["unit"])]
    else:
        table["What"] = frame["description"]
    table["Reliability"] = frame["reliability"]
    table["Source"] = _source(frame, sources)
    return pd.DataFrame(table)
