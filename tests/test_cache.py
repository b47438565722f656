"""The build cache: on by default, keyed by content and the builder, never changing the output."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.format.sample import write_sample
from tests.conftest import edit, tree_digest


def _project(tmp_path: Path, config: dict | None = None) -> Project:
    """A small synthetic project, with the built-in defaults and `config` as its own
    `mkdocs.yml` (none when None)."""
    base = tmp_path / "mkdocs.yml"
    if config is not None:
        base.write_text(yaml.safe_dump(config), "utf-8")
    roadmaps = write_sample(tmp_path / "roadmaps", 2, 2, ("en", "ar"))
    return Project(
        roadmaps=roadmaps, docs=tmp_path / "docs", themes=tmp_path / "themes", base_config=base
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_rebuild_from_a_warm_cache_after_an_edit_equals_a_full_build(
    tmp_path: Path, jobs: int
) -> None:
    project = _project(tmp_path)
    cached = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=jobs)
    assert cached.cache_folder == tmp_path / ".site-cache"  # on by default, beside the site
    first = pipeline.build(cached)
    assert first.cached == {"en": 0, "ar": 0}
    again = pipeline.build(cached)
    assert again.cached == first.pages  # every page
    edited = sorted(project.roadmaps.glob("*/town-1.yml"))[0]
    edit(edited, "title:\n  en: ", "title:\n  en: Edited ")
    rebuilt = pipeline.build(cached)
    assert 0 < rebuilt.cached["en"] < again.cached["en"]
    full = BuildOptions(project=project, site_dir=tmp_path / "full", jobs=1, cache=False)
    pipeline.build(full)
    assert not (tmp_path / ".full-cache").exists()
    # Every file, the search index that Pagefind made after the engine included.
    digests = tree_digest(tmp_path / "site")
    assert any(name.startswith("en/pagefind/") for name in digests)
    assert digests == tree_digest(tmp_path / "full")
    page = tmp_path / "site" / "en" / edited.parent.name / "town-1" / "index.html"
    assert "Edited " in page.read_text("utf-8")


def _sources(project: Path) -> dict[str, int]:
    """Each file of a kept engine project's `docs/`, with the time it was last written."""
    docs = project / "docs"
    return {p.relative_to(docs).as_posix(): p.stat().st_mtime_ns for p in docs.rglob("*.md")}


def test_the_engine_projects_are_kept_and_only_what_changed_is_written_again(
    tmp_path: Path,
) -> None:
    """With the cache, each language's engine project stays in `<cache>/projects/<lang>/`:
    the next build writes only the pages whose text changed, removes those no longer
    made (a hand-written page deleted), takes the theme overrides as they are now, and
    builds what a build without a cache builds."""
    project = _project(tmp_path)
    guide = tmp_path / "docs" / "en" / "guide.md"
    guide.parent.mkdir(parents=True)
    guide.write_text("# A guide\n\nHow to read a roadmap.\n", "utf-8")
    options = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=2)
    pipeline.build(options)
    assert (tmp_path / "site" / "en" / "guide" / "index.html").is_file()
    kept = tmp_path / ".site-cache" / "projects" / "en"
    before = _sources(kept)
    assert "index.md" in before and (kept / "mkdocs.yml").is_file()
    assert not list(tmp_path.glob(".site.work-*/*"))  # nothing written to the scratch folder
    edited = sorted(project.roadmaps.glob("*/town-1.yml"))[0]
    edit(edited, "title:\n  en: ", "title:\n  en: Edited ")
    guide.unlink()
    theme = tmp_path / "themes" / "partials"
    theme.mkdir(parents=True)
    (theme / "copyright.html").write_text("<p>Changed theme</p>\n", "utf-8")
    pipeline.build(options)
    after = _sources(kept)
    written = {page for page in before.keys() & after.keys() if before[page] != after[page]}
    town = f"{edited.parent.name}/town-1"
    assert any(page.startswith(town) for page in written)
    assert len(written) < len(before) // 2  # the pages that show the edit, not all
    assert "guide.md" in before and "guide.md" not in after
    assert not (tmp_path / "site" / "en" / "guide").exists()
    full = BuildOptions(project=project, site_dir=tmp_path / "full", jobs=1, cache=False)
    pipeline.build(full)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "full")
    home = (tmp_path / "site" / "en" / "index.html").read_text("utf-8")
    assert "Changed theme" in home


