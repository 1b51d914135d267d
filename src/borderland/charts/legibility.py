"""Can a reader read a chart at A4 print size? Labels uncut, apart, large enough; pages whole.

`problems(fig)` lays the figure out as it is printed (its tight box scaled to the A4 text
width) and lists what breaks the report's rules, each naming the text at fault:

- a label cut short ("…"), rather than wrapped or given a short form;
- two texts that overlap;
- type smaller than MIN_PT once the figure is scaled to the page;
- a panel with more rows than MAX_ROWS, or a figure taller than a page.
"""
from __future__ import annotations

import numpy as np
from matplotlib.text import Annotation, Text

PRINT_WIDTH_IN = 7.0  # A4 (210 mm) less the report's 16 mm margins: every figure's width
PAGE_HEIGHT_IN = 9.8  # A4 (297 mm) less margins, caption and source line
MIN_PT = 8.0
MAX_ROWS = 40  # labelled rows a reader can follow in one panel
OVERLAP_PX = 1.0  # texts whose boxes share more than this (both ways, at 100 dpi) collide


class IllegibleChart(UserWarning):
    """A chart breaks a legibility rule (shown as a warning where it is drawn)."""


def problems(fig) -> list[str]:
    """What a reader of the printed page could not read in `fig` (empty: nothing).

    The figure is laid out as drawing does it, but nothing is rasterised: only the
    positions and sizes of its texts are measured."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    texts = _drawn_texts(fig, renderer)
    box = fig.get_tightbbox(renderer)  # inches
    scale = PRINT_WIDTH_IN / box.width
    found = [f"label cut short: {t.get_text()!r}" for t in texts if "…" in t.get_text()]
    found += [f"type {t.get_fontsize() * scale:.1f} pt when printed (at least {MIN_PT:g} pt): "
              f"{t.get_text()!r}" for t in texts if t.get_fontsize() * scale < MIN_PT - 0.05]
    found += _overlaps(texts, renderer)
    for ax in fig.axes:
        rows = [t for t in _tick_labels(ax.yaxis) if t.get_text().strip()]
        if len(rows) > MAX_ROWS:
            found.append(f"{len(rows)} rows in one panel (at most {MAX_ROWS}); split or "
                         "summarise it")
    if box.height * scale > PAGE_HEIGHT_IN:
        found.append(f"prints {box.height * scale:.1f} in tall; a page holds "
                     f"{PAGE_HEIGHT_IN:g} in")
    return found


def _drawn_texts(fig, renderer) -> list[Text]:
    """Every non-empty text the figure draws: tick labels of drawn ticks only, annotations
    only where they are shown."""
    ticks = {id(label) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             for tick in axis.majorTicks + axis.minorTicks
             for label in (tick.label1, tick.label2)}
    texts = []
    for text in fig.findobj(Text):
        if id(text) in ticks or not text.get_visible() or not text.get_text().strip():
            continue
        if isinstance(text, Annotation) and not text._check_xy(renderer):
            continue
        texts.append(text)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            texts += [t for t in _tick_labels(axis) if t.get_text().strip()]
    return texts


def _tick_labels(axis) -> list[Text]:
    """The labels of the ticks the axis draws (those inside its view)."""
    if not axis.get_visible():
        return []
    return [label for tick in axis._update_ticks()
            for label, on in ((tick.label1, tick.label1.get_visible()),
                              (tick.label2, tick.label2.get_visible())) if on]


def _overlaps(texts: list[Text], renderer) -> list[str]:
    """Pairs of texts whose boxes overlap by more than OVERLAP_PX each way."""
    if len(texts) < 2:
        return []
    boxes = np.array([t.get_window_extent(renderer).extents for t in texts])
    scale = 100 / texts[0].figure.dpi
    x0, y0, x1, y1 = (boxes[:, i] * scale for i in range(4))
    wide = np.minimum.outer(x1, x1) - np.maximum.outer(x0, x0)
    tall = np.minimum.outer(y1, y1) - np.maximum.outer(y0, y0)
    hit = np.triu((wide > OVERLAP_PX) & (tall > OVERLAP_PX), k=1)
    return [f"labels overlap: {texts[i].get_text()!r} and {texts[j].get_text()!r}"
            for i, j in zip(*np.nonzero(hit))]
