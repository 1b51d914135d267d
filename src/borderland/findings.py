"""The report's computed sentences: the key findings of the overview, each from the rows
selected, so that they change with the parameters and can be tested on their own.

Each function returns one sentence (or None when the selection holds nothing to say it
from); `key_findings` gathers them in the order the overview prints them.
"""
from __future__ import annotations

import pandas as pd

from . import derive, select, statements
from .wording import COUNTRY_ADJECTIVES, and_list, pretty, span, toll_text, upper_first


def deadliest(claims: pd.DataFrame, events: pd.DataFrame, *, since: int = 2010,
              n: int = 3) -> str | None:
    """The `n` deadliest episodes since `since` by `derive.highest_credible`, each with the
    span of the like-for-like statements counting the same (side, country), each
    government's latest count of its own dead when two governments gave one (`_own_counts`),
    and the civil war's span when it is in the selection."""
    killed = claims[claims["outcome"] == "killed"]
    tolls = derive.highest_credible(killed)
    if tolls.empty:
        return None
    info = events.set_index("event_id")
    tolls = tolls[tolls["event_id"].isin(info.index)]
    by_id = killed.set_index("claim_id")
    start = tolls["event_id"].map(info["start_date_from"])
    recent = tolls[(start.dt.year >= since) & (tolls["event_id"].map(info["event_type"])
                                                != "civil-war")]
    recent = recent.sort_values(["value", "event_id"], ascending=[False, True]).head(n)
    parts = []
    for _, row in recent.iterrows():
        top = by_id.loc[row["claim_id"]]
        said = [toll_text(top, cited=True)]
        comparable = _comparable_span(killed, top)
        said += [f"comparable counts {comparable}"] if comparable else []
        own = _own_counts(killed, row["event_id"])
        said += [f"latest official counts of each country's own dead: {own}"] if own else []
        parts.append(f"{info.at[row['event_id'], 'name']} ({'; '.join(said)})")
    if not parts:
        return None
    text = (f"Since {since} the deadliest episodes, by their best-rated whole-episode tolls, "
            f"were {and_list(parts)}")
    war = tolls[tolls["event_id"].map(info["event_type"]) == "civil-war"]
    if not war.empty:
        whole = by_id.loc[war.iloc[0]["claim_id"]]
        comparable = _comparable_span(killed, whole)
        if comparable:
            text += (". The civil war of 1992-97 is of another order: estimates of its whole "
                     f"toll rated medium or better run from {comparable} dead")
            partial = _comparable_span(killed, whole, scopes=("period",))
            text += f" (counts of only part of it: {partial})" if partial else ""
    return text + "."


def _comparable_span(killed: pd.DataFrame, top, scopes: tuple[str, ...] = ("whole",)
                     ) -> str | None:
    """'≥54 to ≥81': the like-for-like statements (of `scopes`) of the same event, side and
    country as `top`, from the lowest bound to the highest as stated; None when they agree
    or there are none."""
    same = killed[(killed["event_id"] == top["event_id"]) & (killed["party"] == top["party"])
                  & (killed["country"].fillna("") == (top["country"] if isinstance(
                      top["country"], str) else ""))]
    same = derive.like_for_like(same, scopes=scopes)
    if same.empty:
        return None
    lows, highs = derive.figure(same, "low").astype(float), derive.figure(same, "high").astype(float)
    if lows.min() == highs.max():
        return None
    return span(same.loc[lows.idxmin()], same.loc[highs.idxmax()], bounds=True)


def _own_counts(killed: pd.DataFrame, event_id: str) -> str | None:
    """'Kyrgyz 62 (Batken health official, 2022-09-20) and Tajik 41 (Deputy Foreign
    Minister, 2022), together 103': per country, the latest like-for-like all-sides toll of
    the event that an official of that country stated for it, with its claimant and its date
    as written (two figures of one date: '35 or 38', and no sum); None unless officials of
    two countries did.

    Latest means the last day the statement may have been made, then its first: a figure
    dated only to a month or a year counts as said at that period's end (such dates mostly
    come from later summaries), so 2022 comes after 2022-09-18 but before 2023-01-05, and
    the reader sees the date as written."""
    own = killed[(killed["event_id"] == event_id) & (killed["party"] == "all")
                 & (killed["claimant_type"] == "official")
                 & (killed["country"] == killed["claimant_country"])]
    own = derive.like_for_like(own)
    if own["country"].nunique() < 2:
        return None
    parts, total = [], 0.0
    for country, rows in own.groupby("country", sort=True):
        when = list(zip(rows["reported_on_to"], rows["reported_on_from"], strict=True))
        last = rows[[w == max(when) for w in when]]
        last = last.assign(_n=derive.figure(last)).sort_values(["_n", "claim_id"])
        said = dict.fromkeys(derive.stated(row) for _, row in last.iterrows())
        who = " / ".join(dict.fromkeys(last["claimant"]))
        parts.append(f"{COUNTRY_ADJECTIVES.get(country, country)} {' or '.join(said)} "
                     f"({who}, {last['reported_on'].iloc[0]})")
        exact = len(said) == 1 and (last["qualifier"] == "exact").all()
        total = total + float(last["_n"].iloc[0]) if exact and total is not None else None
    return and_list(parts) + (f", together {derive.number(total)}" if total else "")


