"""Every passage marked with its language and direction, wherever it appears.

The crawler (`tests/language_check.py`) walks every built page and feed of the contract and
example sites in every language and fails on a passage whose script is not its effective
language's; the other tests name the cases of issue 14 one by one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.cli import main
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
    assert '<meta name="description" content="How governments' in html
    assert re.search(r'<meta name="description" content="[^"]*" lang="en" dir="ltr">', html)
    # Table of contents: the entry keeps the marks of its heading.
    toc = html.split('id="__toc_label_dialogue-returnees-meeting">', 1)[1].split("</a>", 1)[0]
    assert '<span lang="en" dir="ltr">Annual meeting with visiting emigrants</span>' in toc
    # Navigation: hand-written pages shown in English.
    nav = html.split('data-md-type="navigation"', 1)[1].split("</nav>", 1)[0]
    for title in ("How to contribute a roadmap", "Field reference"):
        assert f'<span lang="en" dir="ltr">{title}</span> <span class="dr-untranslated">' in nav
    # The permalinks and the footer speak Arabic.
    assert 'title="Permanent link"' not in html and 'title="رابط دائم"' in html
    assert "Made with" not in html and 'translate="no">Material for MkDocs</a>' in html


def test_chart_labels_and_feed_entries_carry_their_language(contract_site: Path) -> None:
    twinning = page(contract_site, "ar/twinning")
    assert '<tspan lang="en" direction="ltr">Yélimané circle</tspan>' in twinning
    assert 'class="dr-chart-label notranslate">Montreuil</text>' in twinning
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
    assert "؛ نسبة المطابقة" in montreuil and "; نسبة" not in montreuil
    french = article(page(contract_site, "fr/fr/montreuil"))
    assert "\u202f€ ; effet de levier 3" in french or "\xa0€ ; effet de levier 3" in french


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


def test_every_inserted_name_and_title_is_isolated(roadmaps, tmp_path: Path) -> None:
    folder = roadmaps()
    montreuil = folder / "fr" / "montreuil.yml"
    # A left-to-right title ending in punctuation, shown in a right-to-left page.
    edit(
        montreuil,
        "      en: Water points in six villages of the Yélimané circle\n"
        "      fr: Points d'eau dans six villages du cercle de Yélimané\n",
        "      en: Who maintains the water points?\n",
    )
    # A right-to-left name in left-to-right pages, and a name holding U+202E.
    edit(montreuil, "name: Montreuil\n", "name: مونتروي\n")
    edit(
        montreuil,
        "      en: Association of Yélimané residents in Montreuil\n",
        '      en: "Residents \\u202Eof Yélimané"\n',
    )
    site = _build(folder, tmp_path / "site")
    arabic = page(site, "ar/fr/montreuil")
    toc = arabic.split('id="__toc_label_commitment-water-points">', 1)[1].split("</a>", 1)[0]
    assert '<span lang="en" dir="ltr">Who maintains the water points?</span>' in toc
    english = page(site, "en/fr/montreuil")
    assert '<bdi translate="no">مونتروي</bdi>' in english
    assert '<bdi dir="ltr">Residents \u202eof Yélimané</bdi>' in english
    # Every inserted text of the article sits in an isolating element.
    body = article(english)
    assert "\u202e" not in re.sub(r"<bdi[^>]*>[^<]*</bdi>", "", body)
    assert not check_site(site)


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
    from site_builder.engine.mkdocs import theme_string_counts
    from site_builder.views.translation import translation_status

    total, translated = theme_string_counts("ar")
    assert total > 30 and 0 < translated <= total
    assert theme_string_counts("so") == (total, 0)  # a language the theme lacks: English
    from site_builder.load.validate import load_dataset

    dataset = load_dataset(CONTRACT).dataset
    assert dataset is not None
    docs = PROJECT_ROOT / "docs"
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
    assert "docs/ar/contribute.md" in html and "docs/ar/reference.md" in html
