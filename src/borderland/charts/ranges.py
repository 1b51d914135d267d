"""Every claim about one event side by side: its range, best value and qualifier."""
from __future__ import annotations

import pandas as pd

from .. import derive, select
from ..schema import TABLES
from ..wording import SCOPE_LABELS, pretty, side_words, span
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
    value_label,
    wrap,
)

OUTCOMES = TABLES["casualty_claims"].column("outcome").allowed
PARTIES = TABLES["casualty_claims"].column("party").allowed


ROW_IN = 0.15  # inches per row
LINE_ROWS = 1.0  # rows each further line of a wrapped label takes (8 pt type)
LABEL_CHARS = 54  # a row label wraps beyond this many characters
PANEL_ROWS = 36.0  # rows (of ROW_IN, with group headings) one chart holds: a page at most
LOG_NOTE = (" The axis is a log scale, so that tolls of 2 and of 2,000 both show; it starts "
            "at 0, where a stated zero sits, and is linear up to 1.")
FIGURES = ("low", "best", "high")  # the columns a claim states its figure in
REPEAT_KEY = ["claimant_type", "qualifier", "low", "best", "high", "reliability", "scope"]


def _figures(frame: pd.DataFrame) -> pd.Series:
    """Every low, best and high figure `frame` states, as floats."""
    return pd.concat([frame[c] for c in FIGURES]).dropna().astype(float)


def _groups(frame: pd.DataFrame, by: tuple[str, ...],
            order: dict[str, list] | None = None) -> list[tuple[tuple, pd.DataFrame]]:
    """Groups in schema order (outcome, party; `order` for other columns)."""
    order = {"outcome": list(OUTCOMES), "party": list(PARTIES), **(order or {})}

    def rank(key):
        return tuple((order[c].index(v), "") if c in order and v in order[c] else (999, str(v))
                     for c, v in zip(by, key))

    grouped = [(k if isinstance(k, tuple) else (k,), g) for k, g in
               frame.groupby(list(by), sort=False, dropna=False)]
    grouped.sort(key=lambda item: rank(item[0]))
    return grouped


def repeats(group: pd.DataFrame) -> list[tuple[pd.Series, pd.DataFrame]]:
    """Claims stating the very same figure, same way, by the same type of claimant at the
    same reliability, as (first claim, all of them), in order of first report."""
    ident = "claim_id" if "claim_id" in group else "deployment_id"
    ordered = group.sort_values(["reported_on_from", ident])
    return [(rows.iloc[0], rows) for _, rows in
            ordered.groupby([c for c in REPEAT_KEY if c in group], sort=False, dropna=False)]


def _row_label(rows: pd.DataFrame) -> str:
    """'Claimant +n · first date' ('first to last date' when the repeats run on), wrapped."""
    first = rows.iloc[0]
    name = first["claimant"]
    if len(rows) > 1:
        name += f" +{len(rows) - 1}"
    last = rows.sort_values("reported_on_to").iloc[-1]["reported_on"]
    when = first["reported_on"]
    if last != when:
        when += f" to {last}"
    new = " · NEW" if _is_new(rows) else ""
    part = f" · {SCOPE_LABELS[first['scope']]}" if first.get("scope") in SCOPE_LABELS else ""
    return wrap(f"{name} · {when}{part}{new}", LABEL_CHARS)


def _is_new(rows: pd.DataFrame) -> bool:
    """True when every claim of a row was first published in the `since` window (column
    `new`, set by the notebook from `changes.is_new`)."""
    return "new" in rows and bool(rows["new"].all())


def _row_height(label: str) -> float:
    """Rows (of ROW_IN) a label takes: one, plus LINE_ROWS per further line."""
    return 1 + LINE_ROWS * label.count("\n")


def _group_label(key: tuple, limit: int = 90) -> str:
    return wrap(pretty(" · ".join(pretty(v) for v in key), capital=True), limit)


HEADING_CHARS = 50  # a group heading inside the plot wraps beyond this many characters


def _heading(key: tuple) -> str:
    """A group's heading as drawn above its rows."""
    return _group_label(key, HEADING_CHARS)


def _group_rows(key: tuple, labels: list[str]) -> float:
    """Rows (of ROW_IN) a group takes: its heading's lines, its rows and a gap."""
    return _row_height(_heading(key)) + sum(_row_height(label) for label in labels) + 0.4


