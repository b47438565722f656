"""Template helpers for figures: charts built from the views (see `charts`)."""

from __future__ import annotations

from datetime import date
from functools import partial

from markupsafe import Markup

from site_builder.format.framework import N_
from site_builder.format.model import Date, RoadmapBody, Text
from site_builder.render import charts, maps
from site_builder.render.links import LinkHelpers, anchor
from site_builder.render.marks import status_badge
from site_builder.render.markup import fill
from site_builder.render.overview import shorten_words
from site_builder.render.text import interface_language
from site_builder.views.entries import TwinningPair
from site_builder.views.twinning_map import MapEnd, map_plan

ENLARGED = N_("Around {town}")
ENLARGED_REGION = N_("{region}: around {town}")
HOME_MAP_LINKS = 120  # links the home page maps at most: 107 real ones draw a 22 KB map
MAP_DIRECTION = N_(
    "The map is drawn as maps are, north at the top and west on the left, whatever the "
    "direction of the page."
)
PLACED_BY = N_("Towns whose roadmap gives no location are placed by {source} ({licence}).")


def _years(day: date) -> float:
    return day.year + (day.timetuple().tm_yday - 1) / 366


class FigureHelpers(LinkHelpers):
    """Charts of the page's roadmap or of all roadmaps."""

    def timeline(self, data: RoadmapBody) -> Markup:
        spans = [
            charts.Span(
                fill(
                    "[{}](#{})",
                    self.t(Text({k: shorten_words(v, 60) for k, v in c.title.items()})),
                    anchor("commitment", c.id),
                ),
                fill(
                    "{} · <bdi>{}</bdi>",
                    status_badge(c.status, self.label("status", c.status)),
                    self.period(c.start, c.end),
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
            self.ui(N_("Time runs from right to left, as the page is read."))
            if self.loc.direction == "rtl"
            else self.ui(N_("Time runs from left to right, as the page is read."))
        )
        description = Markup(" ").join(
            [self.ui(N_("Each bar runs from a commitment's start to its end.")), way]
        )
        return charts.timeline(
            spans, years, self.ui(N_("Timeline of the commitments")), description
        )

    def meter(self, part: float, whole: float) -> Markup:
        """A bar drawing `part` of `whole` beside the figure written in a table cell."""
        return charts.meter(part, whole)

    def home_map(self) -> Markup:
        """The map of every link for the home page, while there are at most HOME_MAP_LINKS
        links; beyond, none (each page of the directory maps its own links), so that the
        home page does not grow with the site."""
        return self.twinning_map() if len(self.views.links) <= HOME_MAP_LINKS else Markup("")

    def twinning_map(self, links: list[TwinningPair] | None = None) -> Markup:
        """The map of `links` (by default every link of the site; one page of the twinning
        directory draws the links of that page) with its legend (one line pattern per
        diaspora) and the numbered list of its towns; towns without a location are named
        below it. What it shows is gathered by `views.twinning_map`; this lays it out."""
        plan = map_plan(self.views, links)
        names = {key: self._end_label(end) for key, end in plan.ends.items()}
        unplaced = [names[key] for key in plan.ends if key not in {p.key for p in plan.places}]
        places, groups, looked_up = plan.places, plan.groups, plan.looked_up
        parts = []
        title = N_("Map of twinning links")
        if places:
            regions = {key: self.loc.country(end.continent) for key, end in plan.ends.items()}
            plain = {key: self._end_name(end) for key, end in plan.ends.items()}
            layout = maps.layout(places, plan.arcs, regions, partial(self._enlarged, plain))
            numbers = {m.number: self.loc.number(m.number) for m in layout.markers}
            legend = Markup("").join(
                Markup(
                    '- <svg class="dr-line" viewBox="0 0 36 10" width="36" height="10" '
                    'aria-hidden="true"><line x1="0" y1="5" x2="36" y2="5"{}/></svg> {}\n'
                ).format(
                    Markup(f' stroke-dasharray="{maps.PATTERNS[i % len(maps.PATTERNS)]}"')
                    if maps.PATTERNS[i % len(maps.PATTERNS)]
                    else "",
                    self.ui(N_("Linked by the diaspora from {country}"), country=self.country(d))
                    if d
                    else self.ui(N_("Diaspora not stated")),
                )
                for i, d in enumerate(groups)
            )
            towns = Markup("").join(
                Markup("1. {}\n").format(self.comma.join(names[k] for k in marker.keys))
                for marker in layout.markers
            )
            parts.append(
                Markup(
                    '\n<figure class="dr-figure dr-map-figure" markdown="1">\n'
                    '<figcaption markdown="span">{}</figcaption>\n\n{}{}\n\n{}{{: .dr-legend }}\n\n'
                    "{}\n{{: .dr-map-towns }}\n\n{}\n</figure>\n"
                ).format(
                    self.ui(title),
                    Markup("{}\n{{: .dr-chart-note }}\n\n").format(self.ui(MAP_DIRECTION))
                    if self.loc.direction == "rtl"
                    else "",
                    maps.draw(
                        layout,
                        self._(title),
                        numbers,
                        interface_language(self.ui(title)),
                        self.loc.direction == "rtl",
                        self.language_link(maps.LAND_PATH),
                    ),
                    legend,
                    self.ui(N_("The numbers on the map:")),
                    towns,
                )
            )
        if unplaced and places:
            parts.append(
                Markup("\n{} {}\n{{: .dr-unplaced }}\n").format(
                    self.ui(N_("Not on the map, as no location is given:")),
                    self.comma.join(unplaced),
                )
            )
        if looked_up:
            parts.append(
                Markup("\n{}\n{{: .dr-map-source }}\n").format(
                    self.ui(
                        PLACED_BY,
                        source=self.external("https://www.geonames.org/", self.code("GeoNames")),
                        licence=self.external(
                            "https://creativecommons.org/licenses/by/4.0/", self.code("CC BY 4.0")
                        ),
                    )
                )
            )
        return Markup("").join(parts)

    def _enlarged(self, names: dict[str, str], region: str | None, key: str) -> Markup:
        """The title of a panel that enlarges the part of `region` around the town `key`
        (named in `names`, as plain text), for an SVG `<text>`: the town's name is not
        translated."""
        town = Markup('<tspan translate="no">{}</tspan>').format(names[key])
        if region is None:
            return Markup.escape(self._(ENLARGED)).format(town=town)
        return Markup.escape(self._(ENLARGED_REGION)).format(region=region, town=town)

    def _end_name(self, end: MapEnd) -> str:
        """The name of a town at an end of a link, as plain text."""
        if end.roadmap is not None:
            return self.plain(self.dataset.roadmaps[end.roadmap].data.name)
        return self.plain(end.external.name)  # type: ignore[union-attr]

    def _end_label(self, end: MapEnd) -> Markup:
        """A town at an end of a link as `[Town](page), Country`, unlinked when it has no
        roadmap here."""
        town = self.roadmap_link(end.roadmap) if end.roadmap else self.t(end.external.name)  # type: ignore[union-attr]
        return self.pair(town, self.country(end.country))
