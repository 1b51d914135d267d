"""Lanes of dated items: the overview timeline and the basing swimlanes.

Spans (a lease to 2042, a war) are bars, one-off events points; planned items are
hollow. Labels never overlap: each lane is split into as many rows as its labels need
(items packed greedily left to right after measuring each label).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from .. import derive, select
from ..dates import Cutoff
from ..wording import TOLL_RULE, pretty, toll_text
from .base import OKABE_ITO, WIDTH, Chart, new_figure, styled, wrap

ROW_IN = 0.155  # height of one row of a lane, inches
MIN_ROW_IN = 0.13  # rows shrink to this (8 pt labels still clear) so the figure fits a page
FIT_IN = 9.6  # printed height the lanes are fitted into
LEFT_IN = 1.25  # label column
RIGHT_IN = 0.2  # room for the last year's tick label
LABEL_PT = 8.0
TRACK_COLORS = {"violence": OKABE_ITO["vermillion"], "deployments": OKABE_ITO["purple"],
                "basing": OKABE_ITO["blue"], "energy": OKABE_ITO["green"],
                "security": OKABE_ITO["orange"], "context": OKABE_ITO["grey"]}
LABELLED_KINDS = ("agreement", "ratification", "decision", "summit", "commissioning",
                  "completion", "suspension", "construction-start")


@dataclass
class Item:
    """One thing drawn in a lane."""

    lane: str
    start: pd.Timestamp
    end: pd.Timestamp | None = None
    label: str = ""
    planned: bool = False
    color: str = "#000000"
    size: float = 4.5
    hollow: bool = False
    row: int = 0
    text_left: bool = False
    text_inside: bool = False  # a bar too long for a label beside it carries it inside
    sources: set = field(default_factory=set)
    compact: str = ""  # a shorter label, used when `label` fits on neither side


def milestone_items(frame: pd.DataFrame, lane_of, label_of, color: str,
                    size: float = 4.5) -> list[Item]:
    """Items from milestone (or deployment) rows, one per distinct step, status and dates."""
    keys = [c for c in ("subject", "milestone", "status", "date", "end_date", "low", "best",
                        "high") if c in frame]
    ids = frame[["source_id"]].assign(relayed=frame["original_source_id"])
    groups = frame.assign(_ids=[{a, b} - {None} if pd.notna(b) else {a}
                                for a, b in zip(ids["source_id"], ids["relayed"])])
    items = []
    for _, group in groups.groupby(keys, sort=False, dropna=False):
        row = group.iloc[0]
        end = row["end_date_to"] if pd.notna(row["end_date"]) else None
        items.append(Item(lane_of(row), row["date_from"], end, label_of(row),
                          planned=row["status"] == "planned", color=color, size=size,
                          hollow=row["status"] == "planned", sources=set().union(*group["_ids"])))
    return items


def _text_width(fig, text: str) -> float:
    """Width of `text` at the label size, in inches."""
    if not text:
        return 0.0
    artist = fig.text(0, 0, text, fontsize=LABEL_PT)
    width = artist.get_window_extent(fig.canvas.get_renderer()).width / fig.dpi
    artist.remove()
    return width


def _pack(items: list[Item], fig, x0: float, x1: float, width_in: float) -> dict[str, int]:
    """Give each item a row in its lane so labels and bars never overlap; rows per lane.

    Unlabelled items share the lane's first row (dots may touch). Labelled ones go,
    left to right, into the first row where they fit with the label on the right, else on
    the left, else (a bar longer than its label) inside the bar; a new row is opened when
    none fits.
    """
    per_in = (x1 - x0) / width_in
    rows: dict[str, list[list[tuple[float, float]]]] = {}
    for lane in {i.lane for i in items if not i.label}:
        rows[lane] = [[(float("-inf"), float("inf"))]]
    for item in sorted(items, key=lambda i: (i.lane, mdates.date2num(i.start))):
        if not item.label:
            continue
        start = mdates.date2num(item.start)
        stop = mdates.date2num(item.end) if _is_span(item, per_in) else start
        pad = 0.06 * per_in
        for label in dict.fromkeys([item.label, item.compact or item.label]):
            item.label = label
            text = (_text_width(fig, item.label) + 0.12) * per_in
            every = [(False, start - pad, stop + text), (True, start - text, stop + pad)]
            if stop - start > text:
                every.append(("inside", start - pad, stop + pad))
            options = [o for o in every if o[1] >= x0 - pad and o[2] <= x1 + pad]
            if options:
                break
        options = options or every[1:2]
        lane_rows = rows.setdefault(item.lane, [])
        for index in range(len(lane_rows) + 1):
            if index == len(lane_rows):
                lane_rows.append([])
            taken = lane_rows[index]
            fit = next((o for o in options if all(o[2] < a or o[1] > b for a, b in taken)), None)
            if fit:
                item.row, item.text_inside = index, fit[0] == "inside"
                item.text_left = fit[0] is True
                taken.append((fit[1], fit[2]))
                break
    return {lane: len(lane_rows) for lane, lane_rows in rows.items()}


def _is_span(item: Item, per_in: float) -> bool:
    """True when the item lasts long enough to draw as a bar (over 0.05 in)."""
    if item.end is None:
        return False
    return (mdates.date2num(item.end) - mdates.date2num(item.start)) / per_in > 0.05


@styled
def lanes_figure(items: list[Item], lanes: list[tuple[str, str]], *, title: str,
                 x_range: tuple[pd.Timestamp, pd.Timestamp], as_of: Cutoff | None = None,
                 groups: dict[str, str] | None = None, legend: list | None = None):
    """Draw `items` in `lanes` ([(key, label)], top to bottom); returns the figure.

    `groups` maps lane keys to a group heading (a track) drawn above its first lane.
    """
    fig, ax = new_figure(2.0)
    fig.set_layout_engine("none")
    x0, x1 = (mdates.date2num(x) for x in x_range)
    width_in = WIDTH - LEFT_IN - RIGHT_IN
    counts = _pack(items, fig, x0, x1, width_in)
    # a lane is as many rows as its items need, and at least as many as its label's lines
    rows = {key: max(counts.get(key, 1), 1, label.count("\n") + 1) for key, label in lanes}
    heading_rows = 1.1
    y, centres, tops, last_group = 0.0, {}, {}, None
    for key, _ in lanes:
        if groups and groups.get(key) != last_group:
            last_group = groups.get(key)
            if last_group:
                y += heading_rows
                tops[key] = y
        centres[key] = y + 0.35
        y += rows[key] + 0.3
    total_rows = y
    top_in, bottom_in = 0.4 + 0.17 * len(textwrap.wrap(title, 88)), 0.9
    row_in = max(MIN_ROW_IN, min(ROW_IN, (FIT_IN - top_in - bottom_in) / total_rows))
    plot_in = total_rows * row_in
    height = plot_in + top_in + bottom_in
    fig.set_size_inches(WIDTH, height)
    ax.set_position([LEFT_IN / WIDTH, bottom_in / height, width_in / WIDTH, plot_in / height])
    ax.set_xlim(x0, x1)
    ax.set_ylim(total_rows, 0)
    ax.xaxis_date()
    span_years = (x1 - x0) / 365.25
    ax.xaxis.set_major_locator(mdates.YearLocator(5 if span_years > 25 else 2 if span_years > 8
                                                  else 1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("Year (date of the step, or of what a figure describes)", fontsize=8)
    ax.set_yticks([centres[k] - 0.5 + rows[k] / 2 for k, _ in lanes],
                  [label for _, label in lanes])
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    for index, (key, _) in enumerate(lanes):
        if index % 2 == 0:
            ax.axhspan(centres[key] - 0.5, centres[key] - 0.5 + rows[key] + 0.15,
                       color="#f3f3f3", zorder=0, lw=0)
    for key, top in tops.items():
        ax.text(-LEFT_IN / width_in, top - 0.25, groups[key],
                transform=ax.get_yaxis_transform(), fontweight="bold", fontsize=8, va="bottom")
    points: dict[tuple, list] = {}
    for item in items:
        _draw(ax, item, centres[item.lane] + item.row, (x1 - x0) / width_in, points)
    for (planned, size, color, hollow), xy in sorted(points.items()):
        ax.plot(*zip(*xy), marker="D" if planned else "o", ms=size, color=color,
                markerfacecolor="white" if hollow else color, markeredgewidth=1.0,
                linestyle="none", zorder=3)
    if as_of is not None:
        at = mdates.date2num(as_of.end)
        ax.axvline(at, color="#000000", lw=0.9, ls=(0, (4, 2)), zorder=4)
        near_end = (x1 - at) / (x1 - x0) * width_in < 1.0
        ax.annotate(f"as of {as_of.label}", xy=(at, 0), xytext=(-3 if near_end else 3, 2),
                    textcoords="offset points", fontsize=8, ha="right" if near_end else "left",
                    va="bottom", annotation_clip=False)
    fig.text(0, 1 - 0.08 / height, textwrap.fill(title, 88), fontsize=9.5, fontweight="bold",
             va="top")
    if legend:
        ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(-LEFT_IN / width_in,
                  -0.5 / plot_in), ncols=min(len(legend), 5), borderaxespad=0)
    return fig, ax


def _draw(ax, item: Item, y: float, per_in: float, points: dict) -> None:
    """Draw a span and label now; collect points by style in `points` (drawn in bulk)."""
    start = mdates.date2num(item.start)
    if _is_span(item, per_in):
        face = "white" if item.hollow else item.color
        stop = mdates.date2num(item.end)
        ax.add_patch(Rectangle((start, y - 0.28), stop - start, 0.56, facecolor=face,
                               edgecolor=item.color, lw=0.9, ls="--" if item.planned else "-",
                               alpha=0.9 if item.label else 0.35, zorder=2,
                               hatch="////" if item.planned else None))
    else:
        stop = start
        points.setdefault((item.planned, item.size, item.color, item.hollow), []).append((start, y))
    if item.label and item.text_inside:
        ax.text(start + 0.05 * per_in, y, item.label, fontsize=LABEL_PT, va="center",
                ha="left", color=item.color if item.hollow else "#ffffff", zorder=5)
    elif item.label:
        gap = 0.05 * per_in + (item.size / 72 / 2 * per_in if stop == start else 0)
        x = start - gap if item.text_left else stop + gap
        ax.text(x, y, item.label, fontsize=LABEL_PT, va="center",
                ha="right" if item.text_left else "left", color="#222222", zorder=5)


def _limits(items: list[Item], floor: pd.Timestamp | None = None,
            as_of: Cutoff | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    starts = [i.start for i in items]
    ends = [i.end or i.start for i in items] + ([as_of.end] if as_of is not None else [])
    first = min(starts) if floor is None else max(min(starts), floor)
    first = pd.Timestamp(year=first.year, month=1, day=1)
    last = pd.Timestamp(year=max(ends).year + 1, month=1, day=1)
    return first, last


def _step_label(row) -> str:
    """'Lease extension (2013)', 'Lease term (1993–2042)' for a span; no year when the
    step's name has it; '– plan' if planned."""
    name = pretty(row["milestone"], capital=True)
    year = row["date"][:4]
    if row.get("_span") and str(row["end_date"])[:4] != year:
        year += f"–{str(row['end_date'])[:4]}"
    text = name if year in name else f"{name} ({year})"
    return text + (" – plan" if row["status"] == "planned" else "")


