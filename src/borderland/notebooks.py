"""The report's notebooks: their order and the parameters each declares.

Parameter names and defaults are read from each notebook's `parameters` cell
with papermill, never from a second list kept by hand.
"""
from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path, PurePath

from . import paths

REPORT_ORDER = ("01-overview", "02-casualties", "03-claims-compared", "04-deployments",
                "05-basing", "06-energy", "07-methodology")
CHANGES = "08-changes"  # the chapter "What changed", in the report only when `since` is given


def report_order(parameters: dict) -> list[str]:
    """The report's chapters for these parameters: with `since`, "What changed" comes
    before the methodology."""
    names = list(REPORT_ORDER)
    if parameters.get("since"):
        names.insert(names.index("07-methodology"), CHANGES)
    return names


def available() -> list[str]:
    """Every notebook in notebooks/ (report ones and the explorer), by name."""
    return sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))


class UnknownNotebookError(ValueError):
    """A notebook name that notebooks/ does not hold."""


def resolve(given: str) -> str:
    """The notebook `given` names: by name, file name or path, or number ("02", "2").

    UnknownNotebookError with the closest names when none (or more than one) matches.
    """
    names = available()
    name = PurePath(given).name.removesuffix(".ipynb")
    if name in names:
        return name
    if name.isdigit():
        numbered = [n for n in names if n.split("-")[0].isdigit() and int(n.split("-")[0]) == int(name)]
        if len(numbered) == 1:
            return numbered[0]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    close += [n for n in names if n.startswith(name) and n not in close] if name else []
    hint = f" (did you mean {', '.join(close[:3])}?)" if close else ""
    raise UnknownNotebookError(f"no notebook {given!r}{hint}; available: {', '.join(names)}")


def notebook_path(name: str) -> Path:
    path = paths.NOTEBOOKS / f"{name}.ipynb"
    if not path.is_file():
        raise UnknownNotebookError(f"no notebook {name!r}; available: {', '.join(available())}")
    return path


@cache
def inspect(name: str) -> dict[str, dict]:
    """name -> {"default": text, "type": inferred type, "help": comment} from the parameters cell."""
    import papermill

    found = papermill.inspect_notebook(str(notebook_path(name)))
    return {k: {"default": v["default"], "type": v["inferred_type_name"], "help": v["help"]}
            for k, v in found.items()}


def declared_parameters(name: str) -> list[str]:
    return list(inspect(name))
