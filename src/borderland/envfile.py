"""Write environment.yml (for conda users) from the pinned lock file.

Usage: python -m borderland.envfile requirements-lab.lock > environment.yml
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\;]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def pins(lock: Path) -> list[str]:
    """`name==version` for every package pinned in `lock`, in file order."""
    return [f"{m.group(1)}=={m.group(2)}" for m in _matches(lock)]


def markers(lock: Path) -> dict[str, str]:
    """name -> environment marker (e.g. `sys_platform == 'darwin'`) of platform-only pins."""
    return {m.group(1): m.group(3) for m in _matches(lock) if m.group(3)}


def _matches(lock: Path) -> list[re.Match]:
    return [m for line in lock.read_text().splitlines() if (m := PIN.match(line))]


def render(lock: Path) -> str:
    """environment.yml text: conda's Python and pip, then every pin of the lock via pip."""
    lines = [
        f"# Generated from {lock.name} by `make lock`; a test keeps the two in step.",
        "# conda env create -f environment.yml && conda activate borderland && pip install -e .",
        "name: borderland",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
    ]
    marked = markers(lock)
    lines += [f"      - \"{pin} ; {marked[pin.split('==')[0]]}\"" if pin.split("==")[0] in marked
              else f"      - {pin}" for pin in pins(lock)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1])))
