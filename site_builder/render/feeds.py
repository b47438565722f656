"""An Atom feed per language: roadmap updates and new assessments, newest first."""

from __future__ import annotations

import html
import uuid
import xml.etree.ElementTree as ET
from typing import NamedTuple

import nh3

from site_builder.format.framework import N_
from site_builder.format.model import Assessment, Commitment, Date
from site_builder.format.richhtml import rich_html
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import Localiser
from site_builder.render.overview import assessment_anchor
from site_builder.views.context import SiteContext

ATOM = "http://www.w3.org/2005/Atom"
UPDATED = N_("Roadmap updated: {title}")
ASSESSED = N_("{commitment}: assessment of {date}")
MAX_ENTRIES = 100
SUMMARY_LENGTH = 300  # characters of a roadmap's summary an entry quotes


def _when(day: Date) -> str:
    return f"{day.earliest().isoformat()}T00:00:00Z"


def _url(roadmap_id: str) -> str:
    return f"{roadmap_id}/"


def _first_paragraph(text: str) -> str:
    """The first paragraph of rich text (Markdown) as plain text, cut at a word."""
    markdown = text.strip().split("\n\n", 1)[0]
    plain = html.unescape(nh3.clean(rich_html(markdown), tags=set()))
    paragraph = " ".join(plain.split())
    if len(paragraph) <= SUMMARY_LENGTH:
        return paragraph
    return paragraph[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"


class _Entry(NamedTuple):
    day: Date
    key: str
    title: str
    link: str
    summary: str
    title_lang: str  # the language each is wholly written in (Localiser.speaking)
    summary_lang: str


def atom_feed(context: SiteContext, loc: Localiser, site_url: str | None = None) -> str:
    """The language's Atom feed (RFC 4287), at most MAX_ENTRIES entries, newest first.

    With `site_url` (`https://example.org/`), its own and its entries' links are absolute
    (`https://example.org/fr/ml/`), as feed readers resolve relative links unreliably.
    Feed readers show titles and summaries as plain text, so each is written wholly in one
    language, named by `xml:lang` on the entry (and on the summary when it differs): the
    page's, or the one its text fell back to. Every entry has a summary."""
    dataset = context.dataset
    base = f"{site_url}{loc.language}/" if site_url else ""
    entries: list[_Entry] = []
    for roadmap in dataset.roadmaps.values():
        data = roadmap.data
        name = data.title or data.name
        changed = context.changes.get(roadmap.file_name) or data.updated or data.published
        if changed:
            speaking = loc.speaking(name, messages=(UPDATED,))
            title = speaking.gettext(UPDATED).format(title=speaking.passage(name).value)
            about = loc.passage(data.summary or data.title or data.name)
            entries.append(
                _Entry(
                    changed,
                    f"{roadmap.id}/roadmap",
                    title,
                    base + _url(roadmap.id),
                    _first_paragraph(about.value),
                    speaking.language,
                    about.language,
                )
            )
        for commitment in data.commitments:
            for assessment in commitment.assessments:
                speaking = loc.speaking(commitment.title, messages=(ASSESSED,))
                title = speaking.gettext(ASSESSED).format(
                    commitment=speaking.passage(commitment.title).value,
                    date=speaking.date(assessment.date),
                )
                completion = LABELS["completion"][assessment.completion]
                about = loc.speaking(assessment.results, messages=(completion,))
                summary = about.gettext(completion)
                if assessment.results:
                    summary += " — " + about.passage(assessment.results).value
                # The first of a day keeps the key it had alone: adding another that day
                # leaves its entry as it was (RFC 4287: an id is permanent).
                key = f"{roadmap.id}/{commitment.id}/{assessment.date}"
                if assessment is not _first_of_its_day(commitment, assessment):
                    key += f"/{assessment_anchor(commitment, assessment)}"  # unique
                entries.append(
                    _Entry(
                        assessment.date,
                        key,
                        title,
                        f"{base}{_url(roadmap.id)}#{assessment_anchor(commitment, assessment)}",
                        summary,
                        speaking.language,
                        about.language,
                    )
                )
    entries.sort(key=lambda e: (e.day.latest(), e.key), reverse=True)
    entries = entries[:MAX_ENTRIES]

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": loc.language})
    site = loc.speaking(dataset.site.title)
    site_title = site.passage(dataset.site.title).value
    title_element = ET.SubElement(feed, f"{{{ATOM}}}title")
    title_element.text = site_title
    if site.language != loc.language:
        title_element.set("xml:lang", site.language)
    subtitle = ET.SubElement(feed, f"{{{ATOM}}}subtitle")
    subtitle.text = loc.gettext("Updates of the roadmaps")
    if not loc.translated("Updates of the roadmaps"):
        subtitle.set("xml:lang", "en")
    # What tells this site apart from another built by the same tool: its address, else
    # its title in the default language.
    site_key = site_url or "title:" + dataset.site.title.get(dataset.default_language, "")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = _id(site_key, loc.language, "feed")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = (
        _when(entries[0].day) if entries else ("2007-07-10T00:00:00Z")
    )
    ET.SubElement(
        feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": base or "./"}
    )
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {"rel": "self", "type": "application/atom+xml", "href": f"{base}feed.xml"},
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    author_name = ET.SubElement(author, f"{{{ATOM}}}name")
    author_name.text = site_title
    if site.language != loc.language:
        author_name.set("xml:lang", site.language)
    for item in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry", {"xml:lang": item.title_lang})
        ET.SubElement(entry, f"{{{ATOM}}}title").text = item.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = _id(site_key, loc.language, item.key)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _when(item.day)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": item.link})
        summary = ET.SubElement(entry, f"{{{ATOM}}}summary")
        summary.text = item.summary
        if item.summary_lang != item.title_lang:
            summary.set("xml:lang", item.summary_lang)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _first_of_its_day(commitment: Commitment, assessment: Assessment) -> Assessment:
    return next(a for a in commitment.assessments if a.date == assessment.date)


def _id(site: str, language: str, key: str) -> str:
    """An Atom id (RFC 4287 4.2.6: permanent and universally unique), stable across builds
    and machines: derived from the site (`site`), the language and the entry's `key`, not
    from where it is built."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"diaspora-roadmaps:{site}:{language}:{key}").urn
