"""Finding the roadmap files of a folder by their place: `site.yml`, `<cc>/country.yml`,
`<cc>/<slug>.yml`; anything else is reported, never read.

Symbolic links are followed only inside the roadmaps folder: a link out of it (to
`/etc/passwd`, `/proc/self/environ`), a dangling link or a loop of links is reported by
the link's own name, and its target is never opened. Anything that is not a regular file
where a file is expected (a FIFO, a device, a folder named `x.yml`) is reported too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from site_builder import files
from site_builder.errors import Problem
from site_builder.format.codes import COUNTRIES
from site_builder.format.model import Id
from site_builder.format.values import RESERVED_NAMES, reserved_hint

_SLUG = re.compile(Id.pattern)


def display_path(path: Path) -> str:
    """The path relative to the current folder when it is under it; a link keeps its own
    name (its target is never shown)."""
    absolute = Path(os.path.abspath(path))
    if absolute.is_relative_to(cwd := Path(os.path.abspath(Path.cwd()))):
        return str(absolute.relative_to(cwd))  # the first tried below, without resolving
    for cwd in (Path(os.path.abspath(Path.cwd())), Path.cwd().resolve()):
        for candidate in (absolute, absolute.parent.resolve() / absolute.name):
            try:
                return str(candidate.relative_to(cwd))
            except ValueError:
                continue
    return str(path)


def entry_kind(path: Path, root: Path) -> tuple[str, str | None]:
    """What an entry of the roadmaps folder `root` is, and why it must not be read, if
    so (`files.entry_kind`); raises nothing."""
    return files.entry_kind(path, root, "the roadmaps folder")


_LINK_HINT = (
    "a roadmap is a regular .yml file inside the roadmaps folder: copy it in, or remove this"
)


def _refused(path: Path, message: str) -> Problem:
    return Problem(display_path(path), 1, 1, "", message, _LINK_HINT)


def unread_entries(folders: Iterable[tuple[Path, str]]) -> list[Problem]:
    """An error for each entry of the given input folders (the project's hand-written
    pages, its theme overrides; each with the words that name it) that the build does not
    read (`files.entry_kind`: a link out of the folder, dangling or looping, a FIFO...),
    in the order of their paths. A folder that does not exist has none."""
    return [
        Problem(
            display_path(path),
            1,
            1,
            "",
            why,
            f"a file of {folder} is a regular file inside it: copy it in, or remove this",
        )
        for root, folder in folders
        for path, why in files.refused_entries(root, folder)
    ]


def discover(root: Path, problems: list[Problem]) -> list[tuple[str, Path]]:
    """Every roadmap file with its id, in a stable order; misplaced files are reported."""
    found: list[tuple[str, Path]] = []
    for entry in sorted(root.iterdir()):
        display = display_path(entry)
        kind, refusal = entry_kind(entry, root)
        if entry.name.startswith(".") or entry.name == "site.yml":
            continue  # hidden; site.yml is read (and refused if need be) by load_dataset
        if refusal is not None:
            problems.append(_refused(entry, refusal))
            continue
        if kind == "file":
            if entry.suffix in (".yml", ".yaml"):
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
        if kind != "folder":
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
            if item.suffix != ".yml":
                continue
            kind, refusal = entry_kind(item, root)
            if kind == "folder":
                refusal = f"'{item.name}' is a folder, not a roadmap file"
            if refusal is not None:
                problems.append(_refused(item, refusal))
                continue
            slug = item.stem
            if slug == "country":
                found.append((entry.name, item))
            elif slug in RESERVED_NAMES:
                problems.append(
                    Problem(
                        item_display,
                        1,
                        1,
                        "",
                        f"'{item.name}' cannot be the file name of a roadmap",
                        reserved_hint(slug).replace("a file of that name", "this file"),
                    )
                )
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
