"""A crawler that checks every passage of built pages against its effective language.

For each text node and each text the reader gets from an attribute (`title`, `aria-label`,
`alt`, `placeholder`, a meta description), the effective language is the nearest `lang`
(or `xml:lang`) on the element or its ancestors. Every letter of the passage must be in the
script that language is written in (CLDR's likely script: `ar` → Arabic, `fr` → Latin).

Not checked, because they are marked as such: code (`code`, `kbd`, `samp`, `pre`),
anything under `translate="no"` (proper names, codes, addresses), scripts and styles.
Digits, punctuation and symbols have no script and always pass. Plain text that cannot
hold marks (`<title>`, attributes, feeds) may hold a name that the same language's pages
mark as a name (`names`): "Saint-Louis: خريطة طريق" in a `<title>`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.core import get_global

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# `id` and `updated` are the codes and dates of Atom feeds.
SKIPPED = {"script", "style", "code", "kbd", "samp", "pre", "template", "id", "updated"}
TEXT_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "label")
# ISO 15924 codes and how Unicode names the letters of that script.
SCRIPT_NAMES = {
    "Latn": "LATIN", "Arab": "ARABIC", "Cyrl": "CYRILLIC", "Grek": "GREEK", "Hebr": "HEBREW",
    "Deva": "DEVANAGARI", "Ethi": "ETHIOPIC", "Thai": "THAI", "Armn": "ARMENIAN",
    "Geor": "GEORGIAN", "Beng": "BENGALI", "Tfng": "TIFINAGH",
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    page: str
    language: str
    text: str
    where: str  # the element, or the element and attribute

    def __str__(self) -> str:
        return f"{self.page}: <{self.where}> in {self.language!r}: {self.text!r}"


@cache
def script_of(language: str) -> str | None:
    """Unicode's name of the script `language` is written in, or None when unknown."""
    likely = get_global("likely_subtags")
    code = language.replace("-", "_")
    full = likely.get(code) or likely.get(code.split("_")[0]) or ""
    parts = full.split("_")
    script = next((p for p in parts[1:] if len(p) == 4), None)
    return SCRIPT_NAMES.get(script or "")


def letter_script(char: str) -> str | None:
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    first = name.split(" ")[0]
    return "LATIN" if first in {"FULLWIDTH", "MODIFIER"} and "LATIN" in name else first


def foreign_letters(text: str, language: str) -> bool:
    """Whether `text` holds a letter that is not in the script of `language`."""
    expected = script_of(language)
    if expected is None:
        return False
    return any((s := letter_script(c)) is not None and s != expected for c in text)


PLAIN = {"title", "feed", "entry", "summary", "name", "subtitle"}  # elements without marks


def _without(text: str, names: frozenset[str]) -> str:
    """`text` without the whole-word occurrences of `names`."""
    for name in sorted(names, key=len, reverse=True):
        if name in text:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text)
    return text


class _Checker(HTMLParser):
    def __init__(self, page: str, names: frozenset[str] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.names = names
        self.marked: set[str] = set()  # texts marked as names or codes on this page
        # (tag, language, skipped) for each open element.
        self.stack: list[tuple[str, str, bool]] = [("#document", "", False)]
        self.problems: list[Problem] = []

    def _language(self, attrs: dict[str, str | None]) -> str:
        for key in ("lang", "xml:lang"):
            if attrs.get(key) is not None:
                return str(attrs[key])
        return self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        language = self._language(values)
        skipped = (
            self.stack[-1][2]
            or tag in SKIPPED
            or values.get("translate") == "no"
            or "notranslate" in (values.get("class") or "").split()
        )
        if not skipped:
            texts = [(name, values.get(name)) for name in TEXT_ATTRIBUTES]
            if tag == "meta" and values.get("name") in {"description", "og:description"}:
                texts.append(("content", values.get("content")))
            for name, text in texts:
                if text and foreign_letters(_without(text, self.names), language):
                    self.problems.append(Problem(self.page, language, text, f"{tag} {name}"))
        if tag not in VOID:
            self.stack.append((tag, language, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        tag, language, skipped = self.stack[-1]
        if skipped and data.strip():
            self.marked.add(" ".join(data.split()))
        if skipped or not data.strip():
            return
        if tag in PLAIN:
            data = _without(data, self.names)
        if foreign_letters(data, language):
            self.problems.append(Problem(self.page, language, " ".join(data.split()), tag))


def _run(html: str, page: str, names: frozenset[str]) -> _Checker:
    checker = _Checker(page, names)
    checker.feed(html)
    checker.close()
    return checker


def check_html(html: str, page: str = "page", names: frozenset[str] = frozenset()) -> list[Problem]:
    """Every passage of one page whose letters are not in its effective language's script;
    `names` defaults to the names this page marks."""
    return _run(html, page, names or frozenset(_run(html, page, names).marked)).problems


def check_site(site: Path) -> list[Problem]:
    """Every problem of every built page (`*.html`) and feed (`feed.xml`) under `site`."""
    paths = [
        p
        for p in sorted(site.rglob("*.html")) + sorted(site.rglob("feed.xml"))
        if "assets" not in p.relative_to(site).parts
    ]
    texts = {p: p.read_text("utf-8") for p in paths}
    names: dict[str, set[str]] = {}  # by the language folder
    for path, html in texts.items():
        folder = path.relative_to(site).parts[0]
        names.setdefault(folder, set()).update(_run(html, "", frozenset()).marked)
    problems = []
    for path, html in texts.items():
        folder = frozenset(names[path.relative_to(site).parts[0]])
        problems += _run(html, str(path.relative_to(site)), folder).problems
    return problems
