"""Locator map: Tajikistan, its neighbours and provinces, episodes placed and sized by toll.

Boundaries and places are the vendored files of data/geo/ (see its README.md). The map
is plate carrée with the aspect of its middle latitude; episodes sharing a place are
drawn one inside the other (largest behind) with one label for the place. Labels are
placed greedily so that none overlaps another label, a circle or the frame.
"""
from __future__ import annotations

import csv
import itertools
import json
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib import ticker
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from .. import paths, select
from ..wording import TOLL_RULE
from .base import WIDTH, Chart, new_figure, styled
from .timeline import REGIONS, TRACK_COLORS

GEO = paths.DATA / "geo"
VIEW = (66.4, 36.4, 75.5, 41.3)  # west, south, east, north (degrees)
AREA_PT2 = 8.0  # circle area (points²) per person killed
RING_PT2 = 36.0  # area of the hollow ring drawn where no toll is known
KEY_TOLLS = (1, 10, 50)
LABEL_PT = 8.0
PLACE_COLUMNS = ["place_id", "name", "kind", "lat", "lon", "precision", "source", "note"]
EVENT_PLACE_COLUMNS = ["event_id", "place_id", "note"]
PROVINCE_LABELS = {"TJ.BK": "GBAO", "TJ.KL": "Khatlon", "TJ.LE": "Sughd",
                   "TJ.RR": "Republican Subordination\n(incl. Rasht valley)"}
COUNTRY_LABELS = ("Tajikistan", "Afghanistan", "Kyrgyzstan", "Uzbekistan", "China")
TOP_IN, BOTTOM_IN, LEFT_IN, RIGHT_IN = 0.5, 0.8, 0.5, 0.1


class GeoDataError(ValueError):
    """A vendored geo file that cannot be used: names the file, row and column."""


# --------------------------------------------------------------------------- loading


