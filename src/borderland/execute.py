"""Run notebooks with papermill, in parallel, each result cached by what went into it.

A notebook's cache key hashes its own bytes, the parameters it is given, the data,
the package's code and the lock file. A hit copies the cached executed notebook
and its figures; a miss runs papermill on the project's kernel and fills the cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import paths

PACKAGE = Path(__file__).parent


@dataclass(frozen=True)
class Job:
    """One notebook to run: where it is, what it gets, where its result goes."""

    name: str
    notebook: Path
    parameters: dict
    key: str
    position: int = 0


@dataclass
class Outcome:
    """What happened to one job."""

    name: str
    cached: bool
    seconds: float
    error: str = ""
    failed_notebook: str = ""
    progress: list = field(default_factory=list)


def code_hash() -> str:
    """sha256 of the package's files (code, style, templates) and the lock file."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    if paths.LOCK.is_file():
        digest.update(paths.LOCK.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def job_key(notebook: Path, parameters: dict, data_hash: str, code: str) -> str:
    digest = hashlib.sha256(notebook.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    digest.update(data_hash.encode())
    digest.update(code.encode())
    return digest.hexdigest()[:32]


def cache_entry(key: str) -> Path:
    return paths.cache_dir() / "notebooks" / key


def run_jobs(jobs: list[Job], jobs_at_once: int, use_cache: bool, on_done) -> list[Outcome]:
    """Run or fetch every job; call `on_done(outcome)` as each finishes."""
    outcomes = []
    todo = []
    for job in jobs:
        if use_cache and (cache_entry(job.key) / "executed.ipynb").is_file():
            outcome = Outcome(job.name, cached=True, seconds=0.0)
            outcomes.append(outcome)
            on_done(outcome)
        else:
            todo.append(job)
    if not todo:
        return outcomes
    workers = max(1, min(jobs_at_once, len(todo)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_one, job, sys.stderr.isatty()) for job in todo]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            on_done(outcome)
    return outcomes


def run_one(job: Job, show_cells: bool) -> Outcome:
    """Execute one notebook into a fresh cache entry (in a worker process)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    entry = cache_entry(job.key)
    work = entry.with_name(f".{job.key}.tmp-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ["BORDERLAND_FIG_ROOT"] = str(work)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["MPLBACKEND"] = "Agg"
    started = time.perf_counter()
    output = work / "executed.ipynb"
    bar = {"desc": job.name, "position": job.position + 1, "leave": False} if show_cells else False
    try:
        papermill.execute_notebook(str(job.notebook), str(output), parameters=job.parameters,
                                   kernel_name="python3", cwd=str(job.notebook.parent),
                                   progress_bar=bar, request_save_on_cell_execute=False)
    except PapermillExecutionError as exc:
        failed = paths.cache_dir() / "failed" / f"{job.name}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        if output.is_file():
            shutil.copy2(output, failed)
        shutil.rmtree(work, ignore_errors=True)
        return Outcome(job.name, False, time.perf_counter() - started,
                       error=f"cell {exc.cell_index} (execution count {exc.exec_count}): "
                             f"{exc.ename}: {exc.evalue}", failed_notebook=str(failed))
    except Exception as exc:  # kernel died, notebook unreadable...
        shutil.rmtree(work, ignore_errors=True)
        return Outcome(job.name, False, time.perf_counter() - started,
                       error=f"{type(exc).__name__}: {exc}")
    shutil.rmtree(entry, ignore_errors=True)
    os.rename(work, entry)
    return Outcome(job.name, False, time.perf_counter() - started)


def copy_result(job: Job, executed_dir: Path, fig_root: Path) -> Path:
    """Copy a finished job's notebook and figures into the build; return the notebook."""
    entry = cache_entry(job.key)
    executed_dir.mkdir(parents=True, exist_ok=True)
    target = executed_dir / f"{job.name}.ipynb"
    shutil.copy2(entry / "executed.ipynb", target)
    for item in entry.iterdir():
        if item.is_dir():
            shutil.copytree(item, fig_root / item.name, dirs_exist_ok=True)
    return target
