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

from .output import METADATA_KEY

TEMPLATES = Path(__file__).parent / "templates"
_HEADING = re.compile(r'<h([12])(?: id="([^"]*)")?>(.*?)</h\1>', re.DOTALL)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="[^"]*">.*?</a>', re.DOTALL)
# A citation in Markdown (narrative text, context.md): [Publisher (date)](#source-ID)
_MARKDOWN_CITATION = re.compile(r"\]\(#source-([a-z0-9-]+)\)")
ANNEX_FILE = "annex.html"
REPORT_FILE = "index.html"


@dataclass
class Section:
    """One notebook as rendered for the report.

    `items`: its figures and tables in reading order, as their output metadata says
    (kind, id, sources, annex, rows; an annex item also its `body` and `slot`, the
    placeholder it leaves in `body`); `links`: the source ids its Markdown cites."""

    notebook: str
    title: str
    anchor: str
    body: str
    subheadings: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def notebook_section(executed: Path, show_code: bool) -> dict:
    """One executed notebook as HTML through the `borderland_section` template, with what it
    cites read from the notebook itself: {"body", "items", "links"} (see `Section`).

    An item the annex holds leaves a placeholder in `body`, which `split_annex` replaces
    by a link to the annex."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    items, links = [], []
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.id = f"{executed.stem}-parameters"  # papermill's is random: same report, same bytes
        if cell.cell_type == "markdown":
            links += _MARKDOWN_CITATION.findall(cell.source)
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                links += _MARKDOWN_CITATION.findall(_text(data["text/markdown"]))
            item = out.get("metadata", {}).get("text/html", {}).get(METADATA_KEY)
            if not item or "text/html" not in data:
                continue
            item = dict(item)
            if item.get("annex"):
                item["slot"] = f"<!--borderland-annex-{len(items)}-->"
                item["body"] = _as_exported(_text(data["text/html"]))
                data["text/html"] = item["slot"]
            items.append(item)
    body, _ = _exporter(show_code).from_notebook_node(nb)
    return {"body": body, "items": items, "links": sorted(set(links))}


def _as_exported(fragment: str) -> str:
    """`fragment` serialised as the exporter serialises the notebook's HTML (BeautifulSoup's
    html.parser), so that an item moved to the annex reads as it would have in its chapter."""
    from bs4 import BeautifulSoup

    return str(BeautifulSoup(fragment, features="html.parser"))


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


@functools.cache
def _exporter(show_code: bool):
    """One exporter per process and setting: its templates are compiled once."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="borderland_section", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input=not show_code, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="")


def section_from_html(body: str, notebook: str, items: list[dict] | None = None,
                      links: list[str] | None = None) -> Section:
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
    return Section(notebook, title, f"section-{notebook}", body, subheadings, list(items or []),
                   list(links or []))


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
    sources: list[str] = field(default_factory=list)


def split_annex(sections: list[Section]) -> tuple[list[Section], list[AnnexTable]]:
    """The chapters with each annex table replaced by a link to it, and the tables.

    Tables are numbered A1, A2... in reading order; each links back to its chapter.
    """
    tables: list[AnnexTable] = []
    out = []
    for section in sections:
        body, kept = section.body, []
        for item in section.items:
            if not item.get("annex"):
                kept.append(item)
                continue
            number = len(tables) + 1
            title, rows, anchor = item["annex"], item["rows"], f"annex-a{number}"
            tables.append(AnnexTable(number, title, rows, anchor, item["body"], section.title,
                                     section.anchor, list(item["sources"])))
            chart = item["kind"] == "figure"
            body = body.replace(item["slot"], (
                f'<p class="bl-annex-ref" id="ref-{anchor}">The full '
                f"{'chart' if chart else 'listing'}, {html.escape(title)} ({rows:,} rows), is "
                f'<a href="{ANNEX_FILE}#{anchor}">{"figure" if chart else "table"} A{number} of '
                "the annex</a>.</p>"), 1)
        out.append(Section(section.notebook, section.title, section.anchor, body,
                           section.subheadings, kept, section.links))
    return out, tables


