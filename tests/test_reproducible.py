"""Two clean builds of the same commit give the same report, byte for byte.

Both builds run with `--no-cache`, each with its own empty cache, into its own folder
(the session's `full_report` and `second_full_report`, built at the same time).

Identical: index.html, every figure file, the PDF (its text, and its bytes: Chromium's
/CreationDate and /ModDate, and the ids of the tagged PDF's structure elements
`(node00001344)`, which Chromium counts from a start that moves by one or so between
runs, are the only varying bytes, and the build pins both), and the manifest.
Not identical, by nature: the executed notebooks under executed/ carry papermill's and
nbclient's timings (start and end times, durations) and the paths they were run from;
with those fields removed they are identical too. The report's own folder name and the
cache folder differ only because the test chose different ones.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from conftest import pdf_pages

pytestmark = pytest.mark.slow


def files_under(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def first_difference(a: bytes, b: bytes, context: int = 120) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return (f"sizes {len(a)} and {len(b)}; first difference at byte {at}:\n"
            f"  {a[max(0, at - context):at + context]!r}\n  {b[max(0, at - context):at + context]!r}")


def test_index_html_is_byte_identical(full_report, second_full_report):
    a, b = full_report.html.read_bytes(), second_full_report.html.read_bytes()
    assert a == b, first_difference(a, b)


def test_figures_are_byte_identical(full_report, second_full_report):
    a = files_under(full_report.out / "figures")
    b = files_under(second_full_report.out / "figures")
    assert a, "no figure files"
    assert sorted(a) == sorted(b), "different figure files"
    differ = sorted(name for name in a if a[name] != b[name])
    assert not differ, f"figures that differ: {differ}"


def test_every_figure_has_its_png_the_svg_rasterised(full_report):
    """Every figure the report ships has its PNG, and that PNG is its SVG rasterised: a PNG
    left from another drawing (a stale cache entry, a file from an earlier build) differs."""
    from borderland import output

    svgs = sorted((full_report.out / "figures").rglob("*.svg"))
    assert len(svgs) > 20
    for svg in svgs:
        png = svg.with_suffix(".png")
        assert png.is_file(), f"{png} missing"
        assert png.read_bytes() == output.svg_to_png(svg.read_bytes()), f"{png} differs"


def test_pdf_text_and_bytes_are_identical(full_report, second_full_report):
    ta, tb = pdf_pages(full_report.pdf), pdf_pages(second_full_report.pdf)
    assert ta == tb, "\n".join(difflib.unified_diff("\f".join(ta).splitlines(),
                                                    "\f".join(tb).splitlines(), lineterm="",
                                                    n=1))[:3000]
    a, b = full_report.pdf.read_bytes(), second_full_report.pdf.read_bytes()
    assert a == b, first_difference(a, b)


def test_manifests_list_the_same_files(full_report, second_full_report):
    ma = json.loads((full_report.out / "manifest.json").read_text())
    mb = json.loads((second_full_report.out / "manifest.json").read_text())
    assert ma["files"] == mb["files"]
    assert ma == mb


def _without_timings(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    return nb


def test_executed_notebooks_differ_only_in_timings(full_report, second_full_report):
    names = sorted(p.name for p in (full_report.out / "executed").glob("*.ipynb"))
    assert names == sorted(p.name for p in (second_full_report.out / "executed").glob("*.ipynb"))
    for name in names:
        a = _without_timings(full_report.out / "executed" / name)
        b = _without_timings(second_full_report.out / "executed" / name)
        assert a == b, f"{name} differs beyond papermill's timing metadata"
