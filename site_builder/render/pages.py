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
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path

from babel.numbers import format_percent
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from site_builder.format.framework import GROUP_TITLES, N_
from site_builder.format.model import (
    AuthorityRoadmap,
    Dataset,
    Date,
    Funding,
    Outcome,
    RichText,
    RoadmapBody,
    RoadmapFile,
    Text,
)
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import Localiser, direction, own_name, translations
from site_builder.publish.data import DATA_FILE_DESCRIPTIONS, Column, csv_files
from site_builder.render import charts
from site_builder.render.feeds import atom_feed
from site_builder.render.markup import escape_attribute, escape_text, rich_html, safe_href
from site_builder.views.across import TwinningEnd, Views
from site_builder.views.translation import LanguageStatus, translation_status


@dataclass(frozen=True)
class SiteContext:
    """What every language's pages are made from, computed once per build."""

    dataset: Dataset
    views: Views
    changes: dict[str, Date] = field(default_factory=dict)  # last change of each file
    statuses: list[LanguageStatus] = field(default_factory=list)

    @classmethod
    def of(cls, dataset: Dataset, changes: dict[str, Date] | None = None) -> SiteContext:
        return cls(dataset, Views(dataset), changes or {}, translation_status(dataset))


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


def outcome_path(outcome_id: str, number: int = 1) -> str:
    """An outcome's page; a long list of commitments continues on numbered pages."""
    return f"outcomes/{outcome_id}.md" if number == 1 else f"outcomes/{outcome_id}-{number}.md"


def country_path(country: str) -> str:
    return f"{country.lower()}/index.md"


