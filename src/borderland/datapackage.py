"""data/datapackage.json (Frictionless Data Package) generated from `borderland.schema`.

Usage: python -m borderland.datapackage > data/datapackage.json
A test keeps the committed file equal to this output.
"""
from __future__ import annotations

import json
import sys

from .schema import MAX_FIELD_CHARS, MIN_YEAR, SLUG, TABLES, Column

_TYPES = {"slug": "string", "text": "string", "date": "string", "count": "integer",
          "number": "number", "enum": "string", "url": "string", "id": "string"}


def _field(col: Column) -> dict:
    field = {"name": col.name, "type": _TYPES[col.kind]}
    if col.description:
        field["description"] = col.description
    constraints: dict = {"required": col.required}
    if col.kind == "enum":
        constraints["enum"] = list(col.allowed)
    elif col.kind == "slug":
        constraints["pattern"] = SLUG.strip("^$")
    elif col.kind == "id":
        constraints["pattern"] = col.pattern.strip("^$")
    elif col.kind == "date":
        constraints["pattern"] = r"\d{4}(-\d{2}(-\d{2})?)?"
        field["description"] = (field.get("description", "") + " ISO 8601 at its precision "
                                f"(EDTF level 0), years {MIN_YEAR}-{col.latest_year}").strip()
    elif col.kind in ("count", "number"):
        constraints["minimum"] = 0
    elif col.kind == "url":
        constraints["pattern"] = r"https?://\S+"
    if col.kind in ("text", "slug"):
        constraints["maxLength"] = MAX_FIELD_CHARS
    field["constraints"] = constraints
    return field


def descriptor() -> dict:
    """The Data Package descriptor for every table, with keys and foreign keys."""
    resources = []
    for table in TABLES.values():
        schema = {"fields": [_field(c) for c in table.columns], "primaryKey": [table.key],
                  "missingValues": [""]}
        foreign = [{"fields": [c.name], "reference": {"resource": c.references.split(".")[0],
                                                      "fields": [c.references.split(".")[1]]}}
                   for c in table.columns if c.references]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({"name": table.name, "path": table.file, "profile": "tabular-data-resource",
                          "description": table.description, "format": "csv", "encoding": "utf-8",
                          "schema": schema})
    return {
        "profile": "tabular-data-package",
        "name": "borderland",
        "title": "Borderland: claims, deployments and milestones on security in Tajikistan's "
                 "borderlands",
        "description": "Every row cites the document it was read in (source_id) and a verbatim "
                       "quote. See data/README.md for coding rules.",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }


def render() -> str:
    return json.dumps(descriptor(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
