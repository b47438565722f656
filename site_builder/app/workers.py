"""Languages built side by side: one unit of work per language, in forked processes.

`run_languages` builds each language with the function it is given (`build.build_language`
in practice), one after another or in forked worker processes, and indexes each built
language for search, shard by shard, in processes of their own once the language's
worker has ended, within a memory budget. The build in progress is passed to the
processes as an argument (inherited by fork, never pickled), never kept in a module
global.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TypeVar

from site_builder.app.config import Project
from site_builder.app.lifetime import die_with_parent
from site_builder.engine import mkdocs as engine
from site_builder.engine import pagefind
from site_builder.errors import BuildFailed, InternalError, SiteBuilderError
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

    @property
    def search_cache(self) -> Path | None:
        """Where the language's search indexes are kept (engine/pagefind.py), if cached."""
        return self.cache_dir / self.language / "search" if self.cache_dir else None


@dataclass(frozen=True)
class LanguageDone:
    language: str
    pages: int
    render_seconds: float
    engine_seconds: float
    config: Path
    search_seconds: float = 0.0
    cached: int = 0


Result = TypeVar("Result")

BuildOne = Callable[[SiteContext, LanguageJob], LanguageDone]
"""Builds one language: render, engine, and the search index when `job.search`."""


MEMORY_BUDGET = 600 * 2**20
"""The bytes the build's processes may hold at once by default (`BuildOptions.memory`),
by the estimates below: a process is started only while the build's process, the
processes running and it fit (one always runs). Each worker is estimated at WORKER_SHARE
of the build's process (which holds the roadmaps and views), each search indexer at
`pagefind.run_memory` of its shard."""

WORKER_SHARE = 1.2
"""A worker's memory at its peak (what it holds beside what it shares with the build's
process), over the build's process's when it forks the workers: at 2000 roadmaps × 3
languages, 265 MB over 222 MB (`benchmarks/memory.py`): a worker copies what it reads of
the shared roadmaps (reference counts are written into every object touched) and adds
the engine's pages."""


@dataclass
class _Running:
    process: BaseProcess
    job: LanguageJob
    shard: pagefind.Shard | None  # None: the language's worker
    cost: int  # bytes, estimated


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
    build_one: BuildOne,
    meanwhile: Callable[[], object] | None = None,
    budget: int | None = None,
) -> Iterator[LanguageDone]:
    """Each language on its own: one after another, or in forked worker processes that
    inherit `context` (fork passes arguments without pickling them). A worker that dies
    without answering fails the build; leaving early (an error, a signal turned into an
    exception by the command line) stops the workers still running. Workers also die
    when this process dies, even by SIGKILL (see `app.lifetime`).

    With workers, a language is indexed for search once its worker has ended, shard by
    shard (`pagefind.plan`), each in a process of its own, while other languages are
    still built: the memory a worker took (the engine's pages) is never held by an
    indexer. At most `workers` processes run at once, and only as many as fit in
    `budget` bytes (MEMORY_BUDGET when None) by estimate; workers are started first,
    shards fill the cores left.

    `meanwhile` is called once in this process, as soon as the first workers run (this
    process would otherwise only wait), or first when there are none."""
    if workers <= 1 or len(jobs) <= 1:
        if meanwhile is not None:
            meanwhile()
        for job in jobs:
            yield build_one(context, job)
        return
    ready_to_fork(jobs[0].language)
    # Objects made so far are left out of the workers' garbage collection, which would
    # otherwise write to every one of them and so copy the parent's memory into each.
    gc.collect()
    gc.freeze()
    here = _resident()
    worker_cost = int(here * WORKER_SHARE)
    fork = multiprocessing.get_context("fork")
    pending = list(jobs)
    shards: list[tuple[LanguageJob, pagefind.Shard]] = []  # to index, in order
    indexing: dict[str, _Indexing] = {}
    running: dict[Connection, _Running] = {}

    def fits(cost: int) -> bool:
        total = here + sum(r.cost for r in running.values()) + cost
        return not running or total <= (MEMORY_BUDGET if budget is None else budget)

    try:
        while pending or shards or running:
            while len(running) < workers:
                if pending and fits(worker_cost):
                    job, shard, cost = pending.pop(0), None, worker_cost
                    alone = replace(job, search=False)  # indexed once the worker has ended
                    target, args = _worker, (context, alone, os.getpid(), build_one)
                elif shards and fits(pagefind.run_memory(len(shards[0][1].pages))):
                    job, shard = shards.pop(0)
                    cost = pagefind.run_memory(len(shard.pages))
                    target, args = _indexer, (job, shard, os.getpid())
                else:
                    break
                receive, send = fork.Pipe(duplex=False)
                process = fork.Process(target=target, args=(*args, send), daemon=True)
                process.start()
                send.close()
                running[receive] = _Running(process, job, shard, cost)
            if meanwhile is not None:
                meanwhile, call = None, meanwhile
                call()
            for ready in wait(list(running)):
                done = running.pop(ready)  # type: ignore[index]
                try:
                    outcome = ready.recv()  # type: ignore[union-attr]
                except EOFError:
                    outcome = BuildFailed(f"the process building '{done.job.language}' stopped")
                done.process.join()
                if isinstance(outcome, BaseException):
                    raise outcome
                job = done.job
                if done.shard is not None:
                    language = indexing[job.language]
                    language.keys[done.shard.number], seconds = outcome
                    language.seconds += seconds
                    if len(language.keys) == len(language.shards):
                        yield _published(job, indexing.pop(job.language))
                elif job.search and job.target is not None:
                    planned = pagefind.plan(job.target)
                    indexing[job.language] = _Indexing(outcome, planned)
                    shards += [(job, shard) for shard in planned]
                else:
                    yield outcome
    finally:
        for running_one in running.values():
            if running_one.process.is_alive():
                running_one.process.kill()  # it writes only into folders that are removed
            running_one.process.join()
        gc.unfreeze()


