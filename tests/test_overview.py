"""What pages open with: the summary of commitments on every roadmap page, status marks,
stable anchors, captions; on the contract site and the example site, in English and Arabic."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from site_builder.format.model import Assessment, Commitment, Date, ExternalPartner, Name, Text
from site_builder.format.paths import slug
from site_builder.i18n.labels import LABELS
from site_builder.i18n.localise import translations
from site_builder.load.validate import load_dataset
from site_builder.render.links import twinning_anchor
from site_builder.render.overview import assessment_anchor, shorten_words
from site_builder.views.summary import latest_assessment, recent_assessments, status_counts
from tests.conftest import CONTRACT, EXAMPLE, edit
from tests.test_contract_site import page


def summary_rows(html: str) -> list[str]:
    """The body rows of the page's summary table of commitments."""
    block = html.split('<div class="dr-summary">', 1)[1].split("</table>", 1)[0]
    assert "<caption>" in block
    return [r for r in re.findall(r"<tr>(.*?)</tr>", block, re.DOTALL) if "<th" not in r]


def check_summaries(site: Path, roadmaps: Path, language: str) -> int:
    """Every commitment of every roadmap is a row of its page's summary table, in the
    order of the file, linked to its details, with its status in words and its mark."""
    dataset = load_dataset(roadmaps).dataset
    words = translations(language).gettext
    checked = 0
    for roadmap in dataset.roadmaps.values():
        html = page(site, f"{language}/{roadmap.id}")
        commitments = roadmap.data.commitments
        if not commitments:
            assert 'class="dr-summary"' not in html
            continue
        rows = summary_rows(html)
        assert len(rows) == len(commitments), roadmap.id
        for row, commitment in zip(rows, commitments, strict=True):
            assert f'href="#commitment-{commitment.id}"' in row
            assert f'id="commitment-{commitment.id}"' in html
            label = words(LABELS["status"][commitment.status])
            assert f'<span class="dr-status dr-status-{commitment.status}">{label}</span>' in row
            checked += 1
        counts = html.split('<p class="dr-counts">', 1)[1].split("</p>", 1)[0]
        for status, number in status_counts(commitments):
            assert f"dr-status-{status}" in counts and str(number) in counts
    return checked


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_contract_summary_table_lists_every_commitment_with_its_status(
    contract_site: Path, language: str
) -> None:
    assert check_summaries(contract_site, CONTRACT, language) >= 5


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_example_summary_table_lists_every_commitment_with_its_status(
    example_site: Path, language: str
) -> None:
    assert check_summaries(example_site, EXAMPLE, language) >= 10


def test_summary_opens_the_page_before_the_details(contract_site: Path) -> None:
    html = page(contract_site, "en/ml")
    article = html.split("<article", 1)[1]
    assert article.index('id="at-a-glance"') < article.index('id="recognition"')
    assert article.index("dr-summary") < article.index('id="commitments"')
    # The latest assessment links to itself further down, which opens (a details element).
    row = summary_rows(html)[0]
    target = re.search(r'href="#(assessment-[^"]+)"', row).group(1)
    assert re.search(rf'<details class="dr-assessment" id="{target}" open', html)


def test_results_and_lessons_are_headings(contract_site: Path) -> None:
    html = page(contract_site, "en/ml")
    assert re.search(r"<h5[^>]*>Results", html) and re.search(r"<h5[^>]*>Lessons learned", html)
    assert "<p><em>Results</em></p>" not in html


def test_every_data_table_has_a_caption(contract_site: Path) -> None:
    """On every page of every language, hand-written and generated pages alike (outside
    check: the field reference's 18 tables and the guide's 2 had none)."""
    for url in ("en/ml", "ar/fr/montreuil", "en/twinning", "en/outcomes", "fr/reference"):
        assert re.findall(r"<table>", page(contract_site, url)), url
    without = []
    for built in sorted(contract_site.rglob("*.html")):
        tables = re.findall(r"<table>(.{0,20})", built.read_text("utf-8"), re.DOTALL)
        without += [built for t in tables if not t.lstrip().startswith("<caption>")]
    assert without == []


