"""The build cache: on by default, keyed by content and the builder, never changing the output."""

from __future__ import annotations

from pathlib import Path

import yaml

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.format.sample import write_sample
from tests.conftest import PROJECT_ROOT, edit, tree_digest


def _project(tmp_path: Path) -> Project:
    """A small synthetic project whose base configuration has no Material search plugin
    (the search is built apart from the engine; its index needs every page built)."""
    config = yaml.safe_load((PROJECT_ROOT / "mkdocs.yml").read_text("utf-8"))
    config["plugins"] = [p for p in config.get("plugins", []) if p != "search"]
    base = tmp_path / "mkdocs.yml"
    base.write_text(yaml.safe_dump(config), "utf-8")
    roadmaps = write_sample(tmp_path / "roadmaps", 2, 2, ("en", "ar"))
    return Project(roadmaps=roadmaps, base_config=base)


def test_rebuild_from_a_warm_cache_after_an_edit_equals_a_full_build(tmp_path: Path) -> None:
    project = _project(tmp_path)
    cached = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=1)
    assert cached.cache_folder == tmp_path / ".site-cache"  # on by default, beside the site
    first = pipeline.build(cached)
    assert first.cached == {"en": 0, "ar": 0}
    again = pipeline.build(cached)
    assert again.cached == first.pages  # every page
    edited = sorted(project.roadmaps.glob("*/town-1.yml"))[0]
    edit(edited, "title:\n  en: ", "title:\n  en: Edited ")
    rebuilt = pipeline.build(cached)
    assert 0 < rebuilt.cached["en"] < again.cached["en"]
    full = BuildOptions(project=project, site_dir=tmp_path / "full", jobs=1, cache=False)
    pipeline.build(full)
    assert not (tmp_path / ".full-cache").exists()
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "full")
    page = tmp_path / "site" / "en" / edited.parent.name / "town-1" / "index.html"
    assert "Edited " in page.read_text("utf-8")


def test_a_cache_of_another_builder_or_configuration_is_not_used(tmp_path: Path) -> None:
    from site_builder.engine import cache

    project = _project(tmp_path)
    options = BuildOptions(project=project, site_dir=tmp_path / "site", jobs=1)
    pipeline.build(options)
    digest = cache.builder_digest()
    cache.builder_digest.cache_clear()
    try:
        original = cache.builder_digest

        def other_builder() -> str:
            return digest + "-changed"

        cache.builder_digest = other_builder  # type: ignore[assignment]
        assert pipeline.build(options).cached == {"en": 0, "ar": 0}
    finally:
        cache.builder_digest = original  # type: ignore[assignment]
    config = yaml.safe_load(project.base_config.read_text("utf-8"))
    config["extra_css"] = [*config.get("extra_css", []), "assets/stylesheets/diaspora.css"]
    config["copyright"] = "Changed"
    project.base_config.write_text(yaml.safe_dump(config), "utf-8")
    assert pipeline.build(options).cached == {"en": 0, "ar": 0}


def test_build_with_search_plugin_builds_every_page(tmp_path: Path) -> None:
    roadmaps = write_sample(tmp_path / "roadmaps", 1, 1, ("en",))
    options = BuildOptions(project=Project(roadmaps=roadmaps), site_dir=tmp_path / "site", jobs=1)
    pipeline.build(options)
    assert pipeline.build(options).cached == {"en": 0}
