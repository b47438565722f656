"""Markdown inside HTML elements and admonitions, rewritten so that CommonMark reads them
as Python-Markdown's `md_in_html` and `admonition` extensions do.

Guarantee: for the shapes below, markdown-it-py given `unwrap(markdown)` writes the same
HTML as Python-Markdown given `markdown` (checked page by page on whole sites by
`tests/test_commonmark.py`). Anything else returns None, and the page is left to
Python-Markdown: a page is never converted differently, only more slowly.

The shapes (those the render stage writes):
- an element whose opening tag, alone on its line, has `markdown="1"` (or `"block"`); its
  content is Markdown blocks; the tag is written again without that attribute, as
  Python-Markdown writes attributes (in lexical order; `open` becomes `open="open"`), and
  its closing tag is left as it is (CommonMark ends a paragraph there). The lines right
  after the opening tag, up to the first blank line, must be HTML (as a `<summary>`):
  CommonMark keeps them as they are, and so does `md_in_html`;
- `<tag markdown="span">inline Markdown</tag>` on one line (a `<figcaption>`), whose content
  is converted as inline Markdown;
- an admonition, `!!! type "Title"` or `!!! type`, followed by its body indented by four
  spaces, which becomes `<div class="admonition type">` with its title paragraph.

Named limit: Python-Markdown also writes again the raw HTML inside a `markdown="1"`
element, attributes in lexical order; CommonMark keeps it as it is. The render stage
therefore writes such HTML with its attributes in lexical order (`render/charts.py`'s
axis, `render/text.py`'s untranslated passages); the equality test on whole sites fails
if a template does not.

No MkDocs import: `render_inline` (inline Markdown to HTML) is given by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser

_OPENING = re.compile(r"^<([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?\smarkdown=\"(?:1|block)\"([^<>]*)>$")
_SPAN = re.compile(
    r"^<([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)\smarkdown=\"span\"([^<>]*)>(.*)</\1>$"
)
_ADMONITION = re.compile(r'^!!! ([A-Za-z][\w-]*)(?: "([^"\n]*)")?[ ]*$')
_ANY_MARKDOWN_ATTRIBUTE = re.compile(r"<[A-Za-z][^<>]*\smarkdown=|^ {0,3}!!!", re.MULTILINE)
_ATTRIBUTE_ESCAPES = str.maketrans({"<": "&lt;", ">": "&gt;", '"': "&quot;"})
# An ampersand that does not start an entity (Python-Markdown's `RE_AMP`).
_ENTITY_OR_AMPERSAND = re.compile(r"&(?!(?:\#[0-9]+|\#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)


def _amp(match: re.Match[str]) -> str:
    return "&amp;"


class _Tag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = attrs


@lru_cache(maxsize=1024)  # pages repeat their elements
def _opening_tag(name: str, attributes: str) -> str | None:
    """`<name attributes>` as Python-Markdown writes an element it parsed: attributes in
    lexical order, every value quoted and escaped, one without a value given its name."""
    parser = _Tag()
    parser.feed(f"<{name}{attributes}>")
    if any(key == "markdown" for key, _ in parser.attrs):
        return None  # the attribute given twice
    values = ((key, key if value is None else value) for key, value in sorted(parser.attrs))
    written = "".join(
        f' {key}="{_ENTITY_OR_AMPERSAND.sub(_amp, value).translate(_ATTRIBUTE_ESCAPES)}"'
        for key, value in values
    )
    return f"<{name}{written}>"


def _admonitions(lines: list[str], render_inline: Callable[[str], str]) -> list[str] | None:
    out: list[str] = []
    index = 0
    for start in [number for number, line in enumerate(lines) if "!!!" in line]:
        if start < index:
            continue  # in the body of the admonition before
        out += lines[index:start]
        line = lines[start]
        index = start + 1
        match = _ADMONITION.match(line)
        if not match:
            if line.lstrip(" ").startswith("!!!"):
                return None
            out.append(line)
            continue
        kind, title = match.group(1), match.group(2)
        if title is None:
            title = kind.capitalize()
        body: list[str] = []
        while index < len(lines) and (lines[index].startswith("    ") or not lines[index].strip()):
            body.append(lines[index][4:])
            index += 1
        while body and not body[-1].strip():
            body.pop()
        out.append(f'<div class="admonition {kind}">')
        if title:
            out.append(f'<p class="admonition-title">{render_inline(title)}</p>')
        out += ["", *body, "", "</div>", ""]
    return out + lines[index:]


def _span(line: str, render_inline: Callable[[str], str]) -> str | None:
    """A `markdown="span"` element alone on its line, its content converted; else None."""
    match = _SPAN.match(line)
    if not match:
        return None
    name, before, after, content = match.groups()
    tag = _opening_tag(name, before + after)
    return None if tag is None else f"{tag}{render_inline(content)}</{name}>"


def unwrap(markdown: str, render_inline: Callable[[str], str]) -> str | None:
    """`markdown` with its Markdown-in-HTML elements and admonitions rewritten for
    CommonMark (see the module's docstring); the text itself when it has none; None when it
    uses them in a shape this module does not know."""
    if not _ANY_MARKDOWN_ATTRIBUTE.search(markdown):
        return markdown
    lines: list[str] | None = markdown.split("\n")
    if "!!!" in markdown:
        lines = _admonitions(lines, render_inline)  # type: ignore[arg-type]
        if lines is None:
            return None
    out: list[str] = []
    index = 0
    # Only lines with a `markdown` attribute, and those right after them, are rewritten.
    for start in [number for number, line in enumerate(lines) if "markdown=" in line]:
        if start < index:
            continue  # read with the element before
        out += lines[index:start]
        line = lines[start]
        index = start + 1
        opening = _OPENING.match(line)
        if opening:
            name = opening.group(1)
            tag = _opening_tag(name, (opening.group(2) or "") + opening.group(3))
            if tag is None:
                return None
            out.append(tag)
            # Up to the first blank line, CommonMark keeps HTML as it is: only HTML there.
            while index < len(lines) and lines[index].strip():
                written = _span(lines[index], render_inline)
                if written is None and (
                    not lines[index].startswith("<") or "markdown=" in lines[index]
                ):
                    return None
                out.append(written or lines[index])
                index += 1
            continue
        written = _span(line, render_inline)
        if written is None:
            return None
        out.append(written)
    return "\n".join(out + lines[index:])
