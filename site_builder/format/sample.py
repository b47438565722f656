"""Synthetic but realistic roadmaps in the contract's format, for tests and benchmarks.

Every field of the model is filled (from the model's own annotations, so a new field is
covered without touching this module), references resolve, and neighbouring local
authorities are twinned at both ends. Texts come from a function, so tests can put
hostile payloads in every Text and RichText field. A `Choices` object decides which
optional fields are written and how long each list is: by default every field, two items
per list; the property tests draw them, to build valid roadmaps with any subset of the
optional fields left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from site_builder.format.codes import COUNTRIES
from site_builder.format.fields import model_fields, shape
from site_builder.format.framework import default_outcomes
from site_builder.format.model import (
    AuthorityRoadmap,
    Country,
    CountryRoadmap,
    Currency,
    Date,
    Email,
    ExternalPartner,
    Id,
    LanguageCode,
    Location,
    Name,
    Number,
    PageId,
    RichText,
    RoadmapRef,
    Site,
    Url,
    WikidataId,
)

TextMaker = Callable[[str, str, bool], str]  # (language, field path, rich) -> text

_WORDS = [
    "diaspora",
    "dialogue",
    "forum",
    "matching",
    "fund",
    "women",
    "association",
    "village",
    "water",
    "school",
    "health",
    "council",
    "twinning",
    "cooperation",
    "assessment",
    "lessons",
    "results",
    "partners",
]


def plain_text(language: str, path: str, rich: bool) -> str:
    """Sentences like those roadmaps hold; one rich text in four uses Markdown."""
    seed = sum(map(ord, path))
    words = " ".join(_WORDS[(seed + i) % len(_WORDS)] for i in range(8))
    if not rich:
        return f"{language} {path.rsplit('.', 1)[-1]} {words}"
    sentence = f"{language.upper()}: {words.capitalize()}, {' '.join(_WORDS[seed % 5 :][:6])}."
    if seed % 4:
        return f"{sentence} {sentence}"
    return (
        f"{sentence} **{path}**.\n\n- {words}\n- [{_WORDS[seed % 7]}]"
        f"(https://example.org/{language}/{seed})\n"
    )


class Choices:
    """What a sample holds: `include` says whether an optional field (or a text's
    translation into a language other than the first) is written, `length` how many items
    a list has. This one writes everything, with two items per list."""

    def include(self, path: str) -> bool:
        return True

    def length(self, path: str) -> int:
        return 2


class _Filler:
    def __init__(
        self, languages: tuple[str, ...], text: TextMaker, seed: int, choices: Choices
    ) -> None:
        self.languages = languages
        self.text = text
        self.counter = itertools.count(seed)
        self.countries = sorted(COUNTRIES - {"XK"})
        self.choices = choices

    def value(self, annotation: Any, path: str) -> Any:
        found = shape(annotation)
        if found.kind == "list":
            return [
                self.value(found.item, f"{path}[{i}]") for i in range(self.choices.length(path))
            ]
        if found.kind == "words":
            return found.words[next(self.counter) % len(found.words)]
        if found.kind == "union":
            return self.value(ExternalPartner, path)
        if found.kind == "text":
            rich = issubclass(found.cls, RichText)
            if issubclass(found.cls, Name) and next(self.counter) % 2:
                return self.text(self.languages[0], path, False)
            return {
                lang: self.text(lang, path, rich)
                for lang in self.languages
                if lang == self.languages[0] or self.choices.include(f"{path}.{lang}")
            }
        if found.cls is Date:
            return ["2005", "2006-03", "2007-06-15"][next(self.counter) % 3]
        if found.kind == "object":
            result = {}
            for name, spec in model_fields(found.cls).items():
                field_path = f"{path}.{name}" if path else name
                if spec.metadata.get("required") or self.choices.include(field_path):
                    result[name] = self.value(spec.type, field_path)
            return result
        n = next(self.counter)
        simple = {
            Id: f"item-{n}",
            PageId: f"item-{n}",
            Country: self.countries[n % len(self.countries)],
            Currency: "EUR",
            Url: f"https://example.org/{n}",
            Email: f"contact{n}@example.org",
            WikidataId: f"Q{n + 1}",
            Location: f"{(n * 7) % 140 - 60}.5, {(n * 13) % 340 - 170}.25",
            LanguageCode: self.languages[0],
            bool: n % 2 == 0,
            Number: float(1000 * (n % 97 + 1)),
            RoadmapRef: "xx/none",
        }
        return simple[found.cls]


def _set_present(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a field the sample holds; leave it out when the sample left it out or when the
    value is an empty list."""
    if key in data:
        if value in ([], None):
            del data[key]
        else:
            data[key] = value


