"""The words for data values: slugs, tolls, sides, spans and lists as the report prints them."""
from __future__ import annotations

import pandas as pd

from borderland import wording


def _figure(qualifier="exact", low=None, best=None, high=None, **values):
    return pd.Series({"qualifier": qualifier, "low": low, "best": best, "high": high, **values})


def test_pretty_names():
    assert wording.pretty("tajik-forces-gbao") == "Tajik forces in GBAO"
    assert wording.pretty("casa-1000", capital=True) == "CASA-1000"
    assert wording.pretty("security-forces", capital=True) == "Security forces"
    assert wording.pretty("gbao_csto-rogun") == "GBAO CSTO Rogun"
    assert wording.pretty("Ovchi-Qalacha clash, 2019") == "Ovchi-Qalacha clash, 2019"  # a name
    assert wording.pretty("GBAO arrests, 2022-2024 · CASA-1000") == \
        "GBAO arrests, 2022-2024 · CASA-1000"


def test_upper_first_keeps_the_rest_as_written():
    assert wording.upper_first("russia's 201st base, CSTO") == "Russia's 201st base, CSTO"
    assert wording.upper_first("") == ""


def test_and_list():
    assert wording.and_list(["a"]) == "a"
    assert wording.and_list(["a", "b"]) == "a and b"
    assert wording.and_list(["a", "b", "c"]) == "a, b and c"


def test_a_toll_label_says_when_it_is_low_rated_or_partial():
    row = _figure(best=7, party="armed-group", scope="incident", reliability="low",
                  claimant="Agency")
    assert wording.toll_text(row) == "7 fighters killed, one incident, low-rated"
    assert wording.toll_text(row, short=True) == "7 fighters, one incident, low-rated"
    whole = pd.Series({**row, "scope": "whole", "reliability": "high", "party": "all"})
    assert wording.toll_text(whole) == "7 killed"
    assert wording.toll_text(whole, short=True) == "7 dead"


def test_a_toll_of_one_is_singular():
    assert wording.toll_text(_figure(best=1, party="civilians")) == "1 civilian killed"
    assert wording.toll_text(_figure(best=1, party="security-forces"), short=True) == \
        "1 member of the security forces"
    assert wording.toll_text(_figure(best=2, party="civilians")) == "2 civilians killed"


def test_a_cited_toll_names_its_side_after_the_figure_and_its_claimant():
    side = _figure(best=15, party="armed-group", scope="incident", claimant="RIA Novosti")
    assert wording.toll_text(side, cited=True) == "15 killed, fighters only, per RIA Novosti"
    every = _figure(qualifier="at_least", low=81, party="all", claimant="Al Jazeera")
    assert wording.toll_text(every, cited=True) == "≥81 killed, per Al Jazeera"


def test_side_words():
    assert wording.side_words("security-forces", "TJ") == "among Tajik security forces"
    assert wording.side_words("all", "KG") == "on the Kyrgyz side"
    assert wording.side_words("all", None) == "of all sides"
    assert wording.side_words("civilians", "Narnia") == "among Narnia civilians"


def test_span_runs_from_the_lowest_to_the_highest_figure_as_stated():
    low, high = _figure(qualifier="range", low=42, high=60), _figure(qualifier="about", best=200)
    assert wording.span(low, high) == "42–60 to ~200"
    assert wording.span(low, high, bounds=True) == "42 to ~200"
    assert wording.span(high, _figure(qualifier="range", low=150, high=250),
                        bounds=True) == "~200 to 250"
    assert wording.span(high, high.copy()) == "~200"
