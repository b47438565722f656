"""Listing pages split so that no page grows with the site (views/paging.py), and the
built listings that use it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.format.sample import write_sample
from site_builder.load.validate import load_dataset
from site_builder.views.across import STATUS_PAGE_SIZE, Views
from site_builder.views.listings import Listings
from site_builder.views.paging import (
    Page,
    first_pages,
    grouped,
    listing_path,
    page_window,
    pages_of,
    paginate,
)
from tests.conftest import PROJECT_ROOT


def test_paginate_cuts_into_pages_of_the_size_and_keeps_one_empty_page() -> None:
    assert paginate(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert paginate([], 3) == [[]]
    with pytest.raises(ValueError):
        paginate([1], 0)


def test_pages_after_the_first_are_in_a_folder_out_of_the_navigation() -> None:
    assert [listing_path("dialogue", n) for n in (1, 2, 10)] == [
        "dialogue.md",
        "dialogue/page-2.md",
        "dialogue/page-10.md",
    ]
    home = pages_of("countries", list(range(90)), 40, first="index.md")
    assert [p.path for p in home] == ["index.md", "countries/page-2.md", "countries/page-3.md"]
    assert home[2].path_of(1) == "index.md" and home[2].entries == list(range(80, 90))


@pytest.mark.parametrize(
    ("number", "total", "window"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 100, [1, 2, 3, None, 100]),
        (50, 100, [1, None, 48, 49, 50, 51, 52, None, 100]),
        (100, 100, [1, None, 98, 99, 100]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_a_page_links_to_a_bounded_window_of_pages(number, total, window) -> None:
    assert page_window(number, total) == window


def test_the_window_does_not_grow_with_the_listing() -> None:
    assert max(len(page_window(n, 10_000)) for n in range(1, 10_001)) == 9


def test_grouped_keeps_runs_of_equal_keys_in_order() -> None:
    entries = ["local-a", "local-b", "national-a", "regional-a", "regional-b"]
    groups = grouped(entries, lambda e: e.split("-")[0])
    assert groups == [
        ("local", ["local-a", "local-b"]),
        ("national", ["national-a"]),
        ("regional", ["regional-a", "regional-b"]),
    ]
    assert first_pages(entries, lambda e: e.split("-")[0], 2) == {
        "local": 1,
        "national": 2,
        "regional": 2,
    }


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory) -> Views:
    folder = write_sample(tmp_path_factory.mktemp("paging") / "roadmaps", 12, 9, ("en",))
    dataset = load_dataset(folder).dataset
    assert dataset is not None
    return Views(dataset)


def test_dialogue_listing_pages_hold_every_model_once_in_level_order(views: Views) -> None:
    pages = Listings(views).dialogue_pages()
    assert len(pages) > 1 and all(len(p.entries) <= 40 for p in pages)
    flat = [e for p in pages for e in p.entries]
    assert flat == [e for _, group in views.dialogue_by_level() for e in group]
    levels = Listings(views).dialogue_levels()
    for level, number in levels.items():
        page: Page = pages[number - 1]
        assert level in [lv for lv, _ in Listings(views).by_level(page)]
        if number > 1:
            assert level not in [lv for lv, _ in Listings(views).by_level(pages[number - 2])]


def test_twinning_listing_pages_hold_every_link_once(views: Views) -> None:
    pages = Listings(views).twinning_pages()
    flat = [link for p in pages for link in p.entries]
    assert flat == [link for _, group in views.links_by_diaspora() for link in group]
    assert sorted(map(id, flat)) == sorted(map(id, views.links))
    assert [p.path for p in pages][:2] == ["twinning.md", "twinning/page-2.md"]


def test_coordination_lists_are_capped_and_counted(views: Views) -> None:
    full = max(
        (views.coordination(c) for c in views.dataset.countries()),
        key=lambda c: len(c.organisations),
    )
    capped = full.capped(2)
    assert len(capped.organisations) == 2
    assert capped.more["organisations"] == len(full.organisations) - 2
    assert full.capped(10_000).more == {}
    assert full.more_than(2) and not full.more_than(10_000)  # what `capped` would leave out


def test_built_listings_are_paged_and_linked(run, tmp_path: Path) -> None:
    """At 180 roadmaps in 45 countries, the home page, dialogue models and twinning
    directory continue on numbered pages that link to each other, in Arabic too."""
    data = write_sample(tmp_path / "roadmaps", 45, 3, ("ar", "en"))
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    for language in ("ar", "en"):
        for listing in ("dialogue", "twinning", "countries"):
            second = site / language / listing / "page-2" / "index.html"
            assert second.is_file(), second
            html = second.read_text("utf-8")
            first = "../../" if listing == "countries" else "../"
            assert f'href="{first}"' in html, listing  # back to page 1
        home = (site / language / "index.html").read_text("utf-8")
        assert 'href="countries/page-2/"' in home
        # 135 links: more than the home page maps; each page of the directory maps its own.
        assert 'class="dr-map"' not in home and 'href="twinning/"' in home
        assert len(home.encode()) < 60 * 1024
        countries = home.split('id="countries"', 1)[1]
        assert len(re.findall(r"<tr>", countries)) == 1 + 40  # the header row, 40 countries
        # A status list holds as many commitments a page as the other listings.
        statuses = (site / language / "status" / "completed" / "index.html").read_text("utf-8")
        assert len(re.findall(r"<tr>", statuses)) == 1 + STATUS_PAGE_SIZE == 1 + 40
        assert (site / language / "status" / "completed-2" / "index.html").is_file()
    # Every generated page (hand-written guides such as /contribute/ are what they are).
    guides = {
        p.stem for p in (PROJECT_ROOT / "site_builder" / "defaults" / "docs" / "en").glob("*.md")
    }
    # Pages that draw the twinning map (the twinning directory, the home page's first
    # page) are left to the test below.
    sizes = {
        p: p.stat().st_size
        for p in site.rglob("*.html")
        if not set(p.relative_to(site).parts) & guides
        and 'class="dr-map"' not in p.read_text("utf-8")
    }
    assert max(sizes.values()) < 60 * 1024, max(sizes, key=sizes.get)


def test_twinning_pages_stay_under_60_kb(run, tmp_path: Path) -> None:
    """The pages that draw the twinning map (each page of the directory, the home page)
    stay under 60 KB too: the map's outlines are simplified and each page maps its own
    links."""
    data = write_sample(tmp_path / "roadmaps", 5, 3, ("en",))
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    pages = [site / "en" / "twinning" / "index.html", *site.glob("en/twinning/*/index.html")]
    pages.append(site / "en" / "index.html")
    assert max(p.stat().st_size for p in pages) < 60 * 1024


ROADMAP_PAGE_LIMIT = 40 * 1024  # bytes of HTML, at any number of roadmaps


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """180 synthetic roadmaps in 45 countries (every field filled, names of 60 letters and
    more, as the benchmark's), in Arabic and English, built once: (roadmaps, site)."""
    from site_builder.cli import main

    root = tmp_path_factory.mktemp("sample")
    data = write_sample(root / "roadmaps", 45, 3, ("ar", "en"))
    assert (
        main(["build", "--quiet", "--roadmaps", str(data), "--site-dir", str(root / "site")]) == 0
    )
    return data, root / "site"


def test_roadmap_pages_stay_under_40_kb(sample_site: tuple[Path, Path]) -> None:
    """Every roadmap page (a country's, a local authority's) of roadmaps that fill every
    field stays under 40 KB of HTML, in Arabic and English. What would repeat on every
    page is a cached file (the site's script, the header's icons), the table of contents
    is printed once, permalinks only on the headings it lists, and each list of a
    country's coordination section (the part that grows with the site) is a sample
    beside its count: the heaviest pages here have every list full."""
    data, site = sample_site
    for language in ("ar", "en"):
        pages = [
            site / language / folder.name / ("" if file.stem == "country" else file.stem)
            for folder in data.iterdir()
            if folder.is_dir()
            for file in folder.glob("*.yml")
        ]
        sizes = {p: (p / "index.html").stat().st_size for p in pages}
        assert len(sizes) == 180
        heaviest = max(sizes, key=sizes.get)
        assert sizes[heaviest] <= ROADMAP_PAGE_LIMIT, (heaviest, sizes[heaviest])
        html = (heaviest / "index.html").read_text("utf-8")
        coordination = html.split('id="coordination"', 1)[1].split("<h2", 1)[0]
        assert coordination.count("<dd>") >= 4 and coordination.count(" … ") >= 3, coordination
        # What the page keeps: its own table of contents, once; language marks; anchors.
        assert html.count('<details class="dr-toc"') == 1 and 'data-md-component="toc"' not in html
        assert 'src="../assets/javascripts/site.js"' in html and "<script>\n(function" not in html


def test_whole_coordination_lists_are_cut_into_bounded_pages_in_order(views: Views) -> None:
    """A country's whole coordination lists (where "… and N more" leads) hold every entry
    once, in order, at most `size` entries a page, a list continuing on the next page."""
    full = max(
        (views.coordination(c) for c in views.dataset.countries()),
        key=lambda c: sum(len(c[1]) for p in c.pages(10_000) for c in p),
    )
    pages = full.pages(5)
    assert len(pages) > 1
    assert all(sum(len(entries) for _, entries in page) <= 5 for page in pages)
    for name in ("countries", "authorities", "links", "organisations", "dialogue"):
        flat = [
            e for page in pages for list_name, entries in page if list_name == name for e in entries
        ]
        assert flat == getattr(full, name), name
    with pytest.raises(ValueError):
        full.pages(0)


def _list_items(html: str, list_id: str) -> list[str]:
    """The entries of the list headed `id=list_id` on a coordination page."""
    from lxml import html as lxml_html

    article = lxml_html.fromstring(html).find(".//article")
    heading = article.find(f".//h2[@id='{list_id}']")
    if heading is None:
        return []
    items = []
    for element in heading.itersiblings():
        if element.tag == "h2" or element.tag == "nav":
            break
        items += [li.text_content() for li in element.iter("li")]
    return items


# "and N more" in Arabic: one and two are said in words, without the numeral.
_ARABIC_FEW = {"وعنصر آخر": 1, "وعنصران آخران": 2}


def _whole_list(first: Path, list_id: str) -> list[str]:
    """The entries of a list on the coordination page `first` and the pages after it."""
    entries, page = [], first
    while page is not None:
        html = page.read_text("utf-8")
        entries += _list_items(html, list_id)
        following = re.search(r'<a href="([^"]+)">(?:next page|الصفحة التالية)</a>', html)
        page = (page.parent / following.group(1) / "index.html").resolve() if following else None
    return entries


@pytest.mark.parametrize("language", ["ar", "en"])
def test_and_n_more_leads_to_the_whole_list(sample_site: tuple[Path, Path], language: str) -> None:
    """A country's capped coordination list ends with "… and N more": N is what the page
    leaves out, and the text is a link to the page where the whole list starts, which
    (with the pages after it) lists every entry. In Arabic, one and two are words."""
    from lxml import html as lxml_html

    from site_builder.views.entries import COORDINATION_SHOWN

    data, site = sample_site
    dataset = load_dataset(data).dataset
    assert dataset is not None
    views = Views(dataset)
    followed = set()
    for country_page in sorted(site.glob(f"{language}/??/index.html")):
        full = views.coordination(country_page.parent.name.upper())
        tree = lxml_html.fromstring(country_page.read_text("utf-8"))
        for link in tree.xpath("//article//a[contains(@href, 'coordination/')]"):
            path, _, list_id = link.get("href").partition("#")
            text = link.text_content()
            more = _ARABIC_FEW.get(text) or int(re.sub(r"\D", "", text))
            assert more == len(getattr(full, list_id)) - COORDINATION_SHOWN, text
            whole = _whole_list((country_page.parent / path / "index.html").resolve(), list_id)
            assert len(whole) == len(getattr(full, list_id)), (country_page, list_id)
            followed.add(list_id)
    assert {"authorities", "organisations", "dialogue"} <= followed  # the others stay short here


def test_arabic_says_one_and_two_more_in_words() -> None:
    """ "و1 أخرى" is not Arabic: one and two more are said without the numeral (CLDR's
    `one` and `two` plural categories), from three on with it; the noun (عنصر, an entry)
    is the same whatever the list counts (countries, links, organisations), so that the
    words agree with it in every list."""
    from site_builder.i18n.localise import Localiser

    loc = Localiser("ar", "en", ("en", "ar"))
    said = {
        n: loc.ngettext("and %(num)d more", "and %(num)d more", n) % {"num": n}
        for n in (1, 2, 3, 11, 100)
    }
    assert said == {
        1: "وعنصر آخر",
        2: "وعنصران آخران",
        3: "و3 عناصر أخرى",
        11: "و11 عنصرًا آخر",
        100: "و100 عنصر آخر",
    }


def test_what_every_page_of_a_listing_shows_of_the_whole_is_computed_once_per_render(
    views: Views, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listing's pages each show where every level starts and every diaspora's count:
    computed per page, the listing's work grew with its entries times its pages (23 times
    slower at 2000 roadmaps than at 500, for 4 times the entries)."""
    from site_builder.render.pages import Renderer
    from site_builder.views import across
    from site_builder.views.context import SiteContext

    scans = {"levels": 0, "sorted": 0}
    first_pages, by_format = across.first_pages, across._by_format

    def counted_first_pages(*args, **kwargs):  # type: ignore[no-untyped-def]
        scans["levels"] += 1
        return first_pages(*args, **kwargs)

    def counted_by_format(entry):  # type: ignore[no-untyped-def]
        scans["sorted"] += 1
        return by_format(entry)

    monkeypatch.setattr(across, "first_pages", counted_first_pages)
    monkeypatch.setattr(across, "_by_format", counted_by_format)
    context = SiteContext.of(views.dataset)
    listings = Listings(context.views)
    assert len(listings.dialogue_pages()) > 2 and len(listings.twinning_pages()) > 2
    rendered = Renderer(context, "en", None).render()
    assert "dialogue/page-3.md" in rendered.pages and "twinning/page-3.md" in rendered.pages
    assert scans["levels"] == 1
    assert scans["sorted"] == len(context.views.dialogue)  # each model sorted once
    totals = context.views.diaspora_link_counts()
    assert totals is context.views.diaspora_link_counts()  # one Counter, however many pages
