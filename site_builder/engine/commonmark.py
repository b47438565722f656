"""MkDocs hooks: pages the builder generated are converted by markdown-it, not Python-Markdown.

The render stage writes its pages in a subset of Markdown that CommonMark covers (tables,
definition lists, `{#id}` after a heading) and marks them with `markdown: commonmark` in
their front matter. For those pages this module, loaded by MkDocs as a hooks file (see
`hooks` in the generated `mkdocs.yml`), does what Python-Markdown and MkDocs' own tree
processors would do, in a fraction of the time: heading ids (explicit, else slugs as the
`toc` extension makes them) with permalinks, the table of contents, links between pages
resolved and checked like MkDocs does (a link to a missing page or anchor is a warning,
and warnings fail the build), and the anchors the page offers to others. Language marks
are kept as `engine.marks` keeps them for Python-Markdown: table of contents entries keep
the marks of their heading and the language of the element around it, and permalinks
say "Permanent link" in the language of the `toc` settings, marked where the heading's
language differs; `markdown` attributes of HTML blocks are dropped (as `md_in_html`
does), and text is escaped as Python-Markdown escapes it. Hand-written pages go through
Python-Markdown as before.

A page is read by markdown-it-pyrs and written by `engine.tree`; one that uses what that
module does not reproduce is converted by markdown-it-py with the rules below (the same
HTML, some twenty times more slowly); ids, permalinks and the table of contents are made
by `engine.headings` for both.

Part of the engine: the only other module besides `mkdocs.py` that imports MkDocs.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown.extensions.attr_list import get_attrs_and_remainder, sanitize_name
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mkdocs.plugins import event_priority
from mkdocs.structure.toc import get_toc

from site_builder.engine import tree
from site_builder.engine.blocks import unwrap
from site_builder.engine.headings import Languages, Marks, identify, nest

MARKER = ("markdown", "commonmark")
_LOG = logging.getLogger("mkdocs.plugins.site_builder")
_EXPLICIT_ID = tree.EXPLICIT_ID
# `id="…"` after a space (looked for as a literal, then the space checked: 4 times faster).
_IDS = re.compile(r'id="([^"]+)"')


@dataclass
class Converted:
    html: str
    toc: list[dict[str, Any]]
    anchors: set[str]
    links_to_anchors: dict[Any, dict[str, str]] = field(default_factory=dict)


_escape = tree.escape


def _text(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return _escape(tokens[idx].content)


def _code_inline(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    return f"<code{md_attrs(token)}>{_escape(token.content)}</code>"


def md_attrs(token: Token) -> str:
    return "".join(f' {name}="{html.escape(str(value))}"' for name, value in token.attrItems())


_BLOCK_ATTRIBUTES = tree.BLOCK_ATTRIBUTES
# What this module does not reproduce: an attribute list left over where
# `_block_attributes` does not look (Markdown inside HTML elements and admonitions are
# rewritten by `engine.blocks` when they have the shapes it knows).
_LEFTOVER_ATTRIBUTES = tree.LEFTOVER_ATTRIBUTES
CAPTION_CLASS = tree.CAPTION_CLASS


def _block_attributes(state: Any) -> None:
    """A core rule, before inline parsing: a paragraph's last-line attribute list set on
    the paragraph (as `attr_list` does), then a paragraph of class `dr-caption` right
    before a table made that table's `<caption>` (as `engine.captions` does)."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "paragraph_open" or token.hidden:
            continue
        inline = tokens[index + 1]
        match = _BLOCK_ATTRIBUTES.search(inline.content)
        if not match:
            continue
        attributes, remainder = get_attrs_and_remainder(match.group(1))
        if remainder:
            continue
        for key, value in attributes:
            if key == ".":
                classes = token.attrGet("class")
                token.attrSet("class", f"{classes} {value}" if classes else str(value))
            else:
                token.attrSet(sanitize_name(key), key if value is None else value)
        inline.content = inline.content[: match.start()]
    index = 0
    while index + 3 < len(tokens):
        token = tokens[index]
        classes = str(token.attrGet("class") or "").split()
        if (
            token.type == "paragraph_open"
            and CAPTION_CLASS in classes
            and tokens[index + 3].type == "table_open"
        ):
            opening = Token("caption_open", "caption", 1)
            closing = Token("caption_close", "caption", -1)
            table, inline = tokens[index + 3], tokens[index + 1]
            tokens[index : index + 4] = [table, opening, inline, closing]
        index += 1


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(deflist_plugin)
    md.add_render_rule("text", _text)
    md.add_render_rule("code_inline", _code_inline)
    md.core.ruler.before("inline", "block_attributes", _block_attributes)
    return md


@lru_cache(maxsize=4096)  # pages repeat the titles of their admonitions
def _render_inline(text: str) -> str:
    """Inline Markdown to HTML, escaped as the rest of the page."""
    md = _parser()
    return md.renderer.render(md.parseInline(text)[0].children or [], md.options, {})


def _headings(tokens: list[Token]) -> list[tuple[Token, Token, tuple[str, str] | None]]:
    """(heading_open, inline, language around it) for each heading; explicit `{#id}` taken
    off the text and set as id."""
    pairs = []
    languages = Languages()
    # Only HTML blocks that set a language can change it (most pages have none).
    marked = any(t.type == "html_block" and "lang=" in t.content for t in tokens)
    for index, token in enumerate(tokens):
        if marked and token.type == "html_block":
            languages.feed(token.content)
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        match = _EXPLICIT_ID.search(inline.content)
        if match:
            token.attrSet("id", match.group(1))
            inline.content = inline.content[: match.start()]
            last = inline.children[-1] if inline.children else None
            if last is not None and last.type == "text":
                last.content = _EXPLICIT_ID.sub("", last.content)
        pairs.append((token, inline, languages.current))
    return pairs


