"""Where a project keeps its parts, and the options of a build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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

    base_path: str = "/"
    """The URL path the site is served under (`/` at a domain's root, `/roadmaps/` below
    it); used by pages that can be shown at any URL, such as the 404 page."""
