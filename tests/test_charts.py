"""Chart helpers on tiny frames: words, sources, qualifier marks, layout, identical bytes."""
from __future__ import annotations

import itertools

import matplotlib
import pandas as pd
import pytest
from matplotlib.patches import FancyArrowPatch
from rows import claim, dataset, deployment, milestone

from borderland import output, select
from borderland.charts import base, dumbbell, evolution, gantt, legibility, ranges, series, timeline
from borderland.dates import Cutoff

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    return dataset(
        tmp_path_factory.mktemp("charts"),
        claims=[claim(10, qualifier="at_least", best="", low="30", party="civilians",
                      claimant_type="media", reported_on="2012-08"),
                claim(11, qualifier="range", best="", low="18", high="23",
                      party="security-forces", claimant_type="ngo", reported_on="2013-10"),
                claim(12, party="civilians", best="1", claimant="Prosecutor <b>&",
                      reported_on="2012-07-28"),
                claim(13, party="all", best="41", reliability="low", reported_on="2025")],
        deployments=[deployment(10, status="planned", qualifier="exact", best="9000",
                                date="2020", reported_on="2015-04"),
                     deployment(11, date="2022-01-24", date_precision="day", best="7000",
                                reported_on="2022-01-25"),
                     deployment(12, date="2004-10", date_precision="month", best="",
                                low="5000", qualifier="more_than", reported_on="2004-10")],
        milestones=[milestone(10, stated_on="2014", date="2016"),
                    milestone(11, stated_on="2016", date="2019"),
                    milestone(12, status="actual", date="2019-09-09", date_precision="day",
                              stated_on="2019-09-09"),
                    milestone(13, subject="casa-1000", milestone="commercial-operation",
                              kind="commissioning", date="2016", stated_on="2013"),
                    milestone(14, subject="casa-1000", milestone="commercial-operation",
                              kind="commissioning", date="2027", stated_on="2025"),
                    milestone(15, subject="casa-1000", milestone="cost-estimate", kind="cost",
                              value="1000000000", unit="usd", date="2011", stated_on="2011"),
                    milestone(16, subject="casa-1000", milestone="cost-estimate", kind="cost",
                              value="1200000000", unit="usd", date="2016", stated_on="2016"),
                    *(milestone(20 + i, track="basing", subject="csto", kind="summit",
                                milestone=f"summit-number-{i}", status="actual",
                                date=f"201{i}", stated_on=f"201{i}") for i in range(8))])


@pytest.fixture(scope="module")
def claims(tables):
    return select.claims(tables, {})


def events(tables):
    return tables.events.set_index("event_id", drop=False)


def build_all(tables, claims, only: tuple[str, ...] = ()) -> dict:
    """Every chart helper (or those named in `only`) once, on the test data."""
    milestones = select.milestones(tables, {})
    energy = milestones[milestones["track"] == "energy"]
    makers = {
        "ranges": lambda: ranges.claim_ranges(claims[claims["outcome"] == "killed"],
                                              "Fixture event"),
        "spread": lambda: ranges.spread(claims.assign(event="Fixture event"), "Everything",
                                        by=("event", "party")),
        "evolution": lambda: evolution.toll_over_time(claims, events(tables).loc["event-one"]),
        "dumbbell": lambda: dumbbell.official_vs_other(claims, tables.events),
        "overview": lambda: timeline.overview(
            events=tables.events, claims=claims, deployments=tables.deployments,
            milestones=milestones, tracks=["violence", "deployments", "basing", "energy"],
            as_of=Cutoff.of("2016")),
        "swimlanes": lambda: timeline.swimlanes(milestones[milestones["track"] == "basing"],
                                                subject="Basing"),
        "gantt": lambda: gantt.slippage_gantt(energy),
        "staircase": lambda: gantt.staircase(energy, gantt.staircase_steps(energy)),
        "forces": lambda: series.forces_over_time(tables.deployments,
                                                  [("201st-base", "personnel")]),
        "costs": lambda: series.values_over_time(energy[energy["kind"] == "cost"]),
    }
    return {name: make() for name, make in makers.items() if not only or name in only}


@pytest.fixture(scope="module")
def charts(tables, claims):
    return build_all(tables, claims)


def test_every_chart_has_a_title_caption_alt_text_and_sources(charts, tables):
    known = set(tables.sources["source_id"])
    for name, chart in charts.items():
        assert chart.title and chart.caption and chart.alt, name
        assert chart.fig._suptitle is not None or chart.fig.texts, f"{name}: no title drawn"
        assert chart.source_ids and set(chart.source_ids) <= known, name
        assert all(ax.get_xlabel() or ax.get_ylabel() for ax in chart.fig.axes
                   if ax.get_visible() and ax.has_data()), f"{name}: an axis without a label"


