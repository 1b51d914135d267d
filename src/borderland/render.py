"""Executed notebooks → one self-contained HTML report (nbconvert + our own templates).

Each notebook becomes a section (nbconvert with the `borderland_section` template:
no prompts, no scripts, code hidden unless asked); the sections, a title page, a
table of contents and a bibliography are assembled by `report.html.j2`. Nothing
in the output refers to a file or a server: images are data URIs, CSS is inline.
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
_HEADING = re.compile(r'<h([12])(?: id="([^"]*)")?>(.*?)</h\1>', re.DOTALL)
_SOURCE_LINK = re.compile(r'href="#source-([a-z0-9-]+)"')
_FIGURE = re.compile(r'<figure class="bl-figure" id="([^"]+)">.*?data-sources="([^"]*)"', re.DOTALL)
_DATA_SOURCES = re.compile(r'data-sources="([^"]*)"')
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="[^"]*">.*?</a>', re.DOTALL)
_ANNEX_ITEM = re.compile(r'<div class="bl-annex-item" data-annex="([^"]*)" data-rows="(\d+)">'
                         r'(.*?)</div><!--/bl-annex-->', re.DOTALL)
ANNEX_FILE = "annex.html"
REPORT_FILE = "index.html"


@dataclass
class Section:
    """One notebook as rendered for the report."""

    notebook: str
    title: str
    anchor: str
    body: str
    subheadings: list[dict] = field(default_factory=list)


def render_section(executed: Path, notebook: str, show_code: bool) -> Section:
    """nbconvert one executed notebook; make its heading ids unique within the report."""
    return section_from_html(notebook_html(executed, show_code), notebook)


def notebook_html(executed: Path, show_code: bool) -> str:
    """One executed notebook as HTML through the `borderland_section` template."""
    import nbformat

    body, _ = _exporter(show_code).from_notebook_node(nbformat.read(executed, as_version=4))
    return body


@functools.cache
def _exporter(show_code: bool):
    """One exporter per process and setting: its templates are compiled once."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="borderland_section", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input=not show_code, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="")


def section_from_html(body: str, notebook: str) -> Section:
    """A section from a notebook's HTML, its heading ids made unique within the report."""
    title, subheadings = notebook, []
    seen: set[str] = set()

    def relabel(match: re.Match) -> str:
        nonlocal title
        level, text = match.group(1), _ANCHOR_LINK.sub("", match.group(3))
        plain = re.sub(r"<[^>]+>", "", text).strip()
        anchor = _unique(f"{notebook}-{_slug(plain)}", seen)
        if level == "1" and title == notebook:
            title = html.unescape(plain)
        elif level == "2":
            subheadings.append({"title": html.unescape(plain), "anchor": anchor})
        return f'<h{level} id="{anchor}">{text}</h{level}>'

    body = _HEADING.sub(relabel, body)
    return Section(notebook, title, f"section-{notebook}", body, subheadings)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", html.unescape(text).lower()).strip("-") or "heading"


def _unique(anchor: str, seen: set[str]) -> str:
    candidate, n = anchor, 2
    while candidate in seen:
        candidate, n = f"{anchor}-{n}", n + 1
    seen.add(candidate)
    return candidate


@dataclass
class AnnexTable:
    """One full listing moved from a chapter to the annex."""

    number: int
    title: str
    rows: int
    anchor: str
    body: str
    chapter: str
    chapter_anchor: str


def split_annex(sections: list[Section]) -> tuple[list[Section], list[AnnexTable]]:
    """The chapters with each annex table replaced by a link to it, and the tables.

    Tables are numbered A1, A2... in reading order; each links back to its chapter.
    """
    tables: list[AnnexTable] = []
    out = []
    for section in sections:
        def move(match: re.Match, section=section) -> str:
            number = len(tables) + 1
            title, rows = html.unescape(match.group(1)), int(match.group(2))
            anchor = f"annex-a{number}"
            tables.append(AnnexTable(number, title, rows, anchor, match.group(3),
                                     section.title, section.anchor))
            kind = "chart" if match.group(3).lstrip().startswith("<figure") else "listing"
            return (f'<p class="bl-annex-ref" id="ref-{anchor}">The full {kind}, '
                    f'{html.escape(title)} ({rows:,} rows), is <a href="{ANNEX_FILE}#{anchor}">'
                    f"{'figure' if kind == 'chart' else 'table'} A{number} of the annex</a>."
                    "</p>")
        out.append(Section(section.notebook, section.title, section.anchor,
                           _ANNEX_ITEM.sub(move, section.body), section.subheadings))
    return out, tables


def cited_sources(sections: list[Section], sources: pd.DataFrame) -> list[str]:
    """source_ids linked from the sections, plus the documents those outlets were read in."""
    cited = {sid for s in sections for sid in _SOURCE_LINK.findall(s.body)}
    cited |= {sid for s in sections for ids in _DATA_SOURCES.findall(s.body) for sid in ids.split()}
    via = sources.set_index("source_id")["via"].dropna()
    cited |= {via[sid] for sid in cited if sid in via.index}
    return sorted(cited & set(sources["source_id"]))


