"""What every chart shares: the style, colours, axes, glyphs for qualified figures, legend,
publishing. The words a chart prints for data values come from `borderland.wording`."""
from __future__ import annotations

import functools
import textwrap
import warnings
from dataclasses import dataclass, field

import matplotlib.style
import pandas as pd
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from .. import derive, figcache, output
from ..derive import OPEN_UP
from ..wording import pretty
from . import legibility

WIDTH = 6.9  # inches: A4 text width

# Okabe-Ito: safe for the common colour-vision deficiencies.
OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73",
             "vermillion": "#D55E00", "purple": "#CC79A7", "sky": "#56B4E9",
             "black": "#000000", "grey": "#999999", "yellow": "#F0E442"}
ANONYMOUS_BROWN = "#8C510A"  # not grey: grey and paleness mean low reliability or a span
CLAIMANT_COLORS = {"official": OKABE_ITO["blue"], "media": OKABE_ITO["orange"],
                   "ngo": OKABE_ITO["green"], "intergovernmental": OKABE_ITO["sky"],
                   "local": OKABE_ITO["purple"], "academic": OKABE_ITO["black"],
                   "opposition": OKABE_ITO["vermillion"], "anonymous": ANONYMOUS_BROWN}
STATUS_COLORS = {"actual": OKABE_ITO["blue"], "planned": OKABE_ITO["vermillion"]}
LOW_ALPHA = 0.45  # rows rated low reliability are drawn paler
ARROW_PT = 16  # length of the open-ended arrows, in points


def year_axis(axis, most: int = 7) -> None:
    """Date ticks on `axis` (limits already set): whole years, 1, 2, 5... apart so at most
    `most` show and no year repeats; months ('2012-08') when the axis spans under two years."""
    import matplotlib.dates as mdates

    low, high = axis.get_view_interval()
    years = (high - low) / 365.25
    if years < 2:
        axis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=most))
        axis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        return
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if years / s <= most)
    axis.set_major_locator(mdates.YearLocator(step))
    axis.set_major_formatter(mdates.DateFormatter("%Y"))


@dataclass
class Chart:
    """A drawn figure and the words that go with it."""

    fig: Figure
    title: str
    caption: str
    alt: str
    source_ids: list[str] = field(default_factory=list)
    data: pd.DataFrame | None = None  # the rows the chart draws, offered as CSV


# Columns a chart's CSV keeps, in this order, when its rows carry them.
DATA_COLUMNS = ("statement_id", "claim_id", "deployment_id", "milestone_id", "event_id",
                "outcome", "party", "country", "force", "measure", "unit", "subject",
                "milestone", "kind", "status", "date", "end_date", "low", "best", "high",
                "value_low", "value", "value_high", "qualifier", "claimant", "claimant_type",
                "reported_on", "reported_on_basis", "stated_on", "stated_on_basis",
                "reliability", "reports", "report_ids", "documents", "source_id",
                "original_source_id", "quote")


ROW_IDS = ("claim_id", "deployment_id", "milestone_id")


def chart_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV of a chart's rows (lists joined by spaces): rows of data/ keep the data's own
    columns; a derived frame (pairs, lanes, steps) keeps every column it has."""
    if any(c in frame for c in ROW_IDS):
        keep = [c for c in DATA_COLUMNS if c in frame]
    else:
        keep = [c for c in frame.columns if not c.startswith("_")]
    out = frame[keep]
    return out.map(lambda v: " ".join(map(str, v)) if isinstance(v, tuple | list) else v)


def styled(func):
    """Run a chart function inside the report's matplotlib style; in the build's kernels, only
    when the figure cache does not hold its drawing for these arguments (`figcache`)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        def draw():
            with matplotlib.style.context(output.STYLE):
                return func(*args, **kwargs)
        return figcache.drawn(func, args, kwargs, draw)
    return wrapper


