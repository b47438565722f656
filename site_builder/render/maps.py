"""The twinning map, drawn at build time as SVG from a plan of `views.twinning_map`: country
outlines of Natural Earth (public domain, `data/countries-110m.json`, written once per
language as `land_file()` and drawn by every map from there), the towns placed by their
coordinates, an arc for each link between its two ends, its line pattern telling the
diaspora that links them.

Words are never drawn in the picture, so that none can overlap another or shrink below the
page's size on a phone: each town (or group of towns too close to tell apart at this
scale) carries a number, and the list beside the map gives the number's towns. The SVG is
laid out left to right in every language, as maps are (west on the left); the list beside
it follows the page's direction.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from itertools import pairwise

from markupsafe import Markup

from site_builder.views.twinning_map import Arc, Place

__all__ = ["Arc", "Place", "draw", "land_file", "layout"]

WIDTH = 340  # SVG units; the map is drawn at most about this many CSS px wide on a phone
MARKER = 11  # radius of a town's marker, in SVG units
NUMBER_SIZE = 13  # font size of the markers' numbers and panel titles, in SVG units (CSS)
THIN_ABOVE = 20  # with more arcs than this, they are drawn half as thick
PATTERNS = ("", "8 4", "2 4", "12 4 2 4", "4 4")  # one dash pattern per diaspora


@cache
def _outlines() -> list[list[tuple[float, float]]]:
    """Every ring of every country, as (longitude, latitude) points."""
    topology = json.loads(
        files("site_builder.render").joinpath("data/countries-110m.json").read_text("utf-8")
    )
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    rings = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            rings.extend(ring(r) for r in polygon)
    return rings


@dataclass
class Marker:
    """A numbered mark on the map for one town, or for towns too close to draw apart."""

    number: int
    x: float
    y: float
    keys: list[str] = field(default_factory=list)


@dataclass
class Panel:
    """One region of the map, drawn at its own scale: its title (None when the map has one
    panel), its view (west, south, east, north, in degrees) and its box in SVG units."""

    title: str | None
    view: tuple[float, float, float, float]
    top: float
    height: float
    frames: list[tuple[float, float, float, float]] = field(default_factory=list)  # enlarged


@dataclass
class TwinningMap:
    """Where everything goes: panels stacked from north to south, markers (numbered in
    reading order, panel after panel, west to east within bands from north to south) and
    arcs between markers, in SVG units."""

    width: float
    height: float
    markers: list[Marker]
    arcs: list[tuple[Marker, Marker, int]]
    panels: list[Panel]
    marker_of: dict[str, Marker]

    @property
    def view(self) -> tuple[float, float, float, float]:
        return self.panels[0].view


PANEL_TALLEST = 1.4  # stacked panels are at most this many times as tall as wide
DETAIL_MIN = 6  # a marker holding this many towns or more gets an enlarged panel
DETAILS = 2  # at most this many enlarged panels per region
DETAIL_TALLEST = 0.8  # enlarged panels are at most this many times as tall as wide
DETAIL_SPAN = 0.5  # degrees of latitude: the smallest span of an enlarged panel
TITLE_BAND = 22  # SVG units above a panel, for its title
GAP = 6  # SVG units between the title band and the panel above it


def _project(view: tuple[float, float, float, float], width: float, height: float, top=0.0):  # noqa: ANN001, ANN202
    west, south, east, north = view

    def project(longitude: float, latitude: float) -> tuple[float, float]:
        return (
            (longitude - west) / (east - west) * width,
            top + (north - latitude) / (north - south) * height,
        )

    return project


def _fit(
    places: list[Place], tallest: float = 1.4, smallest: float = 3.0
) -> tuple[tuple[float, float, float, float], float]:
    """A view around `places` (equirectangular, scaled for the middle latitude, with a
    margin) and its height in SVG units for a WIDTH-wide panel, at most `tallest` times
    its width, spanning at least `smallest` degrees of latitude (twice as many of
    longitude)."""
    lats = [p.latitude for p in places]
    lons = [p.longitude for p in places]
    middle = math.radians((min(lats) + max(lats)) / 2)
    lat_span = max(max(lats) - min(lats), smallest) * 1.3
    lon_span = max(max(lons) - min(lons), 2 * smallest) * 1.3
    ratio = lat_span / (lon_span * max(math.cos(middle), 0.2))
    ratio = min(max(ratio, 0.6), tallest)  # not too flat nor too tall: widen the other way
    centre_lat, centre_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    lon_span = max(lon_span, lat_span / ratio / max(math.cos(middle), 0.2))
    lat_span = lon_span * ratio * max(math.cos(middle), 0.2)
    view = (
        centre_lon - lon_span / 2,
        centre_lat - lat_span / 2,
        centre_lon + lon_span / 2,
        centre_lat + lat_span / 2,
    )
    return view, round(WIDTH * ratio, 1)


def _markers(places: list[Place], project) -> list[Marker]:  # noqa: ANN001
    """One marker per place, or per group of places too close to draw apart, numbered 0."""
    markers: list[Marker] = []
    for place in sorted(places, key=lambda p: (-p.latitude, p.longitude, p.key)):
        x, y = project(place.longitude, place.latitude)
        near = next((m for m in markers if math.hypot(m.x - x, m.y - y) < 2 * MARKER + 2), None)
        if near is None:
            near = Marker(0, x, y)
            markers.append(near)
        near.keys.append(place.key)
    markers.sort(key=lambda m: (round(m.y / (3 * MARKER)), m.x))
    return markers


def _regions(
    places: list[Place], regions: dict[str, str] | None
) -> list[tuple[str | None, list[Place]]]:
    """The places in one group, or by region (north first) when they are in more than
    one region and one map would merge some of them."""
    view, height = _fit(places)
    if (
        not regions
        or len({regions.get(p.key, "") for p in places}) < 2
        or len(_markers(places, _project(view, WIDTH, height))) == len(places)
    ):
        return [(None, places)]
    by_region: dict[str, list[Place]] = {}
    for place in places:
        by_region.setdefault(regions.get(place.key, ""), []).append(place)
    return sorted(
        by_region.items(), key=lambda item: -sum(p.latitude for p in item[1]) / len(item[1])
    )


def _details(members: list[Place], tallest: float) -> list[list[Place]]:
    """The towns of the (at most DETAILS) markers that hold DETAIL_MIN towns or more,
    when an enlarged panel would draw them apart."""
    view, height = _fit(members, tallest)
    crowded = [
        m for m in _markers(members, _project(view, WIDTH, height)) if len(m.keys) >= DETAIL_MIN
    ]
    found = []
    for marker in sorted(crowded, key=lambda m: -len(m.keys))[:DETAILS]:
        inside = [p for p in members if p.key in set(marker.keys)]
        view, height = _fit(inside, PANEL_TALLEST, DETAIL_SPAN)
        if len(_markers(inside, _project(view, WIDTH, height))) > 1:
            found.append(inside)
    return found


def _central(members: list[Place]) -> str:
    """The key of the place nearest the middle of `members`."""
    lat = sum(p.latitude for p in members) / len(members)
    lon = sum(p.longitude for p in members) / len(members)
    return min(members, key=lambda p: (math.hypot(p.latitude - lat, p.longitude - lon), p.key)).key


def layout(
    places: list[Place],
    arcs: list[Arc],
    regions: dict[str, str] | None = None,
    enlarged: Callable[[str | None, str], str] = lambda region, key: f"{region or ''} {key}",
) -> TwinningMap:
    """Fit the places in a WIDTH-wide map and merge markers that would overlap. When
    that merges towns and `regions` (a region's title by place key, such as its
    continent) puts them in more than one region, each region gets a panel of its own, at
    its own scale, stacked from north to south. A marker that still holds DETAIL_MIN towns
    or more gives them an enlarged panel below the regions', titled `enlarged(region, key
    of its most central town)`; a frame shows where it is in the region's panel, and the
    arcs of its towns start from that frame. Raises ValueError with no places."""
    if not places:
        raise ValueError("a map needs at least one place")
    # Each panel: its title, its towns, the places its view must hold (its towns and the
    # towns it frames), its tallest shape, its smallest span, the panel that frames it.
    plan: list[tuple[str | None, list[Place], list[Place], float, float, int | None]] = []
    enlargements = []  # after every region, so that no arc between regions crosses them
    for title, members in _regions(places, regions):
        tallest = 1.4 if title is None else PANEL_TALLEST
        details = _details(members, tallest)
        inset = {p.key for detail in details for p in detail}
        rest = [p for p in members if p.key not in inset]
        parent = len(plan) if rest else None
        if rest:
            plan.append((title, rest, members, tallest, 3.0, None))
        enlargements.extend(
            (enlarged(title, _central(d)), d, d, DETAIL_TALLEST, DETAIL_SPAN, parent)
            for d in details
        )
    plan.extend(enlargements)
    titled = len(plan) > 1
    panels: list[Panel] = []
    markers: list[Marker] = []
    marker_of: dict[str, Marker] = {}
    arc_end: dict[str, Marker] = {}  # where a town's arcs start: its marker, or its frame
    top = 0.0
    for title, members, seen, tallest, smallest, parent in plan:
        if titled:
            top += TITLE_BAND
        view, height = _fit(seen, tallest, smallest)
        panel_markers = _markers(members, _project(view, WIDTH, height, top))
        panels.append(Panel(title if titled else None, view, top, height))
        markers.extend(panel_markers)
        for marker in panel_markers:
            marker_of.update((key, marker) for key in marker.keys)
            arc_end.update((key, marker) for key in marker.keys)
        if parent is not None:
            frame = panels[parent]
            frame.frames.append(view)
            x, y = _project(frame.view, WIDTH, frame.height, frame.top)(
                (view[0] + view[2]) / 2, (view[1] + view[3]) / 2
            )
            arc_end.update((p.key, Marker(0, x, y, [p.key for p in members])) for p in members)
        top += height + (GAP if titled else 0)
    for number, marker in enumerate(markers, start=1):
        marker.number = number
    drawn = []
    for arc in arcs:
        a, b = arc_end.get(arc.first), arc_end.get(arc.second)
        if a is not None and b is not None and a.keys != b.keys:
            drawn.append((a, b, arc.group))
    height = round(top - (GAP if titled else 0), 1)
    return TwinningMap(float(WIDTH), height, markers, drawn, panels, marker_of)


LAND_PATH = "assets/land.svg"  # the outlines, one file per language, beside the theme's
LAND_SCALE = 100  # units of the outline file per degree: a hundredth of a degree


@cache
def land_file() -> str:
    """Every country outline of Natural Earth as one SVG document (about 65 KB) holding one
    path, `#land`: x is the longitude and y minus the latitude, in hundredths of a degree,
    as relative steps. Every map draws it through `<use>`, in a viewport per panel, so that
    the browser loads and caches it once however many maps and panels it shows; it has no
    fill or stroke of its own (the page's `.dr-land` gives them) and keeps its stroke
    thin at any scale."""
    parts = []
    for ring in _outlines():
        points: list[tuple[int, int]] = []
        for lon, lat in ring:
            point = (round(lon * LAND_SCALE), round(-lat * LAND_SCALE))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 2:  # relative steps: shorter than absolute points
            steps = " ".join(f"{x - a} {y - b}" for (a, b), (x, y) in pairwise(points))
            parts.append(f"M{points[0][0]} {points[0][1]}l" + steps.replace(" -", "-") + "Z")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-18000 -9000 36000 18000">'
        '<path id="land" vector-effect="non-scaling-stroke" d="' + "".join(parts) + '"/></svg>\n'
    )


def _land(panel: Panel, width: float, href: str) -> str:
    """The outlines seen in `panel`: the shared file's path in a viewport that shows the
    panel's view (stretched as the panel's projection is, and clipped to the panel)."""
    west, south, east, north = panel.view
    view = " ".join(
        f"{round(v * LAND_SCALE, 1):g}" for v in (west, -north, east - west, north - south)
    )
    return (
        f'<svg x="0" y="{panel.top:g}" width="{width:g}" height="{panel.height:g}" '
        f'viewBox="{view}" preserveAspectRatio="none">'
        f'<use class="dr-land" href="{Markup.escape(href)}#land"/></svg>'
    )


def draw(
    plan: TwinningMap,
    title: str,
    numbers: dict[int, str],
    title_lang: str | None = None,
    rtl: bool = False,
    land: str | None = None,
) -> Markup:
    """The map as an SVG element, labelled `title` (in `title_lang` when that is not the
    page's language), its outlines drawn from `land`, the address of `land_file()` from
    the page (none without it). `numbers` writes each marker's number as the reader's locale does;
    panel titles (text, or Markup of `<tspan>`s) start at the right edge when `rtl`;
    a panel's title is drawn above it, in the band kept free of markers."""
    body = []
    for panel in plan.panels:
        body.append(
            f'<rect class="dr-sea" x="0" y="{panel.top:g}" width="{plan.width:g}" '
            f'height="{panel.height:g}"/>'
        )
        if land is not None:
            body.append(_land(panel, plan.width, land))
        project = _project(panel.view, plan.width, panel.height, panel.top)
        for west, south, east, north in panel.frames:
            (x1, y1), (x2, y2) = project(west, north), project(east, south)
            body.append(
                f'<rect class="dr-frame" x="{x1:.0f}" y="{y1:.0f}" '
                f'width="{max(x2 - x1, 2):.0f}" height="{max(y2 - y1, 2):.0f}"/>'
            )
    by_group: dict[int, list[str]] = {}
    for a, b, group in plan.arcs:
        mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
        dx, dy = b.x - a.x, b.y - a.y
        cx, cy = mx - dy * 0.25, my + dx * 0.25
        by_group.setdefault(group % len(PATTERNS), []).append(
            f"M{a.x:.0f} {a.y:.0f}Q{cx:.0f} {cy:.0f} {b.x:.0f} {b.y:.0f}"
        )
    thin = " dr-arc-thin" if len(plan.arcs) > THIN_ABOVE else ""
    for group, paths in sorted(by_group.items()):
        dash = f' stroke-dasharray="{PATTERNS[group]}"' if PATTERNS[group] else ""
        body.append(f'<path class="dr-arc{thin}" d="{"".join(paths)}"{dash}/>')
    for marker in plan.markers:
        body.append(
            f'<circle class="dr-town" cx="{marker.x:.1f}" cy="{marker.y:.1f}" r="{MARKER}"/>'
            f'<text class="dr-town-number" x="{marker.x:.1f}" y="{marker.y:.1f}">'
            f"{Markup.escape(numbers[marker.number])}</text>"
        )
    for panel in plan.panels:  # above the arcs that cross its band
        if panel.title is not None:
            body.append(
                str(
                    Markup('<text class="dr-panel-title" x="{}" y="{}"{}>{}</text>').format(
                        f"{plan.width - 4:g}" if rtl else "4",
                        f"{panel.top - 6:g}",
                        Markup(' direction="rtl"') if rtl else "",
                        panel.title,
                    )
                )
            )
    return Markup(
        '<svg class="dr-map" viewBox="0 0 {w} {h}" width="{w}" height="{h}" direction="ltr" '
        'role="img" aria-label="{label}"{lang} xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    ).format(
        w=f"{plan.width:g}",
        h=f"{plan.height:g}",
        label=title,
        lang=Markup(' lang="{}"').format(title_lang) if title_lang else "",
        body=Markup("".join(body)),
    )
