"""Raw HTML in RichText: what it looks like, what Markdown to write instead, and the text
without it.

RichText is Markdown; HTML tags in it (often pasted from web pages: `<br>`, `<a href>`)
are never rendered. Validation warns about them with the Markdown to write instead; pages
show the text without the tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An HTML tag or comment: `<br>`, `<br/>`, `<a href="x">`, `</p>`, `<!-- -->`. Markdown
# autolinks (`<https://example.org>`, `<name@example.org>`) and `a < b` do not match.
RAW_HTML = re.compile(
    r"<!--.*?-->|</?(?P<name>[A-Za-z][A-Za-z0-9]*)(?:\s+[^<>]*?)?\s*/?>", re.DOTALL
)
_LINK = re.compile(
    r"<a\s[^<>]*?href\s*=\s*[\"']?(?P<href>[^\"'\s>]+)[\"']?[^<>]*>(?P<text>.*?)</a\s*>",
    re.DOTALL | re.IGNORECASE,
)
_BREAKS = {"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
_INSTEAD = {
    "br": "leave a blank line between paragraphs (a single line break is read as a space)",
    "p": "leave a blank line between paragraphs",
    "div": "leave a blank line between paragraphs",
    "b": "write **bold** with two asterisks on each side",
    "strong": "write **bold** with two asterisks on each side",
    "i": "write *emphasis* with one asterisk on each side",
    "em": "write *emphasis* with one asterisk on each side",
    "ul": "start each item of a list with `- ` on its own line",
    "ol": "start each item of a numbered list with `1. ` on its own line",
    "li": "start each item of a list with `- ` on its own line",
}


# A code span (CommonMark 6.1): a run of backticks not escaped, then the text up to a run of
# as many. What it holds is shown as written, tags included: they are not HTML.
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


def _tags(text: str) -> list[re.Match[str]]:
    """The HTML tags and comments of a text, outside its code spans."""
    spans = [match.span() for match in _CODE_SPAN.finditer(text)] if "`" in text else []
    return [
        match
        for match in RAW_HTML.finditer(text)
        if not any(start <= match.start() < end for start, end in spans)
    ]


@dataclass(frozen=True)
class RawTag:
    name: str  # lower case, `!--` for a comment
    text: str  # as written: `<br>`, `<a href="https://example.org">`
    count: int  # how many tags of this name the text holds
    instead: str  # what to write instead, in Markdown
    line: int = 0  # the text's line (0-based) where the first is, to find it in the file


def raw_html(text: str) -> list[RawTag]:
    """The HTML tags of a text, one entry per tag name in order of first appearance."""
    first: dict[str, str] = {}
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    closing: dict[str, int] = {}
    for match in _tags(text):
        name = (match["name"] or "!--").lower()
        if match.group().startswith("</"):
            closing[name] = closing.get(name, 0) + 1
            if name in first:
                continue
        if name not in first:
            first[name], lines[name] = match.group(), text.count("\n", 0, match.start())
        counts[name] = counts.get(name, 0) + 1
    link = _LINK.search(text)
    return [
        RawTag(
            name,
            tag,
            counts[name] if not tag.startswith("</") else closing[name],
            _instead(name, link),
            lines[name],
        )
        for name, tag in first.items()
    ]


def _instead(name: str, link: re.Match[str] | None) -> str:
    if name == "a":
        if link:
            label = " ".join(RAW_HTML.sub("", link["text"]).split()) or link["href"]
            return f"write a Markdown link: [{label}]({link['href']})"
        return "write a Markdown link: [the text](https://example.org)"
    if name == "!--":
        return "remove the comment: it would not be shown"
    return _INSTEAD.get(name, "remove the tag: HTML is not shown on the site")


def without_tags(text: str) -> str:
    """The text with its HTML tags removed (not those in code spans, which are shown as
    written); a tag that breaks a line (`<br>`, `</p>`) leaves a line break, so words on
    both sides stay apart."""
    pieces, start = [], 0
    for match in _tags(text):
        name = (match["name"] or "").lower()
        pieces += [text[start : match.start()], "\n" if name in _BREAKS else ""]
        start = match.end()
    return "".join(pieces) + text[start:]
