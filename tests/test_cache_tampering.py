"""What anyone may have put in the build cache or beside the site never reaches the site,
and the build never writes or removes through a link: links, hard links, damaged or
edited entries in the kept engine projects and the search indexes are misses (the site
is what a build without a cache makes), and a site folder or leftover that is a link is
removed as a link, never emptied through it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.format.sample import write_sample
from tests.conftest import tree_digest


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """Roadmaps, a build cache that a build of them filled, and the digest of what a
    build without a cache makes."""
    root = tmp_path_factory.mktemp("tampering")
    roadmaps = write_sample(root / "roadmaps", 2, 2, ("en", "ar"))
    project = Project(roadmaps=roadmaps, docs=root / "docs", themes=root / "themes")
    pipeline.build(BuildOptions(project=project, site_dir=root / "site", cache_dir=root / "c"))
    full = BuildOptions(project=project, site_dir=root / "full", jobs=1, cache=False)
    pipeline.build(full)
    return roadmaps, root / "c", tree_digest(root / "full")


def _outside(tmp_path: Path) -> Path:
    """A folder of someone else's, with files two and three levels down."""
    outside = tmp_path / "outside"
    (outside / "overrides" / "deep").mkdir(parents=True)
    (outside / "victim.md").write_text("mine\n", "utf-8")
    (outside / "overrides" / "precious.txt").write_text("mine\n", "utf-8")
    (outside / "overrides" / "deep" / "keep.txt").write_text("mine\n", "utf-8")
    return outside


def _link_file(project: Path, outside: Path) -> None:
    (project / "docs" / "index.md").unlink()
    (project / "docs" / "index.md").symlink_to(outside / "victim.md")


def _hard_link(project: Path, outside: Path) -> None:
    (project / "docs" / "index.md").unlink()
    os.link(outside / "victim.md", project / "docs" / "index.md")


def _link_docs(project: Path, outside: Path) -> None:
    shutil.rmtree(project / "docs")
    (project / "docs").symlink_to(outside, target_is_directory=True)


def _link_project(project: Path, outside: Path) -> None:
    shutil.rmtree(project)
    project.symlink_to(outside, target_is_directory=True)


def _link_overrides(project: Path, outside: Path) -> None:
    shutil.rmtree(project / "overrides")
    (project / "overrides").symlink_to(outside / "overrides", target_is_directory=True)


def _link_inside_docs(project: Path, outside: Path) -> None:
    (project / "docs" / "evil").symlink_to(outside, target_is_directory=True)


def _dangling(project: Path, outside: Path) -> None:
    (project / "docs" / "dangling.md").symlink_to(outside / "nowhere.md")


def _not_utf8(project: Path, outside: Path) -> None:
    (project / "docs" / "index.md").write_bytes(b"\xff\xfe")


def _folder_for_a_page(project: Path, outside: Path) -> None:
    (project / "docs" / "index.md").unlink()
    (project / "docs" / "index.md").mkdir()


def _file_for_overrides(project: Path, outside: Path) -> None:
    shutil.rmtree(project / "overrides")
    (project / "overrides").write_text("x", "utf-8")


def _file_for_the_project(project: Path, outside: Path) -> None:
    shutil.rmtree(project)
    project.write_text("x", "utf-8")


TAMPERING: dict[str, Callable[[Path, Path], None]] = {
    "a page linked to a file outside": _link_file,
    "a page hard-linked to a file outside": _hard_link,
    "docs linked to a folder outside": _link_docs,
    "the project linked to a folder outside": _link_project,
    "overrides linked to a folder outside": _link_overrides,
    "a folder outside linked into docs": _link_inside_docs,
    "a dangling link in docs": _dangling,
    "a page that is not UTF-8": _not_utf8,
    "a folder where a page was": _folder_for_a_page,
    "a file where the overrides were": _file_for_overrides,
    "a file where the project was": _file_for_the_project,
}


def _build_after(
    built: tuple[Path, Path, dict[str, str]], tmp_path: Path, tamper: Callable[[Path, Path], None]
) -> None:
    """Build with a copy of the filled cache after `tamper(cache, outside)`: the folder
    outside stays as it was, and the site is what a build without a cache makes."""
    roadmaps, filled, expected = built
    cache = tmp_path / "cache"
    shutil.copytree(filled, cache, symlinks=True)
    outside = _outside(tmp_path)
    (outside / "precious.json").write_text("{}", "utf-8")
    before = tree_digest(outside)
    tamper(cache, outside)
    site = tmp_path / "site"
    pipeline.build(BuildOptions(project=Project(roadmaps=roadmaps), site_dir=site, cache_dir=cache))
    assert tree_digest(outside) == before
    assert tree_digest(site) == expected


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_what_is_put_in_a_kept_project_changes_nothing_outside_nor_the_site(
    built: tuple[Path, Path, dict[str, str]],
    tmp_path: Path,
    tamper: Callable[[Path, Path], None],
) -> None:
    _build_after(built, tmp_path, lambda cache, outside: tamper(cache / "projects" / "ar", outside))


def _linked_away(relative: str) -> Callable[[Path, Path], None]:
    """Replace the cache's folder `relative` by a link to the folder outside."""

    def tamper(cache: Path, outside: Path) -> None:
        shutil.rmtree(cache / relative)
        (cache / relative).symlink_to(outside, target_is_directory=True)

    return tamper


