"""as_of is honest, since lists what changed, the record as it grew, sweeps (issue 15)."""
from __future__ import annotations

import csv
import random
import re

import nbformat
import pandas as pd
import pytest
from conftest import ONLY, REPO, tree_digest

from borderland import changes, context, dates, select, statements
from borderland.charts import growth, locator
from borderland.load import load_tables

SEED = 15
DATES = 60


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def random_dates(n: int = DATES, seed: int = SEED) -> list[str]:
    """`n` seeded dates from 1990 to 2026, written to the day, month or year."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = pd.Timestamp("1990-01-01") + pd.Timedelta(days=rng.randrange(36 * 365))
        out.append(rng.choice([f"{day:%Y-%m-%d}", f"{day:%Y-%m}", f"{day:%Y}"]))
    return out


def published(tables) -> pd.Series:
    return tables.sources.set_index("source_id")["published_to"]


def leaks(tables, end: pd.Timestamp, frames: dict[str, pd.DataFrame]) -> list[str]:
    """Rows or documents of `frames` first public after `end`."""
    published_on = published(tables)
    found = []
    for name, frame in frames.items():
        if "known_on_to" in frame:
            found += [f"{name}: row known {d:%Y-%m-%d}" for d in frame["known_on_to"] if d > end]
        if "first_known" in frame:
            found += [f"{name}: statement first known {d:%Y-%m-%d}" for d in frame["first_known"]
                      if d > end]
        read = set(frame["source_id"].dropna()) if "source_id" in frame else set()
        for sid in sorted(read | set(select.source_ids(frame))):
            when = published_on.get(sid)
            if when is not None and (when > end or (pd.isna(when) and sid in read)):
                found.append(f"{name}: cites {sid}, published {when}")
    return found


def chapter_inputs(tables, p: dict) -> dict[str, pd.DataFrame]:
    """What the chapters draw from at these parameters: the selections behind charts,
    tables and findings, the map's episodes and tolls, the disagreement section, the
    record-as-it-grew panels and the context notes' documents."""
    claims = statements.collapse(select.claims(tables, p))
    deployments = statements.collapse(select.deployments(tables, p))
    milestones = statements.collapse(select.milestones(tables, p))
    events = select.events(tables, p, claims).set_index("event_id", drop=False)
    placed = events[events["event_id"].isin(locator.mapped_event_ids())]
    inputs = {"claims": claims, "deployments": deployments, "milestones": milestones,
              "events": events.reset_index(drop=True), "map": placed.reset_index(drop=True)}
    end = p["as_of"].end if p.get("as_of") else None
    if not claims.empty:
        for event_id in growth.major_episodes(claims, events):
            known = growth.as_known(claims, events.loc[event_id], end)
            used = {c for cell in known["claim_ids"] for c in cell.split()}
            inputs[f"grew {event_id}"] = claims[claims["claim_id"].isin(used)]
    shown, _ = context.known(tables.sources, p.get("as_of"))
    inputs["context"] = pd.DataFrame({"source_id": [s for u in shown for s in u.sources]})
    return inputs


@pytest.mark.parametrize("as_of", random_dates())
def test_nothing_first_published_after_as_of_reaches_a_chapter(tables, as_of):
    end = dates.last_day(as_of)
    found = leaks(tables, end, chapter_inputs(tables, {"as_of": dates.Cutoff.of(as_of)}))
    assert not found, f"as_of {as_of}: {found[:5]}"


def test_the_leak_check_catches_a_single_late_row(tables):
    """The property test above can fail: one row published after the date is found."""
    p = {"as_of": dates.Cutoff.of("2012-07-26")}
    inputs = chapter_inputs(tables, p)
    late = statements.collapse(tables.casualty_claims).sort_values("first_known").iloc[[-1]]
    inputs["claims"] = pd.concat([inputs["claims"], late])
    assert leaks(tables, p["as_of"].end, inputs)


