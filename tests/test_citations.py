"""Citations travel as data: a figure's or table's id and sources are read from the executed
notebook's output metadata, never from the markup (no kernel: notebooks written by hand)."""
from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from borderland import output
from borderland.render import (
    cited_sources,
    figures_citing,
    notebook_section,
    section_from_html,
    split_annex,
)

SOURCES = pd.DataFrame({"source_id": ["a-2010", "b-2011", "c-2012", "d-2013", "relay"],
                        "via": [None, None, None, "relay", None]})


def _output(html: str, metadata: dict) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "x"},
                                  metadata={"text/html": metadata})


def _notebook(tmp_path, figure_markup: str, table_markup: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Chapter\n\nAs [A (2010)](#source-a-2010) said."),
        nbformat.v4.new_code_cell("show(chart)", outputs=[_output(
            figure_markup, output.cited("figure", "fig-ch-one", ["b-2011", "d-2013"], None, 3))]),
        nbformat.v4.new_code_cell("show(table)", outputs=[_output(
            table_markup, output.cited("table", None, ["c-2012"], "Every row", 40))]),
    ]
    path = tmp_path / "ch.ipynb"
    nbformat.write(nb, path)
    rendered = notebook_section(path, show_code=False)
    return section_from_html(rendered["body"], "ch", rendered["items"], rendered["links"])


@pytest.mark.parametrize("figure_markup, table_markup", [
    ('<figure class="bl-figure" id="fig-ch-one"><img src="data:," alt="x"></figure>',
     '<div class="bl-table-wrap"><table class="bl-table"></table></div>'),
    ('<div class="something-else"><img alt="x" src="data:,"></div>',
     '<section data-whatever="1"><p>rows</p></section>'),
])
def test_citations_survive_any_markup(tmp_path, figure_markup, table_markup):
    section = _notebook(tmp_path, figure_markup, table_markup)
    chapters, annex = split_annex([section])
    assert figures_citing(chapters) == {"b-2011": [(1, "fig-ch-one")],
                                        "d-2013": [(1, "fig-ch-one")]}
    # the report cites its text and figure (and the document a relayed outlet was read in)
    assert cited_sources(chapters, SOURCES) == ["a-2010", "b-2011", "d-2013", "relay"]
    assert [(t.title, t.rows, t.sources) for t in annex] == [("Every row", 40, ["c-2012"])]
    assert cited_sources(chapters, SOURCES, annex) == ["a-2010", "b-2011", "c-2012", "d-2013",
                                                       "relay"]
    # the annex item left the chapter, a link to it took its place
    assert "rows</p>" not in chapters[0].body and "bl-table" not in chapters[0].body
    assert 'href="annex.html#annex-a1"' in chapters[0].body


def test_publish_functions_attach_their_citations():
    sources = SOURCES.assign(publisher="P", published="2010")
    ids = ["b-2011", "a-2010"]
    shown = output.show_table(pd.DataFrame({"a": [1, 2]}), caption="Two.", source_ids=ids,
                              sources=sources, annex="All rows", total=9)
    _, metadata = shown._repr_html_()
    assert metadata == {"borderland": {"kind": "table", "id": None, "sources": sorted(ids),
                                       "annex": "All rows", "rows": 9}}
