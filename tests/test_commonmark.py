"""Generated pages converted by markdown-it-py in the engine's hook (engine/commonmark.py):
the same checks as MkDocs makes, the same HTML shapes, hand-written pages untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.engine import mkdocs as engine
from site_builder.errors import BuildFailed
from tests.conftest import PROJECT_ROOT


def _project(tmp_path: Path, pages: dict[str, str]) -> Path:
    """A one-language MkDocs project using the hook; returns its mkdocs.yml."""
    docs = tmp_path / "project" / "docs"
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, "utf-8")
    config = tmp_path / "project" / "mkdocs.yml"
    hook = PROJECT_ROOT / "site_builder" / "engine" / "commonmark.py"
    config.write_text(
        "site_name: Test\nuse_directory_urls: true\nstrict: true\nplugins: []\n"
        "theme:\n  name: material\n  font: false\n"
        "markdown_extensions: [tables, attr_list, def_list, md_in_html, {toc: {permalink: true}}]\n"
        "validation: {anchors: warn, unrecognized_links: warn}\n"
        f"hooks: ['{hook}']\nnav: [{{Home: index.md}}]\nnot_in_nav: |\n  /*/\n",
        "utf-8",
    )
    return config


GENERATED = "---\nmarkdown: commonmark\ntitle: T\n---\n"


def test_generated_pages_get_ids_permalinks_toc_and_resolved_links(tmp_path: Path) -> None:
    config = _project(
        tmp_path,
        {
            "index.md": GENERATED + "# Home\n\nSee [Kayes](ml/kayes.md#dialogue).\n",
            "ml/kayes.md": GENERATED
            + "# Kayes\n\n## Dialogue {#dialogue}\n\nTerm\n:   value\n\n"
            + "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n## Même titre\n\n## Même titre\n",
        },
    )
    engine.build_project(config, tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert '<a href="ml/kayes/#dialogue">Kayes</a>' in home
    kayes = (tmp_path / "site" / "ml" / "kayes" / "index.html").read_text("utf-8")
    assert (
        '<h2 id="dialogue">Dialogue<a class="headerlink" href="#dialogue" '
        'title="Permanent link">&para;</a></h2>'
    ) in kayes
    assert '<h2 id="même-titre">' in kayes and '<h2 id="même-titre_1">' in kayes
    assert "<dl>\n<dt>Term</dt>\n<dd>value</dd>\n</dl>" in kayes
    assert "<th>a</th>" in kayes and "<td>2</td>" in kayes
    assert 'href="#dialogue" class="md-nav__link"' in kayes  # the table of contents


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("[x](nowhere.md)", "'nowhere.md' is not found"),
        ("[x](other.md#missing)", "does not contain an anchor '#missing'"),
        ("[x](#missing)", "there is no such anchor on this page"),
    ],
)
def test_broken_links_in_generated_pages_fail_the_build(
    tmp_path: Path, link: str, message: str
) -> None:
    config = _project(
        tmp_path,
        {"index.md": GENERATED + f"# Home\n\n{link}\n", "other.md": GENERATED + "# Other\n"},
    )
    with pytest.raises(BuildFailed, match=message):
        engine.build_project(config, tmp_path / "site")


def test_hand_written_pages_still_go_through_python_markdown(tmp_path: Path) -> None:
    """Without the marker, Python-Markdown's extensions (here md_in_html) apply."""
    config = _project(
        tmp_path, {"index.md": '# Home\n\n<div markdown="1">\n\n**bold**\n\n</div>\n'}
    )
    engine.build_project(config, tmp_path / "site")
    html = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "<div>\n<p><strong>bold</strong></p>\n</div>" in html


def _synthetic(folder: Path) -> Path:
    """A small site from the benchmark's generator (`format.sample`): both ends of each
    twinning link disagreeing (admonitions), many commitments, assessments and bodies."""
    from site_builder.format.sample import write_sample

    return write_sample(folder, 3, 3, ("en", "fr", "ar"))


