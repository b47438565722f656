"""Headings of the pages `engine.commonmark` converts: ids, permalinks, table of contents.

What Python-Markdown's `toc` extension and `engine.marks` do for a page, given its
headings in document order (by either of the hook's readers, markdown-it-pyrs or
markdown-it-py): explicit ids kept, the others slugs of the text as `toc` makes them
(made unique), permalinks saying "Permanent link" in the language of the `toc` settings
and marked where the heading's language differs, and table of contents entries keeping
the marks of their heading and the language of the element around it (`Languages`).

No MkDocs import.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from pymdownx.slugs import slugify

from site_builder.engine.marks import PERMALINKED, marked_title

_TAGS = re.compile(r"<[^>]*>")
_slug = slugify(case="lower")


@dataclass(frozen=True)
class Marks:
    """The language settings of a page (from the `toc` and `site_builder.engine.marks`
    Markdown extensions of the language's configuration)."""

    language: str = ""
    direction: str = "ltr"
    permalink_title: str = "Permanent link"
    permalink_lang: str = ""
    toc_depth: tuple[int, int] = (1, 6)
    """The heading levels listed in the table of contents (`toc_depth`, "2-3" or 3)."""

    @classmethod
    def of(cls, config: Any) -> Marks:
        settings = config.get("mdx_configs") or {}
        marks = settings.get("site_builder.engine.marks") or {}
        toc = settings.get("toc") or {}
        return cls(
            marks.get("language", ""),
            marks.get("direction", "ltr"),
            toc.get("permalink_title", "Permanent link"),
            marks.get("permalink_lang", ""),
            _depth(toc.get("toc_depth", 6)),
        )


def _depth(setting: Any) -> tuple[int, int]:
    """`toc_depth` as the `toc` extension reads it: "2-4" (bottom and top) or a top level."""
    if isinstance(setting, str) and "-" in setting:
        bottom, top = setting.split("-", 1)
        return int(bottom), int(top)
    return 1, int(setting)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Languages(HTMLParser):
    """Follows the elements that HTML blocks open and close, to tell the language (`lang`
    and `dir`) of the element a heading between them lies in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[str, str] | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        values = dict(attrs)
        language = (values.get("lang") or "", values.get("dir") or "auto")
        self.stack.append((tag, language if language[0] else None))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    @property
    def current(self) -> tuple[str, str] | None:
        for _, language in reversed(self.stack):
            if language:
                return language
        return None


# Cached: the pages of a site repeat most of their headings ("Institutions", a country's
# name): 21,000 headings but 1,500 different ones on a site of 500 roadmaps.
@lru_cache(maxsize=8192)
def _slug_of(inner: str) -> str:
    """The slug `toc` makes of a heading, given as its inner HTML."""
    return _slug(html.unescape(_TAGS.sub("", inner)).strip(), "-") or "_"


_marked_title = lru_cache(maxsize=8192)(marked_title)


def identify(
    headings: list[tuple[Any, str, tuple[str, str] | None, int]],
    marks: Marks,
    toc: list[dict[str, Any]],
) -> list[tuple[str, str]]:
    """(id, permalink HTML or "") of each heading given as (explicit id or None, inner HTML,
    language around it as (lang, dir) or None, level 1-6): explicit ids kept, the others
    slugs of the text as `toc` makes them, made unique; the table of contents entries
    (`level`, `id`, `name` as HTML, `children`) appended to `toc`, in document order."""
    used = {str(explicit) for explicit, _, _, _ in headings if explicit}
    out = []
    for explicit, inner, language, level in headings:
        if explicit:
            ident = str(explicit)
        else:
            base = _slug_of(inner)
            ident, n = base, 0
            while ident in used:
                n += 1
                ident = f"{base}_{n}"
            used.add(ident)
        linked = f"h{level}" in PERMALINKED
        out.append((ident, permalink(ident, marks, language) if linked else ""))
        name = _marked_title(inner)
        if language:
            lang, direction = (html.escape(value) for value in language)
            name = f'<span lang="{lang}" dir="{direction}">{name}</span>'
        if marks.toc_depth[0] <= level <= marks.toc_depth[1]:
            toc.append({"level": level, "id": ident, "name": name, "children": []})
    return out


def permalink(ident: str, marks: Marks, around: tuple[str, str] | None) -> str:
    """The heading's permalink, as `toc` writes it and `engine.marks` marks it."""
    title = html.escape(marks.permalink_title)
    link = f'<a class="headerlink" href="#{ident}" title="{title}"'
    wanted = marks.permalink_lang or marks.language
    if marks.language and (around[0] if around else marks.language) != wanted:
        direction = marks.direction if wanted == marks.language else "ltr"
        link += f' lang="{html.escape(wanted)}" dir="{direction}"'
    return link + ">&para;</a>"


def nest(flat: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Headings in document order to the nested shape of Python-Markdown's `toc_tokens`."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for entry in flat:
        while stack and stack[-1]["level"] >= entry["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(entry)
        stack.append(entry)
    return root
