"""What changed between two dates: statements first known after `since` and by `as_of`.

The list is a set difference: the statements the parameters select at `as_of`, less
those the same parameters select at `since` (`new`). Each new statement is then set
against the latest earlier statement on the same thing (`compared`): the same claimant
on the same episode, outcome, side and country; the same force and measure; the same
project or basing step), so the chapter can say whether a toll was revised, a force grew or a
target moved, and by how much.
"""
from __future__ import annotations

import pandas as pd

from . import derive, listing, statements
from .dates import Cutoff
from .select import RANK
from .wording import pretty


def at_since(p: dict) -> dict:
    """The parameters with `as_of` moved back to `since`."""
    return {**p, "as_of": p["since"]}


def new(now: pd.DataFrame, then: pd.DataFrame) -> pd.DataFrame:
    """Statements of the rows `now` that none of the rows `then` reports, in order of
    first publication."""
    fresh = statements.collapse(now)
    fresh = fresh[~fresh["statement_id"].isin(set(statements.ids(then)))]
    return fresh.sort_values(["first_known", "statement_id"], kind="stable")


def is_new(frame: pd.DataFrame, since: Cutoff | None) -> pd.Series:
    """Per statement of `frame` (collapsed), whether it was first published after `since`."""
    if since is None:
        return pd.Series(False, index=frame.index)
    return frame["first_known"] > since.end


KEYS = {"claim_id": ["event_id", "outcome", "party", "country", "claimant"],
        "deployment_id": ["force", "measure", "unit"],
        "milestone_id": ["subject", "milestone", "status"]}


def compared(fresh: pd.DataFrame, known: pd.DataFrame) -> pd.DataFrame:
    """`fresh` with `before` (the figure or date it is set against, among `known`, the
    collapsed statements at `as_of`, first published before it) and `change`.

    A toll is set against the same claimant's latest earlier toll on the same episode,
    outcome and side (a revision) or, when the claimant had given none, against the
    highest earlier toll anyone gave on it.
    """
    key = KEYS[statements.key_of(fresh)]
    known_keys = known[key].astype(object).fillna("")
    befores, changes = [], []
    for _, row in fresh.iterrows():
        match = (known_keys == row[key].astype(object).fillna("")).all(axis=1)
        earlier = known[match & (known["first_known"] < row["first_known"])]
        if "deployment_id" in row:  # another claimant's low-rated figure is no benchmark
            earlier = earlier[(earlier["reliability"].map(RANK) >= RANK["medium"])
                              | (earlier["claimant"] == row["claimant"])]
        earlier = earlier.sort_values(["first_known", "statement_id"])
        if "claim_id" in row and earlier.empty:
            before, change = _against_others(row, known, key[:-1])
        else:
            before, change = _change(row, earlier.iloc[-1] if not earlier.empty else None)
        befores.append(before)
        changes.append(change)
    return fresh.assign(before=befores, change=changes)


def _against_others(row: pd.Series, known: pd.DataFrame, scope: list[str]) -> tuple[str, str]:
    """A claimant's first toll on a scope, set against the highest earlier one by anyone
    (rated medium or better: a rumour is no benchmark)."""
    keys = known[scope].astype(object).fillna("")
    same = known[(keys == row[scope].astype(object).fillna("")).all(axis=1)
                 & (known["first_known"] < row["first_known"])
                 & (known["reliability"].map(RANK) >= RANK["medium"])]
    if same.empty:
        return "", "first rated figure on this"
    values = derive.figure(same)
    top = same.loc[values.astype(float).idxmax()]
    now_value, top_value = derive.figure(row.to_frame().T).iloc[0], values.max()
    before = f"{derive.stated(top)} ({top['claimant']}, {top['first_known']:%Y-%m-%d})"
    if pd.isna(now_value) or now_value == top_value:
        same = "same as" if row["qualifier"] == top["qualifier"] else "same number as"
        return before, f"new claimant, {same} the earlier highest"
    side = "above" if now_value > top_value else "below"
    return before, f"new claimant, {side} the earlier highest"


def _change(row: pd.Series, earlier: pd.Series | None) -> tuple[str, str]:
    """(what it is set against, how it moved) for a statement and its predecessor."""
    if "milestone_id" in row and (row["status"] != "planned" or _valued(row)):
        if earlier is None:
            return "", "new step" if row["status"] == "actual" else "new figure"
        if _valued(row) and _valued(earlier):
            return _value_change(row, earlier)
        return f"{earlier['date']} ({earlier['first_known']:%Y-%m-%d})", "reported again"
    if "milestone_id" in row:  # a planned date
        if earlier is None:
            return "", "first target"
        # the smallest move both targets' precision allows ("2014" after "2012-03": 0.8 years)
        if row["date_from"] > earlier["date_to"]:
            years = (row["date_from"] - earlier["date_to"]).days / 365.25
        elif row["date_to"] < earlier["date_from"]:
            years = -(earlier["date_from"] - row["date_to"]).days / 365.25
        else:
            years = 0.0
        moved = ("same target" if abs(years) < 0.05 else
                 f"target moved {'later' if years > 0 else 'earlier'} by {abs(years):.1f} years")
        return f"{earlier['date']} ({earlier['first_known']:%Y-%m-%d})", moved
    if earlier is None:
        return "", "first figure"
    return _value_change(row, earlier)


def _valued(row: pd.Series) -> bool:
    return any(pd.notna(row.get(c)) for c in ("value_low", "value", "value_high"))


def _value_change(row: pd.Series, earlier: pd.Series) -> tuple[str, str]:
    now_value = derive.figure(row.to_frame().T).iloc[0]
    then_value = derive.figure(earlier.to_frame().T).iloc[0]
    before = f"{derive.stated(earlier)} ({earlier['first_known']:%Y-%m-%d})"
    if pd.isna(now_value) or pd.isna(then_value) or now_value == then_value:
        return before, ("same figure" if row.get("qualifier") == earlier.get("qualifier")
                        else "same number, worded differently")
    if row.get("claimant") == earlier.get("claimant"):  # the claimant revised its own figure
        return before, f"revised {'up' if now_value > then_value else 'down'} from {derive.number(then_value)}"
    return before, f"{'above' if now_value > then_value else 'below'} the previous figure"


def table(fresh: pd.DataFrame, subject_of, sources: pd.DataFrame,
          limit: int | None = None) -> listing.Listing:
    """The first `limit` statements (None: all) for the chapter: when first published, what
    about, who said what, the change, and the documents."""
    label = listing.document_labels(sources)
    return listing.listed(fresh, limit, lambda shown: pd.DataFrame({
        "First published": shown["first_known"].dt.strftime("%Y-%m-%d").fillna("undated"),
        "About": [subject_of(r) for _, r in shown.iterrows()],
        "Statement": [f"{r['claimant']}: {_said(r)}" for _, r in shown.iterrows()],
        "Change": shown["change"],
        "Before": shown["before"],
        "Documents": ["; ".join(label.get(d, d) for d in docs) for docs in shown["documents"]],
    }))


def _said(row: pd.Series) -> str:
    if "milestone_id" in row and not _valued(row):
        return f"{pretty(row['milestone'])} {row['date']}"
    figure = derive.stated(row)
    unit = row.get("unit")
    return f"{figure} {pretty(unit)}" if isinstance(unit, str) and unit != "people" else figure
