"""The project's files stay in step: lock files, environment.yml, datapackage.json, provenance."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from borderland import datapackage, envfile, paths

SHARED = Path(os.environ.get("BORDERLAND_SHARED", paths.ROOT.parent / "shared"))


def test_environment_yml_matches_the_lab_lock():
    expected = envfile.render(paths.ROOT / "requirements-lab.lock")
    assert (paths.ROOT / "environment.yml").read_text() == expected, "run `make lock`"


def test_build_lock_agrees_with_lab_lock():
    base = set(envfile.pins(paths.ROOT / "requirements.lock"))
    lab = set(envfile.pins(paths.ROOT / "requirements-lab.lock"))
    assert base <= lab, f"pins differ: {sorted(base - lab)[:5]}"
    assert not any(p.startswith("jupyterlab==") for p in base), "jupyterlab belongs in the lab extra"
    assert any(p.startswith("jupyterlab==") for p in lab)


def test_datapackage_is_generated_from_the_schema():
    committed = (paths.DATA / "datapackage.json").read_text(encoding="utf-8")
    assert committed == datapackage.render(), "run `python -m borderland.datapackage > data/datapackage.json`"


def test_every_quote_stands_in_its_source():
    """../shared holds the source texts; it sits beside every clone CI makes."""
    checker = SHARED / "tools" / "check_provenance.py"
    if not checker.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"provenance checker not found at {checker}")
        pytest.skip(f"source texts not present at {SHARED} (set BORDERLAND_SHARED)")
    result = subprocess.run([sys.executable, str(checker), "--strict", str(paths.DATA)], capture_output=True,
                            text=True, timeout=120, check=False)
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-3000:]
    assert " 0 missing, 0 unverified" in summary


def test_make_lab_passes_lab_args_through():
    """`make lab LAB_ARGS=...` reaches jupyter lab (as root it needs --allow-root)."""
    result = subprocess.run(["make", "-n", "lab", "LAB_ARGS=--allow-root --no-browser --port 8899"],
                            cwd=paths.ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "jupyter lab --allow-root --no-browser --port 8899 notebooks/" in result.stdout


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-lab.lock"])
def test_locks_are_universal_with_markers_for_platform_only_packages(lock):
    """Resolved for Linux, macOS and Windows: macOS- and Windows-only packages are pinned
    with their markers, so no platform misses one and none installs another's."""
    marked = envfile.markers(paths.ROOT / lock)
    assert marked.get("appnope") == "sys_platform == 'darwin'", marked
    assert marked.get("colorama", "").startswith("sys_platform == 'win32'"), marked
    assert "--universal" in (paths.ROOT / lock).read_text().splitlines()[1]


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    import tomllib

    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]

    def names(specs):
        return {s.split(";")[0].split("[")[0].split("=")[0].split(">")[0].strip().lower()
                for s in specs}
    return names(project["dependencies"]), {k: names(v) for k, v in
                                            project["optional-dependencies"].items()}


def _imported(folder: str, module: str) -> bool:
    import re

    pattern = re.compile(rf"^\s*(?:import|from) {re.escape(module)}\b", re.MULTILINE)
    return any(pattern.search(p.read_text(encoding="utf-8"))
               for p in (paths.ROOT / folder).rglob("*.py"))


def test_dependencies_are_declared_where_they_are_used():
    runtime, extras = _declared()
    pinned = set(envfile.pins(paths.ROOT / "requirements.lock"))
    pinned = {pin.split("==")[0].lower() for pin in pinned}
    # used by the tests only: a test dependency, pinned in the lock the test venv is made from
    for package, module in (("pypdf", "pypdf"), ("psutil", "psutil"), ("beautifulsoup4", "bs4")):
        assert _imported("tests", module), module
        assert package in extras["test"] and package in pinned, package
    assert "pypdf" not in runtime and not _imported("src", "pypdf")
    # declared for nothing: gone
    for package in ("nbstripout", "pyinstrument"):
        assert package not in runtime | set().union(*extras.values()), package