def test_caption_extension_moves_the_marked_paragraph() -> None:
    md = markdown.Markdown(extensions=["tables", "attr_list", "site_builder.engine.captions"])
    html = md.convert("Where *they* stand\n{: .dr-caption }\n\n| a |\n| - |\n| 1 |\n\nAfter\n")
    assert html.startswith("<table>\n<caption>Where <em>they</em> stand</caption>")
    assert "<p>After</p>" in html  # other paragraphs stay
    plain = md.convert("Just a paragraph\n\n| a |\n| - |\n| 1 |\n")
    assert "<caption>" not in plain


# --- Stable anchors ---------------------------------------------------------------------


def test_adding_a_twinning_link_above_keeps_the_others_anchors(roadmaps, run, tmp_path) -> None:
    data = roadmaps()
    before = tmp_path / "before"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", before).code == 0
    edit(
        data / "fr/montreuil.yml",
        "twinning:\n",
        "twinning:\n  - partner:\n      name: Yaoundé\n      country: CM\n"
        "    kind: partnership\n    status: active\n",
    )
    after = tmp_path / "after"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", after).code == 0
    for site in (before, after):
        html = page(site, "en/fr/montreuil")
        assert 'id="twinning-cottbus-de"' in html and 'id="twinning-ml-yelimane"' in html
        # The anchor names Cottbus's entry itself, above the entry added or not.
        assert re.search(r'id="twinning-cottbus-de">(<bdi[^>]*>)?Cottbus', html)
    assert 'id="twinning-yaounde-cm"' in page(after, "en/fr/montreuil")
    # Pages elsewhere link to that anchor.
    assert 'href="../fr/montreuil/#twinning-cottbus-de"' in page(after, "en/twinning")


def test_anchors_come_from_ids_and_names() -> None:
    assert slug("Yélimané circle") == "yelimane-circle"
    assert slug("الرباط") == slug("الرباط") and re.fullmatch(r"[0-9a-f]{8}", slug("الرباط"))
    cottbus = ExternalPartner(name=Name({"en": "Cottbus"}), country="DE")
    assert twinning_anchor(None, cottbus, "en") == "twinning-cottbus-de"
    assert twinning_anchor("ml/yelimane", None, "en") == "twinning-ml-yelimane"
    rabat = ExternalPartner(name=Name({"ar": "الرباط", "fr": "Rabat"}), country="MA")
    assert twinning_anchor(None, rabat, "fr") == "twinning-rabat-ma"


def test_assessment_anchors_are_unique_and_positional_only_on_ties() -> None:
    """A second assessment of the same day by the same assessors gets a rank; the first
    keeps its anchor (outside check: adding one renamed both, `-1` and `-2`), and two
    written alike still get two anchors."""
    first = Assessment(date=Date(2009, 6), by="joint", completion="limited")
    second = Assessment(date=Date(2010), by="joint", completion="substantial")
    twin = Assessment(date=Date(2010), by="joint", completion="complete")
    alike = Assessment(date=Date(2010), by="joint", completion="complete")
    commitment = Commitment(
        id="fund", title=Text({"en": "Fund"}), outcome="x", status="planned",
        assessments=(first, second, twin, alike),
    )  # fmt: skip
    assert assessment_anchor(commitment, first) == "assessment-fund-2009-06-joint"
    assert assessment_anchor(commitment, second) == "assessment-fund-2010-joint"
    assert assessment_anchor(commitment, twin) == "assessment-fund-2010-joint-2"
    assert assessment_anchor(commitment, alike) == "assessment-fund-2010-joint-3"
    assert latest_assessment(commitment) is alike  # the last written of the latest date


