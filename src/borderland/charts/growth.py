"""The record as it grew: an episode's death toll as known at successive dates.

At each checkpoint (each day of the first week, then one and three months, one and five
years, and the edition's date) the record holds the statements first published by then
(`first_known`). Per side, the chart follows the highest official figure and the lowest
and highest figure anyone else gave, for one like-for-like scope per episode (the same
outcome, party and country), from statements rated medium or better.
"""
from __future__ import annotations

import pandas as pd

from .. import derive, select
from ..wording import pretty
from .base import CLAIMANT_COLORS, Chart, count_axis, new_figure, set_title, styled

OTHER_COLOR = "#4d4d4d"
STEPS = [(pd.Timedelta(days=d), f"day {d + 1}") for d in range(7)] + [
    (pd.DateOffset(months=1), "1 month"), (pd.DateOffset(months=3), "3 months"),
    (pd.DateOffset(years=1), "1 year"), (pd.DateOffset(years=5), "5 years")]


def checkpoints(start: pd.Timestamp, last: pd.Timestamp) -> list[tuple[str, pd.Timestamp]]:
    """(label, day) after an episode's `start`, up to `last` (which closes the list)."""
    points = [(label, start + step) for step, label in STEPS if start + step < last]
    return points + [(f"latest\n{last:%Y-%m-%d}", last)]


def compared_side(claims: pd.DataFrame) -> tuple[str, str] | None:
    """The (party, country) of an episode's death tolls that both officials and others
    counted most often (most statements on the rarer side, then in all), or None."""
    frame = claims.assign(country=claims["country"].fillna(""),
                          official=claims["claimant_type"] == "official")
    best, score = None, (0, 0)
    for key, group in frame.groupby(["party", "country"], sort=True):
        n_official = int(group["official"].sum())
        candidate = (min(n_official, len(group) - n_official), len(group))
        if candidate[0] > 0 and candidate > score:
            best, score = key, candidate
    return best


def as_known(claims: pd.DataFrame, event: pd.Series, last: pd.Timestamp,
             estimate: str = "best") -> pd.DataFrame:
    """Per checkpoint: the official highest and the others' lowest and highest death toll
    known then for the episode's scope, and how many statements the record held.

    `claims`: statements (collapsed) of the selection; only `derive.like_for_like` ones
    count (rated medium or better, whole-episode tolls of a stated side, no ceilings).
    Empty when officials and others never both counted the same scope.
    """
    frame = derive.like_for_like(claims[(claims["event_id"] == event["event_id"])
                                        & (claims["outcome"] == "killed")])
    frame = frame.assign(value=derive.figure(frame, estimate)).dropna(subset=["value"])
    key = compared_side(frame) if not frame.empty else None
    columns = ["event_id", "party", "country", "checkpoint", "date", "official_high",
               "other_low", "other_high", "statements", "claim_ids"]
    if key is None:
        return pd.DataFrame(columns=columns)
    frame = frame[(frame["party"] == key[0]) & (frame["country"].fillna("") == key[1])]
    rows = []
    for label, day in checkpoints(day_one(event, frame), last):
        held = frame[frame["first_known"] <= day]
        official = held[held["claimant_type"] == "official"]["value"].astype(float)
        other = held[held["claimant_type"] != "official"]["value"].astype(float)
        rows.append([event["event_id"], key[0], key[1] or None, label, day,
                     official.max() if len(official) else None,
                     other.min() if len(other) else None, other.max() if len(other) else None,
                     len(held), " ".join(sorted(held["claim_id"]))])
    return pd.DataFrame(rows, columns=columns)


def day_one(event: pd.Series, frame: pd.DataFrame) -> pd.Timestamp:
    """The episode's first day: its start date when known to the day, else the day its
    first death toll was published (an episode dated "April 2021" did not begin on 1 April)."""
    start = event["start_date_from"]
    if event.get("date_precision") == "day" or frame.empty:
        return start
    return max(start, frame["first_known"].min())


def major_episodes(claims: pd.DataFrame, events: pd.DataFrame, n: int = 4) -> list[str]:
    """The `n` episodes with the most like-for-like death-toll statements
    (`derive.like_for_like`) whose officials and others counted the same side, most first."""
    rated = derive.like_for_like(claims[claims["outcome"] == "killed"])
    counts = rated.groupby("event_id").size().sort_values(ascending=False, kind="stable")
    chosen = [e for e in counts.index
              if e in events.index and compared_side(rated[rated["event_id"] == e])]
    return chosen[:n]