def _legend(planned: bool, color: str = "#555555") -> list:
    handles = [Line2D([], [], marker="o", color=color, linestyle="none", ms=4.5,
                      label="event (reported date)"),
               Patch(facecolor=color, edgecolor=color, label="span (start to end)")]
    if planned:
        handles += [Line2D([], [], marker="D", color=color, markerfacecolor="white",
                           linestyle="none", ms=4.5, label="planned date"),
                    Patch(facecolor="white", edgecolor=color, hatch="////", ls="--",
                          label="planned span")]
    return handles


PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def one_per_step(milestones: pd.DataFrame) -> pd.DataFrame:
    """One row per (subject, step, status): a row giving the step's span first, then the
    most precise date, then the earliest; a step several documents report is drawn once.
    A figure over a period (detentions 1992-2005) is a dot at its start, not a span."""
    frame = milestones.assign(_rank=milestones["date_precision"].map(PRECISION_RANK),
                              _span=milestones["end_date"].notna()
                              & (milestones["kind"] != "figure"))
    frame = frame.sort_values(["_span", "_rank", "date_from", "milestone_id"],
                              ascending=[False, True, True, True], kind="stable")
    keys = ["subject", "milestone", "status"]
    first = frame.drop_duplicates(keys)
    sources = frame.groupby(keys)["source_id"].agg(lambda s: set(s))
    return first.assign(_sources=[sources.loc[tuple(r)] for r in first[keys].itertuples(
        index=False)]).drop(columns=["_rank"])


