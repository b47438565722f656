"""Views across roadmaps, pictures, open data, feeds and provenance, on built sites."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
import yaml

from site_builder.load.validate import load_dataset
from site_builder.publish.data import _json, _write_roadmaps
from site_builder.render.links import source_links
from site_builder.views.open_data import normalise, roadmap_record
from tests.conftest import CONTRACT, PROJECT_ROOT, edit, without_isolation
from tests.test_contract_site import page, text_of


def test_twinning_directory_lists_each_link_once(contract_site: Path) -> None:
    html = without_isolation(page(contract_site, "en/twinning"))
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL) if "<th" not in r]
    assert len(rows) == 2
    montreuil_yelimane = [r for r in rows if "Yélimané circle" in r]
    assert len(montreuil_yelimane) == 1
    row = montreuil_yelimane[0]
    # Each end links to the link's own section on that end's page.
    assert '<a href="../fr/montreuil/#twinning-ml-yelimane">Montreuil</a>' in row
    assert '<a href="../ml/yelimane/#twinning-fr-montreuil">Yélimané circle</a>' in row
    assert "both sides" in row and "Decentralised cooperation" in row and "from 1985" in row
    cottbus = [r for r in rows if "Cottbus" in r][0]
    assert "Germany" in cottbus and "no roadmap at the other end" in cottbus


def test_one_sided_links_are_flagged_in_the_directory(roadmaps, run, tmp_path: Path) -> None:
    data = roadmaps()
    text = (data / "ml/yelimane.yml").read_text("utf-8")
    (data / "ml/yelimane.yml").write_text(
        text[: text.index("twinning:")] + text[text.index("dialogue:") :], "utf-8"
    )
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    html = page(site, "en/twinning")
    row = [r for r in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL) if "Yélimané" in r][0]
    assert "<strong>one side only</strong>" in row


def test_every_picture_has_a_text_equivalent(contract_site: Path) -> None:
    """Charts are page text: a caption, words and figures, the bars hidden from screen
    readers, which read the same facts."""
    for url in ("en/outcomes", "ar/outcomes", "en/ml", "fr/fr/montreuil"):
        html = page(contract_site, url)
        figures = re.findall(
            r'<(?:figure|div) class="dr-figure.*?</(?:figure|div)>', html, re.DOTALL
        )
        assert figures, url
        for figure in figures:
            assert "<figcaption>" in figure or "<caption>" in figure, figure[:200]
        for bar in re.findall(r'<span class="dr-(?:track|meter)"[^>]*>', html):
            assert 'aria-hidden="true"' in bar
    outcomes = text_of(page(contract_site, "en/outcomes"))
    assert "In progress 3" in outcomes and "Completed 3" in outcomes
    timeline = page(contract_site, "en/ml").split('class="dr-figure dr-timeline"', 1)[1]
    timeline = timeline.split("</figure>", 1)[0]
    assert "January 2008 – December 2010" in timeline
    assert "Time runs from left to right" in timeline
    assert "يسير الزمن من اليمين إلى اليسار" in page(contract_site, "ar/ml")  # mirrored
    # The axis's years are for the eye: not read out, nor indexed for search (outside
    # check: "2007200820092010" in a search excerpt).
    axis = re.search(r'<div [^>]*class="dr-axis"[^>]*>', timeline)
    assert axis and 'aria-hidden="true"' in axis.group() and "data-pagefind-ignore" in axis.group()


def test_no_year_of_a_timeline_axis_is_written_where_it_would_run_past_its_end() -> None:
    """A year's label starts at its place: one after LAST_TICK % ran past the chart's end
    on a 360 px phone (outside check: 2041 on an axis from 1991 to 2046)."""
    from site_builder.render.charts import LAST_TICK, Axis

    for first, last in [(1991, 2046), (2007, 2008), (2000, 2007), (1800, 2200)]:
        axis = Axis(first, last)
        ticks = axis.ticks()
        assert ticks and ticks[0] == first
        assert all(axis.position(year) <= LAST_TICK for year in ticks), (first, last, ticks)
    assert 2041 not in Axis(1991, 2046).ticks()


def test_mali_coordination_names_its_partners(contract_site: Path) -> None:
    html = without_isolation(page(contract_site, "en/ml"))
    section = html.split('id="coordination"', 1)[1].split("<h2", 1)[0]
    for name in ("France", "Belgium", "Montreuil"):
        assert re.search(rf">{name}</a>", section), name
    assert "Co-development consultation with migrant organisations" in section
    destination = (
        without_isolation(page(contract_site, "en/fr"))
        .split('id="coordination"', 1)[1]
        .split("<h2", 1)[0]
    )
    assert "Diasporas it works with" in page(contract_site, "en/fr")
    assert ">Mali</a>" in destination and ">Montreuil</a>" in destination


def test_dialogue_page_groups_models_by_level(contract_site: Path) -> None:
    html = without_isolation(page(contract_site, "en/dialogue"))
    levels = re.findall(r'<h2 id="level-(\w+)"', html)
    assert levels == ["local", "national"]
    national = html.split('id="level-national"', 1)[1]
    assert '<a href="../ml/#dialogue-diaspora-forum">Forum of the Malian diaspora</a>' in national
    assert "every five years" in national and "2008: Second forum" in text_of(
        "<article>" + national + "</article>"
    )


def test_outcomes_tracker_places_commitments_under_their_outcome(contract_site: Path) -> None:
    overview = page(contract_site, "en/outcomes")
    assert '<a href="codevelopment/">Co-development</a>' in overview
    rows = re.findall(r"<tr>(.*?)</tr>", overview, re.DOTALL)
    row = [r for r in rows if "Co-development" in r][0]
    assert re.findall(r"<td>(\d+)</td>", row) == ["4", "0", "3", "1", "0", "0"]
    text = text_of(page(contract_site, "en/outcomes/codevelopment"))
    assert "Matching fund for diaspora community projects" in text
    assert "June 30, 2009 · Assessed by: Joint · Completion: Limited" in text
    assert "Twelve projects funded" in text and "a reception desk was set up" in text
    monitoring = page(contract_site, "en/outcomes/monitoring")
    assert "Participatory review of the 2003 forum commitments" in monitoring


def test_long_outcome_lists_continue_on_numbered_pages(run, tmp_path: Path) -> None:
    from site_builder.format.sample import write_sample
    from site_builder.views.across import OUTCOME_PAGE_SIZE

    data = write_sample(tmp_path / "roadmaps", 6, 9, ("en",))
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    dataset = load_dataset(data).dataset
    served = [
        e for r in dataset.roadmaps.values() for e in r.data.commitments if e.outcome == "dialogue"
    ]
    outcome = site / "en" / "outcomes" / "dialogue"
    pages = [outcome / "index.html", *sorted(outcome.glob("page-*/index.html"))]
    assert len(served) > OUTCOME_PAGE_SIZE
    assert len(pages) == -(-len(served) // OUTCOME_PAGE_SIZE)
    listed = sum(p.read_text("utf-8").count('id="serves-') for p in pages)
    assert listed == len(served)
    assert "Page 1 of" in pages[0].read_text("utf-8") and "next page" in pages[0].read_text("utf-8")


def test_money_and_gender(contract_site: Path) -> None:
    text = text_of(page(contract_site, "en/outcomes"))
    assert "EUR 2 €1,500,000 1" in text and "EUR 3 €240,000 1" in text
    assert "Commitments that say how women take part and benefit 29% (2/7)" in text
    assert "Diaspora organisations led by women 20% (1/5)" in text
    mali = text_of(page(contract_site, "en/ml"))
    assert "Commitments that say how women take part and benefit 50% (1/2)" in mali


def test_open_data_round_trips_every_roadmap(contract_site: Path, tmp_path: Path) -> None:
    everything = json.loads((contract_site / "data" / "roadmaps.json").read_text("utf-8"))
    original = load_dataset(CONTRACT).dataset
    assert {r["id"] for r in everything["roadmaps"]} == set(original.roadmaps)
    # Each record's data is itself a roadmap in the contract's format: load it again.
    copy = tmp_path / "roadmaps"
    copy.mkdir()
    shutil.copy(CONTRACT / "site.yml", copy / "site.yml")
    for record in everything["roadmaps"]:
        target = copy / record["file"]
        target.parent.mkdir(exist_ok=True)
        target.write_text(json.dumps(record["data"], ensure_ascii=False), "utf-8")
        single = json.loads(
            (contract_site / "data" / "roadmaps" / f"{record['id']}.json").read_text("utf-8")
        )
        assert single == record
    reloaded = load_dataset(copy)
    assert reloaded.errors == []
    for roadmap_id, roadmap in original.roadmaps.items():
        assert reloaded.dataset.roadmaps[roadmap_id].data == roadmap.data


def test_csv_files_have_documented_header_rows(contract_site: Path) -> None:
    # Written out here, not taken from the column registry, so that a column dropped or
    # renamed by mistake fails this test (reusers' scripts depend on these names).
    expected = {
        "commitments.csv": [
            "roadmap", "country", "commitment", "title_en", "title_fr", "title_ar", "outcome",
            "status", "lead", "partners", "start", "end", "amount", "currency",
            "matching_ratio", "gender", "assessments", "latest_assessment",
            "latest_assessed_by", "latest_completion",
        ],
        "twinning.csv": [
            "first", "second", "partner_name_en", "partner_name_fr", "partner_name_ar",
            "partner_country", "kind", "status", "since", "until", "diaspora", "one_sided",
            "other_end_says",
        ],
        "dialogue.csv": [
            "roadmap", "dialogue", "name_en", "name_fr", "name_ar", "level", "format", "since",
            "participants", "meetings", "latest_meeting",
        ],
    }  # fmt: skip
    data_page = page(contract_site, "en/data")
    for name, columns in expected.items():
        raw = (contract_site / "data" / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0] == columns
        assert all(len(row) == len(rows[0]) for row in rows)
        heading = f'id="file-{name.replace(".", "-")}"'
        section = data_page.split(heading, 1)[1].split("</h2>", 1)[1].split("<h2", 1)[0]
        assert re.findall(r"<td><code>([^<]+)</code></td>", section) == rows[0]
    commitments = list(
        csv.DictReader(io.StringIO((contract_site / "data/commitments.csv").read_text("utf-8-sig")))
    )
    fund = [row for row in commitments if row["commitment"] == "matching-fund"][0]
    assert (
        fund["title_fr"] == "Fonds de contrepartie pour les projets communautaires de la diaspora"
    )
    assert (
        fund["title_ar"] == ""
        and fund["amount"] == "1500000"
        and fund["latest_completion"] == "limited"
    )
    twinning = list(
        csv.DictReader(io.StringIO((contract_site / "data/twinning.csv").read_text("utf-8-sig")))
    )
    assert [(r["first"], r["second"]) for r in twinning] == [
        ("fr/montreuil", "ml/yelimane"),
        ("fr/montreuil", ""),
    ]


def test_roadmap_pages_link_their_data_and_provenance(contract_site: Path) -> None:
    for url in ("en/ml", "ar/ml/yelimane"):
        html = page(contract_site, url)
        href = re.search(r'<a href="([^"]+\.json)" download>', html).group(1)
        assert (contract_site / url / href).resolve().is_file()
        # site.yml has `repository`: the edit link points at the file in it.
        name = "ml/country.yml" if url == "en/ml" else "ml/yelimane.yml"
        assert f'href="https://example.org/diaspora-roadmaps/{name}"' in html
    assert "Data file last changed" in page(contract_site, "en/ml")


def test_last_change_falls_back_to_updated_outside_git(roadmaps, run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", roadmaps(), "--site-dir", site).code == 0
    about = page(site, "en/ml").split('id="about"', 1)[1]
    assert "March 15, 2008" in about  # `updated`, as the copy has no git history


def test_atom_feed_per_language(contract_site: Path) -> None:
    for lang in ("en", "fr", "ar"):
        feed = ET.fromstring((contract_site / lang / "feed.xml").read_bytes())
        ns = {"a": "http://www.w3.org/2005/Atom"}
        entries = feed.findall("a:entry", ns)
        assert entries and feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        links = [e.find("a:link", ns).get("href") for e in entries]
        assert any(link.startswith("ml/#assessment-matching-fund-") for link in links)
        for link in links:  # each entry opens its own assessment, not the top of a page
            path, _, fragment = link.partition("#")
            target = (contract_site / lang / path / "index.html").read_text("utf-8")
            assert not fragment or f'id="{fragment}"' in target, link
    assert 'type="application/atom+xml"' in page(contract_site, "en/ml")


def test_feed_ids_are_unique_within_a_feed_and_between_sites(roadmaps, run, tmp_path) -> None:
    """RFC 4287 4.1.1 and 4.2.6 (outside check): two assessments of one commitment on the
    same day had the same entry id, and every site's feed had the same id."""
    data = roadmaps()
    ns = {"a": "http://www.w3.org/2005/Atom"}

    def ids(site: Path) -> tuple[str, list[str]]:
        feed = ET.fromstring((site / "en" / "feed.xml").read_bytes())
        entries = [e.find("a:id", ns).text for e in feed.findall("a:entry", ns)]
        return feed.find("a:id", ns).text, entries

    alone = tmp_path / "alone"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", alone).code == 0
    edit(
        data / "ml/country.yml",
        "        evidence:\n          - https://example.org/reports/matching-fund-2009\n",
        "        evidence:\n          - https://example.org/reports/matching-fund-2009\n"
        "      - date: 2009-06-30\n        by: joint\n        completion: substantial\n",
    )
    first = tmp_path / "first"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", first).code == 0
    feed_id, entry_ids = ids(first)
    assert len(entry_ids) == len(set(entry_ids)) == len(ids(alone)[1]) + 1
    # The assessment that was alone on its day keeps its id, and its anchor.
    assert set(ids(alone)[1]) < set(entry_ids)
    assert 'id="assessment-matching-fund-2009-06-30-joint"' in page(first, "en/ml")
    assert 'id="assessment-matching-fund-2009-06-30-joint-2"' in page(first, "en/ml")
    edit(data / "site.yml", "en: Diaspora engagement roadmaps", "en: Another site's roadmaps")
    other = tmp_path / "other"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", other).code == 0
    other_id, other_entries = ids(other)
    assert other_id != feed_id and not set(other_entries) & set(entry_ids)
    addressed = tmp_path / "addressed"
    arguments = ("--site-dir", addressed, "--site-url", "https://example.org/roadmaps/")
    assert run("build", "--quiet", "--roadmaps", data, *arguments).code == 0
    assert ids(addressed)[0] not in (feed_id, other_id)


