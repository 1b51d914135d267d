"""The figure-level cache: a chart is drawn again only when its rows, options or code changed,
and a chart from the cache publishes the same bytes as a drawn one."""
from __future__ import annotations

import matplotlib
import pytest
import test_charts
from matplotlib.figure import Figure

from borderland import dates, figcache, fingerprint, select
from borderland.charts import base, gantt, ranges

matplotlib.use("Agg")

tables = test_charts.tables  # the chart tests' rows, as a fixture of this module too


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLAND_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BORDERLAND_FIG_ROOT", str(tmp_path))
    monkeypatch.setenv(figcache.ENV, "1")
    return tmp_path


def _killed(tables):
    claims = select.claims(tables, {})
    return claims[claims["outcome"] == "killed"]


def _published(tables, chart, name, tmp_path) -> tuple[str, dict[str, bytes]]:
    show = base.publisher("02-casualties", tables, {"fig_dir": "figs",
                                                    "fig_formats": ["svg", "png"]})
    html = show(chart, name).data
    folder = tmp_path / "figs" / "02-casualties"
    return html, {p.name: p.read_bytes() for p in sorted(folder.glob(f"{name}.*"))}


def test_a_cached_chart_publishes_the_bytes_of_a_drawn_one(tables, cache):
    rows = _killed(tables)
    drawn = ranges.claim_ranges(rows, "Fixture event")
    assert isinstance(drawn.fig, Figure)
    first = _published(tables, drawn, "ranges", cache)
    again = ranges.claim_ranges(rows, "Fixture event")
    assert figcache.is_cached(again.fig)
    assert (again.title, again.caption, again.alt, again.source_ids) == \
        (drawn.title, drawn.caption, drawn.alt, drawn.source_ids)
    assert _published(tables, again, "ranges", cache) == first


def test_a_changed_row_redraws_that_chart_only(tables, cache):
    rows = _killed(tables)
    energy = select.milestones(tables, {})
    ranges.claim_ranges(rows, "Fixture event")
    _published(tables, ranges.claim_ranges(rows, "Fixture event"), "ranges", cache)
    _published(tables, gantt.slippage_gantt(energy), "gantt", cache)
    changed = rows.copy()
    changed.loc[changed.index[-1], "best"] = 13
    assert isinstance(ranges.claim_ranges(changed, "Fixture event").fig, Figure)
    assert figcache.is_cached(ranges.claim_ranges(rows, "Fixture event").fig)
    assert figcache.is_cached(gantt.slippage_gantt(energy).fig)
    # an option is part of the key too
    assert isinstance(ranges.claim_ranges(rows, "Another title").fig, Figure)


def test_a_notebook_changing_the_words_does_not_change_the_cache(tables, cache):
    rows = _killed(tables)
    chart = ranges.claim_ranges(rows, "Fixture event")
    caption = chart.caption
    chart.caption += " Changed by the notebook."
    _published(tables, chart, "ranges", cache)
    assert ranges.claim_ranges(rows, "Fixture event").caption == caption


def test_without_the_build_nothing_is_cached(tables, cache, monkeypatch):
    monkeypatch.delenv(figcache.ENV)
    rows = _killed(tables)
    _published(tables, ranges.claim_ranges(rows, "Fixture event"), "ranges", cache)
    assert isinstance(ranges.claim_ranges(rows, "Fixture event").fig, Figure)
    assert not figcache.folder().exists()
    monkeypatch.setenv(figcache.ENV, "0")  # --no-cache: written, never read
    _published(tables, ranges.claim_ranges(rows, "Fixture event"), "ranges", cache)
    assert list(figcache.folder().glob("*.pkl"))
    assert isinstance(ranges.claim_ranges(rows, "Fixture event").fig, Figure)


def test_the_key_follows_rows_options_and_code(tables, monkeypatch):
    rows = _killed(tables)
    func = ranges.claim_ranges.__wrapped__
    key = fingerprint.figure_key(func, (rows, "T"), {})
    assert key == fingerprint.figure_key(func, (rows.copy(), "T"), {})
    assert key != fingerprint.figure_key(func, (rows.iloc[:1], "T"), {})
    assert key != fingerprint.figure_key(func, (rows, "T"), {"estimate": "low"})
    assert fingerprint.figure_key(func, (rows, object()), {}) is None  # cannot be keyed: drawn
    fingerprint.module_code.cache_clear()
    monkeypatch.setattr(fingerprint, "environment", lambda lock=None: "another lock")
    try:
        assert key != fingerprint.figure_key(func, (rows, "T"), {})
    finally:
        fingerprint.module_code.cache_clear()


def test_a_chart_given_a_cutoff_is_keyed_by_its_date(tables):
    rows = _killed(tables)
    func = gantt.slippage_gantt.__wrapped__
    key = fingerprint.figure_key(func, (rows, "T"), {"as_of": dates.Cutoff.of("2013-01")})
    assert key is not None
    assert key == fingerprint.figure_key(func, (rows, "T"), {"as_of": dates.Cutoff.of("2013-01")})
    assert key != fingerprint.figure_key(func, (rows, "T"), {"as_of": dates.Cutoff.of("2013-02")})
    assert key != fingerprint.figure_key(func, (rows, "T"), {"as_of": None})


@pytest.mark.slow
def test_a_build_reusing_figures_equals_a_cold_build(full_report, khorog_day3_report, tmp_path):
    """`-p as_of 2012-07-26` on the cache of a default build (which the --no-cache build
    filled without reading) redraws only the figures the date changes, and publishes the
    same files, byte for byte, as the cold build of that date."""
    import json
    import shutil
    import subprocess

    from conftest import PYTHON, REPO, RUN_TIMEOUT, base_env

    cache = tmp_path / "cache"
    shutil.copytree(full_report.cache, cache)
    before = {p.name for p in (cache / "figures").glob("*.pkl")}
    assert before, "the default build stored no figure"
    out = tmp_path / "report"
    done = subprocess.run([PYTHON, "-m", "borderland", "build", "--out", str(out),
                           "-p", "as_of", "2012-07-26"], cwd=REPO, capture_output=True, text=True,
                          env=base_env(BORDERLAND_CACHE_DIR=str(cache)), timeout=RUN_TIMEOUT,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    drawn = {p.name for p in (cache / "figures").glob("*.pkl")} - before
    shown = list((out / "figures").glob("*/*.svg"))
    assert len(drawn) < len(shown), "no figure came from the cache"

    def files(report):
        return json.loads((report / "manifest.json").read_text())["files"]
    warm, cold = files(out), files(khorog_day3_report.out)
    assert sorted(warm) == sorted(cold)
    assert [f for f in warm if warm[f] != cold[f]] == []
