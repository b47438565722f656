"""The roadmap format as typed, documented data.

This module is the one description of the format: the validator builds these objects
from YAML nodes by reading the annotations, and the JSON Schema and the field reference
are generated from the same annotations and docstrings. It does no I/O and imports no
engine. Field order here is the order authors see in the reference and on pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from site_builder.format.paths import written_path
from site_builder.format.values import (  # noqa: F401 - the format's names, in one place
    MAX_LIST_ITEMS,
    Assessor,
    AuthorityKind,
    Capacity,
    Code,
    Completion,
    Country,
    Currency,
    Date,
    DialogueFormat,
    Email,
    Id,
    InstitutionKind,
    Invalid,
    LanguageCode,
    Level,
    Location,
    Name,
    Number,
    PageId,
    RichText,
    RightStatus,
    RoadmapRef,
    Role,
    Status,
    Text,
    TwinningKind,
    TwinningStatus,
    Url,
    WikidataId,
)


def spec(doc: str, *, required: bool = False, example: Any = None) -> Any:
    """A model field: its description feeds the JSON Schema and the field reference."""
    metadata = {"doc": doc, "required": required, "example": example}
    if required:
        return field(metadata=metadata)
    return field(default=None, metadata=metadata)


def many(doc: str, *, required: bool = False, example: Any = None) -> Any:
    """A list field; left out means an empty list."""
    return field(default=(), metadata={"doc": doc, "required": required, "example": example})


# --- Site settings ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """An expected outcome of the framework that commitments serve."""

    id: PageId = spec(
        "Unique id of the outcome, used by commitments' `outcome`; it names the outcome's page.",
        required=True,
    )
    group: Id = spec("The group the outcome belongs to, such as `national`.", required=True)
    title: Text = spec("Short name of the outcome.", required=True)
    description: RichText | None = spec("What the outcome means.")


@dataclass(frozen=True, kw_only=True)
class OutcomeGroup:
    """The title of a group of custom outcomes, shown instead of its id."""

    id: Id = spec("The group's id, as in the outcomes' `group`.", required=True)
    title: Text = spec("The group's title.", required=True)


@dataclass(frozen=True, kw_only=True)
class Site:
    """Site-wide settings, in `roadmaps/site.yml`."""

    title: Text = spec("The site's name.", required=True)
    description: Text | None = spec("One line under the title.")
    languages: tuple[LanguageCode, ...] = many(
        "Every language the site is built in; the first is the default.",
        required=True,
        example=["en", "fr", "ar"],
    )
    default_language: LanguageCode | None = spec("Overrides 'the first language is the default'.")
    repository: Url | None = spec(
        "The web address of the roadmaps folder in its repository, such as "
        "`https://github.com/org/repo/tree/main/roadmaps` (GitLab: `.../-/tree/main/roadmaps`), "
        "for the edit and history links of every roadmap page."
    )
    outcomes: tuple[Outcome, ...] = many("Replaces the default outcome framework.")
    outcome_groups: tuple[OutcomeGroup, ...] = many(
        "Titles of the groups of custom outcomes; a group without one shows its id."
    )


# --- Parts of a roadmap ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Contact:
    """Who answers questions about the roadmap."""

    name: Name | None = spec("Name of the person or office.")
    email: Email | None = spec("One e-mail address.")
    url: Url | None = spec("A web page.")


@dataclass(frozen=True, kw_only=True)
class Recognition:
    """How the country recognises its diaspora."""

    dual_citizenship: RightStatus | None = spec("Whether dual citizenship is allowed.")
    voting_from_abroad: RightStatus | None = spec("Whether citizens abroad can vote.")
    measures: tuple[RichText, ...] = many("Other recognition measures.")


@dataclass(frozen=True, kw_only=True)
class Institution:
    """A government body that works with the diaspora."""

    id: Id = spec("Unique id within the file's institutions and organisations.", required=True)
    name: Name = spec("The institution's name.", required=True)
    kind: InstitutionKind | None = spec("What kind of body it is.")
    since: Date | None = spec("When it was created.")
    url: Url | None = spec("Its web site.")


@dataclass(frozen=True, kw_only=True)
class Organisation:
    """A diaspora organisation the roadmap works with."""

    id: Id = spec("Unique id within the file's institutions and organisations.", required=True)
    name: Name = spec("The organisation's name.", required=True)
    based_in: tuple[Country, ...] = many("Countries where it is based.")
    sectors: tuple[Id, ...] = many("Sectors it works in, such as `health`.")
    capacity: Capacity | None = spec("How established it is.")
    women_led: bool | None = spec("Whether women lead it.")
    url: Url | None = spec("Its web site.")


@dataclass(frozen=True, kw_only=True)
class Meeting:
    """One meeting of a dialogue model."""

    date: Date = spec("When it took place.", required=True)
    title: Text = spec("What it was.", required=True)
    summary: RichText | None = spec("What was discussed and decided.")


@dataclass(frozen=True, kw_only=True)
class DialogueModel:
    """A standing way of talking with the diaspora."""

    id: Id = spec("Unique id within the file's dialogue models.", required=True)
    name: Text = spec("The model's name.", required=True)
    level: Level | None = spec("At which level the dialogue takes place.")
    format: DialogueFormat | None = spec("The form the dialogue takes.")
    cadence: Text | None = spec("How often it meets, in words.")
    since: Date | None = spec("When it started.")
    participants: tuple[Id, ...] = many("Ids of this file's institutions and organisations.")
    description: RichText | None = spec("What the dialogue is for.")
    meetings: tuple[Meeting, ...] = many("Meetings held.")


@dataclass(frozen=True, kw_only=True)
class Funding:
    """Money committed."""

    amount: Number | None = spec("The amount, not below zero.", example=240000)
    currency: Currency | None = spec("ISO 4217 code of the amount's currency.")
    matching_ratio: Number | None = spec(
        "Public money per unit raised by the diaspora: 2 means public money doubles it."
    )


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """A participatory assessment of what was achieved or not, and what was learned."""

    date: Date = spec("When the assessment was made.", required=True)
    by: Assessor = spec("Who assessed.", required=True)
    completion: Completion = spec("How far the commitment was carried out.", required=True)
    results: RichText | None = spec("What was achieved, or not.")
    lessons: RichText | None = spec("What was learned.")
    evidence: tuple[Url, ...] = many("Reports and other evidence.")


@dataclass(frozen=True, kw_only=True)
class Commitment:
    """Something the roadmap promises to do."""

    id: Id = spec("Unique id within the file's commitments.", required=True)
    title: Text = spec("What is promised, in a few words.", required=True)
    outcome: Id = spec("Id of the outcome of the framework it serves.", required=True)
    description: RichText | None = spec("The commitment in detail.")
    lead: Id | None = spec("Id of the institution or organisation of this file that leads it.")
    partners: tuple[Id, ...] = many(
        "Ids of this file's institutions and organisations that take part."
    )
    start: Date | None = spec("When it starts.")
    end: Date | None = spec("When it ends; not before `start`.")
    status: Status = spec("Where it stands.", required=True)
    funding: Funding | None = spec("Money committed, with the matching ratio.")
    gender: RichText | None = spec("How women take part and benefit.")
    indicators: tuple[Text, ...] = many("How progress is measured.")
    assessments: tuple[Assessment, ...] = many("Assessments of what was achieved.")


@dataclass(frozen=True, kw_only=True)
class Entrepreneurship:
    """The four stages of support to diaspora entrepreneurs."""

    reception: RichText | None = spec(
        "Information, guidance, assessment of the project and training."
    )
    support: RichText | None = spec("Feasibility study, investment plan and financial support.")
    linking: RichText | None = spec("Links with technical and financial partners.")
    follow_up: RichText | None = spec("Technical follow-up once the project runs.")


@dataclass(frozen=True, kw_only=True)
class ExternalPartner:
    """A local authority that has no roadmap on this site."""

    name: Name = spec("The authority's name.", required=True)
    country: Country = spec("Its country.", required=True)
    wikidata: WikidataId | None = spec("Its Wikidata item.")
    location: Location | None = spec(
        "Where it is, to place it on the twinning map; without it, the town is looked up "
        "by name in its country in GeoNames."
    )


@dataclass(frozen=True, kw_only=True)
class TwinningLink:
    """A town twinning or decentralised cooperation link with another local authority."""

    partner: RoadmapRef | ExternalPartner = spec(
        "The id of another roadmap of the site (its folder and file name: `cc/slug`), or "
        "`{name, country, wikidata}`.",
        required=True,
    )
    kind: TwinningKind = spec("What kind of link it is.", required=True)
    since: Date | None = spec("When the link started.")
    until: Date | None = spec("When it ended; not before `since`.")
    status: TwinningStatus = spec("Whether the link is alive.", required=True)
    diaspora: Country | None = spec("The diaspora community that links the two places.")
    description: RichText | None = spec("What the link does.")


# --- Roadmaps --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RoadmapBody:
    """Fields that country and local authority roadmaps share."""

    title: Text | None = spec("The roadmap's title.")
    summary: RichText | None = spec("What the roadmap is about.")
    published: Date | None = spec("When it was first published.")
    updated: Date | None = spec("When it was last updated.")
    contact: Contact | None = spec("Who to contact.")
    partner_countries: tuple[Country, ...] = many(
        "For an origin, where its diaspora lives; for a destination, where its diasporas come from."
    )
    institutions: tuple[Institution, ...] = many("The government's own bodies for the diaspora.")
    organisations: tuple[Organisation, ...] = many("Diaspora organisations it works with.")
    dialogue: tuple[DialogueModel, ...] = many("Models of dialogue with the diaspora.")
    commitments: tuple[Commitment, ...] = many("What the roadmap promises.")
    entrepreneurship: Entrepreneurship | None = spec("Support to diaspora entrepreneurs.")


@dataclass(frozen=True, kw_only=True)
class CountryRoadmap(RoadmapBody):
    """The national roadmap of a country, in `roadmaps/<cc>/country.yml`."""

    country: Country = spec("The country; must match the folder.", required=True)
    role: Role = spec("Home country of a diaspora, host country, or both.", required=True)
    title: Text = spec("The roadmap's title.", required=True)
    recognition: Recognition | None = spec("How the country recognises its diaspora.")


@dataclass(frozen=True, kw_only=True)
class AuthorityRoadmap(RoadmapBody):
    """The roadmap of one local authority, in `roadmaps/<cc>/<slug>.yml`."""

    name: Name = spec("The authority's name.", required=True)
    country: Country = spec("The authority's country; must match the folder.", required=True)
    kind: AuthorityKind = spec("What kind of authority it is.", required=True)
    development_plan: Url | None = spec("Its local development plan.")
    location: Location | None = spec(
        "Where it is, to place it on the twinning map; without it, the town is looked up "
        "by name in its country in GeoNames."
    )
    twinning: tuple[TwinningLink, ...] = many("Twinning and decentralised cooperation links.")


# --- What the loader hands on ----------------------------------------------------------------

Position = tuple[int, int]


@dataclass(frozen=True)
class RoadmapFile:
    """A roadmap as loaded: its id (`ml` or `ml/yelimane`), its file and where each field is."""

    id: str
    path: str
    data: CountryRoadmap | AuthorityRoadmap
    positions: dict[str, Position]  # by field path as written in the file
    left_out: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    """The list items that reading left out of `data` for an error in one of their fields
    (the file then has errors, and is not built): by the list's path, each item's index
    and the fields read of it, as written in the file. Empty for a file without errors."""

    @property
    def file_name(self) -> str:
        """The file's path inside the roadmaps folder: `ml/country.yml`, `ml/kayes.yml`."""
        return f"{self.id}/country.yml" if "/" not in self.id else f"{self.id}.yml"

    @property
    def country(self) -> Country:
        return self.data.country

    @property
    def is_country(self) -> bool:
        return isinstance(self.data, CountryRoadmap)

    def written(self, field_path: str, prefix: str = "") -> str:
        """`field_path`, a path in `data` below `prefix` (as written), as the file writes it."""
        return written_path(self.left_out, field_path, prefix)

    def position(self, field_path: str, prefix: str = "") -> Position:
        """Where the field of `field_path` (in `data`, below `prefix` as `written`) is
        written, else the nearest field above it that is, else the file's start."""
        field_path = self.written(field_path, prefix)
        while field_path and field_path not in self.positions:
            field_path = field_path.rpartition(".")[0]
        return self.positions.get(field_path, (1, 1))


