"""Listing pages split into pages of bounded length, so that no page grows with the site.

A listing (the dialogue models, the twinning directory, an outcome's commitments) is cut
into pages of a fixed number of entries; each page links to a bounded window of the other
pages (first, last and the neighbours of the current one), never to all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# Entries per page of a listing: with the theme around them, a page of 40 rows of the
# dialogue or twinning tables, or of the countries on the home page, stays under 60 KB of
# HTML in every language.
LISTING_PAGE_SIZE = 40

# Links per page of the twinning directory: each page also maps its links (markers, arcs,
# the numbered list of their towns), so a link weighs about twice a dialogue row: 40 made
# an Arabic page of synthetic roadmaps 79 KB; 20 keeps it near 50 KB.
TWINNING_PAGE_SIZE = 20

# Local authorities named in a country's row on the home page; the others are counted,
# linked to the country's page, so that a row does not grow with the country.
AUTHORITIES_ON_HOME = 3


def paginate(entries: Sequence[T], size: int = LISTING_PAGE_SIZE) -> list[list[T]]:
    """`entries` cut into pages of `size` (the last may be shorter); always at least one
    page, empty when there are no entries. Raises ValueError when `size` < 1."""
    if size < 1:
        raise ValueError(f"a page holds at least one entry, not {size}")
    return [list(entries[i : i + size]) for i in range(0, len(entries), size)] or [[]]


def listing_path(name: str, number: int) -> str:
    """The Markdown source of page `number` (from 1) of the listing `name`:
    `dialogue.md`, then `dialogue/page-2.md`... (served as `/dialogue/`,
    `/dialogue/page-2/`: the pages after the first are in a folder, out of the navigation,
    named like an outcome's further pages)."""
    return f"{name}.md" if number == 1 else f"{name}/page-{number}.md"


def page_window(number: int, total: int, around: int = 2) -> list[int | None]:
    """The page numbers a page of a listing links to: the first, the last and `around`
    on each side of `number`, in order, with None where numbers are left out. At most
    2 × `around` + 5 items, whatever `total` is."""
    shown = {1, total, *range(number - around, number + around + 1)}
    window: list[int | None] = []
    for page in sorted(p for p in shown if 1 <= p <= total):
        if window and window[-1] is not None and page > window[-1] + 1:  # type: ignore[operator]
            window.append(None)
        window.append(page)
    return window


def grouped(entries: Sequence[T], key: Callable[[T], K]) -> list[tuple[K, list[T]]]:
    """Consecutive entries with the same key, as (key, entries), in order: the headings
    of one page of a listing sorted by that key."""
    groups: list[tuple[K, list[T]]] = []
    for entry in entries:
        k = key(entry)
        if groups and groups[-1][0] == k:
            groups[-1][1].append(entry)
        else:
            groups.append((k, [entry]))
    return groups


def first_pages(entries: Sequence[T], key: Callable[[T], K], size: int) -> dict[K, int]:
    """For each key, in order of first appearance, the page (from 1) where its entries
    start when `entries` are cut into pages of `size`."""
    starts: dict[K, int] = {}
    for index, entry in enumerate(entries):
        starts.setdefault(key(entry), index // size + 1)
    return starts


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, as its template lays it out."""

    name: str
    """The listing's name, such as `dialogue` (its first page is `dialogue.md`)."""
    number: int
    total: int
    entries: list[T]
    first: str | None = None
    """The source of the first page when it is not `<name>.md` (the home page, `index.md`)."""

    @property
    def path(self) -> str:
        return self.path_of(self.number)

    def path_of(self, number: int) -> str:
        """The source of another page of the same listing."""
        if number == 1 and self.first:
            return self.first
        return listing_path(self.name, number)

    @property
    def window(self) -> list[int | None]:
        return page_window(self.number, self.total)


def pages_of(
    name: str, entries: Sequence[T], size: int = LISTING_PAGE_SIZE, first: str | None = None
) -> list[Page[T]]:
    """The pages of the listing `name`, at least one; `first` is the source of the first
    page when it is not `<name>.md`."""
    chunks = paginate(entries, size)
    return [Page(name, n, len(chunks), chunk, first) for n, chunk in enumerate(chunks, start=1)]
