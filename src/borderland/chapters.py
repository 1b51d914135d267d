"""One chapter's context: its parameters checked once, the tables, and how it shows charts.

A report notebook starts with its papermill `parameters` cell (plain literals, each
documented in `params.PARAMETERS`), then one line::

    ch = borderland.chapter("02-casualties", globals())

which reads the values that cell set, checks them (`params.check`: one clear error naming
the parameter; `as_of` and `since` become `dates.Cutoff`s), loads the validated tables and
returns them with the chapter's publisher of charts (`show`) and of listings (`table`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import output, params
from .load import Tables, load_tables

if TYPE_CHECKING:
    from .listing import Listing


@dataclass
class Chapter:
    """What a chapter's cells work from."""

    notebook: str
    tables: Tables
    p: dict[str, Any]  # the checked parameters, defaults filled in
    show: Callable  # show(chart, name[, annex=TITLE]): publish a chart (`charts.base.publish`)

    def table(self, listed: Listing, *, caption: str, annex: str | None = None):
        """Show a listing with `caption` (saying how many rows it lists, when cut) and its
        documents; `annex`: its title in the annex, where the report then moves it."""
        return output.show_table(listed.rows, caption=listed.caption(caption),
                                 source_ids=listed.source_ids, sources=self.tables.sources,
                                 total=listed.total, annex=annex)


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
