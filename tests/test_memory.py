"""Memory kept bounded: what the engine holds per page, and the search indexer run only
once the language's worker has ended (the peak itself is measured by the benchmark)."""

from __future__ import annotations

import gc
import itertools
import json
import os
import pickle
import signal
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from site_builder.app import build as pipeline
from site_builder.app import language
from site_builder.app.config import BuildOptions, Project
from site_builder.app.processes import RemoteTraceback, in_a_child
from site_builder.engine import pagefind, plugins
from site_builder.errors import InvalidData, Problem
from site_builder.format.sample import write_sample
from site_builder.render.memo import PageMemo


def _project(tmp_path: Path) -> Project:
    roadmaps = write_sample(tmp_path / "roadmaps", 2, 2, ("en", "ar"))
    return Project(roadmaps=roadmaps, docs=tmp_path / "docs", themes=tmp_path / "themes")


def test_a_page_holds_its_html_compressed_until_laid_out_then_nothing() -> None:
    hold = plugins.hold_plugin()
    page = SimpleNamespace(markdown="# Mali\n\nدياسبورا " * 50, content=None)
    html = "<h1>Mali</h1><p>دياسبورا</p>" * 50
    assert hold.on_page_content(html, page=page, config={}, files=None) == ""
    assert page.markdown == "" and len(page.site_builder_held) < len(html) / 4
    hold.on_page_context({}, page=page, config={}, nav=None)
    assert page.content == html
    assert hold.on_post_page("<html>…</html>", page=page, config={}) == "<html>…</html>"
    assert page.content == ""


