"""Values derived from selected rows: one figure per claim, comparisons, slippage.

Nothing here is stored in data/; the notebooks and charts compute it on the fly,
so it follows the parameters. No function sums or averages competing claims.
"""
from __future__ import annotations

import pandas as pd

OFFICIAL = "official"
RANK = {"low": 0, "medium": 1, "high": 2}
OPEN_UP = ("at_least", "more_than")
CEILINGS = ("up_to", "fewer_than")  # a bound on a figure, not a figure
SIGN = {"exact": "", "about": "~", "at_least": "≥", "more_than": ">", "up_to": "≤",
        "fewer_than": "<"}


def _columns(frame) -> dict[str, str]:
    """low/best/high -> the columns holding them (milestones: value_low, value, value_high)."""
    if "value" in frame and "best" not in frame:
        return {"low": "value_low", "best": "value", "high": "value_high"}
    return {"low": "low", "best": "best", "high": "high"}


def figure(frame: pd.DataFrame, estimate: str = "best") -> pd.Series:
    """One number per claim: the `estimate` field (low/best/high) where the claim states
    it, otherwise best, then low, then high (the ones it does state)."""
    names = _columns(frame)
    order = [names[c] for c in dict.fromkeys([estimate, "best", "low", "high"])]
    value = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    for column in reversed(order):
        value = frame[column].astype("Float64").where(frame[column].notna(), value)
    return value


def stated(row) -> str:
    """The figure as the claim states it: '~200', '≥30', '<50', '18–23', '12'."""
    names = _columns(row)
    low, best, high = (None if pd.isna(row[names[c]]) else number(row[names[c]])
                       for c in ("low", "best", "high"))
    if row["qualifier"] == "range":
        text = f"{low}–{high}"
        return f"{text} (best {best})" if best is not None else text
    value = next(v for v in (best, low, high) if v is not None)
    return f"{SIGN[row['qualifier']]}{value}"


def most_often(rows: pd.DataFrame) -> tuple[str, int]:
    """The figure `rows` state most often, as stated ('~7,000'), and how often; on a tie,
    the one stated last (rows in order of the date they describe)."""
    key = "deployment_id" if "deployment_id" in rows else rows.columns[0]
    said = rows.sort_values(["date_from", key]).apply(stated, axis=1).value_counts(sort=False)
    return said[said == said.max()].index[-1], int(said.max())


def like_for_like(claims: pd.DataFrame, min_reliability: str = "medium",
                  scopes: tuple[str, ...] = ("whole",)) -> pd.DataFrame:
    """The claims a comparison may set side by side: rated at least `min_reliability`,
    stating a figure (not a ceiling such as "up to 40" or "fewer than 50"), for a stated
    side (not `unspecified`) and over the whole episode (`scope` whole: no first day's,
    single incident's or one unit's count against a whole toll; `scopes` to compare
    partial counts with each other)."""
    keep = ((claims["reliability"].map(RANK) >= RANK[min_reliability])
            & ~claims["qualifier"].isin(CEILINGS) & (claims["party"] != "unspecified"))
    if "scope" in claims:
        keep &= claims["scope"].isin(scopes)
    return claims[keep]