class Helpers:
    """What templates call to turn data into safe, localised Markdown for one page."""

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

    def roadmap_link(self, roadmap_id: str) -> Markup:
        roadmap = self.dataset.roadmaps.get(roadmap_id)
        if roadmap is None:
            return escape_text(roadmap_id)
        return self.page_link(page_path(roadmap_id), self.roadmap_name(roadmap))

    def roadmap_name(self, roadmap: RoadmapFile) -> Markup:
        if isinstance(roadmap.data, AuthorityRoadmap):
            return self.t(roadmap.data.name)
        return self.country(roadmap.country)

    def country_link(self, code: str) -> Markup:
        return self.page_link(country_path(code), self.country(code))

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

    def twinning(self, roadmap_id: str) -> list[TwinningEnd]:
        return self.views.twinning_ends.get(roadmap_id, [])

    def page_of(self, roadmap: RoadmapFile) -> str:
        return page_path(roadmap.id)

    def body_name(self, roadmap: RoadmapFile, body_id: str) -> Markup:
        for body in (*roadmap.data.institutions, *roadmap.data.organisations):
            if body.id == body_id:
                return self.t(body.name)
        return escape_text(body_id)

    def outcome_groups(self) -> list[tuple[str, list[Outcome]]]:
        groups: dict[str, list[Outcome]] = {}
        for outcome in self.dataset.outcomes:
            groups.setdefault(outcome.group, []).append(outcome)
        return list(groups.items())

    def outcome_page(self, outcome_id: str, number: int = 1) -> str:
        return outcome_path(outcome_id, number)

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

    def root_link(self, path: str) -> Markup:
        """A relative link from this page to a file at the site's root, above the languages,
        for an `href` attribute."""
        url = (
            self.current[: -len("index.md")]
            if self.current.endswith("index.md")
            else (self.current[:-3] + "/")
        )
        return escape_attribute("../" * (url.count("/") + 1) + path)

    def page_link(self, target_path: str, label: object, fragment: str = "") -> Markup:
        """A Markdown link to another generated page (by its source path), which the
        engine checks, anchor included."""
        relative = posixpath.relpath(target_path, posixpath.dirname(self.current) or ".")
        text = label if isinstance(label, Markup) else escape_text(label)
        return Markup("[{}]({}{})").format(text, Markup(relative), Markup(fragment))

    def csv_files(self) -> list[tuple[str, list[Column]]]:
        files = csv_files(self.dataset, self.views)
        return [(name, columns) for name, (columns, _) in files.items()]

    def last_change(self, roadmap: RoadmapFile) -> Date | None:
        return self.context.changes.get(roadmap.file_name) or roadmap.data.updated

    def edit_url(self, roadmap: RoadmapFile) -> str | None:
        repository = self.dataset.site.repository
        return f"{repository.rstrip('/')}/{roadmap.file_name}" if repository else None

    def name_of(self, roadmap_id: str) -> str:
        roadmap = self.dataset.roadmaps.get(roadmap_id)
        if roadmap is None:
            return roadmap_id
        if isinstance(roadmap.data, AuthorityRoadmap):
            return self.plain(roadmap.data.name)
        return self.loc.country(roadmap.country)

    def timeline(self, data: RoadmapBody) -> Markup:
        spans = [
            charts.Span(
                self.plain(c.title),
                _years(c.start.earliest()),
                _years(c.end.latest()) if c.end else None,
                self.loc.date(c.start) + (f" – {self.loc.date(c.end)}" if c.end else " –"),
                f"dr-status-{c.status}",
            )
            for c in data.commitments
            if c.start
        ]
        if not spans:
            return Markup("")
        description = self._(
            "Each bar runs from a commitment's start to its end; the dates are "
            "written beside it and in the list of commitments below."
        )
        return _figure(charts.timeline(spans, self._("Timeline of the commitments"), description))

    def status_chart(self) -> Markup:
        return self._count_chart(
            "status",
            self.views.status_counts(),
            self._("Commitments by status"),
            self._(
                "The number of commitments in each status; the same figures are in the table below."
            ),
        )

    def completion_chart(self) -> Markup:
        return self._count_chart(
            "completion",
            self.views.completion_counts(),
            self._("Latest assessment of each commitment"),
            self._(
                "The number of commitments by the completion their latest assessment "
                "found; the same figures are in the table below."
            ),
        )

    def _count_chart(self, kind: str, counts: Counter[str], title: str, text: str) -> Markup:
        """One bar per value of an enumeration, in the model's order, each with its word."""
        bars = [
            charts.Bar(
                self._(LABELS[kind][key]),
                counts.get(key, 0),
                self.loc.number(counts.get(key, 0)),
                f"dr-{kind}-{key}",
            )
            for key in LABELS[kind]
        ]
        return _figure(charts.bar_chart(bars, title, text))

    def twinning_map(self) -> Markup:
        nodes: dict[str, charts.Node] = {}
        edges = []
        for i, link in enumerate(self.views.links):
            nodes.setdefault(link.first, charts.Node(link.first, self.name_of(link.first)))
            if link.second:
                other = link.second
                nodes.setdefault(other, charts.Node(other, self.name_of(other)))
            else:
                other = f"external-{i}"
                nodes[other] = charts.Node(other, self.plain(link.external.name), external=True)
            edges.append((link.first, other, self._(LABELS["twinning_kind"][link.link.kind])))
        if not nodes:
            return Markup("")
        description = self.loc.ngettext(
            "%(num)d link between the places listed in the table below.",
            "%(num)d links between the places listed in the table below.",
            len(edges),
        ) % {"num": len(edges)}
        return _figure(
            charts.network(
                list(nodes.values()), edges, self._("Map of twinning links"), description
            )
        )

    def authority_title(self, data: AuthorityRoadmap) -> str:
        if data.title:
            return self.plain(data.title)
        return self._("{name}: diaspora engagement roadmap").format(name=self.plain(data.name))


