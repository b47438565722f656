"""Where a project keeps its parts, and the options of a build."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Project:
    """The folders and files of a site project, by default relative to the working directory."""

    roadmaps: Path = Path("roadmaps")
    """The YAML data: `site.yml` and one folder per country."""

    docs: Path = Path("docs")
    """Hand-written pages, one folder per language (`docs/en/about.md`)."""

    themes: Path = Path("themes")
    """Theme overrides, copied into every language's project as its `custom_dir`."""

    base_config: Path = Path("mkdocs.yml")
    """The base MkDocs configuration every language's configuration starts from."""


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

    jobs: int = field(default_factory=lambda: cores())
    """How many languages to build at once, each in its own process (default: one per
    core this process may run on)."""

    cache: bool = True
    """Keep built pages in a cache and take unchanged pages from it (see `cache_folder`)."""

    cache_dir: Path | None = None
    """Where the cache is; by default beside the site (`.site-cache` for `site`)."""

    site_url: str | None = None
    """Where the site is published (`https://example.org/roadmaps/`), when known: gives
    canonical links, absolute alternates and sitemaps."""

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


def cores() -> int:
    """The number of cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
