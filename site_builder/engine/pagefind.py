"""The search index: Pagefind run over one built language.

Each language's folder gets its own index in `<lang>/pagefind/`, stemmed for the
language Pagefind reads from `<html lang>`. The browser loads nothing of it until the
reader searches, and then only the chunks the query needs (see
`defaults/themes/assets/javascripts/search.js`).

Pagefind already ignores case, accents and Arabic short vowels (tashkeel, shadda,
tanween) and folds hamza and madda on alef (أ إ آ → ا), and it splits words at a straight
apostrophe, so that French `l'extérieur` is found by `exterieur`. It does not split at a
typographic apostrophe (`l’extérieur` would be indexed as one word, `lextérieur`), nor
unfold ligatures (`œuvre` is not found by `oeuvre`). Pages are therefore indexed from a
copy whose text is folded by `FOLD`; the search box folds the query with the same table
(a test keeps the two equal). The published pages keep their typography; only excerpts
in the results show the folded characters.

With a cache folder, an index is kept under a key of what makes it (the builder's digest,
the indexer's version and options, every indexed page's path and folded text), and a
language whose pages are all the same as in the build that made it gets that index back
instead of running Pagefind again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import BuildFailed

# Character → replacement applied to indexed text and to queries alike.
FOLD: dict[str, str] = {
    "\u2019": "'",  # ’ right single quotation mark, the typographic apostrophe
    "\u2018": "'",  # ‘
    "\u02bc": "'",  # ʼ modifier letter apostrophe
    "\uff07": "'",  # ＇ fullwidth apostrophe
    "œ": "oe",
    "Œ": "OE",
    "æ": "ae",
    "Æ": "AE",
    "\u0671": "\u0627",  # ٱ alef wasla → ا
}

FOLDER = "pagefind"
"""Where the index of a language goes, inside that language's folder."""

ROOT_SELECTOR = "article"
"""What is indexed of each page: the page's own text, not the header, menus or footer."""

# Pages that are not destinations: the 404 page and the search page itself.
_SKIPPED = {"404.html", "search/index.html"}

# Pagefind writes ready-made interfaces beside its index; the site uses its own.
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)


@dataclass(frozen=True)
class IndexStats:
    pages: int
    seconds: float


def fold(text: str) -> str:
    """`text` with the characters of FOLD replaced (the same as the search box does)."""
    # One `str.replace` per character present: on a 31 KB Arabic page, 0.004 ms where
    # `str.translate` with a dict took 1.3 ms (timeit, 50 runs).
    for character, replacement in FOLD.items():
        if character in text:
            text = text.replace(character, replacement)
    return text


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError:  # pragma: no cover - an installation without the `bin` extra
        raise BuildFailed(
            "the search indexer is missing: install the project again (pip install -e .)"
        ) from None
    return Path(get_executable())


def _indexed_pages(site_dir: Path) -> Iterator[tuple[str, Path]]:
    """The pages Pagefind indexes in a language folder, by relative path, in order."""
    for page in sorted(site_dir.rglob("*.html")):
        relative = page.relative_to(site_dir)
        first = relative.parts[0]
        if relative.as_posix() in _SKIPPED or first == FOLDER or first.startswith("."):
            continue
        yield relative.as_posix(), page


def _command(copy: Path, staged: Path) -> list[str]:
    return [
        str(_executable()),
        "--site",
        str(copy),
        "--output-path",
        str(staged),
        "--root-selector",
        ROOT_SELECTOR,
        "--exclude-selectors",
        ".headerlink",
        "--silent",
    ]


def index_key(site_dir: Path) -> str:
    """The key of the index of a built language folder: a SHA-256 of the builder's
    digest (FOLD and these options are in its code), the indexer's version and every
    indexed page's path and bytes (the same bytes fold to the same text)."""
    from site_builder.engine.cache import builder_digest

    digest = hashlib.sha256(builder_digest().encode() + b"\0")
    try:
        digest.update(importlib.metadata.version("pagefind_bin").encode() + b"\0")
    except importlib.metadata.PackageNotFoundError:
        digest.update(str(_executable()).encode() + b"\0")
    for relative, page in _indexed_pages(site_dir):
        digest.update(relative.encode() + b"\0")
        data = page.read_bytes()
        digest.update(f"{len(data)}\0".encode() + data)
    return digest.hexdigest()


def index_language(site_dir: Path, cache: Path | None = None) -> IndexStats:
    """Index the built pages of one language folder (`site/fr/`) into `site/fr/pagefind/`.

    Returns the number of pages indexed and the seconds it took. Raises BuildFailed when
    the indexer fails; the index already there is then left as it was, and replaced
    otherwise. Scratch files stay inside `site_dir` (`.pagefind-*`) and are removed.
    With `cache` (this language's folder of indexes), an index made before from the same
    pages is copied instead of made again, and an index made is kept there (the only
    one kept: a later build of the same pages is what it serves).
    """
    started = time.perf_counter()
    output = site_dir / FOLDER
    copy = site_dir / f".{FOLDER}-pages"  # the folded copy of the pages
    staged = site_dir / f".{FOLDER}-new"  # the new index, until it replaces the old one
    for scratch in (copy, staged):
        shutil.rmtree(scratch, ignore_errors=True)
    key = index_key(site_dir) if cache is not None else None
    try:
        if cache is None or key is None or not _restore(cache / key, staged):
            _make_index(site_dir, copy, staged)
            if cache is not None and key is not None:
                _keep(staged, cache, key)
        pages = sum(1 for _ in _indexed_pages(site_dir))
        shutil.rmtree(output, ignore_errors=True)
        staged.rename(output)
    finally:
        for scratch in (copy, staged):
            shutil.rmtree(scratch, ignore_errors=True)
    return IndexStats(pages, time.perf_counter() - started)


def _make_index(site_dir: Path, copy: Path, staged: Path) -> None:
    """Run Pagefind over a folded copy of the pages into `staged`."""
    for relative, page in _indexed_pages(site_dir):
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(fold(page.read_text("utf-8")), "utf-8")
    done = subprocess.run(_command(copy, staged), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise BuildFailed(
            f"the search indexer failed for {site_dir.name}: "
            + (message[-1] if message else f"exit status {done.returncode}")
        )
    for name in _UNUSED:
        (staged / name).unlink(missing_ok=True)


def _restore(entry: Path, staged: Path) -> bool:
    """Copy a kept index into `staged`; False when there is none (or it went away)."""
    if not entry.is_dir():
        return False
    try:
        shutil.copytree(entry, staged)
    except OSError:  # removed by another build sharing the cache meanwhile
        shutil.rmtree(staged, ignore_errors=True)
        return False
    return True


def _keep(staged: Path, cache: Path, key: str) -> None:
    """Keep the index in `cache/<key>/` (copied whole, then renamed into place, so that
    an entry is complete or absent) and remove the entries of earlier builds."""
    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=cache, prefix=".new-"))
    shutil.copytree(staged, scratch / "index")
    with contextlib.suppress(OSError):  # made meanwhile by another build sharing the cache
        os.rename(scratch / "index", cache / key)
    shutil.rmtree(scratch, ignore_errors=True)
    for entry in cache.iterdir():
        if entry.name != key and not entry.name.startswith("."):
            shutil.rmtree(entry, ignore_errors=True)
