"""An Atom feed per language: roadmap updates and new assessments, newest first."""

from __future__ import annotations

import html
import uuid
import xml.etree.ElementTree as ET

import nh3

from site_builder.format.model import Date
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import Localiser
from site_builder.render.markup import rich_html
from site_builder.views.context import SiteContext

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100


def _when(day: Date) -> str:
    return f"{day.earliest().isoformat()}T00:00:00Z"


SUMMARY_LENGTH = 300  # characters of a roadmap's summary an entry quotes


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


def atom_feed(context: SiteContext, loc: Localiser, site_url: str | None = None) -> str:
    """The language's Atom feed (RFC 4287), at most MAX_ENTRIES entries, newest first.

    With `site_url` (`https://example.org/`), its own and its entries' links are absolute
    (`https://example.org/fr/ml/`), as feed readers resolve relative links unreliably. Each
    entry has a summary; one written in another language than the feed's (a fallback)
    says so with `xml:lang`."""
    dataset = context.dataset
    base = f"{site_url}{loc.language}/" if site_url else ""
    # (date, key, title, link, summary, language of the summary)
    entries: list[tuple[Date, str, str, str, str, str]] = []
    for roadmap in dataset.roadmaps.values():
        data = roadmap.data
        name = loc.passage(data.title).value if data.title else loc.passage(data.name).value
        changed = context.changes.get(roadmap.file_name) or data.updated or data.published
        if changed:
            about = loc.passage(data.summary or data.title or data.name)
            entries.append(
                (
                    changed,
                    f"{roadmap.id}/roadmap",
                    loc.gettext("Roadmap updated: {title}").format(title=name),
                    base + _url(roadmap.id),
                    _first_paragraph(about.value),
                    about.language,
                )
            )
        for commitment in data.commitments:
            for assessment in commitment.assessments:
                title = loc.gettext("{commitment}: assessed on {date}").format(
                    commitment=loc.passage(commitment.title).value, date=loc.date(assessment.date)
                )
                summary = loc.gettext(LABELS["completion"][assessment.completion])
                if assessment.results:
                    summary += " — " + loc.passage(assessment.results).value
                entries.append(
                    (
                        assessment.date,
                        f"{roadmap.id}/{commitment.id}/{assessment.date}",
                        title,
                        f"{base}{_url(roadmap.id)}#assessments-{commitment.id}",
                        summary,
                        loc.language,
                    )
                )
    entries.sort(key=lambda e: (e[0].latest(), e[1]), reverse=True)
    entries = entries[:MAX_ENTRIES]

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": loc.language})
    site_title = loc.passage(dataset.site.title).value
    ET.SubElement(feed, f"{{{ATOM}}}title").text = site_title
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = loc.gettext("Updates of the roadmaps")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = _id(loc.language, "feed")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = (
        _when(entries[0][0]) if entries else ("2007-07-10T00:00:00Z")
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
    ET.SubElement(author, f"{{{ATOM}}}name").text = site_title
    for day, key, title, link, summary, language in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = _id(loc.language, key)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _when(day)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        other = {"xml:lang": language} if language != loc.language else {}
        ET.SubElement(entry, f"{{{ATOM}}}summary", other).text = summary
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _id(language: str, key: str) -> str:
    # Stable across builds and machines: derived from the entry, not from where it is built.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"diaspora-roadmaps:{language}:{key}").urn
