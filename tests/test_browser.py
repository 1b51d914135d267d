"""The report as a reader meets it: opened from disk in headless Chromium, and printed.

Chromium is started the way the build starts it (`borderland.pdf.launch`: Debian's
browser, --no-sandbox, no background networking, every host name mapped to nothing).
Every request the page makes is recorded (and anything but the file itself or a data:
URL is refused); console errors, page errors and dialogs are recorded too. Screenshots
at 375 px and 1280 px are saved beside the full report's build as artifacts.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import Project, leftovers, normal, pdf_pages, report_is_whole, section_titles

pytestmark = pytest.mark.slow

A4 = (595.28, 841.89)  # points


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    from borderland import pdf

    with sync_playwright() as pw:
        browser = pdf.launch(pw)
        yield browser
        browser.close()


class Visit:
    """One page opened from disk, with everything it did recorded."""

    def __init__(self, browser, path: Path, width: int = 1280, height: int = 900):
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           java_script_enabled=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _route(self, route):
        url = route.request.url
        if url == self.url or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def visit(browser, full_report):
    v = Visit(browser, full_report.html)
    yield v
    v.close()


# --------------------------------------------------------------------------- the full report


def test_no_request_leaves_the_file(visit):
    assert visit.requests and visit.requests[0] == visit.url
    assert visit.foreign_requests() == []


def test_no_console_or_page_errors_and_no_dialogs(visit):
    assert visit.console_errors == []
    assert visit.page_errors == []
    assert visit.dialogs == []


def test_every_figure_is_rendered(visit):
    images = visit.page.eval_on_selector_all(
        "img", "els => els.map(e => ({src: e.src.slice(0, 40), alt: e.alt, complete: e.complete,"
               " w: e.naturalWidth, h: e.naturalHeight}))")
    assert images, "the report has no images"
    broken = [i for i in images if not (i["complete"] and i["w"] > 0 and i["h"] > 0)]
    assert not broken, broken[:5]
    assert all(i["alt"].strip() for i in images), "an image without alt text"
    boxes = visit.page.eval_on_selector_all(
        "svg", "els => els.filter(e => !e.parentElement.closest('svg')).map(e => {"
               " const b = e.getBBox(); return {w: b.width, h: b.height}; })")
    assert all(b["w"] > 0 and b["h"] > 0 for b in boxes), boxes


def test_every_table_of_contents_and_source_link_resolves(visit):
    targets = visit.page.eval_on_selector_all(
        "a[href^='#']", "els => els.map(e => ({href: e.getAttribute('href'),"
                        " toc: !!e.closest('nav.toc'), source: e.classList.contains('bl-source'),"
                        " ok: !!document.getElementById(decodeURIComponent("
                        "e.getAttribute('href').slice(1)))}))")
    toc = [t for t in targets if t["toc"]]
    assert toc
    # Source lines link into the annex's bibliography (test_annex checks each entry is there)
    sources = visit.page.eval_on_selector_all("a.bl-source", "els => els.map(e => e.getAttribute('href'))")
    assert sources and all(h.startswith("annex.html#source-") for h in sources), sources[:5]
    broken = [t["href"] for t in targets if not t["ok"]]
    assert not broken, f"links to nothing: {broken[:10]}"
    # every section is in the table of contents
    sections = visit.page.eval_on_selector_all("section.report-section", "els => els.map(e => e.id)")
    assert {f"#{s}" for s in sections} <= {t["href"] for t in toc}


def test_only_http_links_leave_the_page(visit):
    hrefs = visit.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    bad = [h for h in hrefs if not re.match(r"^(#|https?://|annex\.html(#|$)|data:text/csv;)", h)]
    assert not bad, bad[:10]


@pytest.mark.parametrize("width", [375, 1280])
def test_readable_at_phone_and_desktop_width(browser, full_report, width):
    v = Visit(browser, full_report.html, width=width)
    try:
        overflow = v.page.evaluate("""() => {
            const vw = document.documentElement.clientWidth;
            const out = [];
            for (const el of document.body.querySelectorAll('*')) {
                if (el.closest('.bl-table-wrap') && !el.matches('.bl-table-wrap')) continue;
                const r = el.getBoundingClientRect();
                if (r.width === 0 || r.height === 0) continue;
                if (r.right > vw + 1 || r.left < -1)
                    out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}`
                             + `..${Math.round(r.right)}`);
            }
            return {vw, scroll: document.documentElement.scrollWidth, out: out.slice(0, 20)};
        }""")
        # screenshots (artifacts for a person to look at): the title page, the first figure,
        # the first table; a full-page shot of the whole report takes minutes to rasterise
        shots = {"top": None, "figure": "figure.bl-figure", "table": ".bl-table-wrap"}
        for name, selector in shots.items():
            path = full_report.artifacts / f"report-{width}px-{name}.png"
            if selector is None:
                v.page.screenshot(path=str(path))
            elif v.page.locator(selector).count():
                v.page.locator(selector).first.screenshot(path=str(path))
        assert (full_report.artifacts / f"report-{width}px-top.png").stat().st_size > 0
        assert overflow["scroll"] <= overflow["vw"], overflow
        assert not overflow["out"], overflow
    finally:
        v.close()


# --------------------------------------------------------------------------- the PDF


def test_pdf_page_count_is_within_bounds(full_report):
    from pypdf import PdfReader


    pages = len(PdfReader(full_report.pdf).pages)
    assert 20 <= pages <= 40, pages  # the report stays short; full listings are in the annex
    annex = len(PdfReader(full_report.out / "annex.pdf").pages)
    assert annex > 10, annex


def test_pdf_holds_every_heading_and_caption(full_report):
    from bs4 import BeautifulSoup


    # a caption may run on to the next page: drop the page footers ("Borderland", "4 / 38")
    pages = [re.sub(r"(?m)^\s*(Borderland|\d+ / \d+)\s*$", "", page)
             for page in pdf_pages(full_report.pdf)]
    text = normal(" ".join(pages))
    soup = BeautifulSoup(full_report.html.read_text(encoding="utf-8"), "html.parser")
    wanted = [h.get_text(" ", strip=True) for h in soup.select("main h1, main h2")]
    wanted += [c.get_text(" ", strip=True) for c in soup.select("figcaption .bl-caption")]
    assert len(wanted) > 10
    missing = [w for w in wanted if normal(w) not in text]
    assert not missing, f"not in the PDF text: {missing[:5]}"
    figures = len(soup.select("figure"))
    assert len(re.findall(r"Figure \d+\.", text)) >= figures


def test_text_inside_the_figures_can_be_searched_in_the_pdf(full_report):
    """Figures keep their text as text (svg.fonttype none), so a reader can search the PDF
    for a name on an axis or in a chart's title, and copy it."""
    import base64
    import xml.etree.ElementTree as ET

    from bs4 import BeautifulSoup

    text = normal(" ".join(pdf_pages(full_report.pdf)))
    soup = BeautifulSoup(full_report.html.read_text(encoding="utf-8"), "html.parser")
    titles = []
    for img in soup.select("figure img[src^='data:image/svg+xml;base64,']"):
        svg = ET.fromstring(base64.b64decode(img["src"].split(",", 1)[1]))
        words = [" ".join(t.itertext()).strip() for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert words, f"{img.find_parent('figure')['id']}: no text elements in the SVG"
        titles.append(max(words, key=len))
    assert len(titles) > 10
    missing = [t for t in titles if normal(t) not in text]
    assert not missing, f"figure text not found in the PDF text: {missing[:5]}"


def test_pdf_is_tagged_and_its_outline_lists_every_section_and_subheading(full_report):
    """Screen readers get a tagged PDF in the report's language; every viewer gets a
    bookmark per section and subheading, with each word of the heading kept apart."""
    from pypdf import PdfReader

    reader = PdfReader(full_report.pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert root.get("/Lang") == "en"

    def titles(items) -> list:
        out = []
        for item in items:
            out.append(titles(item) if isinstance(item, list) else normal(item.title))
        return out

    outline = titles(reader.outline)
    flat = [t for t in outline if isinstance(t, str)]
    nested = [t for group in outline if isinstance(group, list) for t in group]
    for title, subheadings in section_titles(full_report.html):
        assert normal(title) in flat, f"section {title!r} is not in the PDF outline"
        for sub in subheadings:
            assert normal(sub) in nested, f"subheading {sub!r} is not in the PDF outline"


def test_pdf_pages_are_a4_at_most(full_report):
    from pypdf import PdfReader

    sizes = {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
             for p in PdfReader(full_report.pdf).pages}
    assert all(w <= A4[0] + 0.5 and h <= A4[1] + 0.5 for w, h in sizes), sizes


def test_pdf_fonts_are_embedded(full_report):
    out = subprocess.run(["pdffonts", str(full_report.pdf)], capture_output=True, text=True,
                         timeout=120, check=True).stdout.splitlines()
    header = out[0]
    column = header.index("emb")
    rows = out[2:]
    assert rows, "no fonts at all?"
    not_embedded = [r for r in rows if r[column:column + 3].strip() != "yes"]
    assert not not_embedded, not_embedded


# --------------------------------------------------------------------------- hostile text

PAYLOADS = {
    "script": "<script>window.__pwned = 'script'; alert('script')</script>",
    "img": "<img src=x onerror=\"window.__pwned='img'; alert('img')\">",
    "svg": "<svg onload=\"window.__pwned='svg'; alert('svg')\"></svg>",
    "link": "<a href=\"javascript:window.__pwned='link'\">click</a>",
    "style": "<style>body{display:none}</style>",
}


def _inject(project: Project) -> None:
    """Put the payloads into the text the test notebook shows: events and their sources."""
    header, rows = project.read_table("events")
    cited = sorted({r[header.index("source_id")] for r in rows})[:2]
    for i, row in enumerate(rows[:3]):
        row[header.index("name")] = f"Event {i} {PAYLOADS['script']}"
        row[header.index("summary")] = f"{PAYLOADS['img']} {PAYLOADS['svg']} {PAYLOADS['link']}"
        row[header.index("place")] = PAYLOADS["style"]
    project.write_table("events", header, rows)
    header, rows = project.read_table("sources")
    for row in rows:
        if row[0] in cited:
            row[header.index("title")] = f"Title {PAYLOADS['script']}"
            row[header.index("publisher")] = f"Publisher {PAYLOADS['img']}"
            row[header.index("author")] = PAYLOADS["link"]
    project.write_table("sources", header, rows)


def test_html_in_the_data_is_shown_as_text_and_never_runs(built_project: Project, browser):
    p = built_project
    _inject(p)
    result = p.run("build", "--only", "02-casualties", "--format", "html", "--out", str(p.report))
    assert result.returncode == 0, result.stderr
    report_is_whole(p.report)
    assert leftovers(p.report) == []
    v = Visit(browser, p.report / "index.html")
    try:
        assert v.foreign_requests() == []  # an <img src=x> element would have asked for x
        assert v.dialogs == [] and v.page_errors == []
        assert v.page.evaluate("() => window.__pwned === undefined")
        assert v.page.evaluate("() => getComputedStyle(document.body).display") != "none"
        body = v.page.inner_text("body")
        for payload in PAYLOADS.values():
            assert payload in body, f"not shown as text: {payload}"
        hrefs = v.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert all(re.match(r"^(#|https?://|annex\.html(#|$)|data:text/csv;)", h) for h in hrefs), hrefs
        counts = v.page.evaluate("""() => ({
            scripts: document.querySelectorAll('script').length,
            onerror: document.querySelectorAll('[onerror], [onload], [onclick]').length,
            svgs: document.querySelectorAll('svg').length})""")
        assert counts == {"scripts": 0, "onerror": 0, "svgs": 0}, counts
    finally:
        v.close()


def test_only_http_urls_become_links_in_the_bibliography(tmp_path, browser):
    """Validation refuses a javascript: url; were one to get through, it stays text."""
    import pandas as pd

    from borderland.render import Section, render_annex

    sources = pd.DataFrame([
        {"source_id": sid, "title": f"Document {sid}", "publisher": f"Publisher {sid}",
         "author": "", "published": "2012-07-25", "url": url, "via": None}
        for sid, url in [("doc-http", "http://example.org/a"), ("doc-https", "https://example.org/b"),
                         ("doc-js", "javascript:window.__pwned='bib'"),
                         ("doc-data", "data:text/html,<script>window.__pwned='data'</script>"),
                         ("doc-vb", " JaVaScRiPt:window.__pwned='mixed'"),
                         ("doc-file", "file:///etc/passwd")]])
    body = " ".join(f'<a class="bl-source" href="#source-{sid}">{sid}</a>'
                    for sid in sources["source_id"])
    section = Section("01-test", "Test", "section-01-test", f"<h1>Test</h1><p>{body}</p>",
                      links=list(sources["source_id"]))  # citations travel as data
    meta = {"title": "T", "subtitle": "S", "version": "0", "data_as_of": "2012",
            "edition_date": "2012", "commit": "c", "data_hash": "0" * 64, "scenario": "",
            "parameters": []}
    path = tmp_path / "annex.html"  # the bibliography is the annex's
    path.write_text(render_annex([section], sources, meta), encoding="utf-8")
    v = Visit(browser, path)
    try:
        links = v.page.eval_on_selector_all("a.bib-url", "els => els.map(e => e.getAttribute('href'))")
        assert sorted(links) == ["http://example.org/a", "https://example.org/b"]
        assert v.page.evaluate("() => window.__pwned === undefined")
        assert v.foreign_requests() == [] and v.dialogs == []
    finally:
        v.close()
