"""The render stage: a Dataset and one language in, the Markdown pages of that language out.

Nothing here knows the engine: pages are plain Markdown (with sanitised HTML blocks for
rich text) keyed by their path under the docs folder, so `/<lang>/ml/yelimane/` comes
from `ml/yelimane.md`. Every value from the data passes through `markup`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from site_builder.format.framework import N_
from site_builder.format.model import (
    Date,
    Outcome,
    RoadmapFile,
)
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import Localiser, direction, own_name, translations
from site_builder.render.feeds import atom_feed
from site_builder.render.figures import FigureHelpers
from site_builder.render.links import anchor, country_path, outcome_path, page_path, status_path
from site_builder.render.markup import escape_text
from site_builder.render.output import LanguageInfo, RenderedLanguage
from site_builder.render.overview import OverviewHelpers
from site_builder.views.across import TwinningEnd
from site_builder.views.context import SiteContext
from site_builder.views.open_data import DATA_FILE_DESCRIPTIONS, Column, csv_files
from site_builder.views.summary import STATUSES, recent_assessments, recently_updated


class Helpers(OverviewHelpers, FigureHelpers):
    """What templates call: words (`TextHelpers`), links (`LinkHelpers`), summaries
    (`OverviewHelpers`), figures (`FigureHelpers`), and lookups of the build's views."""

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
        pages["index.md"] = self.page(
            "home.md.j2",
            "index.md",
            countries=self._countries(),
            recent=recent_assessments(dataset.roadmaps.values()),
            updated=recently_updated(dataset.roadmaps.values(), self.context.changes),
        )
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
        for status in STATUSES:  # lists behind the home page's figures, always rendered
            chunks = self.context.views.status_pages(status)
            for number, entries in enumerate(chunks, start=1):
                path = status_path(status, number)
                pages[path] = self.page(
                    "status_list.md.j2",
                    path,
                    status=status,
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
            "not_found": loc.gettext("Page not found"),
            "not_found_help": loc.gettext(
                "No page of this site has this address: it may have moved. The search at "
                "the top of the page can find it, or start again from the home page."
            ),
            "home": loc.gettext("Home page"),
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
