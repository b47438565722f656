"""Every passage marked with its language and direction, wherever it appears.

The crawler (`tests/language_check.py`) walks every built page and feed of the contract and
example sites in every language and fails on a passage whose script is not its effective
language's; the other tests name the cases of issue 14 one by one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.load.convert import closed_directions
from tests.conftest import CONTRACT, PROJECT_ROOT, edit
from tests.language_check import check_html, check_site


def page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text("utf-8")


def article(html: str) -> str:
    return html.split("<article", 1)[1].split("</article>", 1)[0]


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("example") / "site"
    roadmaps = PROJECT_ROOT / "roadmaps"
    assert main(["build", "--quiet", "--roadmaps", str(roadmaps), "--site-dir", str(site)]) == 0
    return site


def test_every_passage_of_the_contract_site_is_in_its_marked_language(
    contract_site: Path,
) -> None:
    problems = check_site(contract_site)
    assert not problems, "\n".join(map(str, problems))
    assert len(list(contract_site.rglob("*.html"))) > 60  # every page of en, fr and ar


def test_every_passage_of_the_example_site_is_in_its_marked_language(example_site: Path) -> None:
    problems = check_site(example_site)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize(
    ("marked", "unmarked", "passage"),
    [
        # A fallback name in the page's heading loses its language.
        (
            '<span lang="en" dir="ltr">Yélimané circle</span>',
            "<span>Yélimané circle</span>",
            "Yélimané circle",
        ),
        # A proper name loses its mark as a name.
        ('<bdi translate="no">Montreuil</bdi>', "<bdi>Montreuil</bdi>", "Montreuil"),
        # The fallback page title loses the language of `<title>`.
        ('<title lang="en" dir="ltr">', "<title>", "Yélimané circle: diaspora engagement roadmap"),
    ],
)  # fmt: skip
def test_the_crawler_fails_when_one_marked_passage_is_unmarked(
    contract_site: Path, marked: str, unmarked: str, passage: str
) -> None:
    html = page(contract_site, "ar/ml/yelimane")
    assert marked in html and not check_html(html)
    problems = check_html(html.replace(marked, unmarked, 1))
    assert any(passage in problem.text for problem in problems), problems


def test_arabic_untranslated_passages_are_marked_in_every_place(contract_site: Path) -> None:
    html = page(contract_site, "ar/ml/yelimane")
    fallback = '<span lang="en" dir="ltr">Yélimané circle</span> <span class="dr-untranslated">'
    h1 = re.search(r"<h1 [^>]*>(.*?)</h1>", html, re.S)
    assert h1 and fallback in h1.group(1)  # the heading
    topic = html.split('data-md-component="header-topic"', 1)[1].split("</div>", 1)[0]
    assert fallback in topic  # the header
    # <title> cannot hold markup: it is written wholly in the language the name fell back to.
    assert '<title lang="en" dir="ltr">Yélimané circle: diaspora engagement roadmap</title>' in html
    # The description is the roadmap's summary, which Yélimané writes in French only.
    assert '<meta name="description" content="Le cercle de Yélimané' in html
    assert re.search(r'<meta name="description" content="[^"]*" lang="fr" dir="ltr">', html)
    assert re.search(r'<meta property="og:description" content="[^"]*" lang="fr" dir="ltr">', html)
    assert re.search(r'<meta property="og:title" content="[^"]*" lang="en" dir="ltr">', html)
    # Table of contents (the page's own, printed once): the entry keeps the marks of its
    # heading.
    contents = html.split('<details class="dr-toc"', 1)[1].split("</details>", 1)[0]
    toc = contents.split('<a href="#dialogue-returnees-meeting">', 1)[1].split("</a>", 1)[0]
    assert '<span lang="en" dir="ltr">Annual meeting with visiting emigrants</span>' in toc
    # Navigation: hand-written pages shown in English.
    nav = html.split('data-md-type="navigation"', 1)[1].split("</nav>", 1)[0]
    for title in ("How to contribute a roadmap", "Field reference"):
        assert f'<span lang="en" dir="ltr">{title}</span> <span class="dr-untranslated">' in nav
    # The permalinks and the footer speak Arabic.
    assert 'title="Permanent link"' not in html and 'title="رابط دائم"' in html
    assert "Made with" not in html and 'translate="no">Material for MkDocs</a>' in html


def test_chart_labels_and_feed_entries_carry_their_language(contract_site: Path) -> None:
    montreuil = page(contract_site, "ar/fr/montreuil")
    timeline = montreuil.split('<figure class="dr-figure dr-timeline">', 1)[1].split("</figure>")[0]
    water = '<span lang="en" dir="ltr">Water points in six villages of the Yélimané circle</span>'
    assert f'{water} <span class="dr-untranslated">' in timeline
    feed = (contract_site / "ar" / "feed.xml").read_text("utf-8")
    entry = re.search(r'<entry xml:lang="en">\s*<title>([^<]*)</title>', feed)
    assert entry and entry.group(1).startswith(("Roadmap updated", "Water points"))
    assert '<entry xml:lang="ar">' in feed


def test_the_404_page_is_in_the_page_language(contract_site: Path) -> None:
    html = (contract_site / "ar" / "404.html").read_text("utf-8")
    assert "الصفحة غير موجودة" in html and "Not found" not in html


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_document_element_carries_the_direction(contract_site: Path, language: str) -> None:
    expected = "rtl" if language == "ar" else "ltr"
    for url in ("", "ml/yelimane", "contribute"):
        assert f'<html lang="{language}" dir="{expected}"' in page(
            contract_site, f"{language}/{url}"
        )
    not_found = (contract_site / language / "404.html").read_text("utf-8")
    assert f'<html lang="{language}" dir="{expected}"' in not_found


def test_arabic_sentences_use_arabic_punctuation(contract_site: Path) -> None:
    yelimane = article(page(contract_site, "ar/ml/yelimane"))
    assert "(دائرة)، <a" in yelimane and "(دائرة), " not in yelimane
    montreuil = article(page(contract_site, "ar/fr/montreuil"))
    assert "€؛ تضاعف الأموال العامة" in montreuil and "; تضاعف" not in montreuil
    french = article(page(contract_site, "fr/fr/montreuil"))
    assert "\xa0€ — les fonds publics triplent" in french


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("fr", "Cette page n'est pas encore traduite : elle est affichée en anglais."),
        ("ar", "هذه الصفحة لم تُترجم بعد: وهي معروضة باللغة الإنجليزية."),
    ],
)
def test_the_untranslated_page_notice_has_no_stray_backslash(
    contract_site: Path, language: str, notice: str
) -> None:
    html = page(contract_site, f"{language}/contribute")
    shown = re.search(r'<p class="dr-untranslated">([^<]*)</p>', html)
    assert shown and shown.group(1) == notice


def _build(roadmaps: Path, site: Path) -> Path:
    assert main(["build", "--quiet", "--roadmaps", str(roadmaps), "--site-dir", str(site)]) == 0
    return site


@pytest.fixture(scope="module")
def isolation_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contract with a left-to-right title ending in `?` (shown in right-to-left pages),
    a right-to-left name (shown in left-to-right pages), names and a title holding U+202E."""
    root = tmp_path_factory.mktemp("isolation")
    folder = root / "roadmaps"
    shutil.copytree(CONTRACT, folder)
    montreuil = folder / "fr" / "montreuil.yml"
    edit(
        montreuil,
        "      en: Water points in six villages of the Yélimané circle\n"
        "      fr: Points d'eau dans six villages du cercle de Yélimané\n",
        "      en: Who maintains the water points?\n",
    )
    edit(montreuil, "name: Montreuil\n", "name: مونتروي\n")
    edit(montreuil, "      name: Cottbus\n", '      name: "Cott\\u202Ebus"\n')
    edit(
        montreuil,
        '  en: "Montreuil: decentralised cooperation with the Yélimané circle"',
        '  en: "Montreuil: decentralised \\u202Ecooperation with the Yélimané circle"',
    )
    edit(
        montreuil,
        "      en: Association of Yélimané residents in Montreuil\n",
        '      en: "Residents \\u202Eof Yélimané"\n',
    )
    return _build(folder, root / "site")