def test_once_every_page_is_converted_none_holds_its_markdown_or_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MkDocs converts every page before laying out the first: at that moment (its `env`
    event) no page holds its Markdown or its HTML, whichever converter made it."""
    held: dict[str, int] = {}
    trim = plugins.trim_plugin

    def watching() -> Any:
        plugin = trim()

        def on_env(env: Any, /, *, files: Any, **_: Any) -> Any:
            for file in files.documentation_pages():
                page = file.page
                held[file.src_uri] = len(page.markdown or "") + len(page.content or "")
            return env

        plugin.on_env = on_env
        return plugin

    monkeypatch.setattr(plugins, "trim_plugin", watching)
    options = BuildOptions(project=_project(tmp_path), site_dir=tmp_path / "site", jobs=1)
    pipeline.build(options)
    assert len(held) > 20 and set(held.values()) == {0}
    page = (tmp_path / "site" / "en" / "index.html").read_text("utf-8")
    assert "<article" in page and "</article>" in page  # laid out from the held HTML


def test_only_the_renderer_holds_the_roadmaps_and_engines_and_indexers_run_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One process forked from the build's renders every language, one after another (it
    makes the roadmaps from what the reader sent; the build's process never holds them);
    the engine builds each language in a process forked by a server made before the
    roadmaps were read, which holds none of them; a language's shards are indexed in
    processes of their own once its engine has ended."""
    from site_builder.format.model import Dataset

    def holds_ours() -> bool:  # earlier tests' roadmaps may be alive in the test process
        return any(
            isinstance(o, Dataset) and str(tmp_path) in str(o.site_path) for o in gc.get_objects()
        )

    log = tmp_path / "log.txt"
    render_language = language.render
    build_project = language.build_project
    index_shard, publish = pagefind.index_shard, pagefind.publish

    def note(*words: object) -> None:
        with log.open("a", encoding="utf-8") as out:
            out.write(" ".join(map(str, words)) + "\n")

    def rendering(context: Any, job: Any, *args: Any, **named: Any) -> Any:
        note("render", job.language, os.getpid(), os.getppid(), True)
        return render_language(context, job, *args, **named)

    def building(job: Any, rendered: Any, part: Any = None) -> Any:
        note("engine", job.language, os.getpid(), os.getppid(), holds_ours())
        return build_project(job, rendered, part)

    def publishing(site_dir: Path, *args: Any) -> Any:
        note("publish", site_dir.name, os.getpid(), os.getppid(), holds_ours())
        return publish(site_dir, *args)

    def indexing(site_dir: Path, shard: Any, cache: Path | None = None) -> Any:
        engines = [line.split() for line in log.read_text("utf-8").splitlines()]
        engine_pid = next(int(w[2]) for w in engines if w[:2] == ["engine", site_dir.name])
        try:
            os.kill(engine_pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        note("index", site_dir.name, os.getpid(), os.getppid(), alive)
        return index_shard(site_dir, shard, cache)

    monkeypatch.setattr(language, "render", rendering)  # before the server forks
    monkeypatch.setattr(language, "build_project", building)
    monkeypatch.setattr(pagefind, "index_shard", indexing)
    monkeypatch.setattr(pagefind, "publish", publishing)
    options = BuildOptions(project=_project(tmp_path), site_dir=tmp_path / "site", jobs=2)
    result = pipeline.build(options)
    lines = [line.split() for line in log.read_text("utf-8").splitlines()]
    here = str(os.getpid())
    renders = [w for w in lines if w[0] == "render"]
    engines = [w for w in lines if w[0] == "engine"]
    indexers = [w for w in lines if w[0] == "index"]
    assert sorted(w[1] for w in renders) == sorted(w[1] for w in engines) == ["ar", "en"]
    renderer = {w[2] for w in renders}
    assert len(renderer) == 1 and here not in renderer and {w[3] for w in renders} == {here}
    servers = {w[3] for w in engines + indexers}
    assert len(servers) == 1 and here not in servers  # forked by one server, not by this
    assert not {w[2] for w in engines + indexers} & ({here} | servers | renderer)
    publishes = [w for w in lines if w[0] == "publish"]
    assert len(publishes) == 2 and {w[2] for w in publishes} == {here}
    assert [w[4] for w in publishes] == ["False", "False"]  # nor does this process
    assert [w[4] for w in engines] == ["False", "False"]  # not these roadmaps
    assert len(indexers) >= 2 and all(w[4] == "False" for w in indexers)  # engine ended
    assert all(result.timings[f"search:{lang}"] > 0 for lang in ("en", "ar"))
    assert (tmp_path / "site" / "ar" / "pagefind" / "pagefind.js").is_file()


def _read_in_child(path: str) -> tuple[int, dict[str, list[int]]]:
    """Takes memory and lets it go; returns something small, made of shared parts."""
    taken = [bytes(1000) for _ in range(20000)]
    del taken
    shared = [1, 2]
    return os.getpid(), {"a": shared, "b": shared, path: shared}


def _failing_in_child(kind: str) -> None:
    if kind == "invalid":
        raise InvalidData([Problem("x.yml", 1, 1, "title", "missing")])
    raise ZeroDivisionError("the reader's own fault")


def test_reading_runs_in_a_child_whose_result_arrives_whole() -> None:
    pid, result = in_a_child(_read_in_child, "here.yml")
    assert pid != os.getpid()
    assert result == {"a": [1, 2], "b": [1, 2], "here.yml": [1, 2]}
    assert result["a"] is result["b"]  # shared parts stay shared


def _child_gone(pid: int) -> bool:
    """Called while the child's result is unpickled here: whether the child has ended
    and been reaped (a child that ended but was not waited for still has its pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


class _Unpickled:
    """Answers, as it is unpickled, whether the process that sent it was gone by then."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return _child_gone, (os.getpid(),)


def _sent_from_child() -> tuple[int, _Unpickled]:
    return os.getpid(), _Unpickled()


def test_the_result_is_made_here_only_once_the_child_has_ended() -> None:
    # Both at once, the child holding what it read and this process the same made again,
    # was the build's peak at 2000 roadmaps (816 MB).
    pid, gone = in_a_child(_sent_from_child)
    assert pid != os.getpid()
    assert gone is True


def _waiting_for(flag: str) -> bool:
    """Waits (up to 20 s) for `flag` to exist; whether it came."""
    deadline = time.monotonic() + 20
    while not Path(flag).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return Path(flag).exists()


def test_this_process_gets_ready_for_the_workers_while_the_child_reads(tmp_path: Path) -> None:
    """`meanwhile` runs here while the child runs: the child waits for the file it writes
    (called only after the child, the child would give up and say so); an error in it
    stops the child and is raised."""
    flag = tmp_path / "ready"
    came = in_a_child(_waiting_for, str(flag), meanwhile=lambda: flag.write_text("x"))
    assert came is True
    started = time.monotonic()
    with pytest.raises(ZeroDivisionError):
        in_a_child(_waiting_for, str(tmp_path / "never"), meanwhile=lambda: 1 / 0)
    assert time.monotonic() - started < 10  # the child was stopped, not waited for


def test_an_error_while_reading_in_the_child_is_raised_as_it_was() -> None:
    with pytest.raises(InvalidData) as invalid:
        in_a_child(_failing_in_child, "invalid")
    assert invalid.value.problems[0].message == "missing"
    with pytest.raises(ZeroDivisionError, match="the reader's own fault") as raised:
        in_a_child(_failing_in_child, "bug")
    assert isinstance(raised.value.__cause__, RemoteTraceback)
    assert 'raise ZeroDivisionError("the reader' in str(raised.value.__cause__)


def test_the_build_forks_its_workers_from_a_process_that_did_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The roadmaps are read in a child: the parent never runs the reader itself."""
    readers: list[int] = []
    load_or_fail = pipeline.load_or_fail

    def reading(*args: Any, **options: Any) -> Any:
        readers.append(os.getpid())
        return load_or_fail(*args, **options)

    monkeypatch.setattr(pipeline, "load_or_fail", reading)
    options = BuildOptions(project=_project(tmp_path), site_dir=tmp_path / "site", jobs=1)
    result = pipeline.build(options)
    assert readers == []  # appended in the child, not here
    assert result.timings["validate"] > 0 and result.timings["prepare"] > 0
    assert (tmp_path / "site" / "en" / "index.html").is_file()


def test_the_open_data_is_written_while_the_engines_build(tmp_path: Path) -> None:
    """The renderer writes the open data once every language is rendered, while the
    engines build. Each engine waits for a file that `meanwhile` writes; were it called
    only after the engines, they would give up and say so."""
    import pickle

    from site_builder.app.jobs import LanguageDone, LanguageJob, Stages
    from site_builder.app.workers import fork_server, run_side_by_side

    flag = tmp_path / "meanwhile"

    def render(context: Any, job: LanguageJob, early: object = None) -> LanguageDone:
        return LanguageDone(job.language, 1, 0.0, 0.0, tmp_path)

    def build(job: LanguageJob, rendered: LanguageDone, part: object) -> LanguageDone:
        deadline = time.monotonic() + 20
        while not flag.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return LanguageDone(job.language, int(flag.exists()), 0.0, 0.0, tmp_path)

    def meanwhile(context: Any) -> dict[str, float]:
        flag.write_text(context)
        return {"data": 1.0}

    stages = Stages(render, build, whole=render)
    jobs = [
        LanguageJob(code, None, tmp_path, tmp_path / code, search=False)  # type: ignore[arg-type]
        for code in ("en", "ar")
    ]
    server, timings = fork_server(stages), {}
    try:
        built = run_side_by_side(
            pickle.dumps("the roadmaps"), jobs, 2, stages, server, meanwhile, timings
        )
        done = list(built)
    finally:
        server.stop()
    assert sorted((d.language, d.pages) for d in done) == [("ar", 1), ("en", 1)]
    assert flag.read_text() == "the roadmaps" and timings == {"data": 1.0}


@pytest.mark.parametrize("given", ["default", "option"])
def test_no_process_starts_beyond_the_memory_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    """With a budget that one process fills (the default one, or `--memory 1`), workers
    and the indexers of every shard run one at a time, and every language is still built
    and indexed."""
    from site_builder.app import memory

    log = tmp_path / "log.txt"
    render_language, build_project = language.render, language.build_project
    index_shard = pagefind.index_shard

    def timed(kind: str, run: Any) -> Any:
        started = time.monotonic()
        try:
            return run()
        finally:
            with log.open("a", encoding="utf-8") as out:
                out.write(f"{kind} {started} {time.monotonic()}\n")

    def rendering(context: Any, job: Any, *args: Any, **named: Any) -> Any:
        return timed("render", lambda: render_language(context, job, *args, **named))

    def building(job: Any, rendered: Any, part: Any = None) -> Any:
        return timed("engine", lambda: build_project(job, rendered, part))

    def indexing(site_dir: Path, shard: Any, cache: Path | None = None) -> Any:
        return timed("index", lambda: index_shard(site_dir, shard, cache))

    monkeypatch.setattr(language, "render", rendering)
    monkeypatch.setattr(language, "build_project", building)
    monkeypatch.setattr(pagefind, "index_shard", indexing)
    monkeypatch.setattr(pagefind, "SHARD_PAGES", 10)
    if given == "default":
        monkeypatch.setattr(memory, "MEMORY_BUDGET", 1)
    options = BuildOptions(
        project=_project(tmp_path),
        site_dir=tmp_path / "site",
        jobs=2,
        memory=1 if given == "option" else None,
    )
    pipeline.build(options)
    runs = sorted(
        (float(start), float(end), kind)
        for kind, start, end in map(str.split, log.read_text("utf-8").splitlines())
    )
    shards = sum(len(pagefind.plan(tmp_path / "site" / lang)) for lang in ("en", "ar"))
    kinds = [kind for _, _, kind in runs]
    assert kinds.count("index") == shards > 2
    assert kinds.count("render") == kinds.count("engine") == 2
    assert all(end <= after for (_, end, _), (after, _, _) in itertools.pairwise(runs))


def test_the_pages_kept_for_the_next_build_are_let_go_before_the_engine_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build cache's memo of the rendered pages holds every page's text: kept while
    # the engine runs, letting the rendered pages go freed nothing.
    real = language.ENGINES["mkdocs"]
    alive: list[int] = []

    def engine_watching(*args: Any) -> int:
        alive.append(sum(isinstance(o, PageMemo) for o in gc.get_objects()))
        return real(*args)

    monkeypatch.setitem(language.ENGINES, "mkdocs", engine_watching)
    options = BuildOptions(
        project=_project(tmp_path), site_dir=tmp_path / "site", jobs=1, languages=("ar",)
    )
    pipeline.build(options)
    assert options.cache_folder is not None and alive == [0]
    stored = list((options.cache_folder / "ar" / "render").glob("*.json"))
    assert len(stored) == 1 and json.loads(stored[0].read_text("utf-8"))  # saved before


def test_a_language_s_engine_project_is_removed_by_its_worker_once_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a build cache, the MkDocs project of a language (thousands of files at
    scale) is scratch once the engine has built it: the worker removes it before
    indexing, so that the end of the build does not remove every language's at once.
    The preview keeps its own."""
    from site_builder.app.preview import Preview

    seen: list[tuple[str, bool]] = []
    index_language = pagefind.index_language

    def indexing(site_dir: Path, cache: Path | None = None, limit: int | None = None) -> Any:
        projects = site_dir.parent.parent.glob(f".site.work-*/{site_dir.name}/mkdocs.yml")
        seen.append((site_dir.name, any(projects)))
        return index_language(site_dir, cache, limit)

    monkeypatch.setattr(pagefind, "index_language", indexing)
    site = tmp_path / "site"
    options = BuildOptions(project=_project(tmp_path), site_dir=site, jobs=1, cache=False)
    pipeline.build(options)
    assert sorted(seen) == [("ar", False), ("en", False)]
    assert (site / "ar" / "index.html").is_file()

    preview = Preview(_project(tmp_path), tmp_path / "shown", tmp_path / "projects")
    preview.rebuild()  # its first build is whole: the projects stay for the next ones
    assert (tmp_path / "projects" / "en" / "mkdocs.yml").is_file()


def _sent_apart(size: int) -> tuple[str, pickle.PickleBuffer]:
    return "roadmaps", pickle.PickleBuffer(bytes(range(256)) * size)


def test_a_buffer_in_the_child_s_result_arrives_whole_and_apart() -> None:
    """The reader's pickled roadmaps are a `pickle.PickleBuffer` in its result: sent apart
    from the rest, not copied into its pickle first, and arriving whole."""
    name, sent = in_a_child(_sent_apart, 4096)
    assert name == "roadmaps" and bytes(sent) == bytes(range(256)) * 4096


def test_a_renderer_that_is_killed_is_said_so(tmp_path: Path) -> None:
    """The renderer killed (for want of memory): the build fails saying which process
    ended and how, not with a hang or a traceback."""
    from site_builder.app.jobs import LanguageDone, LanguageJob, Stages
    from site_builder.app.workers import fork_server, run_side_by_side
    from site_builder.errors import ProcessLost

    def render(context: Any, job: LanguageJob, early: object = None) -> LanguageDone:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("killed")

    stages = Stages(render, lambda job, done, part: done, whole=render)
    jobs = [LanguageJob("en", None, tmp_path, tmp_path / "en", search=False)]  # type: ignore[arg-type]
    server = fork_server(stages)
    try:
        with pytest.raises(ProcessLost, match="rendering the languages was killed by SIGKILL"):
            list(run_side_by_side(pickle.dumps(None), jobs, 2, stages, server))
    finally:
        server.stop()


class _MadeWithTheCollector:
    """A context that says, once unpickled, whether the cycle collector was on."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_collector_was_on, ())


def _collector_was_on() -> bool:
    return gc.isenabled()


def test_the_renderer_makes_its_context_with_the_cycle_collector_paused(tmp_path: Path) -> None:
    """The renderer's context (76 MB pickled at 2000 roadmaps) is unpickled with the
    cycle collector paused, which otherwise walks the objects made again and again (1.67 s
    instead of 0.34 s); the collector is on again for the render."""
    from site_builder.app.jobs import LanguageDone, LanguageJob, Stages
    from site_builder.app.workers import fork_server, run_side_by_side

    def render(context: Any, job: LanguageJob, early: object = None) -> LanguageDone:
        # The pages say whether the collector was on: 1 while unpickling, 2 while rendering.
        return LanguageDone(job.language, int(context) + 2 * gc.isenabled(), 0.0, 0.0, tmp_path)

    stages = Stages(render, lambda job, done, part: done, whole=render)
    jobs = [LanguageJob("en", None, tmp_path, None, search=False)]  # type: ignore[arg-type]
    server = fork_server(stages)
    try:
        made = list(
            run_side_by_side(pickle.dumps(_MadeWithTheCollector()), jobs, 2, stages, server)
        )
    finally:
        server.stop()
    assert gc.isenabled()  # here too
    assert [done.pages for done in made] == [2]  # off while unpickling, on while rendering


def test_the_renderer_s_estimate_counts_the_pages_the_last_build_stored(tmp_path: Path) -> None:
    """A warm build's renderer reads the render cache of each language whole: the largest
    such file counts in what the renderer is reckoned to hold (at 2000 roadmaps, 65 MB
    files made a warm renderer 130 MB larger), and a link is not followed."""
    from site_builder.app.jobs import LanguageJob
    from site_builder.app.memory import STORED_SHARE, stored_memory

    jobs = [
        LanguageJob(code, None, tmp_path, tmp_path / code, cache_dir=tmp_path / "cache")  # type: ignore[arg-type]
        for code in ("en", "ar")
    ]
    assert stored_memory(jobs) == 0  # no cache yet
    for code, size in (("en", 3000), ("ar", 5000)):
        folder = tmp_path / "cache" / code / "render"
        folder.mkdir(parents=True)
        (folder / "a.json").write_bytes(b"x" * size)
    (tmp_path / "big.json").write_bytes(b"x" * 90000)
    (tmp_path / "cache" / "en" / "render" / "b.json").symlink_to(tmp_path / "big.json")
    assert stored_memory(jobs) == int(STORED_SHARE * 5000)


def test_two_search_shards_fit_in_the_memory_budget_beside_the_build_s_process() -> None:
    """The shards left once every language is built are indexed two at a time: two
    Pagefind runs of the most pages a shard holds (`pagefind.SHARD_PAGES`, by
    `run_memory`'s estimate) and the build's process (`memory._RENDERER_MB`, what a
    process of the build holds before the roadmaps) fit in the default budget."""
    from site_builder.app import memory

    two_runs = 2 * pagefind.run_memory(pagefind.SHARD_PAGES)
    assert two_runs + memory._RENDERER_MB * 2**20 <= memory.MEMORY_BUDGET
