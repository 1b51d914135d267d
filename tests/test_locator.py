"""Locator map: the geo loaders (good and bad files), coverage of events, labels, bytes."""
from __future__ import annotations

import itertools

import matplotlib
import pandas as pd
import pytest

from borderland import derive, output, paths, select
from borderland.charts import locator
from borderland.load import load_tables

matplotlib.use("Agg")

PLACES_HEADER = ",".join(locator.PLACE_COLUMNS)
GOOD_PLACE = "khorog,Khorog,town,37.48974,71.55304,settlement centre,GeoNames 1221328,"


@pytest.fixture(scope="module")
def tables():
    return load_tables(paths.DATA, use_cache=False)


@pytest.fixture(scope="module")
def chart(tables):
    claims = select.claims(tables, {})
    events = select.events(tables, {}, claims)
    return locator.locator_map(events, derive.highest_credible(claims), claims=claims)


def write(tmp_path, name: str, *lines: str):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- loaders


def test_vendored_places_load_and_every_point_is_sourced():
    places = locator.load_places()
    assert len(places) >= 14 and places["place_id"].is_unique
    assert places["lat"].between(35, 42).all() and places["lon"].between(66, 76).all()
    assert places["source"].str.contains(r"GeoNames .*geonameid \d+").all()
    assert places["precision"].str.len().gt(0).all()


@pytest.mark.parametrize("row, message", [
    ("khorog,Khorog,town,,71.5,centre,GeoNames 1,", ":2: column lat: missing value"),
    ("khorog,Khorog,town,95,71.5,centre,GeoNames 1,",
     ":2: column lat: 95 is out of range (-90 to 90)"),
    ("khorog,Khorog,town,37.5,east,centre,GeoNames 1,", ":2: column lon: 'east' is not a number"),
    ("khorog,Khorog,town,37.5,71.5,centre,,", ":2: column source: missing value"),
    ("khorog,Khorog,town,37.5,71.5,centre", ":2: wrong number of fields"),
])
def test_bad_places_are_named_by_file_line_and_column(tmp_path, row, message):
    path = write(tmp_path, "places.csv", PLACES_HEADER, row)
    with pytest.raises(locator.GeoDataError) as info:
        locator.load_places(path)
    assert str(info.value).endswith(message) and "places.csv" in str(info.value)


def test_a_place_id_used_twice_is_an_error(tmp_path):
    path = write(tmp_path, "places.csv", PLACES_HEADER, GOOD_PLACE, GOOD_PLACE)
    with pytest.raises(locator.GeoDataError, match=r"places.csv:3: column place_id: 'khorog' "
                                                  r"is already used on line 2"):
        locator.load_places(path)


def test_a_wrong_header_is_an_error(tmp_path):
    path = write(tmp_path, "places.csv", "place_id,name,lat,lon", "a,A,1,2")
    with pytest.raises(locator.GeoDataError, match=r"places.csv:1: header is"):
        locator.load_places(path)


def test_event_places_name_unknown_places_and_events(tmp_path, tables):
    places = locator.load_places(write(tmp_path, "places.csv", PLACES_HEADER, GOOD_PLACE))
    header = ",".join(locator.EVENT_PLACE_COLUMNS)
    unknown_place = write(tmp_path, "ep1.csv", header, "khorog-2012-07,khorog,",
                          "khorog-2012-08,khorugh,")
    with pytest.raises(locator.GeoDataError, match=r"ep1.csv:3: column place_id: unknown place "
                                                  r"'khorugh'"):
        locator.load_event_places(unknown_place, places=places, events=tables.events)
    unknown_event = write(tmp_path, "ep2.csv", header, "khorog-2099-01,khorog,")
    with pytest.raises(locator.GeoDataError, match=r"ep2.csv:2: column event_id: unknown event "
                                                  r"'khorog-2099-01'"):
        locator.load_event_places(unknown_event, places=places, events=tables.events)
    twice = write(tmp_path, "ep3.csv", header, "khorog-2012-07,khorog,", "khorog-2012-07,,")
    with pytest.raises(locator.GeoDataError, match=r"ep3.csv:3: column event_id: "
                                                  r"'khorog-2012-07' is already used on line 2"):
        locator.load_event_places(twice, places=places)


