"""The build, top to bottom: load → validate → views → render → engine → publish.

Everything is gathered and checked before anything is written. Each language then goes
through one unit of work, `build_language` (render, write the engine's project, build
it, index it for search), which `build`, `build --language`, `render` (without the
engine's build) and the live preview all call, with options. Languages are built one
after another or in forked worker processes (`app.workers`). A staging folder replaces
the site only when every language has succeeded.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from filelock import FileLock, Timeout

from site_builder import collector
from site_builder.app.config import BuildOptions, Project
from site_builder.app.forkserver import ForkServer
from site_builder.app.jobs import LanguageJob, Timings
from site_builder.app.language import STAGES, build_language
from site_builder.app.processes import can_fork, in_a_child, spread
from site_builder.app.scaffold import write_schema
from site_builder.app.workers import (
    fork_server,
    ready_to_render,
    run_languages,
    run_side_by_side,
)
from site_builder.engine import mkdocs as engine
from site_builder.engine.cache import render_digest
from site_builder.engine.marks import theme_string_counts
from site_builder.errors import (
    BadArgument,
    EnvironmentFault,
    InvalidData,
    Problem,
    sort_problems,
    stop_if_asked,
)
from site_builder.files import folder_of_its_own, remove_scratch
from site_builder.format.model import Dataset
from site_builder.load.discover import unread_entries
from site_builder.load.quality import environment_epoch
from site_builder.load.stored import StoredReads
from site_builder.load.validate import ReadCache, Report, load_dataset
from site_builder.publish.data import write_data
from site_builder.publish.records import StoredRecords
from site_builder.publish.root import RootFiles
from site_builder.publish.staging import (
    Publisher,
    check_cache_dir,
    check_projects_dir,
    check_site_dir,
    mark_cache,
    mark_projects,
)
from site_builder.render import memo
from site_builder.views.context import SiteContext
from site_builder.views.provenance import last_changes, last_commit_time

# When neither SOURCE_DATE_EPOCH nor git tells the date of the data: 2007-07-10, the
# first Global Forum on Migration and Development, where the seed paper was discussed.
FALLBACK_EPOCH = 1184025600

PROJECTS = "projects"
"""The folder of the build cache where the languages' engine projects are kept."""


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
    """Read and check the roadmaps, the project's `mkdocs.yml` and the entries of its
    `docs/` and `themes/` that are not read (`load.discover.unread_entries`: links out of
    them, FIFOs); raises EnvironmentFault when there is no roadmaps folder (run outside a
    project), a Report of all their problems otherwise (without a dataset when any is an
    error). The project's JSON Schema for editors (`schema/roadmap.schema.json`) is
    brought up to date when it exists."""
    require_roadmaps(project)
    write_schema(project.schema)
    report = load_dataset(project.roadmaps, strict=strict, cache=cache)
    also = project.settings_problems() + unread_entries(
        [(project.docs, "the docs folder"), (project.themes, "the theme overrides folder")]
    )
    if also:
        return Report(None, sort_problems(report.problems + also))
    return report


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


def render_projects(
    context: SiteContext,
    project: Project,
    out: Path,
    languages: tuple[str, ...] = (),
    site_url: str | None = None,
) -> dict[str, Path]:
    """Write each language's plain MkDocs project under `out/<lang>/`, building nothing.
    Raises UnsafeSiteDir, writing nothing, unless `out` is new, empty or one `render`
    wrote (`check_projects_dir`): it writes over the projects' files and removes what they
    no longer hold."""
    check_projects_dir(out, [project.roadmaps.parent], _inputs(project))
    mark_projects(out)
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
    if options.cache_folder is not None:  # before anything is written into it
        check_cache_dir(options.cache_folder, options.site_dir, keep, inputs)
    with contextlib.ExitStack() as stack:
        # First the server that forks the engine's processes, while this process is small.
        server = stack.enter_context(_fork_server(options.jobs))
        read = _read(options)
        result = BuildResult(options.site_dir, list(read.languages), warnings=read.warnings)
        result.timings.update(read.timings)
        epoch = source_date_epoch(project.roadmaps)
        stack.enter_context(engine.reproducible(epoch))
        publisher = stack.enter_context(Publisher(options.site_dir, keep=keep, inputs=inputs))
        if options.cache_folder is not None:  # once there is a project to build
            mark_cache(options.cache_folder)  # after the site folder: its own faults first
            # What killed builds left half written (engine projects hold none).
            remove_scratch(options.cache_folder, skip=(PROJECTS,))
        work, kept = stack.enter_context(_projects_folder(options.cache_folder, publisher.work))
        jobs = [
            LanguageJob(
                language,
                project,
                work,
                publisher.staging / language,
                options.site_url,
                f"{options.base_path}{language}/",
                options.cache_folder,
                engine=options.engine,
                keep_project=kept,
                epoch=epoch,
            )
            for language in read.languages
        ]
        open_data = partial(_write_open_data, options, publisher.staging)
        if server is None:
            with collector.paused():
                context = pickle.loads(read.take_context())
            languages_built = run_languages(context, jobs, STAGES, open_data, result.timings)
            del context  # held by the generator alone, let go when it ends
        else:  # this process never holds the roadmaps: the renderer makes them
            budget = options.memory * 2**20 if options.memory else None
            languages_built = run_side_by_side(
                read.take_context(),
                jobs,
                options.jobs,
                STAGES,
                server,
                open_data,
                result.timings,
                budget,
            )
        try:
            with contextlib.closing(languages_built) as results:
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
        finally:  # the engines' processes gone before the publisher cleans up
            if server is not None:
                server.stop()
        read.root.write(publisher.staging, options.site_url)  # from what was built
        stop_if_asked()  # a stop Python dropped (see Stopped) publishes nothing either
        publisher.publish()
    return result


