"""Making data safe to place in generated Markdown pages.

Two rules cover every value that comes from YAML:
- plain Text is escaped for HTML *and* Markdown, so it is shown as written and can never
  become a tag, a link or emphasis;
- RichText is converted to HTML here by markdown-it-py in CommonMark mode (linear time,
  and the Markdown authors see on GitHub), with raw HTML switched off, then cleaned by nh3
  against an explicit allow-list of tags, attributes and URL schemes. The result goes into
  the page as a raw HTML block, which the engine passes through untouched.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from site_builder.format.richtext import without_tags

ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "code", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# Python-Markdown's backslash-escapable characters, plus `|` of the tables extension.
# `<`, `>` and `&` are turned into entities before, and entities contain none of these.
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_BACKSLASHED = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+-.!|"})


def fill(template: str, *values: object, **named: object) -> Markup:
    """`Markup(template).format(*values, **named)`: each value HTML-escaped unless it is
    Markup, the template kept as it is. The same text in a fraction of the time (Markup's
    own `format` runs a Python formatter per call); no format specs (`{:.1f}`)."""
    escaped = {key: escape(value) for key, value in named.items()}
    return Markup(str.format(template, *map(escape, values), **escaped))


def escape_text(value: object) -> Markup:
    """Escape a value for HTML and for Markdown, folding line breaks into spaces."""
    return _escaped_text(str(value))


@lru_cache(maxsize=65536)  # names, titles and figures come back on page after page
def _escaped_text(value: str) -> Markup:
    # Only ASCII white space folds: CLDR's no-break spaces (`240 000 €`) stay.
    text = " ".join(_ASCII_SPACE.split(value)).strip(" ")
    return Markup(html.escape(text, quote=False).translate(_BACKSLASHED))


# What the engine's Markdown reads inside a line before it sees an inline HTML tag: code
# spans, backslash escapes, links and references; and `|`, which splits a table row.
# As numeric character references they are plain characters to Markdown, and the browser
# decodes them back, so an attribute holds exactly the parsed value.
_MARKDOWN_IN_ATTRIBUTES = str.maketrans({c: f"&#{ord(c)};" for c in "`\\[]|"})


def escape_attribute(value: object) -> Markup:
    """Escape a value for a double-quoted HTML attribute in a Markdown page: HTML quoting,
    and the characters Markdown would read first (see above) as character references."""
    return Markup(html.escape(str(value), quote=True).translate(_MARKDOWN_IN_ATTRIBUTES))


@lru_cache(maxsize=16384)  # pages link to the same addresses again and again
def safe_href(url: str) -> str | None:
    """The URL if it is http(s), mailto or site-relative; None for anything else."""
    url = url.strip()
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return None  # protocol-relative: another host
    parts = urlsplit(url)
    if parts.scheme:
        return url if parts.scheme.lower() in ALLOWED_SCHEMES else None
    if any(ord(c) < 32 for c in url) or ":" in url.split("/")[0]:
        return None
    return url


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return safe_href(value)
    return value


@cache
def _converter() -> MarkdownIt:
    # CommonMark, raw HTML escaped as text (`html: False`), no typographic replacements.
    return MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})


# Text with none of these is one plain paragraph: no need for the Markdown converter.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>&#!|~]|^\s*(?:[-+]|\d+[.)])\s|\n|  $", re.MULTILINE)


@lru_cache(maxsize=8192)
def rich_html(source: str) -> str:
    """CommonMark (paragraphs, emphasis, lists, links) to clean HTML, in time linear in
    the length of `source` (its length is bounded by RichText.max_length).

    Cached: a text that falls back to another language is converted once for all pages.
    HTML tags are removed first (`without_tags`): they are never rendered.
    """
    source = without_tags(source)
    if not _MARKDOWN_SYNTAX.search(source):
        return f"<p>{html.escape(source.strip(), quote=False)}</p>"
    converted = _converter().render(source)
    return nh3.clean(
        converted,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