def new_figure(height: float, width: float = WIDTH, **subplots) -> tuple[Figure, object]:
    """A figure outside pyplot (never shown by accident) and its axes."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, (fig.subplots(**subplots) if subplots else fig.add_subplot())


def set_title(fig: Figure, title: str, width: int = 88) -> str:
    """Left-aligned bold title (wrapped) at the top of the figure."""
    fig.suptitle(textwrap.fill(title, width), x=0.0, ha="left", fontsize=9.5,
                 fontweight="bold")
    return title


def wrap(text: str, width: int = 42) -> str:
    """`text` on lines of at most `width` characters (a longer word keeps its own line):
    labels are wrapped, never cut."""
    return textwrap.fill(" ".join(str(text).split()), width, break_long_words=False,
                         break_on_hyphens=False)


def count_axis(axis, values, *, short: bool = False) -> None:
    """A count axis: symmetric-log (0 stays visible) when values span over 20×, else linear.

    Log ticks at 1-2-5 steps, or only at powers of ten when the values span over 10,000×
    or the axis is `short` (a small panel), every other power over 100,000×.
    """
    values = [v for v in values if v is not None and not pd.isna(v)]
    top = max(values, default=1)
    positive = [v for v in values if v > 0]
    if positive and top / min(positive) > 20:
        getattr(axis.axes, f"set_{axis.axis_name}scale")("symlog", linthresh=1, linscale=0.4)
        steps = (1,) if short or top / min(positive) > 1e4 else (1, 2, 5)
        every = 2 if top / min(positive) > 1e5 else 1  # over five decades: every other one
        ticks = [0] + [m * 10 ** e for e in range(0, 9, every) for m in steps
                       if m * 10 ** e <= top * 3]
        axis.set_major_locator(ticker.FixedLocator(ticks))
        axis.set_minor_locator(ticker.NullLocator())
        axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: short_number(v)))
    else:
        axis.set_major_locator(ticker.MaxNLocator(nbins="auto", integer=True))
        axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))


def short_number(value: float) -> str:
    """'500', '2k', '1.2M': tick labels that fit a crowded log axis."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def glyph(ax, pos: float, row, value_axis: str = "x", color: str = "black",
          alpha: float = 1.0, size: float = 5.0) -> None:
    """Draw one qualified figure at `pos` on the other axis.

    exact: filled dot; about: open dot; range: bar low–high (dot at best if stated);
    at_least/more_than: a tick at low and an arrow towards higher values (open-ended);
    up_to/fewer_than: a tick at high and an arrow towards lower values. Arrows have a
    fixed length in points, so they read the same on linear and log axes.
    """
    q = row["qualifier"]
    low, best, high = (None if pd.isna(row[c]) else float(row[c]) for c in ("low", "best", "high"))

    def xy(v):
        return (v, pos) if value_axis == "x" else (pos, v)

    def dot(v, filled):
        ax.plot(*xy(v), marker="o", ms=size, color=color, alpha=alpha, linestyle="none",
                markerfacecolor=color if filled else "white", markeredgewidth=1.1, zorder=3)

    if q in ("exact", "about"):
        dot(best, q == "exact")
    elif q == "range":
        ax.plot(*zip(xy(low), xy(high)), color=color, alpha=alpha, lw=2.6,
                solid_capstyle="butt", zorder=2)
        for v in (low, high):
            ax.plot(*xy(v), marker="|" if value_axis == "x" else "_", ms=size + 1.5,
                    color=color, alpha=alpha, zorder=2)
        if best is not None:
            dot(best, True)
    else:
        start = low if q in OPEN_UP else high
        sign = 1 if q in OPEN_UP else -1
        offset = (sign * ARROW_PT, 0) if value_axis == "x" else (0, sign * ARROW_PT)
        ax.annotate("", xy=xy(start), xytext=offset, textcoords="offset points",
                    arrowprops={"arrowstyle": "<|-,head_length=0.45,head_width=0.22",
                                "color": color, "alpha": alpha, "lw": 1.5, "shrinkA": 0,
                                "shrinkB": 0},
                    zorder=3)
        ax.plot(*xy(start), marker="|" if value_axis == "x" else "_", ms=size + 2, color=color,
                alpha=alpha, markeredgewidth=1.6, linestyle="none", zorder=3)