# The basing facilities and frameworks of Russia's own forces; every other basing subject
# (the CSTO, airfields others used, other partners) goes to the second chart.
RUSSIAN_SUBJECTS = ("201st-base", "russian-border-guards", "russian-border-post", "okno",
                    "joint-air-defence", "russia-bilateral")


def basing_groups(milestones: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The basing steps in two charts' worth: Russia's forces, then everyone else."""
    russian = milestones["subject"].isin(RUSSIAN_SUBJECTS)
    return {"Russian forces in Tajikistan": milestones[russian],
            "Airfields, alliances and other partners": milestones[~russian]}


def swimlanes(milestones: pd.DataFrame, *, subject: str, as_of: Cutoff | None = None,
              color: str = TRACK_COLORS["basing"]) -> Chart:
    """One lane per subject (facility or framework); spans as bars, steps as points.

    Agreements, ratifications, decisions, summits, starts, completions, suspensions and
    spans are labelled; other steps (statements, figures, exercises) are unlabelled dots.
    """
    steps = one_per_step(milestones)
    order = steps.groupby("subject")["date_from"].min().sort_values(kind="stable")
    lanes = [(s, wrap(pretty(s, capital=True), 22)) for s in order.index]
    items = []
    for _, row in steps.iterrows():
        keyed = row["kind"] in LABELLED_KINDS or row["_span"]
        items.append(Item(row["subject"], row["date_from"],
                          row["end_date_to"] if row["_span"] else None,
                          _step_label(row) if keyed else "", planned=row["status"] == "planned",
                          hollow=row["status"] == "planned", color=color,
                          size=4.5 if keyed else 3.5,
                          sources=row["_sources"] | set(select.source_ids(
                              milestones[(milestones["subject"] == row["subject"])
                                         & (milestones["milestone"] == row["milestone"])]))))
    x_range = _limits(items, as_of=as_of)
    spans = sum(1 for i in items if i.end is not None)
    title = (f"{subject}: {len(items)} steps across {len(lanes)} facilities and frameworks, "
             f"{x_range[0].year}–{x_range[1].year - 1}")
    fig, _ = lanes_figure(items, lanes, title=title, x_range=x_range, as_of=as_of,
                          legend=_legend(any(i.planned for i in items), color))
    caption = ("Each lane is one facility or framework. Points are one-off steps: labelled "
               "where they are agreements, ratifications, decisions, summits, starts, "
               "completions or suspensions, small unlabelled dots for statements, exercises and "
               f"figures. Bars are spans ({spans} drawn), hollow shapes dates planned at the "
               "time. A step several documents report is drawn once, at its most precise "
               "date. The dashed line marks the as-of date when one is set.")
    alt = (f"Swimlane timeline of {subject}: " + "; ".join(
        f"{label}: " + ", ".join(i.label for i in items if i.lane == key and i.label)
        for key, label in lanes) + ".")
    sources = sorted(set().union(*(i.sources for i in items)))
    return Chart(fig, title, caption, alt, sources, data=_items_frame(items))


REGIONS = {"gbao": "GBAO (Pamirs)", "rasht": "Rasht", "kyrgyz-tajik-border": "Kyrgyz–Tajik border (Sughd)",
           "sughd": "Sughd", "dushanbe": "Dushanbe", "khatlon": "Khatlon",
           "nationwide": "Nationwide"}
NOUNS = {"violence": "violent episodes", "deployments": "force figures",
         "basing": "basing steps", "energy": "energy steps"}


HEADINGS = {"violence": "Violent episodes", "deployments": "Force figures reported",
            "basing": "Russia/CSTO basing", "energy": "Energy projects"}


def _top_lanes(frame: pd.DataFrame, column: str, track: str, limit: int = 4) -> dict[str, tuple]:
    """{value: (lane key, lane label)}: the `limit` values with most rows get a lane each,
    the rest share an "other" lane."""
    counts = frame.groupby(column).size().reset_index(name="n").sort_values(
        ["n", column], ascending=[False, True])
    top = list(counts[column].head(limit))
    rest = len(counts) - len(top)
    other = (f"{track}:other", f"{rest} other" + (" forces" if track == "deployments" else ""))
    return {v: ((f"{track}:{v}", wrap(pretty(v, capital=True), 24)) if v in top else other)
            for v in counts[column]}


def _lane_items(frame: pd.DataFrame, column: str, track: str, lanes: list, groups: dict) -> list:
    """Unlabelled dots and bars in a lane per busiest subject, lanes in order."""
    mapping = _top_lanes(frame, column, track)
    for lane in dict.fromkeys(mapping.values()):
        lanes.append(lane)
        groups[lane[0]] = HEADINGS[track]
    if track == "deployments":
        frame = frame.assign(milestone="figure", end_date=None, end_date_to=pd.NaT,
                             subject=frame["force"])
    return milestone_items(frame, lambda r: mapping[r[column]][0], lambda r: "",
                           TRACK_COLORS[track], size=3.5)


def overview(*, events: pd.DataFrame, claims: pd.DataFrame, deployments: pd.DataFrame,
             milestones: pd.DataFrame, tracks: list[str], as_of: Cutoff | None = None,
             estimate: str = "best") -> Chart:
    """Lanes per track: violence (by region), deployments (by force), basing and energy
    (by subject). Only violent episodes are labelled."""
    items, lanes, groups = [], [], {}
    if "violence" in tracks:
        for region, label in REGIONS.items():
            rows = events[events["region"] == region]
            if not rows.empty:
                lanes.append((region, wrap(label, 20)))
                groups[region] = HEADINGS["violence"]
                items += _violence_items(rows, claims, estimate, region)
    if "deployments" in tracks and not deployments.empty:
        items += _lane_items(deployments, "force", "deployments", lanes, groups)
    for track in ("basing", "energy"):
        rows = milestones[milestones["track"] == track]
        if track in tracks and not rows.empty:
            items += _lane_items(rows, "subject", track, lanes, groups)
    floor = pd.Timestamp("1990-01-01")
    shown = [i for i in items if (i.end or i.start) >= floor]
    if not shown:
        raise ValueError("nothing to draw")
    actual_end = max(i.start for i in shown if not i.planned)
    cap = max(actual_end, as_of.end if as_of is not None else actual_end) + pd.DateOffset(years=3)
    later = [i for i in shown if i.start > cap]
    shown = [i for i in shown if i.start <= cap]
    for item in shown:
        if item.end is not None and item.end > cap:
            item.end = cap
    x_range = _limits(shown, floor, as_of)
    for item in shown:
        item.start = max(item.start, x_range[0])
    counts = {}
    for item in shown:
        track = _track_of(item.lane)
        counts[track] = counts.get(track, 0) + 1
    title = (f"Tajikistan's borderlands {x_range[0].year}–{x_range[1].year - 1}: "
             + ", ".join(f"{n} {NOUNS[t]}" for t, n in counts.items()))
    fig, _ = lanes_figure(shown, lanes, title=title, x_range=x_range, as_of=as_of,
                          groups=groups, legend=_overview_legend(shown))
    caption = ("Violent episodes are sized by their death toll, printed as stated ("
               + TOLL_RULE + "; the smallest dots: no death toll in the selection). The other lanes "
               "show when things happened: each dot is a reported force figure (at the date it "
               "describes) or a dated basing or energy step; bars are spans such as lease terms "
               "(cut at the right edge when they run on). "
               "Hollow shapes are dates planned at the time. Lanes go to the forces and "
               "subjects with most rows; the rest share an 'other' lane. Nothing before "
               f"{floor.year} is drawn" + (f", nor {len(later)} planned dates after "
                                           f"{x_range[1].year - 1}" if later else "") + ".")
    alt = (f"Timeline from {x_range[0].year} to {x_range[1].year - 1} with lanes for "
           + ", ".join(label for _, label in lanes) + ". Violent episodes: "
           + "; ".join(i.label for i in shown if i.lane in REGIONS) + ".")
    sources = sorted(set().union(*(i.sources for i in shown)))
    return Chart(fig, title, caption, alt, sources, data=_items_frame(shown))


def _items_frame(items: list[Item]) -> pd.DataFrame:
    """What a timeline draws, one line per mark: lane, dates, label, planned, sources."""
    return pd.DataFrame({
        "lane": [i.lane for i in items],
        "start": [i.start.strftime("%Y-%m-%d") for i in items],
        "end": [i.end.strftime("%Y-%m-%d") if i.end is not None else "" for i in items],
        "label": [i.label for i in items], "planned": [i.planned for i in items],
        "documents": [" ".join(sorted(i.sources)) for i in items]})


def _track_of(lane: str) -> str:
    return "violence" if lane in REGIONS else lane.split(":")[0]


def _violence_items(events: pd.DataFrame, claims: pd.DataFrame, estimate: str,
                    lane: str) -> list[Item]:
    tolls = derive.highest_credible(claims, estimate).set_index("event_id")
    by_id = claims.set_index("claim_id")
    items = []
    for _, event in events.sort_values("start_date_from").iterrows():
        has_toll = event["event_id"] in tolls.index
        toll = float(tolls.loc[event["event_id"], "value"]) if has_toll else 0.0
        label = compact = event["short_name"]
        if has_toll:
            top = by_id.loc[tolls.loc[event["event_id"], "claim_id"]]
            label += f" ({toll_text(top)})"
            compact += f" ({toll_text(top, short=True)})"
        else:
            label += " (no death toll)"
        end = event["end_date_to"] if pd.notna(event["end_date"]) else None
        ev_claims = claims[claims["event_id"] == event["event_id"]]
        items.append(Item(lane, event["start_date_from"], end, label,
                          color=TRACK_COLORS["violence"], size=_toll_size(toll) if has_toll
                          else 3.5, compact=compact,
                          sources=set(select.source_ids(event.to_frame().T, ev_claims))))
    return items


def _toll_size(toll: float) -> float:
    """Marker size (points) for a toll: area grows with the square root of the toll."""
    return 3.0 + 2.2 * toll ** 0.25


def _overview_legend(items: list[Item]) -> list:
    handles = [Line2D([], [], marker="o", color=TRACK_COLORS["violence"], linestyle="none",
                      ms=_toll_size(v), label=f"{v:,} killed") for v in (10, 100, 1000)]
    handles.append(Line2D([], [], marker="D", color="#555555", markerfacecolor="white",
                          linestyle="none", ms=4.5, label="planned"))
    return handles if items else []
