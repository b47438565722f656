"""The site's own roadmaps: enough of them, valid without warnings, and they build."""

from __future__ import annotations

from pathlib import Path

from site_builder.format.model import AuthorityRoadmap, CountryRoadmap
from site_builder.load.validate import load_dataset
from tests.conftest import PROJECT_ROOT

ROADMAPS = PROJECT_ROOT / "roadmaps"


def test_example_roadmaps_are_valid_and_cover_the_format() -> None:
    report = load_dataset(ROADMAPS, strict=True)
    assert report.problems == []
    dataset = report.dataset
    countries = [r.data for r in dataset.roadmaps.values() if isinstance(r.data, CountryRoadmap)]
    authorities = [
        r.data for r in dataset.roadmaps.values() if isinstance(r.data, AuthorityRoadmap)
    ]
    assert len(countries) >= 6 and len(authorities) >= 6
    assert {c.role for c in countries} >= {"origin", "destination"}
    assert sum(1 for a in authorities for link in a.twinning if isinstance(link.partner, str)) >= 4
    assert dataset.languages == ("en", "fr", "ar")
    # Some fields are deliberately left untranslated, to show the fallback.
    texts = [c.summary for c in countries + authorities if c.summary]
    assert any("ar" not in text for text in texts) and any("ar" in text for text in texts)


def test_every_example_file_is_marked_illustrative() -> None:
    for path in ROADMAPS.rglob("*.yml"):
        assert (
            "ILLUSTRATIVE"
            in path.read_text("utf-8").splitlines()[0] + path.read_text("utf-8").splitlines()[1]
        ), path


def test_example_site_builds(run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = run("build", "--roadmaps", ROADMAPS, "--site-dir", site)
    assert result.code == 0, result.err
    for lang in ("en", "fr", "ar"):
        for url in ("", "ml", "ml/kayes", "fr/lille", "sn/saint-louis", "in/kerala", "about"):
            assert (site / lang / url / "index.html").is_file(), (lang, url)
    lille = (site / "fr/fr/lille/index.html").read_text("utf-8")
    assert "Saint-Louis" in lille and "Région de Kayes" in lille


def test_page_size_does_not_grow_with_the_number_of_roadmaps(run, tmp_path: Path) -> None:
    """The navigation lists no roadmaps, so a page weighs the same on a small and a big site."""
    sizes = []
    for count in (2, 40):
        data = tmp_path / f"roadmaps-{count}"
        (data / "ml").mkdir(parents=True)
        (data / "site.yml").write_text("title: Test\nlanguages: [en]\n", "utf-8")
        for i in range(count):
            (data / "ml" / f"town-{i}.yml").write_text(
                f"name: Town {i}\ncountry: ML\nkind: municipality\n", "utf-8"
            )
        site = tmp_path / f"site-{count}"
        assert run("build", "--quiet", "--roadmaps", data, "--site-dir", site).code == 0
        sizes.append(len((site / "en/ml/town-1/index.html").read_bytes()))
    assert abs(sizes[1] - sizes[0]) < 200, sizes
