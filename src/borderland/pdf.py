"""Print the HTML report to an A4 PDF in headless Chromium (playwright).

The browser is `BORDERLAND_CHROMIUM` if set, else a system Chromium or Chrome,
else playwright's own. It is started with every host lookup mapped to nothing,
so printing never touches the network. The PDF's dates are fixed so the same
HTML gives the same bytes. A `Printer` starts the browser in a thread of its own,
so the build can have it ready by the time the HTML is, and prints the report and its
annex at once.
"""
from __future__ import annotations

import asyncio
import os
import queue
import re
import shutil
import threading
from pathlib import Path

SYSTEM_BROWSERS = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser",
                   "google-chrome", "google-chrome-stable")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND"]
FOOTER = ('<div style="font: 8px DejaVu Sans, Arial, sans-serif; color: #5b5b60; width: 100%; '
          'padding: 0 16mm; display: flex; justify-content: space-between;">'
          '<span>Borderland</span><span><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></span></div>')
FIXED_DATE = b"D:20000101000000+00'00'"
_NODE_ID = re.compile(rb"\(node(\d+)\)")


class PdfError(RuntimeError):
    """The PDF could not be printed; the message says why and what to do."""


def find_browser() -> str | None:
    """Path of the Chromium to use, or None for playwright's own browser."""
    chosen = os.environ.get("BORDERLAND_CHROMIUM")
    if chosen:
        if not (Path(chosen).is_file() and os.access(chosen, os.X_OK)):
            raise PdfError(f"BORDERLAND_CHROMIUM={chosen} is not an executable file")
        return chosen
    for name in SYSTEM_BROWSERS:
        found = shutil.which(name) if "/" not in name else (name if Path(name).is_file() else None)
        if found:
            return found
    return None


def launch(playwright):
    """Start headless Chromium with the offline flags (playwright's sync API)."""
    executable = find_browser()
    try:
        return playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS,
                                          headless=True)
    except Exception as exc:  # playwright raises its own Error types
        raise _launch_error(executable, exc) from exc


async def launch_async(playwright):
    """`launch` for playwright's async API."""
    executable = find_browser()
    try:
        return await playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS,
                                                headless=True)
    except Exception as exc:  # playwright raises its own Error types
        raise _launch_error(executable, exc) from exc


def _launch_error(executable: str | None, exc: Exception) -> PdfError:
    hint = ("no system Chromium was found; install one (Debian/Ubuntu: "
            "`apt-get install chromium`) or set BORDERLAND_CHROMIUM to a Chrome/Chromium "
            "executable") if executable is None else f"the browser at {executable} failed"
    return PdfError(f"{hint}: {str(exc).splitlines()[0]}")


class Printer:
    """A browser started now in a thread of its own, printing one file when asked.

    `print()` raises what starting or printing raised (PdfError when the browser
    failed); `close()` shuts an unused browser down.
    """

    def __init__(self) -> None:
        self._job: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pdf", daemon=True)
        self._thread.start()

    def print(self, html_path: Path, pdf_path: Path,
              also: tuple[tuple[Path, Path], ...] = ()) -> None:
        """Print `html_path` to `pdf_path` and each (html, pdf) pair of `also`, all at once."""
        self._job.put(((html_path, pdf_path), *also))
        self._thread.join()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        if self._thread.is_alive():
            self._job.put(None)
            self._thread.join()

    def _run(self) -> None:
        try:
            self._serve()
        except BaseException as exc:  # noqa: BLE001 - raised again by print()
            self._error = exc

    def _serve(self) -> None:
        asyncio.run(self._serve_async())

    async def _serve_async(self) -> None:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await launch_async(pw)
            try:
                jobs = await asyncio.to_thread(self._job.get)
                if jobs is None:
                    return
                # every file in a page of its own, printed at once: Chromium lays the pages
                # out in renderers of their own, on every core
                printed = await asyncio.gather(*(_print(browser, html_path, pdf_path)
                                                 for html_path, pdf_path in jobs))
            except Exception as exc:
                raise PdfError(f"printing failed in the browser: {str(exc).splitlines()[0]}") \
                    from exc
            finally:
                await browser.close()
        for pdf_path, data in printed:
            pdf_path.write_bytes(fix_node_ids(fix_dates(data)))


async def _print(browser, html_path: Path, pdf_path: Path) -> tuple[Path, bytes]:
    """`html_path` printed as the report's PDF pages (bytes not yet fixed), with its target."""
    page = await browser.new_page()
    await page.emulate_media(media="print")
    # A local file and no network: wait as long as loading takes (a report with 100x the
    # data takes minutes), as page.pdf() itself does.
    await page.goto(html_path.resolve().as_uri(), wait_until="load", timeout=0)
    return pdf_path, await page.pdf(
        format="A4", print_background=True, prefer_css_page_size=True,
        display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
        outline=True, tagged=True)


def fix_dates(pdf: bytes) -> bytes:
    """Replace /CreationDate and /ModDate with a fixed value of the same length."""
    def fixed(match: re.Match) -> bytes:
        original = match.group(2)
        return match.group(1) + b"(" + FIXED_DATE[: len(original)].ljust(len(original), b"0") + b")"
    return re.sub(rb"(/(?:CreationDate|ModDate)\s*)\(([^)]*)\)", fixed, pdf)


def fix_node_ids(pdf: bytes) -> bytes:
    """Number the tagged PDF's structure ids (`(node00001344)`) from 1, in the same order.

    Chromium takes them from a counter of the page's nodes that can start one higher or
    lower from run to run. The i-th smallest id becomes i, written to the same width, so
    byte offsets and the order of the id tree stay as they were.
    """
    ids = sorted({int(n) for n in _NODE_ID.findall(pdf)})
    rank = {n: i for i, n in enumerate(ids, start=1)}

    def renumber(match: re.Match) -> bytes:
        digits = match.group(1)
        return b"(node" + str(rank[int(digits)]).zfill(len(digits)).encode() + b")"
    return _NODE_ID.sub(renumber, pdf)