@styled
def record_as_it_grew(claims: pd.DataFrame, events: pd.DataFrame, last: pd.Timestamp, *,
                      estimate: str = "best", n: int = 4) -> Chart | None:
    """Small multiples, one per major episode: the official and the other counts as the
    record held them at each checkpoint. None when no episode qualifies."""
    episodes = major_episodes(claims, events, n)
    tables = [as_known(claims, events.loc[e], last, estimate) for e in episodes]
    if not tables:
        return None
    fig, axes = new_figure(1.2 + 1.55 * len(tables), nrows=len(tables), ncols=1, squeeze=False)
    for ax, table in zip(axes[:, 0], tables):
        _panel(ax, table, events.loc[table["event_id"].iloc[0]])
    title = _title(tables, events)
    set_title(fig, title)
    data = pd.concat(tables, ignore_index=True)
    used = claims[claims["claim_id"].isin({c for ids in data["claim_ids"] for c in ids.split()})]
    caption = ("Each panel follows one episode's death toll for one side, as the public record "
               "stood at each date: only statements first published by then, rated medium or "
               "better, each counted once however many outlets relayed it. The line is the "
               "highest official figure; the band runs from the lowest to the highest figure "
               "anyone else gave, its dark edge the highest. The dates are not evenly spaced: "
               "each day of the first week (from the episode's first day, or the day its first "
               "toll was published when it is dated only to the month), then one and three months, one and five years, and "
               "the latest date the record holds (the edition's as_of date when it has one), "
               "where the last figures are printed. A gap means no such figure had yet been published.")
    alt = f"{title}. " + " ".join(_alt(t, events) for t in tables)
    return Chart(fig, title, caption, alt, select.source_ids(used), data=data)


def _panel(ax, table: pd.DataFrame, event: pd.Series) -> None:
    x = list(range(len(table)))
    official = table["official_high"].astype(float)
    low, high = table["other_low"].astype(float), table["other_high"].astype(float)
    ax.fill_between(x, low, high, step="mid", color=OTHER_COLOR, alpha=0.18, lw=0)
    ax.step(x, high, where="mid", color=OTHER_COLOR, lw=1.2, label="others, highest")
    ax.step(x, official, where="mid", color=CLAIMANT_COLORS["official"], lw=1.8,
            label="official, highest")
    ax.plot(x, official, "o", ms=3, color=CLAIMANT_COLORS["official"])
    ax.plot(x, high, "s", ms=2.6, color=OTHER_COLOR)
    for series, color, dx, side in ((official, CLAIMANT_COLORS["official"], -5, "right"),
                                    (high, OTHER_COLOR, 5, "left")):
        if pd.notna(series.iloc[-1]):
            ax.annotate(derive.number(series.iloc[-1]), (x[-1], series.iloc[-1]),
                        xytext=(dx, 3), textcoords="offset points", fontsize=8,
                        color=color, va="bottom", ha=side)
    values = [v for v in [*official, *low, *high] if pd.notna(v)]
    count_axis(ax.yaxis, values, short=True)
    top = max(values) if values else 1
    if ax.get_yscale() != "symlog":
        ax.set_ylim(0, top * 1.3 + 1)
    else:
        ax.set_ylim(0, top * 4)
    ax.set_xticks(x, list(table["checkpoint"]), fontsize=8)
    ax.set_xlim(-0.5, len(x) - 0.5)
    where = f" ({table['country'].iloc[0]})" if table["country"].iloc[0] else ""
    ax.set_title(f"{event['short_name']}: {pretty(table['party'].iloc[0])}{where} killed"
                 + (" (log scale)" if ax.get_yscale() == "symlog" else ""),
                 fontsize=8, loc="left")
    ax.grid(axis="x", visible=False)
    if ax.get_subplotspec().is_first_row():
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=2)


def _week(table: pd.DataFrame) -> pd.Series:
    """The row for the end of the first week (or the last checkpoint before it)."""
    early = table[table["checkpoint"].str.startswith("day")]
    return (early if not early.empty else table).iloc[-1]


def _title(tables: list[pd.DataFrame], events: pd.DataFrame) -> str:
    """How many episodes' non-official counts were above the official ones a week in and
    at the edition's date."""
    def above(row) -> bool:
        return pd.notna(row["other_high"]) and pd.notna(row["official_high"]) \
            and row["other_high"] > row["official_high"]
    def names(rows) -> str:
        return ", ".join(events.loc[r["event_id"], "short_name"] for r in rows) or "none"
    week = [_week(t) for t in tables if above(_week(t))]
    final = [t.iloc[-1] for t in tables if above(t.iloc[-1])]
    return (f"A week in, others counted more dead than officials in {len(week)} of "
            f"{len(tables)} major episodes ({names(week)}); in the latest record, in "
            f"{len(final)} ({names(final)})")


def _alt(table: pd.DataFrame, events: pd.DataFrame) -> str:
    name = events.loc[table["event_id"].iloc[0], "short_name"]
    parts = []
    for _, row in table.iterrows():
        off = derive.number(row["official_high"]) if pd.notna(row["official_high"]) else "none"
        oth = (f"{derive.number(row['other_low'])} to {derive.number(row['other_high'])}"
               if pd.notna(row["other_high"]) else "none")
        parts.append(f"{row['checkpoint']}: official {off}, others {oth}")
    return f"{name}: " + "; ".join(parts) + "."
