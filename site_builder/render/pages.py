"""The render stage: a Dataset and one language in, the Markdown pages of that language out.

Nothing here knows the engine: pages are plain Markdown (with sanitised HTML blocks for
rich text) keyed by their path under the docs folder, so `/<lang>/ml/yelimane/` comes
from `ml/yelimane.md`. Every value from the data passes through `markup`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from site_builder.format.framework import N_
from site_builder.format.model import (
    Dataset,
    Date,
    Outcome,
    RoadmapFile,
)
from site_builder.i18n.localise import Localiser, direction, own_name
from site_builder.render import maps
from site_builder.render.environment import environment
from site_builder.render.feeds import atom_feed
from site_builder.render.figures import FigureHelpers
from site_builder.render.handwritten import hand_written_pages
from site_builder.render.links import country_path, outcome_path, page_path, status_path
from site_builder.render.memo import PageMemo
from site_builder.render.output import LanguageInfo, RenderedLanguage
from site_builder.render.overview import OverviewHelpers
from site_builder.render.structured import dataset_json_ld
from site_builder.render.text import mark
from site_builder.render.titles import TitleHelpers
from site_builder.views.context import SiteContext
from site_builder.views.entries import (
    COORDINATION_SHOWN,
    TwinningEnd,
    coordination_pages,
    list_starts,
)
from site_builder.views.listings import Listings
from site_builder.views.open_data import Column, csv_files
from site_builder.views.paging import AUTHORITIES_ON_HOME, Page, pages_of
from site_builder.views.summary import STATUSES, recent_assessments, recently_updated


class Helpers(OverviewHelpers, FigureHelpers, TitleHelpers):
    """What templates call: words (`TextHelpers`), links (`LinkHelpers`), summaries
    (`OverviewHelpers`), figures (`FigureHelpers`), titles (`TitleHelpers`), and lookups of
    the build's views."""

    def twinning(self, roadmap_id: str) -> list[TwinningEnd]:
        return self.views.twinning_ends.get(roadmap_id, [])

    def outcome_groups(self) -> list[tuple[str, list[Outcome]]]:
        groups: dict[str, list[Outcome]] = {}
        for outcome in self.dataset.outcomes:
            groups.setdefault(outcome.group, []).append(outcome)
        return list(groups.items())

    def csv_files(self) -> list[tuple[str, list[Column]]]:
        files = csv_files(self.dataset, self.views)
        return [(name, columns) for name, (columns, _) in files.items()]

    def last_change(self, roadmap: RoadmapFile) -> Date | None:
        return self.context.changes.get(roadmap.file_name) or roadmap.data.updated


@dataclass
class Plan:
    """One language's pages planned (`Renderer.plan`): `rendered` holds them all, those
    left to render from a template as "" until `Renderer.fill` renders them (`pending`:
    by path, in the pages' order, what renders each)."""

    rendered: RenderedLanguage
    pending: dict[str, Callable[[], str]]