def _split_by_country(frame: pd.DataFrame, by: tuple[str, ...]) -> bool:
    """True when one group holds claims about people of different countries."""
    if "country" not in frame:
        return False
    return bool((frame.groupby(list(by))["country"].nunique() > 1).any())


def _grouping(frame: pd.DataFrame, by: tuple[str, ...]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """`frame` and its grouping columns, with `country` added when a group mixes countries."""
    if _split_by_country(frame, by):
        return frame.assign(country=frame["country"].fillna("country not stated")), (*by, "country")
    return frame, by


def panels(frame: pd.DataFrame, *, by: tuple[str, ...] = ("outcome", "party"),
           order: dict[str, list] | None = None, rows: float = PANEL_ROWS) -> list[pd.DataFrame]:
    """`frame` cut between its groups into parts whose claim_ranges charts fit a page
    (at most `rows` rows each, headings included); one part when it all fits. A group
    too long for one page is cut between its rows (its heading repeats on the next)."""
    grouped, by = _grouping(frame, by)
    parts, current, used = [], [], 0.0
    for key, group in _groups(grouped, by, order):
        for chunk in _chunks(key, repeats(group), rows):
            size = _group_rows(key, [_row_label(m) for _, m in chunk])
            if current and used + size > rows:
                parts.append(current)
                current, used = [], 0.0
            current.append([i for _, m in chunk for i in m.index])
            used += size
    if current:
        parts.append(current)
    return [frame.loc[[i for index in part for i in index]] for part in parts]


def _chunks(key: tuple, lines: list, rows: float) -> list[list]:
    """A group's rows (`repeats`) in runs that each fit `rows` with the group's heading."""
    chunks, current = [], []
    for line in lines:
        if current and _group_rows(key, [_row_label(m) for _, m in [*current, line]]) > rows:
            chunks.append(current)
            current = []
        current.append(line)
    return [*chunks, current] if current else chunks


def claim_range_charts(frame: pd.DataFrame, subject: str, *,
                       by: tuple[str, ...] = ("outcome", "party"),
                       order: dict[str, list] | None = None, noun: str = "people"
                       ) -> list[tuple[str, Chart]]:
    """claim_ranges of each page-sized part of `frame` (see `panels`), as (name suffix,
    chart): "" and the chart when it fits, else "", "-part-2", ... and "subject (i of n)"."""
    parts = panels(frame, by=by, order=order)
    axis = sorted(set(_figures(frame)))
    return [("" if i == 1 else f"-part-{i}",
             claim_ranges(part, subject if len(parts) == 1 else f"{subject} ({i} of {len(parts)})",
                          by=by, order=order, noun=noun, axis=axis if len(parts) > 1 else None))
            for i, part in enumerate(parts, 1)]


@styled
def claim_ranges(frame: pd.DataFrame, subject: str, *, by: tuple[str, ...] = ("outcome", "party"),
                 order: dict[str, list] | None = None, noun: str = "people",
                 title: str | None = None, axis: list[float] | None = None) -> Chart:
    """One row per figure stated, grouped by `by`, coloured by claimant type.

    Claims repeating the same figure (same qualifier, claimant type and reliability)
    share a row labelled with the first claimant, '+n' others and the dates reported.
    `subject` names what the claims are about (title, alt text); `order` orders groups of
    columns other than outcome and party; `noun`: what the figures count; `axis`: the
    figures the value axis must hold (the parts of one subject share one scale).
    """
    frame, by = _grouping(frame, by)
    groups = [(key, [(row, members, _row_label(members)) for row, members in repeats(group)])
              for key, group in _groups(frame, by, order)]
    height = sum(_group_rows(key, [label for *_, label in lines]) for key, lines in groups)
    fig, ax = new_figure(1.5 + ROW_IN * height)
    _draw_rows(ax, groups, height)
    values = pd.Series(axis) if axis else _figures(frame)
    count_axis(ax.xaxis, list(values))
    ax.set_xlim(left=0 if values.min() >= 0 else None, right=float(values.max()) * 3.2
                if ax.get_xscale() == "symlog" else float(values.max()) * 1.35)
    ax.set_xlabel(f"Number of {noun} stated by each claim"
                  + (" (log scale)" if ax.get_xscale() == "symlog" else ""))
    legend(fig, frame)
    title = title or _title(frame, subject, noun)
    set_title(fig, title)
    caption = _caption(noun) + (LOG_NOTE if ax.get_xscale() == "symlog" else "")
    if "scope" in frame and (frame["scope"] != "whole").any():
        caption += (" Rows marked “one incident”, “part of the time” or “part of the side” count "
                    "less than the whole episode (one clash, the first day, one unit); titles "
                    "compare whole-episode tolls only.")
    if "new" in frame and frame["new"].any():
        caption += " Rows marked NEW were first published in this edition's window of changes."
    return Chart(fig, title, caption, _alt(groups, by, frame, subject),
                 select.source_ids(frame), data=frame)


def _draw_rows(ax, groups: list, height: float) -> None:
    """Rows top down; each group's heading is written inside the plot, above its rows."""
    ticks, labels, fresh = [], [], []
    pos = 0.0
    for key, lines in groups:
        heading = _heading(key)
        extra = _row_height(heading) - 1
        ax.annotate(heading, (0, pos - extra / 2), xycoords=("axes fraction", "data"),
                    xytext=(3, 0), textcoords="offset points", fontsize=8,
                    fontweight="bold", va="center", ha="left")
        pos -= 1 + extra
        for row, members, label in lines:
            color = CLAIMANT_COLORS[row["claimant_type"]]
            alpha = LOW_ALPHA if row["reliability"] == "low" else 1.0
            extra = _row_height(label) - 1
            pos -= extra / 2  # a wrapped label's row sits at its middle line
            glyph(ax, pos, row, color=color, alpha=alpha)
            value_label(ax, pos, row, alpha=alpha)
            if _is_new(members):
                fresh.append(len(labels))
            ticks.append(pos)
            labels.append(label)
            pos -= 1 + extra / 2
        pos -= 0.4
    ax.set_ylim(-height + 0.6, 0.8)
    _row_ticks(ax, ticks, labels, fresh)


def _row_ticks(ax, ticks: list[float], labels: list[str], bold: list[int]) -> None:
    """Row labels at `ticks`, those at the `bold` indices in bold, with no tick marks."""
    ax.set_yticks(ticks, labels)
    for index in bold:
        ax.get_yticklabels()[index].set_fontweight("bold")
    ax.tick_params(axis="y", length=0, labelsize=8)
    ax.grid(axis="y", visible=False)


def _side_text(low: float, top: pd.Series) -> str:
    """One side's figures as stated: '7', or '4 to ≥34' (lowest to highest)."""
    high = derive.stated(top)
    return high if float(low) == float(derive.figure(top.to_frame().T).iloc[0]) \
        else f"{derive.number(low)} to {high}"


def _title(frame: pd.DataFrame, subject: str, noun: str) -> str:
    """A finding: what officials and others said of the same side's whole-episode toll
    (`derive.compare`), and how far every death toll drawn runs; else how far the
    statements run (computed from the rows drawn)."""
    people = frame["claimant"].nunique()
    who = f"{_statement_count(frame)} from {people} claimant{'s' * (people > 1)}"
    killed = frame[frame["outcome"] == "killed"] if "outcome" in frame else frame
    if killed.empty:
        return f"{subject}: {who}"
    values = _figures(killed)
    pairs = derive.compare(killed) if {"outcome", "claimant_type"} <= set(frame) else None
    if pairs is not None and not pairs.empty:
        # the most contested comparison: most statements on both sides, then widest
        pairs = pairs.assign(_n=pairs["official_n"] + pairs["other_n"],
                             _gap=pairs["other"] - pairs["official"])
        top = pairs.sort_values(["_n", "_gap"], ascending=False).iloc[0]
        by_id = killed.set_index("claim_id")
        party = side_words(top["party"], top["country"])
        official = _side_text(top["official_low"], by_id.loc[top["official_claim"]])
        other = _side_text(top["other_low"], by_id.loc[top["other_claim"]])
        drawn = (f"; every toll drawn: {derive.number(values.min())} to "
                 f"{derive.number(values.max())}"
                 if values.min() < top["official_low"] or values.max() > top["other"] else "")
        return (f"{subject}: officials put the whole toll {party} at {official}, others at "
                f"{other}{drawn} ({who})")
    what = "death tolls" if "outcome" in frame else "figures"
    if "unit" in frame and frame["unit"].nunique() > 1 and (frame["unit"] == "personnel").any():
        troops = frame[frame["unit"] == "personnel"]
        values = _figures(troops)
        what, noun = "troop figures", "personnel (other units drawn apart)"
    one_episode = {"scope", "party", "event_id"} <= set(killed) and killed["event_id"].nunique() == 1
    rated = derive.like_for_like(killed) if one_episode else killed.iloc[0:0]
    if one_episode and rated.empty and values.min() < values.max():
        return (f"{subject}: no whole-episode toll rated medium or better here; partial or "
                f"lower-rated counts run from {derive.number(values.min())} to "
                f"{derive.number(values.max())} ({who})")
    if not rated.empty and what == "death tolls":
        # the side most often counted over the whole episode, rated medium or better
        sides = rated.assign(country=rated["country"].fillna("")).groupby(["party", "country"])
        (party, country), group = max(sides, key=lambda kv: (len(kv[1]), kv[0]))
        kept = _figures(group)
        said = (f"are all {derive.number(kept.min())}" if kept.min() == kept.max() else
                f"run from {span(group.loc[kept.idxmin()], group.loc[kept.idxmax()], bounds=True)}")
        whose = f"{side_words(party, country)} "
        return (f"{subject}: whole-episode tolls {whose}rated medium or better {said}; every "
                f"toll drawn: {derive.number(values.min())} to {derive.number(values.max())} "
                f"({who})")
    if values.min() == values.max():
        single = "person" if noun == "people" and values.min() == 1 else noun
        return f"{subject}: every {what[:-1]} stated is {derive.number(values.min())} {single} ({who})"
    return (f"{subject}: {what} stated run from {derive.number(values.min())} to "
            f"{derive.number(values.max())} {noun} ({who})")


def _statement_count(frame: pd.DataFrame) -> str:
    """'25 statements (53 reports)' for statements; '25 claims' for plain rows."""
    n = len(frame)
    if "reports" not in frame:
        return f"{n} claim{'s' * (n != 1)}"
    reports = int(frame["reports"].sum())
    return f"{n} statement{'s' * (n != 1)}" + (f" ({reports} reports)" if reports != n else "")


def _caption(noun: str) -> str:
    return ("Each row is one statement, a figure as its claimant gave it, drawn once however "
            "many outlets relayed it: who said it and when (“+n”: n more statements by "
            "claimants of the same type giving the same figure, with the span of dates). "
            "Filled dots are exact figures, open dots approximate ones, bars "
            "stated ranges; arrows mark open-ended figures (“at least”, “up to”) and point "
            f"where the number of {noun} may lie. The stated figure is printed beside each row. "
            "Colour shows the type of claimant; paler rows are rated low reliability. Claims "
            "are never summed or averaged; parts of a total appear in their own group.")


def _alt(groups, by, frame, subject) -> str:
    parts = [f"Chart of {_statement_count(frame)} about {subject}, grouped by {' and '.join(by)}."]
    for key, lines in groups:
        figures = ", ".join(
            f"{derive.stated(row)} ({row['claimant']}" + (f" and {len(m) - 1} more" if len(m) > 1
                                                   else "") + f", {row['reported_on']})"
            for row, m, _ in lines)
        parts.append(f"{_group_label(key)}: {figures}.")
    return " ".join(parts)


@styled
def spread(frame: pd.DataFrame, subject: str, *, by: tuple[str, ...],
           order: dict[str, list] | None = None, noun: str = "people") -> Chart:
    """One row per group (e.g. event · outcome): all its claims on that row.

    Claims stating the same figure the same way share a mark; marks are stacked a
    little apart in order of first report, and a thin grey line shows the spread from
    the lowest to the highest figure stated (a span of claims, not an estimate).
    """
    frame, by = _grouping(frame, by)
    grouped = _groups(frame, by, order)
    groups = [(key, repeats(group)) for key, group in grouped]
    # only figures of the same scope can disagree: each group's whole-episode figures rated
    # medium or better (no ceilings, no one day's, incident's or unit's count)
    comparable = [(key, repeats(derive.like_for_like(group))) for key, group in grouped
                  if {"scope", "party"} <= set(group)] or groups
    fig, ax = new_figure(1.5 + 0.24 * len(groups))
    ticks, labels, fresh = [], [], []
    for index, (key, lines) in enumerate(groups):
        pos = -index
        values = _figures(pd.concat([m for _, m in lines]))
        ax.plot([float(values.min()), float(values.max())], [pos, pos], color="#cccccc",
                lw=5, solid_capstyle="round", zorder=1)
        step = 0.44 / max(len(lines) - 1, 1)
        for i, (row, _) in enumerate(lines):
            offset = 0.22 - i * step if len(lines) > 1 else 0.0
            glyph(ax, pos + offset, row, color=CLAIMANT_COLORS[row["claimant_type"]],
                  alpha=LOW_ALPHA if row["reliability"] == "low" else 1.0, size=4)
        count = sum(len(m) for _, m in lines)
        ax.annotate(f"{count} claim{'s' if count > 1 else ''}: {_span_text(lines)}", (1.0, pos),
                    xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", fontsize=8, va="center")
        ticks.append(pos)
        if "new" in frame and any(bool(m["new"].any()) for _, m in lines):
            fresh.append(len(labels))
        labels.append(_group_label(key, 52))
    values = _figures(frame)
    count_axis(ax.xaxis, list(values))
    ax.set_xlim(left=0, right=float(values.max()) * (3.2 if ax.get_xscale() == "symlog" else 1.35))
    ax.set_ylim(-len(groups) + 0.4, 0.6)
    _row_ticks(ax, ticks, labels, fresh)  # bold: a group holding a figure new in the window
    ax.set_xlabel(f"Number of {noun} stated by each claim"
                  + (" (log scale)" if ax.get_xscale() == "symlog" else ""))
    legend(fig, frame)
    title = (f"{subject}: {len(frame)} claims in {len(groups)} groups; no whole-episode figures "
             "rated medium or better disagree")
    ratios = [(_ratio(lines), key, lines) for key, lines in comparable if lines]
    ratios = [r for r in ratios if r[0]]
    contested = sum(1 for _, lines in comparable if lines and _contested(lines))
    if ratios:
        _, key, lines = max(ratios, key=lambda r: r[0])
        title = (f"{subject}: whole-episode figures rated medium or better disagree in "
                 f"{contested} of {len(groups)} groups, most "
                 f"widely on {_group_label(key).replace(chr(10), ' ')} "
                 f"({_span_text(lines)})")
    set_title(fig, title)
    new_rows = "new" in frame and bool(frame["new"].any())
    caption = ("One row per group; each mark is one figure as claimed (the same figure "
               "repeated by claimants of one type shares a mark), stacked in order of first "
               "report. The grey bar runs from the lowest to the highest figure stated: it shows "
               "how far claims disagree, not a range anyone gave. Marks as in the other claim "
               "charts; on the right, the number of claims and the lowest and highest figures "
               "as stated. The title compares only whole-episode figures rated medium or "
               "better; partial counts (one incident, one day, one unit) and lower-rated ones "
               "are drawn but not set against them." + (LOG_NOTE if ax.get_xscale() == "symlog"
                                                        else "")
               + (" Groups in bold hold a figure first published in this "
                               "edition's window of changes." if new_rows else ""))
    alt = f"{title}. " + " ".join(f"{_group_label(k)}: {_span_text(lines)}." for k, lines in groups)
    return Chart(fig, title, caption, alt, select.source_ids(frame), data=frame)


def _extremes(lines) -> tuple[pd.Series, pd.Series, float, float]:
    """The claims of a group (`repeats`) stating its lowest and its highest figure, and
    those two figures."""
    def bound(row, pick):
        return pick(float(row[c]) for c in FIGURES if not pd.isna(row[c]))
    rows = [row for row, _ in lines]
    lowest = min(rows, key=lambda r: bound(r, min))
    highest = max(rows, key=lambda r: bound(r, max))
    return lowest, highest, bound(lowest, min), bound(highest, max)


def _span_text(lines) -> str:
    """A group's lowest to highest figure as stated: '42 to ~200'."""
    lowest, highest, _, _ = _extremes(lines)
    return span(lowest, highest)


def _contested(lines) -> bool:
    """True when a group's figures do not all agree (its grey bar has a length)."""
    _, _, low, high = _extremes(lines)
    return low < high


def _ratio(lines) -> float | None:
    """A group's highest figure over its lowest; None when they agree or the lowest is 0."""
    _, _, low, high = _extremes(lines)
    return high / low if low > 0 and high > low else None
