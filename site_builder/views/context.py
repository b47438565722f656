"""The context of one build: the dataset and everything computed from it once, shared by
every language (and inherited by forked workers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.format.model import Dataset, Date
from site_builder.views.across import Views
from site_builder.views.translation import TranslationStatus, translation_status


@dataclass(frozen=True)
class SiteContext:
    """What every language's pages are made from, computed once per build."""

    dataset: Dataset
    views: Views
    changes: dict[str, Date] = field(default_factory=dict)  # last change of each file
    statuses: list[TranslationStatus] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        dataset: Dataset,
        changes: dict[str, Date] | None = None,
        docs_dir: Path | Sequence[Path] | None = None,
        theme: Callable[[str], tuple[int, int]] | None = None,
    ) -> SiteContext:
        """`docs_dir` and `theme` as `translation_status` takes them."""
        statuses = translation_status(dataset, docs_dir, theme)
        return cls(dataset, Views(dataset), changes or {}, statuses)
