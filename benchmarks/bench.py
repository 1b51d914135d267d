"""`make bench`: the report build against the naive pipeline, Quarto and its own floor.

Every contender works on the same notebooks, data and parameters in a throw-away
project (`BORDERLAND_ROOT`), never in the repository, and imports a snapshot of
src/borderland taken at the start (so edits made meanwhile change nothing):

  naive            papermill then `jupyter nbconvert --to html` per notebook in turn,
                   then one browser printing every page to PDF
  naive-parallel   the same loop over 2 processes (xargs -P2)
  quarto           `quarto render` per notebook, when `quarto` is on PATH
  floor            the notebooks exported as scripts (untimed) run one after another in
                   one interpreter, then one browser print of the report's HTML
  ours-cold        `borderland build --no-cache` with an empty .cache (HTML + PDF)
  ours-warm        the same again, nothing changed
  ours-one-param   `borderland build -p as_of 2013-01-01` after a default build
  ours-subset-cold `--no-cache --only` the notebooks taking as_of (skipped when that is
                   all of them: then ours-cold is what one-param must beat)

Each round runs every contender once in the same order (A B C ... A B C ...) and the
ratios are taken round by round, then their median, so the machine's drift hits
both sides of a ratio alike. Time is wall seconds to exit; memory is the peak of
the summed RSS of the contender's process tree (sampled every 100 ms) and the
largest single process (getrusage of the waited-for tree).

Scaling: ours-cold, HTML only and HTML + PDF, on the real data (×1) and on
synthetic data ×10, ×100 (benchmarks/synth.py); growth exponent = log(time ratio) /
log(rows ratio). A run that fails, or that the benchmark stops for holding more than
--memory-limit-gb or running past --timeout, is shown as failed (with the reason) and
left out of the medians.

Writes a table to stdout and the same as JSON to benchmarks/results/.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import contenders
import synth

BIN = Path(sys.executable).parent
PAGE = os.sysconf("SC_PAGE_SIZE")
PHYSICAL = os.sysconf("SC_PHYS_PAGES") * PAGE
SCRUB = ("BORDERLAND_ROOT", "BORDERLAND_CACHE_DIR", "BORDERLAND_FIG_ROOT", "SOURCE_DATE_EPOCH")


@dataclass
class Run:
    """One timed run of one contender."""

    seconds: float
    peak_tree_mb: float
    largest_process_mb: float
    status: int
    stopped: str = ""  # "timeout" or "memory" when the benchmark killed it


def tree(root: int) -> dict[int, int]:
    """pid -> resident bytes of `root` and all its descendants, now."""
    parent, rss = {}, {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parent[pid], rss[pid] = int(fields[1]), int(fields[21]) * PAGE
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = {}, [root]
    while stack:
        pid = stack.pop()
        if pid in rss:
            found[pid] = rss[pid]
        stack.extend(children.get(pid, []))
    return found


def kill_tree(root: int) -> None:
    """Kill `root` and its descendants (all started by this benchmark), each by its pid."""
    for pid in tree(root):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def measure(command: str, env: dict, log: Path, timeout: float, memory_limit: float) -> Run:
    """Run `command` (bash) to its end; wall time and memory of its process tree.

    The tree is killed if it runs past `timeout` seconds or holds more than
    `memory_limit` bytes, so one hopeless contender cannot take the machine down.
    """
    peak, stopped = [0], []
    done = threading.Event()
    with log.open("ab") as out:
        out.write(f"\n$ {command}\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(["bash", "-c", command], env=env, stdout=out,
                                stderr=subprocess.STDOUT)

        def stop(why: str) -> None:
            stopped.append(why)
            kill_tree(proc.pid)

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], sum(tree(proc.pid).values()))
                if peak[0] > memory_limit and not stopped:
                    stop("memory")

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, stop, args=("timeout",))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        timer.cancel()
        done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(round(seconds, 3), round(peak[0] / 2**20, 1), round(usage.ru_maxrss / 1024, 1),
               proc.returncode, "".join(stopped[:1]))


def report_notebooks(folder: Path) -> list[str]:
    from borderland.notebooks import REPORT_ORDER

    return [n for n in REPORT_ORDER if (folder / f"{n}.ipynb").is_file()]


def takers(folder: Path, names: list[str], parameter: str) -> list[str]:
    """The notebooks whose parameters cell declares `parameter`."""
    import papermill

    return [n for n in names
            if parameter in papermill.inspect_notebook(str(folder / f"{n}.ipynb"))]


class Bench:
    """A throw-away project and the contenders' commands for it."""

    def __init__(self, work: Path, notebooks: Path, names: list[str], log: Path,
                 timeout: float, memory_limit: float):
        self.work, self.names, self.log = work, names, log
        self.timeout, self.memory_limit = timeout, memory_limit
        shutil.copytree(REPO / "src" / "borderland", work / "src" / "borderland",
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.project = work / "x1"
        self.rows = synth.make_project(self.project, 1, notebooks, names)
        self.env = self.env_for(self.project)
        from borderland.notebooks import REPORT_ORDER

        # a subset (--only) or a parameter would go to report/runs/NAME/: keep it in report/
        self.only = ([] if names == list(REPORT_ORDER) else ["--only", *names]) + \
            ["--out", str(self.project / "report")]
        self.borderland = [str(BIN / "borderland")]
        self.one_param = takers(self.project / "notebooks", names, contenders.ONE_PARAM[0])
        self.scripts = contenders.export_scripts(self.project, names, work / "scripts")
        self.html = work / "floor" / "report.html"

    def env_for(self, project: Path) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in SCRUB}
        env.update(BORDERLAND_ROOT=str(project), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
                   PYTHONPATH=str(self.work / "src"))
        return env

    def measure(self, command: str, env: dict | None = None) -> Run:
        return measure(command, env or self.env, self.log, self.timeout, self.memory_limit)

    def fresh(self, project: Path, *folders: str) -> None:
        """Empty the cache and the given output folders of `project`."""
        for name in (".cache", *folders):
            shutil.rmtree(project / name, ignore_errors=True)

    def warm_up(self) -> Run:
        """An untimed build: byte-compiles everything, gives the floor its HTML to print."""
        self.fresh(self.project, "report")
        run = self.measure(contenders.ours(self.borderland, *self.only))
        if run.status:
            raise SystemExit(f"the warm-up build failed (status {run.status}); see {self.log}")
        self.html.parent.mkdir(exist_ok=True)
        shutil.copy2(self.project / "report" / "index.html", self.html)
        return run

    def contenders(self) -> dict:
        """name -> (set-up, command), in the order each round runs them."""
        p, names = self.project, self.names
        out = {
            "naive": (lambda: self.fresh(p, "naive", "figures"),
                      contenders.naive(p, names, p / "naive")),
            "naive-parallel": (lambda: self.fresh(p, "naive-parallel", "figures"),
                               contenders.naive_parallel(p, names, p / "naive-parallel")),
        }
        if shutil.which("quarto"):
            out["quarto"] = (lambda: self.fresh(p, "quarto", "figures"),
                             contenders.quarto(p, names, p / "quarto"))
        out["floor"] = (lambda: self.fresh(p, "figures"),
                        contenders.floor(p, self.scripts, self.html))
        if self.one_param and self.one_param != names:
            out["ours-subset-cold"] = (
                lambda: self.fresh(p, "report-subset"),
                contenders.ours(self.borderland, "--no-cache", "--only", *self.one_param,
                                "--out", str(p / "report-subset")))
        out["ours-cold"] = (lambda: self.fresh(p),
                            contenders.ours(self.borderland, "--no-cache", *self.only))
        out["ours-warm"] = (lambda: None, contenders.ours(self.borderland, *self.only))
        if self.one_param:
            out["ours-one-param"] = (lambda: None, contenders.ours(
                self.borderland, "-p", *contenders.ONE_PARAM, *self.only))
        return out

    def rounds(self, count: int, chosen: set[str] | None) -> dict[str, list[Run]]:
        runs: dict[str, list[Run]] = {}
        plan = {k: v for k, v in self.contenders().items() if not chosen or k in chosen}
        for i in range(count):
            for name, (setup, command) in plan.items():
                setup()
                run = self.measure(command)
                runs.setdefault(name, []).append(run)
                progress(f"round {i + 1}: {name:<17}", run)
        return runs

    def scale(self, factor: int, rounds: int, cold: list[Run] | None) -> dict:
        """ours-cold on data ×factor, HTML only and HTML + PDF.

        `cold`: runs already made of HTML + PDF at this scale (ours-cold at ×1).
        """
        made = time.perf_counter()
        if factor == 1:
            project, rows, runner = self.project, self.rows, self.borderland
        else:
            project = self.work / f"x{factor}"
            rows = synth.make_project(project, factor, self.project / "notebooks", self.names)
            runner = [sys.executable, str(HERE / "synth.py")]
        made = time.perf_counter() - made
        env = self.env_for(project)
        series: dict[str, list[Run]] = {"html": [], "html+pdf": list(cold or [])}
        for i in range(rounds):
            for label, formats in (("html", "html"), ("html+pdf", "html,pdf")):
                if label == "html+pdf" and cold:
                    continue
                self.fresh(project, "report")
                only = [*self.only[:-1], str(project / "report")]  # this scale's report/
                run = self.measure(contenders.ours(runner, "--no-cache", "--format", formats,
                                                   *only), env)
                series[label].append(run)
                progress(f"×{factor} round {i + 1}: {label:<9}", run)
        if factor != 1:
            shutil.rmtree(project, ignore_errors=True)
        return {"factor": factor, "rows": rows, "total_rows": sum(rows.values()),
                "make_and_validate_seconds": round(made, 2),
                **{label: summarise(runs) for label, runs in series.items()}}


