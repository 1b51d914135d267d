"""Statements: one claimant's figure at one moment, however many rows relay it.

Validation of `statement_id` and of twins, and `borderland.statements.collapse`.
"""
from __future__ import annotations

import pytest
from rows import claim, dataset, deployment, milestone

from borderland import statements
from borderland.validate import DataError

RELAY = {"statement_id": "s-c0010"}
SOURCES = [{"source_id": "doc-b", "title": "B", "publisher": "B Press", "published": "2012-08-01",
            "date_precision": "day", "kind": "news", "found_in": "sources/b.txt"},
           {"source_id": "doc-c", "title": "C", "publisher": "C Press", "published": "2016",
            "date_precision": "year", "kind": "academic", "found_in": "sources/c.txt"}]


def _errors(tmp_path, **rows) -> str:
    with pytest.raises(DataError) as info:
        dataset(tmp_path, sources=SOURCES, **rows)
    return str(info.value)


def test_relays_of_one_statement_must_agree_on_the_figure(tmp_path):
    message = _errors(tmp_path, claims=[claim(10), claim(11, best="11", source_id="doc-b",
                                                        **RELAY)])
    assert "casualty_claims.csv:7: column best: '11' differs from '10'" in message
    assert "rule: statement" in message


def test_relays_of_one_statement_must_agree_on_the_claimant(tmp_path):
    message = _errors(tmp_path, claims=[claim(10), claim(11, claimant="Interior Ministry",
                                                        source_id="doc-b", **RELAY)])
    assert "column claimant: 'Interior Ministry' differs from 'Ministry'" in message


def test_a_statement_id_names_its_primary_row(tmp_path):
    message = _errors(tmp_path, claims=[claim(10, statement_id="s-c0099")])
    assert "'s-c0099' names 'c0099', which is not a row of this statement" in message


def test_stated_dates_of_one_statement_agree(tmp_path):
    message = _errors(tmp_path, claims=[claim(10), claim(11, reported_on="2012-07-27",
                                                        source_id="doc-b", **RELAY)])
    assert "column reported_on: '2012-07-27' differs from '2012-07-26'" in message
    assert "rule: statement-date" in message


def test_a_relay_dated_row_may_carry_its_own_later_date(tmp_path):
    tables = dataset(tmp_path, sources=SOURCES, claims=[
        claim(10), claim(11, reported_on="2016", reported_on_basis="relay", source_id="doc-c",
                         **RELAY)])
    assert len(tables.casualty_claims) == 6  # the fixture's four and these two


def test_twins_of_one_document_are_refused_naming_both_lines(tmp_path):
    message = _errors(tmp_path, claims=[claim(10), claim(11, reported_on="2012-07-27")])
    assert "casualty_claims.csv:7: column claim_id: 'c0011' repeats the figure of 'c0010' " \
           "on line 6 from the same document" in message
    assert "rule: duplicate" in message


def test_twins_pass_when_a_note_names_the_other_and_says_how_they_differ(tmp_path):
    tables = dataset(tmp_path, deployments=[
        deployment(10, unit="weapons", best="1", qualifier="exact", measure="seized"),
        deployment(11, unit="weapons", best="1", qualifier="exact", measure="seized",
                   note="One RPG; d0010 is one sniper rifle.")])
    assert len(tables.deployments) == 3


def test_a_deployment_twin_is_refused(tmp_path):
    message = _errors(tmp_path, deployments=[deployment(10), deployment(11, reported_on="2014")])
    assert "'d0011' repeats the figure of 'd0010'" in message


def test_a_milestone_twin_is_refused(tmp_path):
    message = _errors(tmp_path, milestones=[milestone(10), milestone(11, stated_on="2013")])
    assert "'m0011' repeats the figure of 'm0010'" in message


def test_milestone_qualifier_fills_value_low_or_high(tmp_path):
    tables = dataset(tmp_path, milestones=[
        milestone(10, kind="cost", milestone="cost", value_low="3000000000",
                  value_high="5000000000", qualifier="range", unit="usd"),
        milestone(11, kind="figure", milestone="share", value_low="60", qualifier="more_than",
                  unit="percent")])
    rows = statements.collapse(tables.milestones).set_index("milestone_id")
    from borderland import derive
    assert derive.stated(rows.loc["m0010"]) == "3,000,000,000–5,000,000,000"
    assert derive.stated(rows.loc["m0011"]) == ">60"


