"""The entries the views across roadmaps are made of (`views.across.Views`): a twinning
link seen from one end or listed once, a commitment or dialogue model with its roadmap,
who works with one country's diaspora, matching funds and women's participation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from site_builder.format.model import (
    Assessment,
    Commitment,
    DialogueModel,
    ExternalPartner,
    Organisation,
    RoadmapFile,
    TwinningLink,
)
from site_builder.load.quality import twinning_disagreements
from site_builder.views.paging import Page, grouped, paginate
from site_builder.views.summary import latest_assessment

# Entries of each list of a country's coordination section shown on its page (the others
# are counted): at 2000 synthetic roadmaps each list runs to 40 entries or more, and 10
# of each (50 long names with their links) weighed 8.5 KB of an Arabic country page; 3 of
# each, a sample beside the count, keep the page under 40 KB with the rest of it full.
COORDINATION_SHOWN = 3

# Entries per page of a country's whole coordination lists (render: `coordination/<cc>.md`),
# counted across its lists: the page the "… and N more" of a capped list links to. An
# entry is one line; an Arabic page of 40 synthetic entries weighed 19.5 KB (the theme
# about 12 KB of it), so 100 stay near 32 KB and most countries need only one page.
COORDINATION_PAGE_SIZE = 100

_COORDINATION_LISTS = ("countries", "authorities", "links", "organisations", "dialogue")


@dataclass(frozen=True)
class TwinningEnd:
    """One twinning link seen from one local authority's page.

    `entry` is the entry that describes it (this end's own, completed by the partner's), and
    `declared_here` / `declared_there` tell which files list it.
    """

    partner_id: str | None  # the partner's roadmap id, when it has one on this site
    external: ExternalPartner | None
    entry: TwinningLink
    declared_here: bool
    declared_there: bool
    theirs: TwinningLink | None = None  # the partner's own entry, when both ends list it
    own: TwinningLink | None = None  # this end's own entry, as it lists it (not completed)

    @property
    def disagreements(self) -> list[str]:
        """The facts (kind, status, since, until, diaspora) that the two ends state
        differently; empty when they agree or only one end lists the link."""
        return twinning_disagreements(self.entry, self.theirs) if self.theirs else []

    @property
    def one_sided(self) -> bool:
        return self.partner_id is not None and not (self.declared_here and self.declared_there)


@dataclass(frozen=True)
class TwinningPair:
    """One twinning relationship, listed once: `first` declares it (or both ends do)."""

    first: str
    second: str | None  # None for a partner without a roadmap here
    external: ExternalPartner | None
    entry: TwinningLink  # as `first` states it, completed by `second`'s
    one_sided: bool
    theirs: TwinningLink | None = None  # `second`'s own entry, when both ends list it
    own: TwinningLink | None = None  # `first`'s own entry, as it lists it

    @property
    def disagreements(self) -> list[str]:
        """The facts (kind, status, since, until, diaspora) that the two ends state
        differently; empty when they agree or only one end lists the link."""
        return twinning_disagreements(self.entry, self.theirs) if self.theirs else []


@dataclass(frozen=True)
class CommitmentEntry:
    roadmap: RoadmapFile
    commitment: Commitment

    @property
    def latest(self) -> Assessment | None:
        return latest_assessment(self.commitment)


@dataclass(frozen=True)
class DialogueEntry:
    roadmap: RoadmapFile
    model: DialogueModel

    @property
    def latest_meeting(self):  # noqa: ANN201 - a Meeting or None
        return max(self.model.meetings, key=lambda m: m.date.latest(), default=None)


@dataclass
class Coordination:
    """Who works with one country's diaspora, or with the diasporas a host country receives."""

    countries: list[RoadmapFile] = field(default_factory=list)
    authorities: list[RoadmapFile] = field(default_factory=list)
    links: list[TwinningPair] = field(default_factory=list)
    organisations: list[tuple[RoadmapFile, Organisation]] = field(default_factory=list)
    dialogue: list[DialogueEntry] = field(default_factory=list)

    more: dict[str, int] = field(default_factory=dict)
    """How many entries of each list were left out by `capped`, by list name."""

    def __bool__(self) -> bool:
        return bool(self.countries or self.authorities or self.links or self.organisations)

    def capped(self, shown: int) -> Coordination:
        """The same, each list cut to its first `shown` entries, with how many were left
        out in `more`: a country's page does not grow with the number of roadmaps that
        work with its diaspora. The whole lists are on the pages `pages` cuts them into."""
        lists = {name: getattr(self, name) for name in _COORDINATION_LISTS}
        return Coordination(
            **{name: entries[:shown] for name, entries in lists.items()},
            more={
                name: len(entries) - shown
                for name, entries in lists.items()
                if len(entries) > shown
            },
        )

    def more_than(self, shown: int) -> bool:
        """Whether a list holds more than `shown` entries (`capped(shown)` leaves some out)."""
        return any(len(getattr(self, name)) > shown for name in _COORDINATION_LISTS)

    def pages(self, size: int = COORDINATION_PAGE_SIZE) -> list[list[tuple[str, list]]]:
        """The whole lists, in order, cut into pages of at most `size` entries counted
        across lists: each page as its (list name, entries) groups, a list that crosses
        a page boundary continuing on the next page. At least one page (empty when all
        lists are). Raises ValueError when `size` < 1."""
        items = [(name, entry) for name in _COORDINATION_LISTS for entry in getattr(self, name)]
        return [
            [(name, [entry for _, entry in group]) for name, group in grouped(chunk, itemgetter(0))]
            for chunk in paginate(items, size)
        ]


@dataclass(frozen=True)
class Money:
    """Matching funds: amounts summed per currency and matching ratio."""

    currency: str | None
    ratio: float | None
    amount: Decimal  # the exact sum (`views.across.exact_sum`)
    commitments: int


@dataclass(frozen=True)
class Gender:
    commitments: int
    with_gender: int
    organisations: int  # whose leadership is stated
    women_led: int


def coordination_pages(country: str, coordination: Coordination | None) -> list[Page]:
    """The pages of a country's whole coordination lists (`coordination/ml.md`, then
    `coordination/ml/page-2.md`), each holding (list name, entries) groups; none when its
    page shows every entry (no list is longer than COORDINATION_SHOWN)."""
    if coordination is None or not coordination.more_than(COORDINATION_SHOWN):
        return []
    chunks = coordination.pages()
    name = f"coordination/{country.lower()}"
    return [Page(name, n, len(chunks), groups) for n, groups in enumerate(chunks, start=1)]


def list_starts(pages: Sequence[Page]) -> dict[str, str]:
    """For each list of coordination `pages`, the source of the page where it starts."""
    return {name: page.path for page in reversed(pages) for name, _ in page.entries}