def progress(label: str, run: Run) -> None:
    failed = f"  FAILED (status {run.status}{', ' + run.stopped if run.stopped else ''})"
    print(f"  {label} {run.seconds:8.2f} s  {run.peak_tree_mb:7.0f} MB"
          + (failed if run.status else ""), flush=True)


def summarise(runs: list[Run]) -> dict:
    ok = [r for r in runs if r.status == 0]
    times = [r.seconds for r in ok]
    return {
        "runs": [asdict(r) for r in runs],
        "failed": len(runs) - len(ok),
        "median_s": round(statistics.median(times), 3) if times else None,
        "min_s": min(times, default=None), "max_s": max(times, default=None),
        "peak_tree_mb": max((r.peak_tree_mb for r in ok), default=None),
        "largest_process_mb": max((r.largest_process_mb for r in ok), default=None),
    }


def ratios(runs: dict[str, list[Run]], one_param_reference: str) -> dict:
    """Median over rounds of each round's ratio (only rounds where both succeeded)."""
    pairs = {
        "naive/ours-cold": ("naive", "ours-cold"),
        "naive-parallel/ours-cold": ("naive-parallel", "ours-cold"),
        "quarto/ours-cold": ("quarto", "ours-cold"),
        "ours-cold/floor": ("ours-cold", "floor"),
        f"ours-one-param/{one_param_reference}": ("ours-one-param", one_param_reference),
    }
    out = {}
    for label, (a, b) in pairs.items():
        each = [x.seconds / y.seconds for x, y in zip(runs.get(a, []), runs.get(b, []))
                if x.status == 0 and y.status == 0]
        if each:
            out[label] = {"median": round(statistics.median(each), 2),
                          "per_round": [round(r, 2) for r in each]}
    return out


