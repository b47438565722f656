"""Template helpers for page titles: the marked title for the page and the engine's
header, and the plain one, wholly in one language, for `<title>` and meta tags."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from markupsafe import Markup

from site_builder.format.framework import GROUP_TITLES, N_
from site_builder.format.model import AuthorityRoadmap, Outcome, RichText, RoadmapFile, Text
from site_builder.format.richhtml import rich_html
from site_builder.i18n.localise import direction
from site_builder.render.markup import escape_text
from site_builder.render.overview import DESCRIPTION, shorten_words
from site_builder.render.text import (
    AUTHORITY_TITLE,
    TextHelpers,
    escape_words,
    in_language,
    interface_language,
)

# What a country's whole coordination lists are called (render/templates/coordination.md.j2):
# for a host country, the diasporas it works with; for a country of origin, who works with
# its diaspora.
COORDINATION_TITLES = {
    "destination": N_("{country}: the diasporas it works with"),
    "origin": N_("{country}: who works with its diaspora"),
}


@dataclass(frozen=True)
class Title:
    """A page title: `html` marked for the page, `plain` wholly in `language`."""

    html: Markup
    plain: str
    language: str

    def __html__(self) -> str:
        return str(self.html)


class TitleHelpers(TextHelpers):
    """Titles and descriptions of pages, for their front matter and headings."""

    def title(self, value: Title | Text | str) -> Title:
        """A page title from a Title, a Text or an interface string."""
        if isinstance(value, Title):
            return value
        if isinstance(value, Markup):  # an interface string (`text.interface`)
            language = interface_language(value) or self.loc.language
            return Title(value, value.striptags(), language)
        if isinstance(value, str):
            return Title(escape_words(value), value, self.loc.language)
        speaking = self.loc.speaking(value)
        return Title(
            self.t(value, markdown=False), speaking.passage(value).value, speaking.language
        )

    def coordination_title(self, country: RoadmapFile) -> Title:
        """The title of a country roadmap's whole coordination lists (whose diaspora, or
        which diasporas): the interface string with the country's name, both in the
        language the string is shown in (English where the page's catalog lacks it: see
        `Localiser.speaking`), so that the plain title is wholly in one language."""
        role = "destination" if country.data.role == "destination" else "origin"
        message = COORDINATION_TITLES[role]
        speaking = self.loc.speaking(messages=(message,))
        name = speaking.country(country.country)
        plain = speaking.gettext(message).format(country=name)
        marked = in_language(name, speaking.language, self.loc.language)
        return Title(self.ui(message, markdown=False, country=marked), plain, speaking.language)

    def meta(self, value: Title | Text | str) -> Markup:
        """The front matter keys of a page title, after `title: `: `title` (plain, escaped:
        the theme prints it as it is), and when needed `title_lang`, `title_dir` (the
        language of the plain title) and `title_html` (the marked title for the header)."""
        title = self.title(value)

        def quoted(text: str) -> str:
            return json.dumps(text, ensure_ascii=False)

        lines = [quoted(html.escape(title.plain, quote=False))]
        if title.language != self.loc.language:
            lines += [f"title_lang: {quoted(title.language)}"]
            lines += [f"title_dir: {quoted(direction(title.language))}"]
        if str(title.html) != html.escape(title.plain, quote=False):
            lines += [f"title_html: {quoted(str(title.html))}"]
        return Markup("\n".join(lines))

    def description(self, value: Text | str | None) -> Markup:
        """The front matter keys of a page's meta description, after `description: `: the
        plain text (escaped for the attribute the theme prints it in) wholly in one
        language, and `description_lang` when that is not the page's. Rich text loses its
        markup; the words are cut at a word to `DESCRIPTION` characters."""
        if not value:
            return Markup('""')
        if isinstance(value, str):
            plain, language = value, self.loc.language
        else:
            speaking = self.loc.speaking(value)
            plain, language = speaking.passage(value).value, speaking.language
        if isinstance(value, RichText):
            # Blocks (paragraphs, list items, line breaks) part words; inline tags do not.
            blocks = re.sub(
                r"</?(?:p|li|ul|ol|br|h\d|blockquote|pre|table|tr|td|th)\b[^>]*>",
                " ",
                rich_html(plain),
            )
            plain = html.unescape(re.sub(r"<[^>]+>", "", blocks))
        plain = shorten_words(plain, DESCRIPTION)
        text = json.dumps(html.escape(plain, quote=True), ensure_ascii=False)
        if language == self.loc.language:
            return Markup(text)
        return Markup(f"{text}\ndescription_lang: {json.dumps(language)}")

    def plain_outcome_title(self, outcome: Outcome) -> Title | str:
        if self.dataset.default_outcomes:
            return self.title(self.outcome_title(outcome))
        return self.title(outcome.title)

    def authority_title(self, data: AuthorityRoadmap) -> Title:
        """The title of a local authority's page; without one, made from its name."""
        if data.title:
            return self.title(data.title)
        speaking = self.loc.speaking(data.name, messages=(AUTHORITY_TITLE,))
        return Title(
            self.ui(AUTHORITY_TITLE, markdown=False, name=self.t(data.name, markdown=False)),
            speaking.gettext(AUTHORITY_TITLE).format(name=speaking.passage(data.name).value),
            speaking.language,
        )

    def authority_heading(self, data: AuthorityRoadmap) -> Markup:
        """The same title, marked for the page's Markdown."""
        if data.title:
            return self.t(data.title)
        return self.ui(AUTHORITY_TITLE, name=self.t(data.name))

    def group_title(self, group: str) -> Markup:
        """A group of outcomes by its title in `site.yml`, else the default framework's,
        else its id."""
        for custom in self.dataset.site.outcome_groups:
            if custom.id == group:
                return self.t(custom.title)
        return self.ui(GROUP_TITLES[group]) if group in GROUP_TITLES else escape_text(group)
