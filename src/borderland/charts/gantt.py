"""Planned against actual dates: the slippage Gantt and the slippage staircase."""
from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .. import derive, select
from ..dates import Cutoff
from ..wording import pretty
from .base import STATUS_COLORS, Chart, new_figure, set_title, styled, wrap, year_axis

PLAN, DONE = STATUS_COLORS["planned"], STATUS_COLORS["actual"]


def steps(milestones: pd.DataFrame) -> pd.DataFrame:
    """Slippage per step with a planned date, projects in order of their first target."""
    table = derive.slippage(milestones)
    if table.empty:
        return table
    first = milestones.groupby("subject")["date_from"].min()
    table = table.assign(order=table["subject"].map(first))
    return table.sort_values(["order", "subject", "first_target"], kind="stable").drop(
        columns="order").reset_index(drop=True)


def _target(ax, row, y: float) -> None:
    """A planned date: a hollow bar over its interval (year, month) or a hollow diamond."""
    start, stop = mdates.date2num(row["date_from"]), mdates.date2num(row["date_to"])
    if stop - start > 40:
        ax.add_patch(Rectangle((start, y - 0.18), stop - start + 1, 0.36, facecolor="none",
                               edgecolor=PLAN, lw=0.9, zorder=2))
    else:
        ax.plot(start, y, marker="D", ms=4.5, color=PLAN, markerfacecolor="white",
                linestyle="none", zorder=3)


