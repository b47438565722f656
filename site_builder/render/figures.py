"""Template helpers for figures: SVG charts built from the views, as raw HTML blocks."""

from __future__ import annotations

from collections import Counter
from datetime import date

from markupsafe import Markup

from site_builder.format.framework import N_
from site_builder.format.model import AuthorityRoadmap, RoadmapBody, Text
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import direction
from site_builder.render import charts
from site_builder.render.text import TextHelpers
from site_builder.views.across import TwinningPair


def _years(day: date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 366


def _figure(svg: Markup) -> Markup:
    """A chart as a raw HTML block of its own."""
    return Markup('\n<figure class="dr-figure">{}</figure>\n').format(svg)


class FigureHelpers(TextHelpers):
    """Charts of the page's roadmap or of all roadmaps."""

    def words(self, text: Text) -> charts.Words:
        """A Text for a chart, with the marks `render.text.mark` gives it in a page."""
        passage = self.loc.passage(text)
        if passage.neutral:
            return charts.Words(passage.value, name=True)
        if not passage.fallback:
            return charts.Words(passage.value)
        language = passage.language
        note = self.ui_words(N_("(not translated yet)"))
        return charts.Words(passage.value, language, direction(language), note)

    def ui_words(self, message: str) -> charts.Words:
        """An interface string for a chart, marked as English when the catalog lacks it."""
        if self.loc.translated(message):
            return charts.Words(self._(message))
        return charts.Words(message, "en", "ltr")

    def name_words(self, roadmap_id: str) -> charts.Words:
        roadmap = self.dataset.roadmaps.get(roadmap_id)
        if roadmap is not None and isinstance(roadmap.data, AuthorityRoadmap):
            return self.words(roadmap.data.name)
        return charts.Words(self.name_of(roadmap_id))

    def timeline(self, data: RoadmapBody) -> Markup:
        spans = [
            charts.Span(
                self.words(c.title),
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
        description = self.ui_words(
            N_(
                "Each bar runs from a commitment's start to its end; the dates are "
                "written beside it and in the list of commitments below."
            )
        )
        title = self.ui_words(N_("Timeline of the commitments"))
        return _figure(charts.timeline(spans, title, description))

    def status_chart(self) -> Markup:
        return self._count_chart(
            "status",
            self.views.status_counts(),
            self.ui_words(N_("Commitments by status")),
            self.ui_words(
                N_(
                    "The number of commitments in each status; the same figures are in the "
                    "table below."
                )
            ),
        )

    def completion_chart(self) -> Markup:
        return self._count_chart(
            "completion",
            self.views.completion_counts(),
            self.ui_words(N_("Latest assessment of each commitment")),
            self.ui_words(
                N_(
                    "The number of commitments by the completion their latest assessment "
                    "found; the same figures are in the table below."
                )
            ),
        )

    def _count_chart(
        self, kind: str, counts: Counter[str], title: charts.Words, text: charts.Words
    ) -> Markup:
        """One bar per value of an enumeration, in the model's order, each with its word."""
        bars = [
            charts.Bar(
                self.ui_words(LABELS[kind][key]),
                counts.get(key, 0),
                self.loc.number(counts.get(key, 0)),
                f"dr-{kind}-{key}",
            )
            for key in LABELS[kind]
        ]
        return _figure(charts.bar_chart(bars, title, text))

    def twinning_map(self, links: list[TwinningPair] | None = None) -> Markup:
        """The network of `links` (by default every link of the site): one page of the
        twinning directory draws the links of that page."""
        nodes: dict[str, charts.Node] = {}
        edges = []
        for i, link in enumerate(self.views.links if links is None else links):
            nodes.setdefault(link.first, charts.Node(link.first, self.name_words(link.first)))
            if link.second:
                other = link.second
                nodes.setdefault(other, charts.Node(other, self.name_words(other)))
            else:
                other = f"external-{i}"
                name = self.words(link.external.name)
                nodes[other] = charts.Node(other, name, external=True)
            edges.append(
                (link.first, other, self.ui_words(LABELS["twinning_kind"][link.entry.kind]))
            )
        if not nodes:
            return Markup("")
        count = len(edges)
        text = self.loc.ngettext(
            "%(num)d link between the places listed in the table below.",
            "%(num)d links between the places listed in the table below.",
            count,
        ) % {"num": count}
        known = self.loc.knows_plural("%(num)d link between the places listed in the table below.")
        description = charts.Words(text) if known else charts.Words(text, "en", "ltr")
        return _figure(
            charts.network(
                list(nodes.values()), edges, self.ui_words(N_("Map of twinning links")), description
            )
        )
