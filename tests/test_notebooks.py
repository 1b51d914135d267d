"""The report notebooks run under papermill with their defaults and other parameter sets.

Each run writes its figures under a temp folder (BORDERLAND_FIG_ROOT) and its executed
notebook beside them; the checks read the notebook's outputs: no error or stderr, every
figure it shows exists in every requested format, a selection matching nothing shows a
notice instead of a chart, and a bad parameter stops the run naming the parameter.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest

from borderland.load import load_tables

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
FIXTURE = REPO / "tests" / "fixtures" / "minimal"
REPORT = ("01-overview", "02-casualties", "03-claims-compared", "04-deployments", "05-basing",
          "06-energy", "07-methodology")
# Figures the defaults must draw from the real data (named in each notebook's code).
EXPECTED = {"01-overview": {"timeline"},
            "02-casualties": {"ranges-khorog-2012-07", "spread-wounded"},
            "03-claims-compared": {"evolution-khorog-2012-07", "official-vs-other"},
            "04-deployments": {"forces-over-time", "operation-forces"},
            "05-basing": {"swimlanes-1", "swimlanes-2"},
            "06-energy": {"gantt", "staircase", "costs"},
            "07-methodology": {"qualifiers"},
            "90-explore": {"timeline", "ranges"}}
HAS = {"claimant_types": ("02-casualties", "03-claims-compared")}
# Notebooks with a listing table (table_rows), and the parameters each takes.
LISTINGS = {"03-claims-compared": ("events",), "04-deployments": (), "05-basing": (),
            "06-energy": (), "90-explore": ("events",)}

pytestmark = pytest.mark.slow


def catalogued() -> list[str]:
    """The documents of the shared catalogue (sources/...), not the dossier pages."""
    sources = load_tables().sources
    return sorted(sources[sources["found_in"].fillna("").str.startswith("sources/")]["source_id"])


def official(name: str) -> dict:
    """Catalogued documents only, as known on 26 July 2012 (official claimants, where asked)."""
    values = {"as_of": "2012-07-26", "sources": catalogued(), "fig_formats": ["svg"]}
    if name in HAS["claimant_types"]:
        values["claimant_types"] = ["official"]
    return values


@pytest.fixture(autouse=True)
def shared_bytecode(tmp_path_factory, monkeypatch):
    """Kernels keep compiled modules in one temp folder for the whole run (every xdist
    worker), so each fresh kernel does not compile pandas and matplotlib again. Nothing
    is written into the project's environment."""
    shared = tmp_path_factory.getbasetemp()
    if shared.name.startswith("popen-gw"):
        shared = shared.parent
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(shared / "pycache"))


def run(name: str, parameters: dict, tmp_path: Path, monkeypatch, root: Path | None = None):
    """Execute one notebook; return (executed notebook, figure folder)."""
    monkeypatch.setenv("BORDERLAND_FIG_ROOT", str(tmp_path))
    if root is not None:
        monkeypatch.setenv("BORDERLAND_ROOT", str(root))
    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out),
                               parameters=parameters, kernel_name="python3",
                               cwd=str(tmp_path), progress_bar=False)
    return nbformat.read(out, as_version=4), tmp_path / parameters.get("fig_dir", "figures") / name


def outputs(nb) -> list:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def html_of(nb) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in outputs(nb))


def shown_figures(nb, name: str) -> set[str]:
    return set(re.findall(rf'<figure class="bl-figure" id="fig-{name}-([a-z0-9-]+)"', html_of(nb)))


def check_clean(nb) -> None:
    for o in outputs(nb):
        assert o.output_type != "error", o.get("evalue")
        assert not (o.output_type == "stream" and o.name == "stderr"), o.text


def check_figures(nb, name: str, folder: Path, formats=("svg", "png")) -> set[str]:
    shown = shown_figures(nb, name)
    for figure in shown:
        for fmt in formats:
            path = folder / f"{figure}.{fmt}"
            assert path.is_file() and path.stat().st_size > 500, f"{path} missing or empty"
    written = {p.stem for p in folder.glob("*")} if folder.exists() else set()
    assert written == shown, f"files without a figure in the output: {written - shown}"
    return shown


