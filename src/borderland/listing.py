"""Tables of the rows a chart drew, for readers who want every figure and its source.

Each function sorts its rows and returns a `Listing`: the first `limit` (None: all)
formatted, with the count and documents of every row, so its caption can say how many
were left out (`Chapter.table` shows it).
Claims and force figures are listed one line per report (the document we read), the
reports of one statement together under its first; a date marked `~` is our inference,
`≤` only the relaying document's date.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import derive, select, statements
from .wording import pretty


@dataclass(frozen=True)
class Listing:
    """A table's rows as shown, how many rows it was cut from and the documents of all."""

    rows: pd.DataFrame
    total: int
    source_ids: list[str]

    @property
    def cut(self) -> bool:
        """True when the table shows fewer rows than it was cut from."""
        return self.total > len(self.rows)

    def caption(self, text: str) -> str:
        """`text`, and when the table was cut, how many it lists and how to list the rest."""
        if not self.cut:
            return text
        return text + (f" Listed here: the first {len(self.rows):,} of {self.total:,}, in the "
                       "order shown; every row is in the data/ folder, and the table_rows "
                       "parameter lists more.")


def listed(frame: pd.DataFrame, limit: int | None,
           columns: Callable[[pd.DataFrame], pd.DataFrame]) -> Listing:
    """The first `limit` rows of `frame` (None: all) as `columns` formats them, with the
    count and the documents of every row."""
    return Listing(columns(frame.iloc[:limit]), len(frame), select.source_ids(frame))


def document_labels(sources: pd.DataFrame) -> pd.Series:
    """source_id -> 'Publisher (date)'."""
    return sources.set_index("source_id").apply(
        lambda r: f"{r['publisher']} ({r['published'] or 'n.d.'})", axis=1)


def _source(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """'Publisher (date)' of the document read, with the outlet it relays."""
    label = document_labels(sources)
    read = frame["source_id"].map(label).fillna(frame["source_id"])
    relayed = frame["original_source_id"].map(label)
    return read.where(relayed.isna(), read + ", relaying " + relayed.fillna(""))


def _by_statement(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Rows sorted by `order` of their statement's first report, its reports together
    (earliest first), with a `Statement` label: its id and how many reports it has."""
    key = statements.key_of(frame)
    sid = statements.ids(frame)
    frame = frame.assign(_sid=sid, _first=frame.groupby(sid)["known_on_to"].transform("min"))
    frame = frame.sort_values([*order, "_first", "_sid", "known_on_to", key])
    size = frame.groupby("_sid")[key].transform("size")
    rank = frame.groupby("_sid").cumcount()
    label = frame["_sid"] + size.map(lambda n: f" ({n} reports)" if n > 1 else "")
    return frame.assign(_label=label.where(rank == 0, "  ↳ same statement"))


def claims_table(claims: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame,
                 limit: int | None = None) -> Listing:
    """One line per report: its statement, event, outcome, party, figure as stated,
    claimant, date, source; the reports of one statement together."""
    names = events.set_index("event_id")["name"]
    start = events.set_index("event_id")["start_date_from"]
    ordered = _by_statement(claims.assign(_start=claims["event_id"].map(start)),
                            ["_start", "event_id", "outcome", "party"])
    return listed(ordered, limit, lambda frame: pd.DataFrame({
        "Statement": frame["_label"],
        "Claim": frame["claim_id"],
        "Event": frame["event_id"].map(names).fillna(frame["event_id"]),
        "Outcome": frame["outcome"],
        "Party": frame["party"].map(pretty),
        "Figure": [derive.stated(r) for _, r in frame.iterrows()],
        "Claimant": frame["claimant"],
        "Type": frame["claimant_type"],
        "Reported": _dated(frame),
        "Reliability": frame["reliability"],
        "Source": _source(frame, sources),
    }))


def _dated(frame: pd.DataFrame) -> pd.Series:
    """The statement date, marked where only a relay (≤) or our inference (~) dates it."""
    said = "stated_on" if "stated_on" in frame else "reported_on"
    basis = frame[f"{said}_basis"].map({"relay": "≤", "inferred": "~"}).fillna("")
    return basis + frame[said]


def deployments_table(deployments: pd.DataFrame, sources: pd.DataFrame,
                      limit: int | None = None) -> Listing:
    """One line per force figure: statement, force, measure, unit, figure, status, date
    described, claimant; the reports of one statement together."""
    ordered = _by_statement(deployments, ["force", "measure", "unit", "date_from"])
    return listed(ordered, limit, lambda frame: pd.DataFrame({
        "Statement": frame["_label"],
        "Row": frame["deployment_id"],
        "Force": frame["force"].map(lambda f: pretty(f, capital=True)),
        "Measure": frame["measure"],
        "Unit": frame["unit"],
        "Figure": [derive.stated(r) for _, r in frame.iterrows()],
        "Status": frame["status"],
        "Date described": frame["date"],
        "Claimant": frame["claimant"],
        "Reported": _dated(frame),
        "Reliability": frame["reliability"],
        "Source": _source(frame, sources),
    }))


def milestones_table(milestones: pd.DataFrame, sources: pd.DataFrame,
                     values: bool = False, limit: int | None = None) -> Listing:
    """One line per report of a dated step (with its figure and unit when `values`), the
    reports of one announcement together."""
    return listed(_by_statement(milestones, ["subject", "date_from"]), limit,
                  lambda frame: _milestone_columns(frame, sources, values))


def _milestone_columns(frame: pd.DataFrame, sources: pd.DataFrame, values: bool) -> pd.DataFrame:
    """The columns `milestones_table` lists for `frame`'s rows."""
    table = {
        "Statement": frame["_label"],
        "Row": frame["milestone_id"],
        "Subject": frame["subject"].map(lambda s: pretty(s, capital=True)),
        "Step": frame["milestone"].map(pretty),
        "Status": frame["status"],
        "Date": frame["date"] + frame["end_date"].map(lambda e: f" to {e}" if pd.notna(e) else ""),
        "Stated": _dated(frame),
    }
    if values:
        table["Figure"] = [f"{derive.stated(r)} {pretty(r['unit'])}" for _, r in frame.iterrows()]
    else:
        table["What"] = frame["description"]
    table["Reliability"] = frame["reliability"]
    table["Source"] = _source(frame, sources)
    return pd.DataFrame(table)
