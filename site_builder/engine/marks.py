"""Keeps the language marks of headings in the table of contents.

The render stage marks every passage in another language with `lang` and `dir`, isolates
inserted names with `<bdi>`, and marks names and codes with `translate="no"`
(`render.text.mark`). Python-Markdown's `toc` extension copies a heading into the table
of contents as plain text, which would drop those marks. This extension, run after `toc`,
gives each entry the heading's HTML with only the marks kept (`span`, `bdi` and `code`
with `lang`, `dir`, `class`, `translate`; links and everything else reduced to their
text), and wraps the entries of headings inside an element with `lang` (a page shown in
its default language) in that language. The theme prints these titles as HTML
(`themes/partials/toc-item.html`).

Used from each language's `mkdocs.yml` as the Markdown extension `site_builder.engine.marks`.
Also here: `html_direction`, which copies Material's `dir` from `<body>` to `<html>` as
pages are written, and `theme_string_counts`, how many of the theme's own strings a
language has (for the translation status).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import nh3
from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_KEPT = {"span", "bdi", "code"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# The headings that keep the `toc` extension's permalink: those the table of contents lists
# (its `toc_depth` is 3) under the page's title. The title's own is the page's address, and
# deeper headings (an assessment's Results) keep their ids for links but weigh on the page
# without a link of their own.
PERMALINKED = {"h2", "h3"}
_ATTRIBUTES = {tag: {"lang", "dir", "class", "translate"} for tag in _KEPT}


def marked_title(inner_html: str) -> str:
    """A heading's inner HTML reduced to its text and language marks."""
    return nh3.clean(inner_html, tags=_KEPT, attributes=_ATTRIBUTES, link_rel=None).strip()


class _MarkedToc(Treeprocessor):
    def __init__(self, md: Markdown, language: str, direction: str, permalink_lang: str):
        super().__init__(md)
        self.language, self.direction = language, direction
        # The language of the permalinks' "Permanent link": English when the catalog lacks it.
        self.permalink_lang = permalink_lang or language

    def run(self, root: ET.Element) -> None:
        _drop_permalinks(root)
        languages = _heading_languages(root)
        if self.language:
            self._mark_permalinks(root, languages)
        tokens: list[dict[str, Any]] = getattr(self.md, "toc_tokens", [])
        for token in _flatten(tokens):
            title = marked_title(token.get("html") or token["name"])
            language = languages.get(token["id"])
            if language:
                lang, direction = language
                title = (
                    f'<span lang="{html.escape(lang)}" dir="{html.escape(direction)}">'
                    f"{title}</span>"
                )
            token["name"] = title

    def _mark_permalinks(self, root: ET.Element, languages: dict[str, tuple[str, str]]) -> None:
        """A heading's permalink says "Permanent link" in `permalink_lang`, also in a
        heading of a passage in another language: its `title` is marked when the language
        around it is another one."""
        wanted = self.permalink_lang
        direction = self.direction if wanted == self.language else "ltr"
        for heading in root.iter():
            if not heading.get("id") or heading.tag not in _HEADINGS:
                continue
            around = languages.get(heading.get("id", ""), (self.language, self.direction))[0]
            if around == wanted:
                continue
            for link in heading.iter("a"):
                if "headerlink" in (link.get("class") or "").split():
                    link.set("lang", wanted)
                    link.set("dir", direction)


def _drop_permalinks(root: ET.Element) -> None:
    """The permalinks of headings outside PERMALINKED removed (their ids stay)."""
    for heading in root.iter():
        if heading.tag in _HEADINGS and heading.tag not in PERMALINKED:
            for link in list(heading):
                if link.tag == "a" and "headerlink" in (link.get("class") or "").split():
                    heading.remove(link)


def _flatten(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    flat = []
    for token in tokens:
        flat.append(token)
        flat += _flatten(token.get("children", []))
    return flat


def _heading_languages(root: ET.Element) -> dict[str, tuple[str, str]]:
    """The `lang` and `dir` of the element each heading (by id) lies in, when it has one."""
    found: dict[str, tuple[str, str]] = {}

    def walk(element: ET.Element, language: tuple[str, str] | None) -> None:
        if element.get("lang"):
            language = (element.get("lang", ""), element.get("dir", "auto"))
        if element.tag in _HEADINGS and language and element.get("id"):
            found[element.get("id", "")] = language
        for child in element:
            walk(child, language)

    walk(root, None)
    return found


class MarkedTocExtension(Extension):
    def __init__(self, **kwargs: Any):
        self.config = {
            "language": ["", "the page's language"],
            "direction": ["ltr", "the page's direction"],
            "permalink_lang": ["", "the language of the permalinks' title"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After `toc` (priority 5), which sets `md.toc_tokens` and adds the permalinks.
        processor = _MarkedToc(
            md,
            self.getConfig("language"),
            self.getConfig("direction"),
            self.getConfig("permalink_lang"),
        )
        md.treeprocessors.register(processor, "marked_toc", 4)


def makeExtension(**kwargs: Any) -> MarkedTocExtension:  # noqa: N802
    return MarkedTocExtension(**kwargs)


_BODY_DIR = re.compile(r'<body dir="(ltr|rtl)"')


def html_direction(page: str) -> str:
    """Material writes the direction on `<body>` only; the document element needs it too,
    for `<title>`, the head's meta tags and checkers that read the root."""
    found = _BODY_DIR.search(page)
    if not found or re.search(r"<html [^>]*\bdir=", page[:500]):
        return page
    return re.sub(r"<html( lang=\"[^\"]*\")?", rf'\g<0> dir="{found.group(1)}"', page, count=1)


_THEME_KEY = re.compile(r'"([\w.]+)":')


def theme_string_counts(language: str) -> tuple[int, int]:
    """How many interface strings the theme shows, and how many it has in `language`
    (for a language it lacks, the builder gives it the English ones)."""

    def keys(code: str) -> set[str]:
        partial = _material_templates() / "partials" / "languages" / f"{code}.html"
        if not partial.is_file():
            return set()
        return set(_THEME_KEY.findall(partial.read_text("utf-8"))) - {"language", "direction"}

    english = keys("en")
    if language.split("-")[0] == "en":
        return len(english), len(english)
    return len(english), len(english & keys(language))


def _material_templates() -> Path:
    import material

    return Path(material.__file__).parent / "templates"
