"""A language's unit of work: what the build's stages are given and give back.

`LanguageJob` says what to do with one language and how; `LanguageDone` is what a stage
gives back; `Stages` names the functions that take a language through the build
(`app.language.STAGES`), which `app.workers` runs in one process or several.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from site_builder.app.config import Project
from site_builder.engine.plugins import Part
from site_builder.files import remove_tree
from site_builder.views.context import SiteContext

Timings = dict[str, float]
"""Seconds by stage (`BuildResult.timings`)."""


@dataclass(frozen=True)
class LanguageJob:
    """One language's unit of work and its options."""

    language: str
    project: Project
    work: Path
    """Where the language's MkDocs project is written (`work/<lang>/mkdocs.yml`)."""
    target: Path | None = None
    """Where the language's pages are built; None writes the project only (`render`)."""
    site_url: str | None = None
    url_path: str = "/"
    """The URL path the language is served under (`/fr/`, `/roadmaps/fr/`)."""
    cache_dir: Path | None = None
    """The build cache of the whole site (engine/cache.py); None: no cache."""
    keep_rendered: bool = False
    """Return the rendered pages (the preview keeps them); otherwise they are let go once
    the engine's project is written, before the engine builds it."""
    incremental: bool = False
    """The preview: write only files whose text changed and let the engine rebuild only
    those pages (with `only` and `previous` given to `build_language`)."""
    keep_project: bool = False
    """The engine's project is kept in `work` for the next build (the preview's folder,
    the build cache's): written only where its files' text changed, and left there once
    built; otherwise the worker removes it, while other languages are still built."""
    engine: str = "mkdocs"
    """Which of ENGINES builds the project."""
    search: bool = True
    """Index the built pages for search; the preview does it in a background thread."""
    epoch: int | None = None
    """The date the engine stamps into the pages (SOURCE_DATE_EPOCH, seconds since 1970),
    set where it builds: the engine may run in a process forked before it was known;
    None: the environment's."""

    memo_dir: Path | None = None
    """Where the language's rendered pages are kept with what each read (render/memo.py),
    for the next render to take those whose reads give the same again, when the build
    cache does not keep them (`<cache>/<lang>/render`, not for `incremental` builds): the
    preview's work folder."""

    @property
    def render_memo(self) -> Path | None:
        """Where the language's render memo is (`memo_dir`, else in the build cache)."""
        if self.memo_dir is not None:
            return self.memo_dir
        if self.cache_dir is None or self.incremental:
            return None
        return self.cache_dir / self.language / "render"

    @property
    def search_cache(self) -> Path | None:
        """Where the language's search indexes are kept (engine/pagefind.py), if cached."""
        return self.cache_dir / self.language / "search" if self.cache_dir else None


@dataclass(frozen=True)
class LanguageDone:
    language: str
    pages: int
    """The pages rendered, once rendered; the pages built (`index.html`), once built."""
    render_seconds: float
    engine_seconds: float
    config: Path
    search_seconds: float = 0.0
    cached: int = 0
    anew: int | None = None
    """Of the pages rendered, those rendered anew, not taken from the render cache as
    they were (None: all): the engine finds the others in its cache, unless the project's
    settings or theme changed."""


@dataclass(frozen=True)
class EarlyParts:
    """How a language's render hands the engine parts of its pages before it ends, so
    that the engine builds them while the others render (`app.workers`): the pages are
    rendered part by part (`engine.Part`), and each part but the last is `sent` once its
    pages are written, with the summary of the render so far."""

    count: Callable[[int], int]
    """Into how many parts the engine's build of a language cuts the pages it renders
    anew (`app.workers.engine_parts`): 1 sends none early."""
    send: Callable[[LanguageDone, Part], None]


@dataclass(frozen=True)
class Stages:
    """What takes a language through the build, stage by stage."""

    render: Callable[[SiteContext, LanguageJob, EarlyParts | None], LanguageDone]
    """Render a language and write its engine's project, in this process (which holds the
    roadmaps): its summary with `pages` the pages rendered and no engine time yet; with
    `EarlyParts`, parts of it are sent to the engine before it ends."""
    engine: Callable[[LanguageJob, LanguageDone, Part | None], LanguageDone]
    """Build the project that `render` wrote, in any process (a ForkServer's): the
    summary with `pages` the pages built, the engine's seconds and the pages cached;
    given a `Part`, only that part of the pages, while other processes build the others
    (`engine_parts`), and the part's summary, with no pages (`project_built` counts
    them)."""
    whole: Callable[[SiteContext, LanguageJob], LanguageDone]
    """All of a language in this process: render, engine, and search when `job.search`."""


def project_built(job: LanguageJob, parts: list[LanguageDone]) -> LanguageDone:
    """A language whose project the engine built, in one part or several: its summary
    with the pages built in `job.target` (`index.html`), the engine's seconds and the
    pages cached summed over the parts. The project is removed, unless
    `job.keep_project`: while other languages are still built (left to the publisher, a
    project's files were all removed after the last language)."""
    assert job.target is not None
    if not job.keep_project:
        remove_tree(parts[0].config.parent)
    return replace(
        parts[0],
        pages=sum(1 for _ in job.target.rglob("index.html")),
        engine_seconds=sum(part.engine_seconds for part in parts),
        cached=sum(part.cached for part in parts),
    )
