"""Template helpers for words: a data value as safe Markdown in the page's language.

Plain texts are escaped; rich text is sanitised (`markup`). Names, dates, numbers, money
and lists are formatted by CLDR through the Localiser, and the punctuation that joins
them (`, ` or `، `, `; ` or `؛ `, parentheses) comes from CLDR and the catalogs.

Every passage is marked by one function, `mark`, wherever it lands (body, headings, the
titles and navigation entries handed to the engine, charts):
- a passage that fell back to another language: `<span lang dir>` and the "not translated
  yet" mark after it;
- a text in the page's language: `<bdi dir>`, isolated, so that a title ending in `?` or a
  name holding U+202E cannot reorder the text around it;
- a proper name written the same in every language, or a code: `translate="no"`.
Interface strings get the same treatment (`interface`): a string the catalog lacks is
marked as English, and words a translator kept in another script (`JSON`, `UTF-8`) as codes.
Where markup cannot go (`<title>`, meta tags, feeds, SVG `<title>`), `titles.Title` and
`Localiser.speaking` write the whole text in one language and say which.
"""

from __future__ import annotations

import html
import re
from functools import cached_property, lru_cache

from babel.numbers import format_percent
from markupsafe import Markup

from site_builder.format.framework import N_
from site_builder.format.model import (
    AuthorityRoadmap,
    Date,
    Funding,
    Outcome,
    RichText,
    RoadmapFile,
    Text,
)
from site_builder.format.richhtml import rich_html
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import Localiser, Passage, direction, own_name
from site_builder.i18n.scripts import foreign_runs
from site_builder.render.markup import escape_attribute, escape_text, fill
from site_builder.views.context import SiteContext


def escape_words(value: object) -> Markup:
    """A value escaped for HTML (not Markdown), its line breaks folded into spaces."""
    return Markup(html.escape(" ".join(str(value).split()), quote=False))


def _separator(pattern: str) -> Markup:
    """What a `{first}…{second}` pattern puts between its items (`, `, ` ; `, `، `)."""
    return Markup(html.escape(pattern.format(first="", second=""), quote=False))


def mark(passage: Passage, page_language: str, note: str | Markup, markdown: bool = True) -> Markup:
    """A passage isolated and marked with its language (see the module docstring).

    `note` is the page language's "not translated yet" (as HTML when Markup); `markdown`
    escapes the words for a Markdown page, else for HTML (navigation entries, titles
    handed to the engine).
    """
    words = escape_text(passage.value) if markdown else escape_words(passage.value)
    if passage.neutral:
        return Markup(f'<bdi translate="no">{words}</bdi>')
    if not passage.fallback:
        return Markup(f'<bdi dir="{direction(page_language)}">{words}</bdi>')
    return fill(
        '<span lang="{}" dir="{}">{}</span> <span class="dr-untranslated">{}</span>',
        escape_attribute(passage.language),
        direction(passage.language),
        words,
        note if isinstance(note, Markup) else escape_words(note),
    )


def in_language(words: str, language: str, page_language: str) -> Markup:
    """`words` escaped for HTML, marked with `language` (and its direction) when that is not
    the page's: a value put in an interface string, in the language that string speaks."""
    if language == page_language:
        return escape_words(words)
    return fill(
        '<span lang="{}" dir="{}">{}</span>', escape_attribute(language), direction(language), words
    )


AUTHORITY_TITLE = N_("{name}: diaspora engagement roadmap")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@lru_cache(maxsize=8192)  # a pure function, called with the same strings on every page
def codes(text: str, language: str, source: str | None = None) -> Markup:
    """`text` in `language`, HTML-escaped, with each run in another script marked as a
    code (`translate="no"`); with `source`, only runs that `source` also holds."""
    pieces, last = [], 0
    placeholders = [m.span() for m in _PLACEHOLDER.finditer(text)]
    for start, end in foreign_runs(text, language):
        run = text[start:end]
        if source is not None and run not in source:
            continue
        if any(a <= start < b for a, b in placeholders):
            continue
        pieces.append(html.escape(text[last:start], quote=False))
        pieces.append(f'<span translate="no">{html.escape(run, quote=False)}</span>')
        last = end
    pieces.append(html.escape(text[last:], quote=False))
    return Markup("".join(pieces))