class Renderer:
    """Renders every page of one language."""

    def __init__(
        self,
        context: SiteContext,
        language: str,
        docs_layers: Sequence[Path] | None = (),
        site_url: str | None = None,
        memo: tuple[Path, str] | None = None,
    ):
        """`docs_layers`: folders of hand-written pages (`<folder>/<lang>/<name>.md`), the
        built-in one first (None: none); a later folder's file replaces an earlier one's. `site_url`
        (`https://example.org/`), when known, makes the feed's links absolute. `memo`: as
        `PageMemo.of` takes it (pages kept between builds)."""
        self.context = context
        self.site_url = site_url
        self.dataset = context.dataset
        self.language = language
        self.docs_layers = tuple(docs_layers or ())
        self.loc = Localiser(language, self.dataset.default_language, self.dataset.languages)
        self.listings = Listings(context.views)
        self.memo = PageMemo.of(memo, language, site_url, context)

    @property
    def env(self) -> Environment:
        return environment(self.language)

    def page(self, template: str, path: str, **context: object) -> str:
        render, memo = partial(_page, self, template, path, context), self.memo
        return memo.page(template, path, context, render) if memo else render(self.context)

    def render(
        self, only: set[str] | None = None, previous: RenderedLanguage | None = None
    ) -> RenderedLanguage:
        """Every page; or, with `only` and `previous`, only the pages of the roadmaps and
        countries named in `only` (`ml/kayes`, `ml`) and the pages that look across all
        roadmaps, keeping the other pages from `previous`."""
        planned = self.plan(only, previous)
        self.fill(planned)
        return planned.rendered

    def fill(self, planned: Plan, paths: Iterable[str] | None = None) -> None:
        """Render the pages of `planned` still to render among `paths` (all when None), in
        the plan's order, into the places `plan` kept for them. A page is the same
        whichever pages were rendered before it."""
        chosen = planned.pending if paths is None else set(paths)
        for path in [path for path in planned.pending if path in chosen]:
            dict.__setitem__(planned.rendered.pages, path, planned.pending.pop(path)())

    def plan(self, only: set[str] | None = None, previous: RenderedLanguage | None = None) -> Plan:
        """The pages `render` gives, each rendered from a template left to render
        (`Plan.pending`, its place in the pages kept): the navigation, the names and the
        pages that are not rendered from a template are all there."""
        pending: dict[str, Callable[[], str]] = {}

        def later(template: str, path: str, **context: object) -> str:
            pending[path] = partial(self.page, template, path, **context)
            return ""

        def kept(page_id: str, path: str) -> str | None:
            """The page from `previous` when it is one to keep, else None."""
            if only is None or previous is None or page_id in only:
                return None
            return previous.pages.get(path)

        loc, dataset = self.loc, self.dataset
        result = _empty_result(self)
        pages = result.pages
        recent = recent_assessments(dataset.roadmaps.values())
        updated = recently_updated(dataset.roadmaps.values(), self.context.changes)
        for listing in pages_of("countries", country_rows(dataset, loc), first="index.md"):
            pages[listing.path] = later(
                "home.md.j2", listing.path, page=listing, recent=recent, updated=updated
            )
        for country in dataset.countries():
            path = country_path(country)
            roadmap = dataset.country_roadmap(country)
            authorities = dataset.authorities_of(country)
            coordination = self.context.views.coordination(country) if roadmap else None
            capped = coordination.capped(COORDINATION_SHOWN) if coordination else None
            whole_lists = coordination_pages(country, coordination)
            if (text := kept(country.lower(), path)) is not None:
                pages[path] = text
            elif roadmap is not None:
                pages[path] = later(
                    "country.md.j2",
                    path,
                    roadmap=roadmap,
                    data=roadmap.data,
                    authorities=authorities,
                    coordination=capped,
                    whole_lists=list_starts(whole_lists),
                )
            else:
                pages[path] = later(
                    "country_index.md.j2", path, country=country, authorities=authorities
                )
            for listing in whole_lists:  # linked from the country's capped lists
                pages[listing.path] = later(
                    "coordination.md.j2", listing.path, page=listing, roadmap=roadmap
                )
            for authority in authorities:
                apath = page_path(authority.id)
                text = kept(authority.id, apath)
                pages[apath] = (
                    text
                    if text is not None
                    else later("authority.md.j2", apath, roadmap=authority, data=authority.data)
                )
        result.nav.append((self.helpers.ui(N_("Home"), markdown=False), "index.md"))
        for outcome in dataset.outcomes:
            pages |= self._numbered(
                later,
                "outcome.md.j2",
                self.context.views.outcome_pages(outcome.id),
                partial(outcome_path, outcome.id),
                kept,
                outcome=outcome,
            )
        for status in STATUSES:  # lists behind the home page's figures, always rendered
            pages |= self._numbered(
                later,
                "status_list.md.j2",
                self.context.views.status_pages(status),
                partial(status_path, status),
                None,
                status=status,
            )
        for name, template, title in VIEW_PAGES:
            listing = LISTINGS.get(name)
            for page in listing(self.listings) if listing else [None]:
                path = page.path if page else name
                if (text := kept(name, path)) is not None:
                    pages[path] = text
                elif page is None:
                    pages[path] = later(template, path)
                else:
                    pages[path] = later(template, path, page=page)
            result.nav.append((self.helpers.ui(title, markdown=False), name))
        for name, title, text in hand_written_pages(self.helpers, self.docs_layers):
            pages[name] = text
            result.nav.append((title.html, name))
        pages["translation-status.md"] = later(
            "status.md.j2", "translation-status.md", statuses=self.context.statuses
        )
        status = self.helpers.ui(N_("Translation status"), markdown=False)
        result.nav.append((status, "translation-status.md"))
        pages[SEARCH_PAGE] = later("search.md.j2", SEARCH_PAGE)
        result.unlisted.append(SEARCH_PAGE)
        pages["feed.xml"] = atom_feed(self.context, loc, self.site_url)
        if self.context.views.links:  # the outlines every twinning map draws
            pages[maps.LAND_PATH] = maps.land_file()
        result.strings, result.strings_lang = _theme_strings(self.helpers)
        return Plan(result, pending)

    def _numbered(
        self,
        page: Callable[..., str],
        template: str,
        chunks: Sequence[Sequence[object]],
        path_of: Callable[[int], str],
        kept: Callable[[str, str], str | None] | None,
        **context: object,
    ) -> dict[str, str]:
        """The pages of a listing split into `chunks`, numbered from 1 (`path_of(number)`),
        each given its `entries`, `number` and the `total` (`page(template, path, ...)`
        gives its text); a page that `kept` gives (by its path) is kept as it was."""
        pages = {}
        for number, entries in enumerate(chunks, start=1):
            path = path_of(number)
            text = kept(path, path) if kept else None
            pages[path] = text or page(
                template, path, entries=entries, number=number, total=len(chunks), **context
            )
        return pages

    @cached_property
    def helpers(self) -> Helpers:
        """Helpers for what is not a page: navigation entries, names, notices."""
        return Helpers(self.context, self.loc, "index.md")


