"""Search: one Pagefind index per language, and the box in the header, in Chromium.

Each query of issue 14 is typed into the search box as a reader would (without accents,
short vowels or hamza, with another case, after an elided French article) and the page
that holds the word as written must be found. The box must load nothing before it is
used, work from the keyboard and on a phone, pass axe, read right to left in Arabic, say
how to browse without JavaScript, and work in the live preview too.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.engine import pagefind
from site_builder.errors import BuildFailed
from tests.browser import ARGS, CHROMIUM, axe_violations, open_page, require_chromium, serve
from tests.conftest import CONTRACT, PROJECT_ROOT, edit

# Texts written as people write them, added to the contract's Yélimané roadmap.
ARABIC = "تُنظِّم الدائرة لقاءً سنويًّا مع أبناء الجالية لعرض الإنجازات"
FRENCH = (
    "Rencontre annuelle qu’organisent les émigrés de passage, l’hivernage venu, autour d’œuvres"
)


def _build(roadmaps: Path, site: Path) -> Path:
    cwd = os.getcwd()
    os.chdir(PROJECT_ROOT)
    try:
        assert main(["build", "--quiet", "--roadmaps", str(roadmaps), "--site-dir", str(site)]) == 0
    finally:
        os.chdir(cwd)
    return site


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    roadmaps = root / "roadmaps"
    shutil.copytree(CONTRACT, roadmaps)
    edit(
        roadmaps / "ml/yelimane.yml",
        "      fr: Rencontre annuelle avec les émigrés de passage\n",
        f"      fr: {FRENCH}\n      ar: {ARABIC}\n",
    )
    return _build(roadmaps, root / "site")


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(search_site: Path):
    with serve(search_site) as url:
        yield url


def search(page, query: str) -> list[str]:  # noqa: ANN001 - a Page
    """Open the box with its `/` key, type `query`; the links of the results shown."""
    if page.evaluate("document.activeElement.name") != "q":
        page.keyboard.press("/")
    page.keyboard.type(query, delay=20)
    page.wait_for_function(
        "(query) => document.getElementById('dr-search').dataset.shown === query",
        arg=query,
        timeout=15000,
    )
    return page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")


CASES = [
    # (language, what people type, a page that holds the word as written)
    ("fr", "developpement", "ml/"),  # développement
    ("fr", "DÉVELOPPEMENT", "ml/"),
    ("en", "Yelimane", "ml/yelimane/"),  # Yélimané
    ("en", "yélimané", "ml/yelimane/"),
    ("en", "Malians", "ml/"),
    ("fr", "exterieur", "ml/"),  # l'extérieur
    ("fr", "hivernage", "ml/yelimane/"),  # l’hivernage, typographic apostrophe
    ("fr", "organisent", "ml/yelimane/"),  # qu’organisent
    ("fr", "oeuvres", "ml/yelimane/"),  # d’œuvres
    ("ar", "تنظم", "ml/yelimane/"),  # تُنظِّم
    ("ar", "سنويا", "ml/yelimane/"),  # سنويًّا
    ("ar", "ابناء", "ml/yelimane/"),  # أبناء
    ("ar", "الانجازات", "ml/yelimane/"),  # الإنجازات
    ("ar", "الماليين", "ml/"),
]


@pytest.mark.parametrize(("lang", "query", "expected"), CASES)
def test_search_finds_what_people_type(
    browser, site: str, lang: str, query: str, expected: str
) -> None:
    context, page, recorder = open_page(browser, f"{site}/{lang}/")
    try:
        links = search(page, query)
        assert f"{site}/{lang}/{expected}" in links, links
        first = page.locator(".md-search-result__item").first
        assert first.locator("h1").inner_text().strip()  # a title
        assert first.locator("p mark").count() > 0  # an excerpt, the word found marked
        assert recorder.foreign() == [] and recorder.errors == []
    finally:
        context.close()


def test_a_word_that_is_nowhere_finds_nothing(browser, site: str) -> None:
    context, page, _ = open_page(browser, f"{site}/fr/")
    try:
        assert search(page, "zyxwvutsrq") == []
        assert page.inner_text(".md-search-result__meta").strip() == "Aucun document trouvé"
    finally:
        context.close()


def search_requests(urls: list[str]) -> list[str]:
    return [u for u in urls if "/pagefind/" in u or "search" in u.rsplit("/", 1)[-1]]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_nothing_of_search_loads_before_the_reader_types(browser, site: str, lang: str) -> None:
    for url in ("", "ml/yelimane/", "twinning/", "404.html"):
        context, page, recorder = open_page(browser, f"{site}/{lang}/{url}")
        try:
            page.click(".md-search__input")  # opening the box is not searching yet
            page.wait_for_timeout(300)
            assert search_requests(recorder.requests) == [], (url, recorder.requests)
            search(page, "diaspora")
            loaded = search_requests(recorder.requests)
            assert f"{site}/{lang}/pagefind/pagefind.js" in loaded, loaded
            # The language's own index, with its own stemming.
            assert f"{site}/{lang}/pagefind/wasm.{lang}.pagefind" in loaded, loaded
            assert all(f"/{lang}/" in u for u in loaded), loaded
            assert recorder.foreign() == [] and recorder.errors == []
        finally:
            context.close()


@pytest.fixture(scope="module")
def larger_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough roadmaps for Pagefind to split its index into several chunks."""
    from site_builder.format.sample import write_sample

    root = tmp_path_factory.mktemp("larger")
    write_sample(root / "roadmaps", 6, 9, ("en",))
    return _build(root / "roadmaps", root / "site")


