"""Helpers for the browser tests: a static server on 127.0.0.1 and Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require_chromium() -> None:
    """Skip where there is no Chromium, except in CI, which installs it (REQUIRE_BROWSER=1)."""
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def axe_violations(page, rules: list[str] = WCAG) -> list[dict]:  # noqa: ANN001 - a Page
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", rules
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


class Recorder:
    """Every request, console error, page error and dialog of a page."""

    def __init__(self, page, origin: str):  # noqa: ANN001
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.origin = origin

    def foreign(self) -> list[str]:
        return [
            u for u in self.requests if not u.startswith(self.origin) and not u.startswith("data:")
        ]


def open_page(browser, url: str, *, javascript: bool = True, wait_until: str = "networkidle"):  # noqa: ANN001
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    recorder = Recorder(page, origin)
    page.goto(url, wait_until=wait_until)
    return context, page, recorder
