"""Language-independent views across roadmaps, computed once per build.

Pages of every language read these instead of scanning the dataset again, so the work
grows with the number of roadmaps, not with its square.
"""

from __future__ import annotations

import typing
from collections import Counter, defaultdict
from dataclasses import replace
from decimal import Context, Decimal, localcontext
from functools import cached_property

from site_builder.format.model import (
    AuthorityRoadmap,
    CountryRoadmap,
    Dataset,
    ExternalPartner,
    Level,
    RoadmapFile,
    TwinningLink,
)
from site_builder.views.entries import (
    CommitmentEntry,
    Coordination,
    DialogueEntry,
    Gender,
    Money,
    TwinningEnd,
    TwinningPair,
)
from site_builder.views.paging import LISTING_PAGE_SIZE, first_pages, paginate

# Commitments shown on one outcome page: pages stay light however
# large the site grows. Each entry shows its summary and latest assessment (issue 13): 25
# made an Arabic outcome page of synthetic roadmaps 87 KB; 12 keeps it under 50 KB.
OUTCOME_PAGE_SIZE = 12

# Commitments on one page of a status list: a row there is a line of four cells (title
# shortened, roadmap, latest assessment, timeframe), lighter than a dialogue row, so it
# takes the listings' size. 12 made a page of 17 KB in Arabic at 2000 roadmaps, and 335
# pages per language to build; 40 makes pages of 30 KB, and 100.
STATUS_PAGE_SIZE = LISTING_PAGE_SIZE