def test_a_cache_whose_projects_another_build_is_using_builds_in_scratch(
    tmp_path: Path,
) -> None:
    """Two builds sharing one cache folder never write the same kept project: the second
    builds its projects in its scratch folder (removed after), and the same site."""
    from filelock import FileLock

    project = _project(tmp_path)
    cache = tmp_path / "shared-cache"
    (cache / "projects").mkdir(parents=True)
    with FileLock(cache / "projects" / ".lock"):
        options = BuildOptions(project=project, site_dir=tmp_path / "site", cache_dir=cache)
        pipeline.build(options)
    assert not (cache / "projects" / "en").exists()
    assert not list(tmp_path.glob(".site.work-*"))
    full = BuildOptions(project=project, site_dir=tmp_path / "full", jobs=1, cache=False)
    pipeline.build(full)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "full")


def test_a_cache_of_another_builder_or_configuration_is_not_used(tmp_path: Path) -> None:
    from site_builder.engine import cache

    project = _project(tmp_path, {})
    options = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=1)
    pipeline.build(options)
    digest = cache.builder_digest()
    cache.builder_digest.cache_clear()
    try:
        original = cache.builder_digest

        def other_builder() -> str:
            return digest + "-changed"

        cache.builder_digest = other_builder  # type: ignore[assignment]
        assert pipeline.build(options).cached == {"en": 0, "ar": 0}
    finally:
        cache.builder_digest = original  # type: ignore[assignment]
    config = yaml.safe_load(project.base_config.read_text("utf-8"))
    config["extra_css"] = [*config.get("extra_css", []), "assets/stylesheets/diaspora.css"]
    config["copyright"] = "Changed"
    project.base_config.write_text(yaml.safe_dump(config), "utf-8")
    assert pipeline.build(options).cached == {"en": 0, "ar": 0}


def test_material_search_listed_is_left_out_and_the_cache_still_used(tmp_path: Path) -> None:
    """Search is Pagefind's, made after the engine: Material's search plugin is not run
    even when a project lists it, so the cache is used and no lunr index is written."""
    project = _project(tmp_path, {"plugins": ["search"]})
    options = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=1)
    first = pipeline.build(options)
    assert pipeline.build(options).cached == first.pages
    assert not list((tmp_path / "site").rglob("search_index.json"))
    assert (tmp_path / "site" / "en" / "pagefind" / "pagefind.js").is_file()


def test_a_project_with_its_own_hooks_builds_every_page(tmp_path: Path) -> None:
    """A project's own hook (or plugin) can make a page out of anything, which no key can
    tell: the cache is then not used, and a change the hook reads reaches the pages."""
    notes = tmp_path / "notes.txt"
    notes.write_text("First note", "utf-8")
    hook = tmp_path / "hook.py"
    hook.write_text(
        "from pathlib import Path\n\n\n"
        "def on_page_content(html, page, config, files):\n"
        f"    return html + Path({str(notes)!r}).read_text()\n",
        "utf-8",
    )
    project = _project(tmp_path, {"hooks": [str(hook)]})
    options = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=1)
    pipeline.build(options)
    notes.write_text("Second note", "utf-8")
    assert pipeline.build(options).cached == {"en": 0, "ar": 0}
    assert "Second note" in (tmp_path / "site" / "en" / "index.html").read_text("utf-8")