@styled
def slippage_gantt(milestones: pd.DataFrame, *, subject: str = "Energy projects",
                   as_of: Cutoff | None = None) -> Chart:
    """One row per step with a planned date: every target stated, the actual date and
    an arrow from the first target to the actual date (or to the latest target)."""
    table = steps(milestones)
    projects = list(dict.fromkeys(table["subject"]))
    fig, ax = new_figure(1.3 + 0.24 * (len(table) + len(projects)))
    y, ticks, labels, heads = 0.0, [], [], []
    for project in projects:
        ticks.append(y)
        labels.append(pretty(project, capital=True))
        heads.append(len(labels) - 1)
        y -= 1
        for _, step in table[table["subject"] == project].iterrows():
            rows = milestones[(milestones["subject"] == project)
                              & (milestones["milestone"] == step["milestone"])]
            _step_row(ax, rows, step, y)
            ticks.append(y)
            labels.append("  " + pretty(step["milestone"], capital=True))
            y -= 1
        y -= 0.3
    ax.set_yticks(ticks, labels)
    for i, label in enumerate(ax.get_yticklabels()):
        if i in heads:
            label.set_fontweight("bold")
    ax.set_ylim(y + 0.5, 0.7)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.xaxis_date()
    left, right = ax.get_xlim()
    ax.set_xlim(left - 200, right + 400)
    span = (right - left) / 365.25
    ax.xaxis.set_major_locator(mdates.YearLocator(5 if span > 16 else 2 if span > 6 else 1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("Date (year)")
    if as_of is not None:
        ax.axvline(mdates.date2num(as_of.end), color="black", lw=0.9,
                   ls=(0, (4, 2)))
    fig.legend(handles=[
        Line2D([], [], marker="D", color=PLAN, markerfacecolor="white", linestyle="none",
               label="target date stated (bar: the year or month named)"),
        Line2D([], [], marker="o", color=DONE, linestyle="none", label="actual date"),
        Line2D([], [], color=PLAN, lw=1.2, label="slip: first target → actual"),
        Line2D([], [], color=PLAN, lw=1.2, ls="--", label="slip so far: first → latest target (or latest document)")],
        loc="outside lower left", ncols=2)
    title = _gantt_title(table, subject)
    set_title(fig, title)
    caption = ("Each row is one step of a project for which a target date was announced. "
               "Hollow marks are the targets as stated (a bar covers a target named only by "
               "year or month); the dot is when it happened. The arrow runs from the first "
               "target announced to the actual date, or, while the step is not done, to the "
               "latest target (dashed), or, once that has passed with no report of the step, to "
               "the date of the selection's latest document (“target passed”). The figure on the right is the slip in years, counted "
               "from the end of the first target's year or month, so it is never overstated.")
    alt = f"{title}. " + " ".join(
        f"{pretty(r['subject'], capital=True)}, {pretty(r['milestone'])}: first target "
        f"{r['first_target']} (stated {r['first_stated']}), "
        + (f"done {r['actual']}" if r["done"] else f"latest target {r['latest_target']}")
        + f", slip {r['slip_years']} years." for _, r in table.iterrows())
    return Chart(fig, title, caption, alt, select.source_ids(
        milestones.merge(table[["subject", "milestone"]], on=["subject", "milestone"])),
        data=table)


def _step_row(ax, rows: pd.DataFrame, step: pd.Series, y: float) -> None:
    """A step's targets, its actual date and its slip arrow, between the days
    `derive.slippage` measured the slip: to the actual date, else to the latest target, else
    (a target passed with no report) to the selection's latest day."""
    for _, row in derive.targets(rows).sort_values(["stated_on_to", "milestone_id"]).iterrows():
        _target(ax, row, y)
    start, end = step["_slip_start"], step["_slip_end"]
    if step["done"]:
        ax.plot(mdates.date2num(end), y, "o", color=DONE, ms=5.5, zorder=4)
    if end > start:
        ax.annotate("", xy=(mdates.date2num(end), y), xytext=(mdates.date2num(start), y),
                    arrowprops={"arrowstyle": "-|>,head_length=0.4,head_width=0.2",
                                "color": PLAN, "lw": 1.2, "ls": "-" if step["done"] else "--",
                                "shrinkA": 0, "shrinkB": 3}, zorder=3)
    if step["done"]:
        text = "on time" if step["slip_years"] == 0 else f"+{step['slip_years']:g} y"
    else:
        text = ("not reported done" if step["slip_years"] == 0 else
                f"+{step['slip_years']:g} y, target passed" if step["overdue"] else
                f"+{step['slip_years']:g} y so far")
    ax.annotate(text, (1.0, y), xycoords=("axes fraction", "data"), xytext=(3, 0),
                textcoords="offset points", fontsize=8, va="center", fontweight="bold")


def _gantt_title(table: pd.DataFrame, subject: str) -> str:
    late = table[table["slip_years"] > 0]
    text = (f"{subject}: {len(late)} of {len(table)} steps with an announced date came late "
            "or are still waiting")
    worst = derive.longest_slip(table)
    if worst is not None:
        text += (f"; longest slip {worst['slip_years']:g} years "
                 f"({pretty(worst['subject'], capital=True)}, {pretty(worst['milestone'])})")
    return text


def staircase_steps(milestones: pd.DataFrame, limit: int = 6) -> list[tuple[str, str]]:
    """Up to `limit` (subject, milestone) steps whose date was announced on at least two
    different dates: the most often announced first, then the longest slip."""
    table = derive.slippage(milestones)
    table = table[table["announcements"] >= 2].sort_values(
        ["announcements", "slip_years", "subject", "milestone"],
        ascending=[False, False, True, True])
    return list(zip(table["subject"], table["milestone"]))[:limit]


@styled
def staircase(milestones: pd.DataFrame, pairs: list[tuple[str, str]]) -> Chart:
    """For each step, every announced target date against the date it was announced.

    Points above the diagonal were still in the future when announced; each new
    announcement one step higher is a postponement. A star on the diagonal marks
    the actual date.
    """
    cols = 1 if len(pairs) == 1 else 2
    nrows = -(-len(pairs) // cols)
    fig, axes = new_figure(0.9 + 2.3 * nrows, nrows=nrows, ncols=cols, squeeze=False)
    facts, used = [], []
    for ax, (subject, step) in zip(axes.flat, pairs):
        rows = milestones[(milestones["subject"] == subject) & (milestones["milestone"] == step)]
        facts.append(_stair(ax, rows, f"{pretty(subject, capital=True)}: {pretty(step)}"))
        used.append(rows)
    for ax in list(axes.flat)[len(pairs):]:
        ax.set_visible(False)
    fig.legend(handles=[
        Line2D([], [], marker="o", color=PLAN, markerfacecolor="white", lw=1.2,
               label="target announced (bar: year or month named)"),
        Line2D([], [], marker="*", color=DONE, linestyle="none", ms=9, label="actual date"),
        Line2D([], [], color="#888888", ls=":", label="target = day of announcement")],
        loc="outside lower left", ncols=3)
    moved = [f for f in facts if f[2] > f[1]]
    title = ("Slippage staircase: " + "; ".join(f"{name} moved from {a} to {b}"
                                                for name, a, b, _ in moved[:2])
             if moved else "Slippage staircase: announced targets did not move later")
    set_title(fig, title)
    caption = ("Each panel follows one step: every announcement of its target date, placed by "
               "when it was made (across) and the date it promised (up). A rising staircase "
               "means each announcement "
               "pushed the date later. Targets named only by year or month are drawn as bars "
               "over that period. Points near the dotted diagonal were announced for almost "
               "the same day; the star marks when the step actually happened.")
    alt = f"{title}. " + " ".join(f"{name}: announcements {desc}." for name, _, _, desc in facts)
    return Chart(fig, title, caption, alt, select.source_ids(*used), data=pd.concat(used))


def _stair(ax, rows: pd.DataFrame, name: str) -> tuple[str, int, int, str]:
    planned = derive.targets(rows).sort_values(["stated_on_to", "date_from", "milestone_id"])
    x = [mdates.date2num(d) for d in planned["stated_on_to"]]
    y0 = [mdates.date2num(d) for d in planned["date_from"]]
    y1 = [mdates.date2num(d) for d in planned["date_to"]]
    ax.step(x, y0, where="post", color=PLAN, lw=1.0, alpha=0.6, zorder=1)
    for xi, a, b in zip(x, y0, y1):
        if b - a > 40:
            ax.plot([xi, xi], [a, b], color=PLAN, lw=3, alpha=0.5, solid_capstyle="butt")
        ax.plot(xi, a, "o", color=PLAN, markerfacecolor="white", ms=4.5, zorder=3)
    actual = rows[rows["status"] == "actual"].sort_values("date_from")
    points = x + y0 + y1
    if not actual.empty:
        done = mdates.date2num(actual.iloc[0]["date_from"])
        ax.plot(done, done, "*", color=DONE, ms=10, zorder=4)
        points.append(done)
    low, high = min(points) - 365, max(points) + 365
    ax.plot([low, high], [low, high], ls=":", color="#888888", lw=1, zorder=0)
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    for axis in (ax.xaxis, ax.yaxis):
        axis.axis_date()
        year_axis(axis, most=6)
    ax.grid(True)
    ax.set_title(wrap(name, 45), fontsize=8)
    ax.set_xlabel("Date announced")
    ax.set_ylabel("Target date announced")
    years = [int(d[:4]) for d in planned["date"]]
    desc = ", ".join(f"{d} (stated {s})" for d, s in zip(planned["date"], planned["stated_on"]))
    return name, years[0], years[-1], desc


