"""The preview in a browser: problems show on every page while the data is invalid, with
file and line, and go once the file is fixed; the preview serves data/ too."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.conftest import PROJECT_ROOT, edit


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture
def served(roadmaps, tmp_path: Path):
    data = roadmaps()
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--roadmaps", str(data)]
        + ["--dev-addr", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(f"{url}/en/")
        yield data, url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_preview_shows_problems_with_file_and_line_until_fixed(served) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    data, url = served
    for name in ("roadmaps.json", "commitments.csv", "roadmaps/fr/montreuil.json"):
        with urllib.request.urlopen(f"{url}/data/{name}") as response:  # noqa: S310
            assert response.status == 200, name
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(f"{url}/en/fr/montreuil/")
        assert page.locator("#preview-problems").count() == 0
        montreuil = data / "fr/montreuil.yml"
        edit(montreuil, "kind: municipality", "  kind: municipality")
        banner = page.locator("#preview-problems")
        banner.wait_for(timeout=60_000)
        text = banner.inner_text()
        assert re.search(r"montreuil\.yml:\d+:\d+: YAML syntax error", text), text
        assert "hint:" in text and "kind: municipality" in text
        # Every page shows it, in every language.
        page.goto(f"{url}/ar/ml/yelimane/")
        assert "montreuil.yml:" in page.locator("#preview-problems").inner_text()
        edit(montreuil, "  kind: municipality", "kind: municipality")
        banner.wait_for(state="detached", timeout=60_000)
        assert page.locator("#preview-problems").count() == 0
        browser.close()
