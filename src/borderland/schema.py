"""The dataset's schema: tables, columns, types and allowed values.

This module is the single statement of what `data/` may hold. The validator
(`borderland.validate`) checks files against it and `datapackage.json` is
generated from it (`borderland datapackage`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

PRECISIONS = ("day", "month", "year")
RELIABILITY = ("high", "medium", "low")
QUALIFIERS = ("exact", "about", "at_least", "more_than", "up_to", "fewer_than", "range")
CLAIMANT_TYPES = ("official", "media", "ngo", "intergovernmental", "local", "academic",
                  "opposition", "anonymous")
COUNTRIES = ("TJ", "KG", "AF", "RU", "UZ", "CN", "IN", "US", "IR", "GB")
# How a claim's date is known: the document dates the claimant's statement (`stated`),
# we infer it from the text or from a dated relay of the same statement (`inferred`),
# or only the relaying document's publication date is known, an upper bound (`relay`).
DATE_BASES = ("stated", "inferred", "relay")
# What a force figure measures (deployments.measure).
MEASURES = ("strength", "deployed", "contingent", "redeployed", "withdrawn", "target", "rate",
            "aid", "seized")
STATEMENT_ID = r"^s-[cdm]\d{4}$"
CLAIMANT_COUNTRIES = COUNTRIES + ("intl",)

# Which of low/best/high a qualifier fills: (must be filled, must stay empty).
QUALIFIER_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "exact": (("best",), ("low", "high")),
    "about": (("best",), ("low", "high")),
    "at_least": (("low",), ("high",)),
    "more_than": (("low",), ("high",)),
    "up_to": (("high",), ("low",)),
    "fewer_than": (("high",), ("low",)),
    "range": (("low", "high"), ()),
}


SHORT_NAME_CHARS = 26  # events.short_name: fits a chart label uncut


@dataclass(frozen=True)
class Column:
    """One column: its kind decides the value check; `allowed` lists enum values."""

    name: str
    kind: str  # slug | text | date | count | number | enum | url | id
    required: bool = False
    allowed: tuple[str, ...] = ()
    pattern: str = ""  # for kind "id"
    references: str = ""  # "table.column" for foreign keys
    latest_year: int = 2035  # dates: planned dates and span ends may run later
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One CSV file of data/ and its columns, in file order."""

    name: str
    key: str
    columns: tuple[Column, ...]
    description: str
    date_columns: tuple[str, ...] = field(default=())

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _claim_tail() -> tuple[Column, ...]:
    """Columns shared by every table of claims: counts, claimant and provenance."""
    return (
        Column("low", "count", description="lowest figure the claim states"),
        Column("best", "count", description="the figure the claim states as its estimate"),
        Column("high", "count", description="highest figure the claim states"),
        Column("qualifier", "enum", True, QUALIFIERS, description="how the figure is hedged"),
        Column("claimant", "text", True, description="who made the claim, as named"),
        Column("claimant_type", "enum", True, CLAIMANT_TYPES),
        Column("claimant_country", "enum", False, CLAIMANT_COUNTRIES),
        Column("reported_on", "date", True,
               description="when the claimant made the statement (see reported_on_basis)"),
        Column("reported_on_basis", "enum", True, DATE_BASES,
               description="how reported_on is known: stated, inferred, or relay (only the "
                           "relaying document's date)"),
    )


def _statement(required: bool = True) -> Column:
    """The statement a row relays: `s-` + the id of the statement's primary row."""
    return Column("statement_id", "id", required, pattern=STATEMENT_ID,
                  description="rows relaying one claimant's statement (same moment, same "
                              "figure) share it: 's-' + the id of its primary row")


def _provenance() -> tuple[Column, ...]:
    return (
        Column("source_id", "slug", True, references="sources.source_id",
               description="the document we read"),
        Column("original_source_id", "slug", references="sources.source_id",
               description="the outlet that document relays"),
        Column("reliability", "enum", True, RELIABILITY),
        Column("quote", "text", True, description="verbatim phrase stating the figure or date"),
        Column("note", "text", description="our caveats"),
    )


SOURCES = Table(
    "sources", "source_id",
    (
        Column("source_id", "slug", True),
        Column("title", "text", True),
        Column("publisher", "text", True),
        Column("author", "text"),
        Column("published", "date"),
        Column("date_precision", "enum", False, PRECISIONS),
        Column("url", "url"),
        Column("kind", "enum", True, ("news", "wire", "news-analysis", "reportage", "academic",
                                       "official", "ngo", "intergovernmental", "blog",
                                       "aggregator", "reference", "dataset")),
        Column("found_in", "text", description="sources/<file> or research/<dossier>.md"),
        Column("via", "slug", references="sources.source_id",
               description="the document in which we read this outlet cited"),
        Column("note", "text"),
    ),
    "Documents we read and the outlets they relay.",
    date_columns=("published",),
)

EVENTS = Table(
    "events", "event_id",
    (
        Column("event_id", "slug", True),
        Column("name", "text", True),
        Column("short_name", "text", True,
               description=f"the episode's label in charts, at most {SHORT_NAME_CHARS} characters"),
        Column("start_date", "date", True),
        Column("end_date", "date"),
        Column("date_precision", "enum", True, PRECISIONS),
        Column("region", "enum", True, ("gbao", "rasht", "sughd", "dushanbe", "khatlon",
                                         "kyrgyz-tajik-border", "nationwide")),
        Column("place", "text", True),
        Column("event_type", "enum", True, ("civil-war", "security-operation", "armed-clash",
                                             "border-clash", "attack", "assassination",
                                             "protest", "jailbreak", "aggregate"),
               description="aggregate: a total across several episodes or the whole "
                           "country, counted together (never one operation's toll)"),
        Column("summary", "text", True),
        Column("source_id", "slug", True, references="sources.source_id"),
        Column("quote", "text", True),
    ),
    "Violent episodes the claims belong to.",
    date_columns=("start_date", "end_date"),
)

