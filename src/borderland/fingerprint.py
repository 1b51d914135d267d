"""Every cache key of the build, made one way: sha256 over named parts.

A part is a label and its bytes (a file's name and content, a value's JSON). The keys:

- `data_hash(data_dir)`: the tables and the map's geo files; the report shows it.
- `environment()`: the lock file's text, Python's version and the versions of the
  libraries that shape the output (pandas, matplotlib...), as installed.
- `code()`: the package (code, style, templates), the notebooks' text files, and the
  environment.
- `tables_key(data_dir)`: the typed-tables pickle: the data, the validating code and the
  environment (a pickle is only read back by the pandas that wrote it).
- `job_key(...)`: one notebook's run; `build_key(...)`: the whole report.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from . import paths

PACKAGE = Path(__file__).parent
# Libraries whose version can change what the report holds or how its caches read back.
LIBRARIES = ("pandas", "numpy", "matplotlib", "resvg-py", "nbconvert", "nbformat", "papermill",
             "ipykernel", "jinja2", "beautifulsoup4", "playwright")


class Fingerprint:
    """A sha256 fed with labelled parts."""

    def __init__(self, *parts: tuple[str, bytes | str]):
        self._digest = hashlib.sha256()
        for label, payload in parts:
            self.add(label, payload)

    def add(self, label: str, payload: bytes | str) -> Fingerprint:
        self._digest.update(label.encode())
        self._digest.update(payload.encode() if isinstance(payload, str) else payload)
        return self

    def add_file(self, path: Path, label: str | None = None) -> Fingerprint:
        """The file's label (default its name) and bytes; `<missing>` when there is none."""
        return self.add(label or path.name, path.read_bytes() if path.is_file() else b"<missing>")

    def add_value(self, label: str, value) -> Fingerprint:
        """A JSON-able value (keys sorted, anything else by its str)."""
        return self.add(label, json.dumps(value, sort_keys=True, default=str))

    def hexdigest(self, length: int = 64) -> str:
        return self._digest.hexdigest()[:length]


def file_sha256(path: Path) -> str:
    """sha256 of one file's bytes (the manifest's record of a published file)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_hash(data_dir: Path) -> str:
    """sha256 over the table files and the map's geo files (names and bytes) of `data_dir`."""
    from .schema import TABLES

    fp = Fingerprint()
    for table in TABLES.values():
        fp.add_file(data_dir / table.file, table.file)
    for path in sorted((data_dir / "geo").glob("*")):  # the map's boundaries and gazetteer
        if path.is_file() and path.suffix in (".csv", ".geojson"):
            fp.add_file(path)
    return fp.hexdigest()


