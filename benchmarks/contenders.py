"""What each contender of the benchmark runs, as shell commands in a throw-away project.

Also the two helpers those commands call (run as `python contenders.py ...`):

    print FILE.html ...        one headless Chromium printing each file to FILE.pdf
    floor NOTEBOOKS SCRIPT ... notebook scripts run one after another in this interpreter
"""
from __future__ import annotations

import os
import runpy
import shlex
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ONE_PARAM = ("as_of", "2013-01-01")


def _quote(args) -> str:
    return " ".join(shlex.quote(str(a)) for a in args)


def _printer(outputs: str) -> str:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'contenders.py'))} print {outputs}"


def naive(project: Path, names: list[str], out: Path) -> str:
    """papermill then `jupyter nbconvert --to html` per notebook in turn, then one print."""
    return (f"set -e; mkdir -p {shlex.quote(str(out))}; "
            f"cd {shlex.quote(str(project / 'notebooks'))}; for nb in {_quote(names)}; do "
            f'papermill "$nb.ipynb" {shlex.quote(str(out))}/"$nb.ipynb"; '
            f'jupyter nbconvert --to html {shlex.quote(str(out))}/"$nb.ipynb"; done; '
            + _printer(f"{shlex.quote(str(out))}/*.html"))


def naive_parallel(project: Path, names: list[str], out: Path, processes: int = 2) -> str:
    """The same loop over `processes` processes (xargs -P), then one print."""
    each = (f'papermill "$0.ipynb" {shlex.quote(str(out))}/"$0.ipynb" && '
            f'jupyter nbconvert --to html {shlex.quote(str(out))}/"$0.ipynb"')
    return (f"set -e; mkdir -p {shlex.quote(str(out))}; "
            f"cd {shlex.quote(str(project / 'notebooks'))}; printf '%s\\n' {_quote(names)} | xargs -P{processes} -n1 sh -c {shlex.quote(each)}; "
            + _printer(f"{shlex.quote(str(out))}/*.html"))


def quarto(project: Path, names: list[str], out: Path) -> str:
    """`quarto render` of each notebook to HTML (executing it), then one print."""
    return (f"set -e; mkdir -p {shlex.quote(str(out))}; "
            f"cd {shlex.quote(str(project / 'notebooks'))}; for nb in {_quote(names)}; do "
            f'quarto render "$nb.ipynb" --execute --to html --output-dir {shlex.quote(str(out))}; '
            f"done; " + _printer(f"{shlex.quote(str(out))}/*.html"))


def floor(project: Path, scripts: list[Path], html: Path) -> str:
    """The exported scripts in one interpreter, then one print of the report's HTML."""
    return (f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'contenders.py'))} floor "
            f"{shlex.quote(str(project / 'notebooks'))} {_quote(scripts)} && "
            + _printer(shlex.quote(str(html))))


def ours(runner: list[str], *args: str) -> str:
    """`borderland build ARGS` (or the synthetic-data runner)."""
    return _quote([*runner, "build", *args])


def export_scripts(project: Path, names: list[str], dest: Path) -> list[Path]:
    """The notebooks as Python scripts (`jupyter nbconvert --to python`: like `--to script`,
    but .py even for a notebook without language metadata), untimed set-up."""
    import subprocess

    dest.mkdir(parents=True, exist_ok=True)
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    subprocess.run([jupyter, "nbconvert", "--to", "python", "--output-dir", str(dest),
                    *[str(project / "notebooks" / f"{n}.ipynb") for n in names]],
                   check=True, capture_output=True)
    return [dest / f"{n}.py" for n in names]


def print_files(files: list[Path]) -> None:
    """Print each HTML file to a PDF beside it, in one browser."""
    from playwright.sync_api import sync_playwright

    from borderland.pdf import launch

    with sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page()
        page.emulate_media(media="print")
        for html in files:
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.pdf(path=str(html.with_suffix(".pdf")), format="A4", print_background=True)
        browser.close()


def run_scripts(notebooks: Path, scripts: list[Path]) -> None:
    """Each script in a fresh namespace of this interpreter, from the notebooks' folder."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.chdir(notebooks)
    for script in scripts:
        runpy.run_path(str(script), run_name="__main__")


def main(argv: list[str]) -> int:
    command, *rest = argv
    if command == "print":
        print_files([Path(f) for f in rest])
    elif command == "floor":
        run_scripts(Path(rest[0]), [Path(f) for f in rest[1:]])
    else:
        raise SystemExit(f"unknown command {command!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
