"""Finding the roadmap files of a folder by their place: `site.yml`, `<cc>/country.yml`,
`<cc>/<slug>.yml`; anything else is reported, never read."""

from __future__ import annotations

import re
from pathlib import Path

from site_builder.errors import Problem
from site_builder.format.codes import COUNTRIES
from site_builder.format.model import (
    Id,
)

_SLUG = re.compile(Id.pattern)


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def discover(root: Path, problems: list[Problem]) -> list[tuple[str, Path]]:
    """Every roadmap file with its id, in a stable order; misplaced files are reported."""
    found: list[tuple[str, Path]] = []
    for entry in sorted(root.iterdir()):
        display = display_path(entry)
        if entry.is_file():
            if entry.suffix in (".yml", ".yaml") and entry.name != "site.yml":
                problems.append(
                    Problem(
                        display,
                        1,
                        1,
                        "",
                        "roadmap files belong in a country folder",
                        "move it to roadmaps/<cc>/, where <cc> is the country code",
                    )
                )
            continue
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        if entry.name.upper() not in COUNTRIES or entry.name != entry.name.lower():
            problems.append(
                Problem(
                    display,
                    1,
                    1,
                    "",
                    f"folder '{entry.name}' is not a country code",
                    "name the folder with the country's two-letter code in lower case, such as ml",
                )
            )
            continue
        for item in sorted(entry.iterdir()):
            item_display = display_path(item)
            if item.suffix == ".yaml":
                problems.append(
                    Problem(
                        item_display,
                        1,
                        1,
                        "",
                        "roadmap files end in .yml",
                        f"rename it to {item.stem}.yml",
                    )
                )
                continue
            if item.suffix != ".yml" or not item.is_file():
                continue
            slug = item.stem
            if slug == "country":
                found.append((entry.name, item))
            elif _SLUG.fullmatch(slug) and len(slug) <= Id.max_length:
                found.append((f"{entry.name}/{slug}", item))
            else:
                suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "name"
                problems.append(
                    Problem(
                        item_display,
                        1,
                        1,
                        "",
                        f"'{item.name}' is not a valid file name",
                        f"slugs use lower case letters, digits and hyphens: "
                        f"rename it to {suggestion}.yml",
                    )
                )
    return found
