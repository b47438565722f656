"""Pages taken from the build cache when nothing they read changed (render/memo.py):
the same Markdown as a full render after every kind of edit, fewer pages rendered."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

import site_builder
from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.engine import cache
from site_builder.format.model import Date
from site_builder.format.sample import write_sample
from site_builder.render.memo import Digests, PageMemo, Unsound
from site_builder.render.pages import Renderer
from site_builder.views.context import SiteContext
from tests.conftest import edit, tree_digest

LANGUAGES = ("en", "ar")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """Three countries of three local authorities, in English and Arabic."""
    roadmaps = write_sample(tmp_path / "roadmaps", 3, 3, LANGUAGES)
    return Project(roadmaps=roadmaps, docs=tmp_path / "docs", themes=tmp_path / "themes")


def _context(project: Project) -> SiteContext:
    dataset, _ = pipeline.load_or_fail(project, strict=False)
    return pipeline.prepare(project, dataset)


def _render(
    context: SiteContext, project: Project, language: str, folder: Path | None, builder: str
) -> tuple[dict[str, str], PageMemo | None]:
    memo = (folder / language, builder) if folder else None
    renderer = Renderer(context, language, project.docs_layers, None, memo)
    pages = renderer.render().pages
    if renderer.memo is not None:
        renderer.memo.save()
    return pages, renderer.memo


def _warm_equals_full(
    project: Project, folder: Path, context: SiteContext | None = None, builder: str = "b1"
) -> dict[str, list[str]]:
    """Renders each language from the cache in `folder` and without it, asserts that every
    page is the same, and gives the pages rendered (not taken from the cache) by language."""
    context = context or _context(project)
    rendered = {}
    for language in LANGUAGES:
        warm, memo = _render(context, project, language, folder, builder)
        full, _ = _render(context, project, language, None, builder)
        assert warm == full, [path for path in full if warm.get(path) != full[path]]
        assert memo is not None
        rendered[language] = memo.rendered
    return rendered


def _town(project: Project, country: str = "ad", town: str = "town-1") -> Path:
    return project.roadmaps / country / f"{town}.yml"


def test_an_unchanged_site_renders_no_page_again(project: Project, tmp_path: Path) -> None:
    first = _warm_equals_full(project, tmp_path / "memo")
    assert all(len(paths) > 30 for paths in first.values())
    assert _warm_equals_full(project, tmp_path / "memo") == {"en": [], "ar": []}


def test_a_title_edit_renders_again_only_the_pages_that_show_it(
    project: Project, tmp_path: Path
) -> None:
    first = _warm_equals_full(project, tmp_path / "memo")
    edit(_town(project), "title:\n  en: ", "title:\n  en: Edited ")
    edit(_town(project), "  ar: ar title", "  ar: تعديل ar title")
    again = _warm_equals_full(project, tmp_path / "memo")
    for language in LANGUAGES:
        assert "ad/town-1.md" in again[language]
        assert len(again[language]) < len(first[language]) / 2
        # its twins show its name and link, read from the whole roadmap: again too
        assert {"ad/index.md", "ae/town-1.md", "af/town-1.md"} <= set(again[language])
        assert not {"ad/town-0.md", "ae/town-2.md", "ae/index.md"} & set(again[language])


def test_a_twinning_link_added_at_one_end_renders_the_other_end_again(
    project: Project, tmp_path: Path
) -> None:
    _warm_equals_full(project, tmp_path / "memo")
    before, _ = _render(_context(project), project, "en", None, "b1")
    text = _town(project, "ad", "town-0").read_text("utf-8")
    assert "partner: af/town-2" not in text
    edit(
        _town(project, "ad", "town-0"),
        "twinning:\n",
        "twinning:\n- partner: af/town-2\n  kind: town-twinning\n  status: active\n",
    )
    again = _warm_equals_full(project, tmp_path / "memo")
    after, _ = _render(_context(project), project, "en", None, "b1")
    assert after["af/town-2.md"] != before["af/town-2.md"]  # shows the link declared there
    for language in LANGUAGES:
        assert {"ad/town-0.md", "af/town-2.md"} <= set(again[language])
        assert "ae/town-2.md" not in again[language]


def test_a_hand_written_page_changed_renders_the_translation_status_again(
    project: Project, tmp_path: Path
) -> None:
    (project.docs / "en").mkdir(parents=True)
    (project.docs / "en" / "history.md").write_text("# About\n\nOne.\n", "utf-8")
    _warm_equals_full(project, tmp_path / "memo")
    (project.docs / "ar").mkdir(parents=True)
    (project.docs / "ar" / "history.md").write_text("# حول\n\nواحد.\n", "utf-8")
    again = _warm_equals_full(project, tmp_path / "memo")
    assert "translation-status.md" in again["en"]
    assert "ad/town-1.md" not in again["en"]


def test_a_name_edit_renders_the_listings_and_country_pages_again(
    project: Project, tmp_path: Path
) -> None:
    _warm_equals_full(project, tmp_path / "memo")
    edit(_town(project), "name: ", "name: Renamed ")
    again = _warm_equals_full(project, tmp_path / "memo")
    for language in LANGUAGES:
        assert {"ad/town-1.md", "ad/index.md", "index.md"} <= set(again[language])
        assert "af/index.md" not in again[language]


def test_a_read_that_only_one_page_makes_is_traced(project: Project, tmp_path: Path) -> None:
    """The date of a roadmap's last change (from git, in the context, not in the data) is
    read by its own page only: changing it alone renders that page again, with the date."""
    context = _context(project)
    _warm_equals_full(project, tmp_path / "memo", context)
    changed = dataclasses.replace(context, changes={"ad/town-1.yml": Date(2031, 2, 3)})
    again = _warm_equals_full(project, tmp_path / "memo", changed)
    pages, _ = _render(changed, project, "en", tmp_path / "memo", "b1")
    assert "2031" in pages["ad/town-1.md"]
    for language in LANGUAGES:
        assert "ad/town-1.md" in again[language]
        assert "ad/town-0.md" not in again[language]


def test_another_builder_renders_every_page(project: Project, tmp_path: Path) -> None:
    first = _warm_equals_full(project, tmp_path / "memo")
    assert _warm_equals_full(project, tmp_path / "memo", builder="b2") == first
    # Only the last builder's pages are kept: the cache does not grow with each version.
    assert all(len(list((tmp_path / "memo" / lang).glob("*.json"))) == 1 for lang in first)


def test_a_language_catalog_is_in_the_builders_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interface translation (.po, package data) changed is another builder."""
    package = Path(site_builder.__file__).parent
    copy = tmp_path / "site_builder"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    digests = []
    for _ in range(2):
        monkeypatch.setattr(site_builder, "__file__", str(copy / "__init__.py"))
        cache.builder_digest.cache_clear()
        cache.render_digest.cache_clear()
        digests.append(cache.render_digest())
        po = copy / "i18n" / "locales" / "ar" / "LC_MESSAGES" / "messages.po"
        po.write_text(po.read_text("utf-8") + '\nmsgid "Edited"\nmsgstr "معدل"\n', "utf-8")
    cache.builder_digest.cache_clear()
    cache.render_digest.cache_clear()
    assert digests[0] != digests[1]


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        "[1, 2]",
        json.dumps({"page": {"text": 1, "reads": []}}),
        json.dumps({"authority.md.j2\0ad/town-1.md": {"text": "x", "reads": [["arg"]]}}),
        json.dumps({"authority.md.j2\0ad/town-1.md": {"text": "x", "reads": [["get", 1, 2]]}}),
        json.dumps({"authority.md.j2\0ad/town-1.md": {"text": "x", "reads": [[[], [], []]]}}),
        "\x80\x04\x95\x00",  # a pickle is read as text only, and is not JSON
    ],
)
def test_a_cache_file_that_is_not_as_written_is_ignored(
    project: Project, tmp_path: Path, stored: str
) -> None:
    first = _warm_equals_full(project, tmp_path / "memo")
    for file in (tmp_path / "memo").rglob("*.json"):
        file.write_text(stored, "utf-8")
    assert _warm_equals_full(project, tmp_path / "memo") == first


