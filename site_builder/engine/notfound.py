"""The 404 page of a language, made to work at any URL (see `anchor_404`)."""

from __future__ import annotations

import re
from pathlib import Path


def anchor_404(page: Path, url_path: str, site_url: str | None = None) -> None:
    """MkDocs writes the 404 page's links from the server root, as it can be shown at any
    URL; each language's lives under its own path, so its links must start there: at
    `url_path` when the site's URL is known, else relative to the language's folder, which
    the page's own script makes its base when it is shown (themes/404.html)."""
    if not page.is_file():
        return
    html = page.read_text("utf-8")
    # Links already under `url_path` (MkDocs writes them so when site_url is set) stay.
    already = re.escape(url_path.lstrip("/"))
    start = url_path if site_url else ""
    fixed = re.sub(
        rf'((?:href|src|action)=")/(?!/)(?!{already})', lambda m: m.group(1) + start, html
    )
    # The theme's script settings too: where the site starts and where search lives.
    fixed = re.sub(
        rf'("(?:base|search)": ")/(?!/)(?!{already})', lambda m: m.group(1) + start, fixed
    )
    if not site_url:
        fixed = fixed.replace('"base": ""', '"base": "."').replace('href=""', 'href="."')
        fixed = fixed.replace(
            '__md_scope=new URL("/",location)', '__md_scope=new URL("..",document.baseURI)'
        )
        fixed = _LOADS.sub(_late, fixed)
    page.write_text(fixed, "utf-8")


# Stylesheets and scripts the browser would fetch ahead of the parser, from the address
# shown rather than from the base the page's script sets.
_LOADS = re.compile(r'<link rel="stylesheet" href="[^"/][^"]*">|<script src="[^"/][^"]*"></script>')


def _late(match: re.Match[str]) -> str:
    """The tag inside <noscript>, which the browser reads as text when scripts run (so it
    fetches nothing ahead), then written out by a script once the base is set; without
    script the tag stands as it is."""
    return (
        f'<noscript class="dr-late">{match.group(0)}</noscript>'
        "<script>document.write(document.currentScript.previousSibling.textContent)</script>"
    )
