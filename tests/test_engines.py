"""The engines after Material: ProperDocs fails as MkDocs does, and the `render` output
builds with Zensical too.

ProperDocs (`build --engine properdocs`) runs the golden and contract-site tests; Zensical
reads the same `mkdocs.yml` projects `render` writes, built here as a reuser would."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from site_builder.cli import main
from tests.conftest import CONTRACT

SCHEMAS = Path(__file__).parent / "schemas"

needs_zensical = pytest.mark.skipif(
    importlib.util.find_spec("zensical") is None, reason="Zensical is not installed"
)


def test_properdocs_reports_the_engines_warnings_and_changes_nothing(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs" / "fr").mkdir(parents=True)
    (tmp_path / "docs" / "fr" / "broken.md").write_text("# Cassé\n\n[lien](nowhere.md)\n")
    shutil.copytree(CONTRACT, tmp_path / "roadmaps")
    monkeypatch.chdir(tmp_path)
    result = run("build", "--engine", "properdocs", "--language", "fr")
    assert result.code == 1
    assert "nowhere.md" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "site").exists()


def test_a_missing_engine_is_one_line_with_the_install_command(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder.engine import properdocs

    monkeypatch.setattr(properdocs, "available", lambda: False)
    site = tmp_path / "site"
    result = run("build", "--engine", "properdocs", "--roadmaps", CONTRACT, "--site-dir", site)
    assert result.code == 1
    assert "diaspora-roadmaps[properdocs]" in result.err and "Traceback" not in result.err
    assert not site.exists()


@pytest.fixture(scope="module")
def zensical_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("zensical")
    args = ["render", "--roadmaps", str(CONTRACT), "--out", str(out)]
    assert main([*args, "--site-url", "https://example.org/roadmaps/"]) == 0
    configs = {language: out / language / "mkdocs.yml" for language in ("en", "fr", "ar")}
    sites = {}
    for language, config in configs.items():
        result = subprocess.run(
            [sys.executable, "-m", "zensical", "build", "--strict", "-f", str(config)],
            cwd=config.parent,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        sites[language] = config.parent / "site"
    return sites


@needs_zensical
def test_zensical_builds_every_language_of_the_render_output(
    zensical_sites: dict[str, Path],
) -> None:
    for language, site in zensical_sites.items():
        home = (site / "index.html").read_text("utf-8")
        assert f'<html lang="{language}"' in home
        yelimane = (site / "ml" / "yelimane" / "index.html").read_text("utf-8")
        assert "Yélimané" in yelimane or "يليماني" in yelimane
        assert 'hreflang="fr" href="https://example.org/roadmaps/fr/ml/yelimane/"' in yelimane
    arabic = (zensical_sites["ar"] / "ml" / "index.html").read_text("utf-8")
    assert '<body dir="rtl"' in arabic


@needs_zensical
def test_zensical_sitemaps_are_valid_against_the_sitemaps_org_schema(
    zensical_sites: dict[str, Path],
) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-with-xhtml.xsd")))
    for site in zensical_sites.values():
        sitemap = etree.parse(str(site / "sitemap.xml"))
        assert schema.validate(sitemap), schema.error_log
        assert len(sitemap.getroot()) > 10
