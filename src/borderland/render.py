"""Executed notebooks → one self-contained HTML report (nbconvert + our own templates).

Each notebook becomes a section (nbconvert with the `borderland_section` template:
no prompts, no scripts, code hidden unless asked); the sections, a title page, a
table of contents and a bibliography are assembled by `report.html.j2`. Nothing
in the output refers to a file or a server: images are data URIs, CSS is inline.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
_HEADING = re.compile(r'<h([12])(?: id="([^"]*)")?>(.*?)</h\1>', re.S)
_SOURCE_LINK = re.compile(r'href="#source-([a-z0-9-]+)"')


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
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="borderland_section", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=not show_code, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    title, subheadings = notebook, []
    seen: set[str] = set()

    def relabel(match: re.Match) -> str:
        nonlocal title
        level, text = match.group(1), match.group(3)
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


def cited_sources(sections: list[Section], sources: pd.DataFrame) -> list[str]:
    """source_ids linked from the sections, plus the documents those outlets were read in."""
    cited = {sid for s in sections for sid in _SOURCE_LINK.findall(s.body)}
    via = sources.set_index("source_id")["via"].dropna()
    cited |= {via[sid] for sid in cited if sid in via.index}
    return sorted(cited & set(sources["source_id"]))


def bibliography(source_ids: list[str], sources: pd.DataFrame) -> list[dict]:
    """Entries for the cited sources, ordered by publisher then date; only http(s) links."""
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
        })
    return sorted(entries, key=lambda e: (e["publisher"].lower(), e["published"], e["source_id"]))


def render_report(sections: list[Section], sources: pd.DataFrame, meta: dict) -> str:
    """The whole report as one HTML string."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]),
                      keep_trailing_newline=True)
    cited = cited_sources(sections, sources)
    for section in sections:
        section.body = Markup(section.body)
    return env.get_template("report.html.j2").render(
        sections=sections, bibliography=bibliography(cited, sources),
        css=Markup((TEMPLATES / "report.css").read_text()), **meta)
