"""The annex (full listings, bibliography) and the data behind each chart, in the real report."""
from __future__ import annotations

import base64
import csv
import io
import re

from conftest import soup_of


def test_every_annex_table_is_linked_both_ways(full_report):
    report, annex = soup_of(full_report.html), soup_of(full_report.out / "annex.html")
    refs = report.select('p.bl-annex-ref a[href^="annex.html#annex-a"]')
    tables = annex.select("section.annex-table")
    assert refs and len(refs) == len(tables), (len(refs), len(tables))
    anchors = {t["id"] for t in tables}
    assert {a["href"].split("#")[1] for a in refs} == anchors
    report_ids = {tag["id"] for tag in report.select("[id]")}
    for table in tables:
        back = [a["href"].split("#")[1] for a in table.select('p.annex-back a[href^="index.html#"]')]
        assert back and all(anchor in report_ids for anchor in back), table["id"]
    assert not report.select("table.bl-table caption:-soup-contains('Casualty statements')")


def test_every_source_line_points_at_an_entry_of_the_annex_bibliography(full_report):
    report, annex = soup_of(full_report.html), soup_of(full_report.out / "annex.html")
    entries = {li["id"] for li in annex.select("#bibliography li[id^=source-]")}
    links = [a["href"] for a in report.select("a.bl-source")]
    assert links and all(h.startswith("annex.html#source-") for h in links)
    assert {h.split("#")[1] for h in links} <= entries
    # each document once; a relayed outlet under the document it was read in
    ids = [li["id"] for li in annex.select("#bibliography li[id^=source-]")]
    assert len(ids) == len(set(ids))
    assert annex.select("#bibliography ul.bib-relays > li[id^=source-]")


def test_every_figure_offers_its_rows_as_csv_embedded_and_on_disk(full_report):
    report = soup_of(full_report.html)
    figures = report.select("figure.bl-figure")
    assert figures
    for figure in figures:
        link = figure.select_one("a.bl-download")
        assert link is not None, figure["id"]
        payload = base64.b64decode(link["href"].split("base64,", 1)[1])
        rows = list(csv.reader(io.StringIO(payload.decode("utf-8"))))
        stated = int(re.search(r"CSV, ([\d,]+) row", link.text).group(1).replace(",", ""))
        assert len(rows) - 1 == stated and stated > 0, figure["id"]
        notebook = figure.find_parent("section")["data-notebook"]
        name = figure["id"].removeprefix(f"fig-{notebook}-")
        on_disk = full_report.out / "data" / notebook / f"{name}.csv"
        assert on_disk.read_bytes() == payload, on_disk


def test_the_casualty_chart_csv_holds_statements(full_report):
    path = full_report.out / "data" / "02-casualties" / "ranges-khorog-2012-07.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    ids = [r["statement_id"] for r in rows]
    assert len(ids) == len(set(ids)), "one line per statement"
    assert any(int(r["reports"]) > 1 for r in rows)



def test_the_key_findings_open_the_first_page(full_report):
    from conftest import pdf_pages
    report = soup_of(full_report.html)
    lead = report.select_one("header.title-page section.lead")
    assert lead is not None and lead.find("h2").get_text(strip=True) == "Key findings"
    bullets = [li.get_text(" ", strip=True) for li in lead.select("li")]
    assert len(bullets) >= 3 and bullets[0].startswith("Since 2010 the deadliest episodes")
    overview = report.select_one("section#section-01-overview")
    assert "Key findings" not in [h.get_text(strip=True) for h in overview.select("h2")]
    assert report.select_one('nav.toc a[href="#key-findings"]') is not None
    first = pdf_pages(full_report.pdf)[0]
    assert "Key findings" in first and "deadliest episodes" in first


def test_the_methodology_is_printed_in_the_annex_and_linked_from_the_contents(full_report):
    report, annex = soup_of(full_report.html), soup_of(full_report.out / "annex.html")
    assert report.select_one("section#section-07-methodology") is None
    link = report.select_one('nav.toc a[href="annex.html#section-07-methodology"]')
    assert link is not None and link.get_text(strip=True) == "Methodology"
    chapter = annex.select_one("section.annex-chapter#section-07-methodology")
    assert chapter is not None and chapter.find("h1").get_text(strip=True) == "Methodology"
    assert annex.select_one('nav.toc a[href="#section-07-methodology"]') is not None
