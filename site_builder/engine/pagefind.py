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
"""

from __future__ import annotations

import shutil
import subprocess
import time
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
    # One `str.replace` per character present: ~30 times faster than `str.translate` with
    # a dict on whole pages.
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


def index_language(site_dir: Path) -> IndexStats:
    """Index the built pages of one language folder (`site/fr/`) into `site/fr/pagefind/`.

    Returns the number of pages indexed and the seconds it took. Raises BuildFailed when
    the indexer fails; the index already there is then left as it was, and replaced
    otherwise. Scratch files stay inside `site_dir` (`.pagefind-*`) and are removed.
    """
    started = time.perf_counter()
    output = site_dir / FOLDER
    copy = site_dir / f".{FOLDER}-pages"  # the folded copy of the pages
    staged = site_dir / f".{FOLDER}-new"  # the new index, until it replaces the old one
    for scratch in (copy, staged):
        shutil.rmtree(scratch, ignore_errors=True)
    try:
        pages = 0
        for page in site_dir.rglob("*.html"):
            relative = page.relative_to(site_dir)
            first = relative.parts[0]
            if relative.as_posix() in _SKIPPED or first == FOLDER or first.startswith("."):
                continue
            target = copy / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(fold(page.read_text("utf-8")), "utf-8")
            pages += 1
        command = [
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
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            message = (done.stderr or done.stdout).strip().splitlines()
            raise BuildFailed(
                f"the search indexer failed for {site_dir.name}: "
                + (message[-1] if message else f"exit status {done.returncode}")
            )
        for name in _UNUSED:
            (staged / name).unlink(missing_ok=True)
        shutil.rmtree(output, ignore_errors=True)
        staged.rename(output)
    finally:
        for scratch in (copy, staged):
            shutil.rmtree(scratch, ignore_errors=True)
    return IndexStats(pages, time.perf_counter() - started)