def test_a_statement_known_through_an_early_relay_counts_from_it(tables):
    """A statement whose reports appeared on several dates is known from the first."""
    frame = tables.casualty_claims
    sid = statements.ids(frame)
    spans = frame.groupby(sid)["known_on_to"].agg(["min", "max"])
    spread = spans[spans["max"] > spans["min"]]
    assert not spread.empty, "the data has no statement relayed on two dates"
    statement, (first, _) = spread.index[0], spread.iloc[0]
    as_of = dates.Cutoff.of(f"{first:%Y-%m-%d}")
    known = statements.collapse(select.claims(tables, {"as_of": as_of}))
    assert statement in set(known["statement_id"])
    row = known[known["statement_id"] == statement].iloc[0]
    assert row["first_known"] == first and row["reports"] < len(frame[sid == statement])


def test_an_event_known_only_from_a_later_document_is_not_cited(tables):
    """An episode that began before as_of but whose dating document came later appears
    only through a known claim, and then without citing that document."""
    events = tables.events.assign(published=tables.events["source_id"].map(published(tables)))
    late = events[events["published"] > events["start_date_to"] + pd.Timedelta(days=400)]
    assert not late.empty
    event = late.iloc[0]
    as_of = dates.Cutoff.of(f"{event['start_date_to'] + pd.Timedelta(days=200):%Y-%m-%d}")
    claims = statements.collapse(select.claims(tables, {"as_of": as_of}))
    chosen = select.events(tables, {"as_of": as_of}, claims)
    row = chosen[chosen["event_id"] == event["event_id"]]
    if event["event_id"] in set(claims["event_id"]):
        assert row["source_id"].isna().all()
    else:
        assert row.empty


def test_context_holds_back_a_note_citing_a_later_document(tables):
    shown, held = context.known(tables.sources, dates.Cutoff.of("2012-07-26"))
    every = context.units()
    assert held == len(every) - len(shown) > 0
    text = "\n".join(context.sections(shown).values())
    assert "2022" not in text and "rferl-2012-07-25" in text
    assert context.sections(every) and not context.known(tables.sources, None)[1]


def test_context_links_name_documents_that_exist(tables):
    context.check(tables.sources)


# --------------------------------------------------------------------------- what changed


WINDOWS = [("2012-07-24", "2012-08-31"), ("2016", "2026"), ("2010-09", "2011-04"),
           ("2022-05-15", "2022-06-15")]


@pytest.mark.parametrize(("since", "as_of"), WINDOWS)
@pytest.mark.parametrize("kind", ["claims", "deployments", "milestones"])
def test_what_changed_is_the_set_difference_of_the_two_selections(tables, since, as_of, kind):
    pick = getattr(select, kind)
    p = {"as_of": dates.Cutoff.of(as_of), "since": dates.Cutoff.of(since)}
    now, then = pick(tables, p), pick(tables, changes.at_since(p))
    fresh = changes.new(now, then)
    expected = set(statements.ids(now)) - set(statements.ids(then))
    assert list(fresh["statement_id"]) == sorted(
        expected, key=lambda s: (fresh.set_index("statement_id").loc[s, "first_known"], s))
    rows_listed = {r for ids in fresh["report_ids"] for r in ids}
    key = statements.key_of(now)
    assert rows_listed == set(now[statements.ids(now).isin(expected)][key])
    assert (fresh["first_known"] > dates.last_day(since)).all()


def test_a_revised_toll_says_up_or_down_and_from_what(tables):
    p = {"as_of": dates.Cutoff.of("2026"), "since": dates.Cutoff.of("1990")}
    fresh = changes.new(select.claims(tables, p), select.claims(tables, changes.at_since(p)))
    table = changes.compared(fresh, statements.collapse(select.claims(tables, p)))
    revised = table[table["change"].str.startswith("revised")]
    assert not revised.empty
    row = revised.iloc[0]
    assert re.match(r"revised (up|down) from [\d,.]+$", row["change"])
    assert row["before"]


def test_a_moved_target_says_by_how_many_years(tables):
    p = {"as_of": dates.Cutoff.of("2026"), "since": dates.Cutoff.of("1990")}
    now = select.milestones(tables, p, "energy")
    fresh = changes.new(now, select.milestones(tables, changes.at_since(p), "energy"))
    moved = changes.compared(fresh, statements.collapse(now))
    moved = moved[moved["change"].str.startswith("target moved")]
    assert not moved.empty
    assert moved["change"].str.match(r"target moved (later|earlier) by \d+\.\d years").all()


