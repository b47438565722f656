"""Languages built side by side: each language through its stages, within a memory budget.

A language goes through the stages it is given (`app.language.STAGES`): render it and
write its engine's project, build the project with the engine, index the built pages
for search, shard by shard. `run_languages` takes one language after another through
all of them in this process. `run_side_by_side` spreads them over processes:
- a renderer, forked from this process, makes the roadmaps and views from their pickle
  and renders every language, one after another: only it holds them (a process forked
  from one that holds them copies what it reads of them, since Python writes reference
  counts into every object it touches), and its memory goes back to the system when it
  ends;
- processes forked by a `ForkServer` (made before the roadmaps were read) build each
  rendered language with the engine (a language with many pages rendered anew, in parts
  built at once: `engine_parts`), then index its shards; they run at a lower priority
  than the renderer, which every language waits for;
as many at once as the cores given and the memory budget allow. The build in progress
is passed as an argument, never kept in a module global.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from site_builder import collector
from site_builder.app import memory
from site_builder.app.config import cores
from site_builder.app.forkserver import ForkServer
from site_builder.app.jobs import (
    EarlyParts,
    LanguageDone,
    LanguageJob,
    Stages,
    Timings,
    project_built,
)
from site_builder.app.processes import Stopped, as_child, outcome_of, resident
from site_builder.engine import mkdocs as engine
from site_builder.engine import pagefind
from site_builder.engine.plugins import Part
from site_builder.errors import ProcessLost
from site_builder.render.environment import compile_templates
from site_builder.views.context import SiteContext

ENGINE_PART_PAGES = 300
"""The fewest pages the engine builds in a process of its own when a language is cut
into parts (`engine_parts`): a part costs the engine's start (its configuration, files
and navigation) again. At 500 roadmaps, parts of 150 pages took the engine 16 to 36 %
more CPU time than parts of 300 (three builds each way, `benchmarks/timeline.py`)."""

ENGINE_PARTS_PER_CORE = 3
"""How many parts of a language each core's engine builds, at most (`engine_parts`): the
engine starts on a language's first part once that part is rendered, so the smaller the
parts, the sooner the second core works while the first language renders. At 2000
roadmaps, three parts a core (six of about 500 pages) made the first engine start 5 to
7 s sooner than one a core and the whole build 6 to 13 % shorter (three builds each way,
one after the other, `benchmarks/timeline.py`)."""


def engine_parts(job: LanguageJob, pages: int, workers: int) -> int:
    """Into how many parts the engine's build of a rendered language is cut, each built
    by a process of its own (`engine.Part`), as many at the same time as the cores and
    `workers` allow, `pages` being the pages rendered anew (the engine takes the others
    from its cache, and a part costs the engine's start again): ENGINE_PARTS_PER_CORE a
    core, each of at least ENGINE_PART_PAGES pages, so that the engine starts early on
    the first language and the last language rendered is not built on one core while
    the others wait. Only for MkDocs (ProperDocs builds in a program of its own), the
    build's pages (not the preview's, `job.incremental`) and more than one process."""
    parallel = min(cores(), workers)
    if job.engine != "mkdocs" or job.incremental or parallel < 2:
        return 1
    return max(1, min(ENGINE_PARTS_PER_CORE * parallel, pages // ENGINE_PART_PAGES))


def fork_server(stages: Stages) -> ForkServer:
    """The server that forks the processes of `run_languages`: make it while this process
    is still small, before the roadmaps are read. It imports the engine first, for all
    the processes it forks to share."""
    return ForkServer({"engine": stages.engine, "index": _index_shard}, prepare=_prepare_server)


SERVER_NICENESS = 5
"""How much lower the processes the fork server starts (engines, indexers) are scheduled
than the renderer, which the languages wait for (`os.nice`): sharing the cores with them,
the renderer went at two thirds of its speed."""


def _prepare_server() -> None:
    engine.preload()
    os.nice(SERVER_NICENESS)


@dataclass
class _Unit:
    """Work for a process of the ForkServer."""

    name: str  # "engine" or "index"
    job: LanguageJob
    args: tuple
    cost: int  # bytes, estimated
    shard: int = -1  # its number, for "index"; the part's, for "engine"


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
    stages: Stages,
    meanwhile: Callable[[SiteContext], Timings] | None = None,
    timings: Timings | None = None,
) -> Iterator[LanguageDone]:
    """Each language through `stages`, one after another, whole, in this process;
    `meanwhile(context)` first (its timings go into `timings`)."""
    if meanwhile is not None:
        (timings if timings is not None else {}).update(meanwhile(context))
    for job in jobs:
        yield stages.whole(context, job)


def run_side_by_side(
    pickled: bytes | pickle.PickleBuffer,
    jobs: list[LanguageJob],
    workers: int,
    stages: Stages,
    server: ForkServer,
    meanwhile: Callable[[SiteContext], Timings] | None = None,
    timings: Timings | None = None,
    budget: int | None = None,
) -> Iterator[LanguageDone]:
    """Each language through `stages` in processes of their own: a renderer, forked from
    this process and sent the `pickled` context (`SiteContext`), which renders every
    language one after another and then calls `meanwhile(context)` (its timings go into
    `timings`); and, as each language is rendered, the `server`'s processes, which build
    it with the engine and then index it for search shard by shard (`pagefind.plan`).
    This process never holds the roadmaps (once sent, it lets go of `pickled`: pass it
    as the only holder), and the renderer's memory goes back to the system when it ends.
    A language's pages are indexed once its engine has ended, so an indexer never holds
    what the engine took.

    At most `workers` processes work at once (the renderer counts as one), and only as
    many as fit in `budget` bytes (`app.memory.MEMORY_BUDGET` when None) by estimate, with this
    process's memory measured each time (one always runs); an engine waiting for room
    goes before a search shard. An error in any of them is raised here, once the
    renderer has been stopped; the caller stops the server, which stops the others."""
    limit = memory.MEMORY_BUDGET if budget is None else budget
    timings = {} if timings is None else timings
    fork = multiprocessing.get_context("fork")
    mine, theirs = fork.Pipe()
    renderer = fork.Process(
        target=_renderer,
        args=(jobs, stages, meanwhile, workers, os.getpid(), theirs),
        daemon=True,
    )
    renderer.start()
    theirs.close()
    rendering = memory.renderer_memory(memoryview(pickled).nbytes) + memory.stored_memory(jobs)
    engines: list[_Unit] = []  # rendered, waiting for room
    shards: list[_Unit] = []
    running: dict[int, _Unit] = {}
    building: dict[str, list[LanguageDone]] = {}  # by language, its parts built so far
    sent_early: dict[str, list[Part]] = {}  # by language, the parts the renderer sent
    rendered: dict[str, LanguageDone] = {}  # by language, once the renderer has said so
    indexing: dict[str, _Indexing] = {}
    tags = itertools.count()

    rendered_all = False  # once the renderer says so (it may have ended before)

    def fits(cost: int) -> bool:
        held = resident() + sum(unit.cost for unit in running.values())
        alive = 0 if rendered_all else rendering
        return not (running or alive) or held + alive + cost <= limit

    def build(job: LanguageJob, done: LanguageDone, number: int, count: int) -> None:
        """Queue the engine's build of part `number` of `count` (the whole when 1)."""
        part = Part(number, count) if count > 1 else None
        cost = memory.engine_memory(-(-done.pages // count))
        engines.append(_Unit("engine", job, (job, done, part), cost, number))

    def start(queue: list[_Unit]) -> None:
        unit = queue.pop(0)
        tag = next(tags)
        server.submit(tag, unit.name, *unit.args)
        running[tag] = unit

    try:
        mine.send_bytes(pickled)
        del pickled
        while not rendered_all or engines or shards or running:
            slots = workers - (not rendered_all)
            while engines and len(running) < slots and fits(engines[0].cost):
                start(engines)
            while shards and len(running) < slots and fits(shards[0].cost):
                start(shards)
            listened = [server.connection] + ([] if rendered_all else [mine])
            for ready in wait(listened):
                if ready is mine:
                    message, outcome = _heard(mine, renderer)
                    if isinstance(outcome, BaseException):
                        raise outcome
                    if message == "part":  # sent before the language is all rendered
                        job, done, part = outcome.job, outcome.done, outcome.part  # type: ignore[union-attr]
                        building.setdefault(job.language, [])
                        sent_early.setdefault(job.language, []).append(part)
                        build(job, done, part.number, part.count)
                    elif message == "rendered":
                        job = outcome.job  # type: ignore[union-attr]
                        done = outcome.done  # type: ignore[union-attr]
                        if job.target is None:
                            yield done
                            continue
                        rendered[job.language] = done
                        sent = sent_early.pop(job.language, [])
                        if sent:  # the parts not sent yet
                            count = sent[0].count
                        else:
                            anew = done.pages if done.anew is None else done.anew
                            count = engine_parts(job, anew, workers)
                            building[job.language] = []
                        for number in range(len(sent), count):
                            build(job, done, number, count)
                    else:
                        timings.update(outcome)  # type: ignore[arg-type]
                        rendered_all = True
                        renderer.join()
                    continue
                tag, outcome = server.receive()
                unit = running.pop(tag)
                if isinstance(outcome, Stopped):
                    doing = "building" if unit.name == "engine" else "indexing for search"
                    raise ProcessLost(f"the process {doing} '{unit.job.language}' {outcome}")
                if isinstance(outcome, BaseException):
                    raise outcome
                yield from _ended(unit, outcome, building, rendered, indexing, shards)
    finally:
        if renderer.is_alive():
            renderer.kill()
        renderer.join()
        mine.close()


def _ended(
    unit: _Unit,
    outcome: object,
    building: dict[str, list[LanguageDone]],
    rendered: dict[str, LanguageDone],
    indexing: dict[str, _Indexing],
    shards: list[_Unit],
) -> Iterator[LanguageDone]:
    """What follows a unit that ended: a language whose parts are all built goes on to
    its shards (or is done), a language whose shards are all indexed is done. The
    language's render, as `rendered` holds it, is in its summary (a part sent early was
    given the render so far)."""
    job = unit.job
    if unit.name == "index":
        language = indexing[job.language]
        language.keys[unit.shard], seconds = outcome  # type: ignore[misc]
        language.seconds += seconds
        if len(language.keys) == len(language.shards):
            yield _published(job, indexing.pop(job.language))
        return
    assert isinstance(outcome, LanguageDone)
    part = unit.args[2]
    if part is not None:
        built = building[job.language]
        built.append(outcome)
        if len(built) < part.count:
            return
        outcome = project_built(job, building.pop(job.language))
    whole = rendered.pop(job.language)
    outcome = replace(outcome, render_seconds=whole.render_seconds, anew=whole.anew)
    if not job.search:
        yield outcome
        return
    assert job.target is not None
    planned = pagefind.plan(job.target)
    indexing[job.language] = _Indexing(outcome, planned)
    if not planned:
        yield _published(job, indexing.pop(job.language))
    for shard in planned:
        cost = pagefind.run_memory(len(shard.pages))
        shards.append(_Unit("index", job, (job, shard), cost, shard.number))


@dataclass(frozen=True)
class _Rendered:
    job: LanguageJob
    done: LanguageDone


@dataclass(frozen=True)
class _Sent:
    """A part of a language's pages rendered and written before the rest (`EarlyParts`)."""

    job: LanguageJob
    done: LanguageDone
    part: Part


def _renderer(
    jobs: list[LanguageJob],
    stages: Stages,
    meanwhile: Callable[[SiteContext], Timings] | None,
    workers: int,
    parent: int,
    connection: Connection,
) -> None:
    """The renderer's process: make the context it is sent, render each language and say
    so (and, before, each part of it sent early: `EarlyParts`, cut as `engine_parts`
    says), then run `meanwhile`; send its timings, or the first error."""
    as_child(parent)

    def early(job: LanguageJob) -> EarlyParts:
        return EarlyParts(
            count=lambda pages: engine_parts(job, pages, workers),
            send=lambda done, part: connection.send(("part", _Sent(job, done, part))),
        )

    def run() -> Timings:
        pickled = connection.recv_bytes()
        with collector.paused():
            context = pickle.loads(pickled)
        del pickled
        for job in jobs:
            done = stages.render(context, job, early(job))
            connection.send(("rendered", _Rendered(job, done)))
        return meanwhile(context) if meanwhile is not None else {}

    connection.send(("done", outcome_of("rendering", run)))
    connection.close()


def _heard(connection: Connection, renderer: BaseProcess) -> tuple[str, object]:
    """The renderer's next message, or a ProcessLost when it ended without one."""
    try:
        return connection.recv()  # type: ignore[no-any-return]
    except EOFError:
        renderer.join()
        code = renderer.exitcode or 0
        ended = Stopped(-code if code < 0 else code << 8)  # as os.waitpid gives it
        return "done", ProcessLost(f"the process rendering the languages {ended}")


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
