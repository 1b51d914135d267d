"""Where the sources disagree (borderland.disagreement): like with like, statements once."""
from __future__ import annotations

from rows import SOURCE, claim, dataset, deployment, milestone

from borderland import disagreement, statements

OTHER_DOC = {"source_id": "doc-b", **SOURCE}


def test_tolls_list_subjects_beyond_the_tolerance_naming_both_ends(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, best="12", party="security-forces", country="TJ"),
        claim(11, best="40", party="security-forces", country="TJ", claimant="Outlet",
              claimant_type="media", reliability="medium", source_id="doc-b"),
        claim(12, best="300", party="security-forces", country="TJ", claimant="Rumour",
              claimant_type="anonymous", reliability="low"),
        claim(13, best="14", party="armed-group", country="TJ"),
        claim(14, best="15", party="armed-group", country="TJ", claimant="Outlet",
              claimant_type="media")], sources=[OTHER_DOC])
    rows = statements.collapse(tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"])
    found = disagreement.tolls(rows, {"event-one": "Test event"})
    assert list(found["Subject"]) == ["Test event: killed, security forces, TJ citizens"]
    row = found.iloc[0]
    assert row["Lowest"].startswith("12 — Ministry") and row["Highest"].startswith("40 — Outlet")
    assert row["Spread"] == "×3.3" and row["Statements compared"] == 2  # the low-rated 300 is out
    assert found.attrs["source_ids"] == ["doc-b", "doc-late"]


def test_a_first_days_or_one_incidents_count_is_not_a_dispute_with_the_whole_toll(tmp_path):
    # the editor's trap: RFE/RL's 1 (one killing, day one) against ~40 for the whole operation
    tables = dataset(tmp_path, claims=[
        claim(10, best="1", party="civilians", scope="incident", claimant="RFE/RL",
              claimant_type="media"),
        claim(11, best="3", party="civilians", scope="period"),
        claim(12, best="40", party="civilians", claimant="ADC Memorial", claimant_type="ngo",
              source_id="doc-b")], sources=[OTHER_DOC])
    rows = statements.collapse(tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"])
    assert disagreement.tolls(rows, {"event-one": "Test event"}).empty


def test_an_early_count_is_not_the_rival_of_a_final_toll_stated_months_later(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, best="5", reported_on="2015-09-05"),
        claim(11, best="40", reported_on="2015-12-20", claimant="Outlet", claimant_type="media",
              source_id="doc-b"),
        claim(12, best="12", reported_on="2015-12-01", claimant="Agency",
              claimant_type="media")], sources=[OTHER_DOC])
    rows = statements.collapse(tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"])
    found = disagreement.tolls(rows, {"event-one": "Test event"})
    assert found.iloc[0]["Lowest"].startswith("12 — Agency")  # not the Ministry's early 5


def test_a_claimants_running_tally_is_not_set_against_the_others(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, best="2", reported_on="2012-07-24"),
        claim(11, best="20", reported_on="2012-07-30"),
        claim(12, best="22", claimant="Outlet", claimant_type="media")])
    rows = statements.collapse(tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"])
    assert disagreement.tolls(rows, {}).empty


def test_forces_compare_strengths_of_the_same_year_only(tmp_path):
    tables = dataset(tmp_path, deployments=[
        deployment(10, best="7000", date="2013"),
        deployment(11, best="5000", date="2013", claimant="Other", reported_on="2014",
                   source_id="doc-b"),
        deployment(12, best="500", date="2014", measure="contingent", reported_on="2014")],
        sources=[OTHER_DOC])
    found = disagreement.forces(statements.collapse(tables.deployments))
    assert list(found["Subject"]) == ["201st base: personnel in 2013"]


def test_targets_announced_the_same_year_more_than_a_year_apart(tmp_path):
    tables = dataset(tmp_path, milestones=[
        milestone(10, date="2025", stated_on="2018-11-16", claimant="Asia-Plus"),
        milestone(11, date="2028", stated_on="2018-11-21", claimant="Ambassador",
                  source_id="doc-b"),
        milestone(12, date="2029", stated_on="2020")], sources=[OTHER_DOC])
    found = disagreement.targets(statements.collapse(tables.milestones))
    assert len(found) == 1 and found.iloc[0]["Spread"] == "2.0 years apart"


def test_two_figures_of_one_document_are_not_a_dispute(tmp_path):
    tables = dataset(tmp_path, deployments=[
        deployment(10, best="1100", date="2023", reported_on="2023"),
        deployment(11, best="2100", date="2023", reported_on="2023", claimant="Other")])
    assert disagreement.forces(statements.collapse(tables.deployments)).empty


def test_a_date_already_past_when_stated_is_not_a_target(tmp_path):
    tables = dataset(tmp_path, milestones=[
        milestone(10, date="2016-04", date_precision="month", stated_on="2017"),
        milestone(11, date="2019", stated_on="2017-05", source_id="doc-b")], sources=[OTHER_DOC])
    assert disagreement.targets(statements.collapse(tables.milestones)).empty