class Views:
    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    @cached_property
    def authorities(self) -> dict[str, AuthorityRoadmap]:
        return {
            r.id: r.data
            for r in self.dataset.roadmaps.values()
            if isinstance(r.data, AuthorityRoadmap)
        }

    def _entry(self, roadmap_id: str, partner_id: str) -> TwinningLink | None:
        data = self.authorities.get(roadmap_id)
        if data is None:
            return None
        return next((link for link in data.twinning if link.partner == partner_id), None)

    @cached_property
    def twinning_ends(self) -> dict[str, list[TwinningEnd]]:
        """Every link of each authority, whichever end declares it, own entries first."""
        ends: dict[str, list[TwinningEnd]] = defaultdict(list)
        for roadmap_id, data in self.authorities.items():
            for link in data.twinning:
                if isinstance(link.partner, ExternalPartner):
                    ends[roadmap_id].append(TwinningEnd(None, link.partner, link, True, False))
                    continue
                other = self._entry(link.partner, roadmap_id)
                merged = _completed(link, other) if other else link
                ends[roadmap_id].append(
                    TwinningEnd(link.partner, None, merged, True, bool(other), other, link)
                )
                if other is None and link.partner in self.authorities:
                    ends[link.partner].append(TwinningEnd(roadmap_id, None, link, False, True))
        return ends

    @cached_property
    def links(self) -> list[TwinningPair]:
        """Every relationship once, in a stable order."""
        result = []
        for roadmap_id in sorted(self.authorities):
            for end in self.twinning_ends.get(roadmap_id, []):
                if end.external is not None:
                    result.append(TwinningPair(roadmap_id, None, end.external, end.entry, False))
                elif end.declared_here and (not end.declared_there or roadmap_id < end.partner_id):
                    pair = TwinningPair(
                        roadmap_id,
                        end.partner_id,
                        None,
                        end.entry,
                        end.one_sided,
                        end.theirs,
                        end.own,
                    )
                    result.append(pair)
        return result

    def links_by_diaspora(self) -> list[tuple[str | None, list[TwinningPair]]]:
        """Every link once, grouped by the diaspora that links its two places: groups in
        the order of the country codes, links whose diaspora is not stated last."""
        groups: dict[str | None, list[TwinningPair]] = defaultdict(list)
        for link in self.links:
            groups[link.entry.diaspora].append(link)
        return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))

    @cached_property
    def commitments(self) -> list[CommitmentEntry]:
        return [CommitmentEntry(r, c) for r in self._roadmaps() for c in r.data.commitments]

    @cached_property
    def by_outcome(self) -> dict[str, list[CommitmentEntry]]:
        grouped: dict[str, list[CommitmentEntry]] = {o.id: [] for o in self.dataset.outcomes}
        for entry in self.commitments:
            grouped.setdefault(entry.commitment.outcome, []).append(entry)
        return grouped

    @cached_property
    def dialogue(self) -> list[DialogueEntry]:
        return [DialogueEntry(r, m) for r in self._roadmaps() for m in r.data.dialogue]

    def dialogue_by_level(self) -> list[tuple[str | None, list[DialogueEntry]]]:
        """Dialogue models grouped by level in the model's order (local → international,
        then those with no level), each group ordered by the name of its format (models
        without a format last), else in the order of the roadmaps; empty groups are left
        out. Computed once (every page of the dialogue listing asks): the same list on
        every call, not to be changed."""
        return self._dialogue_by_level

    @cached_property
    def _dialogue_by_level(self) -> list[tuple[str | None, list[DialogueEntry]]]:
        return by_level(self.dialogue)

    def dialogue_level_pages(self) -> dict[str | None, int]:
        """Each level that has dialogue models, and the page of the dialogue listing (in
        pages of LISTING_PAGE_SIZE) where it starts: what every page of the listing shows
        of the others, a read that changes only when a level starts on another page.
        Computed once: the same dict on every call, not to be changed."""
        return self._dialogue_level_pages

    @cached_property
    def _dialogue_level_pages(self) -> dict[str | None, int]:
        entries = [e for _, group in self.dialogue_by_level() for e in group]
        return first_pages(entries, lambda e: e.model.level, LISTING_PAGE_SIZE)

    def diaspora_link_counts(self) -> Counter[str | None]:
        """How many twinning links each diaspora has (None: links whose diaspora is not
        stated). Computed once (every page of the twinning listing asks): the same
        Counter on every call, not to be changed."""
        return self._diaspora_link_counts

    @cached_property
    def _diaspora_link_counts(self) -> Counter[str | None]:
        return Counter(link.entry.diaspora for link in self.links)

    def _roadmaps(self) -> list[RoadmapFile]:
        return sorted(self.dataset.roadmaps.values(), key=lambda r: r.id)

    def outcome_pages(self, outcome_id: str) -> list[list[CommitmentEntry]]:
        """The commitments of an outcome in pages of OUTCOME_PAGE_SIZE, at least one page."""
        return paginate(self.by_outcome.get(outcome_id, []), OUTCOME_PAGE_SIZE)

    def status_pages(self, status: str) -> list[list[CommitmentEntry]]:
        """The commitments in one status, across roadmaps (in the order of the roadmaps'
        ids, then of their files), in pages of STATUS_PAGE_SIZE, at least one page."""
        entries = [e for e in self.commitments if e.commitment.status == status]
        return paginate(entries, STATUS_PAGE_SIZE)

    def page_of_commitment(self, roadmap_id: str, commitment_id: str, outcome_id: str) -> int:
        for index, entry in enumerate(self.by_outcome.get(outcome_id, [])):
            if entry.roadmap.id == roadmap_id and entry.commitment.id == commitment_id:
                return index // OUTCOME_PAGE_SIZE + 1
        return 1

    def outcome_status_counts(self, outcome_id: str) -> Counter[str]:
        return Counter(entry.commitment.status for entry in self.by_outcome.get(outcome_id, []))

    def status_counts(self) -> Counter[str]:
        return Counter(entry.commitment.status for entry in self.commitments)

    def completion_counts(self) -> Counter[str]:
        return Counter(entry.latest.completion for entry in self.commitments if entry.latest)

    def coordination(self, country: str) -> Coordination:
        """For an origin: who works with its diaspora. For a destination: with whom."""
        roadmap = self.dataset.country_roadmap(country)
        role = roadmap.data.role if roadmap and isinstance(roadmap.data, CountryRoadmap) else None
        result = Coordination()
        if role in ("origin", "both"):
            self._diaspora_of(country, result)
        if role in ("destination", "both") and roadmap is not None:
            for origin in roadmap.data.partner_countries:
                origin_roadmap = self.dataset.country_roadmap(origin)
                if origin_roadmap and origin_roadmap not in result.countries:
                    result.countries.append(origin_roadmap)
            for authority in self.dataset.authorities_of(country):
                if authority.data.partner_countries or self.twinning_ends.get(authority.id):
                    result.authorities.append(authority)
        return result

    @cached_property
    def _diaspora_index(
        self,
    ) -> tuple[dict[str, list[RoadmapFile]], dict[str | None, list[TwinningPair]]]:
        return diaspora_candidates(self._roadmaps()), dict(self.links_by_diaspora())

    def _diaspora_of(self, country: str, result: Coordination) -> None:
        for other in self._diaspora_index[0].get(country, []):
            if other.country == country:
                continue
            data = other.data
            works_with = country in data.partner_countries
            if isinstance(data, CountryRoadmap):
                if works_with and data.role in ("destination", "both"):
                    result.countries.append(other)
                else:
                    continue
            elif works_with or any(link.diaspora == country for link in data.twinning):
                result.authorities.append(other)
            else:
                continue
            result.organisations += [(other, o) for o in data.organisations]
            result.dialogue += [DialogueEntry(other, m) for m in data.dialogue]
        result.links = list(self._diaspora_index[1].get(country, []))
        own = self.dataset.country_roadmap(country)
        if own is not None:
            result.organisations = [(own, o) for o in own.data.organisations] + result.organisations

    def money(self, roadmaps: list[RoadmapFile] | None = None) -> list[Money]:
        """Matching funds of `roadmaps` (all by default), summed per currency and ratio."""
        return money_of(roadmaps if roadmaps is not None else self._roadmaps())

    def gender(self, roadmaps: list[RoadmapFile] | None = None) -> Gender:
        """Women's participation in `roadmaps` (all by default)."""
        return gender_of(roadmaps if roadmaps is not None else self._roadmaps())


