"""The contract's roadmaps, unchanged, build into a multilingual site with every field shown."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CONTRACT, PROJECT_ROOT, without_isolation

SHARED_CONTRACT = PROJECT_ROOT.parent / "shared" / "contract" / "roadmaps"


@pytest.fixture(scope="module", params=["mkdocs", "properdocs"])
def contract_site(
    request: pytest.FixtureRequest, contract_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Every test of this module runs on the site built by each engine (`--engine`)."""
    if request.param == "mkdocs":
        return contract_site
    from site_builder.cli import main

    site = tmp_path_factory.mktemp(request.param) / "site"
    args = ["build", "--quiet", "--engine", request.param, "--roadmaps", str(CONTRACT)]
    assert main([*args, "--site-dir", str(site)]) == 0
    return site


def page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text("utf-8")


def text_of(html: str) -> str:
    """The visible text of a page's main content, tags removed and spaces folded."""
    main = html.split("<article", 1)[1].split("</article>", 1)[0]
    inline = r"</?(?:a|bdi|span|em|strong|code|small)\b[^>]*>"
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(inline, "", main)).split())


MANIFEST = CONTRACT.parent / "contract.sha256"  # sha256sum of the contract's files


def _digests(folder: Path) -> dict[str, str]:
    return {
        f"./{p.relative_to(folder).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _manifest() -> dict[str, str]:
    lines = MANIFEST.read_text("utf-8").splitlines()
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines)}


def test_fixture_is_the_contract_unchanged() -> None:
    """Runs in every clone: the fixture matches the digests written when it was copied
    from the contract (`sha256sum` of ../shared/contract/roadmaps)."""
    assert _digests(CONTRACT) == _manifest()


@pytest.mark.skipif(
    not SHARED_CONTRACT.is_dir(), reason="the shared contract is not beside the repo"
)
def test_manifest_is_the_shared_contract() -> None:
    assert _digests(SHARED_CONTRACT) == _manifest()


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("url", ["", "ml", "fr", "be", "ml/yelimane", "fr/montreuil"])
def test_every_roadmap_has_a_page_in_every_language(
    contract_site: Path, lang: str, url: str
) -> None:
    html = page(contract_site, f"{lang}/{url}")
    assert f'<html lang="{lang}"' in html
    assert "<article" in html


def test_arabic_pages_are_right_to_left(contract_site: Path) -> None:
    html = page(contract_site, "ar/ml")
    assert '<html lang="ar"' in html
    assert re.search(r'<body dir="rtl"', html)
    assert "مالي: إشراك الماليين في الخارج في التنمية الوطنية" in html
    assert 'dir="ltr"' in page(contract_site, "en/ml").split("<body", 1)[1][:20]


def test_french_mali_page_shows_french_names(contract_site: Path) -> None:
    text = text_of(page(contract_site, "fr/ml"))
    for french in [
        "Mali : associer les Maliens de l'extérieur au développement national",
        "Ministère des Maliens de l'extérieur",
        "Haut Conseil des Maliens de l'extérieur",
        "Fonds de contrepartie pour les projets communautaires de la diaspora",
        "Forum de la diaspora malienne",
        "tous les cinq ans",
        "Pays d'origine",
        "Autorisé",
        "Restreint",
        "En cours",
        "Espagne",
        "juin 2007",
        "15 mars 2008",
        "1 500 000 €",
    ]:
        assert french.replace("'", "&#x27;") in text or french in text, french


def test_twinning_link_shows_from_both_ends(contract_site: Path) -> None:
    montreuil = without_isolation(page(contract_site, "en/fr/montreuil"))
    yelimane = without_isolation(page(contract_site, "en/ml/yelimane"))
    assert re.search(r'<a href="../../ml/yelimane/">Yélimané circle</a>', montreuil)
    assert re.search(r'<a href="../../fr/montreuil/">Montreuil</a>', yelimane)
    for html in (montreuil, yelimane):
        assert "Decentralised cooperation" in html and "1985" in html
    # The description is written at Montreuil's end only, and is shown at both.
    assert "Water, health and schooling projects" in yelimane
    # Cottbus has no roadmap: it is named, with its country in the page's language.
    assert "Cottbus" in montreuil and "Germany" in montreuil
    assert "Allemagne" in page(contract_site, "fr/fr/montreuil")


