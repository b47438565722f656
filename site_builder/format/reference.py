"""The field reference page, generated from `model` like the JSON Schema.

`python -m site_builder.format.reference` rewrites `schema/roadmap.schema.json` and the
built-in page `site_builder/defaults/docs/en/reference.md`; a test fails when either
differs from what the model says.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from site_builder.format.fields import model_fields, shape
from site_builder.format.model import (
    AuthorityRoadmap,
    Code,
    CountryRoadmap,
    Date,
    Name,
    Number,
    RichText,
    Site,
    Text,
)
from site_builder.format.schema import json_schema

SCHEMA_FILE = Path("schema/roadmap.schema.json")
REFERENCE_FILE = (
    Path(__file__).resolve().parent.parent / "defaults" / "docs" / "en" / "reference.md"
)


def _type_name(annotation: Any, parts: list[type]) -> str:
    found = shape(annotation)
    if found.kind == "union":
        return " or ".join(_type_name(option, parts) for option in found.options)
    if found.kind == "list":
        return f"list of {_type_name(found.item, parts)}"
    if found.kind == "words":
        return ", ".join(f"`{word}`" for word in found.words)
    if found.cls is bool:
        return "`true` or `false`"
    if found.cls is Number:
        return "number (not below zero)"
    if found.kind == "object":
        if found.cls not in parts:
            parts.append(found.cls)
        return f"[{found.cls.__name__}](#{found.cls.__name__.lower()})"
    return f"[{found.cls.__name__}](#value-types)"


def _doc(obj: object) -> str:
    return " ".join((obj.__doc__ or "").split())


CAPTION = "{: .dr-caption }"
"""Marks the paragraph above a table as its caption (`engine.captions`): every data table
of the site has one, for screen readers to announce it by."""


def reference_markdown() -> str:
    lines = [
        "# Field reference",
        "",
        "<!-- Generated from site_builder/format/model.py by "
        "`python -m site_builder.format.reference`. Do not edit by hand. -->",
        "",
        "Every field of every file, with its type and whether it is required. An optional "
        "field may be left out, but not left empty. The same descriptions appear in editors "
        "that use the JSON Schema (`schema/roadmap.schema.json`).",
        "",
        "## Value types",
        "",
        "How to write each type of value",
        CAPTION,
        "",
        "| type | how to write it | examples |",
        "| --- | --- | --- |",
    ]
    value_types: list[type] = [Text, RichText, Name, Date]
    value_types += sorted(Code.__subclasses__(), key=lambda c: c.__name__)
    for cls in value_types:
        examples = ", ".join(f"`{e}`" for e in getattr(cls, "examples", ()))
        lines.append(f"| {cls.__name__} | {_doc(cls)} | {examples} |")
    parts: list[type] = []
    for cls in (Site, CountryRoadmap, AuthorityRoadmap):
        parts.append(cls)
    index = 0
    while index < len(parts):
        cls = parts[index]
        index += 1
        lines += [
            "",
            f"## {cls.__name__}",
            "",
            _doc(cls),
            "",
            f"The fields of {cls.__name__}",
            CAPTION,
            "",
            "| field | type | required | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for name, spec in model_fields(cls).items():
            required = "yes" if spec.metadata.get("required") else ""
            lines.append(
                f"| `{name}` | {_type_name(spec.type, parts)} | {required} | "
                f"{spec.metadata['doc']} |"
            )
    return "\n".join(lines) + "\n"


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    SCHEMA_FILE.parent.mkdir(exist_ok=True)
    SCHEMA_FILE.write_text(schema_text(), "utf-8")
    REFERENCE_FILE.write_text(reference_markdown(), "utf-8")
    print(f"wrote {SCHEMA_FILE} and {REFERENCE_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