def money_of(chosen: list[RoadmapFile]) -> list[Money]:
    totals: dict[tuple[str | None, float | None], list[float]] = defaultdict(list)
    for commitment in (c for r in chosen for c in r.data.commitments):
        funding = commitment.funding
        if funding and funding.amount is not None:
            totals[(funding.currency, funding.matching_ratio)].append(funding.amount)
    return [
        Money(currency, ratio, exact_sum(amounts), len(amounts))
        for (currency, ratio), amounts in sorted(
            totals.items(), key=lambda item: (item[0][0] or "", item[0][1] or 0)
        )
    ]


def exact_sum(amounts: list[float]) -> Decimal:
    """The sum of amounts as written (a `Number` is its double's shortest form), exact: a sum
    of doubles loses digits (1e30 + 1 is 1e30); a decimal of as many digits as it needs."""
    with localcontext(Context(prec=MAX_EXACT_DIGITS)):
        return sum((Decimal(repr(amount)) for amount in amounts), Decimal(0))


MAX_EXACT_DIGITS = 1000
"""Digits of an exact sum: a double's shortest form spans 10^-324 to 10^308, 633 digits."""


def gender_of(chosen: list[RoadmapFile]) -> Gender:
    commitments = [c for r in chosen for c in r.data.commitments]
    organisations = [o for r in chosen for o in r.data.organisations if o.women_led is not None]
    return Gender(
        len(commitments),
        sum(1 for c in commitments if c.gender),
        len(organisations),
        sum(1 for o in organisations if o.women_led),
    )


def by_level(dialogue: list[DialogueEntry]) -> list[tuple[str | None, list[DialogueEntry]]]:
    """`dialogue` grouped by level (see `Views.dialogue_by_level`)."""
    levels: dict[str | None, list[DialogueEntry]] = defaultdict(list)
    for entry in dialogue:
        levels[entry.model.level].append(entry)
    groups = []
    for level in [*typing.get_args(Level), None]:
        entries = sorted(levels.get(level, []), key=_by_format)
        if entries:
            groups.append((level, entries))
    return groups


def _by_format(entry: DialogueEntry) -> tuple[bool, str]:
    return entry.model.format is None, entry.model.format or ""


def _completed(own: TwinningLink, other: TwinningLink) -> TwinningLink:
    """This end's entry, with what it leaves out taken from the other end's."""
    missing = {
        name: getattr(other, name)
        for name in ("since", "until", "diaspora", "description")
        if getattr(own, name) is None and getattr(other, name) is not None
    }
    return replace(own, **missing) if missing else own


def diaspora_candidates(roadmaps: list[RoadmapFile]) -> dict[str, list[RoadmapFile]]:
    """For each country, in the order of `roadmaps`, those that may work with its diaspora
    (`Views._diaspora_of` checks the rest): those naming it among their partner countries,
    and local authorities with a twinning link it is the diaspora of. One pass over the
    roadmaps, not one per country."""
    found: dict[str, list[RoadmapFile]] = defaultdict(list)
    for roadmap in roadmaps:
        data = roadmap.data
        countries = set(data.partner_countries)
        if not isinstance(data, CountryRoadmap):
            countries |= {link.diaspora for link in data.twinning if link.diaspora}
        for country in countries:
            found[country].append(roadmap)
    return found