def official_vs_others(claims: pd.DataFrame, names: pd.Series) -> str | None:
    """How often others counted more dead than officials, like for like, and the widest
    gap with both statements named."""
    pairs = derive.compare(claims[claims["outcome"] == "killed"])
    if pairs.empty:
        return None
    by_id = claims.set_index("claim_id")
    higher = int((pairs["other"] > pairs["official"]).sum())
    same = int((pairs["other"] == pairs["official"]).sum())
    # "at least 16" against an official 19 says no one counted fewer: a floor, not a rival
    floor_below = int(((pairs["other"] < pairs["official"]) & pairs["other_claim"].map(
        by_id["qualifier"]).isin(derive.OPEN_UP)).sum())
    text = (f"In {len(pairs)} like-for-like comparisons (the whole death toll of one side of one "
            "episode, stated by an official body and by someone else, each rated medium or "
            "better; no ceilings, no count of a single day, incident or unit), the others "
            f"counted more dead in {higher}, the same number in {same} and fewer in "
            f"{len(pairs) - higher - same - floor_below}")
    if floor_below:
        text += f", and in {floor_below} gave only a floor below the official figure"
    ratios = pairs["ratio"].dropna().astype(float)
    if not ratios.empty:
        top = pairs.loc[ratios.idxmax()]
        official, other = by_id.loc[top["official_claim"]], by_id.loc[top["other_claim"]]
        floor = "at least " if other["qualifier"] in derive.OPEN_UP else ""
        text += (f". The widest gap is {floor}{ratios.max():.1f} times "
                 f"({names.get(top['event_id'], top['event_id'])}, {pretty(top['party'])}: "
                 f"{derive.stated(official)} from {official['claimant']} against "
                 f"{derive.stated(other)} from {other['claimant']})")
    return text + "."


def energy_slips(milestones: pd.DataFrame) -> str | None:
    """How many energy steps came late or are waiting, and the longest slip with its first
    and latest target."""
    slips = derive.slippage(milestones[milestones["track"] == "energy"])
    if slips.empty:
        return None
    done_late = int((slips["done"] & (slips["slip_years"] > 0)).sum())
    waiting = int((~slips["done"] & (slips["slip_years"] > 0)).sum())
    text = (f"Of {len(slips)} energy-project steps with an announced start, commissioning or "
            f"completion date, {done_late} of the {int(slips['done'].sum())} reported done came "
            f"later than first announced, and {waiting} of the {int((~slips['done']).sum())} "
            "not reported done have had their target moved or passed")
    worst = derive.longest_slip(slips)
    if worst is not None:
        latest = worst["latest_target"][:4]
        since = (f"done in {str(worst['actual'])[:4]}" if worst["done"] else
                 f"last due {latest} and not reported done" if worst["overdue"] else
                 f"now due {latest}")
        text += (f"; the longest slip is at least {worst['slip_years']:g} years "
                 f"({pretty(worst['subject'], capital=True)}, {pretty(worst['milestone'])}: "
                 f"first due {worst['first_target'][:4]}, {since})")
    return text + "."


def russian_presence(deployments: pd.DataFrame, milestones: pd.DataFrame,
                     force: str = "201st-base") -> str | None:
    """The standing strength reported for Russia's base (span, years, most frequent
    figure as stated) and the end of its latest lease term."""
    rows = select.reliable(_standing_strength(deployments, force), "medium")
    lease = derive.span_end(milestones, force)
    parts = []
    if not rows.empty:
        values = derive.figure(rows).astype(float)
        low, high = rows.loc[values.idxmin()], rows.loc[values.idxmax()]
        top, times = derive.most_often(rows)
        years = f"{rows['date_from'].dt.year.min()} and {rows['date_to'].dt.year.max()}"
        often = (f"; {top} most often, in {times} of {len(rows)}" if times > 1 else "")
        parts.append(f"Russia's 201st base was reported at {derive.stated(low)} to "
                     f"{derive.stated(high)} troops between {years} (statements of its standing "
                     f"strength rated medium or better{often})")
    if lease:
        parts.append(f"the latest lease term recorded for it runs to {lease}")
    if not parts:
        return None
    text = "; ".join(parts)
    return upper_first(text) + "."


def _standing_strength(deployments: pd.DataFrame, force: str = "201st-base") -> pd.DataFrame:
    """A force's reported standing strength in personnel (no contingents, no plans)."""
    return deployments[(deployments["force"] == force) & (deployments["measure"] == "strength")
                       & (deployments["unit"] == "personnel")
                       & (deployments["status"] == "actual")]


