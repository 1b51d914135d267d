"""A chapter's context: the parameters its cell set, checked once, with tables and publisher."""
from __future__ import annotations

import datetime

import pandas as pd
import pytest

import borderland
from borderland import build, chapters, listing, params, select
from borderland.dates import Cutoff
from borderland.load import load_tables


def test_given_takes_only_the_parameters_a_cell_set():
    namespace = {"as_of": "2012-07-26", "min_reliability": "medium", "display": print,
                 "__name__": "__main__", "tables": None}
    assert chapters.given(namespace) == {"as_of": "2012-07-26", "min_reliability": "medium"}


def test_a_chapter_checks_its_parameters_once_and_fills_defaults():
    ch = borderland.chapter("02-casualties", {"as_of": "2012-07-26", "min_reliability": "medium"})
    assert ch.notebook == "02-casualties" and len(ch.tables.casualty_claims) > 100
    assert ch.p["as_of"] == Cutoff("2012-07-26", pd.Timestamp("2012-07-26"))
    assert ch.p["min_reliability"] == "medium"
    assert callable(ch.show)


def test_a_bad_parameter_is_refused_naming_it():
    with pytest.raises(params.ParameterError, match="min_reliability"):
        borderland.chapter("02-casualties", {"min_reliability": "certain"})


@pytest.mark.parametrize(("given", "label", "end"), [
    ("2012-08", "2012-08", "2012-08-31"), ("2016", "2016", "2016-12-31"),
    (2016, "2016", "2016-12-31"), (datetime.date(2012, 7, 26), "2012-07-26", "2012-07-26")])
def test_a_checked_date_is_typed_once_its_label_as_given_and_its_last_day(given, label, end):
    checked = params.check({"as_of": given, "since": "1990"})
    assert checked["as_of"] == Cutoff(label, pd.Timestamp(end))
    assert checked["since"] == Cutoff("1990", pd.Timestamp("1990-12-31"))


def test_the_literals_papermill_injects_are_the_dates_as_given():
    checked = params.check({"as_of": datetime.date(2012, 7, 26), "min_reliability": "high",
                            "since": None})
    plain = params.literals(checked)
    assert plain == {"as_of": "2012-07-26", "min_reliability": "high", "since": None}
    assert params.check(plain) == checked


def test_the_title_page_shows_the_dates_the_build_checked():
    tables = load_tables()
    checked = {"as_of": Cutoff.of("2012-08"), "since": Cutoff.of("2012-07-23")}
    meta = build._metadata(tables, build.Options(parameters={}), [], checked)
    assert meta["as_of"] == "2012-08" and meta["since"] == "2012-07-23"
    assert meta["data_as_of"] == "2012-08 (what had been published by then)"
    assert build._metadata(tables, build.Options(), [], {})["as_of"] is None


def test_a_chapter_shows_a_listing_cut_with_its_caption_count_and_documents():
    ch = borderland.chapter("03-claims-compared", {})
    reports = select.claims(ch.tables, ch.p)
    listed = listing.claims_table(reports, ch.tables.events, ch.tables.sources, limit=3)
    html, metadata = ch.table(listed, caption="Claims.", annex="Every claim")._repr_html_()
    assert html.count("<tr>") == 1 + 3
    assert f"Claims. Listed here: the first 3 of {len(reports):,}, in the order shown" in html
    assert metadata["borderland"] == {"kind": "table", "id": None, "annex": "Every claim",
                                      "sources": select.source_ids(reports), "rows": len(reports)}
    whole, _ = ch.table(listing.claims_table(reports.head(2), ch.tables.events,
                                             ch.tables.sources, limit=3), caption="Two.")._repr_html_()
    assert "Listed here" not in whole and whole.count("<tr>") == 1 + 2
