"""Search in shards: a language indexed by several Pagefind runs of bounded size (memory),
merged by the search box, each shard kept in the cache on its own key.

The shard size is lowered (`pagefind.SHARD_PAGES`, read at each call and inherited by the
build's forked processes) so that the contract site, in English and Arabic, is split.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.engine import pagefind
from tests.browser import ARGS, CHROMIUM, open_page, require_chromium, serve
from tests.conftest import CONTRACT, edit, tree_digest
from tests.test_search import ARABIC, search

SMALL = 8  # pages a shard: the contract site's languages (about 30 pages) in 4 or 5


def _build(roadmaps: Path, site: Path, cache: Path | None, jobs: int = 2) -> None:
    options = BuildOptions(
        project=Project(roadmaps=roadmaps),
        site_dir=site,
        jobs=jobs,
        languages=("en", "ar"),
        cache_dir=cache,
        cache=cache is not None,
    )
    pipeline.build(options)


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sharded")
    roadmaps = root / "roadmaps"
    shutil.copytree(CONTRACT, roadmaps)
    edit(
        roadmaps / "ml/yelimane.yml",
        "      fr: Rencontre annuelle avec les émigrés de passage\n",
        f"      fr: Rencontre annuelle\n      ar: {ARABIC}\n",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pagefind, "SHARD_PAGES", SMALL)
        _build(roadmaps, root / "site", root / "cache")
    return root / "site"


def _fragment_urls(index: Path) -> set[str]:
    import gzip

    urls = set()
    for path in (index / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        urls.add(json.loads(data[data.index(b"{") :])["url"])
    return urls


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_large_language_is_indexed_in_shards_listed_beside_the_first(
    sharded: Path, lang: str
) -> None:
    folder = sharded / lang
    shards = pagefind.plan(folder, SMALL)
    assert len(shards) >= 2 and all(len(shard.pages) <= SMALL for shard in shards)
    index = folder / "pagefind"
    others = json.loads((index / pagefind.MANIFEST).read_text("utf-8"))
    assert others == [f"shard-{n}/" for n in range(2, len(shards) + 1)]
    found: list[str] = []
    for shard in shards:
        shard_index = index / shard.folder
        entry = json.loads((shard_index / "pagefind-entry.json").read_text("utf-8"))
        assert list(entry["languages"]) == [lang]  # each shard stemmed for the language
        urls = _fragment_urls(shard_index)
        assert urls == {"/" + p.removesuffix("index.html") for p in shard.pages}
        found += urls
        if shard.number > 1:  # the first shard's script and WebAssembly serve them all
            assert not list(shard_index.glob("*.js")) and not list(shard_index.glob("wasm.*"))
    assert len(found) == len(set(found))  # each page in one shard only
    assert not list(folder.glob(".pagefind-*"))  # no scratch left


def test_a_small_language_is_one_shard_with_an_empty_list(contract_site: Path) -> None:
    index = contract_site / "en" / "pagefind"
    assert json.loads((index / pagefind.MANIFEST).read_text("utf-8")) == []
    assert not list(index.glob("shard-*"))


def test_shards_are_whole_top_folders_packed_in_order(tmp_path: Path) -> None:
    pages = ["index.html", "about/index.html"]
    pages += [f"ml/{town}/index.html" for town in ("", "kayes", "yelimane")]
    pages += [f"sn/{town}/index.html" for town in ("", "matam")]
    pages += [f"us/t{n}/index.html" for n in range(1, 6)]
    pages += ["404.html", "search/index.html", "pagefind/x.html"]  # never indexed
    # Pages that only repeat words indexed where they are from: never indexed either.
    pages += ["twinning/page-2/index.html", "outcomes/o1/page-2/index.html"]
    pages += ["status/planned-2/index.html", "coordination/ml/index.html"]
    for page in pages:
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("<html lang=en><article>x</article></html>", "utf-8")
    shards = pagefind.plan(tmp_path, 4)
    assert [shard.pages for shard in shards] == [
        ("index.html", "about/index.html"),
        ("ml/index.html", "ml/kayes/index.html", "ml/yelimane/index.html"),
        ("sn/index.html", "sn/matam/index.html"),
        tuple(f"us/t{n}/index.html" for n in range(1, 5)),  # cut at 4
        ("us/t5/index.html",),
    ]
    assert [shard.folder for shard in shards] == ["", "shard-2", "shard-3", "shard-4", "shard-5"]
    (tmp_path / "ml/kayes/index.html").write_text("<html lang=en>other</html>", "utf-8")
    assert pagefind.plan(tmp_path, 4) == shards  # an edited page keeps its shard
    assert len(pagefind.plan(tmp_path)) == 1  # SHARD_PAGES


def _country_pages(folder: Path, countries: int, towns: int) -> None:
    pages = ["index.html", "about/index.html"]
    for country in range(countries):
        pages += [f"c{country:02}/index.html"]
        pages += [f"c{country:02}/t{town}/index.html" for town in range(towns)]
    for page in pages:
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        (folder / page).write_text("<html lang=en><article>x</article></html>", "utf-8")


@pytest.mark.parametrize(("countries", "least", "cut"), [(30, 10, 3), (30, 50, 2), (5, 40, 1)])
def test_a_language_is_cut_in_as_many_even_shards_as_its_pages_allow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, countries: int, least: int, cut: int
) -> None:
    """SEARCH_SHARDS shards (3) once each has SHARD_PAGES_LEAST pages, fewer otherwise,
    even to within one folder (a country: 4 pages), though all would fit in one; an edit
    keeps every page in its shard."""
    monkeypatch.setattr(pagefind, "SHARD_PAGES_LEAST", least)
    _country_pages(tmp_path, countries, 3)
    pages = 2 + 4 * countries
    shards = pagefind.plan(tmp_path)
    assert len(shards) == cut
    sizes = [len(shard.pages) for shard in shards]
    assert sum(sizes) == pages and max(sizes) - min(sizes) <= 4
    every = [page for shard in shards for page in shard.pages]
    assert sorted(every) == sorted(relative for relative, _ in pagefind._indexed_pages(tmp_path))
    folders = [{page.split("/")[0] for page in shard.pages} for shard in shards]
    assert all(not (a & b) for a, b in itertools.combinations(folders, 2))  # whole folders
    (tmp_path / "c01/t1/index.html").write_text("<html lang=en>edited</html>", "utf-8")
    assert pagefind.plan(tmp_path) == shards


def test_a_language_is_cut_in_more_shards_when_memory_needs_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SHARD_PAGES (the memory bound) wins over SEARCH_SHARDS: 122 pages at most 30 in a
    shard make five shards, none over 30."""
    monkeypatch.setattr(pagefind, "SHARD_PAGES_LEAST", 10)
    _country_pages(tmp_path, 30, 3)
    sizes = [len(shard.pages) for shard in pagefind.plan(tmp_path, 30)]
    assert len(sizes) == 5 and max(sizes) <= 30 and sum(sizes) == 122