def interface(loc: Localiser, message: str, translated: str, known: bool | None = None) -> Markup:
    """An interface string as HTML: English marked as such when the catalog lacks it
    (`known` tells, else the catalog is asked), and kept codes marked as codes."""
    if not (loc.translated(message) if known is None else known):
        # What fills a `{placeholder}` (a country's name, a figure) is in the page's
        # language unless it says otherwise (`in_language`): it is marked so inside the
        # English words.
        inner = Markup(f'<span lang="{escape_attribute(loc.language)}" dir="{loc.direction}">')
        parts = re.split(r"(\{\w*\})", translated)
        return Markup(_ENGLISH + "{}</span>").format(
            Markup("").join(
                inner + Markup(part) + Markup("</span>") if i % 2 else escape_words(part)
                for i, part in enumerate(parts)
                if part
            )
        )
    return codes(translated, loc.language, source=message)


_ENGLISH = '<span lang="en" dir="ltr">'


@lru_cache(maxsize=8192)  # the same strings on every page of a language
def _interface_string(loc: Localiser, message: str) -> Markup:
    """`interface` for a message of `loc`'s catalog."""
    return interface(loc, message, loc.gettext(message))


def interface_language(text: Markup) -> str | None:
    """ "en" when `text` is an interface string that `interface` marked as English."""
    if not (text.startswith(_ENGLISH) and text.endswith("</span>")):
        return None
    depth = 0  # the first span must close at the very end, enclosing the whole text
    for match in re.finditer(r"<(/?)span\b", text):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return "en" if match.end() == len(text) - 1 else None
    return None
    return None


