"""The outputs pass the validators their reusers run: JSON Schema in JavaScript (ECMA-262
regexes), Frictionless, Atom feed readers and the sitemaps.org XML Schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
import regress
from frictionless import Package
from lxml import etree

from site_builder.format.reference import SCHEMA_FILE
from tests.conftest import CONTRACT, PROJECT_ROOT

SCHEMAS = Path(__file__).parent / "schemas"
SHARED_CONTRACT = Path("/work/shared/contract")
SITE_URL = "https://example.org/roadmaps/"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contract built with its address known, as CI publishes it."""
    from site_builder.cli import main

    site = tmp_path_factory.mktemp("published") / "site"
    code = main(
        ["build", "--quiet", "--roadmaps", str(CONTRACT), "--site-dir", str(site)]
        + ["--site-url", SITE_URL]
    )
    assert code == 0
    return site


def _patterns(node: object) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found.append(value)
            elif key == "patternProperties" and isinstance(value, dict):
                found.extend(value)
            found.extend(_patterns(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_patterns(item))
    return found


def test_every_schema_pattern_is_an_ecma_262_unicode_regex() -> None:
    schema = json.loads((PROJECT_ROOT / SCHEMA_FILE).read_text("utf-8"))
    patterns = _patterns(schema)
    assert len(patterns) >= 5
    for pattern in patterns:
        regress.Regex(pattern, "u")  # raises RegressError when JavaScript would refuse it
    with pytest.raises(regress.RegressError):
        regress.Regex(r'[^\s"\"]', "u")  # the kind of escape that was there before


def _check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "folder",
    [CONTRACT, SHARED_CONTRACT, PROJECT_ROOT / "roadmaps"],
    ids=["contract", "shared-contract", "example"],
)
def test_check_jsonschema_accepts_the_schema_and_every_roadmap(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} is not on this machine")
    files = sorted(folder.rglob("*.yml"))
    assert files
    result = _check_jsonschema("--schemafile", PROJECT_ROOT / SCHEMA_FILE, *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_published_schema_has_its_real_address(published: Path) -> None:
    schema = json.loads((published / "data/roadmap.schema.json").read_text("utf-8"))
    assert schema["$id"] == f"{SITE_URL}data/roadmap.schema.json"
    committed = json.loads((PROJECT_ROOT / SCHEMA_FILE).read_text("utf-8"))
    assert "$id" not in committed  # no made-up address
    result = _check_jsonschema(
        "--schemafile", published / "data/roadmap.schema.json", *sorted(CONTRACT.rglob("*.yml"))
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_datapackage_describes_every_csv_and_frictionless_validates_it(published: Path) -> None:
    data = published / "data"
    descriptor = json.loads((data / "datapackage.json").read_text("utf-8"))
    assert sorted(r["path"] for r in descriptor["resources"]) == sorted(
        p.name for p in data.glob("*.csv")
    )
    for resource in descriptor["resources"]:
        header = (data / resource["path"]).read_text("utf-8-sig").splitlines()[0]
        assert [f["name"] for f in resource["schema"]["fields"]] == header.split(",")
    report = Package(str(data / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_catches_a_value_of_the_wrong_type(published: Path, tmp_path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(published / "data", data)
    commitments = data / "commitments.csv"
    lines = commitments.read_text("utf-8-sig").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("assessments")] = "many"
    commitments.write_text("\r\n".join([lines[0], ",".join(row), *lines[2:]]) + "\r\n", "utf-8-sig")
    assert not Package(str(data / "datapackage.json")).validate().valid


def test_data_page_describes_the_dataset_in_json_ld(published: Path) -> None:
    page = (published / "en/data/index.html").read_text("utf-8")
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    dataset = json.loads(block)
    assert dataset["@type"] == "Dataset" and dataset["@context"] == "https://schema.org"
    urls = {d["contentUrl"] for d in dataset["distribution"]}
    assert f"{SITE_URL}data/commitments.csv" in urls
    assert f"{SITE_URL}data/datapackage.json" in urls
    assert dataset["inLanguage"] == ["en", "fr", "ar"]


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_feeds_parse_cleanly_with_absolute_links_and_summaries(
    published: Path, language: str
) -> None:
    feed = feedparser.parse((published / language / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    own = f"{SITE_URL}{language}/"
    assert feed.feed["links"][1] == {
        "rel": "self",
        "type": "application/atom+xml",
        "href": f"{own}feed.xml",
    }
    assert feed.entries
    for entry in feed.entries:
        assert entry.link.startswith(own), entry.link
        assert entry.summary.strip(), entry.title


@pytest.mark.parametrize("absolute", [True, False], ids=["site-url", "no-site-url"])
def test_feeds_are_valid_against_the_atom_relax_ng_grammar(
    published: Path, contract_site: Path, absolute: bool
) -> None:
    grammar = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    site = published if absolute else contract_site
    for language in ("en", "fr", "ar"):
        assert grammar.validate(etree.parse(str(site / language / "feed.xml"))), grammar.error_log
    no_id = etree.fromstring(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b"<updated>2008-01-01T00:00:00Z</updated></feed>"
    )
    assert not grammar.validate(no_id)


def test_feed_marks_entries_in_another_language(published: Path) -> None:
    tree = etree.parse(str(published / "fr" / "feed.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert tree.getroot().get(lang) == "fr"
    marked = [s.get(lang) for s in tree.iterfind("a:entry/a:summary", ns) if s.get(lang)]
    assert marked and set(marked) <= {"en", "ar"}


def test_sitemaps_are_valid_against_the_sitemaps_org_schema(published: Path) -> None:
    pages = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-with-xhtml.xsd")))
    for language in ("en", "fr", "ar"):
        sitemap = etree.parse(str(published / language / "sitemap.xml"))
        assert pages.validate(sitemap), pages.error_log
        assert sitemap.getroot().find("{*}url/{*}lastmod") is not None
    index = etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))
    assert index.validate(etree.parse(str(published / "sitemap.xml"))), index.error_log


def test_the_sitemap_schema_refuses_lastmod_after_alternates() -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-with-xhtml.xsd")))
    wrong = etree.fromstring(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>https://example.org/en/</loc>'
        b'<xhtml:link rel="alternate" hreflang="fr" href="https://example.org/fr/"/>'
        b"<lastmod>2024-01-01</lastmod></url></urlset>"
    )
    assert not schema.validate(wrong)


def test_catalog_template_keeps_its_header_and_source_locations() -> None:
    from babel.messages.pofile import read_po

    from site_builder import __version__
    from site_builder.i18n.localise import LOCALES_DIR

    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    assert template.project == "diaspora-roadmaps"
    assert template.version == __version__
    messages = [m for m in template if m.id]
    assert messages and all(m.locations for m in messages)
    for message in messages:
        for path, line in message.locations:
            assert (PROJECT_ROOT / path).is_file() and line > 0, (path, line)
