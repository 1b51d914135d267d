"""Values derived from selected rows (borderland.derive): nothing summed or averaged."""
from __future__ import annotations

import pytest
from rows import SOURCE, claim, dataset, deployment, milestone

from borderland import derive


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return dataset(
        tmp_path_factory.mktemp("derive"),
        claims=[claim(10, qualifier="at_least", best="", low="30", party="civilians",
                      claimant_type="media"),
                claim(11, qualifier="range", best="", low="18", high="23",
                      party="security-forces", claimant_type="ngo"),
                claim(12, qualifier="about", best="0", party="civilians"),
                claim(13, party="civilians", best="1", reliability="low")],
        deployments=[deployment(10, status="planned", qualifier="exact", best="9000",
                                date="2020", reported_on="2015-04"),
                     deployment(11, date="2022", best="7000", reported_on="2022"),
                     deployment(12, date="2019", best="7500", reported_on="2019")],
        milestones=[milestone(10, stated_on="2014", date="2016"),
                    milestone(11, stated_on="2016", date="2019"),
                    milestone(12, status="actual", date="2019-09-09", date_precision="day",
                              stated_on="2019-09-09"),
                    milestone(13, subject="casa-1000", date="2016", stated_on="2013"),
                    milestone(14, subject="casa-1000", date="2027", stated_on="2025"),
                    milestone(15, subject="casa-1000", milestone="cost-estimate", kind="cost",
                              value="1000000000", unit="usd", date="2011", stated_on="2011"),
                    milestone(16, track="basing", subject="201st-base", milestone="lease-end",
                              kind="other", date="2042", stated_on="2013")])


def by_id(frame, ident):
    return frame.set_index("claim_id").loc[ident]


def test_figure_prefers_the_estimate_then_what_the_claim_states(tables):
    claims = tables.casualty_claims.set_index("claim_id")
    best = derive.figure(claims, "best")
    assert best["c0010"] == 30 and best["c0011"] == 18 and best["c0001"] == 42
    high = derive.figure(claims, "high")
    assert high["c0011"] == 23 and high["c0004"] == 30


def test_stated_keeps_the_wording(tables):
    c = tables.casualty_claims
    assert [derive.stated(by_id(c, i)) for i in ("c0010", "c0011", "c0012", "c0004", "c0001")] \
        == ["≥30", "18–23", "~0", "≤30", "42"]


def test_compare_pairs_like_with_like_and_never_sums(tables):
    pairs = derive.compare(tables.casualty_claims, min_reliability="low").set_index("party")
    # civilians: official 1 (c0013, rated low) and ~0 (c0012) against media ≥30 and local ≤30
    assert pairs.loc["civilians", "official"] == 1
    assert pairs.loc["civilians", "other"] == 30
    assert pairs.loc["civilians", "ratio"] == 30
    assert pairs.loc["civilians", "official_low"] == 0 and pairs.loc["civilians", "official_n"] == 2
    # all parties: official 42 vs media ~200; the parts (12 soldiers) are not added
    assert pairs.loc["all", "official"] == 42 and pairs.loc["all", "other"] == 200
    # security forces: official 12 and the NGO's 18-23 range (best: its low end)
    assert pairs.loc["security-forces", "other"] == 18
    assert derive.compare(tables.casualty_claims.iloc[:0]).empty


def test_compare_gives_no_ratio_against_an_official_zero(tables):
    zero = tables.casualty_claims[tables.casualty_claims["claim_id"].isin(["c0012", "c0010"])]
    pairs = derive.compare(zero)
    assert pairs.loc[0, "official"] == 0 and derive.pd.isna(pairs.loc[0, "ratio"])


def test_highest_credible_uses_the_best_rated_claims(tables):
    top = derive.highest_credible(tables.casualty_claims).set_index("event_id")
    # high-rated claims exist, so the medium-rated "about 200" does not count
    assert top.loc["event-one", "reliability"] == "high"
    assert top.loc["event-one", "value"] == 42


