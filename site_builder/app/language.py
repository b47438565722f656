"""One language through the build: render it, build it with the engine, index it.

`build_language` takes a language through every stage in this process (the live
preview, `build --jobs 1`); the build with more processes runs the same stages apart
(`STAGES`, see `app.workers`): `render` in the process that holds the roadmaps,
`build_project` in a process of its own. Each stage's function is looked up when called
(tests replace them).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

from site_builder.app.jobs import EarlyParts, LanguageDone, LanguageJob, Stages, project_built
from site_builder.engine import mkdocs as engine
from site_builder.engine import pagefind, properdocs
from site_builder.engine import project as engine_project
from site_builder.engine.cache import render_digest
from site_builder.engine.plugins import Part
from site_builder.files import folder_of_its_own
from site_builder.render import memo as render_memo
from site_builder.render.output import RenderedLanguage
from site_builder.render.pages import Plan, Renderer
from site_builder.views.context import SiteContext

ENGINES: dict[str, Callable[[Path, Path, str, bool, Path | None, Part | None], int]] = {
    "mkdocs": engine.build_project,
    properdocs.NAME: properdocs.build_project,
}
"""What builds a language's project: MkDocs in this process (whole, or the `Part` given:
`app.workers.engine_parts`), or ProperDocs in its own (always whole)."""


def render(
    context: SiteContext,
    job: LanguageJob,
    only: set[str] | None = None,
    previous: RenderedLanguage | None = None,
    early: EarlyParts | None = None,
) -> tuple[LanguageDone, RenderedLanguage]:
    """Render one language and write its engine's project; its summary (`pages`: the pages
    rendered) and the rendered pages (emptied unless `job.keep_rendered`). With `only`
    and `previous`, pages outside `only` are kept from `previous` (see
    `Renderer.render`). With `early`, when every page is to be rendered anew (the render
    cache holds none of the language's) and the pages can be built apart
    (`engine.project.pages_apart`), the pages are rendered and written part by part, and each
    part but the last is sent to the engine as soon as it is written (`EarlyParts`)."""
    started = time.perf_counter()
    if job.cache_dir is not None:  # the language's cache folders: links or files put there
        for folder in ("", "render", "search"):  # are removed, never followed
            folder_of_its_own(job.cache_dir / job.language / folder)
    memo = None
    if job.render_memo is not None:
        memo = (job.render_memo, render_digest())
        render_memo.prime(context.dataset)  # once for every language
    with _heap_frozen():  # the memory let go at the end: the roadmaps are not walked
        renderer = Renderer(context, job.language, job.project.docs_layers, job.site_url, memo)
        planned = renderer.plan(only, previous)
        rendered, base_config = planned.rendered, job.project.mkdocs_config()
        parts = _early_parts(renderer, planned, base_config, early)
        write = partial(
            engine_project.write_project,
            rendered,
            base_config,
            job.project.theme_layers,
            job.work / job.language,
            job.site_url,
            only_changed=job.keep_project,
            incremental=job.incremental,
        )
        if parts:
            assert early is not None
            config = write(later=set(planned.pending))
            for part in parts:
                paths = [path for path in planned.pending if part.holds(path)]
                renderer.fill(planned, paths)
                written = {path: rendered.pages[path] for path in paths}
                engine_project.write_pages(config, written, only_changed=job.keep_project)
                if part.number < part.count - 1:  # the last is sent with the language
                    seconds = time.perf_counter() - started
                    so_far = LanguageDone(job.language, len(rendered.pages), seconds, 0.0, config)
                    early.send(so_far, part)
        else:
            renderer.fill(planned)
        anew = None if renderer.memo is None else len(renderer.memo.rendered)
        if renderer.memo is not None:
            renderer.memo.save()  # for the next build
            # It holds every page's text and reads: kept, the texts let go below would
            # stay held while the engine runs (200 MB at 2000 roadmaps).
            renderer.memo = None
        if not parts:
            config = write()
        pages = len(rendered.pages)
        if not job.keep_rendered:
            rendered.pages.clear()
            release_memory()
    seconds = time.perf_counter() - started
    return LanguageDone(job.language, pages, seconds, 0.0, config, anew=anew), rendered


def _early_parts(
    renderer: Renderer, planned: Plan, base_config: dict[str, object], early: EarlyParts | None
) -> list[Part]:
    """The parts in which `render` renders and writes a language's pages, sending each but
    the last to the engine as soon as it is written; none to render it whole first."""
    if early is None or (renderer.memo is not None and renderer.memo.stored):
        return []  # how many pages are rendered anew is known once they are
    count = early.count(len(planned.pending))
    if count < 2 or not engine_project.pages_apart(base_config):
        return []
    return [Part(number, count) for number in range(count)]


def build_project(
    job: LanguageJob, rendered: LanguageDone, part: Part | None = None
) -> LanguageDone:
    """Build the engine's project that `render` wrote into `job.target` (in any
    process); the summary with the pages built, the engine's seconds and the pages taken
    from the cache. The project is removed once built, unless `job.keep_project`.
    With `part` (MkDocs only), only that part of the pages (`engine.Part`), while other
    processes build the others: the part's summary, whose pages are counted, and the
    project removed, by `project_built` once every part is built. Raises BuildFailed
    when the engine fails."""
    assert job.target is not None
    started = time.perf_counter()
    cache = job.cache_dir / job.language if job.cache_dir else None
    with engine.reproducible(job.epoch) if job.epoch is not None else contextlib.nullcontext():
        cached = ENGINES[job.engine](
            rendered.config, job.target, job.url_path, job.incremental, cache, part
        )
    seconds = time.perf_counter() - started
    done = replace(rendered, pages=0, engine_seconds=seconds, cached=cached)
    return done if part is not None else project_built(job, [done])


def build_language(
    context: SiteContext,
    job: LanguageJob,
    only: set[str] | None = None,
    previous: RenderedLanguage | None = None,
) -> tuple[LanguageDone, RenderedLanguage]:
    """One language in this process: `render`, then (unless `job.target` is None)
    `build_project` and, when `job.search`, its search index. Raises BuildFailed when the
    engine or the indexer fails."""
    done, rendered = render(context, job, only, previous)
    if job.target is None:
        return done, rendered
    done = build_project(job, done)
    if job.search:
        seconds = pagefind.index_language(job.target, job.search_cache).seconds
        done = replace(done, search_seconds=seconds)
    return done, rendered


def _render_one(
    context: SiteContext, job: LanguageJob, early: EarlyParts | None = None
) -> LanguageDone:
    return render(context, job, early=early)[0]  # looked up when called (tests replace them)


def _build_one(job: LanguageJob, rendered: LanguageDone, part: Part | None) -> LanguageDone:
    return build_project(job, rendered, part)


def _whole(context: SiteContext, job: LanguageJob) -> LanguageDone:
    return build_language(context, job)[0]


STAGES = Stages(render=_render_one, engine=_build_one, whole=_whole)
"""The build's stages of a language, for `run_languages` and `run_side_by_side`."""


@contextlib.contextmanager
def _heap_frozen() -> Iterator[None]:
    """The objects alive when the block starts (the roadmaps and views, most of the heap)
    left out of the garbage collector's full passes while it runs, which would walk them
    all again and again: a tenth of the render stage's time at 2000 roadmaps. Nothing
    is done when objects are frozen already (by whoever froze them, who unfreezes)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def release_memory() -> None:
    """Collect garbage and give the heap memory that is free back to the system (glibc's
    `malloc_trim`): Python's allocator keeps it otherwise, and a process forked later
    would carry it too. Does nothing where the C library has no `malloc_trim`."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
