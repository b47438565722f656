"""The render stage: a Dataset and one language in, the Markdown pages of that language out.

Nothing here knows the engine: pages are plain Markdown (with sanitised HTML blocks for
rich text) keyed by their path under the docs folder, so `/<lang>/ml/yelimane/` comes
from `ml/yelimane.md`. Every value from the data passes through `markup`.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel.numbers import format_percent
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from site_builder.framework import GROUP_TITLES
from site_builder.labels import LABELS
from site_builder.localise import Localiser, direction, own_name
from site_builder.markup import escape_attribute, escape_text, rich_html, safe_href
from site_builder.model import (
    AuthorityRoadmap,
    Dataset,
    Date,
    Funding,
    Outcome,
    RichText,
    RoadmapFile,
    Text,
)
from site_builder.status import translation_status
from site_builder.views import twinning_of


@dataclass(frozen=True)
class LanguageInfo:
    code: str
    name: str  # in the language itself
    direction: str


@dataclass
class RenderedLanguage:
    """What the engine needs to build one language: pages, navigation and names."""

    language: str
    default_language: str
    direction: str
    site_name: str
    site_description: str | None
    languages: list[LanguageInfo]
    pages: dict[str, str] = field(default_factory=dict)
    nav: list[tuple[str, str]] = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict)


def page_path(roadmap_id: str) -> str:
    """The Markdown source of a roadmap page: `ml/index.md` or `ml/yelimane.md`."""
    return f"{roadmap_id}/index.md" if "/" not in roadmap_id else f"{roadmap_id}.md"


def country_path(country: str) -> str:
    return f"{country.lower()}/index.md"


class Helpers:
    """What templates call to turn data into safe, localised Markdown for one page."""

    def __init__(self, dataset: Dataset, loc: Localiser, current: str):
        self.dataset = dataset
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

    def countries(self, codes: tuple[str, ...]) -> Markup:
        return Markup(", ").join(self.country(c) for c in codes)

    def money(self, funding: Funding) -> Markup:
        parts = []
        if funding.amount is not None:
            parts.append(escape_text(self.loc.money(funding.amount, funding.currency)))
        if funding.matching_ratio is not None:
            parts.append(
                escape_text(
                    self._("matching ratio {ratio}").format(
                        ratio=self.loc.number(funding.matching_ratio)
                    )
                )
            )
        return Markup("; ").join(parts)

    def number(self, value: float) -> Markup:
        return escape_text(self.loc.number(value))

    def link(self, target_path: str, label: Markup) -> Markup:
        """A Markdown link to another generated page, checked by the engine."""
        relative = posixpath.relpath(target_path, posixpath.dirname(self.current) or ".")
        return Markup("[{}]({})").format(label, Markup(relative.replace(" ", "%20")))

    def roadmap_link(self, roadmap_id: str) -> Markup:
        roadmap = self.dataset.roadmaps.get(roadmap_id)
        if roadmap is None:
            return escape_text(roadmap_id)
        return self.link(page_path(roadmap_id), self.roadmap_name(roadmap))

    def roadmap_name(self, roadmap: RoadmapFile) -> Markup:
        if isinstance(roadmap.data, AuthorityRoadmap):
            return self.t(roadmap.data.name)
        return self.country(roadmap.country)

    def country_link(self, code: str) -> Markup:
        return self.link(country_path(code), self.country(code))

    def external(self, url: str, label: object = None) -> Markup:
        """A link out of the site. An address shown as its own label is written left to
        right, isolated from right-to-left text around it."""
        href = safe_href(url)
        if isinstance(label, Markup):
            text = label
        else:
            text = escape_text(label if label is not None else url)
        if href is None:
            return text
        isolate = (
            Markup(' dir="ltr"') if label is None or label == url.removeprefix("mailto:") else ""
        )
        return Markup('<a href="{}"{}>{}</a>').format(escape_attribute(href), isolate, text)

    def body_ref(self, roadmap: RoadmapFile, body_id: str) -> Markup:
        """A reference to an institution or organisation of the page, linked to its row."""
        for body in (*roadmap.data.institutions, *roadmap.data.organisations):
            if body.id == body_id:
                return Markup("[{}](#{})").format(self.t(body.name), anchor("body", body_id))
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

    def group_title(self, group: str) -> Markup:
        return (
            escape_text(self._(GROUP_TITLES[group]))
            if group in GROUP_TITLES
            else escape_text(group)
        )

    def twinning(self, roadmap_id: str) -> list:
        return twinning_of(self.dataset, roadmap_id)

    def authority_title(self, data: AuthorityRoadmap) -> str:
        if data.title:
            return self.plain(data.title)
        return self._("{name}: diaspora engagement roadmap").format(name=self.plain(data.name))


def anchor(kind: str, item_id: str) -> Markup:
    """An element id on a roadmap page; made of validated ids, so safe as it is."""
    return Markup(f"{kind}-{item_id}".replace("/", "-").replace("_", "-"))


class Renderer:
    """Renders every page of one language."""

    def __init__(self, dataset: Dataset, language: str, docs_dir: Path | None):
        self.dataset = dataset
        self.language = language
        self.docs_dir = docs_dir
        self.loc = Localiser(language, dataset.default_language, dataset.languages)

    @cached_property
    def env(self) -> Environment:
        env = Environment(
            loader=PackageLoader("site_builder", "templates"),
            autoescape=True,
            finalize=lambda value: value if isinstance(value, Markup) else escape_text(value),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.i18n"],
            # `{#id}` is Markdown's heading id syntax, so Jinja comments are written `{## ##}`.
            comment_start_string="{##",
            comment_end_string="##}",
        )
        env.install_gettext_translations(self.loc.catalog, newstyle=True)  # type: ignore[attr-defined]
        env.globals["anchor"] = anchor
        return env

    def page(self, template: str, path: str, **context: object) -> str:
        helpers = Helpers(self.dataset, self.loc, path)
        text = self.env.get_template(template).render(h=helpers, dataset=self.dataset, **context)
        return re.sub(r"\n{3,}", "\n\n", text)

    def render(self) -> RenderedLanguage:
        loc, dataset = self.loc, self.dataset
        site = dataset.site
        result = RenderedLanguage(
            language=self.language,
            default_language=dataset.default_language,
            direction=loc.direction,
            site_name=loc.passage(site.title).value,
            site_description=loc.passage(site.description).value if site.description else None,
            languages=[
                LanguageInfo(code, own_name(code), direction(code)) for code in dataset.languages
            ],
        )
        countries = self._countries()
        result.pages["index.md"] = self.page("home.md.j2", "index.md", countries=countries)
        for country in dataset.countries():
            path = country_path(country)
            roadmap = dataset.country_roadmap(country)
            authorities = dataset.authorities_of(country)
            if roadmap is not None:
                result.pages[path] = self.page(
                    "country.md.j2",
                    path,
                    roadmap=roadmap,
                    data=roadmap.data,
                    authorities=authorities,
                )
            else:
                result.pages[path] = self.page(
                    "country_index.md.j2", path, country=country, authorities=authorities
                )
            for authority in authorities:
                apath = page_path(authority.id)
                result.pages[apath] = self.page(
                    "authority.md.j2", apath, roadmap=authority, data=authority.data
                )
        result.nav.append((loc.gettext("Home"), "index.md"))
        for name, title, text in self._hand_written_pages():
            result.pages[name] = text
            result.nav.append((title, name))
        result.pages["translation-status.md"] = self.page(
            "status.md.j2", "translation-status.md", statuses=translation_status(dataset)
        )
        result.nav.append((loc.gettext("Translation status"), "translation-status.md"))
        result.strings = {
            "not_translated": loc.gettext("(not translated yet)"),
            "languages": loc.gettext("Languages"),
        }
        return result

    def _countries(self) -> list[dict[str, object]]:
        entries = []
        for country in self.dataset.countries():
            entries.append(
                {
                    "code": country,
                    "name": self.loc.country(country),
                    "roadmap": self.dataset.country_roadmap(country),
                    "authorities": self.dataset.authorities_of(country),
                }
            )
        return sorted(entries, key=lambda e: self.loc.sort_key(str(e["name"])))

    def _hand_written_pages(self) -> list[tuple[str, str, str]]:
        """Pages from `docs/<lang>/`, falling back to the default language with a notice."""
        if self.docs_dir is None or not self.docs_dir.is_dir():
            return []
        default = self.dataset.default_language
        names: set[str] = set()
        for language in self.dataset.languages:
            folder = self.docs_dir / language
            if folder.is_dir():
                names.update(p.name for p in folder.glob("*.md") if p.name != "index.md")
        pages = []
        for name in sorted(names):
            chosen = next(
                (
                    lang
                    for lang in [self.language, default, *self.dataset.languages]
                    if (self.docs_dir / lang / name).is_file()
                ),
                None,
            )
            if chosen is None:
                continue
            text = (self.docs_dir / chosen / name).read_text("utf-8")
            title_match = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
            title = title_match.group(1).strip() if title_match else name[:-3]
            if chosen != self.language:
                note = escape_text(
                    self.loc.gettext(
                        "This page is not translated yet: it is shown in {language}."
                    ).format(language=self.loc.language_name(chosen))
                )
                text = (
                    f'<p class="dr-untranslated">{note}</p>\n\n'
                    f'<div lang="{chosen}" dir="{direction(chosen)}" markdown="1">\n\n'
                    f"{text}\n\n</div>\n"
                )
            pages.append((name, title, text))
        return pages


def render_language(dataset: Dataset, language: str, docs_dir: Path | None) -> RenderedLanguage:
    return Renderer(dataset, language, docs_dir).render()
