"""Template helpers for figures: charts built from the views (see `charts`)."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from site_builder.format.model import Date, RoadmapBody, Text
from site_builder.render import charts
from site_builder.render.links import anchor
from site_builder.render.marks import status_badge
from site_builder.render.markup import escape_text
from site_builder.render.overview import shorten_words
from site_builder.render.text import TextHelpers


def _years(day: date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 366


class FigureHelpers(TextHelpers):
    """Charts of the page's roadmap or of all roadmaps."""

    def timeline(self, data: RoadmapBody) -> Markup:
        spans = [
            charts.Span(
                Markup("[{}](#{})").format(
                    self.t(Text({k: shorten_words(v, 60) for k, v in c.title.items()})),
                    anchor("commitment", c.id),
                ),
                Markup("{} · <bdi>{}</bdi>").format(
                    status_badge(c.status, self.label("status", c.status)),
                    self.period(c.start, c.end) if c.end else self.period(c.start, None),
                ),
                _years(c.start.earliest()),
                _years(c.end.latest()) if c.end else None,
                f"dr-status-{c.status}",
            )
            for c in data.commitments
            if c.start
        ]
        if not spans:
            return Markup("")
        axis = charts.Axis.of(spans)
        years = {y: self.loc.date(Date(y)) for y in range(axis.first, axis.last + 1)}
        way = (
            self._("Time runs from right to left, as the page is read.")
            if self.loc.direction == "rtl"
            else self._("Time runs from left to right, as the page is read.")
        )
        description = escape_text(
            self._("Each bar runs from a commitment's start to its end.") + " " + way
        )
        return charts.timeline(
            spans, years, escape_text(self._("Timeline of the commitments")), description
        )

    def meter(self, part: float, whole: float) -> Markup:
        """A bar drawing `part` of `whole` beside the figure written in a table cell."""
        return charts.meter(part, whole)
