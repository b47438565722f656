"""Generated pages read by markdown-it-pyrs and written as the hook's markdown-it-py writes them.

markdown-it-pyrs (a Rust port of markdown-it) parses a page about ten times faster than
markdown-it-py, but its own renderer escapes quotes in text, which Python-Markdown does
not. So its tree is written here, node by node, by the rules of markdown-it-py's renderer
and of `engine.commonmark`: text escaped as Python-Markdown escapes it, a last-line
attribute list `{: .class }` set on its paragraph (or, as Python-Markdown does, on its
tight list item), a `dr-caption` paragraph before a table made its `<caption>`, `{#id}`
after a heading taken as its id. `read` returns the HTML in pieces and says which to fill
with the headings' ids and permalinks and the links' resolved addresses (the caller's).

Guarantee: those pieces, filled, are what markdown-it-py with the hook's rules writes
(checked page by page on whole sites by `tests/test_commonmark.py`). A page using what
this module does not reproduce (`Read.refused`) is for markdown-it-py, as is every page
on a Python for which markdown-it-pyrs has no wheel. No MkDocs import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from markdown.extensions.attr_list import get_attrs_and_remainder, sanitize_name

try:
    from markdown_it_pyrs import MarkdownIt, Node
except ImportError:  # no wheel for this Python (0.4.0 has them for CPython 3.9 to 3.12)
    MarkdownIt = None

EXPLICIT_ID = re.compile(r"\s*\{#([^\s{}]+)\}\s*$")
# `{: .class #id key=value }` on the last line of a paragraph (attr_list's BLOCK_RE).
BLOCK_ATTRIBUTES = re.compile(r"\n[ ]*\{\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$")
# An attribute list anywhere: the page is converted only if each is one that `read` set on
# its paragraph, or lies in HTML or code, where markdown-it-py's hook does not look either.
LEFTOVER_ATTRIBUTES = re.compile(r"\{:[^}\n]*\}")
CAPTION_CLASS = "dr-caption"
# Characters that could make the line of an attribute list part of what comes before it.
_INLINE_SYNTAX = re.compile(r"[\\&`*_\[\]<>!]")


def escape(text: str) -> str:
    """Text escaped as Python-Markdown escapes it (quotes are left as they are)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(value: str) -> str:
    """An attribute value escaped as markdown-it-py's renderer escapes it."""
    return escape(value).replace('"', "&quot;")


@dataclass
class Heading:
    """A heading: `pieces[start]` is to become its opening tag, `pieces[end]` its
    permalink and closing tag."""

    level: int
    explicit_id: str | None
    inner: str
    """Its content as HTML, links not yet resolved."""
    html_blocks_before: int
    """How many HTML blocks come before it in the page (they may set its language)."""
    start: int
    end: int


@dataclass
class Read:
    pieces: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    links: list[tuple[int, str, str]] = field(default_factory=list)
    """(piece to become the opening tag `<a href="…"…>`, address, the attributes after it)."""
    html_blocks: list[str] = field(default_factory=list)
    refused: str = ""
    """Why the page is not written here: "" when it is; `LEFTOVER` when an attribute list
    is left where markdown-it-py's hook leaves it too (the page is for Python-Markdown);
    else the construct, and markdown-it-py converts the page."""


LEFTOVER = "attribute list left"
UNAVAILABLE = "markdown-it-pyrs is not installed"


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable_many(["table", "deflist"])


class _Refused(Exception):
    """Something `read` does not reproduce exactly: markdown-it-py converts the page."""


def read(markdown: str) -> Read:
    """`markdown` as HTML pieces (see `Read` and the module's docstring), or what it uses
    that this module does not reproduce (`Read.refused`)."""
    if MarkdownIt is None:
        return Read(refused=UNAVAILABLE)
    if "\r" in markdown or "\0" in markdown:
        return Read(refused="line endings")
    writer = _Writer(markdown)
    try:
        writer.blocks(_parser().tree(markdown).children)
    except _Refused as refused:
        return Read(refused=str(refused))
    if "{:" in markdown:
        found = len(LEFTOVER_ATTRIBUTES.findall(markdown))
        if found != writer.attribute_lists + writer.attribute_lists_in_code:
            return Read(refused=LEFTOVER)
    return writer.out


# fmt: off
_INLINE = {
    "text", "text_special", "softbreak", "hardbreak", "em", "strong", "code_inline", "link",
    "autolink", "image", "html_inline",
}
# Blocks markdown-it-py writes with its default `renderToken`, which puts a line break
# before the opening tag when it follows the text of a tight list item.
_TAGGED = {
    "paragraph", "heading", "lheading", "bullet_list", "ordered_list", "blockquote", "hr",
    "table", "definition_list",
}
# fmt: on


