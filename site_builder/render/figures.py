"""Template helpers for figures: SVG charts built from the views, as raw HTML blocks."""

from __future__ import annotations

from collections import Counter
from datetime import date

from markupsafe import Markup

from site_builder.format.model import RoadmapBody
from site_builder.i18n.labels import LABELS
from site_builder.render import charts
from site_builder.render.text import TextHelpers
from site_builder.views.across import Link


def _years(day: date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 366


def _figure(svg: Markup) -> Markup:
    """A chart as a raw HTML block of its own."""
    return Markup('\n<figure class="dr-figure">{}</figure>\n').format(svg)


class FigureHelpers(TextHelpers):
    """Charts of the page's roadmap or of all roadmaps."""

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

    def twinning_map(self, links: list[Link] | None = None) -> Markup:
        """The network of `links` (by default every link of the site): one page of the
        twinning directory draws the links of that page."""
        nodes: dict[str, charts.Node] = {}
        edges = []
        for i, link in enumerate(self.views.links if links is None else links):
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