def test_every_field_is_shown_in_words(contract_site: Path) -> None:
    text = text_of(page(contract_site, "en/ml"))
    for shown in [
        "Country of origin",  # role
        "June 2007",
        "March 15, 2008",  # dates at their precision
        "Ministry of Malians Abroad",
        "roadmap@example.org",  # contact
        "France",
        "Belgium",
        "Côte d’Ivoire",
        "Spain",  # partner countries
        "Allowed",
        "Restricted",
        "Consulates provide information",  # recognition
        "Ministry",
        "2004",
        "Council",  # institutions
        "health, education, water",
        "Needs support",
        "Yes",  # organisations
        "National",
        "Forum",
        "every five years",
        "2003",  # dialogue
        "First forum: situation, expectations and priorities",  # meetings
        "Matching fund for diaspora community projects",
        "In progress",
        "Co-development",
        "January 2008 – December 2010",
        "€1,500,000",
        "public funds double what the diaspora raised",
        "At least two in five funded projects",
        "Number of co-funded projects",
        "June 30, 2009",
        "Joint",
        "Limited",
        "Twelve projects funded",
        "a reception desk was set up",
        "https://example.org/reports/matching-fund-2009",
        "Monitoring",
        "Completed",
        "Complete",
        "Information, guidance and an assessment",  # entrepreneurship
    ]:
        assert shown in text, shown


def test_references_are_names_linked_to_their_entries(contract_site: Path) -> None:
    html = without_isolation(page(contract_site, "en/ml"))
    assert '<a href="#body-mme">Ministry of Malians Abroad</a>' in html
    assert 'id="body-mme"' in html
    # An assessment sits under its commitment's heading.
    commitment = html.index('id="commitment-matching-fund"')
    assessment = html.index("Twelve projects funded")
    next_commitment = html.index('id="commitment-forum-follow-up"')
    assert commitment < assessment < next_commitment


def test_untranslated_text_is_marked_with_its_language(contract_site: Path) -> None:
    html = page(contract_site, "fr/ml")
    # The second indicator exists in English only.
    assert re.search(
        r'<span lang="en" dir="ltr">Share of projects led by women(&#x27;|\')s associations</span>'
        r' <span class="dr-untranslated">\(pas encore traduit\)</span>',
        html,
    )
    arabic = page(contract_site, "ar/ml")
    assert 'class="dr-rich dr-fallback"' in arabic and "لم يُترجم بعد" in arabic


def test_home_lists_every_country_with_role_and_authorities(contract_site: Path) -> None:
    text = text_of(page(contract_site, "en"))
    assert "Diaspora engagement roadmaps" in text
    for row in [
        "Belgium Destination country",
        "France Destination country Montreuil",
        "Mali Country of origin Yélimané circle",
    ]:
        assert row in text


def test_root_index_sends_visitors_to_a_language(contract_site: Path) -> None:
    html = (contract_site / "index.html").read_text("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=en/">' in html
    for code, name in [("en", "English"), ("fr", "Français"), ("ar", "العربية")]:
        assert f'<a href="{code}/" hreflang="{code}" lang="{code}"' in html and name in html


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.switcher: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "md-select__link" in (values.get("class") or "").split():
            self.switcher.append((values["hreflang"] or "", values["href"] or ""))


@pytest.mark.parametrize("url", ["en/ml/yelimane", "ar/fr", "fr"])
def test_language_switcher_lands_on_the_same_page(contract_site: Path, url: str) -> None:
    parser = _Links()
    parser.feed(page(contract_site, url))
    assert [lang for lang, _ in parser.switcher] == ["en", "fr", "ar"]
    here = contract_site / url
    for lang, href in parser.switcher:
        target = (here / href).resolve()
        assert (
            target
            == (
                contract_site / lang / url.split("/", 1)[1] if "/" in url else contract_site / lang
            ).resolve()
        )
        assert (target / "index.html").is_file()


def test_each_language_has_its_own_search_and_404(contract_site: Path) -> None:
    for lang in ["en", "fr", "ar"]:
        entry = json.loads(
            (contract_site / lang / "pagefind" / "pagefind-entry.json").read_text("utf-8")
        )
        # One index per language, stemmed for it (Pagefind reads <html lang>).
        assert {code: index["wasm"] for code, index in entry["languages"].items()} == {lang: lang}
        assert (contract_site / lang / "404.html").is_file()
        assert (contract_site / lang / "search" / "index.html").is_file()  # the no-JS page


def test_pages_request_nothing_from_third_parties(contract_site: Path) -> None:
    for html_file in contract_site.rglob("*.html"):
        html = html_file.read_text("utf-8")
        for match in re.finditer(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', html):
            url = match.group(1)
            assert not re.match(r"(https?:)?//", url), f"{html_file}: {url}"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
