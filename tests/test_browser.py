"""The built site in a real browser: accessibility, privacy, behaviour, safety, right to left.

Chromium is Debian's (`/usr/bin/chromium`, installed by `.ci/run`), driven by Playwright;
axe-core comes from a pinned PyPI package and is injected from disk. Pages are served from
127.0.0.1 and every request is recorded.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser import (
    ARGS,
    CHROMIUM,
    axe_violations,
    chart_text_problems,
    open_page,
    require_chromium,
    serve,
)
from tests.conftest import PROJECT_ROOT

LANGUAGES = ["en", "fr", "ar"]
PAGES = {  # every kind of page
    "home": "",
    "country": "ml/",
    "local authority": "fr/montreuil/",
    "country without roadmap": None,
    "twinning": "twinning/",
    "dialogue": "dialogue/",
    "outcomes": "outcomes/",
    "outcome": "outcomes/codevelopment/",
    "status list (completed)": "status/completed/",
    "status list (in progress)": "status/in-progress/",
    "status list (planned)": "status/planned/",
    "status list (not achieved)": "status/not-achieved/",
    "status list (withdrawn)": "status/withdrawn/",
    "open data": "data/",
    "translation status": "translation-status/",
    "hand-written": "about/",
    "search page": "search/",
    "404": "404.html",
}
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(contract_site: Path):
    with serve(contract_site) as url:
        yield url


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", [k for k, v in PAGES.items() if v is not None])
def test_every_page_is_accessible_private_and_quiet(
    browser, site: str, lang: str, kind: str
) -> None:
    context, page, recorder = open_page(browser, f"{site}/{lang}/{PAGES[kind]}")
    try:
        violations = axe_violations(page)
        assert violations == [], violations
        assert recorder.foreign() == [], recorder.foreign()
        assert recorder.errors == [], recorder.errors
        assert page.evaluate("document.documentElement.lang") == lang
    finally:
        context.close()


@pytest.fixture(scope="module")
def example(example_site: Path):
    with serve(example_site) as url:
        yield url


EXAMPLE_PAGES = {  # where the example site differs: every town on the map, more roadmaps
    "home with its map": "",
    "twinning with its map": "twinning/",
    "country": "ma/",
    "local authority": "sn/saint-louis/",
    "outcome": "outcomes/codevelopment/",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_example_site_pages_with_maps_are_accessible(browser, example: str, lang: str) -> None:
    for kind, url in EXAMPLE_PAGES.items():
        context, page, recorder = open_page(browser, f"{example}/{lang}/{url}")
        try:
            assert page.locator("svg.dr-map").count() > 0 or "map" not in kind
            violations = axe_violations(page)
            assert violations == [], (kind, violations)
            assert recorder.foreign() == [] and recorder.errors == [], (kind, recorder.errors)
        finally:
            context.close()


def test_keyboard_reaches_every_control_and_the_skip_link_works(browser, site: str) -> None:
    context, page, _ = open_page(browser, f"{site}/en/ml/")
    try:
        page.keyboard.press("Tab")
        first = page.evaluate("""() => { const e = document.activeElement;
            const r = e.getBoundingClientRect();
            return {cls: e.className, href: e.getAttribute('href'), w: r.width, h: r.height}; }""")
        assert "md-skip" in first["cls"] and first["w"] > 0 and first["h"] > 0
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == first["href"]
        # From the top again: every control of the header and the navigation, in order.
        page.goto(page.url.split("#")[0], wait_until="networkidle")
        reached = []
        for _ in range(40):
            page.keyboard.press("Tab")
            state = page.evaluate("""() => { const e = document.activeElement;
                if (!e || e === document.body) return null;
                const s = getComputedStyle(e); const r = e.getBoundingClientRect();
                return {name: e.tagName + ' ' + (e.getAttribute('aria-label') || e.textContent
                                                 || e.getAttribute('placeholder') || '').trim(),
                        visible: r.width > 0 && r.height > 0,
                        focus: s.outlineStyle !== 'none' || s.boxShadow !== 'none'}; }""")
            if state is None:
                continue
            reached.append(state["name"])
            assert state["visible"] and state["focus"], state
        for control in (
            "A Skip to content",
            "BUTTON Languages",
            "A Français",
            "A العربية",
            "A Twinning",
            "A Outcomes",
            "A Open data",
        ):
            assert control in reached, (control, reached)
        assert any(name.startswith("INPUT") for name in reached)
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "name"), [("en", "Navigation"), ("ar", "تصفح")])
def test_on_a_phone_the_menu_is_a_named_button_the_keyboard_opens(
    browser, site: str, lang: str, name: str
) -> None:
    """At 390 px the menu is behind the header's button: it is named in the page's
    language, Tab reaches it, Enter opens the menu; the closed menu's links, off screen,
    are not reached by Tab (focus would vanish from view)."""
    context, page, _ = open_page(browser, f"{site}/{lang}/ml/", width=390)
    try:
        button = page.locator('label[for="__drawer"].md-header__button')
        assert button.get_attribute("aria-label") == name
        assert page.locator('label[for="__search"].md-header__button').get_attribute("aria-label")
        reached = []
        for _ in range(15):
            page.keyboard.press("Tab")
            state = page.evaluate("""() => { const e = document.activeElement;
                const r = e.getBoundingClientRect();
                return {menu: e.matches('label[for="__drawer"]'),
                        inside: r.right > 0 && r.left < innerWidth}; }""")
            reached.append(state)
            if state["menu"]:
                break
        assert reached[-1]["menu"], reached
        assert all(state["inside"] for state in reached), reached
        page.keyboard.press("Enter")
        page.wait_for_timeout(400)
        assert page.evaluate("document.getElementById('__drawer').checked")
        assert page.locator(".md-sidebar--primary").is_visible()
        page.keyboard.press("Enter")
        page.wait_for_timeout(400)
        assert not page.evaluate("document.getElementById('__drawer').checked")
        # Closed, its links are out of the way of Tab: none is ever focused off screen.
        for _ in range(30):
            page.keyboard.press("Tab")
            assert page.evaluate("""() => { const r =
                document.activeElement.getBoundingClientRect();
                return r.right > 0 && r.left < innerWidth; }""")
    finally:
        context.close()


def test_language_switcher_lands_on_the_same_page(browser, site: str) -> None:
    context, page, _ = open_page(browser, f"{site}/en/fr/montreuil/")
    try:
        page.hover(".md-header__option .md-select")
        page.click('.md-select__link[hreflang="ar"]')
        page.wait_for_load_state("networkidle")
        assert page.url == f"{site}/ar/fr/montreuil/"
        page.hover(".md-header__option .md-select")
        page.click('.md-select__link[hreflang="fr"]')
        page.wait_for_load_state("networkidle")
        assert page.url == f"{site}/fr/fr/montreuil/"
        # The part of the page being read stays in view: anchors are the same everywhere.
        page.goto(f"{site}/fr/fr/montreuil/#twinning-cottbus-de", wait_until="networkidle")
        page.hover(".md-header__option .md-select")
        page.click('.md-select__link[hreflang="ar"]')
        page.wait_for_load_state("networkidle")
        assert page.url == f"{site}/ar/fr/montreuil/#twinning-cottbus-de"
    finally:
        context.close()


def test_content_and_navigation_work_without_javascript(browser, site: str) -> None:
    context, page, _ = open_page(browser, f"{site}/index.html", javascript=False)
    try:
        # The language chooser redirects by a meta refresh, without script.
        page.wait_for_url(f"{site}/en/", timeout=10000)
        assert page.is_visible("text=Mali")
        page.click("article >> text=Mali")
        page.wait_for_load_state()
        assert page.url == f"{site}/en/ml/"
        # The commitment's heading (its entry in the folded table of contents is hidden).
        assert page.is_visible("h3 >> text=Matching fund for diaspora community projects")
        assert page.is_visible("figure.dr-timeline .dr-span")  # charts are drawn at build time
        # Long details fold without script: the latest assessment is open, and opens by click.
        assert page.is_visible("details.dr-assessment[open] >> text=Results")
        page.goto(f"{site}/en/twinning/")
        assert page.is_visible("text=Yélimané circle")
    finally:
        context.close()


SCREENSHOTS = {
    "home": "",
    "country": "ml/",
    "local-authority": "fr/montreuil/",
    "twinning": "twinning/",
    "outcome": "outcomes/codevelopment/",
}


@pytest.mark.parametrize("width", [390, 1366])
def test_arabic_pages_are_mirrored_and_screenshots_are_saved(
    browser, site: str, width: int
) -> None:
    """Screenshots of every main kind of page on a phone and a desktop, in English and
    Arabic, in test-artifacts/screenshots/ (linked from the README)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "ar"):
        for name, url in SCREENSHOTS.items():
            context, page, _ = open_page(browser, f"{site}/{lang}/{url}", width=width)
            try:
                direction = page.evaluate("getComputedStyle(document.body).direction")
                assert direction == ("rtl" if lang == "ar" else "ltr")
                heading = page.locator("article h1").bounding_box()
                article = page.locator("article").bounding_box()
                right_aligned = (
                    heading["x"] + heading["width"] > article["x"] + article["width"] - 40
                )
                assert right_aligned or lang == "en"
                if width > 1000:
                    title = page.locator(".md-header__title").bounding_box()
                    search = page.locator(".md-search").bounding_box()
                    # Mirrored: the search box is on the left in Arabic, on the right in English.
                    assert (search["x"] < title["x"]) == (lang == "ar")
                # Nothing wider than the screen: no sideways scrolling on a phone.
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(ARTIFACTS / f"{lang}-{name}-{width}.png"))
            finally:
                context.close()