def compare(claims: pd.DataFrame, estimate: str = "best",
            by: tuple[str, ...] = ("event_id", "outcome", "party", "country"),
            min_reliability: str = "medium") -> pd.DataFrame:
    """Per group: official and non-official figures of the same scope, side by side.

    Pass statements (`statements.collapse`), so that a figure relayed many times counts
    once. Groups keep apart the event, outcome, party and whose people (`country`) a
    figure counts, so one country's toll never meets a two-country total. Only the
    `like_for_like` claims take part: no rumour rated below `min_reliability`, no ceiling,
    no toll of an unstated side, no count of one day, incident or unit.
    Only groups with both kinds of claimant; per side its lowest and highest figure
    (`official_low`/`official`, `other_low`/`other`), its number of statements and the
    statement giving the highest; `ratio` = highest non-official / highest official
    (missing when the official figure is 0).
    """
    columns = [*by, "official_low", "official", "other_low", "other", "official_n",
               "other_n", "official_claim", "other_claim", "ratio"]
    frame = like_for_like(claims, min_reliability)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.assign(value=figure(frame, estimate)).dropna(subset=["value"])
    frame = frame.assign(is_official=frame["claimant_type"] == OFFICIAL)
    rows = []
    for key, group in frame.groupby(list(by), sort=True, dropna=False):
        off = group[group["is_official"]].sort_values(["value", "claim_id"],
                                                      ascending=[False, True])
        oth = group[~group["is_official"]].sort_values(["value", "claim_id"],
                                                       ascending=[False, True])
        if off.empty or oth.empty:
            continue
        top_off, top_oth = off.iloc[0], oth.iloc[0]
        ratio = top_oth["value"] / top_off["value"] if top_off["value"] > 0 else pd.NA
        rows.append([*key, float(off["value"].min()), float(top_off["value"]),
                     float(oth["value"].min()), float(top_oth["value"]), len(off), len(oth),
                     top_off["claim_id"], top_oth["claim_id"], ratio])
    return pd.DataFrame(rows, columns=columns)


def highest_credible(claims: pd.DataFrame, estimate: str = "best",
                     outcome: str = "killed") -> pd.DataFrame:
    """Per event: its `outcome` toll, the highest figure among the statements that count
    most of it and are rated best.

    Each step narrows an event's statements only where some remain: figures, not ceilings
    ("up to 51"); whole-episode tolls, not one day's, incident's or unit's (`scope`);
    rated medium or better; of the widest coverage (all sides of every country, all sides
    of one country, a total of no stated side, then one side: `COVERAGE`), so 37 civilians
    never stand for a border war that killed at least 81; then the best reliability among
    them. An event known only from low-rated or partial claims still gets a figure, marked
    by its `reliability` and `scope`.
    """
    columns = ["event_id", "value", "reliability", "claim_id"]
    frame = claims[claims["outcome"] == outcome]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.assign(value=figure(frame, estimate), rank=frame["reliability"].map(RANK))
    frame = frame.dropna(subset=["value"])
    frame = _prefer(frame, ~frame["qualifier"].isin(CEILINGS))
    if "scope" in frame:
        frame = _prefer(frame, frame["scope"] == "whole")
    frame = _prefer(frame, frame["rank"] >= RANK["medium"])
    frame = frame.assign(coverage=frame["party"].map(lambda p: COVERAGE.get(p, 3))
                         + ((frame["party"] == "all") & frame["country"].notna()).astype(int))
    frame = frame[frame["coverage"] == frame.groupby("event_id")["coverage"].transform("min")]
    top = frame[frame["rank"] == frame.groupby("event_id")["rank"].transform("max")]
    top = top.sort_values(["event_id", "value", "claim_id"], ascending=[True, False, True])
    return top.drop_duplicates("event_id")[columns].reset_index(drop=True)


# How much of an episode's dead a toll covers, widest first: all sides (of every country,
# then of one: +1), a total whose side is not stated, one side.
COVERAGE = {"all": 0, "unspecified": 2}


def _prefer(frame: pd.DataFrame, usable: pd.Series) -> pd.DataFrame:
    """The `usable` rows of each event; all its rows where none is usable."""
    return frame[usable | ~usable.groupby(frame["event_id"]).transform("any")]


STEP_KINDS = ("construction-start", "commissioning", "completion")
VALUE_KINDS = ("cost", "capacity", "figure")


def targets(milestones: pd.DataFrame, kinds: tuple[str, ...] | None = STEP_KINDS) -> pd.DataFrame:
    """Planned rows that announce a date (not a planned cost or figure), of `kinds`."""
    valued = milestones[["value_low", "value", "value_high"]].notna().any(axis=1)
    rows = milestones[(milestones["status"] == "planned") & ~valued
                      & ~milestones["kind"].isin(VALUE_KINDS)]
    return rows if kinds is None else rows[rows["kind"].isin(kinds)]


