"""Figure-level cache: a chart is drawn again only when what it draws changed.

A chart function (any function wrapped by `charts.base.styled`) is keyed by
`fingerprint.figure_key`: its code (its module and every module of the package it
imports), the rows and options it was given, and the environment. On a hit it returns
the Chart as it was drawn, its figure replaced by a `CachedFigure` that holds the images
and legibility findings of that drawing; publishing it writes those same bytes. On a
miss it draws, and publishing the figure stores it.

Only kernels the build starts read the cache (`BORDERLAND_FIGURE_CACHE=1`, not with
`--no-cache`); they always write it. An argument that cannot be keyed (anything but
frames, series, arrays, plain values and containers of them) means no caching for that
call. A cache file that cannot be read is a miss.
"""
from __future__ import annotations

import contextlib
import copy
import os
import pickle
import tempfile
import threading
from pathlib import Path

from . import fingerprint, paths

ENV = "BORDERLAND_FIGURE_CACHE"  # "1": read the cache; "0": only write it; unset: neither
_STASH = "_borderland_figure"  # attribute of a drawn Figure: its key and what to store with it
_drawing = threading.local()  # depth 1 while a chart function draws


class CachedFigure:
    """The drawing of a cached chart: its images by format and its legibility problems."""

    def __init__(self, key: str, images: dict[str, bytes], problems: list[str]):
        self.key, self.images, self.problems = key, dict(images), list(problems)


def folder() -> Path:
    return paths.cache_dir() / "figures"


def _entry(key: str) -> Path:
    return folder() / f"{key}.pkl"


def drawn(func, args: tuple, kwargs: dict, draw):
    """`draw()`'s Chart, from the cache when `func` was drawn with the same arguments.

    A chart function called while another draws (a helper of it) is part of that drawing."""
    mode = os.environ.get(ENV)
    if mode not in ("0", "1") or getattr(_drawing, "depth", 0):
        return draw()
    key = fingerprint.figure_key(func, args, kwargs)
    if key is None:
        return draw()
    if mode == "1":
        hit = _load(key)
        if hit is not None:
            return hit
    _drawing.depth = 1
    try:
        chart = draw()
    finally:
        _drawing.depth = 0
    fig = getattr(chart, "fig", None)
    if fig is not None and hasattr(fig, "savefig"):
        words = {name: copy.deepcopy(value) for name, value in vars(chart).items()
                 if name != "fig"}  # as drawn: a notebook may change them before publishing
        setattr(fig, _STASH, {"key": key, "chart": (type(chart), words)})
    return chart


def _load(key: str):
    try:
        with _entry(key).open("rb") as fh:
            stored = pickle.load(fh)
        kind, words = stored["chart"]
        return kind(fig=CachedFigure(key, stored["images"], stored["problems"]), **words)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged entry is drawn again
        return None


def problems(fig, find) -> list[str]:
    """The figure's legibility problems: as found when it was drawn, or `find(fig)` now."""
    if isinstance(fig, CachedFigure):
        return list(fig.problems)
    found = list(find(fig))
    stash = getattr(fig, _STASH, None)
    if stash is not None:
        stash["problems"] = found
    return found


def images(fig, formats, draw_svg, to_png) -> dict[str, bytes]:
    """{format: bytes} of the figure: the SVG from `draw_svg(fig)` (or the cache) and every
    other format `to_png(svg)`; a drawn chart's images are stored for the next build."""
    cached = isinstance(fig, CachedFigure)
    stored = fig.images if cached else {"svg": draw_svg(fig)}
    before = set(stored)
    out = {}
    for fmt in formats:
        if fmt not in stored:
            stored[fmt] = to_png(stored["svg"])
        out[fmt] = stored[fmt]
    stash = None if cached else getattr(fig, _STASH, None)
    if stash is not None and "problems" in stash:
        _store(stash["key"], {"chart": stash["chart"], "images": stored,
                              "problems": stash["problems"]})
    elif cached and set(stored) != before:  # a format the entry lacked: keep it too
        with contextlib.suppress(Exception):
            entry = pickle.loads(_entry(fig.key).read_bytes())
            _store(fig.key, {**entry, "images": stored})
    return out


def is_cached(fig) -> bool:
    return isinstance(fig, CachedFigure)


def _store(key: str, value: dict) -> None:
    target = _entry(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
