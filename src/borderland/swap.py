"""Swapping a finished build in for the previous report: work in a staging folder, swap it
in only when done.

Staging folders live beside the output (`.<name>.tmp-*`), so the swap is a rename
on one file system. On Linux the old and new folders are exchanged in one
`renameat2(RENAME_EXCHANGE)` call; elsewhere two renames, with recovery of the
old folder at the next build if a kill fell between them. One build at a time
holds the project's build lock.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

KEEP_ACROSS_BUILDS = ("README.md",)  # committed placeholder in report/
MARKER = "manifest.json"  # every folder we publish has one
_RENAME_EXCHANGE = 2


class OutputError(ValueError):
    """The output folder may not be written (it holds something that is not a report)."""


class BusyError(RuntimeError):
    """Another build holds the lock."""


@contextmanager
def build_lock(lock_path: Path, timeout: float, log=print):
    """Hold the build lock; raise BusyError if another build keeps it past `timeout` s.

    While waiting for another build, `log` says so once.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if timeout <= 0:
                raise
            log(f"waiting up to {timeout:g} s for another build to finish (lock {lock_path}) ...",
                flush=True)
            lock.acquire(timeout=timeout)
    except Timeout:
        raise BusyError(f"another build is running (lock {lock_path}); wait for it to finish "
                        "or pass --wait SECONDS") from None
    try:
        yield
    finally:
        lock.release()


def check_output(out: Path, nested_ok: set[str]) -> None:
    """Refuse an output folder that exists and holds anything but a previous report."""
    if out.is_symlink():  # publishing renames `out` itself: the link, not where it points
        raise OutputError(f"--out {out}: is a symbolic link to {os.readlink(out)}; give the "
                          "folder itself")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    if not out.is_dir() or (out / MARKER).is_file():
        return
    foreign = [p.name for p in out.iterdir()
               if p.name not in KEEP_ACROSS_BUILDS and p.name not in nested_ok
               and not p.name.startswith(".")]
    if foreign:
        raise OutputError(f"--out {out}: folder holds files that are not a Borderland report "
                          f"({', '.join(sorted(foreign)[:5])}); choose an empty or new folder")


def clean_stale(out: Path) -> None:
    """Remove staging folders of killed builds; restore an output lost between two renames."""
    if not out.parent.is_dir():
        return
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        olds[-1].rename(out)
        olds = olds[:-1]
    for stale in [*out.parent.glob(f".{out.name}.tmp-*"), *olds]:
        for nested in stale.glob(f"*/{MARKER}"):  # a scenario report being carried over
            if out.is_dir() and not (out / nested.parent.name).exists():
                nested.parent.rename(out / nested.parent.name)
        shutil.rmtree(stale, ignore_errors=True)


def new_staging(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.tmp-"))
    umask = os.umask(0)  # mkdtemp makes it private (0700); the published report must not be
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    return staging


def swap_in(staging: Path, out: Path, carry: list[str]) -> None:
    """Make `staging` the new `out`; entries named in `carry` move over from the old one."""
    if out.is_dir():
        for name in [*KEEP_ACROSS_BUILDS, *carry]:
            if (out / name).exists() and not (staging / name).exists():
                if name in KEEP_ACROSS_BUILDS:
                    shutil.copy2(out / name, staging / name)
                else:
                    os.rename(out / name, staging / name)
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging)  # now holds the old report
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd = -100
    result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
