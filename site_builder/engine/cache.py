"""The build cache: pages the engine built, kept by a key of everything that makes them.

A page's key is a SHA-256 of the builder (its version and the digest of its own code and
templates), the engine that builds it (MkDocs or ProperDocs) and the versions of the
engine's packages, the date stamped into the build, the language's whole `mkdocs.yml`
(navigation and settings included), the theme overrides, the page's path and its
Markdown. A page must therefore be a function of these alone: the cache is not used for
a project that lists MkDocs plugins or Markdown extensions that read other files
(`cacheable`). The search index (Pagefind) is made after the engine, from the pages as
written, whether built or copied. Anything that could change the page changes the key, so
a stale entry is never used: it is only never looked up again. Entries are files named
by their key (`<cache>/<lang>/<key[:2]>/<key>.html`), written atomically, so that a CI job
can keep the folder between runs and two builds can share it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import site_builder
from site_builder.files import SCRATCH, folder_of_its_own, read_plain, remove_tree

_ENGINE_PACKAGES = (
    "mkdocs",
    "properdocs",
    "mkdocs-material",
    "markdown",
    "markdown-it-py",
    "markdown-it-pyrs",
    "mdit-py-plugins",
    "pymdown-extensions",
    "jinja2",
)


@cache
def builder_digest() -> str:
    """The builder's version, the digest of its source files and the engine's versions."""
    digest = hashlib.sha256(site_builder.__version__.encode())
    package = Path(site_builder.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2", ".po", ".html", ".css", ".js") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for name in _ENGINE_PACKAGES:
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    return digest.hexdigest()


@cache
def render_digest() -> str:
    """What the rendered Markdown of a page may depend on besides the data: the builder's
    digest, every file of the package (its data too: map outlines, catalogs, built-in
    pages), the Python version and every installed distribution's version (Babel's CLDR,
    GeoNames, nh3...)."""
    digest = hashlib.sha256(builder_digest().encode())
    package = Path(site_builder.__file__).parent
    for path in sorted(package.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    versions = {(d.metadata["Name"] or "", d.version) for d in importlib.metadata.distributions()}
    digest.update(repr(sorted(versions)).encode())
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """A digest of every file under `folder` (names and contents)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


# Markdown extensions that make a page out of other files than its own Markdown.
_READING_EXTENSIONS = ("pymdownx.snippets", "markdown_include", "mdx_include")


def cacheable(config: Any) -> bool:
    """Whether the pages of a loaded MkDocs configuration depend only on what the keys
    hold: no plugin (a plugin may read anything, and Material's search plugin needs every
    page built) and no Markdown extension that includes other files. The builder's own
    hook (`commonmark.py`) and plugins (named `site_builder/...`) are in the builder's
    digest; a project's own hooks count as plugins."""
    extensions = [str(e) for e in config["markdown_extensions"]]
    return not foreign_plugins(config) and not reads_other_files(extensions)


def reads_other_files(extensions: Iterable[str]) -> bool:
    """Whether one of the Markdown extensions named makes a page out of other files."""
    return any(e.startswith(_READING_EXTENSIONS) for e in extensions)


def foreign_plugins(config: Any) -> list[str]:
    """The names of the plugins and hooks of a loaded MkDocs configuration that are not
    the builder's own (its `commonmark.py` hook, plugins named `site_builder/...`)."""
    builders = Path(__file__).with_name("commonmark.py")
    ours = {hook for hook in config["hooks"] or {} if Path(hook) == builders}
    return [p for p in config.plugins if p not in ours and not p.startswith("site_builder/")]


class PageCache:
    """Built pages of one language project, looked up by `key(source, text)`."""

    def __init__(self, folder: Path, project: Path, engine: str = "mkdocs"):
        """`folder`: this language's cache folder; `project`: the language's MkDocs
        project (its `mkdocs.yml` and `overrides/` enter every key); `engine`: the name
        of the engine building it (`mkdocs`, `properdocs`)."""
        self.folder = folder
        base = hashlib.sha256(builder_digest().encode())
        base.update(engine.encode() + b"\0")
        base.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode() + b"\0")
        base.update((project / "mkdocs.yml").read_bytes())
        base.update(folder_digest(project / "overrides").encode())
        self._base = base

    def key(self, source: str, text: bytes) -> str:
        digest = self._base.copy()
        digest.update(source.encode() + b"\0")
        digest.update(text)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    def get(self, key: str) -> bytes | None:
        """The page kept under `key`: None when there is none, or when what is there is
        not a plain file holding a page and its digest as `put` wrote them (a link put
        in the cache is never followed; a page edited or cut short is a miss)."""
        entry = read_plain(self._path(key))
        if entry is None:
            return None
        check, _, page = entry.partition(b"\n")
        return page if check == hashlib.sha256(page).hexdigest().encode() else None

    def put(self, key: str, page: bytes) -> None:
        """Keep `page` under `key`, after its digest; a cache that cannot be written is a
        miss next time."""
        target = self._path(key)
        with contextlib.suppress(OSError):
            folder_of_its_own(target.parent)
            remove_tree(target)  # whatever is there: nothing is written through a link
            with tempfile.NamedTemporaryFile(
                dir=target.parent, prefix=SCRATCH, delete=False
            ) as handle:
                handle.write(hashlib.sha256(page).hexdigest().encode() + b"\n" + page)
            os.replace(handle.name, target)


class Restorer:
    """Puts cached pages where the engine writes them and makes their sources older than
    them, so that a dirty build skips them."""

    def __init__(self, cache: PageCache, config: Any):
        self.cache = cache
        self.docs, self.site = Path(config["docs_dir"]), Path(config["site_dir"])
        self.hits = 0
        self.misses: dict[Path, str] = {}

    def _pages(self) -> Iterator[tuple[Path, str, Path]]:
        for source in sorted(self.docs.rglob("*.md")):
            relative = source.relative_to(self.docs).with_suffix("")
            folder = relative.parent if relative.name in ("index", "README") else relative
            target = self.site / folder / "index.html"
            yield source, source.relative_to(self.docs).as_posix(), target

    def restore(self, holds: Callable[[str], bool] | None = None) -> int:
        """Put the cached pages in place, of the sources (paths in `docs/`) that `holds`
        (all by default); how many."""
        for source, relative, target in self._pages():
            if holds is not None and not holds(relative):
                continue
            key = self.cache.key(relative, source.read_bytes())
            page = self.cache.get(key)
            if page is None:
                self.misses[target] = key
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page)
            os.utime(source, ns=(0, 0))
            self.hits += 1
        return self.hits

    def store(self) -> None:
        for target, key in self.misses.items():
            if target.is_file():
                self.cache.put(key, target.read_bytes())