def test_only_the_builders_own_hook_and_plugins_allow_the_cache(tmp_path: Path) -> None:
    from site_builder.engine.cache import cacheable

    ours = str(Path(cache_module_file()).with_name("commonmark.py"))

    class Config(dict):
        plugins: dict[str, object] = {}

    def config(plugins: list[str], hooks: list[str], extensions: list[str]) -> Config:
        result = Config(hooks={h: None for h in hooks}, markdown_extensions=extensions)
        result.plugins = {p: None for p in plugins}
        return result

    assert cacheable(config([ours, "site_builder/trim"], [ours], ["toc", "tables"]))
    assert not cacheable(config(["material/tags"], [], []))
    assert not cacheable(config([str(tmp_path / "hook.py")], [str(tmp_path / "hook.py")], []))
    assert not cacheable(config([], [], ["pymdownx.snippets"]))


@pytest.mark.parametrize(
    ("settings", "apart"),
    [
        ({}, True),
        ({"plugins": ["search"]}, True),  # Material's search: left out of every project
        ({"plugins": ["material/tags"]}, False),
        ({"hooks": ["HOOK"]}, False),
        ({"markdown_extensions": ["pymdownx.snippets"]}, False),
        ({"markdown_extensions": [{"pymdownx.snippets": {"check_paths": True}}]}, False),
        # A parent's plugins: the project's own `plugins` (always written) replaces them.
        ({"INHERIT": "PARENT"}, True),
    ],
)
def test_pages_are_built_while_others_render_only_where_the_engine_would_cache_them(
    tmp_path: Path, settings: dict, apart: bool
) -> None:
    """`pages_apart` says, from the settings before MkDocs loads them, what `cacheable`
    says once it has: a part of a language is built while its other pages are still
    being written only where every page depends on its own Markdown alone."""
    from mkdocs.config import load_config

    from site_builder.engine.cache import cacheable
    from site_builder.engine.project import pages_apart

    hook, parent = tmp_path / "hook.py", tmp_path / "parent.yml"
    hook.write_text("def on_page_markdown(markdown, **kwargs):\n    return markdown\n")
    parent.write_text("plugins:\n  - material/tags\nhooks:\n  - " + str(hook) + "\n", "utf-8")
    text = yaml.safe_dump(settings).replace("HOOK", str(hook)).replace("PARENT", str(parent))
    project = _project(tmp_path, yaml.safe_load(text))
    dataset, _ = pipeline.load_or_fail(project, strict=False)
    context = pipeline.prepare(project, dataset)
    written = pipeline.render_projects(context, project, tmp_path / "out", ("en",))
    loaded = load_config(str(written["en"]), site_dir=str(tmp_path / "site"))
    assert pages_apart(project.mkdocs_config()) == cacheable(loaded) == apart


def cache_module_file() -> str:
    from site_builder.engine import cache

    return cache.__file__


def test_a_cache_filled_by_one_engine_is_not_used_by_the_other(tmp_path: Path) -> None:
    """MkDocs and ProperDocs write different pages (their generator tag): the engine is
    part of every key, and ProperDocs (in its own process) uses the cache as MkDocs does."""
    pytest.importorskip("properdocs")
    project = _project(tmp_path)
    cache = tmp_path / "cache"

    def build(engine: str, site: str) -> dict[str, int]:
        options = BuildOptions(
            project=project, site_dir=tmp_path / site, jobs=1, cache_dir=cache, engine=engine
        )
        return pipeline.build(options).cached

    assert build("mkdocs", "site") == {"en": 0, "ar": 0}
    assert build("properdocs", "other") == {"en": 0, "ar": 0}
    again = build("properdocs", "other")
    assert again["en"] > 0 and again["ar"] > 0
    page = (tmp_path / "other" / "en" / "index.html").read_text("utf-8")
    assert "properdocs" in page.lower()
    assert build("mkdocs", "site") == again
    assert "properdocs" not in (tmp_path / "site" / "en" / "index.html").read_text("utf-8")