def stored_records(folder: Path, dataset: Dataset) -> StoredRecords:
    """The open-data records kept in `folder` (the build cache's, the preview's), under a
    key of this builder and of each roadmap of `dataset` (`publish/records.py`)."""
    return StoredRecords(folder, render_digest(), memo.roadmap_digests(dataset))


def _write_open_data(options: BuildOptions, staging: Path, context: SiteContext) -> Timings:
    """Write the open data (where the roadmaps are, while the engines build); its
    seconds as `data`."""
    started = time.perf_counter()
    records = None
    dataset = context.dataset
    if options.cache_folder is not None:
        records = stored_records(options.cache_folder / "data", dataset)
    write_data(dataset, context.views, staging, options.site_url, records)
    return {"data": time.perf_counter() - started}


@dataclass
class _Read:
    """What reading the roadmaps gives this process: the roadmaps and views pickled
    (`SiteContext`, made only where they are used), and what this process needs of
    them."""

    warnings: list[Problem]
    timings: Timings
    languages: tuple[str, ...]
    """The languages to build."""
    root: RootFiles
    pickled: bytes | pickle.PickleBuffer | None
    """Sent apart from the rest by `in_a_child`, uncopied."""

    def take_context(self) -> bytes | pickle.PickleBuffer:
        """The pickled context, which this object then no longer holds."""
        pickled, self.pickled = self.pickled, None
        assert pickled is not None
        return pickled


@contextlib.contextmanager
def _projects_folder(cache: Path | None, scratch: Path) -> Iterator[tuple[Path, bool]]:
    """Where the languages' engine projects are written, and whether they are kept: in the
    build cache (`<cache>/projects/`, under a lock), for the next build, which then
    writes only the files whose text changed (writing every page's file again was a
    third of a language's rebuild after one edit); in `scratch` without a cache, or while
    another build holds the cache's."""
    folder = cache / PROJECTS if cache is not None else None
    lock = None
    if folder is not None:
        try:
            folder_of_its_own(folder)
            lock = FileLock(folder / ".lock", mode=0o644)
            lock.acquire(timeout=0)
        except (OSError, Timeout):
            lock = None
    if folder is None or lock is None:
        yield scratch, False
        return
    try:
        yield folder, True
    finally:
        lock.release()


def _read(options: BuildOptions) -> _Read:
    """The roadmaps read and checked in a process of their own (`_prepared`): the memory
    that reading takes and lets go stays there. Meanwhile, this process gets ready to
    render (the templates' code is the same for every language, so the interface's
    source language, English, compiles it) and, with one process, to build with the
    engine. Raises as `load_or_fail`, or BadArgument for a language the site has not."""
    reads = None
    if options.cache_folder is not None:  # once, before the reader is forked
        reads = StoredReads(options.cache_folder / "read", render_digest())

    def meanwhile() -> None:
        ready_to_render("en")
        if options.jobs <= 1:
            engine.preload()

    return in_a_child(_prepared, options, reads, meanwhile=meanwhile)


def _prepared(options: BuildOptions, reads: StoredReads | None = None) -> _Read:
    """The roadmaps read and checked, what is computed across them (`prepare`), pickled,
    and the seconds each stage took (`validate`, `prepare`). Files read by an earlier
    build are taken from `reads` (the build cache's) when unchanged. Field positions are
    let go once every message is made."""
    started = time.perf_counter()
    project = options.project
    # With more than one process, two read the files (the other forked from this one).
    cache = ReadCache(reads, spread if options.jobs > 1 else None)
    dataset, warnings = load_or_fail(project, strict=options.strict, cache=cache)
    languages = _chosen_languages(dataset, options.languages)
    read = time.perf_counter()
    context = prepare(project, dataset)
    for roadmap in dataset.roadmaps.values():
        roadmap.positions.clear()  # where each field is: for messages, all given above
    pickled = pickle.PickleBuffer(pickle.dumps(context, protocol=pickle.HIGHEST_PROTOCOL))
    timings = {"validate": read - started, "prepare": time.perf_counter() - read}
    return _Read(warnings, timings, languages, RootFiles.of(dataset), pickled)


@contextlib.contextmanager
def _fork_server(jobs: int) -> Iterator[ForkServer | None]:
    """The server forking the build's processes (`app.processes`) when more than one
    process builds, started now (while this process is small) and stopped on leaving,
    with the processes still running; None otherwise."""
    if jobs <= 1 or not can_fork():
        yield None
        return
    server = fork_server(STAGES)
    try:
        yield server
    finally:
        server.stop()


def _inputs(project: Project) -> tuple[Path, ...]:
    """What a build reads, which the site folder must neither be, hold nor be inside."""
    return (project.roadmaps, project.docs, project.themes, project.base_config)


def _chosen_languages(dataset: Dataset, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The languages `--language` asks for (all when none); raises BadArgument for one
    the site has not."""
    unknown = [code for code in wanted if code not in dataset.languages]
    if unknown:
        named = ", ".join(f"'{code}'" for code in unknown)
        what = "is not a language" if len(unknown) == 1 else "are not languages"
        raise BadArgument(
            "--language",
            f"{named} {what} of the site; the site's languages are {', '.join(dataset.languages)}",
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