SCOPES = ("whole", "period", "incident", "subset")

CASUALTY_CLAIMS = Table(
    "casualty_claims", "claim_id",
    (
        Column("claim_id", "id", True, pattern=r"^c\d{4}$"),
        _statement(),
        Column("event_id", "slug", True, references="events.event_id"),
        Column("outcome", "enum", True, ("killed", "wounded", "detained", "missing", "displaced",
                                          "refugees", "orphaned", "casualties")),
        Column("party", "enum", True, ("security-forces", "armed-group", "civilians",
                                        "foreign-nationals", "all", "unspecified")),
        Column("country", "enum", False, COUNTRIES, description="whose people are counted"),
        Column("scope", "enum", True, SCOPES,
               description="what stretch of the episode the figure counts: whole (the whole "
                           "episode's toll for that side, as known when stated), period (part "
                           "of its time: the first day, one week), incident (one clash, place or "
                           "attack within it), subset (part of the side: one unit, only those in "
                           "hospital)"),
        *_claim_tail(),
        Column("part_of", "id", pattern=r"^c\d{4}$", references="casualty_claims.claim_id"),
        *_provenance(),
    ),
    "One row per casualty claim: one claimant, one count.",
    date_columns=("reported_on",),
)

DEPLOYMENTS = Table(
    "deployments", "deployment_id",
    (
        Column("deployment_id", "id", True, pattern=r"^d\d{4}$"),
        _statement(),
        Column("force", "slug", True),
        Column("measure", "enum", True, MEASURES,
               description="strength (standing size at a date), deployed (sent into an "
                           "operation), contingent (an exercise or mission), redeployed (sent "
                           "elsewhere), withdrawn (pulled out), target (a stated aim), rate (per "
                           "period), aid (money or materiel given or pledged), seized (weapons "
                           "seized or surrendered)"),
        Column("event_id", "slug", references="events.event_id"),
        Column("location", "text"),
        Column("unit", "enum", True, ("personnel", "aircraft", "helicopters", "armoured-vehicles",
                                       "tanks", "artillery", "weapons", "usd", "rub")),
        Column("status", "enum", True, ("actual", "planned")),
        Column("date", "date", True, latest_year=2100,
               description="the date the figure describes (planned figures may be later)"),
        Column("date_precision", "enum", True, PRECISIONS),
        *_claim_tail(),
        *_provenance(),
    ),
    "One row per reported force size or military-aid figure.",
    date_columns=("date", "reported_on"),
)

MILESTONES = Table(
    "milestones", "milestone_id",
    (
        Column("milestone_id", "id", True, pattern=r"^m\d{4}$"),
        _statement(required=False),
        Column("track", "enum", True, ("basing", "energy", "security", "context")),
        Column("subject", "slug", True),
        Column("milestone", "slug", True),
        Column("kind", "enum", True, ("agreement", "ratification", "decision", "summit",
                                       "exercise", "statement", "construction-start",
                                       "commissioning", "completion", "suspension", "financing",
                                       "cost", "capacity", "figure", "other")),
        Column("status", "enum", True, ("actual", "planned")),
        Column("date", "date", True, latest_year=2100,
               description="when it happened, or the planned date"),
        Column("end_date", "date", latest_year=2100, description="end of a span"),
        Column("date_precision", "enum", True, PRECISIONS),
        Column("stated_on", "date", True, description="when the statement was made"),
        Column("stated_on_basis", "enum", True, DATE_BASES,
               description="how stated_on is known (as reported_on_basis)"),
        Column("value_low", "number", description="lowest value stated (qualifier range, "
                                                   "at_least, more_than)"),
        Column("value", "number", description="the value stated"),
        Column("value_high", "number", description="highest value stated (qualifier range, "
                                                    "up_to, fewer_than)"),
        Column("qualifier", "enum", False, QUALIFIERS, description="how the value is hedged "
                                                                    "(required with a value)"),
        Column("unit", "enum", False, ("usd", "rub", "eur", "tjs", "mw", "gwh", "kwh",
                                        "m", "m3", "km", "km2", "percent", "tonnes", "people",
                                        "households", "personnel", "aircraft", "years")),
        Column("description", "text", True),
        Column("claimant", "text"),
        Column("claimant_type", "enum", True, CLAIMANT_TYPES),
        Column("claimant_country", "enum", False, CLAIMANT_COUNTRIES),
        *_provenance(),
    ),
    "One row per dated statement; a planned date gets a row per announcement.",
    date_columns=("date", "end_date", "stated_on"),
)

TABLES: dict[str, Table] = {t.name: t for t in
                            (SOURCES, EVENTS, CASUALTY_CLAIMS, DEPLOYMENTS, MILESTONES)}

# Limits that keep a hostile file from hanging the build.
MAX_FILE_BYTES = 5_000_000
MAX_FIELD_CHARS = 2_000
MIN_YEAR = 1850
