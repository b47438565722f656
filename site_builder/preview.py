"""The live preview: rebuild only what a change touches.

Files are re-read only when they changed. Pages are rendered again only for the roadmaps
that changed, their twinning partners and the countries they name, and view pages only
when the fields they show changed (the home page always is). Only Markdown files whose
text changed are written, and the engine rebuilds only those pages. A change to the
theme, the base configuration or a hand-written page gives a full build.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from site_builder import engine
from site_builder.config import Project
from site_builder.errors import InvalidData, SiteBuilderError
from site_builder.model import AuthorityRoadmap, Dataset
from site_builder.provenance import last_changes
from site_builder.render import (
    VIEW_FIELDS,
    RenderedLanguage,
    Renderer,
    SiteContext,
    outcome_path,
)
from site_builder.validate import ReadCache, load_dataset
from site_builder.views import Views


def _tree_stamp(paths: list[Path]) -> tuple:
    stamp = []
    for root in paths:
        if root.is_file():
            stamp.append((str(root), root.stat().st_mtime_ns))
        elif root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file())
            stamp += [(str(p), p.stat().st_mtime_ns) for p in files]
    return tuple(stamp)


def _related(dataset: Dataset | None, roadmap_id: str) -> set[str]:
    """Pages that show something of a roadmap: its twinning partners' and the pages of the
    countries it names (its own, its partner countries, the diasporas of its links)."""
    if dataset is None or roadmap_id not in dataset.roadmaps:
        return set()
    data = dataset.roadmaps[roadmap_id].data
    countries = {data.country, *data.partner_countries}
    partners = _partners(dataset, roadmap_id)
    if isinstance(data, AuthorityRoadmap):
        countries |= {link.diaspora for link in data.twinning if link.diaspora}
    countries |= {dataset.roadmaps[p].country for p in partners if p in dataset.roadmaps}
    return partners | {code.lower() for code in countries}


def _views_touched(old: Dataset | None, new: Dataset, roadmap_id: str) -> set[str]:
    """The view pages whose fields differ between the old and the new roadmap."""
    before = old.roadmaps.get(roadmap_id) if old else None
    after = new.roadmaps.get(roadmap_id)
    if before is None or after is None:
        return set(VIEW_FIELDS) | {outcome_path(o.id) for o in new.outcomes}
    touched = {
        page
        for page, names in VIEW_FIELDS.items()
        if any(getattr(before.data, n, None) != getattr(after.data, n, None) for n in names)
    }
    # An outcome's page lists the commitments that serve it, under the roadmap's name.
    renamed = getattr(before.data, "name", None) != getattr(after.data, "name", None)
    old_commitments, new_commitments = before.data.commitments, after.data.commitments
    for commitment in (*old_commitments, *new_commitments):
        if renamed or commitment not in old_commitments or commitment not in new_commitments:
            for dataset in (old, new):
                if dataset is not None:
                    number = Views(dataset).page_of_commitment(
                        roadmap_id, commitment.id, commitment.outcome
                    )
                    touched.add(outcome_path(commitment.outcome, number))
    if len(old_commitments) != len(new_commitments):
        # Entries move between pages: every page of the outcomes involved.
        for commitment in (*old_commitments, *new_commitments):
            touched |= {outcome_path(commitment.outcome, n) for n in range(1, 1000)}
    return touched


def _partners(dataset: Dataset | None, roadmap_id: str) -> set[str]:
    if dataset is None:
        return set()
    found = set()
    roadmap = dataset.roadmaps.get(roadmap_id)
    if roadmap is not None and isinstance(roadmap.data, AuthorityRoadmap):
        found |= {link.partner for link in roadmap.data.twinning if isinstance(link.partner, str)}
    for other in dataset.roadmaps.values():
        if isinstance(other.data, AuthorityRoadmap) and any(
            link.partner == roadmap_id for link in other.data.twinning
        ):
            found.add(other.id)
    return found


@dataclass
class Preview:
    project: Project
    site: Path
    work: Path
    strict: bool = False
    cache: ReadCache = field(default_factory=ReadCache)
    dataset: Dataset | None = None
    rendered: dict[str, RenderedLanguage] = field(default_factory=dict)
    stamp: tuple = ()

    def rebuild(self) -> float:
        """Bring the preview up to date; returns the seconds it took."""
        started = time.perf_counter()
        report = load_dataset(self.project.roadmaps, strict=self.strict, cache=self.cache)
        if report.dataset is None:
            raise InvalidData(report.problems)
        dataset = report.dataset
        stamp = _tree_stamp([self.project.docs, self.project.themes, self.project.base_config])
        full = (
            stamp != self.stamp
            or self.dataset is None
            or self.dataset.languages != dataset.languages
            or self.dataset.site != dataset.site
        )
        changed = {
            rid
            for rid, r in dataset.roadmaps.items()
            if self.dataset is None
            or rid not in self.dataset.roadmaps
            or self.dataset.roadmaps[rid].data != r.data
        }
        affected = set(changed)
        for rid in changed:
            affected |= _related(dataset, rid) | _related(self.dataset, rid)
            affected |= _views_touched(self.dataset, dataset, rid)
        context = SiteContext.of(dataset, last_changes(self.project.roadmaps))
        for language in dataset.languages:
            renderer = Renderer(context, language, self.project.docs)
            previous = None if full else self.rendered.get(language)
            rendered = renderer.render(affected, previous)
            project_dir = self.work / language
            if full:
                shutil.rmtree(project_dir, ignore_errors=True)
            config = engine.write_project(
                rendered,
                self.project.base_config,
                self.project.themes,
                project_dir,
                only_changed=not full,
            )
            engine.build_project(config, self.site / language, f"/{language}/", dirty=not full)
            self.rendered[language] = rendered
        self.dataset, self.stamp = dataset, stamp
        return time.perf_counter() - started

    def rebuild_and_report(self) -> None:
        from site_builder.cli import report

        try:
            seconds = self.rebuild()
            print(f"preview updated in {seconds:.1f} s", file=sys.stderr)
        except InvalidData as exc:
            report(exc.problems)
            print("the preview keeps the last good build", file=sys.stderr)
        except SiteBuilderError as exc:
            print(f"error: {exc}", file=sys.stderr)
