"""The figures' PNG copies, rasterised by the build while its kernels draw the next charts.

A kernel the build starts (PNG_BY_BUILD set) writes a figure asked for as SVG and PNG as
SVG only and lists the PNG in PNG_LATER (`output.save_figure`). As each notebook finishes, the
build rasterises what its cache entry lists and lacks (`output.svg_to_png`: the bytes a
notebook run on its own writes) in one thread of its own, so the work fills the time the
cores would otherwise wait (a lane that finished first, the PDF printing). Each PNG is
kept in the cache entry (written whole or not at all) and copied into the build.
"""
from __future__ import annotations

import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

PNG_BY_BUILD = "BORDERLAND_PNG_BY_BUILD"  # "1" in the build's kernels
PNG_LATER = "png-later.txt"  # under the figure root: the PNGs left to the build, one a line


class Rasteriser:
    """One thread rasterising the PNGs that finished notebooks left to the build."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="png")
        self._pending: list[Future] = []

    def add(self, entry: Path, build: Path) -> None:
        """Queue every PNG `entry` (a notebook's cache entry) lists, for `entry` and `build`."""
        listed = entry / PNG_LATER
        if not listed.is_file():
            return
        for relative in listed.read_text(encoding="utf-8").splitlines():
            self._pending.append(self._pool.submit(_rasterise, entry, build, relative))

    def wait(self) -> None:
        """Return once every queued PNG is written; raise what writing one raised."""
        try:
            for job in self._pending:
                job.result()
        finally:
            self._pool.shutdown(cancel_futures=True)

    def close(self) -> None:
        """Drop what is still queued (the build failed) and stop the thread."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _rasterise(entry: Path, build: Path, relative: str) -> None:
    from . import output

    png = entry / relative
    if not png.is_file():
        partial = png.with_name(f".{png.name}.tmp-{os.getpid()}")
        partial.write_bytes(output.svg_to_png(png.with_suffix(".svg").read_bytes()))
        os.replace(partial, png)
    target = build / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(png, target)