def _label(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _rows(path: Path, columns: list[str]) -> list[tuple[int, dict]]:
    """(line number, row) of a CSV whose header must be `columns`."""
    label = _label(path)
    if not Path(path).is_file():
        raise GeoDataError(f"{label}: file is missing")
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise GeoDataError(f"{label}:1: header is {reader.fieldnames}; expected {columns}")
        rows = []
        for row in reader:
            if None in row or None in row.values():
                raise GeoDataError(f"{label}:{reader.line_num}: wrong number of fields")
            rows.append((reader.line_num, row))
    return rows


def load_places(path: Path | str = GEO / "places.csv") -> pd.DataFrame:
    """The gazetteer: one row per place_id, lat/lon as floats in range."""
    label, out, seen = _label(path), [], {}
    for line, row in _rows(Path(path), PLACE_COLUMNS):
        for column in ("place_id", "name", "lat", "lon", "source"):
            if not row[column].strip():
                raise GeoDataError(f"{label}:{line}: column {column}: missing value")
        if row["place_id"] in seen:
            raise GeoDataError(f"{label}:{line}: column place_id: '{row['place_id']}' is "
                               f"already used on line {seen[row['place_id']]}")
        seen[row["place_id"]] = line
        for column, limit in (("lat", 90), ("lon", 180)):
            try:
                value = float(row[column])
            except ValueError:
                raise GeoDataError(f"{label}:{line}: column {column}: '{row[column]}' is not "
                                   "a number") from None
            if not -limit <= value <= limit:
                raise GeoDataError(f"{label}:{line}: column {column}: {value:g} is out of "
                                   f"range (-{limit} to {limit})")
            row[column] = value
        out.append(row)
    return pd.DataFrame(out, columns=PLACE_COLUMNS)


def mapped_event_ids() -> set[str]:
    """Event ids data/geo/event_places.csv lists (none when the project has no geo data)."""
    path = GEO / "event_places.csv"
    return set(load_event_places(path)["event_id"]) if path.is_file() else set()


def load_event_places(path: Path | str = GEO / "event_places.csv", *,
                      places: pd.DataFrame | None = None,
                      events: pd.DataFrame | None = None) -> pd.DataFrame:
    """event_id → place_id (empty: nationwide, not placed); checked against `places` and
    `events` (the events table) when given."""
    label, out, seen = _label(path), [], {}
    known_places = set(places["place_id"]) if places is not None else None
    known_events = set(events["event_id"]) if events is not None else None
    for line, row in _rows(Path(path), EVENT_PLACE_COLUMNS):
        event_id, place_id = row["event_id"].strip(), row["place_id"].strip()
        if not event_id:
            raise GeoDataError(f"{label}:{line}: column event_id: missing value")
        if event_id in seen:
            raise GeoDataError(f"{label}:{line}: column event_id: '{event_id}' is already "
                               f"used on line {seen[event_id]}")
        seen[event_id] = line
        if known_events is not None and event_id not in known_events:
            raise GeoDataError(f"{label}:{line}: column event_id: unknown event '{event_id}' "
                               "(not in data/events.csv)")
        if place_id and known_places is not None and place_id not in known_places:
            raise GeoDataError(f"{label}:{line}: column place_id: unknown place '{place_id}' "
                               "(not in data/geo/places.csv)")
        out.append({"event_id": event_id, "place_id": place_id or None, "note": row["note"]})
    return pd.DataFrame(out, columns=EVENT_PLACE_COLUMNS)


def load_boundaries(path: Path | str) -> list[dict]:
    """Features of a GeoJSON file: [{"properties": {...}, "polygons": [[ring, ...], ...]}]."""
    label = _label(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeoDataError(f"{label}: file is missing") from None
    except ValueError as exc:
        raise GeoDataError(f"{label}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GeoDataError(f"{label}: not a GeoJSON FeatureCollection")
    features = []
    for number, feature in enumerate(data.get("features", []), start=1):
        geometry = (feature or {}).get("geometry") or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        if kind not in ("Polygon", "MultiPolygon") or not coords:
            raise GeoDataError(f"{label}: feature {number}: geometry must be a Polygon or "
                               f"MultiPolygon, not {kind}")
        polygons = coords if kind == "MultiPolygon" else [coords]
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4 or any(len(p) != 2 or not (-180 <= p[0] <= 180
                                                            and -90 <= p[1] <= 90)
                                        for p in ring):
                    raise GeoDataError(f"{label}: feature {number}: a ring with fewer than 4 "
                                       "points or a coordinate out of range")
        features.append({"properties": feature.get("properties") or {}, "polygons": polygons})
    return features


def check_coverage(events: pd.DataFrame, event_places: pd.DataFrame,
                   path: Path | str = GEO / "event_places.csv") -> None:
    """Raise unless every event is in `event_places` (placed, or nationwide with no place)."""
    missing = sorted(set(events["event_id"]) - set(event_places["event_id"]))
    if missing:
        raise GeoDataError(f"{_label(path)}: no row for event(s) {', '.join(missing)}: add "
                           "each with a place_id, or an empty place_id if nationwide")


# --------------------------------------------------------------------------- numbers


def episodes_per_region(events: pd.DataFrame, since: int = 2010) -> pd.Series:
    """Episodes that started in or after `since`, per region (nationwide events and
    aggregates, totals across several episodes, left out), most first, ties by region."""
    frame = events[(events["start_date_from"] >= pd.Timestamp(year=since, month=1, day=1))
                   & (events["region"] != "nationwide") & (events["event_type"] != "aggregate")]
    counts = frame.groupby("region").size()
    order = sorted(counts.index, key=lambda r: (-counts[r], r))
    return counts.reindex(order).rename("episodes")


def region_name(region: str) -> str:
    """'GBAO (Pamirs)', 'the Kyrgyz–Tajik border': the timeline's lane names."""
    name = REGIONS.get(region, region)
    return f"the {name}" if region.endswith("border") else name


def busiest_sentence(counts: pd.Series, since: int) -> str:
    """'Since 2010, GBAO (Pamirs) has had most violent episodes, 9 of 24'; ties named
    together."""
    if counts.empty:
        return f"No episode since {since} in the selection"
    top = counts[counts == counts.iloc[0]]
    names = [region_name(r) for r in top.index]
    total = int(counts.sum())
    if len(names) == 1:
        return (f"Since {since}, {names[0]} has had most violent episodes, {int(top.iloc[0])} "
                f"of {total}") + _by_province(counts, top.index)
    joined = ", ".join(names[:-1]) + " and " + names[-1]
    return (f"Since {since}, {joined} have had most violent episodes, {int(top.iloc[0])} each "
            f"of {total}") + _by_province(counts, top.index)


PROVINCE_OF = {"kyrgyz-tajik-border": "sughd"}  # an area of the timeline inside a province


def _by_province(counts: pd.Series, busiest) -> str:
    """'; by province, Sughd has 11' when a busiest area lies inside a province."""
    named = [PROVINCE_OF[r] for r in busiest if r in PROVINCE_OF]
    if not named:
        return ""
    province = named[0]
    total = int(counts.get(province, 0)) + int(sum(n for r, n in counts.items()
                                                   if PROVINCE_OF.get(r) == province))
    return f" (by province, {REGIONS.get(province, province)} has {total})"


def _toll_map(tolls) -> dict[str, float]:
    if tolls is None:
        return {}
    if isinstance(tolls, dict):
        return {k: float(v) for k, v in tolls.items() if v is not None and not pd.isna(v)}
    return {r.event_id: float(r.value) for r in tolls.itertuples() if not pd.isna(r.value)}


# --------------------------------------------------------------------------- drawing


@dataclass
class Cluster:
    """Episodes drawn at one point."""

    lon: float
    lat: float
    names: list[str]
    events: list  # rows of the events frame
    tolls: list  # float or None per event

    @property
    def radius_pt(self) -> float:
        return max(math.sqrt(_area(t) / math.pi) for t in self.tolls)

    @property
    def label(self) -> str:
        years = sorted({e["start_date_from"].year for e in self.events})
        span = (str(years[0]) if len(years) == 1 else
                f"{years[0]}–{str(years[-1])[2:]}" if len(years) > 2 else
                f"{years[0]}, {years[1]}")
        count = f" ×{len(self.events)}" if len(self.events) > 1 else ""
        return f"{' / '.join(self.names)}{count} ({span})"


def _area(toll: float | None) -> float:
    return RING_PT2 if toll is None else max(AREA_PT2 * toll, 4.0)  # a stated zero stays visible


def clusters(events: pd.DataFrame, event_places: pd.DataFrame, places: pd.DataFrame,
             tolls: dict[str, float]) -> list[Cluster]:
    """Placed episodes grouped by point, in order of first episode."""
    where = event_places.set_index("event_id")["place_id"]
    by_place = places.set_index("place_id")
    groups: dict[tuple, Cluster] = {}
    for _, event in events.sort_values(["start_date_from", "event_id"]).iterrows():
        place_id = where.get(event["event_id"])
        if place_id is None or pd.isna(place_id):
            continue
        place = by_place.loc[place_id]
        key = (round(place["lon"], 4), round(place["lat"], 4))
        cluster = groups.setdefault(key, Cluster(place["lon"], place["lat"], [], [], []))
        short = place["name"].split(" (")[0]
        if short not in cluster.names:
            cluster.names.append(short)
        cluster.events.append(event)
        cluster.tolls.append(tolls.get(event["event_id"]))
    return list(groups.values())


def _polygon_patch(polygons, **style) -> PathPatch:
    vertices, codes = [], []
    for polygon in polygons:
        for ring in polygon:
            vertices += ring
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
    return PathPatch(MplPath(vertices, codes), **style)


def _anchor(polygons) -> tuple[float, float]:
    """Centroid of the feature's largest ring inside VIEW (a label's first try)."""
    west, south, east, north = VIEW
    best, best_area, best_ring = None, -1.0, []
    for polygon in polygons:
        ring = [(min(max(x, west), east), min(max(y, south), north)) for x, y in polygon[0]]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in itertools.pairwise(ring):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if abs(area) > best_area and area:
            best, best_area = (cx / (3 * area), cy / (3 * area)), abs(area)
            best_ring = polygon[0]
    if best is not None and not MplPath(best_ring).contains_point(best):
        best = _inside(best_ring)  # a ring bent round another country: its centroid lies out
    return best


def _inside(ring, step: float = 0.2) -> tuple[float, float]:
    """The point of a 0.2° grid of VIEW inside `ring` (unclipped) farthest from its
    vertices and from VIEW's edges (a label's place)."""
    west, south, east, north = VIEW
    path = MplPath(ring)
    grid = [(west + i * step, south + j * step) for i in range(int((east - west) / step) + 1)
            for j in range(int((north - south) / step) + 1)]
    inside = [p for p in grid if path.contains_point(p)]
    def room(p):
        return min(min(math.dist(p, v) for v in ring), p[0] - west, east - p[0],
                   p[1] - south, north - p[1])
    return max(inside, key=lambda p: (room(p), p)) if inside else ring[0]


class _Placer:
    """Greedy label placement: the first candidate offset that hits nothing placed."""

    def __init__(self, ax):
        self.ax = ax
        self.renderer = ax.figure.canvas.get_renderer()
        self.frame = ax.get_window_extent(self.renderer)
        self.taken = []

    def block(self, bbox) -> None:
        self.taken.append(bbox)

    def place(self, text: str, xy, radius_pt: float = 0.0, **style):
        """Put `text` near `xy` (data) clear of everything placed; None if nowhere fits."""
        gap = radius_pt + 2.5
        candidates = []
        for extra in (0, 6, 14, 24):
            d = gap + extra
            diag = d * 0.72
            candidates += [((d, 0), "left", "center"), ((-d, 0), "right", "center"),
                           ((0, d), "center", "bottom"), ((0, -d), "center", "top"),
                           ((diag, diag), "left", "bottom"), ((-diag, diag), "right", "bottom"),
                           ((diag, -diag), "left", "top"), ((-diag, -diag), "right", "top")]
        for offset, ha, va in candidates:
            artist = self.ax.annotate(text, xy=xy, xytext=offset, textcoords="offset points",
                                      ha=ha, va=va, annotation_clip=False, **style)
            box = artist.get_window_extent(self.renderer)
            inside = (box.x0 >= self.frame.x0 + 1 and box.x1 <= self.frame.x1 - 1
                      and box.y0 >= self.frame.y0 + 1 and box.y1 <= self.frame.y1 - 1)
            if inside and not any(box.overlaps(t) for t in self.taken):
                self.taken.append(box.expanded(1.0, 1.0))
                return artist
            artist.remove()
        return None


def _circle_box(ax, lon, lat, radius_pt):
    x, y = ax.transData.transform((lon, lat))
    r = radius_pt * ax.figure.dpi / 72
    return Bbox([[x - r, y - r], [x + r, y + r]])


def _degrees(axis: str):
    def fmt(value, _):
        hemi = ("E" if value >= 0 else "W") if axis == "x" else ("N" if value >= 0 else "S")
        return f"{abs(value):g}°{hemi}"
    return ticker.FuncFormatter(fmt)


@styled
def locator_map(events: pd.DataFrame, tolls=None, places: pd.DataFrame | None = None,
                event_places: pd.DataFrame | None = None, *, countries: list | None = None,
                provinces: list | None = None, claims: pd.DataFrame | None = None,
                since: int = 2010, title: str | None = None) -> Chart:
    """Map of the episodes in `events`, circles with area ∝ toll (`tolls`: the frame of
    `derive.highest_credible` or {event_id: killed}); hollow rings where none is known.

    Geo inputs default to the files of data/geo/. Every event must have a row in
    event_places (GeoDataError names those that do not).
    """
    places = load_places() if places is None else places
    event_places = (load_event_places(places=places) if event_places is None
                    else event_places)
    countries = load_boundaries(GEO / "countries.geojson") if countries is None else countries
    provinces = load_boundaries(GEO / "provinces.geojson") if provinces is None else provinces
    check_coverage(events, event_places)
    toll_of = _toll_map(tolls)
    groups = clusters(events, event_places, places, toll_of)
    placed = sum(len(g.events) for g in groups)
    unplaced = events[~events["event_id"].isin(
        [e["event_id"] for g in groups for e in g.events])]
    counts = episodes_per_region(events, since)
    if title is None:
        title = busiest_sentence(counts, since) + f"; {placed} of {len(events)} episodes placed"

    west, south, east, north = VIEW
    aspect = 1 / math.cos(math.radians((south + north) / 2))
    ax_w = WIDTH - LEFT_IN - RIGHT_IN
    ax_h = ax_w * (north - south) * aspect / (east - west)
    height = TOP_IN + ax_h + BOTTOM_IN
    fig, ax = new_figure(height)
    fig.set_layout_engine("none")
    ax.set_position([LEFT_IN / WIDTH, BOTTOM_IN / height, ax_w / WIDTH, ax_h / height])
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect, adjustable="datalim")
    ax.set_facecolor("#f4f4f4")
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.xaxis.set_major_locator(ticker.MultipleLocator(2))
    ax.yaxis.set_major_locator(ticker.MultipleLocator(1))
    ax.xaxis.set_major_formatter(_degrees("x"))
    ax.yaxis.set_major_formatter(_degrees("y"))
    ax.tick_params(labelsize=8)
    ax.set_xlabel("Longitude", fontsize=8)
    ax.set_ylabel("Latitude", fontsize=8)
    ax.grid(True, color="#dddddd", lw=0.4, zorder=0)

    for feature in countries:
        tajik = feature["properties"].get("name") == "Tajikistan"
        ax.add_patch(_polygon_patch(feature["polygons"], facecolor="white" if tajik else "#ebebeb",
                                    edgecolor="none", zorder=1.5 if tajik else 1))
        ax.add_patch(_polygon_patch(feature["polygons"], facecolor="none",
                                    edgecolor="#222222" if tajik else "#8a8a8a",
                                    lw=1.2 if tajik else 0.6, zorder=3 if tajik else 2.8))
    for feature in provinces:
        ax.add_patch(_polygon_patch(feature["polygons"], facecolor="none", edgecolor="#9a9a9a",
                                    lw=0.6, ls=(0, (3, 2)), zorder=2.5))

    color = TRACK_COLORS["violence"]
    for group in groups:
        order = sorted(zip(group.tolls, group.events), key=lambda p: -_area(p[0]))
        for toll, _ in order:
            filled = toll is not None
            ax.scatter([group.lon], [group.lat], s=_area(toll), marker="o", zorder=4,
                       facecolors=color if filled else "white", edgecolors=color if filled
                       else "#333333", linewidths=0.8 if filled else 1.0,
                       alpha=0.55 if filled else 1.0)
        ax.scatter([group.lon], [group.lat], s=1.5, color="black", zorder=5, linewidths=0)

    placer = _Placer(ax)
    for group in groups:
        placer.block(_circle_box(ax, group.lon, group.lat, group.radius_pt))
    for group in sorted(groups, key=lambda g: (-len(g.events), g.label)):
        placer.place(group.label, (group.lon, group.lat), group.radius_pt, fontsize=LABEL_PT,
                     color="#111111", zorder=6,
                     bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                           "alpha": 0.75})
    by_name = {f["properties"].get("name"): f for f in countries}
    for name in COUNTRY_LABELS:
        if name in by_name:
            xy = _anchor(by_name[name]["polygons"])
            placer.place(name.upper(), xy, 0, fontsize=8, color="#222222" if
                         name == "Tajikistan" else "#666666", fontweight="bold", zorder=6)
    for feature in provinces:
        text = PROVINCE_LABELS.get(feature["properties"].get("hasc"))
        if text:
            placer.place(text, _anchor(feature["polygons"]), 0, fontsize=8,
                         color="#555555", style="italic", zorder=6, linespacing=1.0)

    fig.text(0, 1 - 0.08 / height, textwrap.fill(title, 88), fontsize=9.5, fontweight="bold",
             va="top")
    key = [Line2D([], [], marker="o", linestyle="none", color=color, alpha=0.55,
                  markeredgecolor=color, ms=math.sqrt(_area(v)), label=f"{v} killed")
           for v in KEY_TOLLS]
    key.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="white",
                      markeredgecolor="#333333", ms=math.sqrt(RING_PT2),
                      label="no toll in the selection"))
    key.append(Line2D([], [], color="#9a9a9a", lw=0.6, ls=(0, (3, 2)), label="province"))
    ax.legend(handles=key, loc="upper left", bbox_to_anchor=(-LEFT_IN / ax_w, -0.32 / ax_h),
              ncols=len(key), borderaxespad=0, handleheight=3.4, title="Circle area: deaths (one stated "
              "whole-episode toll per episode; see the caption)", alignment="left")

    nationwide = ", ".join(unplaced["name"]) or "none"
    caption = ("Each circle is one violent episode, drawn at the place the gazetteer gives for "
               "it (data/geo/places.csv: GeoNames points for towns; a gorge, valley or border "
               "section with no point of its own is drawn at the nearest town there, as the "
               "gazetteer notes). Circle area is proportional to the death toll ("
               + TOLL_RULE + "); hollow rings mark episodes with no toll in the "
               "selection. Episodes at the same place are drawn one inside the other and "
               "labelled once with their number (×n) and years. Not placed, being "
               f"nationwide: {nationwide}. Boundaries: Natural Earth (public domain); places: "
               "GeoNames (CC BY 4.0). Borders are shown as Natural Earth draws them, not as "
               "any government claims them.")
    lines = []
    for group in groups:
        parts = [f"{e['name']} ({e['start_date_from'].year}"
                 + (f", {t:,.0f} killed)" if t is not None else ", no toll)")
                 for e, t in zip(group.events, group.tolls)]
        lines.append(f"{' / '.join(group.names)}: " + "; ".join(parts))
    alt = (f"Map of Tajikistan with Afghanistan, Kyrgyzstan, Uzbekistan and China around it "
           f"and its provinces outlined. {title}. Episodes by place: " + ". ".join(lines) + ".")
    ids = set(events["source_id"].dropna())
    if claims is not None and tolls is not None and not isinstance(tolls, dict):
        ids |= set(select.source_ids(claims[claims["claim_id"].isin(tolls["claim_id"])]))
    data = pd.DataFrame([{"event_id": e["event_id"], "name": e["name"],
                          "place": " / ".join(g.names), "killed": t}
                         for g in groups for e, t in zip(g.events, g.tolls)])
    return Chart(fig, title, caption, alt, sorted(ids), data=data)