def _fix_references(data: dict[str, Any], outcomes: list[str]) -> None:
    """Make ids unique, references point at this file's bodies and at the framework's
    outcomes, and dates come in order."""
    _set_present(data, "published", "2006")
    _set_present(data, "updated", "2008-03-15")
    bodies = [body["id"] for body in data.get("institutions", []) + data.get("organisations", [])]
    for i, model in enumerate(data.get("dialogue", [])):
        _set_present(model, "participants", bodies[:2])
        model["id"] = f"dialogue-{i}"
    for i, commitment in enumerate(data.get("commitments", [])):
        commitment["id"] = f"commitment-{i}"
        commitment["outcome"] = outcomes[i % len(outcomes)]
        _set_present(commitment, "lead", bodies[0] if bodies else None)
        _set_present(commitment, "partners", bodies[1:3])
        _set_present(commitment, "start", "2006")
        _set_present(commitment, "end", "2009-12")
    for link in data.get("twinning", []):
        _set_present(link, "since", "1990")
        _set_present(link, "until", "2005")


def sample_files(
    countries: int,
    authorities_per_country: int,
    languages: tuple[str, ...],
    text: TextMaker = plain_text,
    seed: int = 0,
    choices: Choices | None = None,
) -> Iterator[tuple[str, str]]:
    """(relative path, YAML text) of a site.yml and its roadmaps.

    With `choices`, the site settings are drawn from the model too (an outcome framework
    of their own, a default language other than the first, or none of these)."""
    filler = _Filler(languages, text, seed, choices or Choices())
    outcomes = [str(o.id) for o in default_outcomes("en")]
    if choices is None:
        site: dict[str, Any] = {
            "title": {lang: text(lang, "title", False) for lang in languages},
            "description": {lang: text(lang, "description", False) for lang in languages},
            "languages": list(languages),
        }
    else:
        site = filler.value(Site, "")
        site["languages"] = list(languages)
        _set_present(site, "default_language", languages[-1])
        for i, outcome in enumerate(site.get("outcomes", [])):
            outcome["id"] = f"outcome-{i}"
        outcomes = [o["id"] for o in site.get("outcomes", [])] or outcomes
    yield "site.yml", _dump(site)
    codes = [c for c in filler.countries if c not in ("XK",)][:countries]
    for index, code in enumerate(codes):
        cc = code.lower()
        roadmap = filler.value(CountryRoadmap, "")
        roadmap["country"] = code
        _fix_references(roadmap, outcomes)
        yield f"{cc}/country.yml", _dump(roadmap)
        for a in range(authorities_per_country):
            authority = filler.value(AuthorityRoadmap, "")
            authority["country"] = code
            _fix_references(authority, outcomes)
            # Each authority is twinned with the same-numbered one of the next country, and
            # that one lists the link back, so every link has both ends.
            neighbours = [
                c
                for c in dict.fromkeys([codes[(index + 1) % len(codes)], codes[index - 1]])
                if c != code
            ]
            if "twinning" in authority:
                links = authority["twinning"][: max(len(neighbours), 1)]
                for link, other in zip(links, neighbours, strict=False):
                    link["partner"] = f"{other.lower()}/town-{a}"
                authority["twinning"] = links
            yield f"{cc}/town-{a}.yml", _dump(authority)


def write_sample(
    root: Path,
    countries: int,
    authorities_per_country: int,
    languages: tuple[str, ...],
    text: TextMaker = plain_text,
    choices: Choices | None = None,
) -> Path:
    """Write a sample site (see sample_files) under `root`; returns `root`."""
    files = sample_files(countries, authorities_per_country, languages, text, choices=choices)
    for relative, content in files:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    return root


class _Dumper(yaml.SafeDumper):
    pass


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not value.startswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
