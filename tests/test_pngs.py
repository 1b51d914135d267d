"""PNGs left to the build by its kernels: the same bytes, written where a notebook writes them."""
from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from borderland import output, pngs


def _figure() -> Figure:
    fig = Figure(figsize=(3, 2))
    FigureCanvasAgg(fig)
    fig.add_subplot().plot([1, 2, 3], [2, 1, 3])
    return fig


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLAND_FIG_ROOT", str(tmp_path / "entry"))
    return tmp_path


def test_a_build_kernel_writes_the_svg_and_lists_the_png(root, monkeypatch):
    monkeypatch.setenv(pngs.PNG_BY_BUILD, "1")
    written = output.save_figure(_figure(), "01-overview", "chart", "figures", ["svg", "png"])
    folder = root / "entry" / "figures" / "01-overview"
    assert set(written) == {"svg"} and (folder / "chart.svg").is_file()
    assert not (folder / "chart.png").exists()
    assert (root / "entry" / pngs.PNG_LATER).read_text() == "figures/01-overview/chart.png\n"


def test_the_build_writes_the_png_a_notebook_run_alone_writes(root, monkeypatch):
    alone = output.save_figure(_figure(), "01-overview", "chart", "alone", ["svg", "png"])
    monkeypatch.setenv(pngs.PNG_BY_BUILD, "1")
    output.save_figure(_figure(), "01-overview", "chart", "figures", ["svg", "png"])
    rasteriser = pngs.Rasteriser()
    rasteriser.add(root / "entry", root / "build")
    rasteriser.wait()
    relative = "figures/01-overview/chart.png"
    assert (root / "entry" / relative).read_bytes() == alone["png"]
    assert (root / "build" / relative).read_bytes() == alone["png"]
    assert not list((root / "entry").rglob(".*.tmp-*"))


def test_a_png_already_in_the_entry_is_copied_not_drawn_again(root, monkeypatch):
    monkeypatch.setenv(pngs.PNG_BY_BUILD, "1")
    output.save_figure(_figure(), "01-overview", "chart", "figures", ["svg", "png"])
    first = pngs.Rasteriser()
    first.add(root / "entry", root / "build-1")
    first.wait()
    (root / "entry" / "figures" / "01-overview" / "chart.svg").unlink()  # nothing to draw from
    again = pngs.Rasteriser()
    again.add(root / "entry", root / "build-2")
    again.wait()
    assert (root / "build-2" / "figures/01-overview/chart.png").read_bytes() == \
        (root / "build-1" / "figures/01-overview/chart.png").read_bytes()


@pytest.mark.parametrize("formats", [["png"], ["svg"]])
def test_without_both_formats_the_kernel_writes_what_was_asked(root, monkeypatch, formats):
    monkeypatch.setenv(pngs.PNG_BY_BUILD, "1")
    written = output.save_figure(_figure(), "01-overview", "chart", "figures", formats)
    assert set(written) == set(formats)
    assert not (root / "entry" / pngs.PNG_LATER).exists()


def test_outside_the_build_the_notebook_writes_its_own_png(root, monkeypatch):
    monkeypatch.delenv(pngs.PNG_BY_BUILD, raising=False)
    written = output.save_figure(_figure(), "01-overview", "chart", "figures", ["svg", "png"])
    assert set(written) == {"svg", "png"}
    assert (root / "entry" / "figures/01-overview/chart.png").read_bytes() == written["png"]
    assert not (root / "entry" / pngs.PNG_LATER).exists()