def anchors_from_data(roadmaps: Path) -> dict[str, set[str]]:
    """The anchors each roadmap page must have, made from ids and names in the data alone:
    commitments, their assessments, dialogue models, bodies, twinning links (both ends);
    and a country's coordination section, a fixed name."""
    dataset = load_dataset(roadmaps).dataset
    default = dataset.default_language
    anchors: dict[str, set[str]] = {rid: set() for rid in dataset.roadmaps}
    for rid, roadmap in dataset.roadmaps.items():
        data = roadmap.data
        for c in data.commitments:
            anchors[rid].add(f"commitment-{c.id}")
            anchors[rid].update(assessment_anchor(c, a) for a in c.assessments)
        anchors[rid].update(f"dialogue-{m.id}" for m in data.dialogue)
        anchors[rid].update(f"body-{b.id}" for b in (*data.institutions, *data.organisations))
        for link in getattr(data, "twinning", ()):
            if isinstance(link.partner, ExternalPartner):
                anchors[rid].add(twinning_anchor(None, link.partner, default))
            else:
                anchors[rid].add(twinning_anchor(link.partner, None, default))
                anchors[link.partner].add(twinning_anchor(rid, None, default))
        if "/" not in rid:  # a country's section its whole coordination lists link back to
            anchors[rid].add("coordination")
    return {rid: {a.replace("_", "-") for a in found} for rid, found in anchors.items()}


@pytest.mark.parametrize("which", ["contract", "example"])
def test_cross_page_links_point_at_anchors_made_from_ids(
    contract_site: Path, example_site: Path, which: str
) -> None:
    """Outcome pages, status lists, the twinning directory and coordination sections link
    to a roadmap page's part by an anchor made from the data (never a position), and that
    anchor is on the page."""
    site, roadmaps = (contract_site, CONTRACT) if which == "contract" else (example_site, EXAMPLE)
    expected = anchors_from_data(roadmaps)
    checked = 0
    for lang in ("en", "fr", "ar"):
        for html_file in (site / lang).rglob("index.html"):
            html = html_file.read_text("utf-8")
            for href in re.findall(r'<a href="([^"#:]+)#([^"]+)"', html):
                target = (html_file.parent / href[0]).resolve()
                rid = target.relative_to((site / lang).resolve()).as_posix()
                if rid == "." or rid not in expected or target == html_file.parent.resolve():
                    continue
                assert href[1] in expected[rid], (html_file, href)
                assert f'id="{href[1]}"' in (target / "index.html").read_text("utf-8"), href
                checked += 1
    assert checked >= (40 if which == "contract" else 100), checked


def test_language_switcher_carries_the_anchor(contract_site: Path) -> None:
    html = page(contract_site, "en/fr/montreuil")
    assert "dr-keep-anchor" in html


# --- View functions -------------------------------------------------------------------


def _commitment(cid: str, status: str, *dates: Date) -> Commitment:
    return Commitment(
        id=cid, title=Text({"en": cid}), outcome="x", status=status,
        assessments=tuple(Assessment(date=d, by="joint", completion="limited") for d in dates),
    )  # fmt: skip


def test_status_counts_follow_the_model_and_leave_out_zeros() -> None:
    commitments = [_commitment("a", "completed"), _commitment("b", "planned")]
    commitments.append(_commitment("c", "completed"))
    assert status_counts(commitments) == [("planned", 1), ("completed", 2)]
    assert status_counts([]) == []


def test_recent_assessments_are_latest_first(contract_site: Path) -> None:
    dataset = load_dataset(CONTRACT).dataset
    recent = recent_assessments(dataset.roadmaps.values(), limit=3)
    dates = [r.assessment.date.latest() for r in recent]
    assert dates == sorted(dates, reverse=True) and len(recent) == 3


def test_long_titles_are_cut_at_a_word() -> None:
    long = "Strengthen " + "the capacity of diaspora associations " * 30
    short = shorten_words(long, 60)
    assert len(short) <= 60 and short.endswith("…") and long.startswith(short[:-1])
    assert shorten_words("Short title", 60) == "Short title"
    assert shorten_words("x" * 100, 10) == "x" * 9 + "…"


