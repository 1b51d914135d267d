"""One chapter's context: its parameters checked once, the tables, and how it shows charts.

A report notebook starts with its papermill `parameters` cell (plain literals, each
documented in `params.PARAMETERS`), then one line::

    ch = borderland.chapter("02-casualties", globals())

which reads the values that cell set, checks them (`params.check`: one clear error naming
the parameter), loads the validated tables and returns them with the chapter's publisher.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import params
from .load import Tables, load_tables


@dataclass
class Chapter:
    """What a chapter's cells work from."""

    notebook: str
    tables: Tables
    p: dict[str, Any]  # the checked parameters, defaults filled in
    show: Callable  # show(chart, name[, annex=TITLE]): publish a chart (`charts.base.publish`)


def given(namespace: dict[str, Any]) -> dict[str, Any]:
    """The parameters a notebook's parameters cell (and papermill's injected cell) set:
    every name of `params.PARAMETERS` bound in `namespace`."""
    return {name: namespace[name] for name in params.PARAMETERS if name in namespace}


def chapter(notebook: str, namespace: dict[str, Any]) -> Chapter:
    """The context of `notebook`, from the parameters bound in `namespace` (its globals())."""
    from .charts.base import publisher

    tables = load_tables()
    checked = params.check(given(namespace), tables)
    return Chapter(notebook, tables, checked, publisher(notebook, tables, checked))
