"""Link targets come from the parsed value, never re-parsed as Markdown: every helper that
writes a link, read by the engine's Markdown (in a paragraph and in a table row), and a
whole site built with hostile addresses in every URL field."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from site_builder.i18n.localise import Localiser
from site_builder.load.validate import load_dataset
from site_builder.render.pages import Helpers
from site_builder.views.context import SiteContext
from tests.conftest import CONTRACT, edit

# Everything the engine's Markdown reads before inline HTML: code spans, escapes,
# links, emphasis, table cells.
HOSTILE = "https://example.org/api/`v2`/a|b/[x](y)/\\z?q=*_s_*&r=<t>#`h`"
ENGINE_EXTENSIONS = ["tables", "attr_list", "def_list", "admonition", "md_in_html"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.code_inside_links = False
        self._in_a = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._in_a = True
            self.hrefs.extend(value or "" for name, value in attrs if name == "href")
        elif tag == "code" and self._in_a:
            self.code_inside_links = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_a = False


def links_of(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def engine_html(fragment: str) -> list[str]:
    """The fragment as the engine reads it, in a paragraph and in a table cell."""
    paragraph = markdown.markdown(f"Before {fragment} after", extensions=ENGINE_EXTENSIONS)
    table = markdown.markdown(
        f"| a | b |\n| --- | --- |\n| {fragment} | x |\n", extensions=ENGINE_EXTENSIONS
    )
    assert "<td>" in table
    return [paragraph, table]


@pytest.fixture(scope="module")
def helpers() -> Helpers:
    dataset = load_dataset(CONTRACT).dataset
    assert dataset is not None
    loc = Localiser("ar", dataset.default_language, dataset.languages)
    return Helpers(SiteContext.of(dataset), loc, "ml/yelimane.md")


@pytest.mark.parametrize(
    "url",
    [HOSTILE, "mailto:a`b`@example.org", "https://example.org/a\\`b`"],
)
@pytest.mark.parametrize("labelled", [False, True])
def test_external_link_target_is_the_value(helpers: Helpers, url: str, labelled: bool) -> None:
    fragment = helpers.external(url, "label `x`" if labelled else None)
    for html in engine_html(str(fragment)):
        links = links_of(html)
        assert links.hrefs == [url], html
        assert not links.code_inside_links or not labelled


def test_external_link_shown_as_its_own_label_is_the_text(helpers: Helpers) -> None:
    (paragraph, _) = engine_html(str(helpers.external(HOSTILE)))
    assert "<code>" not in paragraph
    assert "`v2`" in paragraph


def test_links_between_pages_and_to_root_files(helpers: Helpers) -> None:
    for fragment, target in [
        (helpers.page_link("data.md", "a `b` | c"), "data.md"),
        (helpers.roadmap_link("fr/montreuil"), "fr/montreuil.md"),
        (helpers.country_link("FR"), "fr/index.md"),
        (helpers.body_ref(helpers.dataset.roadmaps["ml"], "mme"), "#body-mme"),
    ]:
        for html in engine_html(str(fragment)):
            assert [h.rsplit("../", 1)[-1] for h in links_of(html).hrefs] == [target], html
    root = helpers.root_link("data/a`b`|c.json")
    for html in engine_html(f'<a href="{root}">x</a>'):
        assert links_of(html).hrefs == ["../../../data/a`b`|c.json"], html


def test_hostile_addresses_in_every_url_field_reach_the_pages_as_written(
    roadmaps, run, tmp_path: Path
) -> None:
    folder = roadmaps(CONTRACT)
    edit(folder / "site.yml", "https://example.org/diaspora-roadmaps", HOSTILE + "/repo")
    edit(folder / "fr/country.yml", "https://example.org/forim", HOSTILE + "/forim")
    edit(folder / "ml/country.yml", "https://example.org/mme", HOSTILE + "/mme")
    edit(
        folder / "ml/country.yml",
        "https://example.org/reports/matching-fund-2009",
        HOSTILE + "/evidence",
    )
    edit(folder / "fr/montreuil.yml", "https://example.org/montreuil/plan", HOSTILE + "/plan")
    site = tmp_path / "site"
    result = run("build", "--quiet", "--roadmaps", folder, "--site-dir", site)
    assert result.code == 0, result.err
    for language in ("en", "fr", "ar"):
        hrefs: list[str] = []
        for page in (site / language).rglob("*.html"):
            links = links_of(page.read_text("utf-8"))
            hrefs += links.hrefs
            assert not any("<code>" in h or "&#" in h for h in links.hrefs), page
        for suffix in ("/forim", "/mme", "/evidence", "/plan"):
            assert HOSTILE + suffix in hrefs, (language, suffix)
        assert any(h.startswith(HOSTILE + "/repo/") for h in hrefs), language


@pytest.mark.parametrize(
    ("target", "folder"),
    [
        ("ml/index.md", "."),
        ("ml/index.md", "ml"),
        ("ml/yelimane.md", "coordination/ml"),
        ("outcomes/water/page-2/index.md", "outcomes/water"),
        ("outcomes/water/index.md", "outcomes/water/page-2"),
        ("status/planned/index.md", "status/planned-2"),
        ("index.md", "status/planned-2"),
        ("a/b/c.md", "a/b/c"),
        ("a/b.md", "a/b"),
        ("mlx/index.md", "ml"),
    ],
)
def test_relative_paths_between_sources_are_what_relpath_gives(target: str, folder: str) -> None:
    import posixpath

    from site_builder.render.links import relative_path

    assert relative_path.__wrapped__(target, folder) == posixpath.relpath(target, folder)
