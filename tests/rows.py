"""Tiny valid datasets for the select, derive and chart tests.

`dataset(tmp_path, claims=[...], ...)` writes the minimal fixture plus the given rows
(dicts holding only what a test cares about; the rest is filled with valid defaults)
and loads them through `load_tables`, so every test frame passed the validator.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from borderland.load import load_tables
from borderland.schema import TABLES

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"

SOURCE = {"title": "Test document", "publisher": "Test Press", "published": "",
          "date_precision": "", "kind": "news", "found_in": "sources/test.txt"}
EVENT = {"name": "Test event", "short_name": "Test event", "start_date": "2012-07-24", "date_precision": "day",
         "region": "gbao", "place": "Khorog", "event_type": "armed-clash",
         "summary": "A test event.", "source_id": "doc-a", "quote": "q"}
CLAIM = {"event_id": "event-one", "outcome": "killed", "party": "all", "scope": "whole", "qualifier": "exact",
         "best": "10",
         "claimant": "Ministry", "claimant_type": "official", "reported_on": "2012-07-26",
         "reported_on_basis": "stated",
         "source_id": "doc-late", "reliability": "high", "quote": "q"}
DEPLOYMENT = {"force": "201st-base", "measure": "strength", "reported_on_basis": "stated",
              "unit": "personnel", "status": "actual", "date": "2013",
              "best": "7000",
              "date_precision": "year", "qualifier": "about", "claimant": "Outlet",
              "claimant_type": "media", "reported_on": "2013", "source_id": "doc-late",
              "reliability": "high", "quote": "q"}
MILESTONE = {"track": "energy", "subject": "rogun", "milestone": "completion",
             "kind": "completion", "status": "planned", "date": "2018", "date_precision": "year",
             "stated_on": "2012", "stated_on_basis": "stated", "description": "A test step.", "claimant_type": "official",
             "source_id": "doc-late", "reliability": "high", "quote": "q"}


def claim(n: int, **values) -> dict:
    return {"claim_id": f"c{n:04d}", "statement_id": f"s-c{n:04d}", **CLAIM, **values}


def deployment(n: int, **values) -> dict:
    return {"deployment_id": f"d{n:04d}", "statement_id": f"s-d{n:04d}", **DEPLOYMENT, **values}


def milestone(n: int, **values) -> dict:
    hedge = {"qualifier": "exact"} if values.get("value") else {}
    return {"milestone_id": f"m{n:04d}", **MILESTONE, **hedge, **values}


def dataset(tmp_path: Path, *, claims=(), deployments=(), milestones=(), events=(), sources=()):
    """The minimal fixture plus `doc-late` (undated) and the given rows, loaded."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    extra = {"sources": [{"source_id": "doc-late", **SOURCE}, *sources],
             "events": [{**EVENT, **e} for e in events], "casualty_claims": list(claims),
             "deployments": list(deployments), "milestones": list(milestones)}
    for name, rows in extra.items():
        columns = TABLES[name].column_names
        with (data / f"{name}.csv").open("a", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for row in rows:
                unknown = set(row) - set(columns)
                assert not unknown, f"not columns of {name}: {unknown}"
                writer.writerow([row.get(c, "") for c in columns])
    return load_tables(data, use_cache=False)