# --- The home page as an overview -------------------------------------------------------


def test_home_shows_the_twinning_map_and_links_to_the_directory(example_site: Path) -> None:
    for lang in ("en", "ar"):
        home = page(example_site, lang).split('id="twinning"', 1)[1].split("<h2", 1)[0]
        assert '<svg class="dr-map"' in home and 'class="dr-map-towns"' in home
        assert 'href="twinning/"' in home


def test_home_counts_commitments_by_status_and_links_each_figure_to_its_list(
    contract_site: Path,
) -> None:
    html = page(contract_site, "en")
    dataset = load_dataset(CONTRACT).dataset
    counts = dict(status_counts(c for r in dataset.roadmaps.values() for c in r.data.commitments))
    for status, number in counts.items():
        # the figure links to the list behind it, which lists that many commitments
        assert re.search(rf'<a href="status/{status}/">{number}</a>', html), status
        listing = page(contract_site, f"en/status/{status}")
        rows = [r for r in re.findall(r"<tr>(.*?)</tr>", listing, re.DOTALL) if "<th" not in r]
        assert len(rows) == number, status
    assert "No commitment is in this status." in page(contract_site, "en/status/withdrawn")
    ar = page(contract_site, "ar")
    assert "أحدث التقييمات" in ar and 'href="status/completed/"' in ar


def test_home_lists_latest_assessments_and_updates(contract_site: Path) -> None:
    html = page(contract_site, "en")
    latest = html.split('id="assessments"', 1)[1].split("<h2", 1)[0]
    assert '<a href="fr/montreuil/#assessment-water-points-2009-12-independent">' in latest
    assert latest.index("December 2009") < latest.index("June 30, 2009")
    updated = html.split('id="updated"', 1)[1].split("<h2", 1)[0]
    assert updated.count("<li>") == 5
    assert 'href="twinning/"' in html


def test_home_title_does_not_repeat_the_site_name(contract_site: Path) -> None:
    title = re.search(r"<title>(.*?)</title>", page(contract_site, "en")).group(1)
    assert title == "Diaspora engagement roadmaps"


# --- Screen readers, phones and shared links --------------------------------------------


def test_every_roadmap_page_has_a_description_and_a_preview(contract_site: Path) -> None:
    html = page(contract_site, "en/ml")
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    assert description.startswith("Mali connects with its diaspora through a national")
    assert "<strong>" not in description and len(description) <= 200
    assert f'<meta property="og:description" content="{description}">' in html
    assert re.search(r'<meta property="og:title" content="Mali: engaging Malians', html)
    assert '<meta property="og:locale" content="en_US">' in html
    arabic = page(contract_site, "ar/fr/montreuil")
    assert '<meta property="og:locale" content="ar_EG">' in arabic
    assert (contract_site / "robots.txt").read_text("utf-8").startswith("User-agent: *")


def test_pages_outside_the_navigation_have_a_table_of_contents(contract_site: Path) -> None:
    for url in ("en/ml", "ar/fr/montreuil", "fr/ml/yelimane"):
        html = page(contract_site, url)
        toc = html.split('<details class="dr-toc"', 1)[1].split("</details>", 1)[0]
        assert toc.count("<li>") >= 4, url
        assert html.index('class="dr-toc"') > html.index("</h1>")
    assert '<a href="#at-a-glance">' in page(contract_site, "en/ml")


# --- Words people read ------------------------------------------------------------------


def test_money_and_ratios_read_as_words(contract_site: Path) -> None:
    mali = page(contract_site, "en/ml")
    assert "€1,500,000 — public funds double what the diaspora raised" in mali
    assert "; matching ratio 2" not in mali
    montreuil = page(contract_site, "fr/fr/montreuil")
    assert "240\u202f000\xa0€ — les fonds publics triplent ce que la diaspora a réuni" in montreuil
    assert "تضاعف الأموال العامة ما جمعته الجالية" in page(contract_site, "ar/ml")