def value_label(ax, pos: float, row, color: str = "#333333", alpha: float = 1.0) -> None:
    """The stated figure ('≥30', '~200') just right of its glyph on a horizontal value axis."""
    q = row["qualifier"]
    if q in OPEN_UP:
        anchor, gap = float(row["low"]), ARROW_PT + 3
    else:
        anchor = next(float(row[c]) for c in ("high", "best", "low") if not pd.isna(row[c]))
        gap = 5
    ax.annotate(derive.stated(row), xy=(anchor, pos), xytext=(gap, 0), textcoords="offset points",
                va="center", ha="left", fontsize=8, color=color, alpha=alpha)


def arrow_marker(angle: float) -> MplPath:
    """A '|→' marker (tick, shaft, filled head) pointing at `angle` degrees (0: right)."""
    vertices = [(-1, -0.5), (-1, 0.5), (-1, 0), (0.2, 0), (0.2, 0.35), (1, 0), (0.2, -0.35),
                (0.2, 0.35)]
    codes = [MplPath.MOVETO, MplPath.LINETO, MplPath.MOVETO, MplPath.LINETO, MplPath.MOVETO,
             MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY]
    path = MplPath(vertices, codes)
    return path.transformed(Affine2D().rotate_deg(angle))


def legend(fig: Figure, frame: pd.DataFrame, value_axis: str = "x") -> None:
    """Legend below the figure: claimant types present (colour), qualifiers present (shape)."""
    types = [t for t in CLAIMANT_COLORS if t in set(frame["claimant_type"])]
    handles = [Line2D([], [], color=CLAIMANT_COLORS[t], marker="s", linestyle="none", ms=6,
                      label=pretty(t)) for t in types]
    present = set(frame["qualifier"])
    up, down = (arrow_marker(0), arrow_marker(180)) if value_axis == "x" else \
        (arrow_marker(90), arrow_marker(270))
    shapes = [("exact", {"marker": "o"}, "exact"),
              ("about", {"marker": "o", "markerfacecolor": "white"}, "about"),
              ("range", {"marker": "_" if value_axis == "x" else "|", "ms": 9,
                         "markeredgewidth": 2.6}, "stated range"),
              ("at_least", {"marker": up, "ms": 12}, "at least / more than"),
              ("up_to", {"marker": down, "ms": 12}, "up to / fewer than")]
    alias = {"more_than": "at_least", "fewer_than": "up_to"}
    present = {alias.get(q, q) for q in present}
    handles += [Line2D([], [], color="black", linestyle="none", label=label,
                       **{"ms": 5, "markeredgewidth": 1.1, **style})
                for q, style, label in shapes if q in present]
    if (frame["reliability"] == "low").any():
        handles.append(Line2D([], [], color="black", alpha=LOW_ALPHA, marker="o",
                              linestyle="none", ms=5, label="paler: low reliability"))
    fig.legend(handles=handles, loc="outside lower left", ncols=min(len(handles), 5),
               title="Colour: who made the claim.  Shape: how the figure is stated.",
               alignment="left", columnspacing=1.2, handletextpad=0.3)


def publish(chart: Chart, *, notebook: str, name: str, tables, params: dict,
            annex: str | None = None):
    """Save and show `chart` with its caption, alt text and Source line; warn (IllegibleChart)
    of anything a reader could not read at print size (the check lays the figure out, and
    the images are written from that layout)."""
    for problem in figcache.problems(chart.fig, legibility.problems):
        warnings.warn(f"{notebook}/{name}: {problem}", legibility.IllegibleChart, stacklevel=2)
    data = chart_rows(chart.data) if chart.data is not None else None
    return output.show_figure(chart.fig, notebook=notebook, name=name, caption=chart.caption,
                              alt=chart.alt, source_ids=chart.source_ids,
                              sources=tables.sources, params=params, data=data, annex=annex,
                              laid_out=True)


def publisher(notebook: str, tables, params: dict):
    """`publish` with the notebook's name, tables and parameters filled in:
    show(chart, name), or show(chart, name, annex=TITLE) for a chart the annex holds."""
    def show(chart: Chart, name: str, annex: str | None = None):
        return publish(chart, notebook=notebook, name=name, tables=tables, params=params,
                       annex=annex)
    return show
