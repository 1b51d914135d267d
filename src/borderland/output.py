"""What notebooks show the reader: figures, tables and notices, as HTML the report keeps.

Every figure is written to `<fig_dir>/<notebook>/<name>.<format>` with fixed metadata
(same inputs, same bytes) and shown as a `<figure>` with alt text, a caption and a
"Source:" line whose links point at the report's bibliography (`#source-<id>`).
Text from the data is always escaped.

What the report needs to know of a figure or a table (its id, the documents it cites,
whether the annex holds it) travels as data beside the HTML, in the display output's
metadata under `borderland` (see `cited`); the renderer reads it from the executed
notebook and never from the markup.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import figcache, paths

STYLE = Path(__file__).with_name("style.mplstyle")  # drawn under it (`charts.base.styled`), saved under it
SVG_METADATA = {"Date": None, "Creator": None}
PNG_DPI = 200
# The fonts the style names, from matplotlib's own copy: PNGs look the same on every machine.
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
              "DejaVuSans-BoldOblique.ttf")


def figure_images(fig, formats: Iterable[str], laid_out: bool = False) -> dict[str, bytes]:
    """The figure as each of `formats` ("svg", "png"), with no timestamps or version strings.

    matplotlib lays the figure out once (`laid_out`: the legibility check just did) and
    writes the SVG from that layout, under the report's style (whose fixed `svg.hashsalt`
    makes ids stable); the PNG is that SVG rasterised by resvg at PNG_DPI, in about a third
    of the time matplotlib takes to draw it again (it renders text glyph by glyph).
    A chart the figure cache holds (`figcache`) gives the bytes of its earlier drawing.
    """
    return figcache.images(fig, list(formats), functools.partial(_svg, laid_out=laid_out),
                           svg_to_png)


def _svg(fig, laid_out: bool = False) -> bytes:
    """The SVG of `fig` as it is laid out now: its tight box is measured on that layout,
    and savefig, told the box and given no layout engine, neither lays it out again nor
    pre-draws it (one draw per file). The figure keeps its engine afterwards."""
    import matplotlib

    buf = io.BytesIO()
    engine = fig.get_layout_engine()
    # without these two, set_layout_engine(None) would pick an engine from the style
    no_auto_layout = {"figure.constrained_layout.use": False, "figure.autolayout": False}
    with matplotlib.rc_context(fname=STYLE, rc=no_auto_layout):
        if not laid_out:
            fig.draw_without_rendering()
        box = fig.get_tightbbox(fig.canvas.get_renderer()).padded(
            matplotlib.rcParams["savefig.pad_inches"])
        fig.set_layout_engine(None)
        try:
            fig.savefig(buf, format="svg", bbox_inches=box, metadata=SVG_METADATA)
        finally:
            fig.set_layout_engine(engine)
    return buf.getvalue()


def svg_to_png(svg: bytes) -> bytes:
    """`svg` rasterised at PNG_DPI on white, with the style's fonts only."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(
        svg_string=svg.decode("utf-8"), dpi=PNG_DPI, background="white",
        skip_system_fonts=True, font_files=_font_files(), sans_serif_family="DejaVu Sans"))


@functools.cache
def _font_files() -> list[str]:
    import matplotlib

    folder = Path(matplotlib.get_data_path(), "fonts", "ttf")
    return [str(folder / name) for name in FONT_FILES]


def save_figure(fig, notebook: str, name: str, fig_dir: str, fig_formats: Iterable[str],
                laid_out: bool = False) -> dict:
    """Write the figure in every format; return {format: bytes}."""
    folder = _resolve(fig_dir) / notebook
    folder.mkdir(parents=True, exist_ok=True)
    rendered = figure_images(fig, fig_formats, laid_out)
    for fmt, image in rendered.items():
        (folder / f"{name}.{fmt}").write_bytes(image)
    return rendered


def _resolve(fig_dir: str) -> Path:
    """`fig_dir` under the project root, or under BORDERLAND_FIG_ROOT when the build sets it."""
    path = Path(fig_dir)
    return path if path.is_absolute() else Path(os.environ.get("BORDERLAND_FIG_ROOT", paths.ROOT)) / path


LONG_SOURCE_LIST = 12  # beyond this many documents, a Source line names publishers instead


