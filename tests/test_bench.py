"""The benchmark script runs end to end on a tiny case (no assertion about speed)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
TINY = '''
from borderland.load import load_tables

tables = load_tables()
claims = tables.casualty_claims
if as_of:
    claims = claims[claims["reported_on_to"] <= as_of]
print(len(claims))
'''


def tiny_notebooks(folder: Path) -> Path:
    """One small report notebook that takes `as_of`, as the benchmark's input."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell("as_of = None  # only claims reported by then")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Tiny"), params, nbformat.v4.new_code_cell(TINY)]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    folder.mkdir()
    nbformat.write(nb, folder / "01-overview.ipynb")
    return folder


def test_bench_runs_on_a_tiny_case(tmp_path, chromium):
    notebooks = tiny_notebooks(tmp_path / "notebooks")
    out = tmp_path / "result.json"
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench.py"),
                             "--notebooks", str(notebooks), "--rounds", "1", "--scales", "1,2",
                             "--out", str(out)], capture_output=True, text=True, timeout=1800,
                            check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(out.read_text())
    contenders = data["contenders"]
    assert {"naive", "naive-parallel", "floor", "ours-cold", "ours-warm",
            "ours-one-param"} <= set(contenders)
    assert all(c["failed"] == 0 for c in contenders.values()), contenders
    assert "naive/ours-cold" in data["ratios"] and "ours-cold/floor" in data["ratios"]
    assert [s["factor"] for s in data["scaling"]] == [1, 2]
    assert data["scaling"][1]["total_rows"] > data["scaling"][0]["total_rows"]
    assert all(s[series]["median_s"] for s in data["scaling"] for series in ("html", "html+pdf"))
    assert "ours-cold" in result.stdout and str(out) in result.stdout
    assert "naive/ours-cold" in result.stdout and "(target >= 3: " in result.stdout