@dataclass(frozen=True)
class Dataset:
    """Everything a site is built from: settings, roadmaps by id, and the outcome framework."""

    site: Site
    site_path: str
    site_positions: dict[str, Position]
    roadmaps: dict[str, RoadmapFile]
    outcomes: tuple[Outcome, ...]
    default_outcomes: bool
    # Where the towns of twinning links are, by roadmap id (or the key of a partner
    # without a roadmap): the `location` written, else the gazetteer's (load.gazetteer).
    places: dict[str, Location] = field(default_factory=dict)

    @property
    def default_language(self) -> str:
        return str(self.site.default_language or self.site.languages[0])

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(str(code) for code in self.site.languages)

    def countries(self) -> list[str]:
        """Every country that has a roadmap folder, upper case, sorted."""
        return sorted(self._by_country)

    def authorities_of(self, country: str) -> list[RoadmapFile]:
        return self._by_country.get(country, [])

    @cached_property
    def _by_country(self) -> dict[str, list[RoadmapFile]]:
        """Local authorities by country (countries with only a national roadmap too)."""
        index: dict[str, list[RoadmapFile]] = {}
        for roadmap in sorted(self.roadmaps.values(), key=lambda r: r.id):
            index.setdefault(roadmap.country, [])
            if not roadmap.is_country:
                index[roadmap.country].append(roadmap)
        return index

    def country_roadmap(self, country: str) -> RoadmapFile | None:
        return self.roadmaps.get(country.lower())
