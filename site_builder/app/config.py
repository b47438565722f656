"""Where a project keeps its parts, and the options of a build.

A project is a folder (by default the working directory) holding `roadmaps/`; everything
else is optional, as the tool ships defaults (`site_builder/defaults/`): the base MkDocs
configuration, the hand-written pages and the theme overrides. What the project holds is
laid over them (see `docs/data-repositories.md`):

- `mkdocs.yml` is merged into the built-in one: mappings key by key, at every depth; any
  other value (a list, a string, a number) replaces the built-in value; `null` removes it.
  It is checked as the roadmaps are (`app.settings`).
- `docs/<lang>/<name>.md` replaces the built-in page of the same path, or adds a page; an
  empty file removes the page of that name from every language.
- `themes/<path>` replaces the built-in theme file of the same path, or adds one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from site_builder.app.settings import read_settings, site_url_fault
from site_builder.errors import BadArgument, InvalidData, Problem

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
"""The built-in defaults shipped inside the package: `mkdocs.yml`, `docs/`, `themes/`."""


@dataclass(frozen=True)
class Project:
    """The folders and files of a site project, by default relative to the working directory."""

    roadmaps: Path = Path("roadmaps")
    """The YAML data: `site.yml` and one folder per country."""

    docs: Path = Path("docs")
    """Hand-written pages, one folder per language (`docs/en/about.md`), laid over the
    built-in ones."""

    themes: Path = Path("themes")
    """Theme overrides, laid over the built-in ones and copied into every language's
    project as its `custom_dir`."""

    base_config: Path = Path("mkdocs.yml")
    """MkDocs settings merged into the built-in base configuration."""

    schema: Path = Path("schema/roadmap.schema.json")
    """The JSON Schema editors read (the modeline of files written by `new` points to it);
    kept up to date by `init`, `new`, `validate` and `build` when it exists."""

    defaults: Path = DEFAULTS
    """The built-in layer under the project's own files."""

    @property
    def docs_layers(self) -> tuple[Path, ...]:
        """Folders of hand-written pages, built-in first; a later one wins per file."""
        return (self.defaults / "docs", self.docs)

    @property
    def theme_layers(self) -> tuple[Path, ...]:
        """Folders of theme overrides, built-in first; a later one wins per file."""
        return (self.defaults / "themes", self.themes)

    @property
    def watched(self) -> list[Path]:
        """What the live preview watches for changes."""
        return [self.roadmaps, self.docs, self.themes, self.base_config]

    def mkdocs_config(self) -> dict[str, Any]:
        """The built-in `mkdocs.yml` with the project's merged into it (see the module).

        Raises InvalidData with every problem of the project's file (`app.settings`)."""
        base = read_settings(self.defaults / "mkdocs.yml")
        if self.base_config.is_file():
            return merge_config(base, read_settings(self.base_config))
        return base

    def settings_problems(self) -> list[Problem]:
        """The problems of the project's `mkdocs.yml` ([] when it has none, or when there
        is none), found before anything is built."""
        try:
            self.mkdocs_config()
        except InvalidData as exc:
            return exc.problems
        return []


def merge_config(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`: mappings merged at every depth, anything else replaced,
    `None` removes the key. Neither argument is changed."""
    merged = dict(base)
    for key, value in over.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_config(merged[key], value)
        else:
            merged[key] = value
    return merged


def site_url_of(value: str | None) -> str | None:
    """A `--site-url` ending with `/` (None when not given); raises BadArgument for one
    that cannot be the site's address (`site_url_fault`)."""
    if value is None:
        return None
    fault = site_url_fault(value)
    if fault is not None:
        raise BadArgument("--site-url", f"{fault}: {value}")
    return value.rstrip("/") + "/"


@dataclass(frozen=True)
class BuildOptions:
    """What one `build` does."""

    project: Project = field(default_factory=Project)
    """Where the inputs are."""

    site_dir: Path = Path("site")
    """Where the site is published; replaced as a whole, and only by a complete build."""

    strict: bool = False
    """Treat warnings (such as a twinning link declared by one end only) as errors."""

    languages: tuple[str, ...] = ()
    """Build only these languages (all when empty)."""

    jobs: int = field(default_factory=lambda: default_jobs())
    """How many processes build at once (default: `default_jobs`): the build's, which
    renders the languages one after another, and those that build them with the engine
    (a large language in parts, up to three a core: `engine_parts`) and
    index them for search (`app.workers`). With 1, each language is built whole in the
    build's process."""

    memory: int | None = None
    """The megabytes (MiB) the build's processes may hold at once, by estimate (see
    `app.memory.MEMORY_BUDGET`, the default: 600): rendering, engines and search shards
    wait for room rather than run beside each other beyond it. A larger budget builds a large site
    faster where the memory is there."""

    cache: bool = True
    """Keep built pages in a cache and take unchanged pages from it (see `cache_folder`)."""

    cache_dir: Path | None = None
    """Where the cache is; by default beside the site (`.site-cache` for `site`)."""

    site_url: str | None = None
    """Where the site is published (`https://example.org/roadmaps/`), when known: gives
    canonical links, absolute alternates and sitemaps."""

    engine: str = "mkdocs"
    """What builds each language's project: `mkdocs` or `properdocs` (see docs/engines.md)."""

    @property
    def cache_folder(self) -> Path | None:
        """The build cache's folder, or None when the cache is off."""
        if not self.cache:
            return None
        return self.cache_dir or self.site_dir.parent / f".{self.site_dir.name}-cache"

    @property
    def base_path(self) -> str:
        """The URL path the site is served under (`/`, or `/roadmaps/`), for pages that can
        be shown at any URL, such as the 404 page."""
        path = urlsplit(self.site_url).path.strip("/") if self.site_url else ""
        return f"/{path}/" if path else "/"


def default_jobs() -> int:
    """One process more than the cores this process may run on: a process of the build
    spends part of its time waiting for the files it writes (at 500 roadmaps, 22.8 s of
    CPU took 14.4 s on 2 cores with two), and a third process runs meanwhile
    (`docs/benchmarks.md`). The memory budget still decides what starts."""
    return cores() + 1


def cores() -> int:
    """The number of cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
