"""An engine's project written from a rendered language: a plain MkDocs project
(`mkdocs.yml`, `docs/`, `overrides/`) that `mkdocs build -f <dir>/mkdocs.yml` can build
by itself (`engine.mkdocs` builds it here).

Language marks: the render stage hands over titles, navigation entries and the site name
as HTML already marked with `lang`, `dir` and `translate="no"` (`render.text.mark`), as
Markup; the theme overrides in `themes/` print them as they are and put the language of
plain text on the element that holds it (`<title>`, meta description); `engine.marks`
keeps the marks of headings in the table of contents. Every value of `mkdocs.yml` the
theme prints is escaped (`for_theme`). No MkDocs import: Material's files are read from
its package.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
import shutil
from collections.abc import Collection, Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import rcssmin
import yaml
from markupsafe import Markup, escape

from site_builder.engine.cache import reads_other_files
from site_builder.files import entry_kind, folder_of_its_own, keep_only, remove_tree, write_text
from site_builder.i18n.scripts import likely_locale
from site_builder.render.output import RenderedLanguage


class _PythonTag:
    """A value written as a `!!python/...` tag, which MkDocs' config loader understands."""

    def __init__(self, tag: str, value: Any):
        self.tag, self.value = tag, value


def _represent_tag(dumper: yaml.SafeDumper, data: _PythonTag) -> yaml.Node:
    return dumper.represent_mapping(data.tag, data.value)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_markup(dumper: yaml.SafeDumper, data: Markup) -> yaml.Node:
    return dumper.represent_sequence(_MARKUP_TAG, [str(data)], flow_style=True)


_MARKUP_TAG = "tag:yaml.org,2002:python/object/apply:markupsafe.Markup"
_Dumper.add_representer(_PythonTag, _represent_tag)
_Dumper.add_representer(Markup, _represent_markup)

# The configuration values the theme prints into pages, as text or inside attributes.
_PRINTED = ("site_name", "site_description", "site_author", "copyright", "repo_name")


def _unreadable(layer: Path) -> Any:
    """For `shutil.copytree`'s `ignore`: the entries of a theme layer that must not be
    read (`files.entry_kind`: links out of it, FIFOs, ...), which `validate` reports."""

    def ignored(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if entry_kind(Path(folder) / n, layer, "")[1] is not None}

    return ignored


