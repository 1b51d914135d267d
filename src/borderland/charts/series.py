"""Figures over time: force sizes (with ranges, planned against actual) and costs."""
from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from matplotlib import ticker
from matplotlib.lines import Line2D

from .. import derive, select
from ..wording import pretty, span
from .base import (
    LOW_ALPHA,
    OKABE_ITO,
    STATUS_COLORS,
    Chart,
    arrow_marker,
    glyph,
    new_figure,
    set_title,
    styled,
    wrap,
    year_axis,
)

SUBJECT_COLORS = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "purple",
                                         "sky", "black", "grey")]


def busiest(frame: pd.DataFrame, by: list[str], limit: int = 6) -> list[tuple]:
    """The `limit` groups of `by` with most rows (ties by name)."""
    counts = frame.groupby(by).size().reset_index(name="n")
    counts = counts.sort_values(["n", *by], ascending=[False] + [True] * len(by))
    return [tuple(r) for r in counts[by].head(limit).itertuples(index=False)]


STRENGTH = ("strength", "target")  # a force's size, and stated aims for it


@styled
def forces_over_time(deployments: pd.DataFrame, panels: list[tuple[str, str]], *,
                     estimate: str = "best", measures: tuple[str, ...] = STRENGTH) -> Chart:
    """One panel per (force, unit): each figure of `measures` at the date it describes.

    Only rows of `measures` are drawn (by default a force's standing strength and stated
    targets for it), so a series never mixes an exercise contingent or a redeployment
    into a force's size. Pass statements. A figure dated only to a month or year sits
    at the middle of that period with a line across it. Blue: actual, vermillion:
    planned; glyphs as in the claim charts.
    """
    deployments = deployments[deployments["measure"].isin(measures)]
    cols = 1 if len(panels) == 1 else 2
    nrows = -(-len(panels) // cols)
    fig, axes = new_figure(0.9 + 1.9 * nrows, nrows=nrows, ncols=cols, squeeze=False)
    used, facts = [], []
    for ax, (force, unit) in zip(axes.flat, panels):
        rows = deployments[(deployments["force"] == force) & (deployments["unit"] == unit)]
        facts.append(_force_panel(ax, rows, force, unit, estimate))
        used.append(rows)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.legend(handles=[
        Line2D([], [], marker="o", color=STATUS_COLORS["actual"], linestyle="none",
               label="actual (filled: exact, open: about)"),
        Line2D([], [], marker="o", color=STATUS_COLORS["planned"], linestyle="none",
               label="planned"),
        Line2D([], [], marker=arrow_marker(90), color="black", linestyle="none", ms=9,
               label="at least / more than"),
        Line2D([], [], marker=arrow_marker(270), color="black", linestyle="none", ms=9,
               label="up to / fewer than"),
        Line2D([], [], marker="o", color="black", alpha=LOW_ALPHA, linestyle="none",
               label="paler: low reliability")], loc="outside lower left", ncols=3)
    title = facts[0][0]
    set_title(fig, title)
    what = ("a force's standing strength, or a stated target for it (other measures, such as "
            "exercise contingents or troops sent elsewhere, are charted apart)"
            if set(measures) == set(STRENGTH) else "a figure measured as "
            + " or ".join(measures))
    caption = (f"Each mark is one statement of {what}, placed at the date it describes (a "
               "figure dated only to a year or month sits mid-period, with a line across it); "
               "a figure relayed by several outlets is drawn once. Blue marks what a source "
               "says existed, vermillion what was planned. Arrows mark open-ended figures, "
               "bars stated ranges; paler marks are rated low reliability. The table below "
               "gives each figure's reports and sources.")
    alt = " ".join(f[1] for f in facts)
    return Chart(fig, title, caption, alt, select.source_ids(*used), data=pd.concat(used))


def _force_panel(ax, rows: pd.DataFrame, force: str, unit: str, estimate: str):
    rows = rows.sort_values(["date_from", "deployment_id"])
    mid = rows["date_from"] + (rows["date_to"] - rows["date_from"]) / 2
    for (_, row), at in zip(rows.iterrows(), mid):
        color = STATUS_COLORS[row["status"]]
        alpha = LOW_ALPHA if row["reliability"] == "low" else 1.0
        x = mdates.date2num(at)
        if row["date_precision"] != "day":
            value = derive.figure(rows.loc[[row.name]], estimate).iloc[0]
            ax.plot([mdates.date2num(row["date_from"]), mdates.date2num(row["date_to"])],
                    [value, value], color=color, alpha=0.4 * alpha, lw=1)
        glyph(ax, x, row, value_axis="y", color=color, alpha=alpha, size=4.5)
    values = derive.figure(rows, estimate).astype(float)
    ax.set_ylim(0, float(values.max()) * 1.25)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.xaxis_date()
    left, right = ax.get_xlim()
    ax.set_xlim(left - 200, right + 200)
    year_axis(ax.xaxis)
    ax.grid(axis="y")
    ax.set_ylabel(pretty(unit, capital=True), fontsize=8)
    ax.set_xlabel("Date the figure describes", fontsize=8)
    name = pretty(force, capital=True)
    ax.set_title(wrap(name, 40), fontsize=8)
    actual = rows[rows["status"] == "actual"]
    planned = rows[rows["status"] == "planned"]
    text = f"{name}: {len(rows)} {pretty(unit)} figures"
    if not actual.empty:
        rated = select.reliable(actual, "medium")
        spanned = rated if not rated.empty else actual  # a low-rated figure is no bound
        values = derive.figure(spanned, estimate).astype(float)
        lowest, highest = spanned.loc[values.idxmin()], spanned.loc[values.idxmax()]
        top, times = derive.most_often(spanned)
        rating = "rated medium or better, " if len(spanned) < len(actual) else ""
        text = (f"{name}: reported at {span(lowest, highest)} {pretty(unit)} "
                f"({rating}{_years(spanned)})")
        if times > 1:
            text += f"; {top} most often ({times} of those {len(spanned)} figures)"
    if not planned.empty:
        text += "; planned: " + ", ".join(sorted({derive.stated(r) for _, r in planned.iterrows()}))
    return text, text + "."


def _years(rows: pd.DataFrame) -> str:
    low, high = rows["date_from"].dt.year.min(), rows["date_to"].dt.year.max()
    return str(low) if low == high else f"{low}–{high}"


@styled
def values_over_time(milestones: pd.DataFrame, *, unit: str = "usd", noun: str = "cost") -> Chart:
    """Stated values in one unit (e.g. costs in US$) by the date each was stated.

    One line per (subject, milestone), e.g. Rogun's cost estimates apart from its
    cost to complete; the eight series with most figures are drawn.
    """
    rows = milestones[milestones["unit"] == unit].sort_values(["stated_on_to", "milestone_id"])
    rows = rows.assign(value=derive.figure(rows)).dropna(subset=["value"])  # a range: its best, else low
    series = busiest(rows, ["subject", "milestone"], 8)
    rows = rows[pd.Series(list(zip(rows["subject"], rows["milestone"])), index=rows.index)
                .isin(series)]
    fig, ax = new_figure(3.4)
    scale, label = (1e9, "billion") if rows["value"].max() >= 1e9 else (1e6, "million")
    for color, (subject, step) in zip(SUBJECT_COLORS, series):
        part = rows[(rows["subject"] == subject) & (rows["milestone"] == step)]
        x = [mdates.date2num(d) for d in part["stated_on_to"]]
        y = [float(v) / scale for v in part["value"]]
        ax.plot(x, y, color=color, lw=0.9, alpha=0.6)
        for xi, yi, rel, status in zip(x, y, part["reliability"], part["status"]):
            ax.plot(xi, yi, "o", color=color, alpha=LOW_ALPHA if rel == "low" else 1.0, ms=5,
                    markerfacecolor="white" if status == "planned" else color)
        ax.plot([], [], "o-", color=color, label=f"{pretty(subject, capital=True)}: {pretty(step)}")
    if rows["value"].max() / max(rows["value"].min(), 1) > 100:
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    else:
        ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.3g}")
    ax.xaxis_date()
    year_axis(ax.xaxis)
    ax.set_xlabel("Date the figure was stated")
    ax.set_ylabel(f"{pretty(unit)} {label}" + (" (log scale)" if ax.get_yscale() == "log" else ""))
    ax.plot([], [], "o", color="#555555", markerfacecolor="white", label="hollow: planned")
    fig.legend(loc="outside lower left", ncols=3)
    (subject, step), first = _most_changed(rows, series)
    a, b = first.iloc[0], first.iloc[-1]
    money = pretty(unit)
    title = (f"{pretty(subject, capital=True)}: {pretty(step)} went from {money}"
             f"{derive.number(float(a['value']) / scale)} {label} ({a['stated_on'][:4]}) to {money}"
             f"{derive.number(float(b['value']) / scale)} {label} ({b['stated_on'][:4]}) across "
             f"{len(first)} statements")
    set_title(fig, title)
    caption = (f"Each dot is one {noun} figure a source gives, placed at the date it was "
               "stated; lines join the figures of one project and step in date order (they "
               "are not estimates in between). Hollow dots are figures given as planned or "
               "forecast, paler ones are rated low reliability. Figures are as stated, not "
               "adjusted for inflation.")
    alt = f"{title}. " + " ".join(
        f"{pretty(s_, capital=True)}, {pretty(m)}: " + ", ".join(
            f"{derive.number(float(r['value']) / scale)} {label} ({r['stated_on']})"
            for _, r in rows[(rows["subject"] == s_) & (rows["milestone"] == m)].iterrows())
        + "." for s_, m in series)
    return Chart(fig, title, caption, alt, select.source_ids(rows), data=rows)


def _most_changed(rows: pd.DataFrame, series: list[tuple]) -> tuple[tuple, pd.DataFrame]:
    """The series (of 3+ figures, if any) whose last figure differs most from its first."""
    best = None
    for key in series:
        part = rows[(rows["subject"] == key[0]) & (rows["milestone"] == key[1])]
        change = abs(float(part["value"].iloc[-1]) / float(part["value"].iloc[0]) - 1)
        rank = (len(part) >= 3, change)
        if best is None or rank > best[0]:
            best = (rank, key, part)
    return best[1], best[2]
