"""Load data/ as typed, validated pandas DataFrames.

`load_tables()` validates once per distinct content of data/ and keeps the typed
tables in a cache file keyed by `fingerprint.tables_key` (the data, the validating
code, the lock file and the library versions), so notebooks run by the build do not
validate again.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import dates, paths
from .fingerprint import data_hash, tables_key
from .schema import TABLES
from .validate import validate_dir

__all__ = ["Tables", "data_hash", "load_tables"]


@dataclass
class Tables:
    """The five validated tables."""

    sources: pd.DataFrame
    events: pd.DataFrame
    casualty_claims: pd.DataFrame
    deployments: pd.DataFrame
    milestones: pd.DataFrame
    data_hash: str

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}


def load_tables(data_dir: Path | str | None = None, use_cache: bool = True) -> Tables:
    """Validated, typed tables of `data_dir` (default: the project's data/).

    Raises `borderland.validate.DataError` listing every problem.
    """
    data_dir = Path(data_dir) if data_dir else paths.DATA
    cache = paths.cache_dir() / f"tables-{tables_key(data_dir)}.pkl"
    if use_cache and cache.is_file():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    raw = validate_dir(data_dir, label_root=data_dir.parent)
    typed = {name: _typed(name, frame) for name, frame in raw.items()}
    for name in ("casualty_claims", "deployments", "milestones"):
        typed[name] = _with_known_on(typed[name], typed["sources"])
    tables = Tables(**typed, data_hash=data_hash(data_dir))
    if use_cache:
        _write_atomic(cache, pickle.dumps(tables))
    return tables


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Counts as nullable integers, values as floats, empty text as missing, date intervals."""
    table = TABLES[name]
    out = frame.reset_index().replace({"": None})
    for col in table.columns:
        if col.kind == "count":
            out[col.name] = pd.array(out[col.name], dtype="Int64")
        elif col.kind == "number":
            out[col.name] = pd.to_numeric(out[col.name]).astype("Float64")
    for col in table.date_columns:
        out[f"{col}_from"] = out[col].map(dates.first_day, na_action="ignore")
        out[f"{col}_to"] = out[col].map(dates.last_day, na_action="ignore")
        out[f"{col}_from"] = pd.to_datetime(out[f"{col}_from"])
        out[f"{col}_to"] = pd.to_datetime(out[f"{col}_to"])
    return out


def _with_known_on(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Add `known_on_to`: the first day on which the row was public, the later of the end
    of its statement date and the end of the publication date of the document we read.
    A row read in an undated document has none (NaT): nobody can say when it became
    public, so an `as_of` edition never shows it."""
    said = "stated_on" if "stated_on" in frame else "reported_on"
    published = frame["source_id"].map(sources.set_index("source_id")["published_to"])
    known = published.where(published > frame[f"{said}_to"], frame[f"{said}_to"])
    return frame.assign(known_on_to=known.where(published.notna()))


def _write_atomic(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    os.replace(tmp, path)