def test_a_language_whose_pages_did_not_change_gets_its_search_index_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind runs again only for a language whose indexed pages changed; the index a
    language gets back is the one a full build makes."""
    from site_builder.engine import pagefind

    project = _project(tmp_path)
    options = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=1)
    pipeline.build(options)
    made: list[str] = []
    make = pagefind._make_index

    def counted(site_dir: Path, shard: pagefind.Shard, copy: Path, staged: Path) -> None:
        made.append(site_dir.name)
        make(site_dir, shard, copy, staged)

    monkeypatch.setattr(pagefind, "_make_index", counted)
    pipeline.build(options)
    assert made == []
    edit(sorted(project.roadmaps.glob("*/town-1.yml"))[0], "title:\n  en: ", "title:\n  en: New ")
    rebuilt = pipeline.build(options)
    assert "en" in made and rebuilt.timings["search:en"] > 0
    pipeline.build(BuildOptions(project=project, site_dir=tmp_path / "full", cache=False, jobs=1))
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "full")
    kept = list((tmp_path / ".site-cache" / "en" / "search").iterdir())
    assert len(kept) == 1  # the index of the pages as they are now, not every earlier one
    # (one shard: a small language; tests/test_search_shards.py splits one)


@pytest.mark.parametrize("own_hook", [False, True])
def test_a_language_built_in_parts_at_once_equals_it_built_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_hook: bool
) -> None:
    """A language cut into parts that processes build at once into the same folder
    (`engine_parts`, forced here on a small site) gives the same files as one process
    building it whole, from an empty cache and after an edit; a project with a hook of
    its own (which may read any page) is built whole by the first part."""
    from site_builder.app import language, workers

    monkeypatch.setattr(workers, "ENGINE_PART_PAGES", 1)
    monkeypatch.setattr(workers, "ENGINE_PARTS_PER_CORE", 1)
    monkeypatch.setattr(workers, "cores", lambda: 3)
    log, build_project = tmp_path / "parts.txt", language.build_project

    def building(job: object, rendered: object, part: object = None) -> object:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{job.language} {part}\n")  # type: ignore[attr-defined]
        return build_project(job, rendered, part)  # type: ignore[arg-type]

    monkeypatch.setattr(language, "build_project", building)
    hook = tmp_path / "hook.py"
    hook.write_text("def on_page_content(html, page, config, files):\n    return html\n")
    project = _project(tmp_path, {"hooks": [str(hook)]} if own_hook else None)
    parted = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=3)
    whole = BuildOptions(project=project, site_dir=tmp_path / "whole", jobs=1, cache=False)
    for edited in (False, True):
        if edited:
            town = sorted(project.roadmaps.glob("*/town-1.yml"))[0]
            edit(town, "title:\n  en: ", "title:\n  en: Edited ")
        built = pipeline.build(parted)
        pipeline.build(whole)
        assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "whole")
        assert built.pages["en"] > 3
    parts = sorted({line for line in log.read_text("utf-8").splitlines() if "Part" in line})
    assert parts == [f"{code} Part(number={n}, count=3)" for code in ("ar", "en") for n in range(3)]
    # Nothing rendered anew (every page from the render cache): one process a language.
    log.unlink()
    pipeline.build(parted)
    assert sorted(log.read_text("utf-8").splitlines()) == ["ar None", "en None"]
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "whole")


def test_a_language_s_first_parts_are_built_while_its_other_pages_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page rendered anew (an empty cache): a language is rendered and written part
    by part, and the engine builds each part but the last while the renderer renders the
    others (`EarlyParts`), giving the site a process building it whole gives. Once the
    render cache holds the pages, a language is rendered whole first: how many pages are
    rendered anew, which cuts the parts, is known only then."""
    from site_builder.app import language, workers
    from site_builder.engine import project as engine_project

    monkeypatch.setattr(workers, "ENGINE_PART_PAGES", 1)
    monkeypatch.setattr(workers, "ENGINE_PARTS_PER_CORE", 1)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    log = tmp_path / "log.txt"
    render_language, build_project = language.render, language.build_project
    write_pages = engine_project.write_pages

    def note(*words: object) -> None:
        with log.open("a", encoding="utf-8") as out:
            out.write(" ".join(map(str, words)) + "\n")

    def lines() -> list[list[str]]:
        text = log.read_text("utf-8") if log.exists() else ""
        return [line.split() for line in text.splitlines()]

    def rendering(context: object, job: Any, *args: object, **named: object) -> object:
        try:
            return render_language(context, job, *args, **named)  # type: ignore[arg-type]
        finally:
            note("rendered", job.language)

    def building(job: Any, rendered: Any, part: Any = None) -> object:
        note("engine", job.language, part.number if part else "whole")
        return build_project(job, rendered, part)

    def writing(config: Path, pages: dict[str, str], only_changed: bool = False) -> None:
        code = config.parent.name
        if ["written", code] in lines():  # the last part: the first may be built meanwhile
            deadline = time.monotonic() + 60
            while ["engine", code, "0"] not in lines() and time.monotonic() < deadline:
                time.sleep(0.05)
        write_pages(config, pages, only_changed)
        note("written", code)

    monkeypatch.setattr(language, "render", rendering)  # before the server forks
    monkeypatch.setattr(language, "build_project", building)
    monkeypatch.setattr(engine_project, "write_pages", writing)
    project = _project(tmp_path)
    parted = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=2)
    whole = BuildOptions(project=project, site_dir=tmp_path / "whole", jobs=1, cache=False)
    built = pipeline.build(parted)
    pipeline.build(whole)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "whole")
    for code in ("en", "ar"):
        done = lines().index(["rendered", code])
        assert lines().index(["engine", code, "0"]) < done < lines().index(["engine", code, "1"])
        assert built.timings[f"render:{code}"] > 0
    log.unlink()
    edit(sorted(project.roadmaps.glob("*/town-1.yml"))[0], "title:\n  en: ", "title:\n  en: New ")
    pipeline.build(parted)
    pipeline.build(whole)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "whole")
    for code in ("en", "ar"):
        engines = [n for n, line in enumerate(lines()) if line[:2] == ["engine", code]]
        assert engines and lines().index(["rendered", code]) < min(engines)
        assert ["written", code] not in lines()


