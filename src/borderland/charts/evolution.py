"""How an event's toll changed with the date each claim was reported."""
from __future__ import annotations

import pandas as pd
from matplotlib import ticker

from .. import derive, select
from ..wording import pretty
from .base import (
    CLAIMANT_COLORS,
    LOW_ALPHA,
    Chart,
    count_axis,
    glyph,
    legend,
    new_figure,
    set_title,
    styled,
)
from .ranges import PARTIES

DAY_TICKS = [(0, "same day"), (1, "1 day"), (7, "1 week"), (30, "1 month"), (365, "1 year"),
             (3652, "10 years")]


def dated_events(claims: pd.DataFrame, outcome: str = "killed") -> list[str]:
    """Events whose `outcome` claims were reported on at least two different dates."""
    frame = claims[claims["outcome"] == outcome]
    counts = frame.groupby("event_id")["reported_on"].nunique()
    return sorted(counts[counts >= 2].index)


@styled
def toll_over_time(claims: pd.DataFrame, event: pd.Series, *, estimate: str = "best",
                   outcome: str = "killed", left_out: int = 0) -> Chart:
    """One panel per party: each claim at the days between the event and its report.

    x is symmetric-log days after the event's start (a claim dated only to a year or
    month sits at the end of that interval, with a line back to its start); y is the
    figure as stated. A step line follows the official figure as it stood. Pass
    statements; `left_out` counts those not drawn because only a relay dates them.
    """
    frame = claims[(claims["event_id"] == event["event_id"]) & (claims["outcome"] == outcome)]
    start = event["start_date_from"]
    frame = frame.assign(
        day_to=(frame["reported_on_to"] - start).dt.days.clip(lower=0),
        day_from=(frame["reported_on_from"] - start).dt.days.clip(lower=0),
        value=derive.figure(frame, estimate))
    parties = [p for p in PARTIES if p in set(frame["party"])]
    fig, axes = new_figure(1.5 + 1.25 * len(parties), nrows=len(parties), ncols=1, sharex=True,
                           squeeze=False)
    axes = axes[:, 0]
    for ax, party in zip(axes, parties):
        rows = frame[frame["party"] == party].sort_values(["day_to", "claim_id"])
        _panel(ax, rows, party)
    top = float(frame["day_to"].max())
    ticks = [(d, label) for d, label in DAY_TICKS if d <= max(top * 1.5, 30)]
    last = axes[-1]
    last.set_xscale("symlog", linthresh=1, linscale=0.5)
    last.set_xlim(-0.3, max(top * 1.6, 10))
    last.xaxis.set_major_locator(ticker.FixedLocator([d for d, _ in ticks]))
    last.xaxis.set_major_formatter(ticker.FixedFormatter([label for _, label in ticks]))
    last.xaxis.set_minor_locator(ticker.NullLocator())
    last.set_xlabel(f"Time between the event's start ({event['start_date']}) and the claim's "
                    "report (log scale)")
    legend(fig, frame, value_axis="y")
    title = _title(frame, event["name"], outcome)
    set_title(fig, title)
    caption = ("Each mark is one statement (however many outlets relayed it), placed at how "
               "long after the event it was made; "
               "claims dated only to a month or a year sit at the end of that period, with a "
               "thin line back to its start. Filled dots are exact, open dots approximate; "
               "arrows mark open-ended figures (up: “at least”, down: “up to”), bars stated "
               "ranges. The grey step line follows the highest official figure known at each "
               "point. Colour: claimant type."
               + (f" {left_out} statement{'s are' if left_out != 1 else ' is'} not drawn: "
                  "only the later document that relays "
                  f"{'them' if left_out != 1 else 'it'} dates {'them' if left_out != 1 else 'it'}."
                  if left_out else ""))
    alt = (f"{title}. " + " ".join(
        f"{pretty(p, capital=True)}: " + ", ".join(
            f"{derive.stated(r)} by {r['claimant']} on {r['reported_on']}"
            for _, r in frame[frame["party"] == p].sort_values("day_to").iterrows()) + "."
        for p in parties))
    return Chart(fig, title, caption, alt, select.source_ids(frame), data=frame)


def _panel(ax, rows: pd.DataFrame, party: str) -> None:
    for _, row in rows.iterrows():
        color = CLAIMANT_COLORS[row["claimant_type"]]
        alpha = LOW_ALPHA if row["reliability"] == "low" else 1.0
        if row["day_from"] < row["day_to"]:
            ax.plot([row["day_from"], row["day_to"]], [row["value"]] * 2, color=color,
                    alpha=0.35 * alpha, lw=1, zorder=1)
        glyph(ax, row["day_to"], row, value_axis="y", color=color, alpha=alpha)
    official = rows[rows["claimant_type"] == "official"]
    if len(official) > 1:
        running = official["value"].astype(float).cummax()
        ax.step(list(official["day_to"]), list(running), where="post", color="#777777", lw=0.9,
                zorder=0)
    values = pd.concat([rows[c] for c in ("low", "best", "high")]).dropna().astype(float)
    count_axis(ax.yaxis, list(values), short=True)
    low, high = float(values.min()), float(values.max())
    if ax.get_yscale() == "symlog":
        ax.set_ylim(0, high * 4)
    else:
        pad = max((high - low) * 0.35, high * 0.25, 1)
        ax.set_ylim(max(low - pad, 0) if low > 0 else -0.5, high + pad)
    ax.set_ylabel(pretty(party, capital=True)
                  + ("\n(log scale)" if ax.get_yscale() == "symlog" else ""), fontsize=8)
    ax.grid(axis="x", visible=True)
    ax.grid(axis="y", visible=True)


def _title(frame: pd.DataFrame, name: str, outcome: str) -> str:
    """A finding for the party with most statements, from statements rated medium or better:
    how the official figure moved (first to highest, and when) and how far others went."""
    what = "death-toll statements" if outcome == "killed" else f"statements ({outcome})"
    count = f"{len(frame)} {what} over {_span(frame['day_to'].max())}"
    rated = frame[frame["reliability"] != "low"]
    if rated.empty:
        return f"{name}: {count}, none rated above low reliability"
    party = rated["party"].value_counts().sort_index().idxmax()
    rows = rated[rated["party"] == party].sort_values(["day_to", "claim_id"])
    official = rows[rows["claimant_type"] == "official"]
    other = rows[rows["claimant_type"] != "official"]
    parts = []
    if not official.empty:
        first = official.iloc[0]
        top = official.sort_values("value", ascending=False, kind="stable").iloc[0]
        if top["value"] > first["value"]:
            parts.append(f"the official count went from {derive.stated(first)} to "
                         f"{derive.stated(top)} {_when(top['day_to'])}")
        else:
            parts.append(f"no official count went above the first, {derive.stated(first)}")
    if not other.empty:
        top = other.sort_values("value", ascending=False, kind="stable").iloc[0]
        parts.append(f"other claimants went up to {derive.stated(top)} {_when(top['day_to'])}")
    return (f"{name}, {pretty(party)} killed: {'; '.join(parts)} (medium or better "
            f"reliability; {count})")


def _when(day: float) -> str:
    """'on the first day', 'after 3 days', 'after 13 years'."""
    return "on the first day" if day < 1 else f"after {_span(day)}"


def _span(days: float) -> str:
    if round(days) == 1:
        return "1 day"
    if days >= 730:
        return f"{days / 365.25:.0f} years"
    if days >= 60:
        return f"{days / 30.4:.0f} months"
    return f"{days:.0f} days"