def cited_sources(sections: list[Section], sources: pd.DataFrame,
                  annex: list[AnnexTable] = ()) -> list[str]:
    """source_ids cited by the sections' figures, tables and text (and by `annex`), plus the
    documents those outlets were read in."""
    cited = {sid for s in sections for sid in s.links}
    cited |= {sid for s in sections for item in s.items for sid in item["sources"]}
    cited |= {sid for table in annex for sid in table.sources}
    via = sources.set_index("source_id")["via"].dropna()
    cited |= {via[sid] for sid in cited if sid in via.index}
    return sorted(cited & set(sources["source_id"]))


def figures_citing(sections: list[Section]) -> dict[str, list[tuple[int, str]]]:
    """source_id -> [(figure number, figure anchor)], numbering figures in reading order."""
    citing: dict[str, list[tuple[int, str]]] = {}
    figures = [item for s in sections for item in s.items if item["kind"] == "figure"]
    for number, item in enumerate(figures, start=1):
        for sid in item["sources"]:
            citing.setdefault(sid, []).append((number, item["id"]))
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
    """(the report's chapters, the chapters that go to the annex: `ANNEX_CHAPTERS`), the
    latter with their full listings kept in place."""
    moved = []
    for section in (s for s in sections if s.notebook in ANNEX_CHAPTERS):
        body = section.body
        for item in section.items:
            if item.get("annex"):
                body = body.replace(item["slot"], item["body"], 1)
        moved.append(Section(section.notebook, section.title, section.anchor, body,
                             section.subheadings, section.items, section.links))
    return [s for s in sections if s.notebook not in ANNEX_CHAPTERS], moved


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
                      [s for s in first.subheadings if s["title"] != LEAD_HEADING],
                      first.items, first.links)
    return [trimmed, *sections[1:]], lead


def render_report(sections: list[Section], sources: pd.DataFrame, meta: dict) -> str:
    """The whole report as one HTML string: the key findings on the title page, annex
    tables replaced by links to the annex, `ANNEX_CHAPTERS` left to the annex, Source lines
    linking to the annex's bibliography."""
    sections, moved = split_chapters(sections)
    sections, annex = split_annex(sections)
    cited = cited_sources(sections, sources)
    with_annex = cited_sources([*sections, *moved], sources, annex)
    sections, lead = split_lead(sections)
    for section in sections:
        body = section.body.replace('href="#source-', f'href="{ANNEX_FILE}#source-')
        section.body = Markup(body.replace('href="#bibliography"',
                                           f'href="{ANNEX_FILE}#bibliography"'))
    return _environment().get_template("report.html.j2").render(
        sections=sections, annex=annex, annex_file=ANNEX_FILE, cited=len(cited),
        cited_with_annex=len(with_annex), annex_chapters=moved,
        lead=Markup(lead.replace('href="#source-', f'href="{ANNEX_FILE}#source-')),
        css=Markup((TEMPLATES / "report.css").read_text()), **meta)


def render_annex(sections: list[Section], sources: pd.DataFrame, meta: dict) -> str:
    """The annex as one HTML string: every full listing, linked back to its chapter, the
    `ANNEX_CHAPTERS`, and the bibliography of every document the report, the listings and
    those chapters cite (its figure numbers link to the report's figures)."""
    chapters, moved = split_chapters(sections)
    chapters, tables = split_annex(chapters)
    cited = cited_sources([*chapters, *moved], sources, tables)
    for table in tables:
        table.body = Markup(table.body)
    for chapter in moved:
        chapter.body = Markup(chapter.body)
    return _environment().get_template("annex.html.j2").render(
        tables=tables, chapters=moved, report_file=REPORT_FILE,
        bibliography=nest_relays(bibliography(cited, sources, figures_citing(chapters),
                                              figure_file=REPORT_FILE)),
        css=Markup((TEMPLATES / "report.css").read_text()), **meta)