@pytest.mark.parametrize("name", [*REPORT, "90-explore"])
def test_defaults_on_the_real_data(name, tmp_path, monkeypatch):
    nb, folder = run(name, {}, tmp_path, monkeypatch)
    check_clean(nb)
    shown = check_figures(nb, name, folder)
    assert EXPECTED[name] <= shown, f"missing figures: {EXPECTED[name] - shown}"
    assert "bl-notice" not in html_of(nb), "a notice on the full data"
    assert "Listed here" not in html_of(nb), "the real data fits the default table_rows"


@pytest.mark.parametrize("name", REPORT)
def test_catalogued_sources_as_known_on_26_july_2012(name, tmp_path, monkeypatch):
    nb, folder = run(name, official(name), tmp_path, monkeypatch)
    check_clean(nb)
    shown = check_figures(nb, name, folder, formats=("svg",))
    assert not list(folder.glob("*.png")), "fig_formats asked for svg only"
    if name in ("01-overview", "02-casualties"):
        assert shown, "the 24-25 July 2012 claims should be drawn"
    else:
        assert shown or "bl-notice" in html_of(nb)


@pytest.mark.parametrize("name", REPORT)
def test_a_selection_matching_nothing_shows_a_notice(name, tmp_path, monkeypatch):
    nb, folder = run(name, {"as_of": "1850", "fig_dir": "nothing"}, tmp_path, monkeypatch)
    check_clean(nb)
    assert not shown_figures(nb, name) and not folder.exists()
    assert 'class="bl-notice"' in html_of(nb)


@pytest.mark.parametrize("name", REPORT)
def test_defaults_on_the_minimal_fixture(name, tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root / "data")
    nb, folder = run(name, {}, tmp_path, monkeypatch, root=root)
    check_clean(nb)
    check_figures(nb, name, folder)


@pytest.mark.parametrize("name", LISTINGS)
def test_table_rows_cuts_each_listing_and_its_caption_says_so(name, tmp_path, monkeypatch):
    from bs4 import BeautifulSoup

    parameters = {"table_rows": 4, "fig_formats": ["svg"]}
    if "events" in LISTINGS[name]:  # one episode: fewer charts, still more than 4 claims
        parameters["events"] = ["khorog-2012-07"]
    nb, _ = run(name, parameters, tmp_path, monkeypatch)
    check_clean(nb)
    cut = []
    for table in BeautifulSoup(html_of(nb), "html.parser").select("table.bl-table"):
        caption = table.caption.get_text(" ", strip=True)
        found = re.search(r"Listed here: the first ([\d,]+) of ([\d,]+)", caption)
        if found:
            cut.append(table)
            assert found.group(1) == "4" and int(found.group(2).replace(",", "")) > 4
            assert len(table.select("tbody tr")) == 4
    assert cut, f"{name}: no listing was cut to 4 rows"


@pytest.mark.parametrize(("name", "parameters", "named"), [
    ("02-casualties", {"events": ["no-such-event"]}, "parameter events"),
    ("06-energy", {"start_year": 2020, "end_year": 2010}, "parameter end_year"),
    ("01-overview", {"as_of": "2012-13-01"}, "parameter as_of"),
])
def test_a_bad_parameter_stops_with_an_error_naming_it(name, parameters, named, tmp_path,
                                                       monkeypatch):
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        run(name, parameters, tmp_path, monkeypatch)
    assert raised.value.ename == "ParameterError"
    assert named in raised.value.evalue


@pytest.mark.parametrize("name", [*REPORT, "90-explore"])
def test_committed_without_outputs_with_a_documented_parameters_cell(name):
    from borderland import params

    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and nb.cells[1] is tagged[0]
    for line in tagged[0].source.splitlines():
        assert re.match(r"^\w+ = .+  # .+Default", line), line
        assert line.split(" = ")[0] in params.PARAMETERS
    assert f'borderland.chapter("{name}", globals())' in nb.cells[2].source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is None and cell.outputs == []
