"""Memory kept bounded: what the engine holds per page, and the search indexer run only
once the language's worker has ended (the peak itself is measured by the benchmark)."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.engine import mkdocs as engine
from site_builder.engine import pagefind
from site_builder.format.sample import write_sample


def _project(tmp_path: Path) -> Project:
    roadmaps = write_sample(tmp_path / "roadmaps", 2, 2, ("en", "ar"))
    return Project(roadmaps=roadmaps, docs=tmp_path / "docs", themes=tmp_path / "themes")


def test_a_page_holds_its_html_compressed_until_laid_out_then_nothing() -> None:
    hold = engine._hold_plugin()
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
    trim = engine._trim_plugin

    def watching() -> Any:
        plugin = trim()

        def on_env(env: Any, /, *, files: Any, **_: Any) -> Any:
            for file in files.documentation_pages():
                page = file.page
                held[file.src_uri] = len(page.markdown or "") + len(page.content or "")
            return env

        plugin.on_env = on_env
        return plugin

    monkeypatch.setattr(engine, "_trim_plugin", watching)
    options = BuildOptions(project=_project(tmp_path), site_dir=tmp_path / "site", jobs=1)
    pipeline.build(options)
    assert len(held) > 20 and set(held.values()) == {0}
    page = (tmp_path / "site" / "en" / "index.html").read_text("utf-8")
    assert "<article" in page and "</article>" in page  # laid out from the held HTML


def test_a_language_is_indexed_for_search_once_its_worker_has_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.txt"
    build_language = pipeline.build_language
    index_language = pagefind.index_language

    def building(context: Any, job: Any, *args: Any, **options: Any) -> Any:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"build {job.language} {os.getpid()} {job.search}\n")
        return build_language(context, job, *args, **options)

    def indexing(site_dir: Path, cache: Path | None = None) -> Any:
        builders = [line.split() for line in log.read_text("utf-8").splitlines()]
        worker = next(int(pid) for kind, lang, pid, _ in builders if lang == site_dir.name)
        try:
            os.kill(worker, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        with log.open("a", encoding="utf-8") as out:
            out.write(f"index {site_dir.name} {os.getpid()} {alive}\n")
        return index_language(site_dir, cache)

    monkeypatch.setattr(pipeline, "build_language", building)  # inherited by the forks
    monkeypatch.setattr(pagefind, "index_language", indexing)
    options = BuildOptions(project=_project(tmp_path), site_dir=tmp_path / "site", jobs=2)
    result = pipeline.build(options)
    lines = sorted(log.read_text("utf-8").splitlines())
    assert [line.split()[::3] for line in lines] == [
        ["build", "False"],
        ["build", "False"],
        ["index", "False"],
        ["index", "False"],
    ]
    assert {line.split()[1] for line in lines} == {"en", "ar"}
    assert all(result.timings[f"search:{lang}"] > 0 for lang in ("en", "ar"))
    assert (tmp_path / "site" / "ar" / "pagefind" / "pagefind.js").is_file()
