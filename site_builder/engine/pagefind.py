"""The search index: Pagefind run over one built language, in shards of bounded size.

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

Pagefind holds everything it indexes in memory until it writes the index (see
SHARD_PAGES), so a language is indexed in shards of at most SHARD_PAGES pages (in
SEARCH_SHARDS once large enough), one Pagefind run each (`plan`, `index_shard`, then
`publish`, run in processes of their own; `index_language` runs the three in turn). The
first shard is `<lang>/pagefind/` (Pagefind's script, its WebAssembly and its index); every
other shard is `<lang>/pagefind/shard-N/`, its index only, and `<lang>/pagefind/
shards.json` lists them (`[]` when a language fits in one shard): the search box merges
them into the first (Pagefind's `mergeIndex`, which reuses the first shard's WebAssembly)
and ranks the results of all by their score. A shard is made of whole top folders (a
country's pages, a listing's pages, the pages at the top), packed in sorted order, so
that a page edited changes the index of its shard only.

With a cache folder, each shard's index is kept under a key of what makes it (the
builder's digest, the indexer's version and options, each of the shard's pages' path and
bytes), and a shard whose pages are all the same as in the build that made it gets
that index back instead of running Pagefind again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import BuildFailed, ProcessLost
from site_builder.files import SCRATCH, folder_of_its_own, link_tree, read_plain, remove_tree

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

SHARD_PAGES = 600
"""The most pages one Pagefind run indexes. Pagefind 1.5.2 holds about 0.4 MB per page
until it writes its index, whatever the size of the pages' HTML and its number of
threads: 105 MB for 242 pages, 234 MB for 578, 271 MB for 675 (peak RSS of one run over
an Arabic site of 2000 roadmaps, `/usr/bin/time -f %M pagefind --site ...`), 910 MB for
the whole language (2878 pages). Two runs of 600 pages (about 260 MB each, `run_memory`)
and the build's process fit in the build's memory budget (`app/memory.py`): the shards
left when every language is built are indexed two at a time (a run keeps about one core
and a half busy), where runs of 800 pages went one at a time. Read at each call (tests
lower it)."""

SEARCH_SHARDS = 3
"""How many shards a language is cut into once each would have SHARD_PAGES_LEAST pages,
though fewer would fit in SHARD_PAGES: an edit is indexed again in its shard only (a
third of the language), and a language's shards are indexed on several cores. Each
shard costs a first search one more chunk and list of chunks (about 20 KB in Arabic),
though smaller shards have smaller chunks: at 2000 roadmaps (2024 Arabic pages), the
four shards SHARD_PAGES asks for gave a first search of 242 KB where three gave 268
(`docs/benchmarks.md`). Read at each call."""

SHARD_PAGES_LEAST = 100
"""The fewest pages a shard is given to reach SEARCH_SHARDS: below, a Pagefind run's own
cost and the first search's extra chunk outweigh what a smaller shard saves. Read at
each call."""

_RUN_MB, _PAGE_MB = 20, 0.4  # what a run holds (with its waiting process), and per page

MANIFEST = "shards.json"
"""In the first shard's folder: the folders of the other shards, relative to it."""

_SHARD_FOLDER = "shard-{number}"

# What only the first shard needs: the script and WebAssembly that every shard shares.
_ENGINE = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")

# Pages that are not destinations: the 404 page and the search page itself.
_SKIPPED = {"404.html", "search/index.html"}

# Pages that only repeat words whose own page is indexed: a listing's pages after the
# first (`dialogue/page-2/`, `outcomes/water/page-2/`, `status/planned-2/`) and a country's
# whole coordination lists (`coordination/ml/`), names of other roadmaps gathered. Indexed,
# they outranked the roadmap page a name is from (a search for a country found its
# coordination lists first), and made a third of a language's pages at 2000 roadmaps.
_REPEATING = re.compile(
    r"(?:^|/)page-\d+/index\.html$|^status/[^/]+-\d+/index\.html$|^coordination/"
)

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


@dataclass(frozen=True)
class Shard:
    """Pages indexed by one Pagefind run: `number` 1 is the first shard (`pagefind/`),
    the others go in `pagefind/shard-<number>/`; `pages` are paths relative to the
    language folder, in order."""

    number: int
    pages: tuple[str, ...]

    @property
    def folder(self) -> str:
        """Where the shard's index goes, relative to the first shard's folder."""
        return "" if self.number == 1 else _SHARD_FOLDER.format(number=self.number)


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
        if _REPEATING.search(relative.as_posix()):
            continue
        yield relative.as_posix(), page