def test_a_query_loads_only_the_index_chunks_it_needs(browser, larger_site: Path) -> None:
    chunks = list((larger_site / "en/pagefind/index").iterdir())
    assert len(chunks) > 2
    with serve(larger_site) as url:
        context, page, recorder = open_page(browser, f"{url}/en/")
        try:
            search(page, "diaspora")
            loaded = [u for u in recorder.requests if u.endswith(".pf_index")]
            assert 0 < len(loaded) < len(chunks)
            fragments = [u for u in recorder.requests if u.endswith(".pf_fragment")]
            assert 0 < len(fragments) <= 10  # excerpts of the first results only
            page.click(".dr-search-more-button")  # more results on demand
            page.wait_for_function(
                "document.querySelectorAll('.md-search-result__item').length > 10"
            )
        finally:
            context.close()


def test_the_box_opens_with_its_keys_and_closes_with_escape(browser, site: str) -> None:
    context, page, _ = open_page(browser, f"{site}/en/ml/")
    try:
        for key in ("s", "/"):
            page.keyboard.press(key)
            assert page.evaluate("document.activeElement.name") == "q"
            assert page.is_checked("#__search")
            assert page.input_value(".md-search__input") == ""  # the key is not typed
            page.keyboard.press("Escape")
            assert not page.is_checked("#__search")
        page.keyboard.press("s")
        page.keyboard.type("Yelimane", delay=20)
        page.wait_for_selector(".md-search-result__link")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # the first result
        assert re.search(r"/en/(ml/yelimane|fr/montreuil)/$", page.url), page.url
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_keyboard_focus_leaving_the_open_box_closes_it(browser, site: str, width: int) -> None:
    """Outside check: Tab from the search box went on through the page under the open
    box (a blank screen on a phone), and only Escape closed it."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{site}/ar/ml/", wait_until="networkidle")
        page.keyboard.press("s")
        assert page.is_checked("#__search")
        inside = "document.activeElement.closest('.md-search') !== null"
        for _ in range(6):
            page.keyboard.press("Tab")
            if not page.evaluate(inside):
                break
        assert not page.evaluate(inside)
        assert not page.is_checked("#__search")
        page.keyboard.press("s")
        page.keyboard.press("Shift+Tab")
        assert not page.evaluate(inside) and not page.is_checked("#__search")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_box_works_on_a_phone(browser, site: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{site}/{lang}/ml/", wait_until="networkidle")
        width = "document.querySelector('.md-search__inner').getBoundingClientRect().width"
        assert page.evaluate(width) == 0  # closed: only the icon in the header
        page.tap('label.md-header__button[for="__search"]')
        page.wait_for_function(f"{width} === 360")  # open over the whole width
        assert page.evaluate("document.activeElement.name") == "q"
        page.keyboard.type("Yelimane" if lang == "en" else "ابناء", delay=20)
        page.wait_for_selector(".md-search-result__link", state="visible")
        box = page.locator(".md-search-result__link").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    finally:
        context.close()


@pytest.mark.parametrize(
    ("lang", "query"), [("en", "Yelimane"), ("fr", "Maliens"), ("ar", "ابناء")]
)
def test_results_are_accessible_and_in_the_page_direction(
    browser, site: str, lang: str, query: str
) -> None:
    context, page, _ = open_page(browser, f"{site}/{lang}/")
    try:
        search(page, query)
        assert axe_violations(page) == []
        direction = page.evaluate(
            "getComputedStyle(document.querySelector('.md-search-result__list')).direction"
        )
        assert direction == ("rtl" if lang == "ar" else "ltr")
        meta = page.inner_text(".md-search-result__meta")
        assert meta.strip() and "matching" not in meta or lang == "en"  # Material's words
    finally:
        context.close()


def test_without_javascript_the_search_page_says_how_to_browse(browser, site: str) -> None:
    context, page, _ = open_page(browser, f"{site}/fr/ml/", javascript=False)
    try:
        page.fill(".md-search__input", "développement")
        page.press(".md-search__input", "Enter")
        page.wait_for_load_state()
        assert page.url.startswith(f"{site}/fr/search/?q=")
        assert page.is_visible(".dr-search-nojs")
        assert "JavaScript" in page.inner_text(".dr-search-nojs")
        page.click("article >> text=Jumelages")
        page.wait_for_load_state()
        assert page.url == f"{site}/fr/twinning/"
    finally:
        context.close()


def test_without_javascript_the_box_opens_on_a_phone_too(browser, site: str) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{site}/ar/ml/")
        page.tap('label.md-header__button[for="__search"]')  # a checkbox: no script needed
        page.fill(".md-search__input", "ابناء")
        page.press(".md-search__input", "Enter")
        page.wait_for_load_state()
        assert page.url.startswith(f"{site}/ar/search/?q=")
        assert page.is_visible(".dr-search-nojs")
    finally:
        context.close()


def test_the_search_page_with_javascript_runs_its_query(browser, site: str) -> None:
    context, page, _ = open_page(browser, f"{site}/fr/search/?q=developpement")
    try:
        page.wait_for_selector(".md-search-result__link")
        assert not page.is_visible(".dr-search-nojs") and page.is_visible(".dr-search-js")
        assert page.input_value(".md-search__input") == "developpement"
    finally:
        context.close()


def test_search_results_show_payloads_as_text(browser, hostile_site: Path) -> None:
    with serve(hostile_site) as url:
        context, page, recorder = open_page(browser, f"{url}/en/")
        try:
            search(page, "alert")
            assert page.locator(".md-search-result__item").count() > 0
            assert "alert(" in page.inner_text(".md-search-result__list")
            page.wait_for_timeout(300)
            assert recorder.dialogs == [] and page.evaluate("window.__injected === undefined")
            assert (
                page.locator(".md-search-result__list script, .md-search-result__list img").count()
                == 0
            )
        finally:
            context.close()


# --- The preview ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_preview_has_search(browser, tmp_path: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    roadmaps = tmp_path / "roadmaps"
    shutil.copytree(CONTRACT, roadmaps)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--roadmaps", str(roadmaps)]
        + ["--dev-addr", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in server.stderr:  # type: ignore[union-attr]
            if line.startswith("serving on"):
                break
        url = f"http://127.0.0.1:{port}"
        found: list[str] = []
        deadline = time.monotonic() + 60
        while not found and time.monotonic() < deadline:  # the index is written after
            # The preview's live-reload script keeps a request open: the network never idles.
            context, page, _ = open_page(browser, f"{url}/en/", wait_until="load")
            try:
                found = search(page, "Yelimane")
            except PlaywrightTimeout:  # no index yet
                pass
            finally:
                context.close()
        assert f"{url}/en/ml/yelimane/" in found
    finally:
        server.terminate()
        server.wait(10)


# --- The index ----------------------------------------------------------------------


def _fragments(folder: Path) -> list[dict]:
    """Pagefind's stored page records: gzip, a signature, then JSON."""
    records = []
    for path in sorted((folder / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        records.append(json.loads(data[data.index(b"{") :]))
    return records


def test_each_language_has_its_own_index_of_its_own_pages(search_site: Path) -> None:
    for lang in ("en", "fr", "ar"):
        folder = search_site / lang
        entry = json.loads((folder / "pagefind/pagefind-entry.json").read_text("utf-8"))
        assert list(entry["languages"]) == [lang]
        assert entry["languages"][lang]["wasm"] == lang  # that language's stemming
        assert not (folder / "search" / "search_index.json").exists()  # no lunr index
        urls = {record["url"] for record in _fragments(folder)}
        assert "/ml/yelimane/" in urls
        assert "/search/" not in urls and not any("404" in u for u in urls)
    arabic = {r["url"]: r for r in _fragments(search_site / "ar")}
    assert "أبناء" in arabic["/ml/yelimane/"]["content"]  # indexed as written


def test_query_folding_is_the_index_folding() -> None:
    script = (PROJECT_ROOT / "site_builder/defaults/themes/assets/javascripts/search.js").read_text(
        "utf-8"
    )
    body = script.split("export const FOLD = {", 1)[1].split("};", 1)[0]
    assert json.loads("{" + body.strip().rstrip(",") + "}") == pagefind.FOLD
    assert pagefind.fold("l’œuvre qu’ٱلله") == "l'oeuvre qu'الله"


def test_an_indexer_failure_fails_the_build(
    search_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "en"
    shutil.copytree(search_site / "en", folder)
    monkeypatch.setattr(pagefind, "_executable", lambda: Path("/bin/false"))
    with pytest.raises(BuildFailed, match="search indexer failed for en"):
        pagefind.index_language(folder)
    assert (folder / "pagefind" / "pagefind.js").is_file()  # the old index is left whole


def test_an_indexer_killed_is_said_so_as_a_fault_around_the_build(
    search_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind killed (for want of memory): the environment's fault (exit 2), named."""
    from site_builder.errors import EnvironmentFault

    folder = tmp_path / "en"
    shutil.copytree(search_site / "en", folder)
    monkeypatch.setattr(pagefind, "_command", lambda copy, staged: ["sh", "-c", "kill -9 $$"])
    with pytest.raises(EnvironmentFault, match="indexer for en was killed by SIGKILL"):
        pagefind.index_language(folder)
    assert (folder / "pagefind" / "pagefind.js").is_file()  # the old index is left whole


def test_materials_search_plugin_is_left_out(tmp_path: Path) -> None:
    from site_builder.app.build import load_or_fail, render_projects
    from site_builder.app.config import Project
    from site_builder.views.context import SiteContext

    base = tmp_path / "mkdocs.yml"
    base.write_text("site_name: x\nplugins:\n  - search:\n      lang: fr\n  - material/search\n")
    project = Project(roadmaps=CONTRACT, base_config=base, docs=tmp_path / "no-docs")
    dataset, _ = load_or_fail(project, strict=False)
    configs = render_projects(SiteContext.of(dataset, {}), project, tmp_path / "out", ("en",))
    text = configs["en"].read_text("utf-8")
    assert "plugins: []" in text  # MkDocs would add its search plugin if the key were absent
    assert "/search.md" in text  # the search page is reachable, not in the navigation


def test_a_result_in_another_language_keeps_its_own_direction(browser, site: str) -> None:
    """On the Arabic site, France's roadmap has no Arabic title: its result shows the
    English title, which must read left to right (isolated with `dir=auto`) inside the
    right-to-left list, and so must its excerpt."""
    context, page, _ = open_page(browser, f"{site}/ar/")
    try:
        search(page, "France")
        found = page.evaluate(
            """() => [...document.querySelectorAll('.md-search-result__link')]
                .filter(link => link.pathname.endsWith('/ar/fr/'))
                .map(link => {
                  const title = link.querySelector('h1'), excerpt = link.querySelector('p');
                  return [title.textContent, getComputedStyle(title).direction,
                          excerpt.dir, getComputedStyle(link.closest('ol, ul')).direction];
                })"""
        )
        assert found, "France's roadmap is among the results"
        title, direction, excerpt_dir, list_direction = found[0]
        assert title.startswith("France")
        assert (direction, excerpt_dir, list_direction) == ("ltr", "auto", "rtl")
    finally:
        context.close()


def test_a_result_title_is_the_pages_title_in_its_language(browser, site: str) -> None:
    """Outside check: on the Arabic site, Yélimané's result showed its heading, an Arabic
    sentence opening with the English name, laid out left to right (`dir=auto`) and with
    no `lang`. A result's title is the page's plain title, wholly in one language, marked
    with it and its direction, as the page's `<title>` is."""
    context, page, _ = open_page(browser, f"{site}/ar/")
    try:
        search(page, "Yelimane")
        found = page.evaluate(
            """() => [...document.querySelectorAll('.md-search-result__link')].map(link => {
                  const title = link.querySelector('h1');
                  return [link.pathname, title.textContent, title.lang,
                          getComputedStyle(title).direction];
                })"""
        )
        titles = {path: (text, lang, direction) for path, text, lang, direction in found}
        text, lang, direction = titles["/ar/ml/yelimane/"]
        assert (lang, direction) == ("en", "ltr"), titles
        assert text.startswith("Yélimané")
        arabic = [t for t in titles.values() if t[1] == "ar"]
        assert arabic and all(d == "rtl" for _, _, d in arabic), titles
    finally:
        context.close()