def ready_to_fork(language: str) -> None:
    """Import the engine and compile the templates (for every language: the compiled code
    is shared) in this process, so that the workers forked from it share them instead
    of each doing it again; done once (0.2 s), nothing when done already."""
    engine.preload()
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


def _resident() -> int:
    """The bytes this process holds now (Linux), or at its peak so far (elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def in_a_child(
    function: Callable[..., Result],
    *args: object,
    meanwhile: Callable[[], object] | None = None,
) -> Result:
    """`function(*args)` run in a forked process, its result sent back (pickled) or its
    error raised here. What the function took and let go stays with the child (Python
    keeps freed memory scattered among what it still holds), and the result arrives
    here compact, made here only once the child has ended, so that the two are never
    held at once. `meanwhile` is called here while the child runs (this process would
    otherwise only wait); an error it raises stops the child. Runs in this process,
    `meanwhile` first, where fork is not available."""
    if "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        return function(*args)
    fork = multiprocessing.get_context("fork")
    receive, send = fork.Pipe(duplex=False)
    process = fork.Process(target=_child, args=(function, args, os.getpid(), send), daemon=True)
    process.start()
    send.close()
    answered = False
    try:
        if meanwhile is not None:
            meanwhile()
        sent: bytes | None = receive.recv_bytes()
        answered = True
    except EOFError:
        sent, answered = None, True
    finally:
        if not answered and process.is_alive():
            process.kill()  # left early: a signal turned into an exception
        process.join()
        receive.close()
    # Only now, the child gone with all it held, are the objects it sent made here: made
    # while it lived, both were held at once (the build's peak at 2000 roadmaps, 816 MB).
    if sent is None:
        outcome: object = BuildFailed("the process reading the roadmaps stopped")
    else:
        outcome = pickle.loads(sent)
        del sent
    if isinstance(outcome, _Raised):
        raise outcome.error from RemoteTraceback(outcome.details)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome  # type: ignore[no-any-return]


class RemoteTraceback(Exception):
    """Where an error raised in a child process was raised, as the child printed it."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class _Raised:
    error: BaseException
    details: str


def _child(function: Callable[..., object], args: tuple, parent: int, send: Connection) -> None:
    """Run `function(*args)` and send its result, or its error as it was raised (with its
    traceback as text), or as an InternalError when it cannot be sent."""
    _as_child(parent)
    try:
        outcome = function(*args)
    except (SiteBuilderError, OSError) as exc:
        outcome = exc
    except Exception as exc:  # noqa: BLE001 - reported in the parent, which decides
        details = traceback.format_exc()
        try:
            pickle.dumps(exc)
            outcome = _Raised(exc, details)
        except Exception:  # noqa: BLE001 - an error that cannot be sent as it is
            outcome = InternalError(f"{type(exc).__name__}: {exc}", details)
    send.send(outcome)
    send.close()


def _worker(
    context: SiteContext, job: LanguageJob, parent: int, build_one: BuildOne, send: Connection
) -> None:
    """A forked worker: build one language and send back its summary or its error."""
    _as_child(parent)
    _send_outcome(send, f"building '{job.language}'", lambda: build_one(context, job))


def _indexer(job: LanguageJob, shard: pagefind.Shard, parent: int, send: Connection) -> None:
    """A forked process: index one shard of a built language for search and send back
    its key in the cache and the seconds it took, or its error."""
    _as_child(parent)
    assert job.target is not None
    target, cache = job.target, job.search_cache

    def run() -> tuple[str | None, float]:
        started = time.perf_counter()
        key = pagefind.index_shard(target, shard, cache)
        return key, time.perf_counter() - started

    _send_outcome(send, f"indexing '{job.language}'", run)


def _send_outcome(send: Connection, doing: str, run: Callable[[], object]) -> None:
    """Send what `run()` returns, or its error: ours and the system's as they were raised,
    any other as an InternalError saying what was being done (`doing`), with its
    traceback, for the parent to report."""
    try:
        outcome = run()
    except (SiteBuilderError, OSError) as exc:
        outcome = exc
    except Exception as exc:  # noqa: BLE001 - reported in the parent, which decides
        outcome = InternalError(f"{doing} failed: {exc!r}", traceback.format_exc())
    send.send(outcome)
    send.close()


def _as_child(parent: int) -> None:
    """The parent alone decides when to stop: SIGINT (Ctrl+C reaches the whole process
    group) is ignored, SIGTERM and SIGHUP kill at once (unless ignored from the start),
    and so does the parent's death."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # `nohup` stays nohup
            signal.signal(signum, signal.SIG_DFL)
    die_with_parent(parent)
