"""What a roadmap page opens with: how many commitments, how many in each status, and one
row per commitment with its latest assessment; the same counts across all roadmaps for the
home page. Language-independent: words are added by the render stage."""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from site_builder.format.model import Assessment, Commitment, Date, RoadmapFile, Status

STATUSES: tuple[str, ...] = typing.get_args(Status)
"""Every status in the model's order, which is the order of every count and legend."""


def latest_assessment(commitment: Commitment) -> Assessment | None:
    """The assessment with the latest date (the last written of those on the same date)."""
    latest = None
    for assessment in commitment.assessments:
        if latest is None or assessment.date.latest() >= latest.date.latest():
            latest = assessment
    return latest


@dataclass(frozen=True)
class CommitmentRow:
    """One commitment in a summary table, with its latest assessment (None: not assessed)."""

    commitment: Commitment
    latest: Assessment | None


@dataclass(frozen=True)
class StatusSummary:
    """`total` commitments; `counts` is [(status, number)] in the model's order, statuses
    with no commitment left out; `rows` are the commitments in the order of the file."""

    total: int
    counts: list[tuple[str, int]]
    rows: list[CommitmentRow]


def status_counts(commitments: Iterable[Commitment]) -> list[tuple[str, int]]:
    """[(status, number)] in the model's order, statuses with no commitment left out."""
    counter = Counter(c.status for c in commitments)
    return [(status, counter[status]) for status in STATUSES if counter[status]]


def roadmap_summary(roadmap: RoadmapFile) -> StatusSummary:
    """The summary a roadmap page opens with."""
    commitments = roadmap.data.commitments
    return StatusSummary(
        total=len(commitments),
        counts=status_counts(commitments),
        rows=[CommitmentRow(c, latest_assessment(c)) for c in commitments],
    )


@dataclass(frozen=True)
class RecentAssessment:
    roadmap: RoadmapFile
    commitment: Commitment
    assessment: Assessment


def recent_assessments(roadmaps: Iterable[RoadmapFile], limit: int = 5) -> list[RecentAssessment]:
    """The `limit` latest assessments across roadmaps, latest first (ties: by roadmap id,
    then in the order of the file)."""
    found = [
        RecentAssessment(r, c, a)
        for r in roadmaps
        for c in r.data.commitments
        for a in c.assessments
    ]
    found.sort(key=lambda e: (e.roadmap.id, e.commitment.id))
    found.sort(key=lambda e: e.assessment.date.latest(), reverse=True)
    return found[:limit]


def recently_updated(
    roadmaps: Iterable[RoadmapFile], changes: dict[str, Date], limit: int = 5
) -> list[tuple[RoadmapFile, Date]]:
    """The `limit` roadmaps changed last, by their git history (`changes`, by file name)
    or else their `updated` date, latest first; roadmaps with neither are left out."""
    dated = []
    for roadmap in roadmaps:
        day = changes.get(roadmap.file_name) or roadmap.data.updated
        if day is not None:
            dated.append((roadmap, day))
    dated.sort(key=lambda e: e[0].id)
    dated.sort(key=lambda e: e[1].latest(), reverse=True)
    return dated[:limit]