def test_currency_symbols_made_of_letters_are_spaced_as_cldr_says() -> None:
    from site_builder.i18n.localise import Localiser

    english = Localiser("en", "en", ("en",))
    assert english.money(900000000, "XOF") == "F\u202fCFA\xa0900,000,000"
    assert english.money(1500000, "EUR") == "€1,500,000"
    assert Localiser("fr", "en", ("en", "fr")).money(12.5, "EUR") == "12,50\xa0€"


def test_statistics_with_nothing_to_count_are_left_out(contract_site: Path) -> None:
    # Montreuil states no commitment's gender, and its one organisation is not women-led.
    html = page(contract_site, "en/fr/montreuil")
    assert "0% (0/" not in html and "0 % (0/" not in html
    assert "Commitments that say how women take part" not in html
    assert "Diaspora organisations led by women" not in html
    assert "Commitments that say how women take part" in page(contract_site, "en/ml")


def test_custom_outcome_groups_show_their_titles(roadmaps, run, tmp_path) -> None:
    data = roadmaps()
    (data / "site.yml").write_text(
        (data / "site.yml").read_text("utf-8")
        + "outcomes:\n"
        + "".join(
            f"  - id: {o}\n    group: remittances\n    title: {o.title()}\n"
            for o in ("codevelopment", "monitoring", "bilateral-sectors")
        )
        + "outcome_groups:\n  - id: remittances\n    title:\n      en: Money sent home\n"
        + "      fr: Argent envoyé au pays\n",
        "utf-8",
    )
    site = tmp_path / "site"
    result = run("build", "--quiet", "--roadmaps", data, "--site-dir", site)
    assert result.code == 0, result.err
    assert "Money sent home" in page(site, "en/outcomes")
    assert "Argent envoyé au pays" in page(site, "fr/outcomes")
    assert ">remittances<" not in page(site, "en/outcomes")


def test_long_titles_are_short_in_headings_and_whole_on_the_page(roadmaps, run, tmp_path):
    data = roadmaps()
    long = "Strengthen the capacity " + "of the associations of the diaspora " * 30
    edit(data / "ml/country.yml", "Matching fund for diaspora community projects", long.strip())
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    html = page(site, "en/ml")
    heading = re.search(r'<h3 id="commitment-matching-fund">(.*?)<a', html, re.DOTALL).group(1)
    words = re.sub(r"<[^>]+>", "", heading)
    assert len(words) <= 90 and words.endswith("…")
    full = html.split('<p class="dr-full-title">', 1)[1].split("</p>", 1)[0]
    assert re.sub(r"<[^>]+>", "", full) == long.strip()
    toc = html.split('<details class="dr-toc"', 1)[1].split("</details>", 1)[0]
    assert long.strip() not in toc and words in toc


def test_twinning_ends_that_disagree_are_named_and_both_shown(roadmaps, run, tmp_path) -> None:
    data = roadmaps()
    edit(data / "ml/yelimane.yml", "kind: decentralised-cooperation", "kind: town-twinning")
    edit(data / "ml/yelimane.yml", "since: 1985", "since: 1990")
    result = run("validate", "--roadmaps", data)
    lines = [line for line in (result.out + result.err).splitlines() if "montreuil.yml:" in line]
    kind = next(line for line in lines if "twinning[0].kind" in line)
    assert re.search(r"fr/montreuil\.yml:\d+:\d+: warning: twinning\[0\]\.kind:", kind)
    assert re.search(r"ml/yelimane\.yml:15:\d+ says kind: town-twinning", kind)
    assert any("says since: 1985" in line and "says since: 1990" in line for line in lines)
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    for url, mine, theirs in (
        ("en/ml/yelimane", "Town twinning, from 1990", "Decentralised cooperation, from 1985"),
        ("en/fr/montreuil", "Decentralised cooperation, from 1985", "Town twinning, from 1990"),
    ):
        html = page(site, url)
        assert f"<li>This roadmap: {mine}</li>" in html, url
        assert f"<li>The partner's roadmap: {theirs}</li>" in html, url