def test_titles_state_findings_computed_from_the_rows(charts):
    assert charts["dumbbell"].title.startswith("Non-official tolls exceed the official ones in")
    assert "moved from 2016 to 2027" in charts["staircase"].title
    assert "longest slip 10 years (CASA-1000" in charts["gantt"].title
    assert "1 billion (2011) to US$1.2 billion (2016)" in charts["costs"].title


def test_sources_are_the_documents_behind_the_rows_drawn(charts, claims):
    rows = claims[claims["outcome"] == "killed"]
    assert charts["ranges"].source_ids == select.source_ids(rows) == ["doc-a", "doc-late",
                                                                      "outlet-b"]


def test_figures_are_byte_identical_when_drawn_again(charts, tables, claims):
    formats = {"ranges": ("svg", "png"), "overview": ("svg", "png"), "gantt": ("svg",),
               "evolution": ("svg",)}
    again = build_all(tables, claims, only=tuple(formats))
    for name, fmts in formats.items():
        for fmt in fmts:
            first = output.figure_images(charts[name].fig, [fmt])[fmt]
            assert first == output.figure_images(again[name].fig, [fmt])[fmt], f"{name}.{fmt}"
            assert len(first) > 1000


def one_claim(tables, qualifier: str, **values):
    frame = select.claims(tables, {}).iloc[:1].copy()
    for column in ("low", "best", "high"):
        frame[column] = frame[column].astype("Int64")
        frame.loc[:, column] = values.get(column)
    return frame.assign(qualifier=qualifier)


def marks(chart):
    ax = chart.fig.axes[0]
    arrows = [t for t in ax.texts if isinstance(getattr(t, "arrow_patch", None), FancyArrowPatch)]
    open_dots = [ln for ln in ax.lines if ln.get_marker() == "o"
                 and ln.get_markerfacecolor() in ("white", (1.0, 1.0, 1.0, 1.0))]
    return arrows, open_dots


def test_open_ended_figures_never_look_like_approximate_ones(tables):
    at_least = ranges.claim_ranges(one_claim(tables, "at_least", low=30), "x")
    about = ranges.claim_ranges(one_claim(tables, "about", best=30), "x")
    up_to = ranges.claim_ranges(one_claim(tables, "up_to", high=30), "x")
    arrows, dots = marks(at_least)
    assert len(arrows) == 1 and not dots
    arrows, dots = marks(about)
    assert not arrows and len(dots) == 1
    (up,), _ = marks(at_least)
    (down,), _ = marks(up_to)
    # the arrow head is drawn at the text end: right of the tick for "at least", left for "up to"
    assert up.xyann[0] > 0 > down.xyann[0]
    svgs = {output.figure_images(c.fig, ["svg"])["svg"] for c in (at_least, about, up_to)}
    assert len(svgs) == 3
    assert "≥30" in at_least.alt and "~30" in about.alt and "≤30" in up_to.alt


def test_timeline_labels_never_overlap(charts):
    for name in ("swimlanes", "overview"):
        fig = charts[name].fig
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
        assert len(boxes) >= 8 if name == "swimlanes" else boxes
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b.shrunk(0.95, 0.6)), f"{name}: labels overlap"


