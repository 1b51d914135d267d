"""Synthetic projects for the benchmark: the real data with its claim tables ×N.

`make_project(dest, factor)` writes a throw-away project (data/, notebooks/) that
`BORDERLAND_ROOT=dest` points the package at. Factor 1 copies data/ as it is. For
N > 1, casualty_claims, deployments and milestones hold the real rows plus N-1
synthetic copies of each: ids end in `-synK` (c0042-syn7), the claimant and the
note say "synthetic copy K", and copy K's `part_of` and `statement_id` point at copy K's rows.
events.csv and sources.csv stay as they are: the synthetic rows are more claims
about the same events from the same documents, so the report keeps its shape and
only the number of rows grows. Nothing is ever written under the repository.

The copies are validated like the real data, by `borderland.validate`, with two
rules widened by `relax_schema()`: ids (statement ids too) may carry the `-synK`
suffix, a file may exceed the 5 MB limit meant for hostile files, and copies of one row
(which differ in claimant) are not twins. `python synth.py build ARGS`
runs `borderland build ARGS` under the same widened rules.

    python benchmarks/synth.py make DEST --factor 10
    BORDERLAND_ROOT=DEST python benchmarks/synth.py build --no-cache
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import shutil
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCALED = ("casualty_claims", "deployments", "milestones")
ID_SUFFIX = r"(?:-syn\d+)?$"


def relax_schema() -> None:
    """Let this process's validator accept synthetic ids and files over the size limit."""
    from borderland import schema, validate

    for name, table in list(schema.TABLES.items()):
        columns = tuple(replace(c, pattern=c.pattern.removesuffix("$") + ID_SUFFIX)
                        if c.kind == "id" and not c.pattern.endswith(ID_SUFFIX) else c
                        for c in table.columns)
        schema.TABLES[name] = replace(table, columns=columns)
    validate.MAX_FILE_BYTES = 1000 * schema.MAX_FILE_BYTES
    # copy K of a row repeats its figure from the same document under another claimant
    # ("... (synthetic copy K)"): not a twin of copy J
    validate.DUPLICATE_FIELDS = {name: (*fields, "claimant")
                                 for name, fields in validate.DUPLICATE_FIELDS.items()}


def synthetic_rows(header: list[str], rows: list[list[str]], factor: int) -> list[list[str]]:
    """The rows followed by factor-1 marked copies of them."""
    key = header[0]
    ids = [i for i, column in enumerate(header) if column in (key, "part_of", "statement_id")]
    claimant, note = header.index("claimant"), header.index("note")
    out = [list(r) for r in rows]
    for k in range(1, factor):
        for row in rows:
            copy = list(row)
            for i in ids:
                copy[i] = f"{row[i]}-syn{k}" if row[i] else ""
            copy[claimant] = f"{row[claimant]} (synthetic copy {k})" if row[claimant] else ""
            # the row's own note, its ids made copy K's (a note naming a twin still does)
            own = re.sub(r"\b([cdm]\d{4})\b", rf"\1-syn{k}", row[note])
            copy[note] = (f"Synthetic copy {k} of {row[0]} for the benchmark; not a real "
                          f"claim. {own}").strip()
            out.append(copy)
    return out


def write_data(dest: Path, factor: int, source: Path = REPO / "data") -> dict[str, int]:
    """Write data/ tables into `dest` (×factor for the claim tables); return rows per table."""
    if dest.resolve().is_relative_to(REPO.resolve()):
        raise ValueError(f"{dest}: synthetic data never goes inside the repository")
    dest.mkdir(parents=True, exist_ok=True)
    counts = {}
    for path in sorted(source.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            header, *rows = list(csv.reader(fh))
        if path.stem in SCALED and factor > 1:
            rows = synthetic_rows(header, rows, factor)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        (dest / path.name).write_text(buf.getvalue(), encoding="utf-8")
        counts[path.stem] = len(rows)
    return counts


def make_project(dest: Path, factor: int, notebooks: Path = REPO / "notebooks",
                 names: list[str] | None = None) -> dict[str, int]:
    """A project at `dest`: data ×factor, validated, and the notebooks `names` (default: all)."""
    counts = write_data(dest / "data", factor)
    (dest / "notebooks").mkdir(parents=True, exist_ok=True)
    for path in sorted(notebooks.glob("*.ipynb")):
        if names is None or path.stem in names:
            shutil.copy2(path, dest / "notebooks" / path.name)
    for folder in ("report", "scenarios"):
        (dest / folder).mkdir(exist_ok=True)
    check(dest / "data")
    return counts


def check(data: Path) -> None:
    """Validate `data` with the project's validator (synthetic ids allowed); raise DataError."""
    from borderland.validate import validate_dir

    relax_schema()
    validate_dir(data, label_root=data.parent)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["build"]:
        from borderland.cli import main as borderland

        relax_schema()
        return borderland(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["make"])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--factor", type=int, default=10)
    args = parser.parse_args(argv)
    counts = make_project(args.dest, args.factor)
    print(f"{args.dest}: " + ", ".join(f"{t} {n}" for t, n in counts.items()) + " rows (valid)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
