"""The build, top to bottom: load → validate → views → render → engine → publish.

Everything is gathered and checked before anything is written. Each language then goes
through one unit of work, `build_language` (render, write the engine's project, build
it, index it for search), which `build`, `build --language`, `render` (without the
engine's build) and the live preview all call, with options. Languages are built one
after another or in forked worker processes; the build in progress is passed to them as
an argument (inherited by fork, never pickled), never kept in a module global. A staging
folder replaces the site only when every language has succeeded.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from site_builder.app.config import BuildOptions, Project
from site_builder.app.lifetime import die_with_parent
from site_builder.app.scaffold import write_schema
from site_builder.engine import mkdocs as engine
from site_builder.engine import pagefind, properdocs
from site_builder.engine.marks import theme_string_counts
from site_builder.errors import (
    BuildFailed,
    EnvironmentFault,
    InternalError,
    InvalidData,
    Problem,
    SiteBuilderError,
)
from site_builder.format.model import Dataset
from site_builder.load.quality import environment_epoch
from site_builder.load.validate import ReadCache, Report, load_dataset
from site_builder.publish.data import write_data
from site_builder.publish.root import write_root_files
from site_builder.publish.staging import Publisher, check_site_dir
from site_builder.render.environment import compile_templates
from site_builder.render.output import RenderedLanguage
from site_builder.render.pages import Renderer
from site_builder.views.context import SiteContext
from site_builder.views.provenance import last_changes, last_commit_time

# When neither SOURCE_DATE_EPOCH nor git tells the date of the data: 2007-07-10, the
# first Global Forum on Migration and Development, where the seed paper was discussed.
FALLBACK_EPOCH = 1184025600


@dataclass
class BuildResult:
    site_dir: Path
    languages: list[str]
    pages: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds, by stage
    cached: dict[str, int] = field(default_factory=dict)  # pages taken from the cache


Progress = Callable[[str], None]

ENGINES: dict[str, Callable[[Path, Path, str, bool, Path | None], int]] = {
    "mkdocs": engine.build_project,
    properdocs.NAME: properdocs.build_project,
}
"""What builds a language's project: MkDocs in this process, or ProperDocs in its own."""


def require_roadmaps(project: Project) -> None:
    """Raises EnvironmentFault when there is no roadmaps folder (run outside a project)."""
    if project.roadmaps.is_dir():
        return
    if os.path.lexists(project.roadmaps):
        hint = (
            f"pass the folder that holds site.yml: --roadmaps {project.roadmaps.parent}"
            if project.roadmaps.name == "site.yml"
            else "pass the folder that holds site.yml and the countries' folders"
        )
        raise EnvironmentFault(f"--roadmaps is not a folder: {project.roadmaps}; {hint}")
    raise EnvironmentFault(
        f"roadmaps folder not found: {project.roadmaps}; "
        "run from the project root or pass --roadmaps DIR"
    )


def validate(project: Project, *, strict: bool = False, cache: ReadCache | None = None) -> Report:
    """Read and check the roadmaps; raises EnvironmentFault when there is no roadmaps
    folder (run outside a project), a Report of the problems otherwise. The project's
    JSON Schema for editors (`schema/roadmap.schema.json`) is brought up to date when it
    exists."""
    require_roadmaps(project)
    write_schema(project.schema)
    return load_dataset(project.roadmaps, strict=strict, cache=cache)


def load_or_fail(
    project: Project, *, strict: bool, cache: ReadCache | None = None
) -> tuple[Dataset, list[Problem]]:
    report = validate(project, strict=strict, cache=cache)
    if report.dataset is None:
        raise InvalidData(report.problems)
    return report.dataset, report.warnings


def prepare(project: Project, dataset: Dataset) -> SiteContext:
    """Everything computed once for all languages: views, translation status, history."""
    return SiteContext.of(
        dataset, last_changes(project.roadmaps), project.docs_layers, theme_string_counts
    )


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
    engine: str = "mkdocs"
    """Which of ENGINES builds the project."""
    search: bool = True
    """Index the built pages for search; the preview does it in a background thread."""