def test_a_link_whose_ends_disagree_shows_both_versions_in_the_directory_and_data(
    roadmaps, run, tmp_path: Path
) -> None:
    """Validation says "the site shows both versions until then": the directory and
    twinning.csv showed one end's only (outside check)."""
    data = roadmaps()
    edit(
        data / "ml/yelimane.yml",
        "    kind: decentralised-cooperation\n    since: 1985\n    status: active\n",
        "    kind: town-twinning\n    since: 1986\n    until: 2010\n    status: dormant\n",
    )
    site = tmp_path / "site"
    assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
    row = next(
        r
        for r in re.findall(r"<tr>.*?</tr>", page(site, "en/twinning"), re.DOTALL)
        if "Montreuil" in r and "Yélimané" in r
    )
    cells = [
        " ".join(re.sub(r"<[^>]+>", "", c).split())
        for c in re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
    ]
    assert "Decentralised cooperation / Town twinning" in cells
    assert "Active / Dormant" in cells
    assert "from 1985 / 1986 – 2010" in cells  # each end's own period, not one completed
    assert "both sides: The two roadmaps say different things" in cells
    assert "الطرفان" in page(site, "ar/twinning")
    with open(site / "data" / "twinning.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    link = next(r for r in rows if {r["first"], r["second"]} == {"fr/montreuil", "ml/yelimane"})
    assert (link["first"], link["kind"], link["status"]) == (
        "fr/montreuil",
        "decentralised-cooperation",
        "active",
    )
    assert link["other_end_says"] == "kind=town-twinning; status=dormant; since=1986"
    agreeing = [r for r in rows if r is not link and r["second"]]
    assert all(r["other_end_says"] == "" for r in agreeing)


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as editors' language servers do (YAML 1.2): no dates, `NO` is text."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


def yaml12(path: Path) -> object:
    return yaml.load(path.read_text("utf-8"), Loader=Yaml12Loader)  # noqa: S506 - a safe loader


def test_schema_is_published_and_validates_the_contract(contract_site: Path) -> None:
    schema = json.loads((contract_site / "data" / "roadmap.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in CONTRACT.rglob("*.yml"):
        jsonschema.validate(yaml12(path), schema)


def test_roadmap_pages_print_without_navigation() -> None:
    css = (PROJECT_ROOT / "site_builder/defaults/themes/assets/stylesheets/diaspora.css").read_text(
        "utf-8"
    )
    block = css.split("@media print", 1)[1]
    assert ".md-sidebar" in block and ".md-header" in block and "attr(href)" in block


def test_dialogue_models_without_format_or_level_build(roadmaps, run, tmp_path: Path) -> None:
    """Optional fields left out of a valid roadmap never break a page (the dialogue page
    once sorted on `format` in its template and crashed when one model had none)."""
    from tests.conftest import edit

    data = roadmaps()
    edit(data / "ml/country.yml", "    format: forum\n", "")
    edit(data / "fr/montreuil.yml", "    format: council\n", "")
    site = tmp_path / "site"
    result = run("build", "--quiet", "--roadmaps", data, "--site-dir", site)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    for lang in ("en", "fr", "ar"):
        assert "dialogue-" in page(site, f"{lang}/dialogue")


def test_dialogue_groups_are_ordered_by_level_then_format(roadmaps) -> None:
    from site_builder.views.across import Views
    from tests.conftest import edit

    data = roadmaps()
    edit(data / "ml/country.yml", "    format: forum\n", "")
    dataset = load_dataset(data).dataset
    groups = Views(dataset).dialogue_by_level()
    levels = [level for level, _ in groups]
    order = ["local", "national", "regional", "international", None]
    assert levels == sorted(levels, key=order.index)
    for _, entries in groups:
        formats = [e.model.format for e in entries]
        present = [f for f in formats if f is not None]
        assert present == sorted(present)
        assert formats == present + [None] * (len(formats) - len(present))
    assert any(e.model.format is None for _, entries in groups for e in entries)


@pytest.mark.parametrize(
    ("repository", "edit", "history"),
    [
        (
            "https://github.com/org/repo/tree/main/roadmaps",
            "https://github.com/org/repo/edit/main/roadmaps/ml/kayes.yml",
            "https://github.com/org/repo/commits/main/roadmaps/ml/kayes.yml",
        ),
        (
            "https://github.com/org/repo/",
            "https://github.com/org/repo/edit/main/roadmaps/ml/kayes.yml",
            "https://github.com/org/repo/commits/main/roadmaps/ml/kayes.yml",
        ),
        (
            "https://github.com/org/repo/tree/publish/data/roadmaps",
            "https://github.com/org/repo/edit/publish/data/roadmaps/ml/kayes.yml",
            "https://github.com/org/repo/commits/publish/data/roadmaps/ml/kayes.yml",
        ),
        (
            "https://gitlab.com/group/sub/project/-/tree/main/roadmaps",
            "https://gitlab.com/group/sub/project/-/edit/main/roadmaps/ml/kayes.yml",
            "https://gitlab.com/group/sub/project/-/commits/main/roadmaps/ml/kayes.yml",
        ),
        (
            "https://gitlab.example.org/group/project",
            "https://gitlab.example.org/group/project/-/edit/main/roadmaps/ml/kayes.yml",
            "https://gitlab.example.org/group/project/-/commits/main/roadmaps/ml/kayes.yml",
        ),
        (
            "https://example.org/diaspora-roadmaps",
            "https://example.org/diaspora-roadmaps/ml/kayes.yml",
            None,
        ),
    ],
)
def test_source_links_follow_the_forge_url_forms(repository: str, edit: str, history) -> None:
    links = source_links(repository, "ml/kayes.yml")
    assert (links.edit, links.history) == (edit, history)


def test_example_site_pages_link_to_the_editor_and_the_history(run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run("build", "--quiet", "--language", "ar", "--site-dir", site).code == 0
    html = page(site, "ar/ml/kayes")
    base = "https://github.com/diaspora-roadmaps/diaspora-roadmaps"
    assert f'href="{base}/edit/main/roadmaps/ml/kayes.yml"' in html
    assert f'href="{base}/commits/main/roadmaps/ml/kayes.yml"' in html
    assert "تعديل ملف خريطة الطريق هذه" in html and "سجل تعديلات الملف" in html


def test_the_two_dates_of_a_page_say_what_they_are(contract_site: Path) -> None:
    html = page(contract_site, "en/ml")
    assert "Roadmap last updated" in html and "Data file last changed" in html
    assert ">Updated<" not in html and ">Last changed<" not in html
    french = page(contract_site, "fr/ml")
    assert "Dernière mise à jour de la feuille de route" in french
    assert "Dernière modification du fichier de données" in french


@pytest.mark.parametrize("roadmaps", ["contract", "none"])
def test_the_list_of_every_roadmap_is_the_json_of_them_all(roadmaps: str, tmp_path: Path) -> None:
    # roadmaps.json is written record by record; it must read as one JSON text made whole.
    dataset = load_dataset(CONTRACT).dataset
    if roadmaps == "none":
        dataset = replace(dataset, roadmaps={})
    (tmp_path / "roadmaps").mkdir()
    _write_roadmaps(dataset, tmp_path)
    records = [roadmap_record(r) for r in sorted(dataset.roadmaps.values(), key=lambda r: r.id)]
    whole = {
        "site": normalise(dataset.site),
        "outcomes": normalise(dataset.outcomes),
        "roadmaps": records,
    }
    assert (tmp_path / "roadmaps.json").read_text("utf-8") == _json(whole)
    for record in records:
        written = tmp_path / "roadmaps" / f"{record['id']}.json"
        assert written.read_text("utf-8") == _json(record)
