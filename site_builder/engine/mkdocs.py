"""The one module that runs MkDocs: it builds the projects `engine.project` writes
(`mkdocs build -f <dir>/mkdocs.yml` gives the same pages), whole or in parts
(`plugins.Part`), with the build cache (`engine.cache`). Another engine that reads
`mkdocs.yml` could replace this module without touching the rest of the builder.

As pages are written, `dir` is copied from `<body>` to `<html>` (`marks.html_direction`:
Material writes it on `<body>` only, outside any block a theme can override).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from site_builder.engine import plugins
from site_builder.engine.cache import PageCache, Restorer, cacheable, foreign_plugins
from site_builder.engine.notfound import anchor_404
from site_builder.engine.templates import bytecode_plugin
from site_builder.errors import BuildFailed, EnvironmentFault


def preload() -> None:
    """Import the engine's modules now, so that processes forked afterwards share them
    instead of each importing them again."""
    import mkdocs.commands.build  # noqa: F401
    import mkdocs.config  # noqa: F401

    import site_builder.engine.commonmark  # noqa: F401


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


def _listing_without_hidden_folders(theme: Any) -> None:
    """Make the template environments of `theme` (MkDocs' `Theme`) list the theme's files
    without walking its hidden folders. MkDocs lists them on every build only to copy
    the theme's static files, and leaves out every path with a part that starts with `.`:
    walking Material's `.icons` (14,000 files, each then matched against ten patterns)
    took 0.26 s of each build of a language or a part (cProfile), for nothing. Templates
    are loaded by name as before (`.icons/...` included). Jinja is not imported here: the
    loader's class is the one MkDocs made (a FileSystemLoader, as MkDocs 1.6 makes it)."""
    make = theme.get_env

    def get_env() -> Any:
        env = make()
        kind = type(env.loader)
        if (kind.__module__, kind.__name__) == ("jinja2.loaders", "FileSystemLoader"):
            env.loader.__class__ = _listing(kind)
        return env

    theme.get_env = get_env


@functools.cache
def _listing(loader: type) -> type:
    """`loader` (Jinja's FileSystemLoader) listing its files without hidden folders."""

    def list_templates(self: Any) -> list[str]:
        found = set()
        for searchpath in self.searchpath:
            for folder, folders, names in os.walk(searchpath, followlinks=self.followlinks):
                folders[:] = [name for name in folders if not name.startswith(".")]
                for name in names:
                    path = os.path.join(folder, name)[len(searchpath) :].strip(os.sep)
                    found.add(path.replace(os.sep, "/").removeprefix("./"))
        return sorted(found)

    return type("VisibleFileSystemLoader", (loader,), {"list_templates": list_templates})


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
        _listing_without_hidden_folders(config.theme)
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
