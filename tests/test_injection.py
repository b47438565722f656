"""Script-injection payloads in every Text and RichText field reach no page as markup."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

from site_builder.format.richhtml import safe_href

PAYLOADS = [
    "<script>alert('t1')</script>",
    "<img src=x onerror=alert('t2')>",
    "<svg/onload=alert('t3')>",
    "\"><script>alert('t4')</script>",
    "</title><script>alert('t5')</script>",
    "<a href=\"javascript:alert('t6')\">x</a>",
    "javascript:alert('t7')",
    "{{ 7*7 }}{% raw %}${7*7}",
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
]
LINK_TARGETS = [
    "javascript:alert('l1')",
    "JaVaScRiPt:alert('l2')",
    "&#106;avascript:alert('l3')",
    "java&#x09;script:alert('l4')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "//evil.example/x",
    "\\\\evil.example",
    "vbscript:msgbox('l8')",
    " javascript:alert('l9')",
]


def hostile_texts():
    payloads = itertools.cycle(PAYLOADS)
    targets = itertools.cycle(LINK_TARGETS)

    def make(language: str, path: str, rich: bool) -> str:
        payload = next(payloads)
        if not rich:
            return f"{language} {payload}"
        target = next(targets)
        return (
            f"{payload}\n\n[click]({target}) and <{target}> and "
            f"[ref][r]\n\n[r]: {target}\n\n*{payload}*"
        )

    return make


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("img", "iframe", "object", "embed", "style", "base", "meta") and not (
            tag == "meta" and "http-equiv" not in values
        ):
            self.found.append(tag)
        if tag == "script":
            src = values.get("src")
            if src is not None and "assets/javascripts/" not in src:
                self.found.append(f"script[src={src}]")
            # A JSON-LD block is data, never run; test_json_ld_keeps_payloads_as_data.
            self.in_script = src is None and values.get("type") != "application/ld+json"
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if (
                name in ("href", "src", "action", "formaction")
                and value is not None
                and safe_href(value) is None
            ):
                self.found.append(f"{tag}[{name}={value}]")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(" in data:
            self.found.append("inline script from data")


def test_hostile_site_has_every_page(hostile_site: Path) -> None:
    pages = list(hostile_site.rglob("index.html"))
    assert len(pages) >= 2 * (1 + 2 + 4)  # languages × (home + countries + authorities)


def test_no_page_contains_active_content_from_data(hostile_site: Path) -> None:
    for page in hostile_site.rglob("*.html"):
        html = page.read_text("utf-8")
        scan = _Scan()
        scan.feed(html)
        if page.name == "index.html" and page.parent == hostile_site:
            # The language chooser: its redirect and its own few lines of CSS.
            scan.found = [f for f in scan.found if f not in ("meta", "style")]
        if page.name == "404.html":
            # Its plain layout for readers without script (themes/404.html), the one style.
            assert html.count("<style") == 1 and "<noscript><style>" in html, page
            scan.found = [f for f in scan.found if f != "style"]
        assert scan.found == [], (page, scan.found)


def test_json_ld_keeps_payloads_as_data(hostile_site: Path) -> None:
    import json

    for language in ("en", "ar"):
        html = (hostile_site / language / "data" / "index.html").read_text("utf-8")
        start = html.index('<script type="application/ld+json">')
        block = html[start:].split(">", 1)[1].split("</script>", 1)[0]
        assert "<" not in block  # no way out of the script element
        dataset = json.loads(block)
        assert dataset["@type"] == "Dataset"
        assert html.count("<script") == html.count("</script>")


def test_payloads_are_shown_as_text(hostile_site: Path) -> None:
    html = (hostile_site / "en" / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(" in html or "&lt;img src=x onerror" in html
    every = "".join(p.read_text("utf-8") for p in hostile_site.rglob("*.html"))
    for marker in ("t1", "t2", "t3", "t4", "t5"):
        assert (
            f"alert('{marker}')" in every
            or f"alert(&#x27;{marker}&#x27;)" in every
            or f"alert(&#39;{marker}&#39;)" in every
        ), marker
    assert not re.search(r"<(script|img|svg|iframe)[^>]*alert", every, re.IGNORECASE)
    # The search index holds the payloads as the text shown; the search box shows them
    # as text too (tests/test_search.py).
    assert list(hostile_site.rglob("search_index.json")) == []
    assert list(hostile_site.glob("*/pagefind/fragment/*.pf_fragment"))