# --------------------------------------------------------------------------- the record as it grew


def test_record_as_it_grew_holds_only_what_was_published_by_each_checkpoint(tables):
    claims = statements.collapse(select.claims(tables, {}))
    events = tables.events.set_index("event_id", drop=False)
    table = growth.as_known(claims, events.loc["khorog-2012-07"], claims["first_known"].max())
    assert list(table["checkpoint"][:7]) == [f"day {d}" for d in range(1, 8)]
    by_id = claims.set_index("claim_id")
    for _, row in table.iterrows():
        for claim in row["claim_ids"].split():
            assert by_id.loc[claim, "first_known"] <= row["date"]
    counts = list(table["statements"])
    assert counts == sorted(counts) and counts[-1] > counts[0]


# --------------------------------------------------------------------------- full builds


def _report_ids(report) -> tuple[set[str], set[str]]:
    """(documents the report and annex cite, row ids in the chart CSVs)."""
    text = report.html.read_text() + (report.out / "annex.html").read_text()
    cited = set(re.findall(r'id="source-([a-z0-9-]+)"', text)) | set(
        re.findall(r'href="(?:annex\.html)?#source-([a-z0-9-]+)"', text))
    rows = set()
    for path in (report.out / "data").rglob("*.csv"):
        with path.open(newline="", encoding="utf-8") as fh:
            for record in csv.DictReader(fh):
                for column in ("claim_id", "deployment_id", "milestone_id"):
                    if record.get(column):
                        rows.add(record[column])
    return cited, rows


def _assert_no_leak(report, as_of: str) -> None:
    tables = load_tables()
    end = dates.last_day(as_of)
    cited, rows = _report_ids(report)
    assert cited and rows
    published_on = published(tables)
    late_docs = sorted(s for s in cited if published_on.get(s) is not None and published_on[s] > end)
    read_in = set()
    for table in (tables.casualty_claims, tables.deployments, tables.milestones):
        drawn = table[table[statements.key_of(table)].isin(rows)]
        read_in |= set(drawn["source_id"])
    undated = sorted(s for s in read_in if pd.isna(published_on.get(s)))
    assert not undated, f"rows read in undated documents drawn: {undated[:5]}"
    assert not late_docs, f"documents published after {as_of} cited: {late_docs[:5]}"
    known = pd.concat([t.set_index(k)["known_on_to"] for t, k in (
        (tables.casualty_claims, "claim_id"), (tables.deployments, "deployment_id"),
        (tables.milestones, "milestone_id"))])
    late_rows = sorted(r for r in rows if r in known.index and known[r] > end)
    assert not late_rows, f"rows first public after {as_of} drawn: {late_rows[:5]}"
    assert f"The record as it stood on {as_of}" in report.html.read_text()


@pytest.mark.slow
def test_a_report_as_of_khorog_day_three_holds_nothing_published_later(khorog_day3_report):
    _assert_no_leak(khorog_day3_report, "2012-07-26")


@pytest.mark.slow
def test_a_report_with_since_lists_the_changes_and_leaks_nothing(khorog_weeks_report):
    _assert_no_leak(khorog_weeks_report, "2012-08-31")
    text = khorog_weeks_report.html.read_text()
    assert "What changed" in text and "Casualty statements first published after 2012-07-24" in text
    assert "· NEW" in text or "Rows marked NEW" in text


# --------------------------------------------------------------------------- bad values and sweeps


