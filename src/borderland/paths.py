"""Where things are: every path in the project derives from its root."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("BORDERLAND_ROOT", Path(__file__).resolve().parents[2]))
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
REPORT = ROOT / "report"
SCENARIOS = ROOT / "scenarios"
LOCK = ROOT / "requirements.lock"


def cache_dir() -> Path:
    """Build and validation caches (`BORDERLAND_CACHE_DIR`, default `.cache/` at the root)."""
    return Path(os.environ.get("BORDERLAND_CACHE_DIR", ROOT / ".cache"))