class _Writer:
    def __init__(self, markdown: str) -> None:
        self.source = markdown.encode("utf-8")
        self.out = Read()
        self.attribute_lists = 0
        self.attribute_lists_in_code = 0

    def _code(self, content: str) -> None:
        if "{:" in content:
            self.attribute_lists_in_code += len(LEFTOVER_ATTRIBUTES.findall(content))

    def blocks(self, nodes: list[Node]) -> None:
        """Block nodes; runs of inline nodes are the text of a tight item."""
        pieces = self.out.pieces
        after_text = False
        caption: list[Node] | None = None
        index, count = 0, len(nodes)
        while index < count:
            node = nodes[index]
            name = node.name
            if name in _INLINE:
                end = index + 1
                while end < count and nodes[end].name in _INLINE:
                    end += 1
                self.inline(nodes[index:end])
                index, after_text = end, True
                continue
            if name == "definition":  # of a link reference: markdown-it-py writes nothing
                index += 1
                continue
            if after_text and name in _TAGGED:
                pieces.append("\n")
            after_text = False
            if name == "paragraph":
                following = nodes[index + 1] if index + 1 < count else None
                caption = self.paragraph(node, following is not None and following.name == "table")
            elif name == "heading" or name == "lheading":
                self.heading(node)
            elif name == "html_block":
                content = node.meta["content"]
                self.out.html_blocks.append(content)
                self._code(content)
                pieces.append(content)
            elif name == "table":
                self.table(node, caption)
                caption = None
            elif name in _CONTAINERS:
                self.container(node, *_CONTAINERS[name])
            elif name == "ordered_list":
                start = node.meta.get("start", 1)
                self.container(node, f'<ol start="{start}">' if start != 1 else "<ol>", "</ol>")
            elif name == "hr":
                pieces.append("<hr />\n")
            elif name == "code_block":
                content = node.meta["content"]
                self._code(content)
                pieces.append(f"<pre><code>{escape_attribute(content)}</code></pre>\n")
            else:
                raise _Refused(name)  # fences, and whatever else the pages do not use
            index += 1

    def container(self, node: Node, opening: str, closing: str) -> None:
        children = node.children
        if opening == "<li>" and children and children[-1].name == "text":
            opening, children = self._list_item(node, children)
        # No line break after the tag before the text of a tight item, or an empty element.
        tight = not children or children[0].name in _INLINE
        self.out.pieces.append(opening if tight else opening + "\n")
        self.blocks(children)
        self.out.pieces.append(closing + "\n")

    def _list_item(self, node: Node, children: list[Node]) -> tuple[str, list[Node]]:
        """The opening tag and children of a tight list item, given the attribute list on
        the last line of its text as Python-Markdown's `attr_list` gives it (a map's legend:
        markdown-it-py's path leaves such a page to Python-Markdown)."""
        if "{:" not in children[-1].meta["content"] or len(children) < 2:
            return "<li>", children
        if any(child.name not in _INLINE for child in children):
            raise _Refused("attribute list in a list item")
        attributes: dict[str, str] = {}
        kept = _attribute_list(self.source, node, children, attributes, valued=True)
        self.attribute_lists += kept is not children
        # In lexical order, as Python-Markdown writes them.
        return f"<li{_attributes(sorted(attributes.items()))}>", kept

    def paragraph(self, node: Node, before_table: bool) -> list[Node] | None:
        """Writes the paragraph, or returns its content when it is a table's caption."""
        children = node.children
        attributes: dict[str, str] = {}
        if len(children) >= 2 and children[-1].name == "text":
            kept = _attribute_list(self.source, node, children, attributes, valued=False)
            self.attribute_lists += kept is not children
            children = kept
        if before_table and CAPTION_CLASS in attributes.get("class", "").split():
            return children
        pieces = self.out.pieces
        pieces.append(f"<p{_attributes(attributes.items())}>")
        self.inline(children)
        pieces.append("</p>\n")
        return None

    def heading(self, node: Node) -> None:
        level = node.meta["level"]
        children = node.children
        explicit = _explicit_id(self.source, node) if children else None
        tail = None
        if explicit is not None:
            children, tail = _without_id(children)
        pieces = self.out.pieces
        pieces.append("")
        start_index = len(pieces) - 1
        self.inline(children)
        if tail is not None:
            pieces.append(escape(tail))
        inner = "".join(pieces[start_index + 1 :])
        pieces.append("")
        self.out.headings.append(
            Heading(level, explicit, inner, len(self.out.html_blocks), start_index, len(pieces) - 1)
        )

    def table(self, node: Node, caption: list[Node] | None) -> None:
        pieces = self.out.pieces
        pieces.append("<table>\n")
        if caption is not None:
            pieces.append("<caption>")
            self.inline(caption)
            pieces.append("</caption>")
        alignments = node.meta.get("alignments") or []
        styles = [f' style="text-align:{a}"' if a != "none" else "" for a in alignments]
        for part in node.children:
            cell = "th" if part.name == "thead" else "td"
            pieces.append(f"<{part.name}>\n")
            for row in part.children:
                pieces.append("<tr>\n")
                for column, item in enumerate(row.children):
                    style = styles[column] if column < len(styles) else ""
                    pieces.append(f"<{cell}{style}>")
                    self.inline(item.children)
                    pieces.append(f"</{cell}>\n")
                pieces.append("</tr>\n")
            pieces.append(f"</{part.name}>\n")
        pieces.append("</table>\n")

    def inline(self, nodes: list[Node]) -> None:
        append = self.out.pieces.append
        for node in nodes:
            name = node.name
            if name == "text" or name == "text_special":  # `escape`, inline: the most frequent
                text = node.meta["content"]
                append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
            elif name == "html_inline":
                append(node.meta["content"])
            elif name == "link" or name == "autolink":
                meta = node.meta
                title = meta.get("title")
                rest = f' title="{escape_attribute(title)}"' if title else ""
                url = meta["url"]
                append(f'<a href="{escape_attribute(url)}"{rest}>')
                self.out.links.append((len(self.out.pieces) - 1, url, rest))
                self.inline(node.children)
                append("</a>")
            elif name == "softbreak":
                append("\n")
            elif name == "em" or name == "strong":
                append(f"<{name}>")
                self.inline(node.children)
                append(f"</{name}>")
            elif name == "hardbreak":
                append("<br />\n")
            elif name == "code_inline":
                append(f"<code>{escape(_text(node))}</code>")
            elif name == "image":
                meta = node.meta
                title = meta.get("title")
                rest = f' title="{escape_attribute(title)}"' if title else ""
                alt = escape_attribute(_text(node))
                append(f'<img src="{escape_attribute(meta["url"])}" alt="{alt}"{rest} />')
            else:
                raise _Refused(name)


