"""An Atom feed per language: roadmap updates and new assessments, newest first."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

from site_builder.format.model import Date
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import Localiser
from site_builder.views.context import SiteContext

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100


def _when(day: Date) -> str:
    return f"{day.earliest().isoformat()}T00:00:00Z"


def _url(roadmap_id: str) -> str:
    return f"{roadmap_id}/"


def atom_feed(context: SiteContext, loc: Localiser) -> str:
    dataset = context.dataset
    entries: list[tuple[Date, str, str, str, str]] = []  # (date, key, title, link, summary)
    for roadmap in dataset.roadmaps.values():
        data = roadmap.data
        name = loc.passage(data.title).value if data.title else loc.passage(data.name).value
        changed = context.changes.get(roadmap.file_name) or data.updated or data.published
        if changed:
            entries.append(
                (
                    changed,
                    f"{roadmap.id}/roadmap",
                    loc.gettext("Roadmap updated: {title}").format(title=name),
                    _url(roadmap.id),
                    "",
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
                        f"{_url(roadmap.id)}#assessments-{commitment.id}",
                        summary,
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
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": "./"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": "feed.xml"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = site_title
    for day, key, title, link, summary in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = _id(loc.language, key)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _when(day)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        if summary:
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _id(language: str, key: str) -> str:
    # Stable across builds and machines: derived from the entry, not from where it is built.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"diaspora-roadmaps:{language}:{key}").urn
