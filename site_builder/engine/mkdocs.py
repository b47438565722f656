"""The one module that knows MkDocs and Material.

It turns a rendered language into a plain MkDocs project (`mkdocs.yml`, `docs/`,
`overrides/`) that `mkdocs build -f <dir>/mkdocs.yml` can build by itself, builds such
projects, and runs the live-reload preview. Another engine that reads `mkdocs.yml` could
replace this module without touching the rest of the builder.

Language marks: the render stage hands over titles, navigation entries and the site name
as HTML already marked with `lang`, `dir` and `translate="no"` (`render.text.mark`), as
Markup; the theme overrides in `themes/` print them as they are and put the language of
plain text on the element that holds it (`<title>`, meta description); `engine.marks`
keeps the marks of headings in the table of contents. As pages are written, `dir` is
copied from `<body>` to `<html>` (Material writes it on `<body>` only, outside any block a
theme can override).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import rcssmin
import yaml
from markupsafe import Markup, escape

from site_builder.engine import plugins
from site_builder.engine.cache import PageCache, Restorer, cacheable, foreign_plugins
from site_builder.engine.notfound import anchor_404
from site_builder.engine.templates import bytecode_plugin
from site_builder.errors import BuildFailed, EnvironmentFault
from site_builder.files import folder_of_its_own, keep_only, remove_tree, write_text
from site_builder.i18n.scripts import likely_locale
from site_builder.render.output import RenderedLanguage

_LOG = logging.getLogger("site_builder.engine.mkdocs")


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


def preload() -> None:
    """Import the engine's modules now, so that processes forked afterwards share them
    instead of each importing them again."""
    import mkdocs.commands.build  # noqa: F401
    import mkdocs.config  # noqa: F401

    import site_builder.engine.commonmark  # noqa: F401


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
    are made again from `theme_layers`.
    """
    docs = out / "docs"
    if only_changed:  # a kept project: whatever was put in it is checked (files.py)
        folder_of_its_own(out)
        folder_of_its_own(docs)
        keep_only(docs, rendered.pages)
    for relative, text in rendered.pages.items():
        write_text(docs / relative, text, only_changed)
    overrides = out / "overrides"
    if not incremental or not overrides.is_dir():
        remove_tree(overrides)
        for layer in theme_layers:
            if layer.is_dir():
                shutil.copytree(layer, overrides, dirs_exist_ok=True)
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


def _plugins_for(plugins: list[Any]) -> list[Any]:
    """The base plugins without Material's search: its lunr index loads whole on every
    first view. Search is Pagefind's, indexed after the build (`engine.pagefind`)."""
    return [p for p in plugins if _extension_name(p) not in ("search", "material/search")]


def _extension_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def _write_language_partial(rendered: RenderedLanguage, overrides: Path) -> None:
    """Material ships interface strings for 69 languages; give the others English ones."""
    language = rendered.language
    if (_material_dir() / "partials" / "languages" / f"{language}.html").is_file():
        return
    english = (_material_dir() / "partials" / "languages" / "en.html").read_text("utf-8")
    partial = english.replace('"language": "en"', f'"language": "{language}"')
    partial = partial.replace('"direction": "ltr"', f'"direction": "{rendered.direction}"')
    target = overrides / "partials" / "languages" / f"{language}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(partial, "utf-8")


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith("A 'dirty' build is being performed"):
            self.messages.append(message)