CHART_PAGES = ["", "ml/", "fr/", "fr/montreuil/", "twinning/", "outcomes/"]


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_chart_text_is_readable_unclipped_and_apart(
    browser, site: str, lang: str, width: int
) -> None:
    """Every text of every figure, measured on screen: at least 12 px, inside its figure
    and the screen, never over another text."""
    measured, problems = 0, []
    for url in CHART_PAGES:
        context, page, _ = open_page(browser, f"{site}/{lang}/{url}", width=width)
        try:
            count, found = chart_text_problems(page)
            measured += count
            problems += [f"/{lang}/{url} {p}" for p in found]
        finally:
            context.close()
    assert measured > 20
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_timelines_years_stand_over_the_bars_tracks(
    browser, site: str, lang: str, width: int
) -> None:
    """The axis spans what each bar's track spans, so that a year is written where its
    bars are (second outside check: the theme's list indent put the tracks 20 px in)."""
    context, page, _ = open_page(browser, f"{site}/{lang}/ml/", width=width)
    try:
        edges = page.evaluate(
            """() => [...document.querySelectorAll('.dr-timeline')].map(figure => {
                const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; };
                return [box(figure.querySelector('.dr-axis')),
                        [...figure.querySelectorAll('.dr-track')].map(box)];
              })"""
        )
        assert edges
        for axis, tracks in edges:
            assert tracks and all(
                abs(t[0] - axis[0]) < 1.5 and abs(t[1] - axis[1]) < 1.5 for t in tracks
            ), (axis, tracks)
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_map_text_is_readable_unclipped_and_apart(
    browser, example_site: Path, lang: str, width: int
) -> None:
    """The twinning map of the example site (every town located), on the twinning page and
    the home page, measured like the charts."""
    with serve(example_site) as url:
        for where in ("twinning/", ""):
            context, page, _ = open_page(browser, f"{url}/{lang}/{where}", width=width)
            try:
                assert page.locator("svg.dr-map .dr-town").count() >= 4
                count, problems = chart_text_problems(page)
                assert count > 10
                assert problems == [], "\n".join(problems)
                if width == 1366 and lang == "en" and where:
                    page.screenshot(
                        path=str(ARTIFACTS / "en-twinning-map-1366.png"), full_page=True
                    )
            finally:
                context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_table_of_contents_stays_beside_the_page_on_wide_screens(
    browser, example: str, lang: str
) -> None:
    """On a wide screen a roadmap page's table of contents is open in the theme's sidebar
    and still in view far down the page, on the page's end side (right in English, left
    in Arabic); on a narrower one it is folded under the title; without JavaScript too."""
    where = f"{example}/{lang}/ml/"
    context, page, _ = open_page(browser, where, width=1366)
    try:
        toc = page.locator("details.dr-toc")
        assert toc.count() == 1
        assert toc.evaluate("d => d.open && !!d.closest('.md-sidebar--secondary')")
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(200)
        box = toc.bounding_box()
        article = page.locator("article").bounding_box()
        assert box is not None and article is not None
        assert 0 <= box["y"] < 900, box  # sticky: still in view
        if lang == "ar":
            assert box["x"] + box["width"] <= article["x"], (box, article)
        else:
            assert box["x"] >= article["x"] + article["width"], (box, article)
        page.set_viewport_size({"width": 800, "height": 900})
        page.wait_for_timeout(100)
        assert toc.evaluate(
            "d => !d.open && d.previousElementSibling.tagName === 'H1' && !!d.closest('article')"
        )
    finally:
        context.close()
    context, page, _ = open_page(browser, where, width=1366, javascript=False)
    try:
        assert page.locator("article details.dr-toc:not([open])").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1366])