@dataclass(frozen=True)
class LanguageDone:
    language: str
    pages: int
    render_seconds: float
    engine_seconds: float
    config: Path
    search_seconds: float = 0.0
    cached: int = 0


def build_language(
    context: SiteContext,
    job: LanguageJob,
    only: set[str] | None = None,
    previous: RenderedLanguage | None = None,
    indexing: AbstractContextManager[object] | None = None,
) -> tuple[LanguageDone, RenderedLanguage]:
    """Render one language, write its engine project, build it and index it for search
    (unless `job.target` is None, or `job.search` is false), the indexer run inside
    `indexing` (a lock shared by the workers). With `only` and `previous`,
    pages outside `only` are kept from `previous` (see `Renderer.render`). Raises
    BuildFailed when the engine or the indexer fails."""
    started = time.perf_counter()
    rendered = Renderer(context, job.language, job.project.docs_layers, job.site_url).render(
        only, previous
    )
    config = engine.write_project(
        rendered,
        job.project.mkdocs_config(),
        job.project.theme_layers,
        job.work / job.language,
        job.site_url,
        only_changed=job.incremental,
    )
    if not job.keep_rendered:
        rendered.pages.clear()
    done_rendering = time.perf_counter()
    pages, cached, search_seconds = 0, 0, 0.0
    done_building = done_rendering
    if job.target is not None:
        cache = job.cache_dir / job.language if job.cache_dir else None
        cached = ENGINES[job.engine](config, job.target, job.url_path, job.incremental, cache)
        done_building = time.perf_counter()
        if job.search:
            with indexing or contextlib.nullcontext():
                search_seconds = pagefind.index_language(job.target).seconds
        pages = sum(1 for _ in job.target.rglob("index.html"))
    done = LanguageDone(
        job.language,
        pages,
        done_rendering - started,
        done_building - done_rendering,
        config,
        search_seconds,
        cached,
    )
    return done, rendered


def render_projects(
    context: SiteContext,
    project: Project,
    out: Path,
    languages: tuple[str, ...] = (),
    site_url: str | None = None,
) -> dict[str, Path]:
    """Write each language's plain MkDocs project under `out/<lang>/`, building nothing."""
    configs = {}
    for language in languages or context.dataset.languages:
        done, _ = build_language(context, LanguageJob(language, project, out, None, site_url))
        configs[language] = done.config
    return configs


