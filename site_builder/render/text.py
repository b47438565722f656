"""Template helpers for words: a data value as safe Markdown in the page's language.

Plain texts are escaped; a passage that fell back to another language carries its `lang`,
`dir` and the "not translated yet" mark; rich text is sanitised (`markup`). Names,
dates, numbers, money and lists are formatted by CLDR through the Localiser.
"""

from __future__ import annotations

import html
import json
from functools import cached_property

from babel.numbers import format_percent
from markupsafe import Markup

from site_builder.format.framework import GROUP_TITLES, N_
from site_builder.format.model import (
    AuthorityRoadmap,
    Date,
    Funding,
    Outcome,
    RichText,
    RoadmapFile,
    Text,
)
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import Localiser, direction, own_name
from site_builder.render.markup import escape_attribute, escape_text, rich_html
from site_builder.views.context import SiteContext


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

    def t(self, text: Text | None) -> Markup:
        """A plain Text inline, marked with its language when it fell back."""
        if not text:
            return Markup("")
        passage = self.loc.passage(text)
        if not passage.fallback:
            return escape_text(passage.value)
        return Markup(
            '<span lang="{}" dir="{}">{}</span> <span class="dr-untranslated">{}</span>'
        ).format(
            escape_attribute(passage.language),
            direction(passage.language),
            escape_text(passage.value),
            escape_text(self._("(not translated yet)")),
        )

    def rich(self, text: RichText | None) -> Markup:
        """A RichText as a raw HTML block, on its own lines."""
        if not text:
            return Markup("")
        passage = self.loc.passage(text)
        body = rich_html(passage.value)
        if not passage.fallback:
            return Markup('\n<div class="dr-rich">\n{}\n</div>\n').format(Markup(body))
        note = escape_attribute(
            self._("Not translated yet: shown in {language}.").format(
                language=self.loc.language_name(passage.language)
            )
        )
        return Markup(
            '\n<div class="dr-rich dr-fallback">\n<p class="dr-untranslated">{}</p>\n'
            '<div lang="{}" dir="{}">\n{}\n</div>\n</div>\n'
        ).format(
            note, escape_attribute(passage.language), direction(passage.language), Markup(body)
        )

    def plain(self, text: Text | None) -> str:
        """The words of a Text in the page's language, unescaped (for titles in config)."""
        return self.loc.passage(text).value if text else ""

    def meta(self, title: str) -> Markup:
        """A page title for front matter: the engine's theme prints it without escaping."""
        return Markup(json.dumps(html.escape(title, quote=False), ensure_ascii=False))

    def percent(self, share: float) -> Markup:
        return escape_text(format_percent(share, locale=self.loc.locale))

    def language_own_name(self, code: str) -> Markup:
        return escape_text(own_name(code))

    def label(self, kind: str, value: object) -> Markup:
        key = str(value).lower() if isinstance(value, bool) else str(value)
        return escape_text(self._(LABELS[kind][key]))

    def date(self, value: Date | None) -> Markup:
        return escape_text(self.loc.date(value)) if value else Markup("")

    def period(self, start: Date | None, end: Date | None) -> Markup:
        if start and end:
            return escape_text(f"{self.loc.date(start)} – {self.loc.date(end)}")
        if start:
            return escape_text(self._("from {date}").format(date=self.loc.date(start)))
        if end:
            return escape_text(self._("until {date}").format(date=self.loc.date(end)))
        return Markup("")

    def country(self, code: str) -> Markup:
        return escape_text(self.loc.country(code))

    @cached_property
    def comma(self) -> Markup:
        """The separator of lists in the page's language (`, ` or Arabic `، `)."""
        middle = self.loc.locale.list_patterns["standard"]["middle"]
        return Markup(html.escape(middle.replace("{0}", "").replace("{1}", ""), quote=False))

    def countries(self, codes: tuple[str, ...]) -> Markup:
        return self.comma.join(self.country(c) for c in codes)

    def money(self, funding: Funding) -> Markup:
        """`F CFA 900,000,000 — public funds double what the diaspora raised`: the amount
        as CLDR writes it, and the matching ratio as a sentence of the catalog."""
        parts = []
        if funding.amount is not None:
            parts.append(escape_text(self.loc.money(funding.amount, funding.currency)))
        if funding.matching_ratio is not None:
            words = self.ratio_words(funding.matching_ratio)
            parts.append(escape_text(words if parts else words[:1].upper() + words[1:]))
        return Markup(" — ").join(parts)

    def ratio_words(self, ratio: float) -> str:
        """A matching ratio (public money per unit raised by the diaspora) in words."""
        sentences = {
            1: N_("public funds match what the diaspora raised"),
            2: N_("public funds double what the diaspora raised"),
            3: N_("public funds triple what the diaspora raised"),
        }
        if ratio in sentences:
            return self._(sentences[int(ratio)])
        return self._("public funds add {ratio} for each unit the diaspora raised").format(
            ratio=self.loc.number(ratio)
        )

    def money_amount(self, amount: float, currency: str | None) -> Markup:
        return escape_text(self.loc.money(amount, currency))

    def share(self, part: int, whole: int) -> Markup:
        if not whole:
            return escape_text("–")
        return escape_text(
            f"{format_percent(part / whole, locale=self.loc.locale)} "
            f"({self.loc.number(part)}/{self.loc.number(whole)})"
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
        return escape_text(body_id)

    def outcome(self, outcome_id: str) -> Markup:
        for outcome in self.dataset.outcomes:
            if outcome.id == outcome_id:
                return self.outcome_title(outcome)
        return escape_text(outcome_id)

    def outcome_title(self, outcome: Outcome) -> Markup:
        if self.dataset.default_outcomes:
            return escape_text(self._(self.plain(outcome.title)))
        return self.t(outcome.title)

    def plain_outcome_title(self, outcome: Outcome) -> str:
        if self.dataset.default_outcomes:
            return self._(self.plain(outcome.title))
        return self.plain(outcome.title)

    def outcome_description(self, outcome: Outcome) -> Markup:
        if not outcome.description:
            return Markup("")
        if self.dataset.default_outcomes:
            return Markup('\n<div class="dr-rich">\n<p>{}</p>\n</div>\n').format(
                self._(self.plain(outcome.description))
            )
        return self.rich(outcome.description)

    def group_title(self, group: str) -> Markup:
        """A group of outcomes by its title in `site.yml`, else the default framework's,
        else its id."""
        for custom in self.dataset.site.outcome_groups:
            if custom.id == group:
                return self.t(custom.title)
        return (
            escape_text(self._(GROUP_TITLES[group]))
            if group in GROUP_TITLES
            else escape_text(group)
        )

    def authority_title(self, data: AuthorityRoadmap) -> str:
        if data.title:
            return self.plain(data.title)
        return self._("{name}: diaspora engagement roadmap").format(name=self.plain(data.name))