def growth(scaling: list[dict]) -> None:
    """Add each series' exponent against the previous scale (1.0 = linear in rows)."""
    for before, after in itertools.pairwise(scaling):
        for label in ("html", "html+pdf"):
            t0, t1 = before[label]["median_s"], after[label]["median_s"]
            if t0 and t1:
                after[label]["exponent_vs_previous"] = round(
                    math.log(t1 / t0) / math.log(after["total_rows"] / before["total_rows"]), 2)


# The issues' targets: label -> (comparison, bound). One parameter changed (issue 14): at
# most 0.35 of a cold build, the figures it leaves alone coming from the figure cache.
TARGETS = {"naive/ours-cold": (">=", 3.0), "naive-parallel/ours-cold": (">=", 1.5),
           "quarto/ours-cold": (">=", 1.0), "ours-cold/floor": ("<=", 1.5),
           "ours-one-param/ours-cold": ("<=", 0.35),
           "ours-one-param/ours-subset-cold": ("<=", 1.0), "ours-warm seconds": ("<=", 1.0)}


def verdict(label: str, value: float) -> str:
    """'(target >= 3.0: met)   ' or '' for a label without a target."""
    if label not in TARGETS:
        return ""
    op, bound = TARGETS[label]
    met = value >= bound if op == ">=" else value <= bound
    return f"(target {op} {bound:g}: {'met' if met else 'MISSED'})   "


