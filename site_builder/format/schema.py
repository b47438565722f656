"""The JSON Schema of the roadmap format, generated from `model`.

Editors that read YAML through a JSON Schema (the YAML language server, among others) use
it for completion and to show errors as authors type. A test keeps the committed copy in
`schema/` equal to what this module generates.
"""

from __future__ import annotations

import typing
from typing import Any

from site_builder.format.codes import COUNTRIES
from site_builder.format.fields import model_fields, shape
from site_builder.format.model import (
    MAX_LIST_ITEMS,
    AuthorityRoadmap,
    Code,
    Country,
    CountryRoadmap,
    Date,
    Number,
    Site,
    Text,
)


def _text(cls: type[Text], languages: list[str] | None) -> dict[str, Any]:
    doc = " ".join((cls.__doc__ or "").split())
    per_language: dict[str, Any] = {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": {"type": "string", "minLength": 1, "maxLength": cls.max_length},
    }
    if languages:
        per_language["propertyNames"] = {"enum": languages}
    return {
        "description": doc,
        "oneOf": [{"type": "string", "minLength": 1, "maxLength": cls.max_length}, per_language],
    }


class _Builder:
    def __init__(self, languages: list[str] | None):
        self.languages = languages
        self.defs: dict[str, Any] = {}

    def schema(self, annotation: Any) -> dict[str, Any]:
        found = shape(annotation)
        if found.kind == "union":
            return {"oneOf": [self.schema(option) for option in found.options]}
        if found.kind == "list":
            return {"type": "array", "items": self.schema(found.item), "maxItems": MAX_LIST_ITEMS}
        if found.kind == "words":
            return {"enum": list(found.words)}
        cls = found.cls
        if cls is bool:
            return {"type": "boolean"}
        if cls is Number:
            return {"type": "number", "minimum": Number.minimum}
        if cls is Date:
            # YAML reads a bare year as a number; the builder reads it as a date.
            return {
                "description": " ".join((Date.__doc__ or "").split()),
                "anyOf": [
                    {"type": "string", "pattern": f"^{Date.pattern}$"},
                    {"type": "integer", "minimum": Date.first_year, "maximum": Date.last_year},
                ],
                "examples": list(Date.examples),
            }
        if found.kind == "text":
            return self.ref(cls.__name__, lambda: _text(cls, self.languages))
        if isinstance(cls, type) and issubclass(cls, Code):
            return self.ref(cls.__name__, lambda: self.code(cls))
        if found.kind == "object":
            return self.ref(cls.__name__, lambda: self.object(cls))
        raise TypeError(f"no schema for {annotation!r}")

    def ref(self, name: str, build: typing.Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if name not in self.defs:
            self.defs[name] = {}  # placeholder against recursion
            self.defs[name] = build()
        return {"$ref": f"#/$defs/{name}"}

    def code(self, cls: type[Code]) -> dict[str, Any]:
        result: dict[str, Any] = {
            "type": "string",
            "title": cls.title,
            "description": " ".join((cls.__doc__ or "").split()),
            "pattern": f"^{cls.pattern}$",
            "maxLength": cls.max_length,
        }
        if cls is Country:
            result["enum"] = sorted(COUNTRIES)
        if cls.reserved:
            result["not"] = {"enum": sorted(cls.reserved)}
        if cls.examples:
            result["examples"] = list(cls.examples)
        return result

    def object(self, cls: type) -> dict[str, Any]:
        properties = {}
        required = []
        for name, spec in model_fields(cls).items():
            prop = dict(self.schema(spec.type))
            prop["description"] = spec.metadata["doc"]
            if spec.metadata.get("example") is not None:
                prop["examples"] = [spec.metadata["example"]]
            properties[name] = prop
            if spec.metadata.get("required"):
                required.append(name)
        result: dict[str, Any] = {
            "type": "object",
            "title": cls.__name__,
            "description": " ".join((cls.__doc__ or "").split()),
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            result["required"] = required
        return result


def json_schema(languages: list[str] | None = None, schema_id: str | None = None) -> dict[str, Any]:
    """One schema for every file: site settings, a country roadmap or a local authority's.

    With `languages`, keys of texts are limited to them, as the builder checks. `schema_id`
    is the schema's real address (`https://example.org/data/roadmap.schema.json`), given
    only when known: a schema without `$id` is better than one with a made-up address.
    """
    builder = _Builder(languages)
    choices = [builder.schema(cls) for cls in (CountryRoadmap, AuthorityRoadmap, Site)]
    identity = {"$id": schema_id} if schema_id else {}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **identity,
        "title": "Diaspora engagement roadmap",
        "description": (
            "site.yml, <cc>/country.yml or <cc>/<slug>.yml in a roadmaps folder. In a "
            "published site's data/ folder, each roadmaps/<id>.json wraps one roadmap as "
            '{"id", "file", "type": "country" or "local-authority", "data"}, where "data" '
            "follows this schema; roadmaps.json holds "
            '{"site": site settings, "outcomes": the outcome framework, "roadmaps": a list '
            "of those wrappers}."
        ),
        "oneOf": choices,
        "$defs": dict(sorted(builder.defs.items())),
    }