def test_a_build_from_a_warm_cache_after_a_twinning_link_equals_a_full_build(
    project: Project, tmp_path: Path
) -> None:
    """The whole build, languages in worker processes: the same files as a build without
    the cache after a link is added at one end."""
    options = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=2)
    pipeline.build(options)
    edit(
        _town(project, "ad", "town-0"),
        "twinning:\n",
        "twinning:\n- partner: af/town-2\n  kind: town-twinning\n  status: active\n",
    )
    pipeline.build(options)
    full = BuildOptions(project=project, site_dir=tmp_path / "full", jobs=1, cache=False)
    pipeline.build(full)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "full")
    assert list((tmp_path / ".site-cache" / "ar" / "render").glob("*.json"))


def test_an_edit_renders_again_only_the_pages_of_the_dialogue_listing_that_show_it(
    tmp_path: Path,
) -> None:
    """Every page of the listing links to where each level starts: it reads those first
    pages, not every dialogue model, so that another roadmap's edit leaves it as it was."""
    from site_builder.views.listings import Listings

    roadmaps = write_sample(tmp_path / "roadmaps", 6, 4, LANGUAGES)
    project = Project(roadmaps=roadmaps, docs=tmp_path / "docs", themes=tmp_path / "themes")
    context = _context(project)
    pages = Listings(context.views).dialogue_pages()
    assert len(pages) > 1
    shown = [{entry.roadmap.id for entry in page.entries} for page in pages]
    edited = next(r for r in sorted(context.dataset.roadmaps) if "/" in r and r not in shown[-1])
    _warm_equals_full(project, tmp_path / "memo")
    edit(roadmaps / f"{edited}.yml", "title:\n  en: ", "title:\n  en: Edited ")
    again = _warm_equals_full(project, tmp_path / "memo")
    last = pages[-1].path_of(len(pages))
    for language in LANGUAGES:
        assert f"{edited}.md" in again[language]
        assert last not in again[language]
        paths = [p.path_of(p.number) for p, ids in zip(pages, shown, strict=True) if edited in ids]
        assert set(paths) <= set(again[language])