def test_every_event_is_placed_or_explicitly_nationwide(tables):
    places = locator.load_places()
    event_places = locator.load_event_places(places=places, events=tables.events)
    locator.check_coverage(tables.events, event_places)
    unplaced = set(event_places.loc[event_places["place_id"].isna(), "event_id"])
    events = tables.events.set_index("event_id")
    sitewide = (events["region"] == "nationwide") | (events["event_type"] == "aggregate")
    assert unplaced and all(sitewide[e] for e in unplaced)
    assert set(events.index[sitewide]) <= unplaced, "a nationwide or aggregate event is placed"


def test_an_event_missing_from_event_places_is_named(tables):
    event_places = locator.load_event_places(places=locator.load_places())
    with pytest.raises(locator.GeoDataError, match=r"event_places.csv: no row for event\(s\) "
                                                  r"khorog-2012-07"):
        locator.check_coverage(tables.events, event_places[
            event_places["event_id"] != "khorog-2012-07"])


def test_boundaries_load_and_bad_geojson_is_named(tmp_path):
    countries = locator.load_boundaries(locator.GEO / "countries.geojson")
    names = {f["properties"]["name"] for f in countries}
    assert {"Tajikistan", "Afghanistan", "Kyrgyzstan", "Uzbekistan", "China"} <= names
    provinces = locator.load_boundaries(locator.GEO / "provinces.geojson")
    assert {f["properties"]["hasc"] for f in provinces} == {"TJ.BK", "TJ.KL", "TJ.LE", "TJ.RR",
                                                            "TJ.DU"}
    bad = write(tmp_path, "bad.geojson", '{"type": "FeatureCollection", "features": '
                '[{"type": "Feature", "properties": {}, "geometry": {"type": "Point", '
                '"coordinates": [70, 38]}}]}')
    with pytest.raises(locator.GeoDataError, match=r"bad.geojson: feature 1: geometry must be "
                                                  r"a Polygon or MultiPolygon, not Point"):
        locator.load_boundaries(bad)
    with pytest.raises(locator.GeoDataError, match=r"nothing.geojson: file is missing"):
        locator.load_boundaries(tmp_path / "nothing.geojson")


# --------------------------------------------------------------------------- numbers


def test_episodes_per_region_counts_from_the_year_and_names_ties():
    events = pd.DataFrame({"region": ["gbao", "gbao", "rasht", "rasht", "nationwide", "gbao",
                                      "gbao"],
                           "event_type": ["armed-clash"] * 6 + ["aggregate"],
                           "start_date_from": pd.to_datetime(
                               ["2012-07-24", "2013-12-01", "2010-08-01", "2011-01-01",
                                "2020-01-01", "2009-12-31", "2022-01-01"])})
    counts = locator.episodes_per_region(events, since=2010)
    assert counts.to_dict() == {"gbao": 2, "rasht": 2}
    assert locator.busiest_sentence(counts, 2010) == (
        "Since 2010, GBAO (Pamirs) and Rasht have had most violent episodes, 2 each of 4")
    one = locator.episodes_per_region(events, since=2012)
    assert locator.busiest_sentence(one, 2012) == (
        "Since 2012, GBAO (Pamirs) has had most violent episodes, 2 of 2")
    assert locator.busiest_sentence(locator.episodes_per_region(events, 2030), 2030) == (
        "No episode since 2030 in the selection")


# --------------------------------------------------------------------------- the map


