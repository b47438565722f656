"""The live preview: rebuild only what a change touches.

Files are re-read only when they changed. Pages are rendered again only for the roadmaps
that changed, their twinning partners and the countries they name, and view pages only
when the fields they show changed (the home page always is). Only Markdown files whose
text changed are written, and the engine rebuilds only those pages. A change to the
theme, the base configuration or a hand-written page gives a full build. The root
files and the open data (`data/`) are written after each build, as `build` writes them.

While the data is invalid, the preview keeps its last good build and every page it
serves starts with a banner listing the problems (`problem_banner`), gone once fixed.

The search index is written again after each rebuild, in a background thread, so that the
pages are served as soon as they are built and search catches up a moment later (Pagefind
indexes a whole language at once: about 2 s of processor time at 500 roadmaps).
"""

from __future__ import annotations

import html
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.app.build import load_or_fail, prepare, source_date_epoch, stored_records
from site_builder.app.config import Project
from site_builder.app.jobs import LanguageJob
from site_builder.app.language import build_language
from site_builder.engine import mkdocs as engine
from site_builder.engine import pagefind
from site_builder.errors import InvalidData, Problem, SiteBuilderError, printable_lines
from site_builder.format.model import Dataset
from site_builder.load.validate import ReadCache
from site_builder.publish.data import write_data
from site_builder.publish.root import write_root_files
from site_builder.render.links import outcome_path
from site_builder.render.output import RenderedLanguage
from site_builder.render.pages import VIEW_FIELDS
from site_builder.views.across import Views
from site_builder.views.context import SiteContext


def _tree_stamp(paths: list[Path]) -> tuple:
    stamp = []
    for root in paths:
        if root.is_file():
            stamp.append((str(root), root.stat().st_mtime_ns))
        elif root.is_dir():
            files = sorted(p for p in root.rglob("*") if p.is_file())
            stamp += [(str(p), p.stat().st_mtime_ns) for p in files]
    return tuple(stamp)


def _related(views: Views | None, roadmap_id: str) -> set[str]:
    """Pages that show something of a roadmap: its twinning partners' and the pages of the
    countries it names (its own, its partner countries, the diasporas of its links)."""
    if views is None or roadmap_id not in views.dataset.roadmaps:
        return set()
    roadmaps = views.dataset.roadmaps
    data = roadmaps[roadmap_id].data
    partners = {end.partner_id for end in views.twinning_ends.get(roadmap_id, []) if end.partner_id}
    countries = {data.country, *data.partner_countries}
    countries |= {
        end.entry.diaspora for end in views.twinning_ends.get(roadmap_id, []) if end.entry.diaspora
    }
    countries |= {roadmaps[p].country for p in partners if p in roadmaps}
    return partners | {code.lower() for code in countries}


def _views_touched(old: Views | None, new: Views, roadmap_id: str) -> set[str]:
    """The view pages whose fields differ between the old and the new roadmap."""
    before = old.dataset.roadmaps.get(roadmap_id) if old else None
    after = new.dataset.roadmaps.get(roadmap_id)
    if old is None or before is None or after is None:
        return set(VIEW_FIELDS) | {
            outcome_path(o.id, n)
            for o in new.dataset.outcomes
            for n in range(1, len(new.outcome_pages(o.id)) + 1)
        }
    touched = {
        page
        for page, names in VIEW_FIELDS.items()
        if any(getattr(before.data, n, None) != getattr(after.data, n, None) for n in names)
    }
    # An outcome's page lists the commitments that serve it, under the roadmap's name.
    renamed = getattr(before.data, "name", None) != getattr(after.data, "name", None)
    old_commitments, new_commitments = before.data.commitments, after.data.commitments
    moved = len(old_commitments) != len(new_commitments)  # entries shift between pages
    for commitment in (*old_commitments, *new_commitments):
        if moved:
            for views in (old, new):
                count = len(views.outcome_pages(commitment.outcome))
                touched |= {outcome_path(commitment.outcome, n) for n in range(1, count + 1)}
        elif renamed or commitment not in old_commitments or commitment not in new_commitments:
            for views in (old, new):
                number = views.page_of_commitment(roadmap_id, commitment.id, commitment.outcome)
                touched.add(outcome_path(commitment.outcome, number))
    return touched


class BackgroundIndex:
    """Indexes language folders for search in a thread, one run at a time; folders asked
    for during a run are indexed by the next one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: set[Path] = set()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def request(self, folders: list[Path]) -> None:
        with self._lock:
            self._pending.update(folders)
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Drop the folders still asked for and wait for the run in progress to end (the
        preview's folder is removed next)."""
        with self._lock:
            self._pending.clear()
            thread = self._thread
        if thread is not None:
            thread.join()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every folder asked for is indexed; False if `timeout` (seconds)
        passed first."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    self._idle.set()
                    return
                folders, self._pending = sorted(self._pending), set()
            for folder in folders:
                try:
                    pagefind.index_language(folder)
                except (SiteBuilderError, OSError) as exc:
                    print(f"search index of {folder.name} not updated: {exc}", file=sys.stderr)