@cache
def _environment(language: str) -> Environment:
    """The template environment of a language, compiled once per process."""
    env = Environment(
        loader=PackageLoader("site_builder.render", "templates"),
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
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["anchor"] = anchor
    env.globals["LABELS"] = LABELS
    env.globals["DATA_FILE_DESCRIPTIONS"] = DATA_FILE_DESCRIPTIONS
    return env


def _years(day: date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 366


def _figure(svg: Markup) -> Markup:
    """A chart as a raw HTML block of its own."""
    return Markup('\n<figure class="dr-figure">{}</figure>\n').format(svg)


def anchor(kind: str, item_id: str) -> Markup:
    """An element id on a roadmap page; made of validated ids, so safe as it is."""
    return Markup(f"{kind}-{item_id}".replace("/", "-").replace("_", "-"))


class Renderer:
    """Renders every page of one language."""

    def __init__(self, context: SiteContext, language: str, docs_dir: Path | None):
        self.context = context
        self.dataset = context.dataset
        self.language = language
        self.docs_dir = docs_dir
        self.loc = Localiser(language, self.dataset.default_language, self.dataset.languages)

    @property
    def env(self) -> Environment:
        return _environment(self.language)

    def page(self, template: str, path: str, **context: object) -> str:
        helpers = Helpers(self.context, self.loc, path)
        text = self.env.get_template(template).render(
            h=helpers, dataset=self.dataset, views=self.context.views, **context
        )
        return re.sub(r"\n{3,}", "\n\n", text)

    def render(
        self, only: set[str] | None = None, previous: RenderedLanguage | None = None
    ) -> RenderedLanguage:
        """Every page; or, with `only` and `previous`, only the pages of the roadmaps and
        countries named in `only` (`ml/kayes`, `ml`) and the pages that look across all
        roadmaps, keeping the other pages from `previous`."""

        def keep(page_id: str, path: str) -> bool:
            return (
                only is not None
                and previous is not None
                and page_id not in only
                and path in previous.pages
            )

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
        pages = result.pages
        pages["index.md"] = self.page("home.md.j2", "index.md", countries=self._countries())
        for country in dataset.countries():
            path = country_path(country)
            roadmap = dataset.country_roadmap(country)
            authorities = dataset.authorities_of(country)
            if keep(country.lower(), path):
                pages[path] = previous.pages[path]  # type: ignore[union-attr]
            elif roadmap is not None:
                pages[path] = self.page(
                    "country.md.j2",
                    path,
                    roadmap=roadmap,
                    data=roadmap.data,
                    authorities=authorities,
                    coordination=self.context.views.coordination(country),
                )
            else:
                pages[path] = self.page(
                    "country_index.md.j2", path, country=country, authorities=authorities
                )
            for authority in authorities:
                apath = page_path(authority.id)
                pages[apath] = (
                    previous.pages[apath]
                    if keep(authority.id, apath)
                    else self.page("authority.md.j2", apath, roadmap=authority, data=authority.data)
                )
        result.nav.append((loc.gettext("Home"), "index.md"))
        for outcome in dataset.outcomes:
            chunks = self.context.views.outcome_pages(outcome.id)
            for number, entries in enumerate(chunks, start=1):
                path = outcome_path(outcome.id, number)
                if keep(path, path):
                    pages[path] = previous.pages[path]  # type: ignore[union-attr]
                else:
                    pages[path] = self.page(
                        "outcome.md.j2",
                        path,
                        outcome=outcome,
                        entries=entries,
                        number=number,
                        total=len(chunks),
                    )
        for name, template, title in VIEW_PAGES:
            if keep(name, name):
                pages[name] = previous.pages[name]  # type: ignore[union-attr]
            else:
                pages[name] = self.page(template, name)
            result.nav.append((loc.gettext(title), name))
        for name, title, text in self._hand_written_pages():
            pages[name] = text
            result.nav.append((title, name))
        pages["translation-status.md"] = self.page(
            "status.md.j2", "translation-status.md", statuses=self.context.statuses
        )
        result.nav.append((loc.gettext("Translation status"), "translation-status.md"))
        pages["feed.xml"] = atom_feed(self.context, loc)
        result.strings = {
            "languages": loc.gettext("Languages"),
            "feed": loc.gettext("Updates of the roadmaps"),
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


def render_language(context: SiteContext, language: str, docs_dir: Path | None) -> RenderedLanguage:
    return Renderer(context, language, docs_dir).render()


# Pages that look across all roadmaps: (source, template, title as a message id). The
# live preview renders one again when a change touches the fields VIEW_FIELDS names.
VIEW_PAGES = [
    ("twinning.md", "twinning.md.j2", N_("Twinning")),
    ("dialogue.md", "dialogue.md.j2", N_("Dialogue models")),
    ("outcomes.md", "outcomes.md.j2", N_("Outcomes")),
    ("data.md", "data.md.j2", N_("Open data")),
]
VIEW_FIELDS = {
    "twinning.md": ("twinning", "name", "country"),
    "dialogue.md": ("dialogue", "institutions", "organisations", "name", "country"),
    "outcomes.md": ("commitments",),
    "data.md": (),
}
