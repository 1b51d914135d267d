"""One row per statement: the unit that charts, counts, spreads and ratios count.

A statement is one claimant saying one figure at one moment; the rows of data/ that
share its `statement_id` are its reports (relays). `collapse` turns selected rows into
statements: the primary row's fields (or, when the selection left it out, those of the
statement's earliest report), with

* `reports`: how many selected rows relay it; `report_ids`: their ids;
* `documents`: every document behind them (read and relayed), for citations;
* `reliability`: the best rating any of its reports has;
* `first_known`: the earliest day one of its reports was public (`known_on_to`);
* `date_basis`: `stated` if any report dates the statement itself, else `inferred`,
  else `relay` (only a relaying document's date is known).
"""
from __future__ import annotations

import pandas as pd

from .select import RANK

KEYS = {"casualty_claims": "claim_id", "deployments": "deployment_id",
        "milestones": "milestone_id"}
_BASIS_ORDER = ("stated", "inferred", "relay")


def key_of(frame: pd.DataFrame) -> str:
    """The row-id column of a table of claims, deployments or milestones."""
    return next(k for k in KEYS.values() if k in frame)


def ids(frame: pd.DataFrame) -> pd.Series:
    """Each row's statement id (a milestone on its own: 's-' + its id)."""
    own = "s-" + frame[key_of(frame)]
    if "statement_id" not in frame:
        return own
    return frame["statement_id"].fillna(own)


def collapse(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per statement of `rows`, in the order of their first report."""
    key = key_of(rows)
    basis = "stated_on_basis" if "stated_on_basis" in rows else "reported_on_basis"
    extra = ["reports", "report_ids", "documents", "first_known"]
    if rows.empty:
        return rows.assign(**{c: pd.Series(dtype=object) for c in extra}, date_basis=None)
    frame = rows.assign(statement_id=ids(rows))
    frame = frame.assign(_primary=frame[key] == frame["statement_id"].str[2:],
                         _rank=frame["reliability"].map(RANK))
    frame = frame.sort_values(["known_on_to", key])
    grouped = frame.groupby("statement_id", sort=False)
    heads = frame.sort_values("_primary", ascending=False, kind="stable").drop_duplicates(
        "statement_id").set_index("statement_id")
    order = list(grouped.groups)
    out = heads.loc[order].copy()
    out["reports"] = grouped.size().loc[order].to_numpy()
    out["report_ids"] = _per_statement(frame["statement_id"], frame[key]).loc[order].to_numpy()
    relayed = frame.dropna(subset=["original_source_id"])
    out["documents"] = _per_statement(
        pd.concat([frame["statement_id"], relayed["statement_id"]]),
        pd.concat([frame["source_id"], relayed["original_source_id"]])).loc[order].to_numpy()
    out["first_known"] = grouped["known_on_to"].min().loc[order].to_numpy()
    best = grouped["_rank"].max().loc[order]
    out["reliability"] = best.map({v: k for k, v in RANK.items()}).to_numpy()
    basis_rank = frame[basis].map({b: i for i, b in enumerate(_BASIS_ORDER)})
    out["date_basis"] = basis_rank.groupby(frame["statement_id"]).min().loc[order].map(
        dict(enumerate(_BASIS_ORDER))).to_numpy()
    columns = dict.fromkeys([*rows.columns, "statement_id", *extra, "date_basis"])
    return out.reset_index()[list(columns)]


def _per_statement(statement_ids: pd.Series, values: pd.Series) -> pd.Series:
    """statement id -> the sorted tuple of its distinct `values`."""
    pairs = pd.DataFrame({"statement_id": statement_ids.to_numpy(), "value": values.to_numpy()})
    pairs = pairs.drop_duplicates().sort_values(["statement_id", "value"])
    return pairs.groupby("statement_id", sort=False)["value"].agg(tuple)


def count_text(rows: pd.DataFrame, noun: str = "statement") -> str:
    """'12 statements (31 reports)', or '12 statements' when each has one report."""
    n_statements = ids(rows).nunique()
    text = f"{n_statements:,} {noun}{'s' * (n_statements != 1)}"
    if len(rows) != n_statements:
        text += f" ({len(rows):,} reports)"
    return text