def test_a_page_written_later_into_a_kept_project_replaces_a_link_without_following_it(
    tmp_path: Path,
) -> None:
    """A page whose text comes later (`write_project(later=...)`, then `write_pages`) is
    made an empty file of its own at once, where a kept project holds a link in its place
    (`keep_only` removes what is not a file of its own first): the link is neither
    followed (the file it names is left as it was) nor left for the engine to list while
    the text is still being rendered."""
    from site_builder.app.config import DEFAULTS
    from site_builder.engine.project import write_pages, write_project
    from site_builder.render.output import LanguageInfo, RenderedLanguage

    outside = tmp_path / "outside.md"
    outside.write_text("# Not the builder's\n", "utf-8")
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "later.md").symlink_to(outside)
    rendered = RenderedLanguage(
        language="en",
        default_language="en",
        direction="ltr",
        site_name="Site",
        site_description=None,
        languages=[LanguageInfo("en", "English", "ltr")],
        pages={"index.md": "# Home\n", "later.md": ""},
        nav=[("Home", "index.md")],
    )
    config = write_project(
        rendered, {}, [DEFAULTS / "themes"], out, only_changed=True, later={"later.md"}
    )
    page = out / "docs" / "later.md"
    assert not page.is_symlink() and page.read_text("utf-8") == ""
    write_pages(config, {"later.md": "# Later\n"}, only_changed=True)
    assert page.read_text("utf-8") == "# Later\n" and not page.is_symlink()
    assert outside.read_text("utf-8") == "# Not the builder's\n"


