"""Language-independent views across roadmaps, computed once per build."""

from __future__ import annotations

from dataclasses import dataclass, replace

from site_builder.model import AuthorityRoadmap, Dataset, ExternalPartner, TwinningLink


@dataclass(frozen=True)
class TwinningEnd:
    """One twinning link seen from one local authority's page.

    `link` is the entry that describes it (this end's own, else the partner's), and
    `declared_here` / `declared_there` tell which files list it.
    """

    partner_id: str | None  # the partner's roadmap id, when it has one on this site
    external: ExternalPartner | None
    link: TwinningLink
    declared_here: bool
    declared_there: bool

    @property
    def one_sided(self) -> bool:
        return self.partner_id is not None and not (self.declared_here and self.declared_there)


def twinning_of(dataset: Dataset, roadmap_id: str) -> list[TwinningEnd]:
    """Every link of an authority, whichever end declares it, own entries first."""
    roadmap = dataset.roadmaps[roadmap_id]
    ends: list[TwinningEnd] = []
    listed: set[str] = set()
    if isinstance(roadmap.data, AuthorityRoadmap):
        for link in roadmap.data.twinning:
            if isinstance(link.partner, ExternalPartner):
                ends.append(TwinningEnd(None, link.partner, link, True, False))
                continue
            listed.add(link.partner)
            other_end = _entry(dataset, link.partner, roadmap_id)
            if other_end is not None:
                link = _completed(link, other_end)
            ends.append(TwinningEnd(link.partner, None, link, True, other_end is not None))
    for other in dataset.roadmaps.values():
        if other.id in listed or not isinstance(other.data, AuthorityRoadmap):
            continue
        for link in other.data.twinning:
            if link.partner == roadmap_id:
                ends.append(TwinningEnd(other.id, None, link, False, True))
    return ends


def _entry(dataset: Dataset, roadmap_id: str, partner_id: str) -> TwinningLink | None:
    """The entry for `partner_id` in `roadmap_id`'s twinning list, if it declares one."""
    other = dataset.roadmaps.get(roadmap_id)
    if other is None or not isinstance(other.data, AuthorityRoadmap):
        return None
    return next((link for link in other.data.twinning if link.partner == partner_id), None)


def _completed(own: TwinningLink, other: TwinningLink) -> TwinningLink:
    """This end's entry, with what it leaves out taken from the other end's."""
    missing = {
        name: getattr(other, name)
        for name in ("since", "until", "diaspora", "description")
        if getattr(own, name) is None and getattr(other, name) is not None
    }
    return replace(own, **missing) if missing else own
