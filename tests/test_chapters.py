"""A chapter's context: the parameters its cell set, checked once, with tables and publisher."""
from __future__ import annotations

import pytest

import borderland
from borderland import chapters, params


def test_given_takes_only_the_parameters_a_cell_set():
    namespace = {"as_of": "2012-07-26", "min_reliability": "medium", "display": print,
                 "__name__": "__main__", "tables": None}
    assert chapters.given(namespace) == {"as_of": "2012-07-26", "min_reliability": "medium"}


def test_a_chapter_checks_its_parameters_once_and_fills_defaults():
    ch = borderland.chapter("02-casualties", {"as_of": "2012-07-26", "min_reliability": "medium"})
    assert ch.notebook == "02-casualties" and len(ch.tables.casualty_claims) > 100
    assert ch.p["as_of"] == "2012-07-26" and ch.p["min_reliability"] == "medium"
    assert callable(ch.show)


def test_a_bad_parameter_is_refused_naming_it():
    with pytest.raises(params.ParameterError, match="min_reliability"):
        borderland.chapter("02-casualties", {"min_reliability": "certain"})
