"""The navigation laid out once and reused on pages that are not in it
(`engine.plugins.NavReuse`) is byte for byte what laying it out on each page gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from site_builder.app import build as pipeline
from site_builder.app.config import BuildOptions, Project
from site_builder.engine import plugins
from site_builder.format.sample import write_sample


def _build(tmp_path: Path, name: str) -> dict[str, bytes]:
    roadmaps = tmp_path / "roadmaps"
    if not roadmaps.exists():
        write_sample(roadmaps, 2, 3, ("en", "ar"))
    project = Project(roadmaps=roadmaps, docs=tmp_path / "docs", themes=tmp_path / "themes")
    site = tmp_path / name
    pipeline.build(BuildOptions(project=project, site_dir=site, jobs=1, cache=False))
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*.html")}


def test_reused_navigation_is_what_rendering_it_on_each_page_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found: list[bool] = []
    find = plugins.NavReuse._find

    def counting(self: plugins.NavReuse, context: Any) -> str | None:
        html = find(self, context)
        found.append(html is not None)
        return html

    monkeypatch.setattr(plugins.NavReuse, "_find", counting)
    reused = _build(tmp_path, "reused")
    assert sum(found) > 10 and not all(found)  # reused on most pages, not on all

    def without() -> Any:  # the theme then includes the navigation on every page
        from mkdocs.plugins import BasePlugin

        return BasePlugin()

    monkeypatch.setattr(plugins, "nav_plugin", without)
    rendered = _build(tmp_path, "rendered")
    assert len(rendered) > 40 and reused.keys() == rendered.keys()
    assert [page for page in rendered if reused[page] != rendered[page]] == []
    sample = rendered["ar/index.html"].decode()
    assert 'class="md-nav md-nav--primary"' in sample