@pytest.mark.parametrize(
    ("site", "language"),
    [("contract", "ar"), ("contract", "fr"), ("example", "ar"), ("synthetic", "ar")],
)
def test_generated_pages_are_what_python_markdown_makes_of_them(
    tmp_path: Path, site: str, language: str
) -> None:
    """Every generated page of the site, built with the hook and then without it
    (Python-Markdown, its `md_in_html` and `admonition`, and `engine.marks`), is the same
    file byte for byte: ids, permalinks in the language's words and marked where the
    heading's language differs, table of contents keeping language marks and isolation,
    escaping, HTML blocks, figures, folded assessments, untranslated passages, warnings.
    And the hook converts every one of them with markdown-it-pyrs (`engine.tree`): none is
    left to markdown-it-py or Python-Markdown."""
    from site_builder.cli import main
    from site_builder.engine import tree
    from site_builder.engine.blocks import unwrap
    from site_builder.engine.commonmark import _render_inline
    from tests.conftest import CONTRACT, EXAMPLE, tree_digest

    projects = tmp_path / "projects"
    if site == "synthetic":
        roadmaps = _synthetic(tmp_path / "roadmaps")
    else:
        roadmaps = {"contract": CONTRACT, "example": EXAMPLE}[site]
    assert main(["render", "--roadmaps", str(roadmaps), "--out", str(projects)]) == 0
    plain = tmp_path / "plain"
    shutil.copytree(projects / language, plain)
    marked, left, slow, nested = 0, [], [], 0
    for page in (plain / "docs").rglob("*.md"):
        text = page.read_text("utf-8")
        if text.startswith("---\nmarkdown: commonmark\n"):
            page.write_text("---\n" + text.removeprefix("---\nmarkdown: commonmark\n"), "utf-8")
            marked += 1
            nested += 'markdown="1"' in text
            unwrapped = unwrap(text.split("\n---\n", 1)[1], _render_inline)
            if unwrapped is None:
                left.append(page.name)
            elif tree.read(unwrapped).refused:
                slow.append(page.name)
    assert marked > 20 and nested > 5
    assert left == [] and slow == []
    with engine.reproducible(1184025600):
        engine.build_project(projects / language / "mkdocs.yml", tmp_path / "hook", f"/{language}/")
        engine.build_project(plain / "mkdocs.yml", tmp_path / "python-markdown", f"/{language}/")
    pages = {k: v for k, v in tree_digest(tmp_path / "hook").items() if k.endswith(".html")}
    assert len(pages) > 20
    expected = tree_digest(tmp_path / "python-markdown")
    assert pages == {k: v for k, v in expected.items() if k.endswith(".html")}


def _inline(text: str) -> str:
    from site_builder.engine.commonmark import _render_inline

    return _render_inline(text)


@pytest.mark.parametrize(
    "markdown",
    [
        '<div markdown="1">\n**text right after the tag**\n\n</div>\n',  # no blank line
        '<div markdown="1"><p>on the same line</p>\n\n</div>\n',
        '<section markdown="1" class="x" markdown="1">\n\nx\n\n</section>\n',
        'Text <span markdown="1">inline</span> in a paragraph.\n',
        "!!!warning\n    no space after the marks\n",
        '!!! note ""\n    an empty title, then  !!! inside: fine\n  !!! indented\n',
    ],
)
def test_shapes_the_hook_does_not_know_are_left_to_python_markdown(markdown: str) -> None:
    from site_builder.engine.blocks import unwrap

    assert unwrap(markdown, _inline) is None


def test_markdown_in_html_and_admonitions_are_rewritten_for_commonmark() -> None:
    from site_builder.engine.blocks import unwrap

    written = unwrap(
        '<details class="a" id="x&y" markdown="1" open>\n<summary>When</summary>\n\n'
        "## Results\n\n</details>\n"
        '<figure markdown="1">\n<figcaption markdown="span">A *map* & more</figcaption>\n\n'
        "</figure>\n"
        '!!! warning "Two *sides* differ"\n    - this side\n\n    - that side\n\nAfter.\n',
        _inline,
    )
    assert written == (
        '<details class="a" id="x&amp;y" open="open">\n<summary>When</summary>\n\n'
        "## Results\n\n</details>\n"
        "<figure>\n<figcaption>A <em>map</em> &amp; more</figcaption>\n\n</figure>\n"
        '<div class="admonition warning">\n<p class="admonition-title">Two <em>sides</em> '
        "differ</p>\n\n- this side\n\n- that side\n\n</div>\n\nAfter.\n"
    )
    assert unwrap("# No block\n", _inline) == "# No block\n"