def for_theme(value: Any) -> Any:
    """A configuration value made safe wherever a theme template prints it.

    Every string (inside lists and mappings too, keys included) becomes HTML escaped for
    text and for attributes (`&`, `<`, `>`, `"`, `'`), as a `Markup`: Jinja then prints it
    as it is where the template prints raw and does not escape it twice where the template
    escapes (`| e`). In `mkdocs.yml` it is written with a `!!python/object/apply:markupsafe.
    Markup` tag, so that `mkdocs build` on the written project gives the same pages."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list | tuple):
        return [for_theme(item) for item in value]
    if isinstance(value, dict):
        return {for_theme(key): for_theme(item) for key, item in value.items()}
    return value


def _material_dir() -> Path:
    import material

    return Path(material.__file__).parent / "templates"


def write_project(
    rendered: RenderedLanguage,
    base_config: dict[str, Any],
    theme_layers: Sequence[Path],
    out: Path,
    site_url: str | None = None,
    only_changed: bool = False,
    incremental: bool = False,
    later: Collection[str] = (),
) -> Path:
    """Write one language's MkDocs project into `out`; return its `mkdocs.yml`.

    `base_config` holds the MkDocs settings every language starts from; `theme_layers`
    are folders of theme overrides copied into `out/overrides/` in order, so that a
    later folder's file replaces an earlier one's of the same path (missing ones are
    skipped).
    `site_url` is where the whole site is published (`https://example.org/roadmaps/`),
    when known: it gives canonical links, absolute alternates and sitemaps. With
    `only_changed` (a project kept from the build before: the live preview's, the build
    cache's), files whose text is the same are left untouched, so that the engine
    rebuilds only the others, and pages no longer rendered are removed. With
    `incremental` (the preview's rebuilds, which the engine builds dirty), the theme
    overrides already in `out` are kept and strict mode is off; otherwise the overrides
    are made again from `theme_layers`. The pages in `later` are written afterwards
    (`write_pages`): each is only made an empty file now where there is none (the
    engine lists the project's files when it starts, and reads those of the pages it
    builds only).
    """
    docs = out / "docs"
    if only_changed:  # a kept project: whatever was put in it is checked (files.py)
        folder_of_its_own(out)
        folder_of_its_own(docs)
        keep_only(docs, rendered.pages)
    for relative, text in rendered.pages.items():
        if relative not in later:
            write_text(docs / relative, text, only_changed)
        elif not (docs / relative).is_file():
            write_text(docs / relative, "")
    overrides = out / "overrides"
    if not incremental or not overrides.is_dir():
        remove_tree(overrides)
        for layer in theme_layers:
            if layer.is_dir():
                shutil.copytree(layer, overrides, dirs_exist_ok=True, ignore=_unreadable(layer))
        _minify_stylesheets(overrides)
    _write_language_partial(rendered, overrides)
    config_file = out / "mkdocs.yml"
    config = _config_for(rendered, base_config, site_url)
    if incremental:
        config["strict"] = False  # MkDocs warns about every dirty build; we count warnings
    header = f"# Generated by site_builder for language '{rendered.language}'. Do not edit.\n"
    text = header + yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    write_text(config_file, text, only_changed)
    return config_file


def write_pages(config_file: Path, pages: Mapping[str, str], only_changed: bool = False) -> None:
    """Write `pages` (Markdown by path in `docs/`) into the project of `config_file`,
    which `write_project` wrote with them in `later`."""
    docs = config_file.parent / "docs"
    for relative, text in pages.items():
        write_text(docs / relative, text, only_changed)


def _minify_stylesheets(overrides: Path) -> None:
    """The theme's own stylesheets as readers get them: without comments and spaces
    (rcssmin), as every page's first view loads them; `*.min.css` are left as they are."""
    for sheet in sorted(overrides.rglob("*.css")):
        if not sheet.name.endswith(".min.css"):
            sheet.write_text(rcssmin.cssmin(sheet.read_text("utf-8")), "utf-8")


def _config_for(
    rendered: RenderedLanguage, base: dict[str, Any], site_url: str | None
) -> dict[str, Any]:
    theme = dict(base.get("theme") or {})
    theme.update(
        {
            "name": theme.get("name", "material"),
            "custom_dir": "overrides",
            "language": rendered.language,
            "font": False,
        }
    )
    extensions = list(base.get("markdown_extensions") or [])
    extensions = [e for e in extensions if _extension_name(e) != "toc"]
    extensions.append(
        {
            "toc": {
                "permalink": True,
                # Sections and their parts (commitments, dialogue models, twinning links);
                # deeper headings stay on the page only.
                "toc_depth": 3,
                # Keeps Arabic and other scripts in heading ids instead of `_1`, `_2`.
                "slugify": _PythonTag(
                    "tag:yaml.org,2002:python/object/apply:pymdownx.slugs.slugify",
                    {"kwds": {"case": "lower"}},
                ),
                "permalink_title": rendered.strings.get("permalink", "Permanent link"),
            }
        }
    )
    # Keeps the language marks of headings in the table of contents.
    permalink_lang = rendered.strings_lang.get("permalink", rendered.language)
    marks = {
        "language": rendered.language,
        "direction": rendered.direction,
        "permalink_lang": permalink_lang,
    }
    extensions.append({"site_builder.engine.marks": marks})
    if "site_builder.engine.captions" not in extensions:
        extensions.append("site_builder.engine.captions")  # `<caption>` for every table
    extra = dict(base.get("extra") or {})
    extra["languages"] = [
        {"code": lang.code, "name": lang.name, "dir": lang.direction} for lang in rendered.languages
    ]
    extra["strings"] = rendered.strings
    extra["strings_lang"] = rendered.strings_lang
    extra["default_language"] = rendered.default_language
    extra["site_root"] = site_url or ""
    # The marked site name for the page (HTML from the render stage), and the language of
    # the plain one (see themes/main.html for where each goes).
    extra["site_name_html"] = Markup(rendered.site_name_html) or escape(rendered.site_name)
    extra["site_name_lang"] = rendered.site_name_lang or rendered.language
    extra["site_description_lang"] = rendered.site_description_lang or rendered.language
    extra["directions"] = {lang.code: lang.direction for lang in rendered.languages}
    extra["og_locale"] = likely_locale(rendered.language)  # `ar_EG`, as Open Graph asks
    # `true` rather than a list: Material then shows the switcher (our partial, linking each
    # page to itself in every language) without adding links that its script follows to
    # download every language's sitemap.
    extra["alternate"] = len(rendered.languages) > 1
    config = dict(base)
    config["plugins"] = _plugins_for(base.get("plugins") or [])
    config.update(
        {
            "site_name": rendered.site_name,
            "docs_dir": "docs",
            "site_dir": "site",
            "use_directory_urls": True,
            "strict": True,
            "theme": theme,
            "markdown_extensions": extensions,
            "nav": [{for_theme(title): path} for title, path in rendered.nav],
            # Pages marked `markdown: commonmark` are converted by markdown-it-py.
            "hooks": [*base.get("hooks", []), str(Path(__file__).with_name("commonmark.py"))],
        }
    )
    if rendered.unlisted:
        patterns = [str(base.get("not_in_nav") or "").strip()]
        patterns += [f"/{path}" for path in rendered.unlisted]
        config["not_in_nav"] = "\n".join(p for p in patterns if p) + "\n"
    if rendered.site_description:
        config["site_description"] = rendered.site_description
    for key in ("repo_url", "repo_name", "edit_uri", "site_url"):
        config.pop(key, None)  # a repo_url on GitHub makes Material call GitHub's API
    # Every value the theme prints, from the data or from the base configuration: Material
    # prints some of them unescaped, in text and in attributes.
    config["extra"] = for_theme(extra)
    for key in _PRINTED:
        if key in config:
            config[key] = for_theme(config[key])
    if site_url:
        config["site_url"] = f"{site_url}{rendered.language}/"
    return config


def pages_apart(base_config: dict[str, Any]) -> bool:
    """Whether the pages of a project written from `base_config` (`write_project`) are
    each a function of its own Markdown and the settings alone, as `cache.cacheable`
    finds once MkDocs has loaded them (no plugin, no hook but the builder's, no Markdown
    extension reading other files): then the engine may build a part of them
    (`plugins.Part`) while the others are still being written."""
    plugins = _plugins_for(base_config.get("plugins") or [])
    extensions = [_extension_name(e) for e in base_config.get("markdown_extensions") or []]
    return not plugins and not base_config.get("hooks") and not reads_other_files(extensions)


def _plugins_for(plugins: list[Any]) -> list[Any]:
    """The base plugins without Material's search: its lunr index loads whole on every
    first view. Search is Pagefind's, indexed after the build (`engine.pagefind`)."""
    return [p for p in plugins if _extension_name(p) not in ("search", "material/search")]


def _extension_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


MARKDOWN_EXTENSIONS, PLUGINS, THEMES = "markdown.extensions", "mkdocs.plugins", "mkdocs.themes"
"""The entry-point groups in which Python-Markdown and MkDocs find what settings name."""


@functools.cache  # what is installed is read once per process
def installed(group: str) -> tuple[str, ...]:
    """The names of the entry points of `group` (one of the three above), sorted: what a
    setting may name (`admonition`, `material/search`, `material`)."""
    return tuple(sorted({entry.name for entry in entry_points(group=group)}))


def extension_installed(name: str) -> bool:
    """Whether Python-Markdown can load the extension `name` as `markdown_extensions`
    lists it: an entry point's name, or a module (`pymdownx.superfences`) that has
    `makeExtension`, or `module:Class`. The module is imported, as the build would."""
    if name in installed(MARKDOWN_EXTENSIONS):
        return True
    module_name, _, class_name = name.partition(":")
    try:
        if importlib.util.find_spec(module_name) is None:
            return False
        module = importlib.import_module(module_name)
    except Exception:  # noqa: BLE001 - a package above it missing, an empty name, its own fault
        return False
    return callable(getattr(module, class_name or "makeExtension", None))


_LANGUAGE_ENTRY = re.compile(r'"language": "[^"]*"')


def _write_language_partial(rendered: RenderedLanguage, overrides: Path) -> None:
    """Material ships interface strings for 69 languages; give the others English ones.
    The partial's `language` (what `<html lang>` says) is the site's code: Material's
    pt-BR partial says `pt`."""
    language = rendered.language
    languages = _material_dir() / "partials" / "languages"
    own = languages / f"{language}.html"
    if own.is_file():
        partial = own.read_text("utf-8")
        if f'"language": "{language}"' in partial:
            return
    else:
        partial = (languages / "en.html").read_text("utf-8")
        partial = partial.replace('"direction": "ltr"', f'"direction": "{rendered.direction}"')
    partial = _LANGUAGE_ENTRY.sub(f'"language": "{language}"', partial, count=1)
    target = overrides / "partials" / "languages" / f"{language}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(partial, "utf-8")
