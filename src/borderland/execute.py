"""Run notebooks with papermill on a few reused kernels, each result cached by what went into it.

A notebook's cache key (`fingerprint.job_key`) hashes its own bytes, the parameters it
is given, the data, the package's code and the environment (lock file, versions). A hit copies the cached executed notebook
and its figures; a miss runs papermill on the project's kernel and fills the cache.

Misses run on up to `--jobs` lanes: threads of this process, each driving one
kernel that runs its notebooks one after another, so the kernel and the notebooks'
imports start once per lane rather than once per notebook. Before each notebook the
lane resets its kernel to what a fresh one shows a notebook (empty namespace,
execution count 1, working folder, environment, sys.path, warnings, matplotlib and
pandas settings) and replaces a kernel that died or could not be reset.
"""
from __future__ import annotations

import functools
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .figcache import ENV as FIGURE_CACHE

KERNEL = "python3"
START_TIMEOUT = 60  # seconds for a kernel to start or reset

# Run silently in a lane's kernel before each notebook; the first run records the
# fresh kernel's state, later runs restore it.
RESET = '''
def _borderland_reset(cwd, fig_root):
    import os, sys, types, warnings
    lane = sys.modules.get("_borderland_lane")
    if lane is None:
        lane = sys.modules["_borderland_lane"] = types.ModuleType("_borderland_lane")
        lane.environ, lane.path = dict(os.environ), list(sys.path)
        lane.filters = list(warnings.filters)
    else:
        get_ipython().reset(new_session=True)
        os.environ.clear()
        os.environ.update(lane.environ)
        sys.path[:] = lane.path
        warnings.filters[:] = lane.filters
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        if "matplotlib" in sys.modules:
            sys.modules["matplotlib"].rc_file_defaults()
        if "pandas" in sys.modules:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sys.modules["pandas"].reset_option("all")
    os.environ["BORDERLAND_FIG_ROOT"] = fig_root
    os.chdir(cwd)
_borderland_reset({cwd!r}, {fig_root!r})
globals().pop("_borderland_reset", None)
'''


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


def cache_entry(key: str) -> Path:
    return paths.cache_dir() / "notebooks" / key


def run_jobs(jobs: list[Job], jobs_at_once: int, use_cache: bool, on_done) -> list[Outcome]:
    """Run or fetch every job; call `on_done(outcome)` in this thread as each finishes."""
    outcomes = []
    todo: queue.SimpleQueue[Job] = queue.SimpleQueue()
    for job in jobs:
        if use_cache and (cache_entry(job.key) / "executed.ipynb").is_file():
            outcome = Outcome(job.name, cached=True, seconds=0.0)
            outcomes.append(outcome)
            on_done(outcome)
        else:
            todo.put(job)
    pending = todo.qsize()
    if not pending:
        return outcomes
    done: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
    lanes = [Lane(i, sys.stderr.isatty(), use_cache)
             for i in range(max(1, min(jobs_at_once, pending)))]
    threads = [threading.Thread(target=lane.drain, args=(todo, done), name=f"lane-{lane.index}")
               for lane in lanes]
    for thread in threads:
        thread.start()
    try:
        for _ in range(pending):
            outcome = done.get()
            outcomes.append(outcome)
            on_done(outcome)
    except BaseException:  # Ctrl-C or a failing callback: stop the kernels, then the lanes
        for lane in lanes:
            lane.stop()
        raise
    finally:
        for thread in threads:
            thread.join()
    return outcomes


@functools.cache
def _kernel_manager_class():
    """jupyter_client's AsyncKernelManager, remembering the clients opened on it."""
    from jupyter_client.manager import AsyncKernelManager

    class LaneKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.opened = []

        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.opened.append(kc)
            return kc

        def close_clients(self) -> None:
            """Stop the channels of the clients papermill opened for a notebook."""
            while self.opened:
                self.opened.pop().stop_channels()

    return LaneKernelManager