def test_title_is_computed_from_the_events(chart, tables):
    counts = locator.episodes_per_region(tables.events, 2010)
    assert chart.title.startswith(locator.busiest_sentence(counts, 2010))
    placed = len(tables.events) - ((tables.events["region"] == "nationwide")
                                   | (tables.events["event_type"] == "aggregate")).sum()
    assert f"; {placed} of {len(tables.events)} episodes placed" in chart.title
    assert chart.caption and chart.alt and chart.source_ids
    assert set(chart.source_ids) <= set(tables.sources["source_id"])
    assert "Tajik civil war" in chart.caption  # the nationwide episode is named as unplaced


def test_every_placed_episode_is_drawn_and_in_the_alt_text(chart, tables):
    events = tables.events[(tables.events["region"] != "nationwide")
                           & (tables.events["event_type"] != "aggregate")]
    for name in events["name"]:
        assert name in chart.alt
    ax = chart.fig.axes[0]
    circles = sum(len(c.get_offsets()) for c in ax.collections if len(c.get_sizes()) and
                  c.get_sizes()[0] > 2)
    assert circles == len(events)


def test_labels_never_overlap_or_leave_the_map(chart):
    fig = chart.fig
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    frame = ax.get_window_extent(renderer)
    texts = [t for t in ax.texts if t.get_text()]
    labels = {t.get_text() for t in texts}
    assert {"TAJIKISTAN", "AFGHANISTAN", "KYRGYZSTAN", "UZBEKISTAN", "CHINA", "GBAO",
            "Khatlon", "Sughd"} <= labels
    assert any(t.startswith("Khorog ×") for t in labels)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for text, box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, f"{text!r} leaves the map"
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, f"{text!r} leaves the map"
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"labels overlap: {a!r} and {b!r}"


def test_every_place_label_is_drawn(chart, tables):
    labels = [t.get_text() for t in chart.fig.axes[0].texts]
    places = locator.load_places()
    event_places = locator.load_event_places(places=places)
    drawn = locator.clusters(tables.events, event_places, places, {})
    assert sorted(c.label for c in drawn) == sorted(t for t in labels if t in
                                                    {c.label for c in drawn})


def test_map_is_byte_identical_when_drawn_again(chart, tables):
    claims = select.claims(tables, {})
    events = select.events(tables, {}, claims)
    again = locator.locator_map(events, derive.highest_credible(claims), claims=claims)
    first = output.figure_images(chart.fig, ["svg"])["svg"]
    assert first == output.figure_images(again.fig, ["svg"])["svg"]
    assert len(first) > 10_000


def test_tolls_as_a_dict_and_unknown_tolls_draw_rings(tables):
    events = tables.events[tables.events["event_id"].isin(["khorog-2012-07", "khorog-2013-12"])]
    chart = locator.locator_map(events, {"khorog-2012-07": 70})
    ax = chart.fig.axes[0]
    faces = [tuple(c.get_facecolors()[0]) for c in ax.collections
             if len(c.get_sizes()) and c.get_sizes()[0] > 2]
    assert (1.0, 1.0, 1.0, 1.0) in faces and len(faces) == 2
    assert "Khorog ×2 (2012, 2013)" in [t.get_text() for t in ax.texts]


def test_labels_stay_clear_of_the_circles(chart, tables):
    ax = chart.fig.axes[0]
    renderer = chart.fig.canvas.get_renderer()
    places = locator.load_places()
    toll = derive.highest_credible(select.claims(tables, {}))
    drawn = locator.clusters(tables.events, locator.load_event_places(places=places), places,
                             locator._toll_map(toll))
    circles = [locator._circle_box(ax, c.lon, c.lat, c.radius_pt) for c in drawn]
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        for circle in circles:
            assert not box.overlaps(circle), f"{text.get_text()!r} covers a circle"


def test_a_busiest_border_area_is_also_counted_by_its_province():
    counts = pd.Series({"gbao": 9, "kyrgyz-tajik-border": 9, "sughd": 2, "rasht": 2})
    text = locator.busiest_sentence(counts, 2010)
    assert text == ("Since 2010, GBAO (Pamirs) and the Kyrgyz–Tajik border (Sughd) have had most "
                    "violent episodes, 9 each of 22 (by province, Sughd has 11)")