@contextlib.contextmanager
def reproducible(epoch: int) -> Iterator[None]:
    """While building: MkDocs and Material date what they write from SOURCE_DATE_EPOCH
    (seconds since 1970), and do not print their notice about MkDocs 2."""
    values = {"SOURCE_DATE_EPOCH": str(epoch), "NO_MKDOCS_2_WARNING": "1"}
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def build_project(
    config_file: Path,
    site_dir: Path,
    url_path: str = "/",
    dirty: bool = False,
    cache_dir: Path | None = None,
    part: plugins.Part | None = None,
) -> int:
    """Build one MkDocs project into `site_dir`, served at `url_path` (such as `/fr/`);
    return how many pages were copied from `cache_dir` (engine/cache.py; only when
    `cacheable`). Warnings fail the build.

    With `part`, only that part's pages (and, for part 0, the rest of the site), while
    processes of their own build the other parts into the same `site_dir`, which must
    hold no previous build. A project that is not `cacheable` is built whole by part 0,
    and the other parts build nothing."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # "mkdocs", or "properdocs" where ProperDocs stands in for it (engine/properdocs.py).
    mkdocs_log = logging.getLogger(build.__module__.split(".")[0])
    counter = _WarningCounter()
    mkdocs_log.addHandler(counter)
    previous_level = mkdocs_log.level
    mkdocs_log.setLevel(logging.WARNING)
    restorer = None
    try:
        config = load_config(str(config_file), site_dir=str(site_dir))
        config.plugins["site_builder/trim"] = plugins.trim_plugin()
        if not foreign_plugins(config):  # a project's plugin could change either
            config.plugins["site_builder/hold"] = plugins.hold_plugin()
            config.plugins["site_builder/nav"] = plugins.nav_plugin()
            config.plugins["site_builder/bytecode"] = bytecode_plugin()
        if part is not None and not cacheable(config):
            if part.number:
                return 0
            part = None
        if part is not None:
            config.plugins["site_builder/part"] = plugins.part_plugin(part)
        if cache_dir is not None and not dirty and cacheable(config):
            engine_name = build.__module__.split(".")[0]
            holds = part.holds if part is not None else None
            restorer = Restorer(PageCache(cache_dir, config_file.parent, engine_name), config)
            restorer.restore(holds)
        partial = dirty or bool(restorer and restorer.hits) or part is not None
        if partial and not dirty:
            # MkDocs' own strict mode counts its notice about dirty builds; ours (the
            # counter above) fails the build on any other warning.
            config["strict"] = False
        config.plugins.on_startup(command="build", dirty=partial)
        try:
            build(config, dirty=partial)
        finally:
            config.plugins.on_shutdown()
        if counter.messages:
            raise MkDocsException("; ".join(counter.messages))
        if restorer is not None:
            restorer.store()
    except MkDocsException as exc:
        details = "; ".join(counter.messages) or str(exc)
        raise BuildFailed(f"the engine failed for {config_file.parent.name}: {details}") from None
    except OSError as exc:  # the site or work folder: read-only, full, gone
        where = f"{exc.filename}: " if exc.filename else ""
        raise EnvironmentFault(
            f"cannot build {config_file.parent.name}: {where}{exc.strerror or exc}"
        ) from None
    except Exception as exc:
        if type(exc).__module__ != "jinja2.exceptions":  # a theme template's: `themes/`
            raise
        raise BuildFailed(
            f"the engine failed for {config_file.parent.name}: {_template_error(exc, config_file)}"
        ) from None
    finally:
        mkdocs_log.removeHandler(counter)
        mkdocs_log.setLevel(previous_level)
    if part is None or part.number == 0:
        anchor_404(site_dir / "404.html", url_path, config.site_url)
    return restorer.hits if restorer else 0


def _template_error(error: Any, config_file: Path) -> str:
    """Where a theme template failed, named as in the theme folders (`themes/`:
    `partials/copyright.html, line 1`), and why."""
    where = ""
    if getattr(error, "lineno", None) is not None:  # a syntax error
        name = error.filename or error.name or "?"
        overrides = os.path.realpath(config_file.parent / "overrides") + os.sep
        if os.path.realpath(name).startswith(overrides):
            name = os.path.realpath(name)[len(overrides) :]
        where = f"theme template {name}, line {error.lineno}: "
    hint = "correct the template in the project's themes/ folder"
    return f"{where}{error.message or type(error).__name__}; {hint}"
