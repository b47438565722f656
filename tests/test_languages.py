"""Multilingual in depth: CLDR names and dates, alternates, status, fallback, new languages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CONTRACT, PROJECT_ROOT


def page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text("utf-8")


def test_country_names_and_dates_follow_the_page_language(contract_site: Path) -> None:
    french = page(contract_site, "fr/fr/montreuil")
    assert "Allemagne" in french and "Germany" not in french.split("<article", 1)[1]
    mali_fr = page(contract_site, "fr/ml")
    assert (
        "juin 2007" in mali_fr
        and "15 mars 2008" in mali_fr
        and "janvier 2008 – décembre 2010" in mali_fr
    )
    mali_ar = page(contract_site, "ar/ml")
    for arabic in ("فرنسا", "بلجيكا", "إسبانيا", "يونيو 2007", "15 مارس 2008"):
        assert arabic in mali_ar, arabic


def test_plural_forms(contract_site: Path) -> None:
    assert "5 roadmaps are published here." in page(contract_site, "en")
    assert "5 feuilles de route sont publiées ici." in page(contract_site, "fr")
    assert "تُنشر هنا 5 خرائط طريق." in page(contract_site, "ar")


@pytest.mark.parametrize("url", ["ml", "fr/montreuil", "", "about", "translation-status"])
def test_every_page_names_its_translations(contract_site: Path, url: str) -> None:
    here = contract_site / "fr" / url
    html = page(contract_site, f"fr/{url}")
    links = dict(re.findall(r'<link rel="alternate " hreflang="([^"]+)" href="([^"]+)">', html))
    assert set(links) == {"en", "fr", "ar", "x-default"}
    for lang, href in links.items():
        target = (here / href).resolve()
        expected = contract_site / ("en" if lang == "x-default" else lang) / url
        assert target == expected.resolve()
    # Material's script must not see them, or it downloads every language's sitemap.
    assert 'rel="alternate"' not in html


def test_sitemaps_carry_the_alternates_when_the_site_url_is_known(run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert (
        run(
            "build",
            "--quiet",
            "--site-url",
            "https://example.org/roadmaps",
            "--roadmaps",
            CONTRACT,
            "--site-dir",
            site,
        ).code
        == 0
    )
    sitemap = (site / "ar" / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://example.org/roadmaps/ar/ml/yelimane/</loc>" in sitemap
    assert (
        '<xhtml:link rel="alternate" hreflang="fr" '
        'href="https://example.org/roadmaps/fr/ml/yelimane/"/>'
    ) in sitemap
    assert 'hreflang="x-default" href="https://example.org/roadmaps/en/ml/yelimane/"' in sitemap
    assert "https://example.org/roadmaps/fr/sitemap.xml" in (site / "sitemap.xml").read_text(
        "utf-8"
    )
    assert '<link rel="canonical" href="https://example.org/roadmaps/fr/ml/">' in page(
        site, "fr/ml"
    )
    robots = (site / "robots.txt").read_text("utf-8")
    assert "Sitemap: https://example.org/roadmaps/sitemap.xml" in robots
    mali = page(site, "fr/ml")  # a link shared on a phone shows a preview
    assert '<meta property="og:url" content="https://example.org/roadmaps/fr/ml/">' in mali
    root = (site / "index.html").read_text("utf-8")  # the root page's links too
    assert '<link rel="canonical" href="https://example.org/roadmaps/en/">' in root
    assert 'hreflang="ar" href="https://example.org/roadmaps/ar/"' in root
    # The 404 page can be shown at any URL, so its links start from the site's path.
    assert 'href="/roadmaps/fr/assets/stylesheets/' in (site / "fr" / "404.html").read_text("utf-8")


def test_i18n_status_lists_untranslated_arabic_fields_with_lines() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "i18n-status", "--roadmaps", str(CONTRACT)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    table = result.stdout.split("\n\n")[0]
    # The interface counts the hand-written pages too: two of them are in English only.
    assert re.search(r"^ar\s+\d\d%\s+6% \(4/63\)$", table, re.MULTILINE), table
    arabic = result.stdout.split("missing in ar (59):\n", 1)[1].split("\n\n")[0].splitlines()
    assert len(arabic) == 59
    assert f"{CONTRACT.relative_to(PROJECT_ROOT)}/ml/country.yml:9: summary" in arabic
    assert (
        f"{CONTRACT.relative_to(PROJECT_ROOT)}/ml/country.yml:32: recognition.measures[0]" in arabic
    )
    # The Arabic title of Mali's roadmap exists, so it is not listed.
    assert not any(line.endswith("ml/country.yml:5: title") for line in arabic)


def test_translation_status_page(contract_site: Path) -> None:
    html = page(contract_site, "ar/translation-status")
    assert "حالة الترجمة" in html and "roadmaps/ml/country.yml:9" in html
    assert re.search(r"<td>6%\s*\(4/63\)</td>", html)


def test_untranslated_hand_written_page_falls_back_with_a_notice(contract_site: Path) -> None:
    html = page(contract_site, "fr/contribute")
    assert (
        "Cette page n’est pas encore traduite" in html
        or "Cette page n'est pas encore traduite" in html
        or "Cette page n&#x27;est pas encore traduite" in html
    )
    assert re.search(r'<div (lang="en" dir="ltr"|dir="ltr" lang="en")>', html)
    assert "How to contribute a roadmap" in html
    assert "À propos de ce site" in page(contract_site, "fr/about")
    for lang, title in (("en", "Methodology"), ("fr", "Méthode"), ("ar", "المنهجية")):
        html = page(contract_site, f"{lang}/methodology")
        # Translated: nothing in the article is marked (the navigation still marks the
        # pages that are not translated).
        assert f">{title}<" in html and "dr-untranslated" not in html.split("<article", 1)[1]


def test_left_to_right_fragments_are_isolated_in_arabic(contract_site: Path) -> None:
    html = page(contract_site, "ar/ml")
    assert (
        '<a href="https://example.org/mme" dir="ltr" translate="no">https://example.org/mme</a>'
        in html
    )
    assert '<bdi translate="no">microfinance</bdi>' in html


def test_a_language_material_does_not_ship(run, tmp_path: Path) -> None:
    data = tmp_path / "roadmaps"
    (data / "so").mkdir(parents=True)
    (data / "site.yml").write_text(
        "title:\n  en: Diaspora roadmaps\n  so: Khariidadaha qurbajoogta\nlanguages: [en, so]\n",
        "utf-8",
    )
    (data / "so" / "hargeisa.yml").write_text(
        "name: Hargeisa\ncountry: SO\nkind: municipality\n"
        "summary:\n  so: Magaalada waxay la shaqeysaa qurbajoogteeda.\n",
        "utf-8",
    )
    site = tmp_path / "site"
    result = run("build", "--roadmaps", data, "--site-dir", site)
    assert result.code == 0, result.err
    html = page(site, "so/so/hargeisa")
    assert '<html lang="so"' in html and '<body dir="ltr"' in html
    assert "Soomaaliya" in html  # CLDR's name of Somalia in Somali
    assert "Magaalada waxay la shaqeysaa qurbajoogteeda." in html
    assert "Soomaali" in page(site, "en")  # the switcher names the language in itself
    assert (site / "so" / "404.html").is_file()


def test_the_page_names_its_language_as_the_site_does(run, tmp_path: Path) -> None:
    """`<html lang>` is the site's code with its region: Material's own strings for
    pt-BR say `pt` (outside check), and the root page's `hreflang` said `pt-BR`."""
    data = tmp_path / "roadmaps"
    (data / "br").mkdir(parents=True)
    (data / "site.yml").write_text("title: Roteiros\nlanguages: [pt-BR, en]\n", "utf-8")
    (data / "br" / "recife.yml").write_text(
        "name: Recife\ncountry: BR\nkind: municipality\n", "utf-8"
    )
    site = tmp_path / "site"
    result = run("build", "--roadmaps", data, "--site-dir", site)
    assert result.code == 0, result.err
    html = page(site, "pt-BR/br/recife")
    assert '<html lang="pt-BR"' in html
    assert "Pesquisar" in html  # Material's Brazilian Portuguese strings are kept
    assert '<html lang="en"' in page(site, "en/br/recife")
    status = page(site, "en/translation-status")  # a second outside check: lang="pt\-BR"
    assert '<span lang="pt-BR">' in status and 'lang="pt\\-BR"' not in status


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("ar", "ar_EG"),  # CLDR's likely territory
        ("fr", "fr_FR"),
        ("pt-BR", "pt_BR"),  # the territory given wins
        ("sr-Latn", "sr_RS"),  # a script, then CLDR's territory for it
        ("es-419", "es_419"),  # a region that is not a country
        ("qaa", "qaa"),  # a private-use tag CLDR does not know
    ],
)
def test_open_graph_locale_is_language_and_territory(tag: str, locale: str) -> None:
    from site_builder.i18n.scripts import likely_locale

    assert likely_locale(tag) == locale
