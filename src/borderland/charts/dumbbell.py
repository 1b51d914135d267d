"""Official against the highest non-official figure, per event and party, with the ratio."""
from __future__ import annotations

import pandas as pd
from matplotlib.lines import Line2D

from .. import derive, select
from ..wording import pretty
from .base import (
    CLAIMANT_COLORS,
    LOW_ALPHA,
    OKABE_ITO,
    Chart,
    count_axis,
    new_figure,
    set_title,
    styled,
)

OTHER = OKABE_ITO["orange"]


@styled
def official_vs_other(claims: pd.DataFrame, events: pd.DataFrame, *, estimate: str = "best",
                      outcome: str = "killed", min_reliability: str = "medium") -> Chart:
    """One row per (event, party) where both official and other claimants give a figure.

    Dots: the highest official figure and the highest non-official one (using `estimate`
    where a claim states several); the label on the right is their ratio.
    """
    frame = claims[claims["outcome"] == outcome]
    pairs = derive.compare(frame, estimate, min_reliability=min_reliability)
    start = events.set_index("event_id")["start_date_from"]
    names = events.set_index("event_id")["short_name"]
    pairs = pairs.assign(start=pairs["event_id"].map(start)).sort_values(
        ["start", "event_id", "party"], kind="stable").reset_index(drop=True)
    by_id = claims.set_index("claim_id")
    fig, ax = new_figure(1.3 + 0.26 * len(pairs))
    labels = []
    for i, row in pairs.iterrows():
        y = -i
        ax.plot([row["official"], row["other"]], [y, y], color="#bbbbbb", lw=2.2, zorder=1,
                solid_capstyle="butt")
        for side, color, dy in (("official", CLAIMANT_COLORS["official"], -0.18),
                                ("other", OTHER, 0.18)):
            if row[f"{side}_low"] < row[side]:  # the side's other statements: its range
                ax.plot([row[f"{side}_low"], row[side]], [y + dy, y + dy], color=color, lw=1.2,
                        alpha=0.6, zorder=2, solid_capstyle="butt")
            faded = by_id.loc[row[f"{side}_claim"], "reliability"] == "low"
            ax.plot(row[side], y, "o", color=color, ms=6, zorder=3,
                    alpha=LOW_ALPHA if faded else 1.0)
        for side, claim, offset, ha in (("official", row["official_claim"], -6, "right"),
                                        ("other", row["other_claim"], 6, "left")):
            if row["official"] > row["other"]:
                offset, ha = -offset, {"right": "left", "left": "right"}[ha]
            at_axis = ha == "right" and row[side] == 0  # a zero's label goes above, off the axis
            ax.annotate(derive.stated(by_id.loc[claim]), (row[side], y),
                        xytext=(3, 5) if at_axis else (offset, 0), textcoords="offset points",
                        ha="left" if at_axis else ha, va="bottom" if at_axis else "center",
                        fontsize=8, color="#333333")
        ratio = "official: 0" if pd.isna(row["ratio"]) else f"×{row['ratio']:.1f}"
        ax.annotate(ratio, (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=8,
                    fontweight="bold")
        whose = f" ({row['country']})" if isinstance(row.get("country"), str) else ""
        labels.append(f"{names.get(row['event_id'], row['event_id'])} · "
                      f"{pretty(row['party'])}{whose}")
    ax.annotate("ratio", (1.0, 0.5), xycoords=("axes fraction", "data"), xytext=(4, 2),
                textcoords="offset points", ha="left", va="bottom", fontsize=8, color="#555555")
    values = list(pairs["official"]) + list(pairs["other"])
    count_axis(ax.xaxis, values)
    top = max(values)  # room on the right for the top value's label, before the ratios
    ax.set_xlim(left=0, right=top * (12 if ax.get_xscale() == "symlog" else 1.3))
    ax.set_yticks([-i for i in range(len(pairs))], labels)
    ax.set_ylim(-len(pairs) + 0.4, 0.6)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"People {outcome}: {estimate} figure of each claim"
                  + (" (log scale)" if ax.get_xscale() == "symlog" else ""))
    fig.legend(handles=[
        Line2D([], [], marker="o", color=CLAIMANT_COLORS["official"], linestyle="none",
               label="highest official figure"),
        Line2D([], [], marker="o", color=OTHER, linestyle="none",
               label="highest non-official figure (media, NGO, local, other)")],
        loc="outside lower left", ncols=2)
    title = _title(pairs)
    set_title(fig, title)
    caption = (f"For each event, party and nationality where both sides gave a figure for the "
               f"{outcome}, the highest official statement (blue) against the highest "
               "statement by anyone else (orange), labelled as stated; a thin line beside a "
               "dot spans that side's lower statements. Bold: how many times larger the "
               f"non-official figure is. Only statements rated {min_reliability} reliability "
               "or better are compared, and each statement counts once however often it was "
               f"relayed. Where a statement gives several figures, its {estimate} one is used "
               "(else the one it states); parts are never added up. The alt text names the "
               "two statements behind each row.")
    def who(claim):
        row = by_id.loc[claim]
        return f"{row['claimant']}, {row['reported_on']}"
    alt = f"{title}. " + " ".join(
        f"{lab}: official {derive.number(r['official'])} ({who(r['official_claim'])}), "
        f"non-official {derive.number(r['other'])} ({who(r['other_claim'])})."
        for lab, (_, r) in zip(labels, pairs.iterrows()))
    ids = list(pairs["official_claim"]) + list(pairs["other_claim"])
    return Chart(fig, title, caption, alt, select.source_ids(by_id.loc[ids].reset_index()),
                 data=pairs.drop(columns=["start"]))


def _title(pairs: pd.DataFrame) -> str:
    ratios = pairs["ratio"].dropna().astype(float)
    higher = int((pairs["other"] > pairs["official"]).sum())
    text = (f"Non-official tolls exceed the official ones in {higher} of {len(pairs)} "
            "like-for-like comparisons")
    if not ratios.empty and ratios.max() > 1:
        text += f", by up to ×{ratios.max():.1f}"
    return text