def inventory(reports: pd.DataFrame, deployment_reports: pd.DataFrame, episodes: int,
              totals: int, milestones: pd.DataFrame, documents: int) -> str:
    """What the selection holds, counted as statements (and the reports relaying them):
    `episodes` violent episodes and `totals` totals across episodes have statements."""
    tracks = [t for t in ("basing", "energy", "security", "context")
              if t in set(milestones.get("track", []))]
    where = and_list(tracks) if tracks else ""
    return (f"The selection holds {statements.count_text(reports, 'casualty statement')} about "
            f"{episodes} violent episodes (and {totals} totals across episodes), "
            f"{statements.count_text(deployment_reports, 'force figure')} and {len(milestones):,} "
            f"dated steps ({where}), drawn from {documents:,} documents (the bibliography lists "
            "those the charts and tables cite). A statement is one claimant's figure at one "
            "moment, counted once however many outlets relayed it.")


def bullets(lines: list[str | None]) -> str:
    """The sentences that could be said, as a Markdown list."""
    return "\n".join(f"- {line}" for line in lines if line)


def basing_summary(milestones: pd.DataFrame) -> list[str]:
    """What the basing timeline says: the lease's end, the agreements concluded, the
    exercises recorded and the steps only planned (each step counted once)."""
    if milestones.empty:
        return []
    lines = []
    steps = milestones.drop_duplicates(["subject", "milestone", "status"])  # each step once
    lease = derive.span_end(milestones, "201st-base")
    if lease:
        lines.append(f"The latest lease term recorded for the 201st base runs to {lease}.")
    signed = steps[steps["kind"].isin(["agreement", "ratification"]) & (steps["status"] == "actual")]
    if not signed.empty:
        years = signed["date_from"].dt.year
        latest = signed.sort_values("date_from").iloc[-1]
        lines.append(f"{len(signed)} agreements and ratifications were concluded between "
                     f"{years.min()} and {years.max()}; the latest is "
                     f"{pretty(latest['milestone'])} ({pretty(latest['subject'], capital=True)}, "
                     f"{latest['date']}).")
    drills = steps[steps["kind"] == "exercise"]
    if not drills.empty:
        lines.append(f"{len(drills)} exercises are recorded, {drills['date_from'].dt.year.min()} to "
                     f"{drills['date_from'].dt.year.max()}, most of them by "
                     f"{pretty(drills['subject'].value_counts().idxmax())}.")
    planned = steps[steps["status"] == "planned"]
    if not planned.empty:
        lines.append(f"{len(planned)} steps were only announced or planned; the timeline draws "
                     "them hollow beside what was done.")
    return lines


def evidence_limits(claims: pd.DataFrame, deployments: pd.DataFrame) -> list[str]:
    """What the selected data cannot tell: relayed and vaguely dated claims, episodes with
    no (or only) official tolls, how little the 201st base's recent strength figures add."""
    lines = []
    if not claims.empty:
        relayed = claims["original_source_id"].notna().mean()
        vague = (claims["reported_on"].str.len() == 4).mean()
        lines.append(f"{relayed:.0%} of the selected casualty claims reach us through a second "
                     f"outlet, and {vague:.0%} can be dated only to a year, which blurs when they "
                     "were made.")
        official = claims.groupby("event_id")["claimant_type"]
        some = official.agg(lambda s: (s == "official").any())
        only = int(official.agg(lambda s: (s == "official").all()).sum())
        lines.append(f"{int((~some).sum())} of {len(some)} episodes have no official toll in the "
                     f"selection, and {only} have only official ones.")
    strength = _standing_strength(deployments)
    if not strength.empty:
        last_year = int(strength["date_to"].dt.year.max())
        recent = strength[strength["date_to"].dt.year >= last_year - 3]
        earlier = set(derive.figure(strength[strength["date_to"].dt.year < last_year - 3]))
        repeats = int(derive.figure(recent).isin(earlier).sum())
        monitors = recent["claimant_type"].isin(["ngo", "academic", "intergovernmental"]).sum()
        said = ", ".join(sorted({derive.stated(r) for _, r in recent.iterrows()}))
        kinds = ", ".join(sorted(set(recent["claimant_type"])))
        lines.append(f"For the 201st base, the data holds {len(recent)} strength figures describing "
                     f"{last_year - 3}-{last_year} ({said}), from claimants of type {kinds}; "
                     f"{repeats} of them repeat a number already reported for earlier years"
                     + (", and none comes from an NGO, academic or intergovernmental source, so "
                        "the record cannot show whether the base's strength changed."
                        if not monitors else "."))
    lines.append("No figure in the data says how many people were wounded, detained or displaced "
                 "by every episode, and none is our own estimate: where the sources are silent, "
                 "so are the charts.")
    return lines