@dataclass
class Preview:
    """The site as `serve` shows it, kept up to date by `rebuild`.

    Each rebuild goes through the build's own unit of work (`build_language`), with the
    incremental option: only the pages a change touches are rendered and rebuilt.
    """

    project: Project
    site: Path
    work: Path
    strict: bool = False
    on_problems: Callable[[list[Problem]], None] | None = None
    cache: ReadCache = field(default_factory=ReadCache)
    context: SiteContext | None = None  # of the last good build
    rendered: dict[str, RenderedLanguage] = field(default_factory=dict)
    stamp: tuple = ()
    search: BackgroundIndex = field(default_factory=BackgroundIndex)
    problems: list[Problem] = field(default_factory=list)
    """The problems of the last rebuild that failed on invalid data; [] once it is fixed."""

    def banner(self) -> str:
        """The HTML put at the top of every page served: the problems, or "" for none."""
        return problem_banner(self.problems)

    @property
    def dataset(self) -> Dataset | None:
        return self.context.dataset if self.context else None

    def rebuild(self) -> float:
        """Bring the pages up to date and start indexing them for search (see
        `search.wait()`); returns the seconds the pages took.

        Raises InvalidData (the preview keeps its last good build) or BuildFailed."""
        started = time.perf_counter()
        dataset, _ = load_or_fail(self.project, strict=self.strict, cache=self.cache)
        stamp = _tree_stamp(self.project.watched[1:])
        full = (
            stamp != self.stamp
            or self.dataset is None
            or self.dataset.languages != dataset.languages
            or self.dataset.site != dataset.site
            # A roadmap removed leaves pages behind that only a full build clears.
            or bool(set(self.dataset.roadmaps) - set(dataset.roadmaps))
        )
        if full:
            self.search.wait()  # a full build empties the folders the indexer writes into
        changed = {
            rid
            for rid, r in dataset.roadmaps.items()
            if self.dataset is None
            or rid not in self.dataset.roadmaps
            or self.dataset.roadmaps[rid].data != r.data
        }
        old_views = self.context.views if self.context else None
        context = prepare(self.project, dataset)
        affected = set(changed)
        for rid in changed:
            affected |= _related(context.views, rid) | _related(old_views, rid)
            affected |= _views_touched(old_views, context.views, rid)
        with engine.reproducible(source_date_epoch(self.project.roadmaps)):
            for language in dataset.languages:
                if full:
                    shutil.rmtree(self.work / language, ignore_errors=True)
                job = LanguageJob(
                    language,
                    self.project,
                    self.work,
                    self.site / language,
                    url_path=f"/{language}/",
                    keep_rendered=True,
                    incremental=not full,
                    keep_project=True,
                    search=False,  # in the background, once every language is built
                    # The listings' pages that the change does not touch are kept too.
                    memo_dir=self.work / "render" / language,
                )
                previous = None if full else self.rendered.get(language)
                _, self.rendered[language] = build_language(
                    context, job, None if full else affected, previous
                )
        write_root_files(dataset, self.site)
        # The records of roadmaps that did not change are taken from the last rebuilds'.
        records = stored_records(self.work / "records", dataset)
        write_data(dataset, context.views, self.site, None, records)
        self.context, self.stamp = context, stamp
        self.search.request([self.site / language for language in dataset.languages])
        return time.perf_counter() - started

    def rebuild_and_report(self) -> None:
        """`rebuild`, printing the time taken or the problems; never raises for bad data."""
        try:
            seconds = self.rebuild()
            self.problems = []
            print(f"preview updated in {seconds:.1f} s", file=sys.stderr)
        except InvalidData as exc:
            self.problems = exc.problems
            if self.on_problems:
                self.on_problems(exc.problems)
            if self.context is None:
                _waiting_page(self.site)
                print("the preview waits for the data to be valid", file=sys.stderr)
            else:
                print("the preview keeps the last good build", file=sys.stderr)
        except SiteBuilderError as exc:
            print(f"error: {printable_lines(str(exc))}", file=sys.stderr)


def problem_banner(problems: list[Problem]) -> str:
    """The problems as an HTML banner, each as the terminal prints it (file:line:column,
    the line with a marker, the hint); "" when there are none. Every value is escaped."""
    if not problems:
        return ""
    errors = sum(1 for p in problems if p.is_error)
    items = "".join(
        f'<li><pre style="white-space:pre-wrap;margin:.4em 0;font-size:.8rem">'
        f"{html.escape(problem.format())}</pre></li>"
        for problem in problems
    )
    return (
        '<div id="preview-problems" role="alert" lang="en" dir="ltr" style="position:relative;'
        "z-index:10;padding:.8em 1.2em;background:#fff4e5;color:#3d1f00;"
        'border-bottom:4px solid #b34700;font-family:sans-serif">'
        f'<p style="margin:0;font-weight:bold">{errors} error(s) in the roadmaps: the '
        "preview shows the last valid version until they are fixed</p>"
        f'<ol style="margin:.4em 0;padding-inline-start:1.4em">{items}</ol></div>'
    )


def _waiting_page(site: Path) -> None:
    """A page at the root while no build has succeeded, for the banner to show on."""
    site.mkdir(parents=True, exist_ok=True)
    page = site / "index.html"
    if not page.exists():
        page.write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Preview: waiting for valid data</title></head><body><main>"
            "<h1>The preview waits for the data to be valid</h1>"
            "<p>Fix the problems above; this page reloads by itself.</p></main></body></html>",
            "utf-8",
        )