def test_the_404_page_is_translated_with_a_way_home(contract_site: Path) -> None:
    for lang, words, home in (
        ("en", "Page not found", "Home"),
        ("fr", "Page introuvable", "Accueil"),
        ("ar", "الصفحة غير موجودة", "الرئيسية"),
    ):
        html = (contract_site / lang / "404.html").read_text("utf-8")
        assert f"<h1>{words}</h1>" in html
        # Relative to the language's folder, which the page makes its base when shown.
        assert f'<a href=".">{home}</a>' in html


@pytest.mark.parametrize("language", ["en", "ar"])
def test_results_and_lessons_anchors_are_made_from_the_assessment(
    contract_site: Path, language: str
) -> None:
    """The same ids in every language and whatever assessments come before, so that the
    language switcher and shared links keep them (not `#results_1`, `#النتائج_1`)."""
    html = page(contract_site, f"{language}/fr/montreuil")
    for part in ("results", "lessons"):
        assert f'id="assessment-water-points-2009-12-independent-{part}"' in html
    assert not re.search(r'<h5 id="(results|النتائج)(_\d+)?"', html)


def test_meta_description_keeps_punctuation_where_emphasis_was(example_site: Path) -> None:
    """Rich text loses its markup in the description without leaving a space before
    punctuation (`national forum .`)."""
    html = page(example_site, "en/ml")
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert "national forum. The first forum" in description
    assert not re.search(r"\s[.,;:!?]", description), description


def test_the_pages_own_table_of_contents_is_left_out_of_search(contract_site: Path) -> None:
    """Search excerpts show the page's words, not its table of contents."""
    html = page(contract_site, "en/ml")
    assert re.search(r'<details class="dr-toc" data-pagefind-ignore', html)


def test_a_commitment_without_dates_or_with_a_long_title_reads_cleanly(
    roadmaps, run, tmp_path
) -> None:
    """Outside check: a long title's full text showed Markdown's escapes (`Saint\\-Louis`),
    a commitment without dates showed an empty `Timeframe:` in the summary table, and one
    that starts and ends in the same month showed `April 2010 – April 2010`."""
    data = roadmaps()
    long_title = (
        "Matching fund for diaspora community projects in the regions of Saint-Louis, "
        "Matam and Tambacounda, with the [partners] of *every* town"
    )
    edit(
        data / "ml/country.yml",
        "en: Matching fund for diaspora community projects",
        f"en: {long_title}",
    )
    edit(data / "ml/country.yml", "    start: 2008-01\n    end: 2010-12\n", "")
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    for language in ("en", "ar"):
        html = page(site, f"{language}/ml")
        full = re.search(r'<p class="dr-full-title">(.*?)</p>', html, re.DOTALL)
        assert full is not None and "\\" not in full.group(1), language
        assert "Saint-Louis, Matam and Tambacounda, with the [partners] of *every* town" in (
            full.group(1)
        )
        facts = re.findall(r'<span class="dr-cell-facts">(.*?)</span>\s*</td>', html, re.DOTALL)
        assert facts and not [f for f in facts if re.search(r":\s*·", f)], language


def test_a_period_that_starts_and_ends_in_the_same_month_is_one_date() -> None:
    from site_builder.i18n.localise import Localiser
    from site_builder.render.text import TextHelpers

    helpers = TextHelpers.__new__(TextHelpers)
    helpers.loc = Localiser("en", "en", ("en",))
    month = Date.parse("2010-04")
    assert str(helpers.period(month, month)) == "April 2010"
    assert str(helpers.period(month, Date.parse("2010-05"))) == "April 2010 – May 2010"