def build(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the whole site and publish it; raise UnsafeSiteDir (the site folder must not
    be replaced) or InvalidData before writing anything."""
    project = options.project
    keep, inputs = [project.roadmaps.parent], _inputs(project)
    check_site_dir(options.site_dir, keep, inputs)  # at once; the publisher checks again
    started = time.perf_counter()
    dataset, warnings = load_or_fail(project, strict=options.strict)
    languages = _chosen_languages(dataset, options.languages)
    result = BuildResult(options.site_dir, list(languages), warnings=warnings)
    result.timings["validate"] = time.perf_counter() - started
    started = time.perf_counter()
    context = prepare(project, dataset)
    for roadmap in dataset.roadmaps.values():
        roadmap.positions.clear()  # where each field is: for messages, all given above
    result.timings["prepare"] = time.perf_counter() - started
    epoch = source_date_epoch(project.roadmaps)
    with (
        engine.reproducible(epoch),
        Publisher(options.site_dir, keep=keep, inputs=inputs) as publisher,
    ):
        jobs = [
            LanguageJob(
                language,
                project,
                publisher.work,
                publisher.staging / language,
                options.site_url,
                f"{options.base_path}{language}/",
                options.cache_folder,
                engine=options.engine,
            )
            for language in languages
        ]
        # closing: a signal or an error stops the workers now, not when the generator is
        # collected (the traceback keeps it alive while the publisher cleans up).
        with contextlib.closing(_run(context, jobs, options.jobs)) as results:
            for done in results:
                result.pages[done.language] = done.pages
                result.seconds[done.language] = (
                    done.render_seconds + done.engine_seconds + done.search_seconds
                )
                result.timings[f"render:{done.language}"] = done.render_seconds
                result.timings[f"engine:{done.language}"] = done.engine_seconds
                result.timings[f"search:{done.language}"] = done.search_seconds
                result.cached[done.language] = done.cached
                if progress:
                    seconds = result.seconds[done.language]
                    progress(f"{done.language}: {done.pages} pages in {seconds:.1f} s")
        started = time.perf_counter()
        write_root_files(dataset, publisher.staging, options.site_url)
        write_data(dataset, context.views, publisher.staging, options.site_url)
        result.timings["data"] = time.perf_counter() - started
        publisher.publish()
    return result


def _inputs(project: Project) -> tuple[Path, ...]:
    """What a build reads, which the site folder must neither be, hold nor be inside."""
    return (project.roadmaps, project.docs, project.themes, project.base_config)


def _run(context: SiteContext, jobs: list[LanguageJob], workers: int) -> Iterator[LanguageDone]:
    """Each language on its own: one after another, or in forked worker processes that
    inherit `context` (fork passes arguments without pickling them). A worker that dies
    without answering fails the build; leaving early (an error, a signal turned into an
    exception by the command line) stops the workers still running. Workers also die
    when this process dies, even by SIGKILL (see `app.lifetime`)."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield build_language(context, job)[0]
        return
    engine.preload()
    compile_templates(jobs[0].language)
    # Objects made so far are left out of the workers' garbage collection, which would
    # otherwise write to every one of them and so copy the parent's memory into each.
    gc.collect()
    gc.freeze()
    fork = multiprocessing.get_context("fork")
    # One search indexer at a time: each holds a whole language in memory and uses every
    # core by itself, while the other workers go on building.
    indexing = fork.Lock()
    pending = list(jobs)
    running: dict[Connection, tuple[BaseProcess, LanguageJob]] = {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                job = pending.pop(0)
                receive, send = fork.Pipe(duplex=False)
                process = fork.Process(
                    target=_worker, args=(context, job, send, os.getpid(), indexing), daemon=True
                )
                process.start()
                send.close()
                running[receive] = (process, job)
            for ready in wait(list(running)):
                process, job = running.pop(ready)  # type: ignore[index]
                try:
                    outcome = ready.recv()  # type: ignore[union-attr]
                except EOFError:
                    outcome = BuildFailed(f"the process building '{job.language}' stopped")
                process.join()
                if isinstance(outcome, BaseException):
                    raise outcome
                yield outcome
    finally:
        for process, _ in running.values():
            if process.is_alive():
                process.kill()  # it writes only into folders that are removed
            process.join()
        gc.unfreeze()


def _worker(
    context: SiteContext,
    job: LanguageJob,
    send: Connection,
    parent: int,
    indexing: AbstractContextManager[object],
) -> None:
    """A forked worker: build one language and send back its summary or its error.

    The parent alone decides when to stop: SIGINT (Ctrl+C reaches the whole process
    group) is ignored, SIGTERM and SIGHUP kill at once (unless ignored from the start),
    and so does the parent's death."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # `nohup` stays nohup
            signal.signal(signum, signal.SIG_DFL)
    die_with_parent(parent)
    try:
        outcome: object = build_language(context, job, indexing=indexing)[0]
    except (SiteBuilderError, OSError) as exc:
        outcome = exc
    except Exception as exc:  # noqa: BLE001 - reported in the parent, which decides
        outcome = InternalError(
            f"building '{job.language}' failed: {exc!r}", traceback.format_exc()
        )
    send.send(outcome)
    send.close()


def _chosen_languages(dataset: Dataset, wanted: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [code for code in wanted if code not in dataset.languages]
    if unknown:
        raise InvalidData(
            [
                Problem(
                    dataset.site_path,
                    1,
                    1,
                    "languages",
                    f"language '{code}' is not a language of the site",
                    f"the site's languages: {', '.join(dataset.languages)}",
                )
                for code in unknown
            ]
        )
    return wanted or dataset.languages


def source_date_epoch(roadmaps: Path) -> int:
    """The date stamped into the build: SOURCE_DATE_EPOCH, else the data's last commit.
    Raises EnvironmentFault when SOURCE_DATE_EPOCH is set but not a valid date."""
    value = environment_epoch()
    if value is not None:
        return value
    committed = last_commit_time(roadmaps)
    if committed is not None:
        return committed
    return FALLBACK_EPOCH