def test_every_inserted_name_and_title_is_isolated(isolation_site: Path) -> None:
    arabic = page(isolation_site, "ar/fr/montreuil")
    contents = arabic.split('<details class="dr-toc"', 1)[1].split("</details>", 1)[0]
    toc = contents.split('<a href="#commitment-water-points">', 1)[1].split("</a>", 1)[0]
    assert '<span lang="en" dir="ltr">Who maintains the water points?</span>' in toc
    english = page(isolation_site, "en/fr/montreuil")
    assert '<bdi translate="no">مونتروي</bdi>' in english
    # The override the name leaves open is closed at its end (load/convert.py).
    assert '<bdi dir="ltr">Residents \u202eof Yélimané\u202c</bdi>' in english
    # No U+202E outside an isolating element (`<bdi>`, any element with `dir`, or a chart's
    # `<text>`, laid out on its own).
    isolated = re.compile(
        r"<bdi[^>]*>[^<]*</bdi>|<span [^>]*\bdir=[^>]*>[^<]*</span>|<text\b[^>]*>.*?</text>"
    )
    overrides = 0
    for path in isolation_site.rglob("*.html"):
        html = path.read_text("utf-8")
        body = article(html) if "<article" in html else ""
        assert "\u202e" not in isolated.sub("", body), path
        # Plain text, which nothing isolates (titles, attributes), closes what it opens.
        for plain in re.findall(r'<title>([^<]*)</title>|="([^"]*)"', html):
            value = "".join(plain)
            assert closed_directions(value) == value, (path, value)
            overrides += "\u202e" in value
    assert overrides  # the title is plain text in `<title>` and the meta tags
    assert not check_site(isolation_site)


