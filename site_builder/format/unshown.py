"""Markdown of a RichText that the site does not show as written, found by asking the
rich-text converter's own rules (`format.richhtml`), for validation to warn about: images
(shown as their text), links to other than http, https or mailto addresses, headings,
horizontal rules, code blocks, tables, numbered lists that do not start at 1, and link
definitions nothing links to. HTML tags are `format.richtext`'s (`raw_html`).

A text is parsed as the converter parses it, by a copy of its parser that also reads what
it may not (tables) and links to any address, and each construct is judged by the
converter's parser rules, its allow-lists of tags and attributes and its link check
(`safe_href`). So a warning is given exactly when the converter drops or alters
something, and follows any change to what it shows.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import autolink, image, link
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

from site_builder.errors import shorten
from site_builder.format import richhtml as renderer


@dataclass(frozen=True)
class Unshown:
    """A construct that the site does not show as written in a text, where it first is,
    and how many times the text holds it, written the same way."""

    kind: str  # `image`, `heading`, `link shown as written`, ...
    what: str  # the construct, for a message: `image ![map](https://example.org/map.png)`
    outcome: str  # what the page shows: `is never shown, nor its text 'map'`
    instead: str  # what to write instead
    near: str  # the construct's first line as written, to find it in the file
    line: int  # where the construct starts in the text (0-based), to find it in the file
    column: int
    count: int = 1

    @property
    def message(self) -> str:
        times = f" ({self.count} times)" if self.count > 1 else ""
        return f"{self.what}{times} {self.outcome}"


def unshown_markdown(text: str) -> list[Unshown]:
    """The Markdown of a text that the site does not show as written, one entry per
    construct (the same one written again counted), in the order of the text. HTML tags
    are `raw_html`'s."""
    return _unshown(text) if may_hold_unshown(text) else []


def may_hold_unshown(text: str) -> bool:
    """Whether a text may hold Markdown that the site does not show (else it is not
    parsed): any of `_MARKS`, `_LINE`, `_NEXT_LINE` once the links shown are taken out.
    3 µs a text of `format.sample` on average, against 0.3 ms to parse; linear time."""
    if "[" in text or "<" in text:
        text = _SHOWN_LINK.sub(_without_if_shown, text)
    return bool(_MARKS.search(text) or _LINE.match(text) or _NEXT_LINE.search(text))


# `![` (images); `](`, `][`, `]:` (links, link definitions); `#` (headings); `|` (tables);
# code fences; autolinks. Each starts with a literal: five times faster than `[#|]`.
_MARKS = re.compile(r"!\[|\][(\[:]|#|\||```|~~~|<[A-Za-z][A-Za-z0-9+.\-]{1,31}:")
# A line of only `-`, `*`, `_` or `=` after any quote and list markers (rules, underlined
# headings), or one that starts, after any such markers, with four spaces or a tab (code)
# or a list number.
_LINE_START = (
    r"(?:(?=[ \t>*+\-_=.)\d]*+$)[ \t>+.)\d]*+[-*_=]"
    r"|[ \t>*+\-\d.)]*?(?: {4}|\t|\d[.)](?:[ \t]|$)))"
)
_LINE = re.compile(_LINE_START, re.MULTILINE)
_NEXT_LINE = re.compile(r"\n" + _LINE_START, re.MULTILINE)

# `[text](address)` or `<address>` on one line, with nothing in it that could make it part
# of another construct (brackets, `<`, backticks, backslashes), and not after `!` or `\\`.
_SHOWN_LINK = re.compile(
    r"\[(?<![!\\]\[)[^\[\]\n<`\\]*\]\((?P<href>[^\s()<>`\\]+)\)"
    r"|<(?P<auto>[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>`\\]*)>"
)


def _without_if_shown(link: re.Match[str]) -> str:
    """A letter for a link that the renderer shows as a link, else the link as written."""
    return "x" if _shown_href(link["href"] or link["auto"]) else link.group()


@lru_cache(maxsize=4096)
def _shown_href(address: str) -> bool:
    """Whether the renderer makes a link to `address` as written in a link."""
    href = _parser().normalizeLink(address)
    return renderer.converter().validateLink(href) and renderer.safe_href(href) is not None


_NEWLINES = re.compile(r"\r\n?")

# Block constructs: the parser rule that reads each and the tag the renderer writes for it
# (None: the token's own tag). The renderer shows one if its parser has the rule and its
# allow-list the tag.
_BLOCKS: dict[str, tuple[str, str | None]] = {
    "heading_open": ("heading", None),  # `lheading` for a line underlined by --- or ===
    "hr": ("hr", None),
    "fence": ("fence", "pre"),
    "code_block": ("code", "pre"),
    "table_open": ("table", None),
}
# The other blocks: (kind, name, what the page shows of it, what to write instead).
_BLOCK_WORDS = {
    "hr": ("rule", "horizontal rule", "is never shown", "leave a blank line between paragraphs"),
    "fence": (
        "code",
        "code block",
        "is not shown as a block: its lines run together as code in the text",
        "write code within a sentence, between single backticks: `like this`",
    ),
    "code_block": (
        "code",
        "code block",
        "is not shown as a block: its lines run together as code in the text",
        "remove the spaces at the start of the line: after a blank line, a line "
        "indented by four spaces or more is read as code",
    ),
    "table_open": (
        "table",
        "table",
        "is not shown as a table: its rows run together in one paragraph",
        "write each row as an item of a list, starting with `- `",
    ),
}