def _a_file_instead(relative: str) -> Callable[[Path, Path], None]:
    def tamper(cache: Path, outside: Path) -> None:
        shutil.rmtree(cache / relative)
        (cache / relative).write_text("x", "utf-8")

    return tamper


def _page_entries(cache: Path) -> list[Path]:
    return sorted((cache / "ar").glob("??/*.html"))


def _bucket_linked_away(cache: Path, outside: Path) -> None:
    bucket = _page_entries(cache)[0].parent
    shutil.rmtree(bucket)
    bucket.symlink_to(outside, target_is_directory=True)


def _pages_damaged(cache: Path, outside: Path) -> None:
    first, second, third = _page_entries(cache)[:3]
    first.write_bytes(first.read_bytes()[:200])  # cut short
    second.write_bytes(second.read_bytes() + b"\xff\xfe")  # not UTF-8 any more
    third.unlink()
    (third / "x").mkdir(parents=True)  # a folder where a page was


def _render_record_a_fifo(cache: Path, outside: Path) -> None:
    (record,) = (cache / "ar" / "render").glob("*.json")
    record.unlink()
    os.mkfifo(record)


CACHE_TAMPERING: dict[str, Callable[[Path, Path], None]] = {
    "a language's cache linked to a folder outside": _linked_away("ar"),
    "its search indexes linked to a folder outside": _linked_away("ar/search"),
    "its render record linked to a folder outside": _linked_away("ar/render"),
    "the open-data records linked to a folder outside": _linked_away("data"),
    "the readings linked to a folder outside": _linked_away("read"),
    "a folder of pages linked to a folder outside": _bucket_linked_away,
    "a file where a language's cache was": _a_file_instead("ar"),
    "a file where its search indexes were": _a_file_instead("ar/search"),
    "pages cut short, not UTF-8, or a folder": _pages_damaged,
    "the render record a FIFO": _render_record_a_fifo,
}


@pytest.mark.parametrize("tamper", CACHE_TAMPERING.values(), ids=CACHE_TAMPERING.keys())
def test_what_is_put_in_the_cache_changes_nothing_outside_nor_the_site(
    built: tuple[Path, Path, dict[str, str]],
    tmp_path: Path,
    tamper: Callable[[Path, Path], None],
) -> None:
    _build_after(built, tmp_path, tamper)


def test_a_search_index_edited_or_with_a_link_in_the_cache_is_made_again(
    built: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    roadmaps, filled, expected = built
    cache = tmp_path / "cache"
    shutil.copytree(filled, cache, symlinks=True)
    outside = _outside(tmp_path)
    (english,) = [p for p in (cache / "en" / "search").iterdir() if not p.name.startswith(".")]
    fragment = next((english / "fragment").iterdir())
    fragment.write_bytes(fragment.read_bytes() + b"X")  # edited
    (arabic,) = [p for p in (cache / "ar" / "search").iterdir() if not p.name.startswith(".")]
    (arabic / "leak.txt").symlink_to(outside / "victim.md")  # a link to a file outside
    site = tmp_path / "site"
    pipeline.build(BuildOptions(project=Project(roadmaps=roadmaps), site_dir=site, cache_dir=cache))
    assert tree_digest(site) == expected
    assert not list(site.rglob("leak.txt"))


def test_a_site_folder_that_is_a_link_is_built_where_it_points_and_the_link_kept(
    built: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    """The link is the user's (`site -> /var/www/roadmaps`): the site it points to is
    replaced, as the site folder is, and the link stays; a leftover beside that site
    which is a link out is removed without following it."""
    roadmaps, _, expected = built
    real = tmp_path / "real"
    options = BuildOptions(project=Project(roadmaps=roadmaps), site_dir=real, cache=False)
    pipeline.build(options)
    (real / "en" / "note.txt").write_text("mine\n", "utf-8")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    pipeline.build(BuildOptions(project=Project(roadmaps=roadmaps), site_dir=link, cache=False))
    assert link.is_symlink() and tree_digest(real) == expected
    outside = _outside(tmp_path)
    before = tree_digest(outside)
    (tmp_path / ".real.old-x").symlink_to(outside, target_is_directory=True)  # a leftover
    pipeline.build(BuildOptions(project=Project(roadmaps=roadmaps), site_dir=link, cache=False))
    assert tree_digest(outside) == before
    assert not (tmp_path / ".real.old-x").is_symlink()
    assert link.is_symlink() and tree_digest(real) == expected


def test_a_search_file_changed_in_place_in_the_site_is_not_taken_back_from_the_cache(
    built: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    """The search indexes are hard links between the site and the cache: a file of the
    published site written in place (a deploy step's rewrite) changes the cache's too,
    which is then a miss, not what the next build publishes."""
    roadmaps, filled, expected = built
    cache = tmp_path / "cache"
    shutil.copytree(filled, cache, symlinks=True)
    site = tmp_path / "site"
    options = BuildOptions(project=Project(roadmaps=roadmaps), site_dir=site, cache_dir=cache)
    pipeline.build(options)
    fragment = next((site / "en" / "pagefind" / "fragment").iterdir())
    with fragment.open("r+b") as handle:  # in place: the same file, not a new one
        handle.write(b"X")
    pipeline.build(options)
    assert tree_digest(site) == expected