def test_the_map_has_the_same_size_in_every_language(
    browser, example_site: Path, width: int
) -> None:
    """The twinning map is as wide as the column, up to 26rem, whatever the language:
    Material's figures fit their content, which drew the map at the width of its
    longest line of text (in Arabic, twice as wide as in English at 1366 px)."""
    sizes = {}
    with serve(example_site) as url:
        for lang in LANGUAGES:
            context, page, _ = open_page(browser, f"{url}/{lang}/twinning/", width=width)
            try:
                sizes[lang] = page.evaluate(
                    """() => { const map = document.querySelector('svg.dr-map');
                      const column = map.closest('article').getBoundingClientRect().width;
                      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
                      return [Math.round(map.getBoundingClientRect().width),
                              Math.round(Math.min(column, 26 * rem))]; }"""
                )
            finally:
                context.close()
    assert len({tuple(size) for size in sizes.values()}) == 1, sizes
    drawn, expected = sizes["en"]
    assert abs(drawn - expected) <= 1, sizes


@pytest.fixture(scope="module")
def twinning_at_scale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of tests/twinning_scale.py: 107 links between 166 towns, built once."""
    from site_builder.cli import main
    from tests.twinning_scale import write_site

    root = tmp_path_factory.mktemp("scale")
    data = write_site(root / "roadmaps", ("en", "ar"))
    assert (
        main(["build", "--quiet", "--roadmaps", str(data), "--site-dir", str(root / "site")]) == 0
    )
    return root / "site"


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_map_of_107_links_is_readable(
    browser, twinning_at_scale: Path, lang: str, width: int
) -> None:
    """At the scale of real data the map is drawn in one panel per continent, and crowded
    spots enlarged; no two markers or numbers overlap, numbers stay 12 px or more, and
    every marker's towns are listed. The home page maps every link; the twinning
    directory, in pages, maps each page's links, as readable. Every page stays under
    60 KB: the country outlines are one file of the language, which every map draws."""
    land = f"/{lang}/assets/land.svg"
    with serve(twinning_at_scale) as url:
        directory = sorted(twinning_at_scale.glob(f"{lang}/twinning/**/index.html"))
        assert len(directory) > 1  # 107 links do not fit one page of the directory
        for path in [*directory, twinning_at_scale / lang / "index.html"]:
            assert path.stat().st_size < 60 * 1024, path
        for path in directory:
            address = path.parent.relative_to(twinning_at_scale).as_posix()
            context, page, _ = open_page(browser, f"{url}/{address}/", width=width)
            try:
                count, problems = chart_text_problems(page)
                assert count > 10 and problems == [], (address, problems)
                assert _outlines_drawn(page) == {url + land}, address
            finally:
                context.close()
        context, page, _ = open_page(browser, f"{url}/{lang}/", width=width)
        try:
            # Europe and Africa, then an enlarged panel for each crowded spot, framed.
            panels = page.locator("svg.dr-map .dr-panel-title").count()
            assert panels > 2 and page.locator("svg.dr-map .dr-frame").count() == panels - 2
            markers = page.locator("svg.dr-map .dr-town").count()
            assert markers > 60 and page.locator(".dr-map-figure ol > li").count() == markers
            assert _outlines_drawn(page) == {url + land}
            count, problems = chart_text_problems(page)
            assert count > 100
            assert problems == [], "\n".join(problems)
            if width == 360:
                page.locator("svg.dr-map").screenshot(
                    path=str(ARTIFACTS / f"{lang}-twinning-map-107-links-360.png")
                )
        finally:
            context.close()


def _outlines_drawn(page) -> set[str]:  # noqa: ANN001 - a Page
    """The files the page's maps draw their outlines from, when every panel drew them
    (each `<use>` of the shared file has the size of the world's outlines)."""
    uses = page.evaluate(
        """() => Array.from(document.querySelectorAll('svg.dr-map use.dr-land'), (u) =>
            [new URL(u.getAttribute('href'), location.href).href.split('#')[0],
             u.getBBox().width])"""
    )
    assert uses and all(width > 30_000 for _, width in uses), uses
    assert page.locator("svg.dr-map path.dr-land").count() == 0  # none inline
    return {href for href, _ in uses}


@pytest.fixture(scope="module")
def hostile_served(hostile_site: Path):
    with serve(hostile_site) as url:
        yield hostile_site, url


def test_injection_payloads_never_run(browser, hostile_served) -> None:
    folder, url = hostile_served
    pages = sorted(p.relative_to(folder) for p in folder.rglob("index.html"))
    assert len(pages) > 10
    for relative in pages:
        context, page, recorder = open_page(browser, f"{url}/{relative.parent}/")
        try:
            page.wait_for_timeout(100)
            assert recorder.dialogs == [], (relative, recorder.dialogs)
            assert recorder.foreign() == [], (relative, recorder.foreign())
            assert page.evaluate("window.__injected === undefined")
        finally:
            context.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if values.get("name") and tag == "a":
            self.ids.add(values["name"])
        if tag in ("a", "link") and values.get("href") and tag == "a":
            self.links.append(values["href"])


def broken_links(root: Path) -> list[str]:
    """Every internal link and anchor of the built site that does not resolve."""
    parsed: dict[Path, _Links] = {}
    for html in root.rglob("*.html"):
        links = _Links()
        links.feed(html.read_text("utf-8"))
        parsed[html] = links
    broken = []
    for html, links in parsed.items():
        if html.name == "404.html" and html.parent == root:
            continue  # the default language's, whose links start from that language's folder
        for href in links.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (html.parent / parts.path).resolve() if parts.path else html
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{html.relative_to(root)}: {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if parts.fragment not in ids:
                    broken.append(f"{html.relative_to(root)}: {href} (no such anchor)")
    return broken


def test_every_internal_link_and_anchor_resolves(contract_site: Path, example_site: Path) -> None:
    assert broken_links(contract_site) == []
    assert broken_links(example_site) == []


# --- The checks fail when they should ---------------------------------------------------


@pytest.fixture
def broken_site(contract_site: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(contract_site, site)
    page = site / "en" / "ml" / "index.html"
    html = page.read_text("utf-8")
    html = html.replace(
        "</article>",
        '<p style="color:#bbb;background:#fff">Hard to read</p>'
        '<p><a href="../nowhere/">A dead link</a></p></article>',
    )
    html = html.replace(
        "</body>", '<script src="https://third-party.example/tracker.js"></script></body>'
    )
    page.write_text(html, "utf-8")
    return site


def test_a_broken_page_fails_the_checks(browser, broken_site: Path) -> None:
    assert "en/ml/index.html: ../nowhere/" in broken_links(broken_site)
    with serve(broken_site) as url:
        context, page, recorder = open_page(browser, f"{url}/en/ml/")
        try:
            ids = {v["id"] for v in axe_violations(page)}
            assert "color-contrast" in ids
            assert any("third-party.example" in u for u in recorder.foreign())
        finally:
            context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_on_a_phone_pass_axe_with_tables_wider_than_the_screen(
    browser, example_site: Path, lang: str
) -> None:
    """At 390 px, tables wider than the screen scroll sideways: their scrolling region
    takes the keyboard focus (axe's scrollable-region-focusable, WCAG 2.1.1), and axe
    finds nothing else on the pages with the widest tables."""
    with serve(example_site) as url:
        for path in ("ml/", "ml/kayes/", "outcomes/", "translation-status/", "twinning/"):
            context, page, _ = open_page(browser, f"{url}/{lang}/{path}", width=390)
            try:
                scrolling = page.evaluate(
                    """() => Array.from(document.querySelectorAll('.md-typeset__scrollwrap'))
                        .filter(w => w.scrollWidth > w.clientWidth + 1)
                        .map(w => w.tabIndex)"""
                )
                assert all(index == 0 for index in scrolling), (path, scrolling)
                assert axe_violations(page) == [], (lang, path)
            finally:
                context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_summary_table_fits_a_phone_without_scrolling_sideways(
    browser, example_site: Path, lang: str
) -> None:
    """The table a roadmap page opens with is read whole on a 360 px phone: no column
    hidden behind a sideways scroll (the timeframe and outcome sit under each title)."""
    with serve(example_site) as url:
        for path in ("ml/", "fr/", "ml/kayes/"):
            context, page, _ = open_page(browser, f"{url}/{lang}/{path}", width=360)
            try:
                widths = page.evaluate(
                    """() => { const t = document.querySelector('.dr-summary table');
                        const w = t.closest('.md-typeset__scrollwrap') || t.parentElement;
                        return [t.scrollWidth, w.clientWidth]; }"""
                )
                assert widths[0] <= widths[1], (lang, path, widths)
            finally:
                context.close()