@cache
def _renderer_rules() -> frozenset[str]:
    """The names of the rules the renderer's parser runs."""
    converter = renderer.converter()
    rulers = (converter.core.ruler, converter.block.ruler, converter.inline.ruler)
    return frozenset(name for ruler in rulers for name in ruler.get_active_rules())


@cache
def _parser() -> MarkdownIt:
    """The renderer's parser, that also reads what the renderer's may not (tables) and
    links to any address (the renderer's leaves `[a](javascript:…)` as text), and notes
    where each link and image is and which link definitions links look up."""
    parser = MarkdownIt("commonmark", dict(renderer.converter().options))
    parser.enable([*_renderer_rules(), "table"], ignoreInvalid=True)
    parser.validateLink = lambda url: True
    for name, rule in (("link", link), ("image", image), ("autolink", autolink)):
        parser.inline.ruler.at(name, _spanned(rule))
    parser.core.ruler.after("block", "definitions_looked_up", _note_lookups)
    return parser


def _spanned(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """The inline rule, noting on the link or image it makes where it starts and ends in
    the text of its paragraph."""

    def spanned(state: StateInline, silent: bool) -> bool:
        start, before = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            made = (t for t in state.tokens[before:] if t.type in ("link_open", "image"))
            for token in itertools.islice(made, 1):
                token.meta["span"] = (start, state.pos)
        return True

    return spanned


class _Definitions(dict[str, Any]):
    """A text's link definitions, noting those that links look up."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        super().__init__(definitions)
        self.looked_up: set[str] = set()

    def get(self, label: str, default: Any = None) -> Any:
        self.looked_up.add(label)
        return super().get(label, default)


def _note_lookups(state: Any) -> None:
    if state.env.get("references"):
        state.env["references"] = _Definitions(state.env["references"])


def _unshown(text: str) -> list[Unshown]:
    source = _NEWLINES.sub("\n", text).replace("\0", "\ufffd")  # as the parser reads it
    lines = source.split("\n")
    env: dict[str, Any] = {}
    found: dict[str, Unshown] = {}

    def note(kind: str, make: Callable[[], Unshown]) -> None:
        # Each construct at its place; the same one written again is counted, as HTML tags.
        made = make()
        key = f"{kind} {made.what}"
        if key in found:
            found[key] = replace(found[key], count=found[key].count + 1)
        else:
            found[key] = made

    tokens = _parser().parse(source, env)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            for child in token.children or ():
                _inline(token, child, lines, note)
        elif token.type in _BLOCKS:
            rule, writes = _BLOCKS[token.type]
            if token.type == "heading_open" and token.markup in ("=", "-"):
                rule = "lheading"
            if rule not in _renderer_rules() or (writes or token.tag) not in (
                renderer.ALLOWED_TAGS
            ):
                inside = tokens[index + 1].content if index + 1 < len(tokens) else ""
                kind = _BLOCK_WORDS[token.type][0] if token.type != "heading_open" else "heading"
                note(kind, lambda t=token, c=inside: _block(t, c, lines))
        elif (
            token.type == "ordered_list_open"
            and token.attrs.get("start", 1) != 1
            and "start" not in renderer.ALLOWED_ATTRIBUTES.get(token.tag, ())
        ):
            note("list start", lambda t=token: _list_start(t, lines))
    definitions = env.get("references")
    if isinstance(definitions, _Definitions):
        for label, definition in definitions.items():
            if label not in definitions.looked_up:
                written = not renderer.converter().validateLink(str(definition["href"]))
                kind = "link shown as written" if written else "definition"
                note(kind, lambda d=definition, w=written: _definition(d, lines, w))
    return sorted(found.values(), key=lambda u: (u.line, u.column))


def _schemes() -> str:
    *most, last = sorted(renderer.ALLOWED_SCHEMES)
    return f"{', '.join(most)} and {last}" if most else last


def _image_text_shown() -> bool:
    """Whether the renderer shows an image's text in its place (asked with a word that no
    address or tag holds)."""
    return "Zqxj" in renderer.rich_html("![Zqxj](https://example.org/a.png)")


def _inline(
    parent: Token,
    token: Token,
    lines: list[str],
    note: Callable[[str, Callable[[], Unshown]], None],
) -> None:
    if token.type == "image":
        if "img" in renderer.ALLOWED_TAGS and "image" in _renderer_rules():
            return
        note("image", lambda: _image(parent, token, lines))
    elif token.type == "link_open":
        href = str(token.attrs.get("href", ""))
        if not renderer.converter().validateLink(href):
            note("link shown as written", lambda: _link(parent, token, lines, written=True))
        elif renderer.safe_href(href) is None:
            note("link shown as text", lambda: _link(parent, token, lines, written=False))


def _image(parent: Token, token: Token, lines: list[str]) -> Unshown:
    near, line, column = _inline_place(parent, token, lines)
    label = " ".join(token.content.split())
    if not label:
        outcome = "is never shown"
    elif _image_text_shown():
        outcome = f"is never shown, only its text '{_short(label)}'"
    else:
        outcome = f"is never shown, nor its text '{_short(label)}'"
    src = str(token.attrs.get("src", ""))
    target = (
        src if renderer.safe_href(src) and renderer.converter().validateLink(src) else "https://…"
    )
    instead = f"link to it instead: [{label or 'a description'}]({target})"
    return Unshown("image", f"image {_short(near)}", outcome, instead, near, line, column)


def _link(parent: Token, token: Token, lines: list[str], written: bool) -> Unshown:
    near, line, column = _inline_place(parent, token, lines)
    children = parent.children or []
    label = ""
    for child in children[children.index(token) + 1 :]:
        if child.type == "link_close":
            break
        label += child.content
    label = " ".join(label.split())
    outcome = (
        "is not shown as a link: the page shows it as written"
        if written
        else f"is not shown as a link: the page shows only its text '{_short(label)}'"
    )
    example = "<https://…>" if token.markup == "autolink" else f"[{label}](https://…)"
    instead = f"only {_schemes()} links are shown: {example}"
    kind = "link shown as written" if written else "link shown as text"
    return Unshown(kind, f"link {_short(near)}", outcome, instead, near, line, column)


def _block(token: Token, inside: str, lines: list[str]) -> Unshown:
    """`inside`: the text of the token after `token` (a heading's title)."""
    near, line, column = _block_place(token.map, lines)
    if token.type == "heading_open":
        title = " ".join(inside.split())
        if token.markup in ("=", "-"):
            instead = (
                f"remove the line of {token.markup * 3} under it: under a line of text, it "
                f"makes that text a heading; to make it stand out, write **{_short(title)}**"
            )
        else:
            instead = f"write it in bold on a line of its own: **{_short(title)}**"
        return Unshown(
            "heading",
            f"heading '{_short(near)}'",
            "is shown as plain text: rich text has no headings",
            instead,
            near,
            line,
            column,
        )
    kind, name, outcome, instead = _BLOCK_WORDS[token.type]
    return Unshown(kind, f"{name} '{_short(near)}'", outcome, instead, near, line, column)


def _list_start(token: Token, lines: list[str]) -> Unshown:
    near, line, column = _block_place(token.map, lines)
    start = token.attrs["start"]
    return Unshown(
        "list start",
        f"numbered list starting at {start}",
        "is numbered from 1 on the site",
        f"start it at 1; to start a line with a number such as a year, write a backslash "
        f"before the {'full stop' if token.markup == '.' else 'bracket'}: "
        f"{start}\\{token.markup} …",
        near,
        line,
        column,
    )


def _definition(definition: dict[str, Any], lines: list[str], written: bool) -> Unshown:
    near, line, column = _block_place(definition.get("map"), lines)
    labelled = re.match(r"\s*\[(.*?)\]:", near)
    label = labelled[1] if labelled else "…"
    kind, outcome, instead = (
        (
            "link shown as written",
            "is not a link: the page shows it as written",
            f"only {_schemes()} links are shown: [{label}]: https://…",
        )
        if written
        else (
            "definition",
            f"is never shown: nothing in the text links to [{label}]",
            f"link to it in the text with [{label}], or remove the line",
        )
    )
    what = f"link definition '{_short(near)}'"
    return Unshown(kind, what, outcome, instead, near, line, column)


def _block_place(span: list[int] | None, lines: list[str]) -> tuple[str, int, int]:
    """A block's first line as written (without the spaces around it), its number in the
    text and the column of its first character."""
    line = min(span[0], len(lines) - 1) if span else 0
    written = lines[line]
    return written.strip(), line, len(written) - len(written.lstrip())


def _inline_place(parent: Token, token: Token, lines: list[str]) -> tuple[str, int, int]:
    """A link's or an image's first line as written, and the line and column in the text
    where it starts. The parser gives the place in its paragraph's text: each line of that
    is the end of a line of the text, past any indentation and quote or list markers."""
    span = token.meta.get("span")
    if span is None or not parent.map:
        return _block_place(parent.map, lines)
    start, end = span
    content = parent.content
    row = content.count("\n", 0, start)
    line = min(parent.map[0] + row, len(lines) - 1)
    line_start = content.rfind("\n", 0, start) + 1
    line_end = content.find("\n", start)
    piece = content[line_start : line_end if line_end >= 0 else len(content)].rstrip()
    written = lines[line].rstrip()
    if written.endswith(piece):
        offset = len(written) - len(piece)
    else:  # a table's cell, or tabs read as spaces
        offset = max(written.find(piece.strip()) - (len(piece) - len(piece.lstrip())), 0)
    near = content[start:end].split("\n", 1)[0]
    return near, line, offset + start - line_start


def _short(text: str) -> str:
    return shorten(text, 60)
