"""The overview's context notes (`notebooks/context.md`), as they could be written on a date.

The file is plain Markdown: `## ` headings, then paragraphs and `- ` bullets. The unit
shown or held back is a bullet, or a sentence of a paragraph (a sentence ends with its
citations, `...](#source-ID)).`). At `as_of`, a unit is shown only when every document
it links was published by the end of `as_of`, so a note mixing early and late facts
waits for its latest source; nothing is cut mid-sentence.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import paths
from .dates import Cutoff


def default_file() -> Path:
    """notebooks/context.md of the project (a project without one has no context notes)."""
    return paths.NOTEBOOKS / "context.md"

_LINK = re.compile(r"\(#source-([a-z0-9-]+)\)")
_SENTENCE_END = re.compile(r"(?<=\)\.) (?=[A-Z])")
_LEAD = re.compile(r"(\*\*[^*]+\*\*) ")


@dataclass(frozen=True)
class Unit:
    """One bullet or sentence, with the documents it links and where it stands."""

    section: str
    paragraph: int
    text: str
    bullet: bool
    line: int
    lead: str = ""  # a paragraph's bold lead-in ("**Khorog, 2012.**"), kept on its first shown sentence

    @property
    def sources(self) -> list[str]:
        return _LINK.findall(self.text)


def units(path: Path | None = None) -> list[Unit]:
    """Every unit of `path` (default: `default_file()`), in reading order."""
    path = path or default_file()
    out: list[Unit] = []
    section, paragraph = "", 0
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), path.read_text(),
                  flags=re.DOTALL)
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            section, paragraph = line[3:].strip(), paragraph + 1
        elif not line.strip():
            paragraph += 1
        elif line.startswith("- "):
            out.append(Unit(section, paragraph, line[2:], True, number))
        else:
            lead = _LEAD.match(line)
            body = line[lead.end():] if lead else line
            out.extend(Unit(section, paragraph, s, False, number, lead.group(1) if lead else "")
                       for s in _SENTENCE_END.split(body.strip()))
    return out


def check(sources: pd.DataFrame, path: Path | None = None) -> None:
    """ValueError naming the file and line of every link to an unknown document."""
    path = path or default_file()
    known = set(sources["source_id"])
    bad = [f"{path.name}:{u.line}: no document {sid!r} in data/sources.csv"
           for u in units(path) for sid in u.sources if sid not in known]
    if bad:
        raise ValueError("; ".join(bad))


def known(sources: pd.DataFrame, as_of: Cutoff | None,
          path: Path | None = None) -> tuple[list[Unit], int]:
    """(units whose every linked document was published by `as_of`, how many were held
    back). A link to an undated document, or to one `sources` does not hold, keeps its
    unit back at any `as_of`: its date is unknown."""
    path = path or default_file()
    if not path.is_file():
        return [], 0
    every = units(path)
    if as_of is None:
        return every, 0
    end = as_of.end
    published = sources.set_index("source_id")["published_to"]

    def public(sid: str) -> bool:  # an undated document may be later: held back
        return sid in published.index and pd.notna(published[sid]) and published[sid] <= end

    shown = [u for u in every if all(public(s) for s in u.sources)]
    return shown, len(every) - len(shown)


def sections(shown: list[Unit]) -> dict[str, str]:
    """Section title -> its Markdown, from the shown units (sections left empty are absent)."""
    out: dict[str, list[str]] = {}
    last: tuple[str, int] | None = None
    for unit in shown:
        parts = out.setdefault(unit.section, [])
        if unit.bullet:
            parts.append("- " + unit.text)
        elif last == (unit.section, unit.paragraph) and not parts[-1].startswith("- "):
            parts[-1] += " " + unit.text
        else:
            parts.append(f"{unit.lead} {unit.text}" if unit.lead else unit.text)
        last = (unit.section, unit.paragraph)
    return {title: _join(parts) for title, parts in out.items()}


def _join(parts: list[str]) -> str:
    """Paragraphs apart by a blank line, consecutive bullets as one list."""
    text = parts[0]
    for before, part in itertools.pairwise(parts):
        both_bullets = before.startswith("- ") and part.startswith("- ")
        text += ("\n" if both_bullets else "\n\n") + part
    return text
