"""Data never becomes markup: no script, no event handler, no dangerous link."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.format.richhtml import ALLOWED_TAGS, rich_html, safe_href
from site_builder.render.markup import escape_text
from tests.conftest import edit

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](//evil.example/x)",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "{{ 7*7 }} {% raw %}",
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def active_content(html: str) -> list[str]:
    """Elements, attributes and links in `html` that could run or load something."""
    parser = _Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.elements:
        if tag in ("script", "img", "svg", "iframe", "object", "embed", "style", "link"):
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{tag}[{name}]")
            if name in ("href", "src") and value and safe_href(value) is None:
                found.append(f"{tag}[{name}={value}]")
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rich_text_never_keeps_active_content(payload: str) -> None:
    html = rich_html(payload)
    assert active_content(html) == []
    parser = _Elements()
    parser.feed(html)
    assert {tag for tag, _ in parser.elements} <= ALLOWED_TAGS


def test_plain_text_cannot_become_a_link_or_emphasis() -> None:
    text = escape_text("*a* [x](https://evil.example) <b>b</b> `c` # d | e")
    import markdown

    html = markdown.markdown(str(text), extensions=["tables"])
    assert "<em>" not in html and "<a " not in html and "<b>" not in html and "<code>" not in html


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a", True),
        ("mailto:a@example.org", True),
        ("/en/ml/", True),
        ("../ml/", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("//evil.example", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
    ],
)
def test_only_safe_links(url: str, kept: bool) -> None:
    assert (safe_href(url) is not None) is kept


def test_payloads_in_every_text_field_reach_no_page_as_markup(
    roadmaps, run, tmp_path: Path
) -> None:
    data = roadmaps()
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    quoted = payload.replace('"', '\\"')
    edit(data / "site.yml", "  en: Diaspora engagement roadmaps", f'  en: "{quoted}"')
    edit(
        data / "ml/country.yml",
        '  en: "Mali: engaging Malians abroad in national development"',
        f'  en: "{quoted}"',
    )
    edit(
        data / "ml/country.yml",
        "      en: Ministry of Malians Abroad\n      fr: Ministère",
        f'      en: "{quoted}"\n      fr: Ministère',
    )
    edit(
        data / "ml/country.yml",
        "        en: Twelve projects funded, mostly water points and health "
        "centres in the Kayes region.",
        f'        en: "{quoted}"',
    )
    edit(data / "fr/montreuil.yml", "name: Montreuil", f'name: "{quoted}"')
    edit(data / "ml/country.yml", "      en: every five years", f'      en: "{quoted}"')
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    for page in site.rglob("*.html"):
        html = page.read_text("utf-8")
        # Material's own scripts are the only scripts; none of them comes from data.
        found = [
            item for item in active_content(html) if item not in ("script", "link", "svg", "style")
        ]
        assert found == [], page
        assert "<script>alert" not in html and "<img" not in html, page
        assert "alert(2)>" not in html, page
    mali = (site / "en/ml/index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mali  # shown as text, as written
