"""A data-only repository: built-in defaults, and the project's own files laid over them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from site_builder.app.config import DEFAULTS, Project, merge_config
from site_builder.render.handwritten import hand_written_files
from tests.conftest import CONTRACT


def test_mkdocs_settings_merge_mappings_and_replace_the_rest() -> None:
    base = {"theme": {"name": "material", "features": ["a", "b"]}, "plugins": ["search"], "x": 1}
    over = {"theme": {"features": ["c"], "logo": "l.svg"}, "plugins": [], "x": None, "y": 2}
    assert merge_config(base, over) == {
        "theme": {"name": "material", "features": ["c"], "logo": "l.svg"},
        "plugins": [],
        "y": 2,
    }
    assert base["theme"] == {"name": "material", "features": ["a", "b"]}  # unchanged


def test_without_a_mkdocs_yml_the_built_in_configuration_is_used(tmp_path: Path) -> None:
    project = Project(base_config=tmp_path / "mkdocs.yml")
    assert project.mkdocs_config()["theme"]["name"] == "material"
    (tmp_path / "mkdocs.yml").write_text("- not a mapping\n", "utf-8")
    with pytest.raises(Exception, match="must be a mapping"):
        project.mkdocs_config()


def test_pages_replace_add_and_remove_per_file(tmp_path: Path) -> None:
    own = tmp_path / "docs"
    (own / "en").mkdir(parents=True)
    (own / "fr").mkdir()
    (own / "en" / "about.md").write_text("# Our site\n", "utf-8")
    (own / "fr" / "contact.md").write_text("# Contact\n", "utf-8")
    (own / "fr" / "methodology.md").write_text("\n", "utf-8")
    files = hand_written_files((DEFAULTS / "docs", own), ["en", "fr"])
    assert files["en", "about.md"] == own / "en" / "about.md"
    assert files["fr", "about.md"] == DEFAULTS / "docs" / "fr" / "about.md"
    assert files["fr", "contact.md"] == own / "fr" / "contact.md"
    assert not any(name == "methodology.md" for _, name in files)


def test_a_data_repository_overrides_the_defaults(run, tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(CONTRACT, tmp_path / "roadmaps")
    (tmp_path / "docs" / "en").mkdir(parents=True)
    (tmp_path / "docs" / "en" / "about.md").write_text("# About the ministry\n\nOurs.\n", "utf-8")
    (tmp_path / "docs" / "ar" / "contact.md").parent.mkdir(parents=True)
    (tmp_path / "docs" / "ar" / "contact.md").write_text("# اتصل بنا\n", "utf-8")
    css = tmp_path / "themes" / "assets" / "stylesheets" / "ministry.css"
    css.parent.mkdir(parents=True)
    css.write_text(":root { --md-primary-fg-color: #004d40; }\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "extra_css: [assets/stylesheets/diaspora.css, assets/stylesheets/ministry.css]\n"
        "theme:\n  features: [navigation.top]\n",
        "utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert run("build", "--quiet").code == 0
    site = tmp_path / "site"
    assert "About the ministry" in (site / "en/about/index.html").read_text("utf-8")
    # The built-in French page stays; the Arabic page falls back in other languages.
    assert "À propos" in (site / "fr/about/index.html").read_text("utf-8")
    contact = (site / "en/contact/index.html").read_text("utf-8")
    assert 'lang="ar"' in contact and 'dir="rtl"' in contact
    home = (site / "fr/index.html").read_text("utf-8")
    assert "assets/stylesheets/ministry.css" in home and "diaspora.css" in home
    assert (site / "fr/assets/stylesheets/ministry.css").is_file()
    # Merged, not replaced: the built-in theme name and palette are still there.
    assert "md-header" in home


def test_new_in_a_data_repository_writes_the_schema_its_modeline_names(
    run, tmp_path: Path, monkeypatch
) -> None:
    shutil.copytree(CONTRACT, tmp_path / "roadmaps")
    monkeypatch.chdir(tmp_path)
    assert run("new", "country", "SN", "--role", "origin").code == 0
    first = (tmp_path / "roadmaps/sn/country.yml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/roadmap.schema.json"
    schema = tmp_path / "schema" / "roadmap.schema.json"
    assert json.loads(schema.read_text("utf-8"))["title"] == "Diaspora engagement roadmap"
    # validate brings an outdated copy up to date, and never creates one.
    schema.write_text("{}\n", "utf-8")
    assert run("validate").code == 0
    assert json.loads(schema.read_text("utf-8"))["title"] == "Diaspora engagement roadmap"
    schema.unlink()
    assert run("validate").code == 0
    assert not schema.exists()


@pytest.mark.parametrize(
    "what",
    [["country", "SN", "--role", "origin"], ["authority", "FR", "lille", "--kind", "municipality"]],
    ids=["country", "authority"],
)
def test_new_in_an_empty_folder_starts_a_data_repository(
    run, tmp_path: Path, monkeypatch, what: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new", *what)
    assert result.code == 0, result.err
    assert "diaspora-roadmaps validate" in result.err and "make" not in result.err
    written = next((tmp_path / "roadmaps").rglob("*.yml"))
    first = written.read_text("utf-8").splitlines()[0]
    assert (written.parent / first.split("=", 1)[1]).resolve() == (
        tmp_path / "schema" / "roadmap.schema.json"
    )