class TextHelpers:
    """What templates call to write the words of one page (see the module docstring)."""

    def __init__(self, context: SiteContext, loc: Localiser, current: str):
        self.context = context
        self.dataset = context.dataset
        self.views = context.views
        self.loc = loc
        self.current = current  # the page's own source path, for relative links

    def _(self, message: str) -> str:
        return self.loc.gettext(message)

    def ui(self, message: str, markdown: bool = True, **values: object) -> Markup:
        """An interface string as HTML (marked by `interface`), its `{placeholders}` filled
        with `values`, escaped for Markdown (`markdown=False`: HTML) unless Markup."""
        text = _interface_string(self.loc, message)
        escape = escape_text if markdown else escape_words
        filled = {k: v if isinstance(v, Markup) else escape(v) for k, v in values.items()}
        return fill(text, **filled) if values else text

    def t(self, text: Text | None, markdown: bool = True) -> Markup:
        """A plain Text inline, isolated and marked (see `mark`)."""
        if not text:
            return Markup("")
        return mark(self.loc.passage(text), self.loc.language, self.note, markdown)

    @cached_property
    def note(self) -> Markup:
        return self.ui(N_("(not translated yet)"))

    def rich(self, text: RichText | None) -> Markup:
        """A RichText as a raw HTML block, on its own lines."""
        if not text:
            return Markup("")
        passage = self.loc.passage(text)
        body = rich_html(passage.value)
        if not passage.fallback:
            return Markup(f'\n<div class="dr-rich">\n{body}\n</div>\n')
        message = N_("Not translated yet: shown in {language}.")
        speaking = self.loc.speaking(messages=(message,))  # names the language in its words
        name = speaking.language_name(passage.language)
        note = self.ui(
            message,
            markdown=False,
            language=in_language(name, speaking.language, self.loc.language),
        )
        return Markup(
            '\n<div class="dr-rich dr-fallback">\n<p class="dr-untranslated">{}</p>\n'
            '<div dir="{}" lang="{}">\n{}\n</div>\n</div>\n'
        ).format(
            note, direction(passage.language), escape_attribute(passage.language), Markup(body)
        )

    def plain(self, text: Text | None) -> str:
        """The words of a Text in the page's language, unescaped (for titles in config)."""
        return self.loc.passage(text).value if text else ""

    def percent(self, share: float) -> Markup:
        return escape_text(format_percent(share, locale=self.loc.locale))

    def language_own_name(self, code: str) -> Markup:
        return fill('<span lang="{}">{}</span>', code, escape_text(own_name(code)))  # marked

    def label(self, kind: str, value: object) -> Markup:
        key = str(value).lower() if isinstance(value, bool) else str(value)
        return self.ui(LABELS[kind][key])

    def code(self, value: object) -> Markup:
        """A code shown as it is (a currency, a sector keyword): not to be translated."""
        return Markup(f'<bdi translate="no">{escape_text(value)}</bdi>')

    def date(self, value: Date | None) -> Markup:
        return escape_text(self.loc.date(value)) if value else Markup("")

    def period(self, start: Date | None, end: Date | None) -> Markup:
        if start and end:  # one date when both are the same day, month or year
            dates = (start,) if str(start) == str(end) else (start, end)
            return escape_text(" – ".join(self.loc.date(d) for d in dates))
        if start:
            return self.ui(N_("from {date}"), date=self.loc.date(start))
        if end:
            return self.ui(N_("until {date}"), date=self.loc.date(end))
        return Markup("")

    def country(self, code: str) -> Markup:
        return escape_text(self.loc.country(code))

    @cached_property
    def comma(self) -> Markup:
        """The separator of lists in the page's language (`, ` or Arabic `، `)."""
        middle = self.loc.locale.list_patterns["standard"]["middle"]
        return Markup(html.escape(middle.replace("{0}", "").replace("{1}", ""), quote=False))

    @cached_property
    def semicolon(self) -> Markup:
        """The separator of lists whose items hold commas (`; ` or Arabic `؛ `)."""
        return _separator(self._("{first}; {second}"))

    def paren(self, inner: object) -> Markup:
        """`inner` in parentheses as the page's language writes them."""
        text = inner if isinstance(inner, Markup) else escape_text(inner)
        return fill(self._paren_pattern, text=text)

    @cached_property
    def _paren_pattern(self) -> Markup:
        return escape_words(self._("({text})"))

    @cached_property
    def pair_separator(self) -> Markup:
        """What separates a place from the country it is in (`, ` or Arabic `، `)."""
        return _separator(self._("{first}, {second}"))

    def pair(self, first: object, second: object) -> Markup:
        """A place and the country it is in (`Lille, France`), as the page language
        writes them (not a list: Arabic lists join with `و`, this with `، `)."""
        return fill("{}{}{}", first, self.pair_separator, second)

    def countries(self, codes: tuple[str, ...]) -> Markup:
        return self.comma.join(self.country(c) for c in codes)

    def money(self, funding: Funding) -> Markup:
        """`F CFA 900,000,000 — public funds double what the diaspora raised`: the amount
        as CLDR writes it, and the matching ratio as a sentence of the catalog."""
        parts = []
        if funding.amount is not None:
            parts.append(self.money_amount(funding.amount, funding.currency))
        if funding.matching_ratio is not None:
            parts.append(self.ratio_words(funding.matching_ratio))
        if len(parts) < 2:
            return Markup("").join(parts)
        return self.ui(N_("{amount} — {ratio}"), amount=parts[0], ratio=parts[1])

    def ratio_words(self, ratio: float) -> Markup:
        """A matching ratio (public money per unit raised by the diaspora) in words."""
        sentences = {
            1: N_("public funds match what the diaspora raised"),
            2: N_("public funds double what the diaspora raised"),
            3: N_("public funds triple what the diaspora raised"),
        }
        if ratio in sentences:
            return self.ui(sentences[int(ratio)])
        return self.ui(
            N_("public funds add {ratio} for each unit the diaspora raised"),
            ratio=self.loc.number(ratio),
        )

    def money_amount(self, amount: float, currency: str | None) -> Markup:
        return codes(self.loc.money(amount, currency), self.loc.language)

    def share(self, part: int, whole: int) -> Markup:
        if not whole:
            return escape_text("–")
        return fill(
            "{} {}",
            escape_text(format_percent(part / whole, locale=self.loc.locale)),
            self.paren(f"{self.loc.number(part)}/{self.loc.number(whole)}"),
        )

    def number(self, value: float) -> Markup:
        return escape_text(self.loc.number(value))

    def roadmap_name(self, roadmap: RoadmapFile) -> Markup:
        if isinstance(roadmap.data, AuthorityRoadmap):
            return self.t(roadmap.data.name)
        return self.country(roadmap.country)

    def name_of(self, roadmap_id: str) -> str:
        roadmap = self.dataset.roadmaps.get(roadmap_id)
        if roadmap is None:
            return roadmap_id
        if isinstance(roadmap.data, AuthorityRoadmap):
            return self.plain(roadmap.data.name)
        return self.loc.country(roadmap.country)

    def body_name(self, roadmap: RoadmapFile, body_id: str) -> Markup:
        for body in (*roadmap.data.institutions, *roadmap.data.organisations):
            if body.id == body_id:
                return self.t(body.name)
        return self.code(body_id)

    def outcome(self, outcome_id: str) -> Markup:
        for outcome in self.dataset.outcomes:
            if outcome.id == outcome_id:
                return self.outcome_title(outcome)
        return escape_text(outcome_id)

    def outcome_title(self, outcome: Outcome) -> Markup:
        if self.dataset.default_outcomes:
            return self.ui(self.plain(outcome.title))
        return self.t(outcome.title)

    def outcome_description(self, outcome: Outcome) -> Markup:
        if not outcome.description:
            return Markup("")
        if self.dataset.default_outcomes:
            return Markup('\n<div class="dr-rich">\n<p>{}</p>\n</div>\n').format(
                self.ui(self.plain(outcome.description), markdown=False)
            )
        return self.rich(outcome.description)