def slippage(milestones: pd.DataFrame, kinds: tuple[str, ...] | None = STEP_KINDS) -> pd.DataFrame:
    """Per (subject, milestone) with an announced date: first and latest target, actual, slip.

    Targets are the `targets()` rows (steps of `kinds`: by default starts, commissioning
    and completion). `first_target` is the target stated earliest (ties: the earlier
    target); `slip_years` is the smallest delay both dates' precision allows: actual start
    minus end of the first target's interval, never below 0. A step not reported done is
    measured to its latest target or, once that has passed (`overdue`), to the latest day
    the selection knows of (its last `known_on_to`, never the clock), so a missed target
    counts as a delay only from when it was missed, and an `as_of` replay does not count
    a target missed later. `_slip_start` and `_slip_end` are the two days measured between
    (the Gantt's arrow; a chart's CSV leaves `_` columns out).
    """
    columns = ["subject", "milestone", "first_target", "first_stated", "latest_target",
               "latest_stated", "announcements", "actual", "slip_years", "done", "overdue",
               "_slip_start", "_slip_end"]
    known_until = milestones["known_on_to"].max() if "known_on_to" in milestones else None
    planned = targets(milestones, kinds)
    rows = []
    for (subject, step), group in planned.groupby(["subject", "milestone"], sort=True):
        group = group.sort_values(["stated_on_to", "date_from", "milestone_id"])
        first, latest = group.iloc[0], group.iloc[-1]
        actual = milestones[(milestones["subject"] == subject) & (milestones["milestone"] == step)
                            & (milestones["status"] == "actual")]
        done = not actual.empty
        if done:
            actual_row = actual.sort_values(["date_from", "milestone_id"]).iloc[0]
            end, actual_date = actual_row["date_from"], actual_row["date"]
        else:
            end, actual_date = latest["date_from"], None
        overdue = bool(not done and known_until is not None and pd.notna(known_until)
                       and known_until > latest["date_to"])
        if overdue:
            end = known_until
        slip = max((end - first["date_to"]).days, 0) / 365.25
        rows.append([subject, step, first["date"], first["stated_on"], latest["date"],
                     latest["stated_on"], group["stated_on"].nunique(), actual_date,
                     round(slip, 1), done, overdue, first["date_to"], end])
    return pd.DataFrame(rows, columns=columns)


def longest_slip(slips: pd.DataFrame) -> pd.Series | None:
    """The `slippage` row with the longest slip the record shows: a step done late or a
    target moved later (a target that merely passed with no report of the step in the
    record is overdue, but its slip is not a measured one); None when there is none."""
    measured = slips[(slips["slip_years"] > 0)
                     & (slips["done"] | (slips["latest_target"] > slips["first_target"]))]
    if measured.empty:
        return None
    return measured.sort_values(["slip_years", "subject"], ascending=[False, True]).iloc[0]


def span_end(milestones: pd.DataFrame, subject: str, contains: str = "lease") -> str | None:
    """The latest date (as written) a `subject` row whose step mentions `contains` runs to."""
    rows = milestones[(milestones["subject"] == subject)
                      & milestones["milestone"].str.contains(contains, regex=False)]
    if rows.empty:
        return None
    ends = rows["end_date_to"].fillna(rows["date_to"])
    best = rows.loc[ends.sort_values(kind="stable").index[-1]]
    return best["end_date"] if pd.notna(best["end_date"]) else best["date"]


def number(value) -> str:
    """A stated value with thousands separators and no spurious decimals."""
    value = float(value)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def plans_vs_reports(deployments: pd.DataFrame, estimate: str = "best") -> pd.DataFrame:
    """Per planned force figure: what was later reported as actual for the same force/unit.

    `later_max`/`later_count`: the highest actual figure, and how many there are, among
    figures describing dates after the plan's target interval ends.
    """
    columns = ["force", "unit", "planned", "target", "stated_on", "later_max", "later_count"]
    frame = deployments.assign(value=figure(deployments, estimate))
    rows = []
    for _, plan in frame[frame["status"] == "planned"].iterrows():
        later = frame[(frame["force"] == plan["force"]) & (frame["unit"] == plan["unit"])
                      & (frame["status"] == "actual") & (frame["date_from"] > plan["date_to"])]
        rows.append([plan["force"], plan["unit"], stated(plan), plan["date"], plan["reported_on"],
                     float(later["value"].max()) if not later.empty else None, len(later)])
    return pd.DataFrame(rows, columns=columns)