def test_a_language_is_cut_into_parts_by_the_cores_jobs_and_pages_rendered_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder.app import workers
    from site_builder.app.jobs import LanguageJob
    from site_builder.app.workers import ENGINE_PART_PAGES, ENGINE_PARTS_PER_CORE, engine_parts

    monkeypatch.setattr(workers, "cores", lambda: 2)
    job = LanguageJob("en", _project(tmp_path), tmp_path, tmp_path / "en")
    least, per_core = ENGINE_PART_PAGES, ENGINE_PARTS_PER_CORE
    assert engine_parts(job, 100 * least, 3) == 2 * per_core  # the cores
    assert engine_parts(job, 100 * least, 2) == 2 * per_core  # two jobs: the renderer's and one
    assert engine_parts(job, 100 * least, 1) == 1  # one job: no process to share with
    assert engine_parts(job, 2 * least - 1, 3) == 1  # the pages
    assert engine_parts(job, 5 * least, 3) == 5
    assert engine_parts(job, 0, 3) == 1
    for other in ({"engine": "properdocs"}, {"incremental": True}):  # another engine, the preview
        assert engine_parts(dataclasses.replace(job, **other), 10 * least, 3) == 1


def test_scratch_a_killed_build_left_in_the_cache_is_removed_by_the_next_build(
    tmp_path: Path,
) -> None:
    """A build killed while it wrote into the cache leaves its scratch (files and folders
    named SCRATCH); the next build removes what is older than SCRATCH_AGE, never through
    a link, and leaves younger scratch (another build sharing the cache may be writing
    it) and the kept engine projects alone. The site is the same."""
    import os

    from site_builder.files import SCRATCH, SCRATCH_AGE

    options = BuildOptions(project=_project(tmp_path), site_dir=tmp_path / "site", jobs=1)
    pipeline.build(options)
    built = tree_digest(tmp_path / "site")
    cache = options.cache_folder
    assert cache is not None
    outside = tmp_path / "outside.txt"
    outside.write_text("kept", "utf-8")
    page_folder = next(p for p in (cache / "en").iterdir() if len(p.name) == 2)
    old = [
        page_folder / f"{SCRATCH}page",
        cache / "en" / "render" / f"{SCRATCH}memo",
        cache / "read" / f"{SCRATCH}entry",
        cache / "en" / "search" / f"{SCRATCH}index",  # a folder, as the search cache's
        cache / f"{SCRATCH}link",  # to a file outside: the link alone goes
    ]
    for path in old[:3]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half written")
    (old[3] / "index").mkdir(parents=True)
    (old[3] / "index" / "pagefind.js").write_text("half", "utf-8")
    old[4].symlink_to(outside)
    young = cache / "en" / "render" / f"{SCRATCH}being-written"
    young.write_bytes(b"another build's")
    projects = cache / "projects" / f"{SCRATCH}not-ours"
    projects.write_bytes(b"left alone")
    then = time.time() - SCRATCH_AGE - 60
    for path in [*old, projects]:
        os.utime(path, (then, then), follow_symlinks=False)

    pipeline.build(options)
    assert [path for path in old if path.exists() or path.is_symlink()] == []
    assert young.read_bytes() == b"another build's" and projects.exists()
    assert outside.read_text("utf-8") == "kept"
    assert tree_digest(tmp_path / "site") == built


def test_what_the_build_writes_into_the_cache_is_scratch_until_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page kept by the engine's cache whose last step fails stays as scratch that a
    later build removes (named SCRATCH), not as a file of another name."""
    import os

    from site_builder.engine.cache import PageCache
    from site_builder.files import SCRATCH

    cache = PageCache.__new__(PageCache)  # its folder alone: no project to key pages by
    cache.folder = tmp_path / "pages"

    def killed(*args: Any) -> None:
        raise OSError("killed before the rename")

    monkeypatch.setattr(os, "replace", killed)
    cache.put("ab" * 32, b"<p>page</p>")
    left = [p.name for p in (tmp_path / "pages").rglob("*") if p.is_file()]
    assert len(left) == 1 and left[0].startswith(SCRATCH)
