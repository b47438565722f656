"""The listings of the site that continue on numbered pages (`views.paging`), made from
the views: the dialogue models by level and the twinning links by diaspora."""

from __future__ import annotations

from collections import Counter

from site_builder.views.across import Views
from site_builder.views.entries import DialogueEntry, TwinningPair
from site_builder.views.paging import (
    TWINNING_PAGE_SIZE,
    Page,
    grouped,
    pages_of,
)


class Listings:
    """The paged listings of one build's views."""

    def __init__(self, views: Views):
        self.views = views

    def dialogue_pages(self) -> list[Page[DialogueEntry]]:
        """Every dialogue model in the order of `dialogue_by_level`, in pages of
        LISTING_PAGE_SIZE (the listing `dialogue`)."""
        entries = [e for _, group in self.views.dialogue_by_level() for e in group]
        return pages_of("dialogue", entries)

    def dialogue_levels(self) -> dict[str | None, int]:
        """Each level that has dialogue models, and the page of the listing where it starts
        (the same dict on every call: not to be changed). Asked of the views, which
        compute it once per build, so that a page's render reads only these first pages
        (not every dialogue model: render/memo.py), whatever roadmap changed."""
        return self.views.dialogue_level_pages()

    @staticmethod
    def by_level(page: Page[DialogueEntry]) -> list[tuple[str | None, list[DialogueEntry]]]:
        """The entries of one page of the dialogue listing under their level."""
        return grouped(page.entries, _level)

    def twinning_pages(self) -> list[Page[TwinningPair]]:
        """Every link once, in the order of `links_by_diaspora`, in pages of
        TWINNING_PAGE_SIZE (the listing `twinning`)."""
        return pages_of(
            "twinning",
            [link for _, group in self.views.links_by_diaspora() for link in group],
            TWINNING_PAGE_SIZE,
        )

    @staticmethod
    def by_diaspora(page: Page[TwinningPair]) -> list[tuple[str | None, list[TwinningPair]]]:
        """The links of one page of the twinning listing under their diaspora."""
        return grouped(page.entries, _diaspora)

    def diaspora_links(self) -> Counter[str | None]:
        """How many links each diaspora has (a group may run over two pages; the same
        Counter on every call: not to be changed)."""
        return self.views.diaspora_link_counts()


def _level(entry: DialogueEntry) -> str | None:
    return entry.model.level


def _diaspora(link: TwinningPair) -> str | None:
    return link.entry.diaspora