def test_a_shard_key_is_its_pages_as_indexed(tmp_path: Path) -> None:
    for page, text in (("index.html", "home"), ("ml/index.html", "Mali"), ("404.html", "x")):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text(f"<html lang=en><article>{text}</article></html>")
    first, second = pagefind.plan(tmp_path, 1)
    keys = pagefind.shard_key(tmp_path, first), pagefind.shard_key(tmp_path, second)
    (tmp_path / "404.html").write_text("other", "utf-8")  # not indexed
    assert pagefind.shard_key(tmp_path, first) == keys[0]
    (tmp_path / "ml/index.html").write_text("<html lang=en><article>Mai</article></html>")
    assert pagefind.shard_key(tmp_path, first) == keys[0]  # another shard's page
    assert pagefind.shard_key(tmp_path, second) != keys[1]
    moved = pagefind.Shard(2, ("index.html",))  # the same pages in another place
    assert pagefind.shard_key(tmp_path, moved) == keys[0]


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize(("lang", "query"), [("en", "Yelimane"), ("ar", "ابناء")])
def test_the_box_finds_a_page_of_another_shard(
    browser, sharded: Path, lang: str, query: str
) -> None:
    shard = next(
        s for s in pagefind.plan(sharded / lang, SMALL) if "ml/yelimane/index.html" in s.pages
    )
    assert shard.number > 1
    with serve(sharded) as url:
        context, page, recorder = open_page(browser, f"{url}/{lang}/")
        try:
            links = search(page, query)
            assert f"{url}/{lang}/ml/yelimane/" in links, links
            found = page.locator(f'.md-search-result__link[href$="/{lang}/ml/yelimane/"]')
            # The title's own direction, as the page gives it to the index.
            built = (sharded / lang / "ml" / "yelimane" / "index.html").read_text("utf-8")
            given = re.search(r'<span data-pagefind-meta="title[^>]* dir="(\w+)"', built)
            assert given and found.locator("h1").get_attribute("dir") == given.group(1)
            assert found.locator("p").get_attribute("dir") == "auto"
            assert found.locator("p mark").count() > 0  # the excerpt, the word marked
            loaded = [u for u in recorder.requests if "/pagefind/" in u]
            entry = f"{url}/{lang}/pagefind/{shard.folder}/pagefind-entry.json"
            assert any(u.partition("?")[0] == entry for u in loaded), loaded
            assert sum(u.endswith(".pagefind") for u in loaded) == 1  # one WebAssembly
            assert recorder.foreign() == [] and recorder.errors == []
        finally:
            context.close()