def table(result: dict) -> str:
    lines = [(f"{'contender':<18} {'median s':>9} {'min s':>8} {'max s':>8} "
              f"{'peak tree MB':>13} {'largest proc MB':>16}")]
    for name, s in result["contenders"].items():
        if s["median_s"] is None:
            lines.append(f"{name:<18} failed in every round")
            continue
        lines.append(f"{name:<18} {s['median_s']:>9.2f} {s['min_s']:>8.2f} {s['max_s']:>8.2f} "
                     f"{s['peak_tree_mb']:>13.0f} {s['largest_process_mb']:>16.0f}"
                     + (f"  ({s['failed']} failed)" if s["failed"] else ""))
    lines += ["", "ratios (median of per-round ratios):"]
    lines += [f"  {label:<32} {r['median']:>6.2f}   {verdict(label, r['median'])}"
              f"rounds: {r['per_round']}" for label, r in result["ratios"].items()]
    warm = result["contenders"].get("ours-warm", {}).get("median_s")
    if warm is not None:
        lines.append(f"  {'ours-warm seconds':<32} {warm:>6.2f}   "
                     f"{verdict('ours-warm seconds', warm)}")
    lines += [f"  {note}" for note in result["notes"]]
    if result["scaling"]:
        lines += ["", ("scaling, ours-cold (exponent: growth against the previous scale, "
                       "1.0 = linear in rows):"),
                  (f"{'scale':<6} {'rows':>8} {'series':<9} {'median s':>9} {'min s':>8} "
                   f"{'max s':>8} {'peak tree MB':>13} {'exponent':>9}")]
        for s in result["scaling"]:
            for label in ("html", "html+pdf"):
                x = s[label]
                head = f"×{s['factor']:<5} {s['total_rows']:>8} {label:<9}"
                if x["median_s"] is None:
                    why = sorted({r["stopped"] or f"status {r['status']}" for r in x["runs"]})
                    lines.append(f"{head} {'failed':>9} ({', '.join(why)})" if x["runs"]
                                 else f"{head} {'-':>9}")
                    continue
                lines.append(f"{head} {x['median_s']:>9.2f} {x['min_s']:>8.2f} "
                             f"{x['max_s']:>8.2f} {x['peak_tree_mb']:>13.0f} "
                             f"{x.get('exponent_vs_previous', ''):>9}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=REPO / "notebooks",
                        help="folder holding the report's notebooks (default: notebooks/)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scales", default="1,10,100", help="data factors, e.g. 1,10,100")
    parser.add_argument("--scale-rounds", type=int, default=1)
    parser.add_argument("--contenders", default="", help="comma-separated subset (default all)")
    parser.add_argument("--timeout", type=float, default=3600, help="per run, seconds")
    parser.add_argument("--memory-limit-gb", type=float, default=round(0.6 * PHYSICAL / 2**30, 1),
                        help="kill a run whose process tree holds more (default: 60%% of RAM)")
    parser.add_argument("--out", type=Path, help="JSON file (default benchmarks/results/...)")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away projects")
    args = parser.parse_args(argv)

    names = report_notebooks(args.notebooks)
    if not names:
        raise SystemExit(f"{args.notebooks}: none of the report's notebooks is there")
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="borderland-bench-"))
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    out = args.out or HERE / "results" / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        bench = Bench(work, args.notebooks, names, out.with_suffix(".log"), args.timeout,
                      args.memory_limit_gb * 2**30)
        print(f"benchmark in {work}: {len(names)} notebooks, {args.rounds} round(s); log "
              f"{bench.log}", flush=True)
        bench.warm_up()
        chosen = set(filter(None, args.contenders.split(","))) or None
        runs = bench.rounds(args.rounds, chosen)
        reference = "ours-subset-cold" if "ours-subset-cold" in runs else "ours-cold"
        notes = [] if shutil.which("quarto") else [
            ("quarto: not on PATH, not timed (it cannot be installed on this machine; "
             "see ../shared/docs/toolchain-notes.md)")]
        if reference == "ours-cold" and "ours-one-param" in runs:
            notes.append(f"one-param reference: every notebook takes "
                         f"{contenders.ONE_PARAM[0]}, so it is ours-cold itself")
        scaling = [bench.scale(f, args.scale_rounds, runs.get("ours-cold") if f == 1 else None)
                   for f in scales]
        growth(scaling)
        result = {
            "started": started, "notebooks": names,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform(), "load_average_end": os.getloadavg()},
            "rounds": args.rounds, "one_param": list(contenders.ONE_PARAM),
            "one_param_notebooks": bench.one_param,
            "contenders": {name: summarise(r) for name, r in runs.items()},
            "ratios": ratios(runs, reference), "notes": notes, "scaling": scaling,
        }
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print("\n" + table(result) + f"\n\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
