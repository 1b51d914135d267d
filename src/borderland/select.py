"""Pick the rows a notebook shows, from its checked parameters (`params.check`: `as_of` is a
`dates.Cutoff`).

Rules, one per parameter:

* `as_of`: a row is known on a date when its `known_on_to` (the later of the end of
  its `reported_on`/`stated_on` interval and the end of the publication date of the
  document we read; none for an undated document; see `load`) is on or before the END
  of `as_of`'s interval. A claim
  reported "2016" counts only from 31 Dec 2016; `as_of` "2012-07" means "by the end of
  July 2012". A statement is known as soon as one of its rows is (`statements`).
  Events count once they have started and are known (`events`).
* `sources`: rows whose `source_id` (the document we read) or `original_source_id`
  (the outlet it relays) is listed.
* `min_reliability`: rows rated at least this (low < medium < high).
* `claimant_types`, `events`, `forces`, `subjects`/`projects`: rows whose column holds
  one of the listed values. None (or absent) means no filter.
* `start_year`/`end_year`: rows whose date interval (to `end_date` for spans) overlaps
  the years.
* `show_planned=False`: drops planned rows.

Functions never modify their input and keep the original row order.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .dates import Cutoff

RANK = {"low": 0, "medium": 1, "high": 2}


def known(frame: pd.DataFrame, as_of: Cutoff | None) -> pd.DataFrame:
    """Rows public by the end of `as_of` (their `known_on_to`)."""
    if as_of is None:
        return frame
    return frame[frame["known_on_to"] <= as_of.end]


def from_sources(frame: pd.DataFrame, sources: Iterable[str] | None) -> pd.DataFrame:
    """Rows read in, or relaying, one of `sources` (None: all rows)."""
    if sources is None:
        return frame
    wanted = list(sources)
    relayed = frame["original_source_id"].isin(wanted) if "original_source_id" in frame else False
    return frame[frame["source_id"].isin(wanted) | relayed]


def reliable(frame: pd.DataFrame, min_reliability: str | None) -> pd.DataFrame:
    """Rows rated `min_reliability` or better."""
    if not min_reliability or min_reliability == "low":
        return frame
    return frame[frame["reliability"].map(RANK) >= RANK[min_reliability]]


def among(frame: pd.DataFrame, column: str, values: Iterable[str] | None) -> pd.DataFrame:
    """Rows whose `column` is one of `values` (None: all rows)."""
    if values is None:
        return frame
    return frame[frame[column].isin(list(values))]


def in_years(frame: pd.DataFrame, start_year: int | None, end_year: int | None,
             column: str, end_column: str | None = None) -> pd.DataFrame:
    """Rows whose interval `column` (to `end_column` where filled) overlaps the years."""
    if start_year is None and end_year is None:
        return frame
    first = frame[f"{column}_from"]
    last = frame[f"{column}_to"]
    if end_column:
        last = frame[f"{end_column}_to"].fillna(last)
    keep = pd.Series(True, index=frame.index)
    if start_year is not None:
        keep &= last >= pd.Timestamp(year=start_year, month=1, day=1)
    if end_year is not None:
        keep &= first <= pd.Timestamp(year=end_year, month=12, day=31)
    return frame[keep]


def _common(frame: pd.DataFrame, p: dict) -> pd.DataFrame:
    frame = known(frame, p.get("as_of"))
    frame = from_sources(frame, p.get("sources"))
    return reliable(frame, p.get("min_reliability"))


def claims(tables, p: dict) -> pd.DataFrame:
    """Casualty claims matching as_of, sources, min_reliability, claimant_types, events."""
    frame = _common(tables.casualty_claims, p)
    frame = among(frame, "claimant_type", p.get("claimant_types"))
    return among(frame, "event_id", p.get("events"))


def deployments(tables, p: dict) -> pd.DataFrame:
    """Force figures matching as_of, sources, min_reliability, forces, years, show_planned."""
    frame = _common(tables.deployments, p)
    frame = among(frame, "force", p.get("forces"))
    frame = among(frame, "claimant_type", p.get("claimant_types"))
    frame = in_years(frame, p.get("start_year"), p.get("end_year"), "date")
    return _planned(frame, p)


def milestones(tables, p: dict, track: str | None = None) -> pd.DataFrame:
    """Milestones of `track` matching as_of, sources, min_reliability, subjects or
    projects, years and show_planned."""
    frame = tables.milestones
    if track:
        frame = frame[frame["track"] == track]
    frame = _common(frame, p)
    subjects = p.get("subjects") if p.get("subjects") is not None else p.get("projects")
    frame = among(frame, "subject", subjects)
    frame = among(frame, "claimant_type", p.get("claimant_types"))
    frame = in_years(frame, p.get("start_year"), p.get("end_year"), "date", "end_date")
    return _planned(frame, p)


def _planned(frame: pd.DataFrame, p: dict) -> pd.DataFrame:
    if p.get("show_planned", True):
        return frame
    return frame[frame["status"] != "planned"]


def events(tables, p: dict, with_claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Events started by `as_of`, known then, and listed in `events`.

    An event is known at `as_of` when the document dating it was published by then or
    one of `with_claims` (the selected, hence already known, claims) belongs to it; in
    the second case its `source_id` is blanked, so a later document is never cited.
    With `sources` set, an event stays when the document dating it is listed or when
    one of `with_claims` belongs to it.
    """
    frame = tables.events
    claimed = set(with_claims["event_id"]) if with_claims is not None else set()
    as_of = p.get("as_of")
    if as_of is not None:
        end = as_of.end
        published = frame["source_id"].map(tables.sources.set_index("source_id")["published_to"])
        dated_by_then = published <= end  # an undated document may be later
        frame = frame[(frame["start_date_from"] <= end)
                      & (dated_by_then | frame["event_id"].isin(claimed))]
        frame = frame.assign(source_id=frame["source_id"].where(dated_by_then.loc[frame.index]))
    frame = among(frame, "event_id", p.get("events"))
    if p.get("sources") is not None:
        frame = frame[frame["source_id"].isin(p["sources"]) | frame["event_id"].isin(claimed)]
    return frame


def source_ids(*frames: pd.DataFrame) -> list[str]:
    """Sorted ids of every document behind the rows of `frames` (read and relayed)."""
    ids: set[str] = set()
    for frame in frames:
        if "documents" in frame:  # statements: every document of every relay
            ids.update(doc for docs in frame["documents"] for doc in docs)
        for column in ("source_id", "original_source_id"):
            if column in frame:
                ids.update(frame[column].dropna())
    return sorted(ids)