def convert(markdown: str, page: Any, files: Any, marks: Marks | None = None) -> Converted | None:
    """Convert one generated page; links resolved against `files` from `page.file`. None
    when the page uses what this module does not reproduce (`engine.blocks`,
    `_LEFTOVER_ATTRIBUTES`). Read by markdown-it-pyrs (`engine.tree`), else, when that
    module does not reproduce what the page uses, by markdown-it-py."""
    marks = marks or Marks()
    markdown = unwrap(markdown, _render_inline)  # type: ignore[assignment]
    if markdown is None:
        return None
    result = Converted("", [], set())
    read = tree.read(markdown)
    if read.refused == tree.LEFTOVER:
        return None  # markdown-it-py's path leaves it too
    if read.refused:
        return _convert_tokens(markdown, page, files, marks, result)
    languages, fed = Languages(), 0
    marked = "lang=" in markdown
    entries = []
    for heading in read.headings:
        for block in read.html_blocks[fed : heading.html_blocks_before] if marked else ():
            languages.feed(block)
        fed = heading.html_blocks_before
        entries.append((heading.explicit_id, heading.inner, languages.current, heading.level))
    pieces = read.pieces
    for heading, (ident, permalink) in zip(
        read.headings, identify(entries, marks, result.toc), strict=True
    ):
        pieces[heading.start] = f'<h{heading.level} id="{tree.escape_attribute(ident)}">'
        pieces[heading.end] = f"{permalink}</h{heading.level}>\n"
    known: dict[str, Any] = {}
    for index, href, rest in read.links:
        resolved = _resolve(href, page, files, result, known)
        pieces[index] = f'<a href="{tree.escape_attribute(resolved)}"{rest}>'
    return _finish(result, "".join(pieces))


def _convert_tokens(markdown: str, page: Any, files: Any, marks: Marks, result: Converted):
    """`convert` by markdown-it-py."""
    md = _parser()
    tokens = md.parse(markdown)
    if any(t.type == "inline" and _LEFTOVER_ATTRIBUTES.search(t.content) for t in tokens):
        return None
    headings = _headings(tokens)
    entries = []
    for token, inline, language in headings:
        inner = md.renderer.render(inline.children or [], md.options, {})
        entries.append((token.attrGet("id"), inner, language, int(token.tag[1])))
    for (token, inline, _), (ident, permalink) in zip(
        headings, identify(entries, marks, result.toc), strict=True
    ):
        token.attrSet("id", ident)
        if permalink:
            link = Token("html_inline", "", 0)
            link.content = permalink
            inline.children = [*(inline.children or []), link]
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                child.attrSet("href", _resolve(str(child.attrGet("href")), page, files, result))
    return _finish(result, md.renderer.render(tokens, md.options, {}))


def _finish(result: Converted, html_text: str) -> Converted:
    # Stripped, as Python-Markdown returns its output.
    result.html = html_text.strip()
    written = result.html
    result.anchors = {
        found.group(1)
        for found in _IDS.finditer(written)
        if found.start() and written[found.start() - 1].isspace()
    }
    result.toc = nest(result.toc)
    return result


def _resolve(
    href: str, page: Any, files: Any, result: Converted, known: dict[str, Any] | None = None
) -> str:
    """A link as MkDocs writes it: `other.md#x` to the other page's URL relative to this
    one, checked; addresses with a scheme or a host, and absolute paths, as they are.
    `known`: the pages found for the paths of earlier links from the same page, and their
    URLs (filled here)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("/"):
        return href
    if not parts.path:
        if parts.fragment:
            result.links_to_anchors.setdefault(page.file, {}).setdefault(parts.fragment, href)
        return href
    found = known.get(parts.path) if known is not None else None
    if found is None:
        source = page.file.src_uri
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(parts.path)))
        target_file = files.get_file_from_path(target)
        if target_file is None:
            _LOG.warning(
                f"Doc file '{source}' contains a link '{href}', but the target '{target}' is "
                "not found among documentation files."
            )
            return href
        found = (target_file, target_file.url_relative_to(page.file))
        if known is not None:
            known[parts.path] = found
    target_file, url = found
    if parts.fragment:
        result.links_to_anchors.setdefault(target_file, {}).setdefault(parts.fragment, href)
        url += f"#{parts.fragment}"
    return url


@event_priority(-100)  # after other plugins, which may change the Markdown
def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """A generated page is converted here; Python-Markdown then converts nothing. A page
    using what this module does not reproduce is left to Python-Markdown."""
    if page.meta.get(MARKER[0]) != MARKER[1]:
        return markdown
    converted = convert(markdown, page, files, Marks.of(config))
    if converted is None:
        return markdown
    page.commonmark = converted
    page.render = partial(_render_converted, page)  # MkDocs calls it next
    return ""


def _render_converted(page: Any, config: Any, files: Any) -> None:
    """What `Page.render` leaves on a page whose Markdown is "" (the converted page,
    whose HTML `on_page_content` gives), without building a Python-Markdown with every
    extension for it: about 0.3 ms a page."""
    del page.render  # the class's own again
    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


@event_priority(100)  # before other plugins, which then see the converted page
def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    """The converted page, with its table of contents and anchors. Holding it compressed
    until it is laid out is the engine's `plugins.hold_plugin`, for every page."""
    converted: Converted | None = getattr(page, "commonmark", None)
    if converted is None:
        return content
    del page.commonmark
    page.toc = get_toc(converted.toc)
    page.present_anchor_ids = converted.anchors
    page.links_to_anchors = converted.links_to_anchors
    return converted.html
