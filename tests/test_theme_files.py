"""The theme's files a build copies are those MkDocs lists itself, though the engine's
template environment no longer walks the theme's hidden folders (`engine.mkdocs`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from site_builder.app import build
from site_builder.app.config import Project
from site_builder.engine import mkdocs as engine
from site_builder.format.sample import write_sample


def test_the_theme_files_copied_are_those_mkdocs_lists_when_it_walks_every_folder(
    tmp_path: Path,
) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    roadmaps = write_sample(tmp_path / "roadmaps", 1, 1, ("en", "ar"))
    project = Project(roadmaps=roadmaps, docs=tmp_path / "docs", themes=tmp_path / "themes")
    dataset, _ = build.load_or_fail(project, strict=False)
    written = build.render_projects(build.prepare(project, dataset), project, tmp_path / "out")

    def copied(config: Any) -> tuple[list[str], Any]:
        env = config.theme.get_env()
        files = get_files(config)
        files.add_files_from_theme(env, config)
        return sorted(f.src_uri for f in files if not f.is_documentation_page()), env

    for language in ("en", "ar"):
        config = load_config(str(written[language]), site_dir=str(tmp_path / "site"))
        walked_all, every = copied(config)
        engine._listing_without_hidden_folders(config.theme)
        walked_fewer, env = copied(config)
        assert walked_fewer == walked_all
        assert any(name.startswith("assets/javascripts/bundle.") for name in walked_all)
        assert not any(name.startswith(".icons/") for name in env.list_templates())
        assert any(name.startswith(".icons/") for name in every.list_templates())
        icon = ".icons/material/magnify.svg"  # as Material's templates include it
        assert env.get_template(icon).render() == every.get_template(icon).render()