def test_publish_writes_every_format_and_escapes_text(charts, tables, tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLAND_FIG_ROOT", str(tmp_path))
    show = base.publisher("02-casualties", tables, {"fig_dir": "figs",
                                                    "fig_formats": ["svg", "png"]})
    html = show(charts["ranges"], "ranges-test").data
    for fmt in ("svg", "png"):
        assert (tmp_path / "figs" / "02-casualties" / f"ranges-test.{fmt}").stat().st_size > 0
    assert html.startswith('<figure class="bl-figure" id="fig-02-casualties-ranges-test">')
    assert 'href="#source-doc-a"' in html and "Source:" in html
    assert "Prosecutor &lt;b&gt;&amp;" in html and "<b>&" not in html


def test_count_axis_switches_to_log_only_for_wide_spans():
    _fig, ax = base.new_figure(2)
    base.count_axis(ax.xaxis, [12, 30, 41])
    assert ax.get_xscale() == "linear"
    base.count_axis(ax.xaxis, [0, 1, 200])
    assert ax.get_xscale() == "symlog"
    assert base.short_number(1_200_000) == "1.2M" and base.short_number(2000) == "2k"


def test_the_charts_mark_the_cutoff_they_are_given_and_parse_no_date(tables, claims):
    """The as-of line stands at the checked cutoff's last day, labelled as given: no chart
    reads the date string again (this cutoff's end is not what its label parses to)."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    cutoff = Cutoff("2012-08", pd.Timestamp("2019-03-15"))
    milestones = select.milestones(tables, {})
    drawn = {
        "overview": timeline.overview(events=tables.events, claims=claims,
                                      deployments=tables.deployments, milestones=milestones,
                                      tracks=["violence", "energy"], as_of=cutoff),
        "swimlanes": timeline.swimlanes(milestones[milestones["track"] == "basing"],
                                        subject="Basing", as_of=cutoff),
        "gantt": gantt.slippage_gantt(milestones[milestones["track"] == "energy"], as_of=cutoff)}
    at = mdates.date2num(cutoff.end)
    for name, chart in drawn.items():
        lines = [line for ax in chart.fig.axes for line in ax.get_lines()
                 if list(line.get_xdata()) == [at, at]]
        assert len(lines) == 1, name
        labels = [t.get_text() for ax in chart.fig.axes for t in ax.texts]
        assert name == "gantt" or "as of 2012-08" in labels, name
        plt.close(chart.fig)


def test_the_gantt_draws_each_slip_between_the_days_slippage_measured(tables):
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from borderland import derive

    energy = select.milestones(tables, {"show_planned": True})
    energy = energy[energy["track"] == "energy"]
    slips = derive.slippage(energy)
    chart = gantt.slippage_gantt(energy)
    arrows = sorted((t.xyann[0], t.xy[0]) for t in chart.fig.axes[0].texts
                    if isinstance(getattr(t, "arrow_patch", None), FancyArrowPatch))
    measured = sorted((mdates.date2num(a), mdates.date2num(b))
                      for a, b in zip(slips["_slip_start"], slips["_slip_end"]) if b > a)
    assert arrows == measured and arrows
    assert "_slip_end" not in base.chart_rows(chart.data)
    plt.close(chart.fig)


def test_a_cut_listing_keeps_its_order_and_its_caption_counts_what_is_left_out(tables):
    from borderland import listing

    claims, events = tables.casualty_claims, tables.events
    whole = listing.claims_table(claims, events, tables.sources)
    cut = listing.claims_table(claims, events, tables.sources, limit=2)
    assert list(cut.rows["Claim"]) == list(whole.rows["Claim"])[:2]
    assert cut.total == whole.total == len(claims) == len(whole.rows)
    assert cut.cut and not whole.cut
    assert cut.source_ids == whole.source_ids == select.source_ids(claims)
    caption = cut.caption("Claims.")
    assert caption.startswith("Claims. Listed here: the first 2 of ")
    assert f"the first 2 of {len(claims)}, in the order shown" in caption and "table_rows" in caption
    assert whole.caption("Claims.") == "Claims."
    assert listing.deployments_table(tables.deployments, tables.sources, limit=1).rows.shape[0] == 1
    three = listing.milestones_table(tables.milestones, tables.sources, limit=3)
    assert three.rows.shape[0] == 3 and three.total == len(tables.milestones)


def test_png_is_the_svg_rasterised_at_200_dpi_with_the_style_fonts(charts):
    import io
    import re

    from PIL import Image

    images = output.figure_images(charts["ranges"].fig, ["png", "svg"])
    assert list(images) == ["png", "svg"]
    width, height = (float(v) for v in re.search(
        rb'width="([\d.]+)pt" height="([\d.]+)pt"', images["svg"]).groups())
    png = Image.open(io.BytesIO(images["png"]))
    assert png.format == "PNG"
    assert abs(png.width - width / 72 * output.PNG_DPI) <= 1
    assert abs(png.height - height / 72 * output.PNG_DPI) <= 1
    colours = png.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, "a blank or nearly blank PNG"
    assert images["png"] == output.figure_images(charts["ranges"].fig, ["png"])["png"]


def test_saving_a_figure_leaves_its_layout_engine_as_it_was():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    laid_out, plain = Figure(layout="constrained"), Figure(layout="none")
    for fig in (laid_out, plain):
        FigureCanvasAgg(fig)
        fig.subplots().plot([0, 1], [1, 0])
    engine = laid_out.get_layout_engine()
    assert plain.get_layout_engine() is None
    for fig in (laid_out, plain):
        output.figure_images(fig, ["svg"])
    assert laid_out.get_layout_engine() is engine
    assert plain.get_layout_engine() is None  # not the style's constrained layout


def test_dumbbell_value_labels_never_run_into_the_ratios(tmp_path):
    """Six-figure tolls on a log axis: the top figure's label stays clear of the ratio column."""
    long = {"event_id": "event-long", "name": "Kyrgyz-Tajik border war, April-May 2021"}
    wide = dataset(tmp_path, events=[long], claims=[
        claim(30, event_id="event-long", qualifier="about", best="30000"),
        claim(31, event_id="event-long", best="150000", claimant="Outlet",
              claimant_type="media"),
        claim(32, event_id="event-long", party="security-forces", best="1"),
        claim(33, event_id="event-long", party="security-forces", best="2", claimant="Outlet",
              claimant_type="media")])
    chart = dumbbell.official_vs_other(select.claims(wide, {"events": ["event-long"]}),
                                       wide.events)
    fig = chart.fig
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    assert ax.get_xscale() == "symlog"
    texts = [t for t in ax.texts if t.get_text()]
    ratios = [t.get_window_extent(renderer) for t in texts if t.get_text().startswith("×")]
    values = [t.get_window_extent(renderer) for t in texts
              if not t.get_text().startswith("×") and t.get_text() != "ratio"]
    assert len(ratios) == 2 and len(values) == 4
    right_edge = ax.get_window_extent(renderer).x1
    for box in values:
        assert box.x1 <= right_edge, "a value label runs past the plot into the ratios"


def test_every_chart_is_legible_at_print_size(charts):
    assert {name: legibility.problems(chart.fig) for name, chart in charts.items()} == \
        {name: [] for name in charts}


def test_publishing_an_illegible_chart_warns_naming_the_chart(tables, tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERLAND_FIG_ROOT", str(tmp_path))
    fig, ax = base.new_figure(2.0)
    ax.plot([0, 1], [0, 1])
    ax.set_yticks([0, 1], ["Prosecutor-General Sherkhon Sal…", "Rasht"])
    chart = base.Chart(fig, "Title", "Caption", "Alt", ["doc-a"], data=None)
    show = base.publisher("02-casualties", tables, {"fig_dir": "figs", "fig_formats": ["svg"]})
    with pytest.warns(legibility.IllegibleChart,
                      match=r"^02-casualties/cut: label cut short: 'Prosecutor-General"):
        show(chart, "cut")


def test_chart_csvs_keep_the_columns_each_chart_draws(charts):
    columns = {name: list(base.chart_rows(chart.data).columns) for name, chart in charts.items()}
    assert columns["overview"] == columns["swimlanes"] == ["lane", "start", "end", "label",
                                                           "planned", "documents"]
    assert "claim_id" in columns["ranges"] and "quote" in columns["ranges"]
    for name in ("dumbbell", "gantt"):
        assert len(columns[name]) > 3, (name, columns[name])
    assert not any(c.startswith("_") for cols in columns.values() for c in cols)


def test_every_russian_basing_subject_of_the_data_is_a_known_one():
    from borderland import select
    from borderland.charts import timeline
    from borderland.load import load_tables
    basing = select.milestones(load_tables(), {}, "basing")  # as the basing chapter selects them
    groups = timeline.basing_groups(basing)
    assert sum(len(g) for g in groups.values()) == len(basing)
    others = set(groups["Airfields, alliances and other partners"]["subject"])
    assert not {s for s in others if s.startswith("russia")}, others
    assert set(timeline.RUSSIAN_SUBJECTS) <= set(basing["subject"])


def test_a_claims_title_never_headlines_a_partial_or_low_rated_count(tmp_path):
    from borderland import statements
    tables = dataset(tmp_path, claims=[
        claim(10, party="security-forces", best="7", scope="subset"),
        claim(11, party="security-forces", best="25", scope="incident", claimant="Outlet",
              claimant_type="media"),
        claim(12, party="security-forces", best="300", claimant="Rumour",
              claimant_type="anonymous", reliability="low")])
    rows = statements.collapse(tables.casualty_claims[tables.casualty_claims["claim_id"] >= "c0010"])
    title = ranges.claim_ranges(rows, "Rasht").title
    assert title.startswith("Rasht: no whole-episode toll rated medium or better here; partial "
                            "or lower-rated counts run from 7 to 300"), title


def test_rows_and_groups_of_figures_new_in_the_window_are_bold(claims):
    killed = claims[claims["outcome"] == "killed"]
    fresh = killed.assign(new=killed["claim_id"] == "c0011")
    ax = ranges.claim_ranges(fresh, "Fixture event").fig.axes[0]
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert len(bold) == 1 and bold[0].endswith("· NEW"), bold
    ax = ranges.spread(fresh.assign(event="Fixture event"), "Everything",
                       by=("event", "party")).fig.axes[0]
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Fixture event · security forces"], bold
