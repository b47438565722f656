"""The open-data tables: which records and CSV columns the site publishes, declared once.

The writer (`publish/data.py`) and the site's data page both read these, so the
documentation cannot drift from the files. Nothing here writes a file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from site_builder.format.fields import model_fields
from site_builder.format.framework import N_
from site_builder.format.model import Dataset, Date, Name, RoadmapFile, Text
from site_builder.views.across import Views
from site_builder.views.entries import CommitmentEntry, DialogueEntry, TwinningPair


def normalise(value: Any) -> Any:
    """Model objects as plain JSON values, leaving out what is not set.

    The result is itself a valid roadmap in the contract's format (JSON is YAML).
    """
    if isinstance(value, Name) and value.neutral:
        return next(iter(value.values()))
    if isinstance(value, Text):
        return dict(value)
    if isinstance(value, Date):
        return str(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        # A whole number as written (`Number` keeps what a double gives back by its
        # shortest form): int(1e24) would be 999999999999999983222784.
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, tuple):
        return [normalise(item) for item in value]
    if dataclasses.is_dataclass(value):
        result = {}
        for name in model_fields(type(value)):
            item = getattr(value, name)
            if item is None or item == ():
                continue
            result[name] = normalise(item)
        return result
    raise TypeError(f"cannot normalise {value!r}")


def roadmap_record(roadmap: RoadmapFile) -> dict[str, Any]:
    return {
        "id": roadmap.id,
        "file": roadmap.file_name,
        "type": "country" if roadmap.is_country else "local-authority",
        "data": normalise(roadmap.data),
    }


DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
"""A date at the precision written: YYYY, YYYY-MM or YYYY-MM-DD (Table Schema has no
type for all three)."""

YES_NO = {"trueValues": ["yes"], "falseValues": ["no"]}


@dataclass(frozen=True)
class Column:
    name: str
    description: str  # a message id of the interface catalogs
    value: Callable[[Any], object]
    kind: str = "string"
    """The Frictionless Table Schema type: string, number, integer, boolean."""
    pattern: str | None = None
    """A Table Schema `pattern` constraint on the written text."""

    def table_field(self) -> dict[str, Any]:
        """This column as a Frictionless Table Schema field (descriptions in English)."""
        field: dict[str, Any] = {"name": self.name, "type": self.kind}
        field["description"] = self.description
        if self.kind == "boolean":
            field.update(YES_NO)
        if self.pattern:
            field["constraints"] = {"pattern": self.pattern}
        return field


def _text(text: Text | None, language: str) -> str:
    if not text:
        return ""
    return text.get(language) or (
        next(iter(text.values())) if isinstance(text, Name) and text.neutral else ""
    )


def _date(value: Date | None) -> str:
    return str(value) if value else ""


def _number(value: float | None) -> str:
    return "" if value is None else str(normalise(value))


def commitment_columns(languages: tuple[str, ...]) -> list[Column]:
    c = lambda e: e.commitment  # noqa: E731 - short accessors read best inline
    return [
        Column(
            "roadmap",
            N_("Roadmap id: `ml` for a country, `ml/kayes` for a local authority."),
            lambda e: e.roadmap.id,
        ),
        Column(
            "country", N_("ISO 3166-1 code of the roadmap's country."), lambda e: e.roadmap.country
        ),
        Column("commitment", N_("Id of the commitment within its roadmap."), lambda e: c(e).id),
        *[
            Column(
                f"title_{lang}",
                N_("Title in this language, empty when not translated."),
                lambda e, lang=lang: _text(c(e).title, lang),
            )
            for lang in languages
        ],
        Column("outcome", N_("Id of the outcome it serves."), lambda e: c(e).outcome),
        Column(
            "status",
            N_("planned, in-progress, completed, not-achieved or withdrawn."),
            lambda e: c(e).status,
        ),
        Column(
            "lead", N_("Id of the leading institution or organisation."), lambda e: c(e).lead or ""
        ),
        Column(
            "partners",
            N_("Ids of partners, separated by spaces."),
            lambda e: " ".join(c(e).partners),
        ),
        Column(
            "start",
            N_("Start date, at the precision written (YYYY, YYYY-MM or YYYY-MM-DD)."),
            lambda e: _date(c(e).start),
            pattern=DATE_PATTERN,
        ),
        Column(
            "end",
            N_("End date, at the precision written."),
            lambda e: _date(c(e).end),
            pattern=DATE_PATTERN,
        ),
        Column(
            "amount",
            N_("Amount of funding."),
            lambda e: _number(c(e).funding.amount) if c(e).funding else "",
            kind="number",
        ),
        Column(
            "currency",
            N_("ISO 4217 currency of the amount."),
            lambda e: (c(e).funding.currency or "") if c(e).funding else "",
        ),
        Column(
            "matching_ratio",
            N_("Public money per unit raised by the diaspora."),
            lambda e: _number(c(e).funding.matching_ratio) if c(e).funding else "",
            kind="number",
        ),
        Column(
            "gender",
            N_("yes when the commitment says how women take part and benefit."),
            lambda e: "yes" if c(e).gender else "no",
            kind="boolean",
        ),
        Column(
            "assessments",
            N_("Number of assessments."),
            lambda e: len(c(e).assessments),
            kind="integer",
        ),
        Column(
            "latest_assessment",
            N_("Date of the latest assessment."),
            lambda e: _date(e.latest.date) if e.latest else "",
            pattern=DATE_PATTERN,
        ),
        Column(
            "latest_assessed_by",
            N_("Who made it: government, diaspora, independent or joint."),
            lambda e: e.latest.by if e.latest else "",
        ),
        Column(
            "latest_completion",
            N_("not-started, limited, substantial or complete."),
            lambda e: e.latest.completion if e.latest else "",
        ),
    ]


def twinning_columns(languages: tuple[str, ...]) -> list[Column]:
    return [
        Column("first", N_("Roadmap id of one end."), lambda link: link.first),
        Column(
            "second",
            N_("Roadmap id of the other end, empty when it has no roadmap here."),
            lambda link: link.second or "",
        ),
        *[
            Column(
                f"partner_name_{lang}",
                N_("Name of an end without a roadmap here."),
                lambda link, lang=lang: _text(link.external.name, lang) if link.external else "",
            )
            for lang in languages
        ],
        Column(
            "partner_country",
            N_("Country of an end without a roadmap here."),
            lambda link: link.external.country if link.external else "",
        ),
        Column(
            "kind",
            N_("town-twinning, decentralised-cooperation or partnership."),
            lambda link: link.entry.kind,
        ),
        Column("status", N_("active, dormant or ended."), lambda link: link.entry.status),
        Column(
            "since",
            N_("Start date."),
            lambda link: _date(link.entry.since),
            pattern=DATE_PATTERN,
        ),
        Column(
            "until", N_("End date."), lambda link: _date(link.entry.until), pattern=DATE_PATTERN
        ),
        Column(
            "diaspora",
            N_("Country of the diaspora that links the two places."),
            lambda link: link.entry.diaspora or "",
        ),
        Column(
            "one_sided",
            N_("yes when only one end's roadmap lists the link."),
            lambda link: "yes" if link.one_sided else "no",
            kind="boolean",
        ),
        Column(
            "other_end_says",
            N_(
                "What the other end's roadmap states differently, as field=value separated "
                "by semicolons (the columns above give the link as the first end states it, "
                "completed by what only the other end states)."
            ),
            _other_end_says,
        ),
    ]


def _other_end_says(link: TwinningPair) -> str:
    """`status=ended; since=1991`: the facts of `link.theirs` that differ from its entry."""
    return "; ".join(f"{name}={getattr(link.theirs, name)}" for name in link.disagreements)


def dialogue_columns(languages: tuple[str, ...]) -> list[Column]:
    return [
        Column("roadmap", N_("Roadmap id."), lambda d: d.roadmap.id),
        Column(
            "dialogue", N_("Id of the dialogue model within its roadmap."), lambda d: d.model.id
        ),
        *[
            Column(
                f"name_{lang}",
                N_("Name in this language, empty when not translated."),
                lambda d, lang=lang: _text(d.model.name, lang),
            )
            for lang in languages
        ],
        Column(
            "level",
            N_("local, national, regional or international."),
            lambda d: d.model.level or "",
        ),
        Column(
            "format",
            N_("forum, council, consultation, platform, network, online or other."),
            lambda d: d.model.format or "",
        ),
        Column("since", N_("Start date."), lambda d: _date(d.model.since), pattern=DATE_PATTERN),
        Column(
            "participants",
            N_("Ids of participants, separated by spaces."),
            lambda d: " ".join(d.model.participants),
        ),
        Column(
            "meetings",
            N_("Number of meetings recorded."),
            lambda d: len(d.model.meetings),
            kind="integer",
        ),
        Column(
            "latest_meeting",
            N_("Date of the latest meeting."),
            lambda d: _date(d.latest_meeting.date) if d.latest_meeting else "",
            pattern=DATE_PATTERN,
        ),
    ]


def csv_files(dataset: Dataset, views: Views) -> dict[str, tuple[list[Column], list[Any]]]:
    languages = dataset.languages
    rows_commitments: list[CommitmentEntry] = views.commitments
    rows_links: list[TwinningPair] = views.links
    rows_dialogue: list[DialogueEntry] = views.dialogue
    return {
        "commitments.csv": (commitment_columns(languages), rows_commitments),
        "twinning.csv": (twinning_columns(languages), rows_links),
        "dialogue.csv": (dialogue_columns(languages), rows_dialogue),
    }


PRIMARY_KEYS = {
    "commitments.csv": ["roadmap", "commitment"],
    "dialogue.csv": ["roadmap", "dialogue"],
}


def data_package(
    dataset: Dataset, views: Views, title: str, site_url: str | None = None
) -> dict[str, Any]:
    """The Frictionless Data Package descriptor (`data/datapackage.json`) of the CSV
    files, with a Table Schema for each, from the same columns the files are written
    with. `site_url`, when known, gives the package its `homepage`."""
    resources = []
    for name, (columns, _) in csv_files(dataset, views).items():
        schema: dict[str, Any] = {"fields": [column.table_field() for column in columns]}
        if name in PRIMARY_KEYS:
            schema["primaryKey"] = PRIMARY_KEYS[name]
        resources.append(
            {
                "name": name.removesuffix(".csv"),
                "path": name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": DATA_FILE_DESCRIPTIONS[name],
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": schema,
            }
        )
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "diaspora-roadmaps",
        "title": title,
        "description": "Roadmaps for working with diasporas on development, as tables. "
        "roadmaps.json and roadmaps/<id>.json beside this file hold every field "
        "(see roadmap.schema.json).",
        "languages": list(dataset.languages),
        "resources": resources,
    }
    if site_url:
        package["homepage"] = site_url
    return package


DATA_FILE_DESCRIPTIONS = {
    "commitments.csv": N_("One row per commitment of every roadmap, with its latest assessment."),
    "twinning.csv": N_("One row per twinning link, listed once whichever end declares it."),
    "dialogue.csv": N_("One row per model of dialogue of every roadmap."),
}