def _attribute_list(
    source: bytes, node: Node, children: list[Node], attributes: dict[str, str], valued: bool
) -> list[Node]:
    """The children of a paragraph (or a tight list item) without the attribute list on
    its last line, whose attributes go into `attributes`; `children` itself when it has
    none. `valued`: refuses a key without a value, or a value with `&` (Python-Markdown
    writes them its own way). `source`: the page, as UTF-8."""
    last = children[-1].meta["content"]
    match = BLOCK_ATTRIBUTES.search("\n" + last)
    if match is None or match.start() != 0:
        return children
    line_break = children[-2]
    if line_break.name not in ("softbreak", "hardbreak") or _INLINE_SYNTAX.search(last):
        if "{:" in last:
            raise _Refused("attribute list")
        return children
    start, end = node.srcmap
    raw = source[start:end].rstrip(b"\n")
    before = raw[: raw.rfind(b"\n")]
    if line_break.name == "hardbreak" or before.endswith((b" ", b"\t")):
        raise _Refused("attribute list after spaces")
    parsed, remainder = get_attrs_and_remainder(match.group(1))
    if remainder:
        return children
    for key, value in parsed:
        if valued and (value is None or "&" in value):
            raise _Refused("attribute Python-Markdown writes its own way")
        if key == ".":
            classes = attributes.get("class")
            attributes["class"] = f"{classes} {value}" if classes else str(value)
        else:
            attributes[sanitize_name(key)] = key if value is None else value
    return children[:-2]


def _explicit_id(source: bytes, node: Node) -> str | None:
    """The `{#id}` ending a heading's text, found as markdown-it-py's hook finds it: in
    the heading's content as written (an ATX heading's closing `#`s left out)."""
    start, end = node.srcmap
    line = source[start:end].decode("utf-8").rstrip("\n")
    if node.name == "lheading":
        line = line[: line.rfind("\n")] if "\n" in line else ""
    else:
        line = line.rstrip(" \t")
        closed = line.rstrip("#")
        if closed != line and closed[-1:] in (" ", "\t"):
            line = closed
    match = EXPLICIT_ID.search(line.rsplit("\n", 1)[-1])
    return match.group(1) if match else None


def _attributes(items: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {escape_attribute(k)}="{escape_attribute(v)}"' for k, v in items)


def _without_id(children: list[Node]) -> tuple[list[Node], str | None]:
    """A heading's children but its trailing text, and that text (joined as markdown-it-py
    joins it) without the `{#id}`; None when it does not end with text."""
    tail = len(children)
    while tail > 0 and children[tail - 1].name in ("text", "text_special"):
        tail -= 1
    if tail == len(children):
        return children, None
    text = "".join(node.meta["content"] for node in children[tail:])
    return children[:tail], EXPLICIT_ID.sub("", text)


def _text(node: Node) -> str:
    """The text of an image's description, as markdown-it-py's `renderInlineAsText`."""
    out = []
    for child in node.children:
        name = child.name
        if name in ("text", "text_special", "html_inline"):
            out.append(child.meta["content"])
        elif name in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            out.append(_text(child))
    return "".join(out)


_CONTAINERS = {
    "bullet_list": ("<ul>", "</ul>"),
    "list_item": ("<li>", "</li>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "definition_list": ("<dl>", "</dl>"),
    "definition_term": ("<dt>", "</dt>"),
    "definition_description": ("<dd>", "</dd>"),
}
