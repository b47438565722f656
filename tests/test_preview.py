"""The live preview rebuilds what a change touches, and only that."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.app.config import Project
from site_builder.app.preview import Preview
from site_builder.errors import InvalidData
from tests.conftest import edit, tree_digest


@pytest.fixture
def preview(roadmaps, tmp_path: Path) -> Preview:
    shown = Preview(Project(roadmaps=roadmaps()), tmp_path / "site", tmp_path / "projects")
    shown.rebuild()
    assert shown.search.wait(60)  # the search index, written in the background
    return shown


def page(preview: Preview, url: str) -> Path:
    return preview.site / url / "index.html"


def test_an_edit_reaches_every_page_that_shows_it_and_no_other(preview: Preview) -> None:
    untouched = page(preview, "en/be")
    before = untouched.stat().st_mtime_ns
    edit(
        preview.project.roadmaps / "fr/montreuil.yml",
        "en: Water, health and schooling projects",
        "en: Clean water projects",
    )
    preview.rebuild()
    # Montreuil's own page and the page at the other end of the link.
    for url in ("en/fr/montreuil", "en/ml/yelimane"):
        assert "Clean water projects" in page(preview, url).read_text("utf-8"), url
    assert untouched.stat().st_mtime_ns == before


def test_a_commitment_edit_updates_its_outcome_page(preview: Preview) -> None:
    edit(
        preview.project.roadmaps / "ml/country.yml",
        "    status: in-progress\n    funding:",
        "    status: not-achieved\n    funding:",
    )
    preview.rebuild()
    outcome = page(preview, "en/outcomes/codevelopment").read_text("utf-8")
    fund = outcome.split('id="serves-ml-matching-fund"', 1)[1].split("<h2", 1)[0]
    assert "Not achieved" in fund


def test_a_removed_roadmap_leaves_no_page_behind(preview: Preview) -> None:
    assert page(preview, "en/fr/montreuil").is_file()
    (preview.project.roadmaps / "fr/montreuil.yml").unlink()
    yelimane = preview.project.roadmaps / "ml/yelimane.yml"
    text = yelimane.read_text("utf-8")
    yelimane.write_text(text[: text.index("twinning:")] + text[text.index("dialogue:") :], "utf-8")
    preview.rebuild()
    assert not page(preview, "en/fr/montreuil").exists()
    assert "Montreuil" not in page(preview, "en/twinning").read_text("utf-8")


def test_invalid_data_keeps_the_last_good_preview(preview: Preview) -> None:
    before = tree_digest(preview.site)
    edit(preview.project.roadmaps / "ml/country.yml", "role: origin", "role: somewhere")
    with pytest.raises(InvalidData):
        preview.rebuild()
    assert tree_digest(preview.site) == before


def test_preview_writes_the_root_files_and_the_open_data(preview: Preview) -> None:
    assert (preview.site / "index.html").is_file()
    assert (preview.site / "data" / "roadmaps.json").is_file()
    assert (preview.site / "data" / "roadmaps" / "fr" / "montreuil.json").is_file()


def test_the_open_data_after_an_edit_is_what_a_build_writes(
    preview: Preview, tmp_path: Path
) -> None:
    """Records of roadmaps that did not change are kept from the last rebuild (the
    preview's cache), the edited one made again: the open data is a build's, byte for
    byte."""
    from site_builder.app import build as pipeline
    from site_builder.app.config import BuildOptions

    roadmaps = preview.project.roadmaps
    edit(roadmaps / "fr/montreuil.yml", "en: Water, health", "en: Clean water, health")
    preview.rebuild()
    record = preview.site / "data" / "roadmaps" / "fr" / "montreuil.json"
    assert "Clean water, health" in record.read_text("utf-8")
    built = tmp_path / "built"
    pipeline.build(BuildOptions(project=preview.project, site_dir=built, jobs=1, cache=False))
    assert tree_digest(preview.site / "data") == tree_digest(built / "data")


def test_a_preview_started_on_invalid_data_waits_then_shows_the_site(
    roadmaps, tmp_path: Path
) -> None:
    data = roadmaps()
    edit(data / "ml/country.yml", "role: origin", "role: <b>somewhere</b>")
    shown = Preview(Project(roadmaps=data), tmp_path / "site", tmp_path / "projects")
    shown.rebuild_and_report()
    banner = shown.banner()
    assert 'id="preview-problems"' in banner and "ml/country.yml:" in banner
    assert "&lt;b&gt;somewhere&lt;/b&gt;" in banner and "<b>somewhere" not in banner
    assert "waits for the data" in (shown.site / "index.html").read_text("utf-8")
    edit(data / "ml/country.yml", "role: <b>somewhere</b>", "role: origin")
    shown.rebuild_and_report()
    assert shown.banner() == "" and shown.problems == []
    assert "waits for the data" not in (shown.site / "index.html").read_text("utf-8")
    assert (shown.site / "en" / "ml" / "index.html").is_file()


def test_an_edit_renders_again_only_the_pages_that_read_what_changed(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listings (dialogue, twinning, outcomes...) look across every roadmap, so the
    preview cannot tell by the roadmap's id which of them an edit touches: their pages
    whose recorded reads give the same again are kept (render/memo.py, in the preview's
    work folder), and the pages are what a fresh render gives."""
    from site_builder.app import build as pipeline
    from site_builder.render import pages as render_pages

    rendered: list[str] = []
    page_of = render_pages._page

    def counted(r, template, path, args, site):  # type: ignore[no-untyped-def]
        rendered.append(f"{r.language}/{path}")
        return page_of(r, template, path, args, site)

    monkeypatch.setattr(render_pages, "_page", counted)
    roadmaps = preview.project.roadmaps
    edit(roadmaps / "fr/montreuil.yml", "en: Water, health", "en: Clean water, health")
    preview.rebuild()
    assert {"en/fr/montreuil.md", "ar/ml/yelimane.md", "fr/twinning.md"} <= set(rendered)
    # Pages the change does not reach, which a preview rendered on every edit before.
    untouched = {"en/status/planned.md", "ar/translation-status.md", "fr/search.md"}
    assert not (untouched | {"en/dialogue.md", "ar/outcomes.md"}) & set(rendered)
    monkeypatch.setattr(render_pages, "_page", page_of)
    context = pipeline.prepare(preview.project, preview.dataset)
    for language, kept in preview.rendered.items():
        fresh = render_pages.Renderer(context, language, preview.project.docs_layers).render()
        assert kept.pages == fresh.pages, language