def versions(libraries: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """Installed version of each library ('-' when it is not installed)."""
    found = {}
    for name in libraries:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def environment(lock: Path | None = None) -> str:
    """What the code runs on: the lock file's text, Python, the libraries' versions."""
    lock = lock or paths.LOCK
    return (Fingerprint().add_file(lock, "lock").add("python", sys.version)
            .add_value("libraries", versions()).hexdigest())


def package_files(names: Iterable[str] | None = None) -> Fingerprint:
    """The package's files (or only `names`, relative to it), without bytecode."""
    fp = Fingerprint()
    chosen = [PACKAGE / n for n in names] if names is not None else sorted(PACKAGE.rglob("*"))
    for path in chosen:
        if path.is_file() and "__pycache__" not in path.parts:
            fp.add_file(path, str(path.relative_to(PACKAGE)))
    return fp


def code() -> str:
    """The package's files (code, style, templates), the notebooks' text files (context.md)
    and the environment."""
    fp = package_files()
    for path in sorted(paths.NOTEBOOKS.glob("*.md")):
        fp.add_file(path)
    return fp.add("environment", environment()).hexdigest()


TABLE_CODE = ("schema.py", "validate.py", "dates.py", "load.py", "fingerprint.py")


def tables_key(data_dir: Path) -> str:
    """The typed-tables cache: the data, the code that validates and types it, the environment."""
    return (package_files(TABLE_CODE).add("data", data_hash(data_dir))
            .add("environment", environment()).hexdigest(32))


def job_key(notebook: Path, parameters: dict, data: str, code_key: str) -> str:
    """One notebook's run: its bytes, its parameters, the data and the code."""
    return (Fingerprint().add_file(notebook).add_value("parameters", parameters)
            .add("data", data).add("code", code_key).hexdigest(32))


def build_key(code_key: str, notebooks: list[Path], data_files: list[tuple[str, Path]],
              settings: list) -> str | None:
    """The whole report: code, notebooks, data files and settings; None if a notebook is
    missing."""
    fp = Fingerprint(("code", code_key))
    for path in notebooks:
        if not path.is_file():
            return None
        fp.add_file(path, path.stem)
    for label, path in data_files:
        fp.add_file(path, label)
    return fp.add_value("settings", settings).hexdigest()


def figure_key(func, args: tuple, kwargs: dict) -> str | None:
    """One chart: its function's code (its module and every module of the package that module
    imports), the arguments it is given, and the environment; None when an argument cannot
    be keyed."""
    fp = Fingerprint(("function", f"{func.__module__}.{func.__qualname__}"),
                     ("code", module_code(func.__module__)))
    try:
        for i, value in enumerate(args):
            _add_value(fp, f"arg{i}", value)
        for name in sorted(kwargs):
            _add_value(fp, f"kw:{name}", kwargs[name])
    except _Unkeyable:
        return None
    return fp.hexdigest(40)


class _Unkeyable(TypeError):
    """An argument the figure key cannot stand for."""


def _add_value(fp: Fingerprint, label: str, value) -> None:
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.Series):
        value = value.to_frame(name=("series", value.name))
    if isinstance(value, pd.DataFrame):
        fp.add_value(label + ":columns", [[repr(c), str(t)] for c, t in value.dtypes.items()])
        fp.add_value(label + ":index", [repr(value.index.names), str(value.index.dtype),
                                        value.attrs])
        try:
            rows = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        except TypeError:  # cells holding lists or other unhashable values
            rows = value.to_csv(lineterminator="\n").encode()
        fp.add(label + ":rows", rows)
        fp.add(label + ":index-values", value.index.to_series().to_csv(lineterminator="\n"))
    elif isinstance(value, np.ndarray):
        fp.add(label + ":array", f"{value.dtype}{value.shape}".encode() + value.tobytes())
    elif value is None or isinstance(value, bool | int | float | str | bytes | pd.Timestamp
                                     | pd.Timedelta):
        fp.add(label, f"{type(value).__name__}:{value!r}")
    elif isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        fp.add(label, f"{type(value).__name__}[{len(items)}]")
        for i, item in enumerate(items):
            _add_value(fp, f"{label}.{i}", item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        fp.add(label, f"{type(value).__module__}.{type(value).__qualname__}")
        for field in dataclasses.fields(value):
            _add_value(fp, f"{label}.{field.name}", getattr(value, field.name))
    elif isinstance(value, dict):
        fp.add(label, f"dict[{len(value)}]")
        for i, name in enumerate(sorted(value, key=repr)):
            _add_value(fp, f"{label}.k{i}", name)
            _add_value(fp, f"{label}.v{i}", value[name])
    else:
        raise _Unkeyable(f"{label}: {type(value).__name__}")


@functools.cache
def module_code(module: str) -> str:
    """The package's modules `module` draws with (itself and every package module it imports,
    transitively), the matplotlib style, the map's geo files (which the locator map reads
    itself) and the environment."""
    seen: set[Path] = set()
    todo = [_module_file(module)]
    while todo:
        path = todo.pop()
        if path is None or path in seen or not path.is_file():
            continue
        seen.add(path)
        todo += [_module_file(name) for name in _package_imports(path)]
    names = sorted(str(p.relative_to(PACKAGE)) for p in seen) + ["style.mplstyle"]
    fp = package_files(names)
    for path in sorted((paths.DATA / "geo").glob("*")):
        if path.is_file():
            fp.add_file(path, f"geo/{path.name}")
    return fp.add("environment", environment()).hexdigest()


def _module_file(module: str) -> Path | None:
    """The file of a module of this package ('borderland.charts.base'), or None."""
    parts = module.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _package_imports(path: Path) -> list[str]:
    """Dotted names of the package's modules that `path` imports (relative or absolute)."""
    import ast

    here = [PACKAGE.name, *path.relative_to(PACKAGE).with_suffix("").parts]
    found = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == PACKAGE.name]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                stem = here[:-node.level] + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == PACKAGE.name:
                stem = node.module.split(".")
            else:
                continue
            found.append(".".join(stem))
            found += [".".join([*stem, a.name]) for a in node.names]  # `from . import x`
    return found