# Runs of blank lines the templates' tags leave, written as one. The pattern starts with its
# literal (three line breaks) so that `re` looks for it quickly: four times as fast as
# `\n{3,}` on rendered pages (0.05 against 0.19 ms a page of 21 KB).
_BLANK_LINES = re.compile("\n\n\n+")


def _page(r: Renderer, template: str, path: str, args: dict[str, object], site: SiteContext) -> str:
    """A page rendered from `site` (the context, or its traced proxy: render/memo.py)."""
    text = r.env.get_template(template).render(
        h=Helpers(site, r.loc, path),
        dataset=site.dataset,
        views=site.views,
        listings=Listings(site.views),
        json_ld=lambda: dataset_json_ld(site, r.loc, r.site_url),
        **args,
    )
    return _commonmark(_BLANK_LINES.sub("\n\n", text))


def _commonmark(text: str) -> str:
    """Our templates write CommonMark (with tables, definition lists and heading ids): the
    page is marked so that the engine may convert it with a CommonMark parser."""
    if text.startswith("---\n"):
        return "---\nmarkdown: commonmark\n" + text[4:]
    return text


def country_rows(dataset: Dataset, loc: Localiser) -> list[dict[str, object]]:
    """The rows of the home page's country listing, in the language's order: each country
    with its first AUTHORITIES_ON_HOME local authorities and how many more."""
    entries = []
    for country in dataset.countries():
        authorities = dataset.authorities_of(country)
        entries.append(
            {
                "code": country,
                "name": loc.country(country),
                "roadmap": dataset.country_roadmap(country),
                "authorities": authorities[:AUTHORITIES_ON_HOME],
                "more": max(0, len(authorities) - AUTHORITIES_ON_HOME),
                "path": country_path(country),
            }
        )
    return sorted(entries, key=lambda e: loc.sort_key(str(e["name"])))


def _empty_result(self: Renderer) -> RenderedLanguage:
    """The language's names and directions, before any page."""
    loc, site = self.loc, self.dataset.site
    return RenderedLanguage(
        language=self.language,
        default_language=self.dataset.default_language,
        direction=loc.direction,
        site_name=loc.speaking(site.title).passage(site.title).value,
        site_name_lang=loc.speaking(site.title).language,
        site_name_html=str(
            mark(loc.passage(site.title), self.language, self.helpers.note, markdown=False)
        ),
        site_description=(
            loc.speaking(site.description).passage(site.description).value
            if site.description
            else None
        ),
        site_description_lang=loc.speaking(site.description).language,
        languages=[
            LanguageInfo(code, own_name(code), direction(code)) for code in self.dataset.languages
        ],
    )


def _theme_strings(helpers: Helpers) -> tuple[dict[str, str], dict[str, str]]:
    """The strings the theme prints (in attributes and its own pages), and the language
    of each: the page's, or English where the catalog lacks it."""
    loc = helpers.loc
    messages = {
        "languages": N_("Languages"),
        "feed": N_("Updates of the roadmaps"),
        "permalink": N_("Permanent link"),
        "not_found": N_("Page not found"),
        "not_found_text": N_(
            "There is no page at this address. The home page lists every roadmap."
        ),
        "home": N_("Home"),
        "search_more": N_("More results"),
    }
    strings = {key: loc.gettext(message) for key, message in messages.items()}
    languages = {
        key: loc.language if loc.translated(message) else "en" for key, message in messages.items()
    }
    engine = '<a href="https://squidfunk.github.io/mkdocs-material/" rel="noopener"'
    strings["made_with"] = Markup(
        helpers.ui(
            N_("Made with {engine}"),
            markdown=False,
            engine=Markup(engine + ' translate="no">Material for MkDocs</a>'),
        )
    )
    return strings, languages


def render_language(
    context: SiteContext, language: str, docs_layers: Sequence[Path] = ()
) -> RenderedLanguage:
    return Renderer(context, language, docs_layers).render()


# Where the search box sends its query (`?q=`) when the page cannot search by itself:
# the page says how to browse without JavaScript.
SEARCH_PAGE = "search.md"

# Pages that look across all roadmaps: (source, template, title as a message id). The
# live preview renders one again when a change touches the fields VIEW_FIELDS names.
VIEW_PAGES = [
    ("twinning.md", "twinning.md.j2", N_("Twinning")),
    ("dialogue.md", "dialogue.md.j2", N_("Dialogue models")),
    ("outcomes.md", "outcomes.md.j2", N_("Outcomes")),
    ("data.md", "data.md.j2", N_("Open data")),
]
# View pages that are listings, split into pages (views/paging.py); the others are one page.
LISTINGS: dict[str, Callable[[Listings], Sequence[Page]]] = {
    "twinning.md": Listings.twinning_pages,
    "dialogue.md": Listings.dialogue_pages,
}
VIEW_FIELDS = {
    "twinning.md": ("twinning", "name", "country"),
    "dialogue.md": ("dialogue", "institutions", "organisations", "name", "country"),
    "outcomes.md": ("commitments",),
    "data.md": (),
}