@pytest.mark.parametrize(("args", "named"), [
    (("-p", "as_of", "2012-07-26", "-p", "since", "2012-08-01"), "parameter since"),
    (("-p", "as_of", "2012-07", "-p", "since", "2012-07-31"), "parameter since"),
    (("-p", "as_of", "2012-07-26", "-p", "since", "2012-02-30"), "parameter since"),
    (("--sweep", "2012-07-24:2012-07-31"), "--sweep"),
    (("--sweep", "2012-07-31:2012-07-24:1d"), "--sweep"),
    (("--sweep", "2012-07-24:2012-07-31:0d"), "--sweep"),
    (("--sweep", "2012-07-24,2012-07-24"), "--sweep"),
    (("--sweep", "2012-07-24,2012-13-01"), "--sweep"),
    (("--sweep", "1990-01-01:2026-01-01:1d"), "--sweep"),
    (("--sweep", "2012-07-24,2012-07-26", "-p", "as_of", "2013"), "--sweep"),
    (("--sweep", "2012-07-24,2012-07-26", "-p", "since", "2012-07-25"), "parameter since"),
])
def test_a_bad_window_or_sweep_stops_with_one_line_and_exit_2(project, args, named):
    """Refused before any kernel starts (`project.cli` fails the test if one would)."""
    real = REPO / "notebooks" / "02-casualties.ipynb"
    project.write_notebook("02-casualties", nbformat.read(real, as_version=4))
    before = tree_digest(project.report)
    code, out, err = project.cli("build", *args, "--only", "02-casualties")
    assert code == 2, (out, err)
    assert named in err and len(err.strip().splitlines()) == 1, err
    assert tree_digest(project.report) == before


@pytest.mark.slow
def test_a_sweep_is_byte_identical_to_its_dates_built_one_by_one(project, tmp_path):
    days = ["2012-07-24", "2012-07-26"]
    swept = tmp_path / "swept"
    done = project.run("build", "--sweep", ",".join(days), *ONLY, "--out", str(swept))
    assert done.returncode == 0, done.stderr
    index = (swept / "index.html").read_text()
    for day in days:
        assert f'href="{day}/index.html"' in index
        single = tmp_path / f"single-{day}"
        one = project.run("build", "-p", "as_of", day, *ONLY, "--out", str(single))
        assert one.returncode == 0, one.stderr
        a = {k: v for k, v in tree_digest(swept / day).items() if not k.startswith("executed")}
        b = {k: v for k, v in tree_digest(single).items() if not k.startswith("executed")}
        assert a == b


def test_record_as_it_grew_is_legible_and_titled_from_the_data(tables):
    from borderland.charts import legibility

    claims = statements.collapse(select.claims(tables, {}))
    events = tables.events.set_index("event_id", drop=False)
    chart = growth.record_as_it_grew(claims, events, claims["first_known"].max())
    assert legibility.problems(chart.fig) == []
    last = claims["first_known"].max()
    weeks = [growth._week(growth.as_known(claims, events.loc[e], last))
             for e in growth.major_episodes(claims, events)]
    week = [r for r in weeks if r["other_high"] > r["official_high"]]
    named = ", ".join(events.loc[r["event_id"], "short_name"] for r in week) or "none"
    assert chart.title.startswith(f"A week in, others counted more dead than officials in "
                                  f"{len(week)} of 4 major episodes ({named})")
    assert set(chart.data["event_id"]) == set(growth.major_episodes(claims, events))


@pytest.mark.parametrize("path", sorted((REPO / "scenarios").glob("*.yml")), ids=lambda p: p.stem)
def test_every_scenario_names_valid_parameters(tables, path):
    from borderland import params
    from borderland.cli import read_params_file

    values, _ = read_params_file(path)
    params.check(values, tables)


def test_an_episode_dated_to_the_month_starts_its_first_week_at_its_first_toll(tmp_path):
    from rows import SOURCE, claim, dataset
    docs = [{"source_id": f"doc-{d}", **SOURCE, "published": d, "date_precision": "day"}
            for d in ("2021-04-29", "2021-05-03")]
    tables = dataset(tmp_path, claims=[
        claim(10, event_id="war", reported_on="2021-04-29", best="3", source_id="doc-2021-04-29"),
        claim(11, event_id="war", reported_on="2021-05-03", best="9", claimant="Outlet",
              claimant_type="media", source_id="doc-2021-05-03")],
        events=[{"event_id": "war", "start_date": "2021-04", "date_precision": "month"}],
        sources=docs)
    rows = tables.casualty_claims
    claims = statements.collapse(rows[rows["claim_id"] >= "c0010"])
    event = tables.events.set_index("event_id", drop=False).loc["war"]
    assert growth.day_one(event, claims) == pd.Timestamp("2021-04-29")
    week = growth._week(growth.as_known(claims, event, pd.Timestamp("2021-06-30")))
    assert (week["official_high"], week["other_high"]) == (3, 9)
