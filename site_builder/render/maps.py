"""The twinning map, drawn at build time as SVG: country outlines of Natural Earth (public
domain, `data/countries-110m.json`), the towns placed by their coordinates, an arc for each
link between its two ends, its line pattern telling the diaspora that links them.

Words are never drawn in the picture, so that none can overlap another or shrink below the
page's size on a phone: each town (or group of towns too close to tell apart at this
scale) carries a number, and the list beside the map gives the number's towns. The SVG is
laid out left to right in every language, as maps are (west on the left); the list beside
it follows the page's direction.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from markupsafe import Markup

WIDTH = 340  # SVG units; the map is drawn at most about this many CSS px wide on a phone
MARKER = 11  # radius of a town's marker, in SVG units
NUMBER_SIZE = 13  # font size of the markers' numbers, in SVG units
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


@dataclass(frozen=True)
class Place:
    key: str
    latitude: float
    longitude: float


@dataclass
class Marker:
    """A numbered mark on the map for one town, or for towns too close to draw apart."""

    number: int
    x: float
    y: float
    keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Arc:
    first: str
    second: str
    group: int  # index of its diaspora among the map's diasporas: its line pattern


@dataclass
class TwinningMap:
    """Where everything goes: markers (numbered in reading order, west to east within
    bands from north to south) and arcs between markers, in SVG units."""

    width: float
    height: float
    markers: list[Marker]
    arcs: list[tuple[Marker, Marker, int]]
    view: tuple[float, float, float, float]  # west, south, east, north
    marker_of: dict[str, Marker]


def _project(view: tuple[float, float, float, float], width: float, height: float):  # noqa: ANN202
    west, south, east, north = view

    def project(longitude: float, latitude: float) -> tuple[float, float]:
        return (
            (longitude - west) / (east - west) * width,
            (north - latitude) / (north - south) * height,
        )

    return project


def layout(places: list[Place], arcs: list[Arc]) -> TwinningMap:
    """Fit the places in a WIDTH-wide map (equirectangular, scaled for the middle
    latitude) with a margin, and merge markers that would overlap. Raises ValueError with
    no places."""
    if not places:
        raise ValueError("a map needs at least one place")
    lats = [p.latitude for p in places]
    lons = [p.longitude for p in places]
    middle = math.radians((min(lats) + max(lats)) / 2)
    lat_span = max(max(lats) - min(lats), 6.0) * 1.3
    lon_span = max(max(lons) - min(lons), 6.0) * 1.3
    ratio = lat_span / (lon_span * max(math.cos(middle), 0.2))
    ratio = min(max(ratio, 0.6), 1.4)  # not too flat nor too tall: widen the other way
    width, height = float(WIDTH), round(WIDTH * ratio, 1)
    centre_lat, centre_lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    lon_span = max(lon_span, lat_span / ratio / max(math.cos(middle), 0.2))
    lat_span = lon_span * ratio * max(math.cos(middle), 0.2)
    view = (
        centre_lon - lon_span / 2,
        centre_lat - lat_span / 2,
        centre_lon + lon_span / 2,
        centre_lat + lat_span / 2,
    )
    project = _project(view, width, height)
    markers: list[Marker] = []
    marker_of: dict[str, Marker] = {}
    for place in sorted(places, key=lambda p: (-p.latitude, p.longitude, p.key)):
        x, y = project(place.longitude, place.latitude)
        near = next((m for m in markers if math.hypot(m.x - x, m.y - y) < 2 * MARKER + 2), None)
        if near is None:
            near = Marker(0, x, y)
            markers.append(near)
        near.keys.append(place.key)
        marker_of[place.key] = near
    markers.sort(key=lambda m: (round(m.y / (3 * MARKER)), m.x))
    for number, marker in enumerate(markers, start=1):
        marker.number = number
    drawn = []
    for arc in arcs:
        a, b = marker_of.get(arc.first), marker_of.get(arc.second)
        if a is not None and b is not None and a is not b:
            drawn.append((a, b, arc.group))
    return TwinningMap(width, height, markers, drawn, view, marker_of)


def draw(
    plan: TwinningMap, title: str, numbers: dict[int, str], title_lang: str | None = None
) -> Markup:
    """The map as an SVG element, labelled `title` (in `title_lang` when that is not the
    page's language). `numbers` writes each marker's number as the reader's locale does."""
    project = _project(plan.view, plan.width, plan.height)
    west, south, east, north = plan.view
    paths = []
    for ring in _outlines():
        if not any(
            west - 5 <= lon <= east + 5 and south - 5 <= lat <= north + 5 for lon, lat in ring
        ):
            continue
        points = [project(lon, lat) for lon, lat in ring]
        d = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z"
        paths.append(f'<path class="dr-land" d="{d}"/>')
    lines = []
    for a, b, group in plan.arcs:
        mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
        dx, dy = b.x - a.x, b.y - a.y
        cx, cy = mx - dy * 0.25, my + dx * 0.25
        dash = PATTERNS[group % len(PATTERNS)]
        style = f' stroke-dasharray="{dash}"' if dash else ""
        lines.append(
            f'<path class="dr-arc" d="M{a.x:.1f} {a.y:.1f}Q{cx:.1f} {cy:.1f} {b.x:.1f} {b.y:.1f}"'
            f"{style}/>"
        )
    marks = []
    for marker in plan.markers:
        marks.append(
            f'<circle class="dr-town" cx="{marker.x:.1f}" cy="{marker.y:.1f}" r="{MARKER}"/>'
            f'<text class="dr-town-number" x="{marker.x:.1f}" y="{marker.y:.1f}" '
            f'text-anchor="middle" dominant-baseline="central" font-size="{NUMBER_SIZE}">'
            f"{Markup.escape(numbers[marker.number])}</text>"
        )
    return Markup(
        '<svg class="dr-map" viewBox="0 0 {w} {h}" width="{w}" height="{h}" direction="ltr" '
        'role="img" aria-label="{label}"{lang} xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    ).format(
        w=f"{plan.width:g}",
        h=f"{plan.height:g}",
        label=title,
        lang=Markup(' lang="{}"').format(title_lang) if title_lang else "",
        body=Markup("".join(paths + lines + marks)),
    )