# The position of each character of `needle` inside the element `selector`: [left, right].
_CHARACTER_BOXES = """([selector, needle]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  while (walker.nextNode()) {
    // The table of contents is folded: skipped unless it is what is measured.
    const toc = walker.currentNode.parentElement.closest("details.dr-toc");
    if (toc && !element.closest("details.dr-toc")) continue;
    nodes.push([walker.currentNode, text.length]);
    text += walker.currentNode.data;
  }
  const at = text.indexOf(needle);
  if (at < 0) return null;
  return Array.from(needle, (_, k) => {
    for (const [node, start] of nodes) {
      if (at + k >= start && at + k < start + node.data.length) {
        const range = document.createRange();
        range.setStart(node, at + k - start);
        range.setEnd(node, at + k - start + 1);
        const box = range.getBoundingClientRect();
        return [box.left, box.right];
      }
    }
  });
}"""


def test_isolated_texts_keep_their_order_in_a_browser(isolation_site: Path) -> None:
    from tests.browser import ARGS, CHROMIUM, require_chromium, serve

    require_chromium()
    from playwright.sync_api import sync_playwright

    with serve(isolation_site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 900})
            # A name holding U+202E does not reverse the text after it.
            tab.goto(f"{url}/en/fr/montreuil/")
            boxes = tab.evaluate(_CHARACTER_BOXES, ["article", ", Germany"])
            assert boxes and boxes[0][0] < boxes[2][0] < boxes[-1][0], boxes
            # In the right-to-left table of contents, the `?` stays at the end of its
            # left-to-right title: on the right of "Who".
            tab.goto(f"{url}/ar/fr/montreuil/")
            tab.click("details.dr-toc > summary")  # unfolded
            selector = 'details.dr-toc a[href="#commitment-water-points"]'
            boxes = tab.evaluate(_CHARACTER_BOXES, [selector, "Who maintains the water points?"])
            assert boxes, "the title is not in the table of contents"
            assert boxes[-1][0] >= boxes[-2][1] - 0.5, boxes  # right of the final "s"
            # A right-to-left name in a left-to-right list: its separator follows it.
            tab.goto(f"{url}/en/twinning/")
            boxes = tab.evaluate(_CHARACTER_BOXES, ["table", "مونتروي, France"])
            assert boxes and boxes[7][0] >= max(box[1] for box in boxes[:7]) - 0.5, boxes
        finally:
            browser.close()


