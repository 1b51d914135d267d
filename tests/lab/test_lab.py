"""`make test-lab`: 90-explore in JupyterLab (the lab environment) in headless Chromium.

The server is started with a fixed token and port and stopped by its PID. The test
opens the notebook, runs every cell, changes the Reliability control and checks that
the chart redrew. Not part of `make test` (it needs .venv-lab and takes a minute).
"""
from __future__ import annotations

import os
import signal
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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    log = (tmp_path_factory.mktemp("lab") / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         f"--port={PORT}", "--port-retries=0", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={ROOT / 'notebooks'}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "BORDERLAND_FIG_ROOT": str(tmp_path_factory.mktemp("figs"))})
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/status?token={TOKEN}")
                break
            except OSError:
                assert server.poll() is None, "jupyter lab exited; see " + log.name
                time.sleep(0.5)
        yield f"http://127.0.0.1:{PORT}/lab/tree/90-explore.ipynb?token={TOKEN}"
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def test_explore_redraws_when_a_control_changes(lab):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=pdf.find_browser(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(lab)
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                               ".jp-KernelStatus", timeout=120_000)
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator("li.lm-Menu-item[data-command='notebook:run-all-cells']").click()
        chart = page.locator(".widget-html figure#fig-90-explore-ranges img")
        chart.wait_for(timeout=180_000)
        before = chart.get_attribute("src")
        page.locator(".widget-dropdown select").nth(1).select_option("high")
        page.wait_for_function(
            "before => document.querySelector("
            "'.widget-html figure#fig-90-explore-ranges img')?.src !== before",
            arg=before, timeout=60_000)
        browser.close()