def test_results_of_every_shard_are_counted_and_ranked_together(
    browser, sharded: Path, contract_site: Path
) -> None:
    """A word on many pages finds as many pages as in one index of the whole language
    (the contract site, one shard), and the results of all shards come in the order of
    Pagefind's scores."""
    shown = []
    for site in (sharded, contract_site):
        with serve(site) as url:
            context, page, _ = open_page(browser, f"{url}/en/")
            try:
                search(page, "Mali")
                shown.append(page.inner_text(".md-search-result__meta"))
                if site == sharded:  # the module the box imported, its shards merged
                    scores = page.evaluate(
                        """async () => {
                          const pagefind = await import('/en/pagefind/pagefind.js');
                          return (await pagefind.search('Mali')).results.map((r) => r.score);
                        }"""
                    )
                    assert scores == sorted(scores, reverse=True) and len(scores) > SMALL
            finally:
                context.close()
    assert shown[0] == shown[1] and shown[0].split()[0].isdigit(), shown


def test_a_rebuild_indexes_again_only_the_shards_whose_pages_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roadmaps = tmp_path / "roadmaps"
    shutil.copytree(CONTRACT, roadmaps)
    monkeypatch.setattr(pagefind, "SHARD_PAGES", SMALL)
    runs = tmp_path / "runs.txt"
    make = pagefind._make_index

    def counted(site_dir: Path, shard: pagefind.Shard, copy: Path, staged: Path) -> None:
        with runs.open("a", encoding="utf-8") as log:  # written by the forked indexers
            log.write(f"{site_dir.name} {shard.number}\n")
        make(site_dir, shard, copy, staged)

    monkeypatch.setattr(pagefind, "_make_index", counted)
    site, cache = tmp_path / "site", tmp_path / "cache"
    _build(roadmaps, site, cache)
    shards = {lang: pagefind.plan(site / lang) for lang in ("en", "ar")}
    assert len(runs.read_text("utf-8").splitlines()) == sum(map(len, shards.values()))
    before = tree_digest(site)
    runs.unlink()
    edit(roadmaps / "ml/yelimane.yml", "during the summer", "during the long summer")
    _build(roadmaps, site, cache)
    after = tree_digest(site)
    changed = {
        (lang, shard.number)
        for lang in ("en", "ar")
        for shard in shards[lang]
        if any(before.get(f"{lang}/{p}") != after[f"{lang}/{p}"] for p in shard.pages)
    }
    again = {(lang, int(n)) for lang, n in map(str.split, runs.read_text().splitlines())}
    assert again == changed and 0 < len(again) < sum(map(len, shards.values())) / 2
    assert [p.name for p in (cache / "en" / "search").iterdir()] != []
    kept = len(list((cache / "en" / "search").iterdir()))
    assert kept == len(shards["en"])  # the indexes of the shards as they are now
    _build(roadmaps, tmp_path / "full", None, jobs=1)  # no cache, one process
    assert tree_digest(tmp_path / "full") == after