def run_memory(pages: int) -> int:
    """The bytes one Pagefind run over `pages` pages holds at its peak, by estimate (see
    SHARD_PAGES), with the forked process that waits for it."""
    return int((_RUN_MB + _PAGE_MB * pages) * 2**20)


def shard_count(pages: int, limit: int) -> int:
    """How many shards `pages` indexed pages are cut into: SEARCH_SHARDS while each keeps
    at least SHARD_PAGES_LEAST pages (fewer for a small language, one at the least), and
    more when one would pass `limit` pages."""
    wanted = min(SEARCH_SHARDS, pages // max(1, SHARD_PAGES_LEAST))
    return max(1, -(-pages // limit), wanted)


def plan(site_dir: Path, limit: int | None = None) -> list[Shard]:
    """The shards of a built language folder, each of at most `limit` pages (SHARD_PAGES
    when None), `shard_count` of them when whole folders allow: its pages grouped by top
    folder (the pages at the top count as one folder), whole folders packed in sorted
    order, a new shard begun where an even cut of the pages would begin one or where a
    folder would not fit, a folder of more than `limit` pages cut into runs of `limit`.
    One shard for a folder of no page or few pages. The cut depends only on the pages'
    paths, so that an edited page keeps its shard and the shards of the other pages."""
    limit = max(1, limit or SHARD_PAGES)
    folders: dict[str, list[str]] = {}
    for relative, _ in _indexed_pages(site_dir):
        top, _, rest = relative.partition("/")
        folders.setdefault(top if rest else "", []).append(relative)
    total = sum(len(pages) for pages in folders.values())
    count = shard_count(total, limit)
    shards: list[list[str]] = [[]]
    seen = 0  # pages packed so far
    for name in sorted(folders):
        pages = folders[name]
        even = seen * count // total  # the shard this folder begins in, cut evenly
        if shards[-1] and (len(shards) <= even or len(shards[-1]) + len(pages) > limit):
            shards.append([])
        for page in pages:
            if len(shards[-1]) == limit:
                shards.append([])
            shards[-1].append(page)
        seen += len(pages)
    return [Shard(number, tuple(pages)) for number, pages in enumerate(shards, 1)]


def shard_key(site_dir: Path, shard: Shard) -> str:
    """The key of a shard's index: a SHA-256 of the builder's digest (FOLD and these
    options are in its code), the indexer's version and each of the shard's pages' path
    and bytes (the same bytes fold to the same text). Its place among the shards is not
    in it: an index serves as the first shard or any other."""
    from site_builder.engine.cache import builder_digest

    digest = hashlib.sha256(builder_digest().encode() + b"\0")
    try:
        digest.update(importlib.metadata.version("pagefind_bin").encode() + b"\0")
    except importlib.metadata.PackageNotFoundError:
        digest.update(str(_executable()).encode() + b"\0")
    for relative in shard.pages:
        digest.update(relative.encode() + b"\0")
        data = (site_dir / relative).read_bytes()
        digest.update(f"{len(data)}\0".encode() + data)
    return digest.hexdigest()


def index_language(
    site_dir: Path, cache: Path | None = None, limit: int | None = None
) -> IndexStats:
    """Index the built pages of one language folder (`site/fr/`) into `site/fr/pagefind/`,
    in shards of at most `limit` pages (SHARD_PAGES when None), one after another.

    Returns the number of pages indexed and the seconds it took. Raises BuildFailed when
    the indexer fails; the index already there is then left as it was, and replaced
    otherwise. Scratch files stay inside `site_dir` (`.pagefind-*`) and are removed.
    With `cache` (this language's folder of indexes), a shard's index made before from
    the same pages is copied instead of made again, and an index made is kept there (the
    only ones kept are those of the shards published last).
    """
    started = time.perf_counter()
    try:
        shards = plan(site_dir, limit)
        keys = [index_shard(site_dir, shard, cache) for shard in shards]
        publish(site_dir, shards, cache, keys)
    finally:
        clean(site_dir)
    return IndexStats(sum(len(shard.pages) for shard in shards), time.perf_counter() - started)


def index_shard(site_dir: Path, shard: Shard, cache: Path | None = None) -> str | None:
    """Index one shard of `site_dir` into its scratch folder (`.pagefind-new/<number>`,
    for `publish`), or copy its index from `cache`; returns the shard's key in the cache
    (None without a cache). Raises BuildFailed when the indexer fails."""
    copy = site_dir / f".{FOLDER}-pages-{shard.number}"  # the folded copy of the pages
    staged = _staged(site_dir, shard)
    for scratch in (copy, staged):
        shutil.rmtree(scratch, ignore_errors=True)
    key = shard_key(site_dir, shard) if cache is not None else None
    try:
        if cache is None or key is None or not _restore(cache / key, staged):
            _make_index(site_dir, shard, copy, staged)
            if cache is not None and key is not None:
                _keep(staged, cache, key)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    return key


def publish(
    site_dir: Path, shards: list[Shard], cache: Path | None, keys: list[str | None]
) -> None:
    """Put the shards made by `index_shard` in place of `site_dir/pagefind/` at once, with
    the list of the other shards (MANIFEST), and remove from `cache` the indexes of
    shards that are not in `keys`."""
    output, assembled = site_dir / FOLDER, site_dir / f".{FOLDER}-out"
    shutil.rmtree(assembled, ignore_errors=True)
    _staged(site_dir, shards[0]).rename(assembled)
    for shard in shards[1:]:
        folder = assembled / shard.folder
        _staged(site_dir, shard).rename(folder)
        for pattern in _ENGINE:
            for path in folder.glob(pattern):
                path.unlink()
    others = [f"{shard.folder}/" for shard in shards[1:]]
    (assembled / MANIFEST).write_text(json.dumps(others) + "\n", "utf-8")
    shutil.rmtree(output, ignore_errors=True)
    assembled.rename(output)
    if cache is not None and cache.is_dir():
        for entry in cache.iterdir():
            if entry.name not in keys and not entry.name.startswith("."):
                remove_tree(entry)


def clean(site_dir: Path) -> None:
    """Remove the scratch folders of indexing `site_dir` (after a failure too)."""
    for scratch in site_dir.glob(f".{FOLDER}-*"):
        shutil.rmtree(scratch, ignore_errors=True)


def _staged(site_dir: Path, shard: Shard) -> Path:
    return site_dir / f".{FOLDER}-new" / str(shard.number)


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


def _make_index(site_dir: Path, shard: Shard, copy: Path, staged: Path) -> None:
    """Run Pagefind over a folded copy of the shard's pages into `staged`. A page that
    folding leaves as it is (most pages in English and Arabic) is linked into the copy
    instead of written again: Pagefind only reads it."""
    for relative in shard.pages:
        source, target = site_dir / relative, copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        written = source.read_bytes().decode("utf-8")
        # As read_text would read it (universal newlines), folded, read and folded once.
        folded = fold(written.replace("\r\n", "\n").replace("\r", "\n"))
        if folded == written and _linked(source, target):
            continue  # the bytes the copy would have
        target.write_text(folded, "utf-8")
    done = subprocess.run(_command(copy, staged), capture_output=True, text=True, check=False)
    if done.returncode < 0:  # killed, say for want of memory: not the pages' fault
        name = signal.Signals(-done.returncode).name
        hint = " (out of memory?)" if done.returncode == -signal.SIGKILL else ""
        raise ProcessLost(f"the search indexer for {site_dir.name} was killed by {name}{hint}")
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise BuildFailed(
            f"the search indexer failed for {site_dir.name}: "
            + (message[-1] if message else f"exit status {done.returncode}")
        )
    for name in _UNUSED:
        (staged / name).unlink(missing_ok=True)


def _linked(source: Path, target: Path) -> bool:
    """Whether `target` could be made a hard link to `source` (not on every system)."""
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


_DIGEST = ".digest"  # in a kept index: the digest of its files (`link_tree`)


def _restore(entry: Path, staged: Path) -> bool:
    """Copy a kept index into `staged`; False when there is none, or when it is not as it
    was kept (a file changed, added, removed; a link: never followed)."""
    kept = read_plain(entry / _DIGEST)  # linked, checked as read: a file changed is a miss
    if kept is not None and link_tree(entry, staged, _DIGEST) == kept.decode("ascii", "replace"):
        return True
    shutil.rmtree(staged, ignore_errors=True)
    return False


def _keep(staged: Path, cache: Path, key: str) -> None:
    """Keep the index and its digest in `cache/<key>/`, complete or absent."""
    folder_of_its_own(cache)
    scratch = Path(tempfile.mkdtemp(dir=cache, prefix=SCRATCH))
    digest = link_tree(staged, scratch / "index")
    if digest is not None:
        (scratch / "index" / _DIGEST).write_text(digest, "ascii")
        with contextlib.suppress(OSError):  # made meanwhile by another build sharing it
            os.rename(scratch / "index", cache / key)
    shutil.rmtree(scratch, ignore_errors=True)
