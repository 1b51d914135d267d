"""The legibility check: each rule a printed chart can break is caught, and a clean one passes."""
from __future__ import annotations

from borderland.charts import base, legibility


def figure(height: float = 2.0, width: float = 7.0):
    fig, ax = base.new_figure(height, width)
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("Year")
    return fig, ax


def test_a_clean_chart_has_no_problems():
    fig, ax = figure()
    ax.set_yticks([0, 1], ["Rasht", "GBAO (Pamirs)"])
    ax.set_title("Two lanes, apart", fontsize=9)
    assert legibility.problems(fig) == []


def test_a_label_cut_short_is_caught():
    fig, ax = figure()
    ax.set_yticks([0, 1], ["Prosecutor-General Sherkhon Sal…", "Rasht"])
    assert legibility.problems(fig) == [
        "label cut short: 'Prosecutor-General Sherkhon Sal…'"]


def test_overlapping_labels_are_caught():
    fig, ax = figure()
    ax.text(0.5, 0.5, "Khorog special operation", fontsize=8)
    ax.text(0.52, 0.5, "Rasht operation", fontsize=8)
    found = legibility.problems(fig)
    assert found == ["labels overlap: 'Khorog special operation' and 'Rasht operation'"]


def test_type_below_eight_points_when_printed_is_caught():
    fig, ax = figure()
    ax.text(0.1, 0.9, "tiny note", fontsize=5)
    found = legibility.problems(fig)
    assert len(found) == 1 and found[0].startswith("type ") and \
        found[0].endswith("pt when printed (at least 8 pt): 'tiny note'")


def test_a_figure_wider_than_the_page_has_its_type_scaled_down():
    fig, ax = figure(height=3.0, width=14.0)  # printed at about half size
    ax.set_xlabel("Year", fontsize=10)
    assert figure()[0] and not legibility.problems(figure()[0])  # the same at page width
    found = legibility.problems(fig)
    assert any(p.startswith("type ") and p.endswith("'Year'") for p in found), found


def test_too_many_rows_in_one_panel_are_caught():
    fig, ax = figure(height=9.0)
    ax.set_ylim(-1, 45)
    ax.set_yticks(range(45), [f"row {i}" for i in range(45)], fontsize=7)
    assert "45 rows in one panel (at most 40); split or summarise it" in \
        legibility.problems(fig)


def test_a_figure_taller_than_a_page_is_caught():
    fig, _ = figure(height=11.0)
    found = legibility.problems(fig)
    assert len(found) == 1 and found[0].startswith("prints 1") and \
        found[0].endswith("in tall; a page holds 9.8 in")
