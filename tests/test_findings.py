"""The overview's key findings: computed from the rows, like for like, both sides named."""
from __future__ import annotations

from rows import SOURCE, claim, dataset, deployment, milestone

from borderland import findings, select, statements


def _claims(tables):
    rows = tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"]
    return statements.collapse(rows)


def _events(tables):
    return tables.events.assign(start_date_from=tables.events["start_date_from"])


def test_deadliest_takes_all_sides_toll_not_a_better_rated_one_side_count(tmp_path):
    # the Sept 2022 trap: HRW's 37 civilians (high) is not the toll of a war of ≥81 dead
    tables = dataset(tmp_path, claims=[
        claim(10, event_id="war", party="civilians", best="37", claimant="HRW",
              claimant_type="ngo", reliability="high"),
        claim(11, event_id="war", best="", low="81", qualifier="at_least", claimant="Outlet",
              claimant_type="media", reliability="medium"),
        claim(12, event_id="war", best="", low="54", qualifier="at_least", claimant="Wire",
              claimant_type="media", reliability="medium"),
        claim(13, event_id="war", best="400", scope="period", reliability="medium"),
        claim(14, event_id="clash", best="3")],
        events=[{"event_id": "war", "name": "Border war", "start_date": "2022-09-14"},
                {"event_id": "clash", "name": "Small clash", "start_date": "2019-09-17"}])
    text = findings.deadliest(_claims(tables), _events(tables), n=2)
    assert text.startswith("Since 2010 the deadliest episodes")
    assert ("Border war (≥81 killed, per Outlet; comparable counts ≥54 to ≥81) and Small clash "
            "(3 killed, per Ministry)") in text, text
    assert "400" not in text and "37" not in text


def test_deadliest_names_a_one_side_toll_as_such(tmp_path):
    tables = dataset(tmp_path, claims=[claim(10, party="armed-group", best="15")])
    text = findings.deadliest(_claims(tables), _events(tables))
    assert "Fixture event (15 killed, fighters only, per Ministry)" in text


def test_official_vs_others_counts_higher_same_and_fewer(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, party="civilians", best="1"),
        claim(11, party="civilians", best="", low="30", qualifier="at_least", claimant="RFE/RL",
              claimant_type="media"),
        claim(12, party="security-forces", best="12"),
        claim(13, party="security-forces", best="12", claimant="Agency", claimant_type="media",
              source_id="doc-b"),
        claim(14, party="armed-group", best="30"),
        claim(15, party="armed-group", best="20", claimant="Agency", claimant_type="media"),
        claim(16, party="foreign-nationals", best="19"),  # a floor below it is no lower count
        claim(17, party="foreign-nationals", best="", low="16", qualifier="at_least",
              claimant="Radio", claimant_type="media")],
        sources=[{"source_id": "doc-b", **SOURCE}])
    text = findings.official_vs_others(_claims(tables), tables.events.set_index("event_id")["name"])
    assert "4 like-for-like comparisons" in text
    assert ("more dead in 1, the same number in 1 and fewer in 1, and in 1 gave only a floor "
            "below the official figure") in text, text
    assert ("widest gap is at least 30.0 times (Fixture event, civilians: 1 from Ministry "
            "against ≥30 from RFE/RL)") in text


def test_russian_presence_reads_standing_strength_only(tmp_path):
    tables = dataset(tmp_path, deployments=[
        deployment(10, best="5000", date="2004", reported_on="2004"),
        deployment(11, best="7000", date="2010", reported_on="2010"),
        deployment(12, best="7000", date="2012", reported_on="2012"),
        deployment(13, best="150", measure="contingent", date="2015", reported_on="2015"),
        deployment(14, best="9000", date="2020", reported_on="2020", reliability="low")])
    rows = select.deployments(tables, {})
    rows = statements.collapse(rows[rows["deployment_id"] >= "d0010"])
    text = findings.russian_presence(rows, tables.milestones.iloc[0:0])
    assert text == ("Russia's 201st base was reported at ~5,000 to ~7,000 troops between 2004 "
                    "and 2012 (statements of its standing strength rated medium or better; "
                    "~7,000 most often, in 2 of 3).")


def test_energy_slips_names_first_and_latest_target(tmp_path):
    tables = dataset(tmp_path, milestones=[
        milestone(10, date="2016", stated_on="2013"),
        milestone(11, date="2027", stated_on="2025")])
    rows = tables.milestones[tables.milestones["milestone_id"] >= "m0010"]
    text = findings.energy_slips(rows)
    assert "the longest slip is at least 10 years (Rogun, completion: first due 2016, now due 2027)" in text


def test_bullets_leave_out_what_could_not_be_said():
    assert findings.bullets(["One.", None, "Two."]) == "- One.\n- Two."


def test_evidence_limits_read_the_bases_standing_strength_not_a_contingent(tmp_path):
    tables = dataset(tmp_path, deployments=[
        deployment(10, best="7000", date="2020", reported_on="2020"),
        deployment(11, best="7000", date="2023", reported_on="2023"),
        deployment(12, best="150", measure="contingent", date="2023", reported_on="2023")])
    rows = select.deployments(tables, {})
    rows = statements.collapse(rows[rows["deployment_id"] >= "d0010"])
    text = " ".join(findings.evidence_limits(rows.iloc[0:0].assign(), rows))
    assert "holds 2 strength figures describing 2020-2023 (~7,000)" in text