def test_an_untranslated_interface_string_is_marked_as_english(roadmaps, tmp_path: Path) -> None:
    """A catalog that lacks a string shows it in English, marked as such."""
    from site_builder.i18n.localise import Localiser
    from site_builder.render.text import interface

    loc = Localiser("ar", "en", ("en", "ar"))
    assert interface(loc, "A string nobody translated", "A string nobody translated") == (
        '<span lang="en" dir="ltr">A string nobody translated</span>'
    )
    # Words a translator kept from the English are codes.
    download = interface(
        loc, "Download this roadmap (JSON)", loc.gettext("Download this roadmap (JSON)")
    )
    assert '<span translate="no">JSON</span>' in download


def test_translation_status_counts_every_interface_string(contract_site: Path) -> None:
    """Navigation entries, the footer, the theme's strings and hand-written pages count:
    with "How to contribute" and "Field reference" in English, Arabic is not at 100 %."""
    from site_builder.engine.marks import theme_string_counts
    from site_builder.views.translation import translation_status

    total, translated = theme_string_counts("ar")
    assert total > 30 and 0 < translated <= total
    assert theme_string_counts("so") == (total, 0)  # a language the theme lacks: English
    from site_builder.load.validate import load_dataset

    dataset = load_dataset(CONTRACT).dataset
    assert dataset is not None
    docs = (PROJECT_ROOT / "site_builder" / "defaults" / "docs", PROJECT_ROOT / "docs")
    statuses = {s.language: s for s in translation_status(dataset, docs, theme_string_counts)}
    arabic = statuses["ar"]
    assert arabic.interface_share < 0.9
    assert arabic.missing_documents == ["contribute.md", "reference.md"]
    assert statuses["en"].interface_share == 1.0 and not statuses["en"].missing_documents
    # Without the documents and the theme, only the catalog was counted: 100 %.
    assert translation_status(dataset)[2].interface_share == 1.0
    html = page(contract_site, "ar/translation-status")
    assert (
        "<td>100%</td>"
        not in html.split("<tbody>", 1)[1]
        .split("</tbody>", 1)[0]
        .split("العربية", 1)[1]
        .split("</tr>", 1)[0]
    )
    assert "ar/contribute.md" in html and "ar/reference.md" in html


def test_a_page_description_names_its_language_when_it_fell_back(tmp_path: Path) -> None:
    """Front matter for a page's meta description: plain, escaped, with its language."""
    import yaml

    from site_builder.format.model import Text
    from site_builder.i18n.localise import Localiser
    from site_builder.load.validate import load_dataset
    from site_builder.render.titles import TitleHelpers
    from site_builder.views.context import SiteContext

    dataset = load_dataset(CONTRACT).dataset
    assert dataset is not None
    loc = Localiser("ar", "en", dataset.languages)
    helpers = TitleHelpers(SiteContext.of(dataset), loc, "x")
    summary = Text({"en": 'Water "and" <health>', "fr": "Eau"})
    front = yaml.safe_load("description: " + str(helpers.description(summary)))
    assert front == {
        "description": "Water &quot;and&quot; &lt;health&gt;",
        "description_lang": "en",
    }
    own = yaml.safe_load("description: " + str(helpers.description(Text({"ar": "ماء"}))))
    assert own == {"description": "ماء"}


def test_a_language_without_catalog_shows_english_interface_marked(
    roadmaps, tmp_path: Path
) -> None:
    """Persian has no catalog here: every interface string the reader gets in English
    (navigation, headings, notices, chart titles, the theme's strings) is marked."""
    folder = roadmaps()
    edit(folder / "site.yml", "languages: [en, fr, ar]", "languages: [en, fr, ar, fa]")
    site = _build(folder, tmp_path / "site")
    problems = check_site(site)
    assert not problems, "\n".join(map(str, problems[:20]))
    home = page(site, "fa")
    assert '<span lang="en" dir="ltr">Open data</span>' in home  # a navigation entry
    assert '<html lang="fa" dir="rtl"' in home
