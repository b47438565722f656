"""`new country` and `new authority`: a valid, commented starting file in the right place."""

from __future__ import annotations

import functools
import os
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from site_builder.errors import BadArgument, EnvironmentFault
from site_builder.files import entry_kind
from site_builder.format.codes import COUNTRIES
from site_builder.format.model import AuthorityKind, Id, Role
from site_builder.format.reference import schema_text
from site_builder.format.values import RESERVED_NAMES, reserved_hint

SCHEMA = Path("schema/roadmap.schema.json")

_COMMON_OPTIONAL = """\
# Everything below is optional: remove the `# ` in front of the lines you need.
# The site's field reference lists every field; `diaspora-roadmaps validate` checks.
#
# summary:
#   {lang}: |
#     What the roadmap is about, in a few paragraphs. Markdown works: *emphasis*,
#     **strong**, lists and [links](https://example.org).
# published: {year}
# contact:
#   name: {{{lang}: Office in charge of the diaspora}}
#   email: diaspora@example.org
# partner_countries: [FR, BE]
# institutions:
#   - id: diaspora-office
#     name: {{{lang}: Office in charge of the diaspora}}
#     kind: agency
# organisations:
#   - id: residents-association
#     name: {{{lang}: Association of residents from abroad}}
#     based_in: [FR]
#     capacity: growing
#     women_led: false
# dialogue:
#   - id: yearly-forum
#     name: {{{lang}: Yearly forum with the diaspora}}
#     level: local
#     format: forum
#     participants: [diaspora-office, residents-association]
# commitments:
#   - id: first-commitment
#     title: {{{lang}: What is promised, in a few words}}
#     outcome: codevelopment
#     lead: diaspora-office
#     start: {year}
#     status: planned
#     gender: {{{lang}: How women take part and benefit.}}
"""

COUNTRY = (
    """\
# yaml-language-server: $schema={schema}
# The national roadmap of {code}. Written with `diaspora-roadmaps new country`.
country: {code}
role: {role}
title:
  {lang}: "TODO: title of the roadmap"
# recognition:
#   dual_citizenship: allowed
#   voting_from_abroad: restricted
"""
    + _COMMON_OPTIONAL
)

AUTHORITY = (
    """\
# yaml-language-server: $schema={schema}
# The roadmap of a local authority. Written with `diaspora-roadmaps new authority`.
name: {name}
country: {code}
kind: {kind}
# development_plan: https://example.org/development-plan
# twinning:
#   - partner: {partner}
#     kind: decentralised-cooperation
#     since: 2001
#     status: active
#     diaspora: {diaspora}
"""
    + _COMMON_OPTIONAL
)


def check_country(code: str, argument: str = "CC") -> str:
    """The country code given as `argument`, in upper case; raises BadArgument unless it
    is an ISO 3166-1 code."""
    if code.upper() not in COUNTRIES:
        raise BadArgument(argument, f"'{code}' is not an ISO 3166-1 country code, such as ML or FR")
    return code.upper()


def _country_folder(roadmaps: Path, code: str) -> Path:
    """The folder of a country's roadmaps; raises EnvironmentFault when it is there but is
    not a folder inside `roadmaps` (a link out of it, dangling or looping: `files.
    entry_kind`), which validation would refuse too."""
    folder = roadmaps / code.lower()
    if folder.exists() or folder.is_symlink():
        kind, why = entry_kind(folder, roadmaps, "the roadmaps folder")
        if why is None and folder.is_symlink():  # to another country's folder, say
            why = f"'{folder.name}' is a symbolic link: new writes only into a folder"
        if why is not None or kind != "folder":
            raise EnvironmentFault(
                f"{folder}: {why or 'it is not a folder'}; nothing was written "
                "(a country's roadmaps are a folder inside the roadmaps folder)"
            )
    return folder


def _write(target: Path, text: str) -> Path:
    """Write a new file; raises EnvironmentFault if anything, even a dangling symbolic
    link (which would write elsewhere), is already at `target`."""
    exists = EnvironmentFault(f"{target} already exists; nothing was written")
    if target.exists() or target.is_symlink():
        raise exists
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # "x" (O_EXCL): never overwrite nor follow a link, even racing another writer.
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise exists from None
    return target


def _schema_from(target: Path, schema: Path) -> str:
    """The modeline's schema: a relative path, with `/` on every system."""
    return Path(os.path.relpath(schema.resolve(), target.parent.resolve())).as_posix()


_schema_text = functools.cache(schema_text)  # 10 ms a time, and the same in a process