def test_collapse_gives_one_row_per_statement_with_its_reports(tmp_path):
    tables = dataset(tmp_path, sources=SOURCES, claims=[
        claim(10, reliability="medium", source_id="doc-b"),
        claim(11, source_id="doc-c", reliability="high", reported_on="2012-07-26",
              reported_on_basis="inferred", **RELAY),
        claim(12, best="30", claimant="Outlet", claimant_type="media",
              reported_on="2016", reported_on_basis="relay", source_id="doc-c")])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    found = statements.collapse(rows).set_index("statement_id")
    assert list(found.index) == ["s-c0010", "s-c0012"]
    first = found.loc["s-c0010"]
    assert first["claim_id"] == "c0010" and first["reports"] == 2
    assert first["report_ids"] == ("c0010", "c0011")
    assert first["documents"] == ("doc-b", "doc-c")
    assert first["reliability"] == "high"  # the best of its reports
    assert first["first_known"].strftime("%F") == "2012-08-01"  # doc-b's publication
    assert first["date_basis"] == "stated"
    assert found.loc["s-c0012", "date_basis"] == "relay"
    assert statements.count_text(rows) == "2 statements (3 reports)"


def test_collapse_keeps_the_statement_when_the_primary_is_filtered_out(tmp_path):
    tables = dataset(tmp_path, sources=SOURCES, claims=[
        claim(10, source_id="doc-b"),
        claim(11, source_id="doc-c", reported_on_basis="inferred", **RELAY)])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] == "c0011"]
    found = statements.collapse(rows)
    assert list(found["statement_id"]) == ["s-c0010"] and found.iloc[0]["reports"] == 1


def test_as_of_counts_a_row_once_the_document_we_read_was_public(tmp_path):
    from borderland import select
    from borderland.dates import Cutoff
    tables = dataset(tmp_path, sources=SOURCES, claims=[
        claim(10, source_id="doc-b"),
        claim(11, source_id="doc-c", reported_on_basis="inferred", **RELAY)])
    known = select.claims(tables, {"as_of": Cutoff.of("2012-08-01")})
    assert "c0010" in set(known["claim_id"]) and "c0011" not in set(known["claim_id"])
    assert select.claims(tables, {"as_of": Cutoff.of("2012-07-31")}).query("claim_id >= 'c0010'").empty


def test_the_strength_series_draws_no_contingent(tmp_path):
    from borderland.charts import series
    tables = dataset(tmp_path, deployments=[
        deployment(10, best="7000", date="2013", reported_on="2013"),
        deployment(11, best="500", date="2014", reported_on="2014", measure="contingent")])
    frame = statements.collapse(tables.deployments)
    chart = series.forces_over_time(frame, [("201st-base", "personnel")])
    drawn = {float(y) for ax in chart.fig.axes for line in ax.lines for y in line.get_ydata()}
    assert 7000.0 in drawn and 500.0 not in drawn
    contingents = series.forces_over_time(frame, [("201st-base", "personnel")],
                                          measures=("contingent",))
    drawn = {float(y) for ax in contingents.fig.axes for line in ax.lines for y in line.get_ydata()}
    assert drawn == {500.0}


@pytest.fixture(scope="module")
def real():
    from borderland.load import load_tables
    return load_tables()


def test_real_201st_base_strength_series_holds_only_the_base_size(real):
    from borderland import select
    rows = select.deployments(real, {"forces": ["201st-base"]})
    strength = rows[(rows["measure"] == "strength") & (rows["unit"] == "personnel")]
    assert not strength.empty
    # the base has been reported at 5,000-7,500 since 2004: a figure far below that was an
    # exercise contingent or troops sent elsewhere, which must carry their own measure
    low = strength[strength[["low", "best", "high"]].max(axis=1) < 3000]
    assert low.empty, low[["deployment_id", "best", "measure", "quote"]].to_string()


def test_real_khorog_toll_chart_counts_statements_not_rows(real):
    from borderland import select
    from borderland.charts import ranges
    rows = select.claims(real, {"events": ["khorog-2012-07"]})
    killed = rows[rows["outcome"] == "killed"]
    found = statements.collapse(killed)
    assert len(found) < len(killed), "the first official toll is relayed by several outlets"
    chart = ranges.claim_ranges(found, "Khorog 2012")
    assert f"{len(found)} statements ({len(killed)} reports)" in chart.title
    assert found["statement_id"].is_unique
    assert statements.count_text(killed) == f"{len(found)} statements ({len(killed)} reports)"