def test_inventory_counts_the_episodes_with_statements_and_names_the_step_tracks(tmp_path):
    tables = dataset(tmp_path, claims=[claim(10)],
                     milestones=[milestone(10), milestone(11, track="basing", subject="csto")])
    reports = tables.casualty_claims
    text = findings.inventory(reports, tables.deployments, 1, 0,
                              tables.milestones[tables.milestones["milestone_id"] >= "m0010"], 3)
    assert "about 1 violent episodes (and 0 totals across episodes)" in text
    assert "2 dated steps (basing and energy), drawn from 3 documents" in text


def test_deadliest_names_each_governments_latest_count_of_its_own_dead(tmp_path):
    kg = {"claimant_type": "official", "claimant_country": "KG", "country": "KG"}
    tj = {"claimant_type": "official", "claimant_country": "TJ", "country": "TJ"}
    tables = dataset(tmp_path, claims=[
        claim(10, event_id="war", best="", low="81", qualifier="at_least", claimant="Outlet",
              claimant_type="media", country=""),
        claim(11, event_id="war", best="46", claimant="KG health", reported_on="2022-09-18", **kg),
        claim(12, event_id="war", best="62", claimant="KG region", reported_on="2022-09-20", **kg),
        claim(13, event_id="war", best="38", claimant="TJ MFA", reported_on="2022-09-18", **tj),
        claim(14, event_id="war", best="35", claimant="TJ MFA", reported_on="2022-09-18", **tj),
        claim(15, event_id="war", best="90", claimant="TJ MFA", reported_on="2022-09-30",
              **{**tj, "country": "KG"}),  # a count of the other side's dead: not its own
        claim(16, event_id="war", best="99", claimant="KG rumour", reported_on="2022-10-01",
              reliability="low", **kg)],
        events=[{"event_id": "war", "name": "Border war", "start_date": "2022-09-14"}])
    text = findings.deadliest(_claims(tables), _events(tables), n=1)
    assert ("latest official counts of each country's own dead: Kyrgyz 62 (KG region, "
            "2022-09-20) and Tajik 35 or 38 (TJ MFA, 2022-09-18))") in text, text  # no sum


def test_own_counts_of_two_governments_are_summed(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, event_id="war", best="", low="81", qualifier="at_least", claimant="Outlet",
              claimant_type="media"),
        claim(11, event_id="war", best="62", claimant="KG region", claimant_country="KG",
              country="KG", reported_on="2022-09-20"),
        claim(12, event_id="war", best="41", claimant="TJ deputy minister", claimant_country="TJ",
              country="TJ", reported_on="2022")],
        events=[{"event_id": "war", "name": "Border war", "start_date": "2022-09-14"}])
    text = findings.deadliest(_claims(tables), _events(tables), n=1)
    assert ("Kyrgyz 62 (KG region, 2022-09-20) and Tajik 41 (TJ deputy minister, 2022), "
            "together 103)") in text, text


def test_a_count_dated_to_its_year_counts_as_said_at_the_years_end(tmp_path):
    kg = {"claimant_type": "official", "claimant_country": "KG", "country": "KG"}
    tj = {"claimant_type": "official", "claimant_country": "TJ", "country": "TJ"}
    war = [{"event_id": "war", "name": "Border war", "start_date": "2022-09-14"}]
    kyrgyz = claim(11, event_id="war", best="62", claimant="KG region",
                   reported_on="2022-09-20", **kg)
    day = claim(12, event_id="war", best="35", claimant="TJ MFA", reported_on="2022-09-18", **tj)
    year = claim(13, event_id="war", best="41", claimant="TJ minister", reported_on="2022", **tj)
    later = claim(14, event_id="war", best="40", claimant="TJ MFA", reported_on="2023-01-05",
                  **tj)
    tables = dataset(tmp_path / "a", claims=[kyrgyz, day, year], events=war)
    text = findings.deadliest(_claims(tables), _events(tables), n=1)
    assert "Tajik 41 (TJ minister, 2022), together 103" in text, text
    tables = dataset(tmp_path / "b", claims=[kyrgyz, day, year, later], events=war)
    text = findings.deadliest(_claims(tables), _events(tables), n=1)
    assert "Tajik 40 (TJ MFA, 2023-01-05), together 102" in text, text


def test_deadliest_gives_no_own_counts_when_one_government_spoke(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, event_id="war", best="40", claimant_country="TJ", country="TJ"),
        claim(11, event_id="war", best="44", claimant="Outlet", claimant_type="media")],
        events=[{"event_id": "war", "name": "Border war", "start_date": "2022-09-14"}])
    text = findings.deadliest(_claims(tables), _events(tables), n=1)
    assert "own dead" not in text, text


def test_the_civil_war_gives_its_whole_toll_and_apart_its_partial_counts(tmp_path):
    tables = dataset(tmp_path, claims=[
        claim(10, event_id="war", best="60000", claimant="Scholars"),
        claim(11, event_id="war", best="", low="50000", high="100000", qualifier="range",
              claimant="Outlet", claimant_type="media", reliability="medium"),
        claim(12, event_id="war", best="30000", qualifier="about", scope="period",
              claimant="Former premier"),
        claim(13, event_id="war", best="", high="50000", qualifier="up_to", scope="period",
              claimant="Some estimates"),  # a ceiling: not a count
        claim(14, event_id="war", best="", low="20000", qualifier="more_than", scope="period",
              claimant="NGO", claimant_type="ngo"),
        claim(15, event_id="clash", best="3")],
        events=[{"event_id": "war", "name": "Civil war", "start_date": "1992-05-01",
                 "event_type": "civil-war"},
                {"event_id": "clash", "name": "Small clash", "start_date": "2019-09-17"}])
    text = findings.deadliest(_claims(tables), _events(tables))
    assert ("estimates of its whole toll rated medium or better run from 50,000 to 100,000 "
            "dead (counts of only part of it: >20,000 to ~30,000)") in text, text
