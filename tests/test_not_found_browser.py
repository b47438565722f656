"""The 404 page as static hosts show it: for a missing address at any depth, from a site
served in a sub-folder and built without `--site-url`.

Hosts differ in which 404 page they show. GitHub Pages project sites, Netlify and nginx's
`error_page` show the site's own `404.html` (here the default language's copy at the root);
Cloudflare Pages shows the nearest `404.html` above the address (`<site>/<lang>/404.html`).
Both are served here, from 127.0.0.1, with the site at `/sub/`.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser import (
    ARGS,
    CHROMIUM,
    Recorder,
    axe_violations,
    open_page,
    require_chromium,
)

SUB = "/sub/"
LOAD_FAILED = "Failed to load resource: the server responded with a status of 404"


class _NotFound(http.server.SimpleHTTPRequestHandler):
    """Files of the folder above the site; a missing address under SUB gets a 404 page with
    status 404: the site's (`nearest = False`) or the nearest one above it."""

    nearest = False

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass

    def send_head(self):  # noqa: ANN201 - the base's
        path = Path(self.translate_path(self.path))
        if path.exists() or not self.path.startswith(SUB):
            return super().send_head()
        site = Path(self.translate_path(SUB))
        page = site / "404.html"
        if self.nearest:
            folder = path.parent
            while folder != site and not (folder / "404.html").is_file():
                folder = folder.parent
            page = folder / "404.html"
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@contextmanager
def serve_with_404(root: Path, *, nearest: bool) -> Iterator[str]:
    handler_class = type("Handler", (_NotFound,), {"nearest": nearest})
    handler = functools.partial(handler_class, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def hosting(contract_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder above the site, which is at `sub/` in it (built without --site-url)."""
    root = tmp_path_factory.mktemp("hosting")
    shutil.copytree(contract_site, root / "sub")
    return root


WORDS = {"en": "Page not found", "fr": "Page introuvable", "ar": "الصفحة غير موجودة"}

# (the host's 404 page, the missing address, the language the reader must get)
CASES = [
    ("nearest", "nope", "en"),
    ("nearest", "en/a/b/c/", "en"),
    ("nearest", "ar/x", "ar"),
    ("nearest", "fr/ml/nope/deeper", "fr"),
    ("site", "nope", "en"),
    ("site", "a/b/c", "en"),
    ("site", "en/a/b/c/", "en"),
    ("site", "ar/x", "ar"),
    ("site", "fr/ml/nope/deeper", "fr"),
]

STYLED = """() => {
  const sheets = Array.from(document.styleSheets).filter(s => s.href);
  const loaded = sheets.filter(s => { try { return s.cssRules.length > 0; } catch (e) {
    return false; } }).map(s => s.href);
  const header = getComputedStyle(document.querySelector('.md-header'));
  return {loaded, position: header.position};
}"""


@pytest.mark.parametrize(("host", "missing", "lang"), CASES)
def test_the_404_page_works_from_a_sub_folder_at_any_depth(
    browser, hosting: Path, host: str, missing: str, lang: str
) -> None:
    with serve_with_404(hosting, nearest=host == "nearest") as origin:
        site = f"{origin}{SUB}"
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        # Requests answered with an error status, counted when the answer's headers come
        # (a document left for another before its body ends still counts).
        failed: list = []
        page.on("response", lambda r: failed.append(r.request) if r.status >= 400 else None)
        recorder = Recorder(page, origin)
        page.goto(f"{site}{missing}", wait_until="networkidle")
        try:
            page.wait_for_selector("article h1")
            # Styled: Material's stylesheet and the site's own loaded from the site.
            styled = page.evaluate(STYLED)
            assert any(f"{site}{lang}/assets/stylesheets/main." in u for u in styled["loaded"])
            assert f"{site}{lang}/assets/stylesheets/diaspora.css" in styled["loaded"]
            assert styled["position"] == "sticky", styled
            # In the reader's language.
            assert page.evaluate("document.documentElement.lang") == lang
            assert page.inner_text("article h1").strip() == WORDS[lang]
            assert axe_violations(page) == []
            assert recorder.foreign() == []
            # Nothing fetched from a wrong place: what failed is the missing address itself
            # and, where the address names no language, the look for the site's folder.
            probes = [r.url for r in failed if r.method == "HEAD"]
            assert [r.url for r in failed if r.method != "HEAD"] == [f"{site}{missing}"]
            assert all(u.endswith("/en/404.html") for u in probes), probes
            assert len(probes) <= missing.count("/")
            assert [e for e in recorder.errors if not e.startswith(LOAD_FAILED)] == []
            # The search finds pages of this language's site.
            page.keyboard.press("/")
            page.keyboard.type("diaspora", delay=20)
            page.wait_for_function(
                "() => document.getElementById('dr-search').dataset.shown === 'diaspora'",
                timeout=15000,
            )
            found = page.eval_on_selector_all(
                ".md-search-result__link", "links => links.map(a => a.href)"
            )
            assert found and all(u.startswith(f"{site}{lang}/") for u in found), found
            page.keyboard.press("Escape")
            # The way home leads to this language's home page.
            home = page.eval_on_selector("article a", "a => a.href")  # as the browser resolves it
            assert home == f"{site}{lang}/"
            page.goto(home, wait_until="domcontentloaded")
            assert page.inner_text("article h1")
            assert [e for e in recorder.errors if not e.startswith(LOAD_FAILED)] == []
        finally:
            context.close()


def test_without_javascript_the_404_page_is_still_readable(browser, hosting: Path) -> None:
    """Without script the page cannot know where the site starts: its text is still there,
    in a plain layout that fits a phone, not under icons drawn across the screen."""
    with serve_with_404(hosting, nearest=True) as origin:
        context, page, _ = open_page(browser, f"{origin}{SUB}ar/a/b/", javascript=False, width=390)
        try:
            assert page.evaluate("document.documentElement.lang") == "ar"
            heading = page.locator("article h1")
            assert heading.inner_text().strip() == WORDS["ar"]
            box = heading.bounding_box()
            assert box is not None and box["y"] < 844  # within the first screen
            biggest = page.evaluate(
                "Math.max(...Array.from(document.querySelectorAll('svg'),"
                " s => s.getBoundingClientRect().width))"
            )
            assert biggest <= 48
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            context.close()