class Lane:
    """One kernel that runs notebooks one after another (in a thread of its own)."""

    def __init__(self, index: int, show_cells: bool, use_cache: bool = True):
        self.index = index
        self.show_cells = show_cells
        self.use_cache = use_cache  # False: charts are drawn anew (the figure cache is only written)
        self.km = None  # the kernel's manager, None until the first notebook
        self.kc = None  # our own client, for resetting the kernel
        self.stopped = threading.Event()

    def drain(self, todo: queue.SimpleQueue, done: queue.SimpleQueue) -> None:
        """Run jobs from `todo` until it is empty, putting each outcome in `done`."""
        try:
            while not self.stopped.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    break
                try:
                    done.put(self.run(job))
                except Exception as exc:  # noqa: BLE001 - the build must not wait forever
                    done.put(Outcome(job.name, False, 0.0, error=f"{type(exc).__name__}: {exc}"))
        finally:
            self.close()

    def run(self, job: Job) -> Outcome:
        """Execute one notebook into a fresh cache entry."""
        import papermill
        from papermill.exceptions import PapermillExecutionError

        entry = cache_entry(job.key)
        work = entry.with_name(f".{job.key}.tmp-{os.getpid()}-{self.index}")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        started = time.perf_counter()
        output = work / "executed.ipynb"
        bar = ({"desc": job.name, "position": job.position + 1, "leave": False}
               if self.show_cells else False)
        try:
            self._reset(job.notebook.parent, work)
            papermill.execute_notebook(str(job.notebook), str(output), parameters=job.parameters,
                                       kernel_name=KERNEL, progress_bar=bar,
                                       request_save_on_cell_execute=False, km=self.km)
        except PapermillExecutionError as exc:
            failed = paths.cache_dir() / "failed" / f"{job.name}.ipynb"
            failed.parent.mkdir(parents=True, exist_ok=True)
            if output.is_file():
                shutil.copy2(output, failed)
            shutil.rmtree(work, ignore_errors=True)
            return Outcome(job.name, False, time.perf_counter() - started,
                           error=f"{failing_cell(job.notebook, exc.cell_index, bool(job.parameters))}"
                                 f": {exc.ename}: {exc.evalue}", failed_notebook=str(failed))
        except Exception as exc:  # noqa: BLE001 - kernel died, notebook unreadable...
            self.close()  # the next notebook gets a new kernel
            shutil.rmtree(work, ignore_errors=True)
            return Outcome(job.name, False, time.perf_counter() - started,
                           error=f"{type(exc).__name__}: {exc}")
        finally:
            if self.km is not None:
                self.km.close_clients()
        shutil.rmtree(entry, ignore_errors=True)
        os.rename(work, entry)
        return Outcome(job.name, False, time.perf_counter() - started)

    def _reset(self, cwd: Path, fig_root: Path) -> None:
        """Give the next notebook a kernel in the state a fresh one would be in."""
        if self.km is None or not _sync(self.km.is_alive):
            self._start(cwd)
        reply = self.kc.execute(RESET.format(cwd=str(cwd), fig_root=str(fig_root)), silent=True,
                                store_history=False, reply=True, timeout=START_TIMEOUT)
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            self.close()
            raise RuntimeError(f"the kernel could not be reset: {content.get('ename')}: "
                               f"{content.get('evalue')}")

    def _start(self, cwd: Path) -> None:
        from jupyter_client.blocking import BlockingKernelClient

        self.close()
        env = {**os.environ, "MPLBACKEND": "Agg", FIGURE_CACHE: "1" if self.use_cache else "0"}
        env.setdefault("SOURCE_DATE_EPOCH", "0")
        env.setdefault("PYTHONHASHSEED", "0")
        # IPC sockets under a name of our own: no race for TCP ports between kernels
        # starting at once (in parallel builds or tests)
        sockets = Path(tempfile.gettempdir()) / f"borderland-kernel-{uuid.uuid4().hex[:12]}"
        self.km = _kernel_manager_class()(kernel_name=KERNEL, transport="ipc", ip=str(sockets))
        _sync(self.km.start_kernel, cwd=str(cwd), env=env,
              extra_arguments=["--HistoryManager.hist_file=:memory:",
                               "--IPKernelApp.log_level=ERROR"])  # no transport warnings
        info = self.km.get_connection_info(session=True)
        info["session"].session = uuid.uuid4().hex  # our own id: replies must come back to us
        self.kc = BlockingKernelClient(**info, parent=self.km)
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=START_TIMEOUT)

    def stop(self) -> None:
        """From another thread: run no further notebook and interrupt the current one."""
        self.stopped.set()
        km = self.km
        if km is not None and km.has_kernel:
            _sync(km.interrupt_kernel)

    def close(self) -> None:
        """Shut the kernel down (if any)."""
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            km, self.km = self.km, None
            km.close_clients()
            if km.has_kernel:
                _sync(km.shutdown_kernel, now=True)


def _sync(method, *args, **kwargs):
    """Call one of jupyter_client's async methods from this thread and wait for it."""
    from jupyter_core.utils import run_sync

    return run_sync(method)(*args, **kwargs)


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


def failing_cell(notebook: Path, executed_index: int, injected: bool) -> str:
    """'cell N (`first line`)' numbered as in the source notebook (from 1).

    papermill counts its injected-parameters cell, which the source notebook lacks.
    """
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    parameters_at = next((i for i, c in enumerate(cells)
                          if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    index = executed_index
    if injected and parameters_at is not None and executed_index > parameters_at:
        index -= 1
    if not 0 <= index < len(cells):
        return f"cell {executed_index + 1}"
    first = next((line.strip() for line in cells[index].source.splitlines() if line.strip()), "")
    return f"cell {index + 1} (`{first[:60]}`)"
