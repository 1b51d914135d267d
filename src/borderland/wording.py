"""The report's words for data values: slugs as words, tolls, sides, spans, lists.

Charts, findings, listings and notebooks take their wording from here, so a value reads
the same wherever it is printed. Figures as stated ('≥30', '18–23') are `derive.stated`.
"""
from __future__ import annotations

import re

from . import derive

PRETTY = {"security-forces": "security forces", "armed-group": "armed group",
          "foreign-nationals": "foreign nationals", "all": "all parties",
          "unspecified": "party not stated", "201st-base": "201st base",
          "casa-1000": "CASA-1000", "ngo": "NGO", "rub": "roubles", "gwh": "GWh",
          "km2": "km²", "tajik-forces-gbao": "Tajik forces in GBAO",
          "militants-northern-afghanistan": "militants, northern Afghanistan",
          "gas-pipeline-line-d": "gas pipeline Line D", "sangtuda-1": "Sangtuda-1",
          "sangtuda-2": "Sangtuda-2", "kyrgyz-tajik-border": "Kyrgyz–Tajik border",
          "TJ": "Tajikistan", "KG": "Kyrgyzstan", "AF": "Afghanistan", "RU": "Russia",
          "UZ": "Uzbekistan", "CN": "China", "IN": "India", "US": "United States", "IR": "Iran"}


ACRONYMS = {"gbao": "GBAO", "csto": "CSTO", "cis": "CIS", "crrf": "CRRF", "eeu": "EEU",
            "casa": "CASA", "kg": "KG", "tj": "TJ", "adb": "ADB", "us": "US", "rusal": "RUSAL",
            "talco": "TALCO", "un": "UN", "eu": "EU", "osce": "OSCE", "wb": "WB", "hpp": "HPP",
            "irpt": "IRPT", "fsb": "FSB", "sco": "SCO", "mw": "MW", "usd": "US$", "cst": "CST",
            "crdf": "CRDF", "corf": "CORF", "mlrs": "MLRS", "s300": "S-300", "pk": "PK",
            "aiib": "AIIB", "edb": "EDB", "rap": "RAP", "ta": "TA", "pla": "PLA", "iaf": "IAF",
            "iom": "IOM", "bomca": "BOMCA", "omon": "OMON", "mvd": "MVD", "gknb": "GKNB",
            "ebrd": "EBRD", "eib": "EIB", "fdi": "FDI", "gdp": "GDP", "hvdc": "HVDC", "ues": "UES",
            "ojsc": "OJSC", "epc": "EPC", "mou": "MoU", "usaid": "USAID", "rao": "RAO",
            "ukraine": "Ukraine", "india": "India", "china": "China", "russia": "Russia"}
# Proper nouns a slug writes in lower case: countries, places, peoples, names.
ACRONYMS.update({w: w.capitalize() for w in (
    "afghan", "afghanistan", "armenia", "ayni", "batken", "chinese", "dushanbe", "duma",
    "ishkashim", "kazakhstan", "khorog", "kulob", "kyrgyz", "kyrgyzstan", "moscow", "murghab",
    "okno", "pakistan", "pamir", "rasht", "rogun", "romit", "sochi", "soviet", "tajik",
    "tajiks", "tajikistan", "taliban", "turkmen", "uzbek", "uzbekistan", "iran", "iranian",
    "indian", "russian", "sambuli", "uragan", "vakhon", "rahmon", "nazarov", "patrushev",
    "mirziyoyev", "abdullo", "ziyoev", "lohur", "shahritus", "shaymak", "ribhoz", "ayvoj",
    "andritz", "rosatom", "rubezh", "poisk", "bratstvo", "xi")})


def upper_first(text: str) -> str:
    """`text` with its first letter upper case, the rest as written ('GBAO' stays)."""
    return text[:1].upper() + text[1:]


_SLUG = re.compile(r"[a-z0-9_-]+")


def pretty(slug, capital: bool = False) -> str:
    """A slug as words: 'tajik-forces-gbao' → 'tajik forces GBAO' ('Rogun' with `capital`);
    what is no slug (a name: 'Ovchi-Qalacha clash, 2019') is already words and kept."""
    slug = str(slug)
    words = PRETTY.get(slug) or (" ".join(ACRONYMS.get(w, w) for w in
                                          slug.replace("_", "-").split("-"))
                                 if _SLUG.fullmatch(slug) else slug)
    return upper_first(words) if capital else words


def and_list(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


TOLL_RULE = ("each episode's toll is one statement's figure: among its whole-episode death "
             "tolls rated medium or better, those counting all sides where any does (else a "
             "total of no stated side, else one side, named), and of these the best-rated, the "
             "highest if several; an episode with no such statement shows its best other "
             "figure, labelled low-rated or partial")
TOLL_SIDES = {"security-forces": "security forces", "armed-group": "fighters",
              "civilians": "civilians", "foreign-nationals": "foreigners"}
TOLL_SIDE_ONE = {"security forces": "member of the security forces", "fighters": "fighter",
                 "civilians": "civilian", "foreigners": "foreigner"}  # a toll of exactly 1
TOLL_CAVEATS = {"period": "part of the time", "incident": "one incident", "subset": "part of a side"}
# a count of less than the whole episode, as a chart's row label says it
SCOPE_LABELS = {**TOLL_CAVEATS, "subset": "part of the side"}
COUNTRY_ADJECTIVES = {"TJ": "Tajik", "KG": "Kyrgyz", "AF": "Afghan", "RU": "Russian",
                      "UZ": "Uzbek", "CN": "Chinese"}


def toll_text(claim, short: bool = False, cited: bool = False) -> str:
    """A death toll as stated, naming its side unless it counts all, and saying when it is
    low-rated or counts less than the whole episode: '≥81 killed', '15 fighters killed',
    '7 fighters killed, low-rated'; `short`: without 'killed' ('28 security forces');
    `cited`: as a sentence cites it, without caveats ('15 killed, fighters only, per AFP')."""
    side = TOLL_SIDES.get(claim["party"])
    figure = derive.stated(claim)
    if cited:
        return f"{figure} killed" + (f", {side} only" if side else "") + f", per {claim['claimant']}"
    if figure == "1" and side:
        side = TOLL_SIDE_ONE[side]
    caveats = [TOLL_CAVEATS[claim["scope"]]] if claim.get("scope") in TOLL_CAVEATS else []
    caveats += ["low-rated"] if claim.get("reliability") == "low" else []
    said = (f"{figure} {side}" if side else f"{figure} dead") \
        if short else f"{figure} {side + ' ' if side else ''}killed"
    return said + "".join(f", {c}" for c in caveats)


def side_words(party: str, country: str | None) -> str:
    """'among Tajik security forces', 'on the Kyrgyz side', 'of all sides'."""
    nation = COUNTRY_ADJECTIVES.get(country, country) + " " \
        if isinstance(country, str) and country else ""
    group = TOLL_SIDES.get(party)
    return f"among {nation}{group}" if group else f"on the {nation}side" if nation else \
        "of all sides"


def span(lowest, highest, *, bounds: bool = False) -> str:
    """'4 to ≥34': the figures `lowest` and `highest` state, one figure when both read the
    same; with `bounds` a range gives its low (or high) bound alone ('42 to ~200')."""
    low, high = (derive.number(row[end]) if bounds and row["qualifier"] == "range"
                 else derive.stated(row) for row, end in ((lowest, "low"), (highest, "high")))
    return low if low == high else f"{low} to {high}"
