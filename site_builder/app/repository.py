"""`init`: a new site repository that holds only data, built with the installed tool.

What it writes is in `new_site/` beside this module; `@VERSION@`, `@LANGUAGE@` and
`@LANGUAGES@` in those files are replaced with this tool's version and the site's
languages.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from site_builder import __version__
from site_builder.app import scaffold
from site_builder.errors import BadArgument, EnvironmentFault
from site_builder.format.model import Role
from site_builder.format.values import Invalid, LanguageCode

TEMPLATES = Path(__file__).parent / "new_site"

FILES = {
    "site.yml": "roadmaps/site.yml",
    "README.md": "README.md",
    "requirements.txt": "requirements.txt",
    "github-workflow.yml": ".github/workflows/site.yml",
    "dependabot.yml": ".github/dependabot.yml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "vscode-settings.json": ".vscode/settings.json",
    "vscode-extensions.json": ".vscode/extensions.json",
    "editorconfig": ".editorconfig",
    "gitignore": ".gitignore",
}
"""Template file name → path in the new repository."""

SCHEMA = Path("schema/roadmap.schema.json")


def add_init_command(commands: Any, handler: Callable[[Any], int]) -> None:
    """The `init DIR` command's arguments, on the command line's subparsers."""
    init = commands.add_parser("init", help="write a new site repository (data, CI, editors)")
    init.add_argument("directory", type=Path, metavar="DIR", help="where to write it")
    init.add_argument(
        "--language",
        action="append",
        default=[],
        metavar="LANG",
        help="a language of the site, the first is the default (repeatable; default: en)",
    )
    init.add_argument("--country", default="ML", metavar="CC", help="the first roadmap's (ML)")
    init.add_argument("--role", default="origin", choices=typing.get_args(Role))
    init.set_defaults(handler=handler)


def init_repository(
    target: Path, languages: Sequence[str], country: str, role: str, year: int
) -> list[Path]:
    """Write a new site repository into `target` (created if missing): the files of
    `FILES`, the JSON Schema and one commented national roadmap of `country`. Returns the
    paths written.

    Raises, before writing anything, BadArgument when a language or the country is
    unknown, EnvironmentFault when any of those files exists."""
    unknown = [code for code in languages if not _known_language(code)]
    if not languages or unknown:
        raise BadArgument(
            "--language",
            f"unknown language code(s): {', '.join(unknown) or '(none given)'}; "
            "use BCP 47 codes such as en, fr, ar or pt-BR",
        )
    scaffold.check_country(country, "--country")
    roadmap = target / "roadmaps" / country.lower() / "country.yml"
    paths = [target / path for path in FILES.values()] + [target / SCHEMA, roadmap]
    existing = [str(path) for path in paths if path.exists()]
    if existing:
        raise EnvironmentFault(f"nothing was written: {', '.join(existing)} already exist(s)")
    for name, path in FILES.items():
        text = (TEMPLATES / name).read_text("utf-8")
        text = text.replace("@VERSION@", __version__)
        text = text.replace("@LANGUAGES@", ", ".join(languages))
        text = text.replace("@LANGUAGE@", languages[0])
        path = target / path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # never overwrite, even racing
            handle.write(text)
    scaffold.write_schema(target / SCHEMA, create=True)
    scaffold.new_country(
        target / "roadmaps", country, role, languages[0], year, schema=target / SCHEMA
    )
    return paths


def _known_language(code: str) -> bool:
    try:
        LanguageCode.parse(code)
    except Invalid:
        return False
    return True