def write_schema(path: Path, *, create: bool = False) -> bool:
    """Write the JSON Schema editors read at `path` (`schema/roadmap.schema.json`) when it
    is out of date, or missing and `create` is set; True when written. Raises OSError."""
    text = _schema_text()
    if not path.is_file():
        if not create:
            return False
    elif path.read_text("utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return True


def new_country(
    roadmaps: Path, code: str, role: str, language: str, year: int, schema: Path = SCHEMA
) -> Path:
    """Write `roadmaps/<cc>/country.yml`, whose modeline points to `schema`; return its path.

    Raises BadArgument for an unknown country, EnvironmentFault for a file that exists."""
    code = check_country(code)
    target = _country_folder(roadmaps, code) / "country.yml"
    text = COUNTRY.format(
        schema=_schema_from(target, schema), code=code, role=role, lang=language, year=year
    )
    return _write(target, text)


def new_authority(
    roadmaps: Path,
    code: str,
    slug: str,
    kind: str,
    language: str,
    year: int,
    authorities: tuple[str, ...] = (),
    schema: Path = SCHEMA,
) -> Path:
    """Write `roadmaps/<cc>/<slug>.yml`, whose modeline points to `schema`; return its path.
    Its commented twinning example names a roadmap of `authorities` (the site's local
    authorities), preferably abroad, never one from elsewhere; with none, a partner
    without a roadmap here.

    Raises BadArgument for an unknown country or a bad slug, EnvironmentFault for a file
    that exists."""
    code = check_country(code)
    if slug in RESERVED_NAMES:
        raise BadArgument("SLUG", reserved_hint(slug))
    if slug == "country":
        raise BadArgument("SLUG", "'country' names the country's own roadmap: choose another")
    if not re.fullmatch(Id.pattern, slug):
        raise BadArgument(
            "SLUG",
            f"'{slug}' cannot be a file name: use lower case letters, "
            "digits and hyphens, such as saint-louis",
        )
    target = _country_folder(roadmaps, code) / f"{slug}.yml"
    name = " ".join(part.capitalize() for part in slug.split("-"))
    others = sorted(a for a in authorities if a != f"{code.lower()}/{slug}")
    abroad = [a for a in others if not a.startswith(f"{code.lower()}/")]
    example = (abroad or others or [None])[0]
    partner = (
        f"{example}   # another roadmap of this site: its folder/file name"
        if example
        else "{name: Dubai, country: AE}   # a partner without a roadmap on this site"
    )
    text = AUTHORITY.format(
        schema=_schema_from(target, schema),
        name=name,
        code=code,
        kind=kind,
        lang=language,
        year=year,
        partner=partner,
        diaspora=example.split("/")[0].upper() if example else "AE",
    )
    return _write(target, text)


def next_step(path: Path) -> str:
    """What the author does next with a file `new` wrote, read from the file itself: the
    lines marked TODO when it has any, else the optional fields to uncomment."""
    lines = path.read_text("utf-8").splitlines()
    todo = [n for n, line in enumerate(lines, 1) if "TODO" in line and not line.startswith("#")]
    then = "then run `diaspora-roadmaps validate`"
    if todo:
        where = ", ".join(str(n) for n in todo)
        return f"write the text marked TODO (line {where}), {then}"
    return f"remove the `# ` in front of the optional fields you need and fill them in, {then}"


def add_new_command(commands: Any, handler: Callable[[Any], int]) -> tuple[Any, Any, Any]:
    """The `new country|authority` command's arguments, on the command line's
    subparsers; returns the parsers of `new`, `new country` and `new authority`."""
    new = commands.add_parser("new", help="write a commented starting file for a new roadmap")
    kinds = new.add_subparsers(dest="what", required=True, metavar="WHAT")
    country = kinds.add_parser("country", help="a national roadmap: new country CC --role ROLE")
    country.add_argument("code", metavar="CC", help="the country's ISO code, such as ML")
    country.add_argument("--role", required=True, choices=typing.get_args(Role))
    authority = kinds.add_parser(
        "authority", help="a local authority's roadmap: new authority CC SLUG --kind KIND"
    )
    authority.add_argument("code", metavar="CC", help="the country's ISO code, such as FR")
    authority.add_argument("slug", metavar="SLUG", help="the file name, such as saint-louis")
    authority.add_argument("--kind", required=True, choices=typing.get_args(AuthorityKind))
    for sub in (country, authority):
        sub.add_argument(
            "--roadmaps",
            type=Path,
            default=Path("roadmaps"),
            help="the roadmaps folder (default: roadmaps/)",
        )
    new.set_defaults(handler=handler)
    return new, country, authority
