"""A data-only repository: built-in defaults, and the project's own files laid over them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from site_builder.app.config import DEFAULTS, Project, merge_config
from site_builder.app.settings import read_settings
from site_builder.errors import InvalidData
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
    with pytest.raises(InvalidData) as raised:
        project.mkdocs_config()
    assert [p.headline() for p in raised.value.problems] == [
        f"{tmp_path / 'mkdocs.yml'}:1:1: expected a mapping of MkDocs settings, found a list"
    ]


def _problems(path: Path, text: str) -> list[str]:
    """The problems of a `mkdocs.yml` holding `text`, as headlines and hints."""
    path.write_text(text, "utf-8")
    with pytest.raises(InvalidData) as raised:
        read_settings(path)
    problems = raised.value.problems
    assert all(p.hint and p.is_error for p in problems), problems
    return [p.headline().removeprefix(f"{path}:") for p in problems]


def test_every_setting_of_the_wrong_kind_is_reported_at_its_place(tmp_path: Path) -> None:
    """What the builder, or the theme without checking it, reads from `mkdocs.yml` has
    its kind checked first: every problem at once, at the value's line and column."""
    text = (
        "theme:\n"
        "  name: [material]\n"
        "  palette: 5\n"
        "  features: [navigation.top, 3]\n"
        "plugins: 3\n"
        "hooks: hooks.py\n"
        "extra: [1]\n"
        "not_in_nav: {a: b}\n"
        "markdown_extensions:\n"
        "  - admonition\n"
        "  - {}\n"
        "  - toc: 1\n"
        "  - 5\n"
    )
    assert _problems(tmp_path / "mkdocs.yml", text) == [
        "2:9: theme.name: expected a text, found a list",
        "3:12: theme.palette: expected a mapping of palette settings, or a list of them, found '5'",
        "4:30: theme.features[1]: expected a text, found '3'",
        "5:10: plugins: expected a list of names, found '3'",
        "6:8: hooks: expected a list of texts, found 'hooks.py'",
        "7:8: extra: expected a mapping of settings, found a list",
        "8:13: not_in_nav: expected a text, found a mapping",
        "11:5: markdown_extensions[1]: expected a name, or a name and its options, found a mapping",
        "12:10: markdown_extensions[2]: expected options as a mapping, found '1'",
        "13:5: markdown_extensions[3]: expected a name, or a name and its options, found '5'",
    ]
    assert _problems(tmp_path / "mkdocs.yml", "theme: 5\n") == [
        "1:8: theme: expected a mapping of settings, found '5'"
    ]


def test_settings_the_engine_would_refuse_or_that_could_break_a_page_are_reported(
    tmp_path: Path,
) -> None:
    """What MkDocs would only find once building (a plugin or theme not installed, a hook
    that is not a file, a text setting given as a list), a key set twice, and a site
    address that could end the attribute it is written into: all at once, at their place."""
    (tmp_path / "hooks.py").write_text("", "utf-8")
    text = (
        'site_url: https://example.org/?q="x\n'
        "site_author: [1, 2]\n"
        "extra_css: 5\n"
        "theme:\n"
        "  name: nosuchtheme\n"
        "plugins: [search, nosuchplugin]\n"
        "hooks: [hooks.py, nosuch.py]\n"
        "extra:\n"
        "  a: 1\n"
        "  a: 2\n"
        "site_name: One\n"
        "site_name: Two\n"
    )
    assert _problems(tmp_path / "mkdocs.yml", text) == [
        "1:11: site_url: expected an http or https address, found 'https://example.org/?q=\"x'",
        "2:14: site_author: expected a text, found a list",
        "3:12: extra_css: expected a list of texts, found '5'",
        "5:9: theme.name: theme 'nosuchtheme' is not installed",
        "6:19: plugins[1]: plugin 'nosuchplugin' is not installed",
        "7:19: hooks[1]: hook 'nosuch.py' is not a file",
        "10:3: extra.a: duplicate key 'a'",
        "12:1: site_name: duplicate key 'site_name'",
    ]


@pytest.mark.parametrize(
    "address",
    [
        'https://example.org/?q=<x>"onmouseover=alert(1)',
        "https://exa mple.org/",
        "http://",
        "https://example.org/sub?q=1#frag",
        "https://example.org:99999/",
        "https://example.org/\u202etxt",
        "https://example.org/\x1b[31m",
        "ftp://example.org/",
    ],
)
def test_a_site_url_that_could_break_a_page_is_a_bad_option_value(address: str) -> None:
    from site_builder.app.config import site_url_of
    from site_builder.errors import BadArgument

    with pytest.raises(BadArgument, match="--site-url"):
        site_url_of(address)
    assert site_url_of("https://example.org/roadmaps") == "https://example.org/roadmaps/"
    assert site_url_of("HTTPS://example.org:8443/") == "HTTPS://example.org:8443/"


def test_a_yaml_syntax_error_in_mkdocs_yml_is_explained_as_in_a_roadmap(tmp_path: Path) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text("theme:\n  name: material\n  palette: [\nplugins: 3\n", "utf-8")
    with pytest.raises(InvalidData) as raised:
        read_settings(path)
    (problem,) = raised.value.problems
    assert problem.headline() == (
        f"{path}:3:12: YAML syntax error: the `[` opened here is never closed "
        "(the YAML parser says: expected ',' or ']', but got '<stream end>')"
    )
    assert problem.source_line == "  palette: ["
    assert problem.hint == "add `]` where the list ends, at the end of this line in most cases"
    assert _problems(path, "extra: !ENV [HOME]\n") == [
        "1:8: YAML tag not supported (the YAML parser says: could not determine a "
        "constructor for the tag '!ENV')"
    ]


def test_a_markdown_extension_that_is_not_installed_is_named_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "mkdocs.yml"
    text = (
        "markdown_extensions: [nosuchext, admonitio, pymdownx.nosuch, attr_list, os, "
        "pymdownx.superfences, markdown.extensions.toc:TocExtension]\n"
    )
    assert _problems(path, text) == [
        "1:23: markdown_extensions[0]: 'nosuchext' is not an installed Markdown extension",
        "1:34: markdown_extensions[1]: 'admonitio' is not an installed Markdown extension",
        "1:45: markdown_extensions[2]: 'pymdownx.nosuch' is not an installed Markdown extension",
        "1:73: markdown_extensions[4]: 'os' is not an installed Markdown extension",
    ]
    path.write_text(text, "utf-8")
    with pytest.raises(InvalidData) as raised:
        read_settings(path)
    assert raised.value.problems[1].hint == "did you mean 'admonition'?"


def test_settings_mkdocs_takes_as_a_mapping_are_given_as_lists(tmp_path: Path) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text(
        "theme: {palette: [{scheme: default}, {scheme: slate}], logo: null}\n"
        "markdown_extensions: {admonition: null, pymdownx.superfences: {}, "
        "toc: {permalink: false}}\n"
        "plugins: {search: {}}\n"
        "extra: null\n",
        "utf-8",
    )
    settings = read_settings(path)
    assert settings["markdown_extensions"] == [
        {"admonition": None},
        {"pymdownx.superfences": {}},
        {"toc": {"permalink": False}},
    ]
    assert settings["plugins"] == [{"search": {}}]
    assert settings["extra"] is None  # null removes a built-in setting (merge_config)


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
