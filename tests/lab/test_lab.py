"""`make test-lab`: 90-explore in JupyterLab (the lab environment) in headless Chromium.

The server is started with a fixed token and port and stopped by its PID. The test
opens the notebook, waits for its kernel, runs every cell, changes the Reliability control
and checks that the chart redrew. Not part of `make test` (it needs .venv-lab and takes a
minute). The server keeps its workspace and settings in a temporary folder (no autosave, so
the notebook in the repository keeps no outputs; no news popup); on a failure the test leaves
a screenshot beside the server log and names both.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from borderland import pdf

ROOT = Path(__file__).resolve().parents[2]
PORT, TOKEN = 8899, "borderland-test-lab"
NOTEBOOK = "90-explore.ipynb"
# User settings for the test's server: JupyterLab's defaults, less what gets in the way.
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                     "checkForUpdates": False},
}
CHART = ".widget-html figure#fig-90-explore-ranges img"


def port_is_free(port: int) -> bool:
    """Whether the server could listen on `port` (with SO_REUSEADDR, as tornado does, so the
    TIME-WAIT connections of a previous run do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab")
    for name, values in SETTINGS.items():
        path = home / "settings" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    assert port_is_free(PORT), f"port {PORT} is in use (another JupyterLab?); the test needs it"
    log_path = home / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         f"--port={PORT}", "--port-retries=0", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={ROOT / 'notebooks'}",
         f"--LabApp.user_settings_dir={home / 'settings'}",
         f"--LabApp.workspaces_dir={home / 'workspaces'}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "BORDERLAND_FIG_ROOT": str(tmp_path_factory.mktemp("figs"))})
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/status?token={TOKEN}")
                break
            except OSError:
                assert server.poll() is None, f"jupyter lab exited; see {log_path}"
                time.sleep(0.5)
        else:
            pytest.fail(f"jupyter lab did not answer on port {PORT} in 60 s; see {log_path}")
        assert server.poll() is None, f"jupyter lab exited; see {log_path}"
        yield f"http://127.0.0.1:{PORT}/lab/tree/{NOTEBOOK}?token={TOKEN}", home
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def test_explore_redraws_when_a_control_changes(lab):
    url, home = lab
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=pdf.find_browser(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(url)
            page.wait_for_selector(".jp-Notebook", timeout=120_000)
            # The kernel is started and connected: the status bar names it and says Idle
            # (the toolbar's execution indicator reads "idle" before there is a kernel).
            page.locator(f"#jp-main-statusbar [title='Change kernel for {NOTEBOOK}']",
                         has_text="| Idle").wait_for(timeout=120_000)
            page.locator(".lm-MenuBar-item", has_text="Run").first.click()
            page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
            chart = page.locator(CHART)
            chart.wait_for(timeout=180_000)
            before = chart.get_attribute("src")
            assert before and before.startswith("data:image/"), before and before[:80]
            page.locator(".widget-dropdown", has_text="Reliability").locator("select") \
                .select_option("high")
            # Redrawn: the chart is there again, from other data.
            page.wait_for_function(
                "before => { const img = document.querySelector(" + json.dumps(CHART) + ");"
                " return img !== null && img.src.startsWith('data:image/')"
                " && img.src !== before; }",
                arg=before, timeout=60_000)
        except Exception:
            shot = home / "failure.png"
            page.screenshot(path=str(shot))
            print(f"screenshot: {shot}\nserver log: {home / 'server.log'}", file=sys.stderr)
            raise
        finally:
            browser.close()
