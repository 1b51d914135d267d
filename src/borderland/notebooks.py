"""The report's notebooks: their order and the parameters each declares.

Parameter names and defaults are read from each notebook's `parameters` cell
with papermill, never from a second list kept by hand.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from . import paths

REPORT_ORDER = ("01-overview", "02-casualties", "03-claims-compared", "04-deployments",
                "05-basing", "06-energy", "07-methodology")


def available() -> list[str]:
    """Every notebook in notebooks/ (report ones and the explorer), by name."""
    return sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))


class UnknownNotebookError(ValueError):
    """A notebook name that notebooks/ does not hold."""


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