def figures_citing(sections: list[Section]) -> dict[str, list[tuple[int, str]]]:
    """source_id -> [(figure number, figure anchor)], numbering figures in reading order."""
    citing: dict[str, list[tuple[int, str]]] = {}
    figures = [m for s in sections for m in _FIGURE.findall(s.body)]
    for number, (anchor, ids) in enumerate(figures, start=1):
        for sid in html.unescape(ids).split():
            citing.setdefault(sid, []).append((number, anchor))
    return citing


def bibliography(source_ids: list[str], sources: pd.DataFrame,
                 citing: dict[str, list[tuple[int, str]]] | None = None,
                 figure_file: str = "") -> list[dict]:
    """Entries for the cited sources, ordered by publisher then date; only http(s) links.

    Each entry's `figures` are (number, link) of the figures citing it, in `figure_file`."""
    citing = citing or {}
    rows = sources.set_index("source_id")
    entries = []
    for sid in source_ids:
        row = rows.loc[sid]
        url = row["url"] if isinstance(row["url"], str) and re.match(r"^https?://", row["url"]) else None
        via = row["via"] if isinstance(row["via"], str) else None
        entries.append({
            "source_id": sid, "publisher": row["publisher"], "author": row["author"] or "",
            "published": row["published"] or "", "title": row["title"], "url": url, "via": via,
            "via_label": rows.loc[via, "publisher"] if via in rows.index else via,
            "figures": [(n, f"{figure_file}#{a}") for n, a in citing.get(sid, [])],
        })
    return sorted(entries, key=lambda e: (e["publisher"].lower(), e["published"], e["source_id"]))


def nest_relays(entries: list[dict]) -> list[dict]:
    """Entries with each relayed outlet listed under the document we read it in."""
    by_id = {e["source_id"]: e for e in entries}
    top = []
    for entry in entries:
        entry.setdefault("relays", [])
    for entry in entries:
        host = by_id.get(entry["via"]) if entry["via"] else None
        (host["relays"] if host else top).append(entry)
    return top


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]),
                       keep_trailing_newline=True)


LEAD_HEADING = "Key findings"
ANNEX_CHAPTERS = ("07-methodology",)  # chapters printed in the annex, after its listings


def split_chapters(sections: list[Section]) -> tuple[list[Section], list[Section]]:
    """(the report's chapters, the chapters that go to the annex: `ANNEX_CHAPTERS`)."""
    return ([s for s in sections if s.notebook not in ANNEX_CHAPTERS],
            [s for s in sections if s.notebook in ANNEX_CHAPTERS])


def split_lead(sections: list[Section]) -> tuple[list[Section], str]:
    """The first section's "Key findings" (its heading and what follows, up to the next
    heading of its level or above), moved out for the title page; the sections without it."""
    if not sections:
        return sections, ""
    first = sections[0]
    start = re.search(rf'<h2 id="[^"]*">{LEAD_HEADING}</h2>', first.body)
    if start is None:
        return sections, ""
    end = re.compile(r"<h[12][ >]").search(first.body, start.end())
    stop = end.start() if end else len(first.body)
    lead = first.body[start.end():stop]
    trimmed = Section(first.notebook, first.title, first.anchor,
                      first.body[:start.start()] + first.body[stop:],
                      [s for s in first.subheadings if s["title"] != LEAD_HEADING])
    return [trimmed, *sections[1:]], lead


def render_report(sections: list[Section], sources: pd.DataFrame, meta: dict) -> str:
    """The whole report as one HTML string: the key findings on the title page, annex
    tables replaced by links to the annex, Source lines linking to the annex's
    bibliography."""
    sections, moved = split_chapters(sections)
    sections, annex = split_annex(sections)
    cited = cited_sources(sections, sources)
    listed = cited_sources([*moved, *(Section("annex", "Annex", "annex", t.body) for t in annex)],
                           sources)
    sections, lead = split_lead(sections)
    for section in sections:
        body = section.body.replace('href="#source-', f'href="{ANNEX_FILE}#source-')
        section.body = Markup(body.replace('href="#bibliography"',
                                           f'href="{ANNEX_FILE}#bibliography"'))
    return _environment().get_template("report.html.j2").render(
        sections=sections, annex=annex, annex_file=ANNEX_FILE, cited=len(cited),
        cited_with_annex=len(set(cited) | set(listed)), annex_chapters=moved,
        lead=Markup(lead.replace('href="#source-', f'href="{ANNEX_FILE}#source-')),
        css=Markup((TEMPLATES / "report.css").read_text()), **meta)


def render_annex(sections: list[Section], sources: pd.DataFrame, meta: dict) -> str:
    """The annex as one HTML string: every full listing, linked back to its chapter, and
    the bibliography of every document the report and the listings cite (its figure
    numbers link to the report's figures)."""
    chapters, moved = split_chapters(sections)
    chapters, tables = split_annex(chapters)
    listed = [Section("annex", "Annex", "annex", t.body) for t in tables]
    cited = sorted(set(cited_sources(chapters, sources)) | set(cited_sources(listed, sources))
                   | set(cited_sources(moved, sources)))
    for table in tables:
        table.body = Markup(table.body)
    for chapter in moved:
        chapter.body = Markup(chapter.body)
    return _environment().get_template("annex.html.j2").render(
        tables=tables, chapters=moved, report_file=REPORT_FILE,
        bibliography=nest_relays(bibliography(cited, sources, figures_citing(chapters),
                                              figure_file=REPORT_FILE)),
        css=Markup((TEMPLATES / "report.css").read_text()), **meta)