def test_slippage_counts_from_the_end_of_the_first_target(tables):
    slips = derive.slippage(tables.milestones).set_index("subject")
    rogun = slips.loc["rogun"]
    # first target 2016 (stated 2014); the fixture's earlier row carries a cost, not a date
    assert rogun["first_target"] == "2016" and rogun["done"] and rogun["announcements"] == 2
    assert rogun["slip_years"] == pytest.approx(2.7, abs=0.05)  # 2016-12-31 -> 2019-09-09
    casa = slips.loc["casa-1000"]
    assert not casa["done"] and casa["latest_target"] == "2027"
    assert casa["slip_years"] == pytest.approx(10.0, abs=0.05)  # end of 2016 -> start of 2027
    assert "cost-estimate" not in set(slips["milestone"])  # a planned cost is not a date


def test_span_end_finds_the_latest_lease_date(tables):
    assert derive.span_end(tables.milestones, "201st-base") == "2042"
    assert derive.span_end(tables.milestones, "ayni") is None


def test_plans_vs_reports_looks_only_after_the_target(tables):
    plans = derive.plans_vs_reports(tables.deployments)
    row = plans[plans["force"] == "201st-base"].iloc[0]
    assert row["planned"] == "9,000" and row["later_count"] == 1 and row["later_max"] == 7000


def test_number_drops_spurious_decimals():
    assert derive.number(3900000000.0) == "3,900,000,000"
    assert derive.number(5.5) == "5.5" and derive.number(0.77) == "0.77"


def test_compare_leaves_out_low_rated_statements_by_default(tmp_path):
    # an anonymous doctor's "300", relayed as a rumour (low), against an official 7
    tables = dataset(tmp_path, claims=[
        claim(10, best="7", party="civilians"),
        claim(11, best="300", party="civilians", claimant="unnamed doctor",
              claimant_type="anonymous", reliability="low"),
        claim(12, best="20", party="civilians", claimant="Outlet", claimant_type="media",
              reliability="medium")])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    pair = derive.compare(rows).iloc[0]
    assert (pair["official"], pair["other"], pair["other_claim"]) == (7, 20, "c0012")
    assert pair["ratio"] == 20 / 7
    with_low = derive.compare(rows, min_reliability="low").iloc[0]
    assert with_low["other"] == 300 and (with_low["other_low"], with_low["other_n"]) == (20, 2)


def test_compare_keeps_one_countrys_toll_apart_from_a_two_country_total(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, best="41", country="TJ", party="all"),
        claim(11, best="100", party="all", claimant="Outlet", claimant_type="media")])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    assert derive.compare(rows).empty


def test_compare_leaves_out_ceilings_and_tolls_of_no_stated_side(tmp_path):
    # one shooting's official "1" (side not stated) against a rapporteur's "as many as 40"
    tables = dataset(tmp_path, claims=[
        claim(10, best="1", party="unspecified"),
        claim(11, qualifier="up_to", best="", high="40", party="unspecified",
              claimant="UN rapporteur", claimant_type="intergovernmental"),
        claim(12, best="21", party="civilians"),
        claim(13, qualifier="up_to", best="", high="40", party="civilians",
              claimant="UN rapporteur", claimant_type="intergovernmental"),
        claim(14, best="25", party="civilians", claimant="Outlet", claimant_type="media")])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    pairs = derive.compare(rows)
    assert list(pairs["party"]) == ["civilians"]
    assert (pairs.iloc[0]["other"], pairs.iloc[0]["other_claim"]) == (25, "c0014")


def test_highest_credible_prefers_a_stated_toll_to_a_ceiling(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, qualifier="up_to", best="", high="51", party="civilians", claimant="HRW",
              claimant_type="ngo"),
        claim(11, best="36", party="all"),
        claim(12, event_id="event-two", qualifier="up_to", best="", high="9")],
        events=[{"event_id": "event-two", "start_date": "2013-01-01"}])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    top = derive.highest_credible(rows).set_index("event_id")
    assert top.loc["event-one", "value"] == 36
    assert top.loc["event-two", "value"] == 9  # only a ceiling: it stands, marked as one


def test_compare_never_sets_a_day_incident_or_unit_against_a_whole_toll(tmp_path):
    # Rasht 2010: the National Guard's own 7 (one unit) and a helicopter crash's 25 (one
    # incident) against all forces' whole toll; Khorog day one against the final toll
    tables = dataset(tmp_path, claims=[
        claim(10, best="7", party="security-forces", scope="subset"),
        claim(11, best="25", party="security-forces", scope="incident", claimant="Outlet",
              claimant_type="media"),
        claim(12, best="1", party="civilians", scope="period"),
        claim(13, best="30", party="civilians", claimant="Outlet", claimant_type="media"),
        claim(14, best="20", party="civilians", scope="period", claimant="Outlet",
              claimant_type="media"),
        claim(15, best="12", party="civilians")])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    pairs = derive.compare(rows)
    assert list(pairs["party"]) == ["civilians"]
    top = pairs.iloc[0]
    assert (top["official_claim"], top["other_claim"]) == ("c0015", "c0013")
    assert (top["official_low"], top["other_low"]) == (12, 30)  # the day counts take no part