def source_links(source_ids: Iterable[str], sources: pd.DataFrame) -> str:
    """The "Source:" line: links to the bibliography's entries (`#source-<id>`).

    With more than LONG_SOURCE_LIST documents the line counts them and names the most cited
    publishers; the bibliography lists every document with the figures it supports. The
    full list of ids travels in `data-sources` either way.
    """
    ids = sorted(set(source_ids))
    rows = sources.set_index("source_id")
    known = [sid for sid in ids if sid in rows.index]
    attr = html.escape(" ".join(ids))
    if not ids:
        return '<span class="bl-sources" data-sources="">Source: none</span>'
    if len(ids) <= LONG_SOURCE_LIST:
        links = []
        for sid in ids:
            label = sid
            if sid in rows.index:
                row = rows.loc[sid]
                label = f"{row['publisher']} ({row['published'] or 'n.d.'})"
            links.append(f'<a class="bl-source" href="#source-{html.escape(sid)}">'
                         f"{html.escape(label)}</a>")
        return f'<span class="bl-sources" data-sources="{attr}">Source: {"; ".join(links)}</span>'
    publishers = rows.loc[known, "publisher"].value_counts().sort_index(kind="stable")
    publishers = publishers.sort_values(ascending=False, kind="stable")
    top = []
    for publisher, count in publishers.head(6).items():
        first = rows.loc[known][rows.loc[known, "publisher"] == publisher].index[0]
        top.append(f'<a class="bl-source" href="#source-{html.escape(first)}">'
                   f"{html.escape(publisher)}</a> ({count})")
    return (f'<span class="bl-sources" data-sources="{attr}">Source: {len(ids)} documents from '
            f"{len(publishers)} publishers, most often {', '.join(top)}. Each is listed in the "
            '<a href="#bibliography">bibliography</a> with the figures it supports.</span>')


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A chart's rows as CSV (UTF-8, `\\n` line ends): the same rows give the same bytes."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def download_link(data: bytes, filename: str, rows: int) -> str:
    """A link that saves the chart's CSV from the HTML file alone (a data: URI)."""
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<a class="bl-download" download="{html.escape(filename)}" '
            f'href="data:text/csv;charset=utf-8;base64,{encoded}">Download data (CSV, '
            f"{rows:,} row{'s' * (rows != 1)})</a>")


def figure_html(image: bytes, fmt: str, anchor: str, caption: str, alt: str,
                source_ids: Iterable[str], sources: pd.DataFrame, download: str = "") -> str:
    """A self-contained <figure> element: embedded image, alt text, caption, sources and,
    given, the link to the chart's data."""
    mime = {"svg": "image/svg+xml", "png": "image/png"}[fmt]
    data = base64.b64encode(image).decode("ascii")
    return (f'<figure class="bl-figure" id="{html.escape(anchor)}">'
            f'<img src="data:{mime};base64,{data}" alt="{html.escape(alt)}">'
            f'<figcaption><span class="bl-caption">{html.escape(caption)}</span> '
            f"{source_links(source_ids, sources)}"
            + (f" {download}" if download else "") + "</figcaption></figure>")


def show_figure(fig, *, notebook: str, name: str, caption: str, alt: str,
                source_ids: Iterable[str], sources: pd.DataFrame, params: dict,
                data: pd.DataFrame | None = None, annex: str | None = None,
                laid_out: bool = False):
    """Save `fig` (and `data`, the rows it draws, as `<name>.csv` beside it) and return it
    as HTML for the notebook's output (closes the figure). `annex`: its title in the annex,
    where the report then moves it (as `show_table` does). `laid_out`: as `figure_images`."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML

    formats = list(params.get("fig_formats") or ["svg", "png"])
    fig_dir = params.get("fig_dir") or "figures"
    rendered = save_figure(fig, notebook, name, fig_dir, formats, laid_out)
    shown = "svg" if "svg" in rendered else formats[0]
    if not figcache.is_cached(fig):
        plt.close(fig)
    link = ""
    if data is not None:
        table = csv_bytes(data)
        (_resolve(fig_dir) / notebook / f"{name}.csv").write_bytes(table)
        link = download_link(table, f"{notebook}-{name}.csv", len(data))
    anchor = f"fig-{notebook}-{name}"
    figure = figure_html(rendered[shown], shown, anchor, caption, alt, source_ids, sources, link)
    rows = len(data) if data is not None else 0
    return HTML(figure, metadata=cited("figure", anchor, source_ids, annex, rows))


def table_html(frame: pd.DataFrame, caption: str, source_ids: Iterable[str],
               sources: pd.DataFrame) -> str:
    """An escaped, horizontally scrollable HTML table with caption and sources."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row)
        + "</tr>" for row in frame.itertuples(index=False))
    return (f'<div class="bl-table-wrap"><table class="bl-table">'
            f"<caption>{html.escape(caption)} {source_links(source_ids, sources)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def show_table(frame: pd.DataFrame, *, caption: str, source_ids: Iterable[str],
               sources: pd.DataFrame, total: int | None = None, annex: str | None = None):
    """`table_html` wrapped for display in a notebook.

    `total`: how many rows the table was cut from (`listing.Listing`), the count its
    metadata carries. `annex`: the listing's title in the annex. The report then shows a
    link to it in place of the table, which goes to the annex (`report/annex.html`) with its
    sources.
    """
    from IPython.display import HTML

    table = table_html(frame, caption, source_ids, sources)
    rows = total if total is not None else len(frame)
    return HTML(table, metadata=cited("table", None, source_ids, annex, rows))


METADATA_KEY = "borderland"


def cited(kind: str, anchor: str | None, source_ids: Iterable[str], annex: str | None,
          rows: int) -> dict:
    """The output metadata of a figure or table: `kind`, its `id` (a figure's anchor), the
    `sources` it cites (sorted ids), and, for an item the annex holds, its `annex` title and
    `rows` (the renderer moves it there and leaves a link)."""
    return {METADATA_KEY: {"kind": kind, "id": anchor, "sources": sorted(set(source_ids)),
                           "annex": annex, "rows": int(rows)}}


def markdown(text: str):
    """Narrative Markdown for the notebook, with dollar signs escaped (no accidental maths)."""
    from IPython.display import Markdown

    return Markdown(text.replace("$", r"\$"))


def notice(message: str):
    """A visible note in place of a chart, e.g. when no claims match the parameters."""
    from IPython.display import HTML

    return HTML(f'<p class="bl-notice">{html.escape(message)}</p>')
