"""Synthetic but realistic roadmaps in the contract's format, for tests and benchmarks.

Every field of the model is filled (from the model's own annotations, so a new field is
covered without touching this module), references resolve, and neighbouring local
authorities are twinned at both ends. Texts come from a function, so tests can put
hostile payloads in every Text and RichText field.
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
    Name,
    Number,
    RichText,
    RoadmapRef,
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


class _Filler:
    def __init__(self, languages: tuple[str, ...], text: TextMaker, seed: int):
        self.languages = languages
        self.text = text
        self.counter = itertools.count(seed)
        self.countries = sorted(COUNTRIES - {"XK"})

    def value(self, annotation: Any, path: str) -> Any:
        found = shape(annotation)
        if found.kind == "list":
            return [self.value(found.item, f"{path}[{i}]") for i in range(2)]
        if found.kind == "words":
            return found.words[next(self.counter) % len(found.words)]
        if found.kind == "union":
            return self.value(ExternalPartner, path)
        if found.kind == "text":
            rich = issubclass(found.cls, RichText)
            if issubclass(found.cls, Name) and next(self.counter) % 2:
                return self.text(self.languages[0], path, False)
            return {lang: self.text(lang, path, rich) for lang in self.languages}
        if found.cls is Date:
            return ["2005", "2006-03", "2007-06-15"][next(self.counter) % 3]
        if found.kind == "object":
            return {
                name: self.value(spec.type, f"{path}.{name}" if path else name)
                for name, spec in model_fields(found.cls).items()
            }
        n = next(self.counter)
        simple = {
            Id: f"item-{n}",
            Country: self.countries[n % len(self.countries)],
            Currency: "EUR",
            Url: f"https://example.org/{n}",
            Email: f"contact{n}@example.org",
            WikidataId: f"Q{n + 1}",
            LanguageCode: self.languages[0],
            bool: n % 2 == 0,
            Number: float(1000 * (n % 97 + 1)),
            RoadmapRef: "xx/none",
        }
        return simple[found.cls]


def _fix_references(data: dict[str, Any]) -> None:
    """Make ids unique and references point at this file's bodies and the framework."""
    data["published"], data["updated"] = "2006", "2008-03-15"
    bodies = [body["id"] for body in data.get("institutions", []) + data.get("organisations", [])]
    outcomes = [str(o.id) for o in default_outcomes("en")]
    for i, model in enumerate(data.get("dialogue", [])):
        model["participants"] = bodies[:2]
        model["id"] = f"dialogue-{i}"
    for i, commitment in enumerate(data.get("commitments", [])):
        commitment["id"] = f"commitment-{i}"
        commitment["outcome"] = outcomes[i % len(outcomes)]
        commitment["lead"] = bodies[0]
        commitment["partners"] = bodies[1:3]
        commitment["start"], commitment["end"] = "2006", "2009-12"
    for key in ("since", "until"):
        for link in data.get("twinning", []):
            link.pop(key, None)


def sample_files(
    countries: int,
    authorities_per_country: int,
    languages: tuple[str, ...],
    text: TextMaker = plain_text,
    seed: int = 0,
) -> Iterator[tuple[str, str]]:
    """(relative path, YAML text) of a site.yml and its roadmaps."""
    filler = _Filler(languages, text, seed)
    site = {
        "title": {lang: text(lang, "title", False) for lang in languages},
        "description": {lang: text(lang, "description", False) for lang in languages},
        "languages": list(languages),
    }
    yield "site.yml", _dump(site)
    codes = [c for c in filler.countries if c not in ("XK",)][:countries]
    for index, code in enumerate(codes):
        cc = code.lower()
        roadmap = filler.value(CountryRoadmap, "")
        roadmap["country"] = code
        _fix_references(roadmap)
        yield f"{cc}/country.yml", _dump(roadmap)
        for a in range(authorities_per_country):
            authority = filler.value(AuthorityRoadmap, "")
            authority["country"] = code
            _fix_references(authority)
            # Each authority is twinned with the same-numbered one of the next country, and
            # that one lists the link back, so every link has both ends.
            neighbours = [
                c
                for c in dict.fromkeys([codes[(index + 1) % len(codes)], codes[index - 1]])
                if c != code
            ]
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
) -> Path:
    for relative, content in sample_files(countries, authorities_per_country, languages, text):
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
