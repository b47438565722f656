"""What a twinning map shows, gathered from the links: its towns (the ends of the links,
each once), where they are, the continent each is in, and an arc per link whose line
pattern tells its diaspora. The render stage names the towns in the page's language and
lays the plan out (`render.maps.layout`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from site_builder.format.model import ExternalPartner
from site_builder.load import gazetteer
from site_builder.views.across import Views
from site_builder.views.entries import TwinningPair


@dataclass(frozen=True)
class Place:
    """A town on the map: its key (an end's key, see `MapEnd`) and its location, in
    degrees."""

    key: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Arc:
    """A link between the towns `first` and `second` (keys)."""

    first: str
    second: str
    group: int  # index of its diaspora among the map's diasporas: its line pattern


@dataclass(frozen=True)
class MapEnd:
    """A town at an end of a link: its key (a roadmap id, or `gazetteer.external_key` for
    a partner without a roadmap here), its roadmap or the partner that names it, its
    country and the UN M49 code of its continent."""

    key: str
    roadmap: str | None
    external: ExternalPartner | None
    country: str
    continent: str


@dataclass
class MapPlan:
    """The towns of a map (in the order the links reach them), the located ones as places,
    an arc per link, the diasporas in legend order, and whether a town was placed by the
    gazetteer rather than by its roadmap."""

    ends: dict[str, MapEnd] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    arcs: list[Arc] = field(default_factory=list)
    groups: list[str | None] = field(default_factory=list)
    looked_up: bool = False


def map_plan(views: Views, links: list[TwinningPair] | None = None) -> MapPlan:
    """The plan of the map of `links` (every link of the site when None), taken in the
    site's order of links whichever order they are given in."""
    wanted = None if links is None else {id(link) for link in links}
    shown = [link for link in views.links if wanted is None or id(link) in wanted]
    dataset = views.dataset
    located, roadmaps = dataset.places, dataset.roadmaps
    plan = MapPlan(groups=sorted({link.entry.diaspora for link in shown}, key=lambda d: d or "~"))
    for link in shown:
        second = link.second or gazetteer.external_key(link.external)
        for key, roadmap, external in (
            (link.first, link.first, None),
            (second, link.second, None if link.second else link.external),
        ):
            if key in plan.ends:
                continue
            country = roadmaps[roadmap].country if roadmap else external.country
            plan.ends[key] = MapEnd(key, roadmap, external, country, gazetteer.continent(country))
            if key in located:
                plan.places.append(Place(key, located[key].latitude, located[key].longitude))
                written = (
                    roadmaps[roadmap].data.location if roadmap else external.location
                ) is not None
                plan.looked_up = plan.looked_up or not written
        plan.arcs.append(Arc(link.first, second, plan.groups.index(link.entry.diaspora)))
    return plan
