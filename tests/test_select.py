"""Selecting rows by the notebooks' parameters (borderland.select)."""
from __future__ import annotations

import pytest
from rows import FIXTURE, SOURCE, claim, dataset, deployment, milestone

from borderland import select
from borderland.dates import Cutoff
from borderland.load import load_tables


@pytest.fixture(scope="module")
def fixture_tables():
    return load_tables(FIXTURE, use_cache=False)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return dataset(
        tmp_path_factory.mktemp("select"),
        events=[{"event_id": "event-two", "start_date": "2014-05-21"}],
        claims=[claim(10, reported_on="2016", reliability="low", source_id="doc-2016"),
                claim(11, event_id="event-two", reported_on="2014-05-22",
                      claimant_type="ngo", reliability="medium", source_id="doc-2014-05-22")],
        deployments=[deployment(10, date="2005", reported_on="2016", source_id="doc-2016"),
                     deployment(11, status="planned", best="9000", qualifier="exact",
                                date="2020", reported_on="2015-04", source_id="doc-2015-04")],
        milestones=[milestone(10, track="basing", subject="201st-base", milestone="lease",
                              kind="agreement", status="actual", date="2013-10",
                              date_precision="month", end_date="2042", stated_on="2016",
                              source_id="doc-2016")],
        sources=[dated("2016"), dated("2014-05-22"), dated("2015-04")])


def dated(published: str) -> dict:
    """A document published on `published` (its rows are public from their statement)."""
    precision = {4: "year", 7: "month", 10: "day"}[len(published)]
    return {"source_id": f"doc-{published}", **SOURCE, "published": published,
            "date_precision": precision}


def ids(frame, column="claim_id"):
    return sorted(frame[column])


def at(as_of: str) -> dict:
    """The parameters of an `as_of` edition, as `params.check` gives them."""
    return {"as_of": Cutoff.of(as_of)}


def test_as_of_counts_a_row_once_its_reported_interval_has_ended(tables):
    # c0010 was reported "2016": known only from 31 December 2016
    assert "c0010" not in ids(select.claims(tables, at("2016-12-30")))
    assert "c0010" in ids(select.claims(tables, at("2016-12-31")))
    assert "c0010" in ids(select.claims(tables, at("2016")))


def test_as_of_is_read_to_the_end_of_its_own_interval(fixture_tables):
    # the fixture's claims were made on 24-25 July 2012 and read in doc-a, published on the
    # 25th: none was public on the 24th, all four by the end of the 25th (or of July)
    assert select.claims(fixture_tables, at("2012-07-24")).empty
    assert ids(select.claims(fixture_tables, at("2012-07-25"))) == ["c0001", "c0002",
                                                                           "c0003", "c0004"]
    assert ids(select.claims(fixture_tables, at("2012-07"))) == ["c0001", "c0002",
                                                                        "c0003", "c0004"]
    assert select.claims(fixture_tables, at("2011")).empty


def test_as_of_uses_stated_on_for_milestones_and_start_for_events(tables):
    assert "m0010" not in ids(select.milestones(tables, at("2015")), "milestone_id")
    assert "m0010" in ids(select.milestones(tables, at("2016")), "milestone_id")
    assert ids(select.events(tables, at("2013")), "event_id") == ["event-one"]


def test_sources_match_the_document_read_or_the_outlet_relayed(fixture_tables):
    assert ids(select.claims(fixture_tables, {"sources": ["outlet-b"]})) == ["c0003"]
    assert len(select.claims(fixture_tables, {"sources": ["doc-a"]})) == 4
    assert select.claims(fixture_tables, {"sources": []}).empty


def test_min_reliability_orders_low_medium_high(tables):
    everything = ids(select.claims(tables, {"min_reliability": "low"}))
    medium = ids(select.claims(tables, {"min_reliability": "medium"}))
    high = ids(select.claims(tables, {"min_reliability": "high"}))
    assert set(high) < set(medium) < set(everything)
    assert "c0010" not in medium and "c0011" in medium and "c0011" not in high


def test_claimant_types_and_events_filter_claims(tables):
    assert ids(select.claims(tables, {"claimant_types": ["ngo"]})) == ["c0011"]
    assert ids(select.claims(tables, {"events": ["event-two"]})) == ["c0011"]
    assert len(select.claims(tables, {"claimant_types": None, "events": None})) == 6


def test_years_keep_rows_whose_interval_overlaps(tables):
    # both leases (from 2012-07 and 2013-10, to 2042) overlap 2030-2031
    frame = select.milestones(tables, {"start_year": 2030, "end_year": 2031}, "basing")
    assert ids(frame, "milestone_id") == ["m0001", "m0010"]
    assert ids(select.milestones(tables, {"end_year": 2012}, "basing"), "milestone_id") == ["m0001"]
    assert ids(select.deployments(tables, {"end_year": 2010}), "deployment_id") == ["d0010"]


def test_forces_subjects_projects_and_tracks(tables):
    assert ids(select.deployments(tables, {"forces": ["tajik-forces-gbao"]}),
               "deployment_id") == ["d0001"]
    assert ids(select.milestones(tables, {"subjects": ["201st-base"]}), "milestone_id") == \
        ["m0001", "m0010"]
    assert ids(select.milestones(tables, {"projects": ["rogun"]}, "energy"),
               "milestone_id") == ["m0002"]


def test_show_planned_false_drops_planned_rows(tables):
    assert "d0011" not in ids(select.deployments(tables, {"show_planned": False}),
                              "deployment_id")
    assert "m0002" not in ids(select.milestones(tables, {"show_planned": False}),
                              "milestone_id")
    assert "m0002" in ids(select.milestones(tables, {}), "milestone_id")


def test_events_kept_by_their_source_or_their_selected_claims(tables):
    chosen = {"sources": ["doc-2016", "doc-2014-05-22"]}
    claims = select.claims(tables, chosen)
    kept = select.events(tables, chosen, claims)
    assert ids(kept, "event_id") == ["event-one", "event-two"]
    assert select.events(tables, chosen).empty


def test_nothing_selected_gives_empty_frames_with_columns(tables):
    frame = select.claims(tables, at("1850"))
    assert frame.empty and "claim_id" in frame.columns


def test_source_ids_lists_documents_read_and_relayed(fixture_tables):
    assert select.source_ids(fixture_tables.casualty_claims) == ["doc-a", "outlet-b"]
    assert select.source_ids() == []


def test_a_row_read_only_in_an_undated_document_never_counts_under_as_of(tmp_path):
    tables = dataset(tmp_path, claims=[claim(10, reported_on="2012-07-26", source_id="doc-nd")],
                     sources=[{"source_id": "doc-nd", **SOURCE}])
    assert "c0010" in ids(select.claims(tables, {}))
    assert "c0010" not in ids(select.claims(tables, at("2030")))
