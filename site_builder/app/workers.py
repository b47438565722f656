"""Languages built side by side: each language through its stages, within a memory budget.

`run_languages` takes each language through the stages it is given (`app.build.STAGES`):
render it and write its engine's project, build the project with the engine, index the
built pages for search, shard by shard. With one process, one language after another,
each whole. With more, this process renders the languages one after another (it holds
the roadmaps and views, which a forked process would copy as it reads them: Python
writes reference counts into every object it touches), while processes forked by a
`ForkServer` (made before the roadmaps were read) build the rendered languages with the
engine and index their shards, as many at once as the cores given and the memory budget
allow. The build in progress is passed as an argument, never kept in a module global.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.app.config import Project
from site_builder.app.processes import ForkServer, resident
from site_builder.engine import mkdocs as engine
from site_builder.engine import pagefind
from site_builder.render.environment import compile_templates
from site_builder.views.context import SiteContext


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


@dataclass(frozen=True)
class Stages:
    """What takes a language through the build, stage by stage."""

    render: Callable[[SiteContext, LanguageJob], LanguageDone]
    """Render a language and write its engine's project, in this process (which holds the
    roadmaps): its summary with `pages` the pages rendered and no engine time yet."""
    engine: Callable[[LanguageJob, LanguageDone], LanguageDone]
    """Build the project that `render` wrote, in any process (a ForkServer's): the
    summary with `pages` the pages built, the engine's seconds and the pages cached."""
    whole: Callable[[SiteContext, LanguageJob], LanguageDone]
    """All of a language in this process: render, engine, and search when `job.search`."""


MEMORY_BUDGET = 600 * 2**20
"""The bytes the build's processes may hold at once by default (`BuildOptions.memory`),
by the estimates below: a process is started, and a language rendered here, only while
this process, the processes running and it fit (one always runs)."""

RENDER_SHARE = 0.75
"""What rendering a language adds to this process at its peak (the rendered pages and
what the build cache keeps of them, until written), over what this process holds when it
starts: at 2000 roadmaps × 3 languages, 147 MB over 204 MB (`benchmarks/memory.py` on
`build --jobs 1 --language en`)."""

_ENGINE_MB, _ENGINE_PAGE_MB = 40, 0.024
"""An engine's process at its peak, by estimate: 115 MB for 3200 pages of Material
(peak RSS of `engine.build_project` over a language of 2000 roadmaps, in a process that
had imported the engine: 34 MB), with 40 MB of it the imported engine."""


def engine_memory(pages: int) -> int:
    """The bytes the engine's process building `pages` pages holds at its peak."""
    return int((_ENGINE_MB + _ENGINE_PAGE_MB * pages) * 2**20)


def fork_server(stages: Stages) -> ForkServer:
    """The server that forks the processes of `run_languages`: make it while this process
    is still small, before the roadmaps are read. It imports the engine first, for all
    the processes it forks to share."""
    return ForkServer({"engine": stages.engine, "index": _index_shard}, prepare=engine.preload)


@dataclass
class _Unit:
    """Work for a process of the ForkServer."""

    name: str  # "engine" or "index"
    job: LanguageJob
    args: tuple
    cost: int  # bytes, estimated
    shard: int = -1  # its number, for "index"


@dataclass
class _Indexing:
    """A built language whose shards are being indexed."""

    built: LanguageDone
    shards: list[pagefind.Shard]
    keys: dict[int, str | None] = field(default_factory=dict)
    seconds: float = 0.0


def run_languages(
    context: SiteContext,
    jobs: list[LanguageJob],
    workers: int,
    stages: Stages,
    meanwhile: Callable[[], object] | None = None,
    budget: int | None = None,
    server: ForkServer | None = None,
    release: Callable[[], object] | None = None,
) -> Iterator[LanguageDone]:
    """Each language through `stages`: one after another, whole, in this process, without
    a `server` or with one worker; otherwise each language is rendered here, one after
    another, and built by the engine and then indexed for search shard by shard
    (`pagefind.plan`) in the server's processes. A language's pages are indexed once its
    engine has ended, so an indexer never holds what the engine took.

    At most `workers` processes work at once (rendering here counts as one), and only as
    many as fit in `budget` bytes (MEMORY_BUDGET when None) by estimate, this process's
    memory measured each time; an engine waiting for room goes before the next language's
    rendering, and that before a search shard. A unit's error is raised here; the caller
    stops the server, which stops the processes still running.

    `meanwhile` is called once in this process, as soon as a process runs beside it (this
    process would otherwise only wait), or first when there is no server. With a server,
    `release` is called once every language is rendered and `meanwhile` has run, when
    this function has let go of `context`: the caller's moment to let the roadmaps go,
    so that more processes fit beside this one (pass `context` as its only holder)."""
    if server is None or workers <= 1:
        if meanwhile is not None:
            meanwhile()
        for job in jobs:
            yield stages.whole(context, job)
        return
    limit = MEMORY_BUDGET if budget is None else budget
    pending = list(jobs)  # to render here, in order
    engines: list[_Unit] = []  # rendered, waiting for room
    shards: list[_Unit] = []
    running: dict[int, _Unit] = {}
    indexing: dict[str, _Indexing] = {}
    tags = itertools.count()

    def fits(cost: int) -> bool:
        held = resident() + sum(unit.cost for unit in running.values())
        return not running or held + cost <= limit

    def start(unit: _Unit) -> None:
        tag = next(tags)
        server.submit(tag, unit.name, *unit.args)
        running[tag] = unit

    while pending or engines or shards or running:
        while engines and len(running) < workers and fits(engines[0].cost):
            start(engines.pop(0))
        rendering = int(resident() * RENDER_SHARE) if pending else 0
        slots = workers - (1 if pending else 0)
        while shards and len(running) < slots and fits(shards[0].cost + rendering):
            start(shards.pop(0))
        if meanwhile is not None and running:
            meanwhile, call = None, meanwhile
            call()
            del call
        if release is not None and not pending and meanwhile is None:
            del context  # rendering is over
            release, call = None, release
            call()
            del call
        if pending and not engines and len(running) < workers and fits(rendering):
            job = pending.pop(0)
            rendered = stages.render(context, job)
            if job.target is None:
                yield rendered
            else:
                engines.append(_Unit("engine", job, (job, rendered), engine_memory(rendered.pages)))
            continue
        if not running:  # nothing left to wait for: only the callback, when nothing ran
            continue
        tag, outcome = server.receive()
        unit = running.pop(tag)
        if isinstance(outcome, BaseException):
            raise outcome
        job = unit.job
        if unit.name == "index":
            language = indexing[job.language]
            language.keys[unit.shard], seconds = outcome  # type: ignore[misc]
            language.seconds += seconds
            if len(language.keys) == len(language.shards):
                yield _published(job, indexing.pop(job.language))
            continue
        assert isinstance(outcome, LanguageDone)
        if not job.search:
            yield outcome
            continue
        assert job.target is not None
        planned = pagefind.plan(job.target)
        indexing[job.language] = _Indexing(outcome, planned)
        if not planned:
            yield _published(job, indexing.pop(job.language))
        for shard in planned:
            cost = pagefind.run_memory(len(shard.pages))
            shards.append(_Unit("index", job, (job, shard), cost, shard.number))
    if meanwhile is not None:
        meanwhile()


def ready_to_render(language: str) -> None:
    """Compile the templates (for every language: the compiled code is shared) in this
    process; done once (0.2 s), nothing when done already."""
    compile_templates(language)


def _published(job: LanguageJob, language: _Indexing) -> LanguageDone:
    """Put a language's shards in place; its summary with the seconds indexing took."""
    assert job.target is not None
    started = time.perf_counter()
    keys = [language.keys[shard.number] for shard in language.shards]
    try:
        pagefind.publish(job.target, language.shards, job.search_cache, keys)
    finally:
        pagefind.clean(job.target)
    seconds = language.seconds + time.perf_counter() - started
    return replace(language.built, search_seconds=seconds)


def _index_shard(job: LanguageJob, shard: pagefind.Shard) -> tuple[str | None, float]:
    """Index one shard of a built language for search (in a ForkServer's process): its
    key in the cache and the seconds it took."""
    assert job.target is not None
    started = time.perf_counter()
    key = pagefind.index_shard(job.target, shard, job.search_cache)
    return key, time.perf_counter() - started