def test_highest_credible_prefers_a_whole_toll_to_one_incident(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, best="25", scope="incident"),
        claim(11, best="7"),
        claim(12, event_id="event-two", best="3", scope="period")],
        events=[{"event_id": "event-two", "start_date": "2013-01-01"}])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    top = derive.highest_credible(rows).set_index("event_id")
    assert top.loc["event-one", "value"] == 7
    assert top.loc["event-two", "value"] == 3  # only a partial count: it stands


def test_a_passed_target_counts_as_a_delay_up_to_the_latest_known_day(tmp_path):
    steps = [milestone(10, date="2018", stated_on="2012", source_id="doc-2012"),
             milestone(11, milestone="other-step", date="2030", stated_on="2012",
                       source_id="doc-2012"),
             milestone(12, milestone="other-step", status="actual", kind="other", date="2021",
                       stated_on="2021-12-31", date_precision="year", source_id="doc-2021")]
    documents = [{"source_id": f"doc-{y}", **SOURCE, "published": y, "date_precision": "year"}
                 for y in ("2012", "2021")]
    tables = dataset(tmp_path, milestones=steps, sources=documents)
    rows = tables.milestones[tables.milestones["milestone_id"] >= "m0010"]
    slips = derive.slippage(rows).set_index("milestone")
    late = slips.loc["completion"]
    assert late["overdue"] and not late["done"]
    assert late["slip_years"] == pytest.approx(3.0, abs=0.05)  # end of 2018 -> end of 2021
    before = derive.slippage(rows[rows["known_on_to"] <= "2018-06-30"])
    assert not before.set_index("milestone").loc["completion", "overdue"]


def test_highest_credible_prefers_all_sides_of_one_country_to_one_side(tmp_path):
    # May 2022: the government's 21 dead (all sides) stands, not ADC's ~40 civilians
    tables = dataset(tmp_path, claims=[
        claim(10, best="21", country="TJ", reliability="medium"),
        claim(11, best="40", qualifier="about", party="civilians", country="TJ",
              claimant="ADC", claimant_type="ngo", reliability="medium")])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    assert derive.highest_credible(rows).iloc[0]["claim_id"] == "c0010"


def test_longest_slip_measures_moved_or_late_steps_not_a_target_merely_passed(tmp_path):
    steps = [milestone(10, date="2009", stated_on="2005", source_id="doc-2005"),
             milestone(11, milestone="other-step", date="2012", stated_on="2005",
                       source_id="doc-2005"),
             milestone(12, milestone="other-step", date="2014", stated_on="2011",
                       source_id="doc-2011")]
    documents = [{"source_id": f"doc-{y}", **SOURCE, "published": y, "date_precision": "year"}
                 for y in ("2005", "2011", "2020")]
    steps.append(milestone(13, milestone="third-step", status="actual", kind="other",
                           date="2020", stated_on="2020", source_id="doc-2020"))
    tables = dataset(tmp_path, milestones=steps, sources=documents)
    rows = tables.milestones[tables.milestones["milestone_id"] >= "m0010"]
    slips = derive.slippage(rows)
    passed = slips.set_index("milestone").loc["completion"]
    assert passed["overdue"] and passed["slip_years"] > 10  # counted as overdue...
    worst = derive.longest_slip(slips)
    assert worst["milestone"] == "other-step"  # ...but the measured slip is the moved target


def test_highest_credible_prefers_a_total_of_no_stated_side_to_one_side(tmp_path):
    # Khujand 2018: security sources' 13 dead (side not stated) against 2 guards
    tables = dataset(tmp_path, claims=[
        claim(10, best="2", party="security-forces", reliability="medium"),
        claim(11, best="13", party="unspecified", claimant="Agency", claimant_type="media",
              reliability="medium")])
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    assert derive.highest_credible(rows).iloc[0]["claim_id"] == "c0011"
