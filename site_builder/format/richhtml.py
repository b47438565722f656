"""RichText to HTML: the Markdown subset the site shows, cleaned against an allow-list.

markdown-it-py in CommonMark mode (linear time, and the Markdown authors see on GitHub),
with raw HTML switched off, then nh3 against an explicit allow-list of tags, attributes
and URL schemes. An image is shown as its text (its description): the site loads no
image from an author's text. What of a text this does not show as written is found by
`format.unshown`, which asks these same rules.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

from site_builder.format.richtext import without_tags

ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "code", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


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
def converter() -> MarkdownIt:
    """The parser and renderer of RichText: CommonMark, raw HTML escaped as text (`html:
    False`), no typographic replacements; an image written as its description."""
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})
    parser.add_render_rule("image", _image_as_text)
    return parser


def _image_as_text(renderer, tokens, index, options, env) -> str:  # type: ignore[no-untyped-def]
    return html.escape(renderer.renderInlineAsText(tokens[index].children or [], options, env))


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
    converted = converter().render(source)
    return nh3.clean(
        converted,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
