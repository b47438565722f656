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


def open_page(  # noqa: ANN201
    browser,  # noqa: ANN001
    url: str,
    *,
    javascript: bool = True,
    wait_until: str = "networkidle",
    width: int = 1280,
):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    recorder = Recorder(page, origin)
    page.goto(url, wait_until=wait_until)
    return context, page, recorder


# Every piece of text inside the site's figures (`.dr-figure`): its box on screen, its size
# on screen (an SVG's font size times the scale the SVG is drawn at) and its words.
_CHART_TEXT = """() => {
  const figures = [];
  const width = document.documentElement.clientWidth;
  const labels = new Map();  // each SVG <text> element: one label, laid out as one
  for (const figure of document.querySelectorAll('.dr-figure')) {
    const box = figure.getBoundingClientRect();
    const texts = [];
    const walker = document.createTreeWalker(figure, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const words = node.textContent.trim();
      const element = node.parentElement;
      if (!words || element.closest('title, desc, style, script, summary')) continue;
      if (element.closest('details:not([open])')) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      let size = parseFloat(style.fontSize);
      let rects;
      if (element instanceof SVGElement) {
        const m = element.getScreenCTM();
        size *= Math.hypot(m.a, m.b);
        rects = [element.getBoundingClientRect()];
        if (element.children.length) {  // words beside a <tspan>: their own box
          const range = document.createRange();
          range.selectNodeContents(node);
          rects = [range.getBoundingClientRect()];
        }
      } else {
        const range = document.createRange();
        range.selectNodeContents(node);
        rects = Array.from(range.getClientRects());
      }
      const owner = element.closest('text');
      if (owner && !labels.has(owner)) labels.set(owner, labels.size + 1);
      const label = owner ? labels.get(owner) : 0;
      for (const r of rects) {
        if (r.width <= 1 || r.height <= 1) continue;  // visually hidden text for screen readers
        texts.push({words, size, label, left: r.left, right: r.right, top: r.top,
                    bottom: r.bottom});
      }
    }
    const marks = Array.from(figure.querySelectorAll('svg circle.dr-town'), (c) => {
      const r = c.getBoundingClientRect();
      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
              words: c.nextElementSibling ? c.nextElementSibling.textContent : ''};
    });
    figures.push({left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                  viewport: width, texts, marks, cls: figure.className});
  }
  return figures;
}"""

SMALLEST_TEXT = 12  # CSS px on screen


def chart_text_problems(page) -> tuple[int, list[str]]:  # noqa: ANN001 - a Page
    """The number of texts measured in the page's figures, and every problem found: text
    smaller than SMALLEST_TEXT px on screen, text outside its figure or the viewport
    (clipped), two texts overlapping, two markers of a map (`circle.dr-town`) overlapping."""
    problems: list[str] = []
    figures = page.evaluate(_CHART_TEXT)
    count = 0
    for figure in figures:
        texts = figure["texts"]
        count += len(texts)
        left, right = max(figure["left"], 0) - 1, min(figure["right"], figure["viewport"]) + 1
        for t in texts:
            name = f"{figure['cls']}: {t['words'][:40]!r}"
            if t["size"] < SMALLEST_TEXT - 0.05:
                problems.append(f"{name} is {t['size']:.1f} px")
            if (
                t["left"] < left
                or t["right"] > right
                or t["top"] < figure["top"] - 1
                or t["bottom"] > figure["bottom"] + 1
            ):
                problems.append(f"{name} is clipped (outside its figure or the screen)")
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                if a["label"] and a["label"] == b["label"]:
                    continue  # the runs of one SVG label (words and a <tspan>)
                across = min(a["right"], b["right"]) - max(a["left"], b["left"])
                down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                if across > 1 and down > 1:
                    problems.append(
                        f"{figure['cls']}: {a['words'][:30]!r} overlaps {b['words'][:30]!r}"
                    )
        marks = figure["marks"]
        for i, a in enumerate(marks):
            for b in marks[i + 1 :]:
                # Circles: overlapping when their centres are closer than their radii added.
                ra, rb = (a["right"] - a["left"]) / 2, (b["right"] - b["left"]) / 2
                dx = (a["left"] + ra) - (b["left"] + rb)
                dy = (a["top"] + a["bottom"]) / 2 - (b["top"] + b["bottom"]) / 2
                if (dx * dx + dy * dy) ** 0.5 < ra + rb - 1:
                    problems.append(
                        f"{figure['cls']}: marker {a['words']!r} overlaps marker {b['words']!r}"
                    )
    return count, problems