def test_a_value_is_digested_by_what_it_holds_and_one_that_holds_itself_is_never_stored(
    project: Project,
) -> None:
    digests = Digests(_context(project).dataset)
    shared = ["Bamako", "Kayes"]
    # Equal data, shared or not, gives one digest (roadmaps read from the build cache
    # share other strings than roadmaps read from their files).
    assert digests.of([shared, shared]) == digests.of([["Bamako", "Kayes"], ["Bamako", "Kayes"]])
    itself: list[object] = ["Bamako"]
    itself.append(itself)
    with pytest.raises(Unsound):
        digests.of(itself)


def test_what_every_language_reads_alike_is_digested_once_per_build(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read of the context (not a page's own variables) gives the same value in every
    language, and so does a roadmap's part: the second language digests only what the
    first did not read."""
    context = _context(project)
    digested: list[int] = []
    of = Digests.of

    def counted(self: Digests, value: object) -> str:
        digested.append(1)
        return of(self, value)

    monkeypatch.setattr(Digests, "of", counted)
    english, _ = _render(context, project, "en", tmp_path / "memo", "b1")
    first = len(digested)
    arabic, _ = _render(context, project, "ar", tmp_path / "memo", "b1")
    second = len(digested) - first
    # Left: each page's own variables (a roadmap, a page of a listing), digested per page
    # (283 digests for English, then 283 for Arabic without this; 156 with it).
    assert second < first * 0.6
    alone, _ = _render(_context(project), project, "ar", None, "b1")
    assert arabic == alone
